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

    @Test
    void paperGpuSpeedupsStandBesideTheMeasuredOnesLabelledWithTheirHardware() {
        var quick = BlocksBench.grid(false);
        assertEquals("≈ 5×", BlocksBench.paperGpuSpeedup(new BlocksBench.Case("arp", 128, 512, 32, 10)));
        assertEquals("≈ 30–33×", BlocksBench.paperGpuSpeedup(new BlocksBench.Case("neurons", 256, 1024, 64, 40)));
        assertEquals(null, BlocksBench.paperGpuSpeedup(new BlocksBench.Case("arp", 128, 512, 32, 40)));
        assertEquals(null, BlocksBench.paperGpuSpeedup(new BlocksBench.Case("neurons", 256, 1024, 32, 40)));
        List<BlocksBench.Result> rs = quick.stream()
                .map(c -> new BlocksBench.Result(c, "cpu", 2, 1, 6, 2, 0, 0, 0.01, 3, 2)).toList();
        var t = BlocksBench.besidePaper(rs, "2 cores");
        assertEquals(quick.size(), t.rowCount());
        String kit = "kit speed-up, cpu (2 cores)", paper = "paper speed-up, GPU (CUDA 11.7, Fig. 3)";
        assertTrue(t.columnNames().contains(kit) && t.columnNames().contains(paper), t.columnNames().toString());
        assertEquals("3.00×", t.stringColumn(kit).get(0));
        assertEquals("≈ 5×", t.stringColumn(paper).get(0));                        // T 512, ARP 10
        assertEquals("not read off", t.stringColumn(paper).get(1));                // T 512, ARP 40
        assertEquals("≈ 18–36× (batch 128 … 32)", t.stringColumn(paper).get(2));   // T 512, ARP 100
        assertThrows(IllegalArgumentException.class, () -> BlocksBench.besidePaper(List.of(), "x"));
    }
}
