package org.spikekit.paper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RsnnPaper#runAll} trains the runs to compute several at once (issue 23: {@code make
 * reproduce} on 2 cores); the number of workers changes no number: the same run files, traces and
 * pretrained states as one run after the other, and each monkey is pretrained once.
 */
class RsnnWorkersTest {

    @Test
    void runsTrainedAtOnceEqualTheRunsOneAfterTheOther(@TempDir Path tmp) throws Exception {
        RsnnPaper.Model m = RsnnPaper.Model.TINY;
        List<String> sessions = List.of("I1", "L1", "I2");          // two monkeys: two pretrainings, then three fine-tunings
        RsnnPaper one = RsnnReuseTest.paper(tmp.resolve("one"), new ArrayList<>()).withWorkers(1);
        List<RsnnRun> serial = one.runAll(m, RsnnReuseTest.TINY, sessions);

        List<String> log = Collections.synchronizedList(new ArrayList<>());
        RsnnPaper two = RsnnReuseTest.paper(tmp.resolve("two"), log).withWorkers(2);
        List<RsnnRun> parallel = two.runAll(m, RsnnReuseTest.TINY, sessions);

        assertEquals(3, parallel.size());
        for (int k = 0; k < sessions.size(); k++) {
            RsnnRun a = serial.get(k), b = parallel.get(k);
            assertEquals(sessions.get(k), b.session(), "runs come back in the caller's order");
            assertEquals(a.r2(), b.r2(), 0.0, sessions.get(k));
            assertEquals(a.effAcs(), b.effAcs(), 0.0);
            assertEquals(a.extra(), b.extra());
            assertEquals(a.key().hash(), b.key().hash());
            Path ta = one.tracesDir().resolve("tinyRSNN_" + sessions.get(k) + ".csv"), tb = two.tracesDir().resolve("tinyRSNN_" + sessions.get(k) + ".csv");
            assertArrayEquals(Files.readAllBytes(ta), Files.readAllBytes(tb), "trace of " + sessions.get(k));
        }
        for (String monkey : List.of("indy", "loco")) {
            assertArrayEquals(Files.readAllBytes(one.pretrainedFile(m, monkey, 5L, RsnnReuseTest.TINY)),
                    Files.readAllBytes(two.pretrainedFile(m, monkey, 5L, RsnnReuseTest.TINY)), "pretrained state of " + monkey);
            assertEquals(1, log.stream().filter(l -> l.startsWith("pretrained tinyRSNN " + monkey + " seed 5 on")).count(),
                    monkey + " is pretrained once: " + log);
        }
        assertTrue(log.stream().anyMatch(l -> l.equals("rsnn: 0 of 3 runs kept, 3 to train, 2 at once")), log.toString());

        // everything stored: read back on the calling thread, nothing trained
        List<String> log2 = new ArrayList<>();
        List<RsnnRun> again = RsnnReuseTest.paper(tmp.resolve("two"), log2).withWorkers(2).runAll(m, RsnnReuseTest.TINY, sessions);
        assertEquals(parallel, again);
        assertEquals(3, log2.stream().filter(l -> l.startsWith("kept tinyRSNN_")).count(), log2.toString());
        assertTrue(log2.stream().noneMatch(l -> l.startsWith("rsnn: ")), log2.toString());
    }

    @Test
    void aFailingRunStopsTheOthersAndItsErrorReachesTheCaller(@TempDir Path tmp) {
        // the loco pretraining fails on its worker thread (a progress listener that throws stands for any failure)
        RsnnPaper p = RsnnReuseTest.paper(tmp, new ArrayList<>()).withWorkers(2).withProgress((stage, done, total) -> {
            if (stage.equals("pretrain loco")) throw new IllegalStateException("loco failed here");
        });
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> p.runAll(RsnnPaper.Model.TINY, RsnnReuseTest.TINY, List.of("I1", "L1", "L2")));
        assertEquals("loco failed here", e.getMessage(), "the worker's own exception, unwrapped");
        assertTrue(!Files.exists(p.runsDir().resolve("tinyRSNN_L1_seed5.json")) && !Files.exists(p.runsDir().resolve("tinyRSNN_L2_seed5.json")),
                "no run starts from a failed pretraining");
        assertThrows(IllegalArgumentException.class, () -> p.withWorkers(0));
    }
}
