/**
 * O'Doherty et al. (2017) self-paced reaching sessions: the MATLAB v7.3 reader/writer, the session
 * type, where sessions come from (real or stand-in), the seeded stand-in generator, and NeuroBench's
 * {@code PrimateReaching} preprocessing with the RSNN paper's cut.
 *
 * <p>Layer: shares {@code data}'s layer (above {@code core}, below {@code metrics}); checked by
 * {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.data.reaching;
