/**
 * File writing helpers with no dependency on the rest of the kit (atomic writes), usable from every
 * package.
 *
 * <p>Layer: above {@code config}, below {@code core}; checked by {@code LayeringTest}
 * (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.io;
