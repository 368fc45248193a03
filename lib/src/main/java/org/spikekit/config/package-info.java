/**
 * Configurations as JSON: {@code Configs} (write, read, override by path) and {@code Json} (strict
 * parser).
 *
 * <p>Layer: above {@code compute}; below {@code core}. Uses no other package of the kit. The package
 * order is checked by {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.config;
