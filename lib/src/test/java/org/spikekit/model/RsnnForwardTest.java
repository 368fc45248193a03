package org.spikekit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.data.DataException;
import org.spikekit.data.format.Npy;
import org.spikekit.testing.ReferenceSets;

/** {@link RsnnForward}: the golden pass from an int input, the float32 option, and bad inputs named. */
class RsnnForwardTest {
    final Backend be = new CpuBackend();
    final Path set = ReferenceSets.set("rsnn-released");
    final Path ckpt = set.resolve("models/indy01/tinyRSNN-1.pth");

    @TempDir
    Path tmp;

    @Test
    void integerCountsGiveTheGoldenPassAndFloat32IsTheOtherPath() {
        ReleasedGolden g = ReleasedGolden.read(set.resolve("golden-indy01-tinyRSNN-1"));
        int[] counts = new int[g.input().length];
        for (int i = 0; i < counts.length; i++) counts[i] = (int) g.input()[i];
        Path in = tmp.resolve("in.npy");
        Npy.write(in, Npy.Array.of(counts, g.steps(), g.inputs()));
        RsnnForward.Result r = RsnnForward.run(be, ckpt, in, tmp.resolve("out16"), true);
        assertArrayEquals(g.spikes(), Npy.read(r.spikes()).floats());
        assertArrayEquals(g.pred(), Npy.read(r.pred()).floats());
        RsnnForward.Result r32 = RsnnForward.run(be, ckpt, in, tmp.resolve("out32"), false);
        assertFalse(r32.float16());
        assertEquals(g.steps(), Npy.read(r32.pred()).shape()[0]);
        assertFalse(java.util.Arrays.equals(g.spikes(), Npy.read(r32.spikes()).floats()), "float32 is another arithmetic");
    }

    @Test
    void badInputsAreNamed() {
        Path wrong = tmp.resolve("wrong.npy");
        Npy.write(wrong, Npy.Array.of(new float[10 * 95], 10, 95));
        DataException e = assertThrows(DataException.class, () -> RsnnForward.run(be, ckpt, wrong, tmp.resolve("o"), true));
        assertTrue(e.getMessage().contains("wrong.npy") && e.getMessage().contains("[T, 96]") && e.getMessage().contains("[10, 95]"),
                e.getMessage());
        Path neg = tmp.resolve("neg.npy");
        float[] x = new float[4 * 96];
        x[100] = -1f;
        Npy.write(neg, Npy.Array.of(x, 4, 96));
        e = assertThrows(DataException.class, () -> RsnnForward.run(be, ckpt, neg, tmp.resolve("o"), true));
        assertTrue(e.getMessage().contains("step 1, channel 4") && e.getMessage().contains("-1.0"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("o")), "nothing written for a refused input");
    }
}
