package org.spikekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.compute.CpuBackend;

/** The Blocks speed benchmark's grid, one tiny measured case, and its CSV (not a timing assertion). */
class BlocksBenchTest {

    @Test
    void gridsFollowThePaper() {
        List<BlocksBench.Case> full = BlocksBench.grid(true);
        assertEquals(10 * 3 * 3 + 3, full.size(), "ARP 10..100 x T {512,1024,2048} x batch {32,64,128} + 3 neuron counts");
        assertTrue(full.contains(new BlocksBench.Case("arp", 128, 2048, 128, 100)));
        assertTrue(full.contains(new BlocksBench.Case("neurons", 512, 1024, 64, 40)));
        assertEquals(5, BlocksBench.grid(false).size());
        assertThrows(IllegalArgumentException.class, () -> new BlocksBench.Case("arp", 0, 10, 1, 1));
    }

    @Test
    void measuresATinyCaseAndWritesTheTable(@TempDir Path dir) throws Exception {
        List<BlocksBench.Result> rs = BlocksBench.measure(new CpuBackend(), List.of(new BlocksBench.Case("arp", 16, 40, 2, 4)), 1);
        BlocksBench.Result r = rs.get(0);
        assertTrue(r.stdFwdMs() > 0 && r.blocksFwdBwdMs() > 0 && r.projFwdBwdMs() > 0);
        assertEquals(r.stdFwdBwdMs() / r.blocksFwdBwdMs(), r.fwdBwdSpeedup(), 1e-12);
        Path f = BlocksBench.writeCsv(rs, dir.resolve("blocks/speed_cpu.csv"), "test, with a comma");
        List<String> lines = Files.readAllLines(f);
        assertEquals(BlocksBench.HEADER, lines.get(0));
        assertEquals(2, lines.size());
        assertTrue(lines.get(1).endsWith("\"test, with a comma\""), lines.get(1));
        assertEquals(BlocksBench.HEADER.split(",").length, lines.get(1).split(",").length - 1, "one quoted comma in the note");
        assertTrue(BenchMain.suites().containsKey("blocks"));
    }
}
