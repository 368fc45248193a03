/**
 * Facts about the library build ({@code Kit.version()}).
 *
 * <p>Layer: the bottom: this package uses nothing else of the kit, so every package may use it. The
 * package order is checked by {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit;
