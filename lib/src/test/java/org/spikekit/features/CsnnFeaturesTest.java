package org.spikekit.features;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.Splits;
import org.spikekit.data.format.Npy;
import org.spikekit.data.images.TrainTest;

class CsnnFeaturesTest {
    @TempDir Path dir;

    @Test
    void foldFeaturesAreExtractedOnceThenReadFromTheCache() throws Exception {
        TrainTest d = StdpCsnnTest.synth("mnist", 28, 28, 1, 10, 200, 9);
        CsnnConfig cfg = CsnnConfig.mnist().withEpochs(1).withFilters(16);
        CsnnFeatures.SplitFeatures a = CsnnFeatures.kfold(d, 2, cfg, dir, 2);
        assertFalse(a.cached());
        assertEquals(180, a.train().n());
        assertEquals(20, a.val().n());
        assertEquals(d.test().n(), a.test().n());
        assertEquals(6 * 6 * 16, a.train().d());
        assertArrayEquals(new int[] {6, 6, 16}, a.featureShape());
        // the val part is fold 2 of StratifiedKFold(10): its labels are those of the held-out indices
        int[] held = Splits.stratifiedKFold(d.train().labels(), 10).get(2).test();
        assertArrayEquals(IntStream.of(held).map(i -> d.train().labels()[i]).toArray(), a.val().y());
        assertTrue(a.dir().startsWith(dir.resolve("mnist").resolve(cfg.hash())));
        for (String f : new String[] {"X_train.npy", "y_train.npy", "X_val.npy", "y_val.npy", "X_test.npy", "y_test.npy", "key.txt"}) {
            assertTrue(Files.isRegularFile(a.dir().resolve(f)), f);
        }
        Npy.Array x = Npy.read(a.dir().resolve("X_test.npy"));
        assertArrayEquals(new int[] {d.test().n(), 576}, x.shape());
        try (var s = Files.list(a.dir())) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "temporary files left behind");
        }

        CsnnFeatures.SplitFeatures b = CsnnFeatures.kfold(d, 2, cfg, dir, 1);
        assertTrue(b.cached());
        assertArrayEquals(a.train().x(), b.train().x());
        assertArrayEquals(a.test().x(), b.test().x());
        assertArrayEquals(a.val().y(), b.val().y());
        // another fold (seed = fold) or config is a different cache entry
        CsnnFeatures.SplitFeatures c = CsnnFeatures.kfold(d, 3, cfg, dir, 2);
        assertFalse(c.cached());
        assertNotEquals(a.dir(), c.dir());
        // an interrupted write (no key.txt) is not taken as a cache hit
        Files.delete(a.dir().resolve("key.txt"));
        assertFalse(CsnnFeatures.kfold(d, 2, cfg, dir, 2).cached());
        assertThrows(IllegalArgumentException.class, () -> CsnnFeatures.kfold(d, 10, cfg, dir, 1));
    }

    @Test
    void gridsearchSplitIsNinetyTen() {
        TrainTest d = StdpCsnnTest.synth("mnist", 28, 28, 1, 10, 100, 10);
        CsnnFeatures.SplitFeatures g = CsnnFeatures.gridsearch(d, CsnnConfig.mnist().withEpochs(0).withFilters(16), null, 1);
        assertEquals(90, g.train().n());
        assertEquals(10, g.val().n());
        assertNull(g.dir());
        for (float v : g.test().x()) assertTrue(v >= 0 && v <= 1);
    }
}
