package org.spikekit.data.perich;

import org.spikekit.data.RunMode;
import org.spikekit.data.perich.PerichNwb.Recording;

/** Small generated Perich sessions for the tests. */
final class PerichFixtures {
    private PerichFixtures() {}

    /** A short stand-in config of a quick-mode session: {@code seconds} long, {@code units} units. */
    static PerichGenerator.Config small(String id, double seconds, int units) {
        return PerichGenerator.config(id, RunMode.QUICK).withDurationS(seconds).withUnits(units);
    }

    static final String CO = "c_20150311_center_out_reaching";
    static final String RT = "m_20140221_random_target_reaching";

    /** The same recording without generator description, as a real file would read. */
    static Recording realLike(Recording r) {
        return new Recording(r.id(), r.subject(), r.task(), r.date(), r.t(), r.pos(), r.vel(), r.acc(), r.trials(), r.spikes(), "");
    }
}
