package org.spikekit.nir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.data.format.Npy;
import org.spikekit.model.ReleasedRsnn;
import org.spikekit.model.Rsnn;
import org.spikekit.testing.ReferenceSets;

/**
 * Every released tinyRSNN checkpoint of the reference set {@code rsnn-released}
 * ({@code models/<session>/tinyRSNN-*.pth}) exported to NIR, written, read back and run by
 * {@link NirNetwork} with the file's options gives the kit's own predictions and hidden spikes bit
 * for bit: on the set's golden input ({@code golden-indy01-tinyRSNN-1/input.npy}, 3000 steps of 96
 * channels) for the Indy models, on seeded Bernoulli spikes of the same length for the 192-channel
 * Loco models.
 */
class NirReleasedParityTest {
    final Backend be = new CpuBackend();

    @Test
    void releasedCheckpointsExportAndReimportToTheSamePredictions(@TempDir Path tmp) {
        Path set = ReferenceSets.set("rsnn-released");
        List<Path> ckpts = ReleasedRsnn.checkpoints(set);
        assertTrue(ckpts.size() >= 30, "expected the released checkpoints, found " + ckpts.size());
        Npy.Array golden = Npy.read(set.resolve("golden-indy01-tinyRSNN-1/input.npy")).requireShape(-1, 96);
        int t = golden.shape()[0];
        Tensor indy = be.fromHost(golden.floats(), t, 1, 96);
        java.util.Random r = new java.util.Random(17);
        float[] lx = new float[t * 192];
        for (int i = 0; i < lx.length; i++) lx[i] = r.nextDouble() < 0.05 ? 1f : 0f;
        Tensor loco = be.fromHost(lx, t, 1, 192);
        for (Path p : ckpts) {
            Rsnn m = ReleasedRsnn.load(be, p).model();
            Tensor x = m.inputs() == 96 ? indy : loco;
            Rsnn.Pass want = m.forward(x, false, 0L, false);
            Path f = tmp.resolve("model.nir");
            NirFile.write(f, NirExport.rsnn(m));
            NirGraph g = NirFile.read(f);
            assertEquals("tinyRSNN", g.metadata().get(NirExport.META_MODEL), p.toString());
            NirNetwork.Run got = NirNetwork.build(be, g, NirOptions.forGraph(g, 1e-4)).run(x);
            String what = set.relativize(p).toString();
            assertArrayEquals(be.toHost(want.spikes()), be.toHost(got.node("spikes")), what + ": hidden spikes");
            assertArrayEquals(be.toHost(want.prediction()), be.toHost(got.output()), what + ": predictions");
        }
    }
}
