/**
 * The CUDA backend (native calls through {@code java.lang.foreign}), reached through
 * {@code Backends.get("cuda")}; not exported.
 *
 * <p>Layer: {@code compute} (a sub-package has its parent's layer). The package order is checked by
 * {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.compute.cuda;
