package org.spikekit.data.spiking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.DataChoice;
import org.spikekit.data.DataException;
import org.spikekit.data.RunMode;
import org.spikekit.data.images.ImageSet;

class BlocksDataTest {
    @TempDir Path dir;

    @Test
    void shdStandInIsGeneratedOnceAndReadBack() {
        BlocksData d = BlocksData.at(dir);
        BlocksData.Shd a = d.shd(DataChoice.AUTO, RunMode.QUICK);
        assertFalse(a.real());
        assertEquals(400, a.train().size());
        assertEquals(200, a.test().size());
        assertTrue(a.trainRecord().verification().startsWith("generated now"), a.trainRecord().verification());
        assertTrue(Files.isRegularFile(dir.resolve("synthetic/shd/shd_train.h5")));
        BlocksData.Shd b = d.shd(DataChoice.SYNTHETIC, RunMode.QUICK);
        assertTrue(b.testRecord().verification().startsWith("generated earlier"), b.testRecord().verification());
        assertEquals(a.trainRecord().sha256(), b.trainRecord().sha256());
    }

    @Test
    void shdRealMissingOrHalfPresentOrStandInIsRefused() throws Exception {
        BlocksData d = BlocksData.at(dir);
        DataException e = assertThrows(DataException.class, () -> d.shd(DataChoice.REAL, RunMode.QUICK));
        assertTrue(e.getMessage().contains("shd_train.h5") && e.getMessage().contains("zenkelab"), e.getMessage());
        Path raw = dir.resolve("raw/shd/shd_train.h5");
        ShdFile.write(raw, ShdFile.synthetic(new ShdFile.Config(1, 5, 0.2, 60, 1, 0.002)));
        DataException half = assertThrows(DataException.class, () -> d.shd(DataChoice.AUTO, RunMode.QUICK));
        assertTrue(half.getMessage().contains("shd_test.h5") && half.getMessage().contains("missing"), half.getMessage());
        ShdFile.write(dir.resolve("raw/shd/shd_test.h5"), ShdFile.synthetic(new ShdFile.Config(1, 5, 0.2, 60, 1, 0.002)));
        DataException fake = assertThrows(DataException.class, () -> d.shd(DataChoice.AUTO, RunMode.QUICK));
        assertTrue(fake.getMessage().contains("not the real SHD"), fake.getMessage());
        // a "real" file (no generator attribute) is used
        ShdFile.ShdSet s = ShdFile.synthetic(new ShdFile.Config(1, 5, 0.2, 60, 1, 0.002));
        ShdFile.ShdSet plain = new ShdFile.ShdSet("x", s.times(), s.units(), s.labels(), s.speakers(), s.keys(), "");
        ShdFile.write(raw, plain);
        ShdFile.write(dir.resolve("raw/shd/shd_test.h5"), plain);
        BlocksData.Shd r = d.shd(DataChoice.AUTO, RunMode.QUICK);
        assertTrue(r.real());
        assertEquals(5, r.train().size());
        assertTrue(r.trainRecord().verification().contains("unverified"), r.trainRecord().verification());
    }

    @Test
    void nmnistRealFolderIsReadAndMissingRealIsExplained() {
        BlocksData d = BlocksData.at(dir);
        DataException e = assertThrows(DataException.class, () -> d.nmnist(DataChoice.REAL, RunMode.QUICK));
        assertTrue(e.getMessage().contains("nmnist/Train") && e.getMessage().contains("Test"), e.getMessage());
        ImageSet boxes = NMnistFileTest.boxes();
        List<NMnistFile.Events> ev = NMnistFile.synthetic(boxes, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, NMnistFile.Config.standard(4));
        NMnistFile.writeFolder(dir.resolve("raw/nmnist/Train"), ev);
        NMnistFile.writeFolder(dir.resolve("raw/nmnist/Test"), ev.subList(0, 4));
        BlocksData.NMnist n = d.nmnist(DataChoice.AUTO, RunMode.QUICK);
        assertTrue(n.real());
        assertEquals(10, n.train().size());
        assertEquals(4, n.test().size());
        assertEquals(3, n.train().get(3).label());
    }

    @Test
    void nmnistStandInIsSimulatedFromDigitsOnceAndReadBack() {
        BlocksData d = BlocksData.at(dir);
        long t0 = System.nanoTime();
        BlocksData.NMnist a = d.nmnist(DataChoice.AUTO, RunMode.QUICK);
        System.out.printf("nmnist stand-in %.2fs%n", (System.nanoTime() - t0) * 1e-9);
        assertFalse(a.real());
        assertEquals(600, a.train().size());
        assertEquals(200, a.test().size());
        assertTrue(a.record().generator().contains("digits=synthetic"), a.record().generator());
        BlocksData.NMnist b = d.nmnist(DataChoice.SYNTHETIC, RunMode.QUICK);
        assertTrue(b.record().verification().startsWith("generated earlier"), b.record().verification());
        assertEquals(a.train().get(7).size(), b.train().get(7).size());
    }
}
