package org.spikekit.paper;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.config.Configs;
import org.spikekit.data.RunMode;
import org.spikekit.model.AlifNet;
import org.spikekit.model.EphysNeurons;
import org.spikekit.report.RunKey;
import org.spikekit.report.RunResult;
import org.spikekit.report.RunResults;
import org.spikekit.train.AlifNetTrainer;
import org.spikekit.train.stdp.ReadoutTrainer;
import org.spikekit.train.stdp.SpikeNnConfig;
import tech.tablesaw.api.Table;

/** Every paper's run record in the common shape ({@link RunResult}), built directly (no training). */
class RunResultConversionTest {

    @TempDir Path dir;

    static final RunKey.Library LIB = new RunKey.Library("ab".repeat(32), 7, "0.1.0-test");
    static final RunKey KEY = new RunKey("{\"Rsnn.Config\":{\"hidden\":64}}", "{\"mode\":\"quick\",\"seed\":3}",
            List.of("s2 synthetic sha256=22", "s1 synthetic sha256=11"), LIB);

    static RsnnRun rsnn(Map<String, Double> extra, RunKey key) {
        Map<String, Integer> stages = new LinkedHashMap<>();
        stages.put("pretrain", 2);
        stages.put("batch", 32);
        stages.put("finetune", 3);
        stages.put("prune", 1);
        return new RsnnRun("tinyRSNN", "I1", "indy_20160622_01", 3, "synthetic", "quick", "split=as-released, upper-bound=as-released", stages,
                0.71, 0.70, 0.72, 21000, 0.45, 0.98, 10368, 12, 34, extra, 5.5, "cpu", "abc123", key);
    }

    static SpikachuRun spikachu(String model, String cadence, int epochs, double meanRate) {
        return new SpikachuRun("single", model, "c_20150311_center_out_reaching", "kit default: causal", cadence, "s", "real", "full", 42, 10,
                100, epochs, 25, 4, 0.61, 0.60, 0.59, 0.1, 0.8, 1000, 12345, 5, 6, 7, meanRate, 100, 2e-6, 3e-6, 0.2, 0.01, 0, 0,
                List.of(1.0, 0.5), 9.0, "cpu", "def456", KEY);
    }

    static SpikeNnRun spikeNn(String label, long seed, double testAcc) {
        SpikeNnConfig cfg = SpikeNnConfig.resource("STDP-CSNN/MNIST/s2stdp+ncg.json");
        return new SpikeNnRun("0123456789abcdef", label, "single", ReadoutTrainer.RELEASED, seed, "t:v:e", cfg.toTree(), 100, 10,
                new int[] {10, 5, 5}, 4, 3, ReadoutTrainer.Stop.EPOCHS, 0.95, 0.9, testAcc, new double[] {0.95}, new double[] {0.9},
                new double[] {testAcc}, null, 1.25, LIB);
    }

    @Test
    void anRsnnRunGivesItsFieldsAndMetricsInTheTableOrderThenExtraByName() {
        Map<String, Double> extra = new LinkedHashMap<>();
        extra.put("val_r2_pretrained", 0.3);
        extra.put("pruned_fraction", 0.5);
        RsnnRun run = rsnn(extra, KEY);
        RunResult r = run.runResult();
        assertEquals("rsnn", r.paper());
        assertEquals("tinyRSNN", r.model());
        assertEquals("pretrain=2, finetune=3, prune=1", r.setting());
        assertEquals("I1", r.dataset());
        assertEquals(3L, r.seed());
        assertEquals("quick", r.mode());
        assertEquals("synthetic", r.data());
        assertEquals("s1 synthetic sha256=11; s2 synthetic sha256=22", r.dataChecksums());
        assertEquals(KEY.hash(), r.key());
        assertEquals(KEY.model(), r.config());
        assertEquals(KEY.recipe(), r.recipe());
        assertEquals("split=as-released, upper-bound=as-released", r.semantics());
        assertEquals(List.of("r2", "r2_x", "r2_y", "footprint_bytes", "conn_sparsity", "act_sparsity", "dense", "eff_macs", "eff_acs",
                "pruned_fraction", "val_r2_pretrained"), new ArrayList<>(r.metrics().keySet()));
        assertEquals(0.71, r.metric("r2"));
        assertEquals(0.70, r.metric("r2_x"));
        assertEquals(34.0, r.metric("eff_acs"));
        assertEquals(0.5, r.metric("pruned_fraction"));
        assertEquals(5.5, r.wallTimeS());
        assertEquals("cpu", r.backend());
        assertEquals("abc123", r.code());
        // the metric names are the columns of the paper's own runs table
        Table own = RsnnTables.runs(List.of(run));
        for (String m : List.of("r2", "r2_x", "r2_y", "footprint_bytes", "conn_sparsity", "act_sparsity", "dense", "eff_macs", "eff_acs")) {
            assertEquals(own.doubleColumn(m).get(0), r.metric(m), m);
        }
    }

    @Test
    void anRsnnRunStoredWithoutKeyHasNoKeyConfigOrChecksums() {
        RunResult r = rsnn(Map.of(), null).runResult();
        assertNull(r.key());
        assertNull(r.config());
        assertNull(r.recipe());
        assertNull(r.dataChecksums());
        assertEquals(9, r.metrics().size());
    }

    @Test
    void anExtraNumberUnderATableColumnsNameIsRefusedNamingTheRun() {
        var e = assertThrows(IllegalArgumentException.class, () -> rsnn(Map.of("r2", 0.1), KEY).runResult());
        assertEquals("RunResult.metrics of rsnn/tinyRSNN/I1/seed3: metric 'r2' is given twice", e.getMessage());
    }

    @Test
    void aSpikachuRunGivesItsFieldsAndReadings() {
        SpikachuRun run = spikachu("gru", SpikachuRun.KIT_CADENCE, 50, -1);
        RunResult r = run.runResult();
        assertEquals("spikachu", r.paper());
        assertEquals("gru", r.model());
        assertEquals("single", r.setting());
        assertEquals("c_20150311_center_out_reaching", r.dataset());
        assertEquals(42L, r.seed());
        assertEquals("full", r.mode());
        assertEquals("real", r.data());
        assertEquals(KEY.hash(), r.key());
        assertEquals(KEY.model(), r.config());
        assertEquals("kit default: causal; cadence=kit", r.semantics());
        assertEquals(List.of("r2", "r2_released_test_py", "r2_released_test_ms", "mse", "sign_agreement", "uJ_per_window",
                "uJ_per_step_released_profiler", "parameters", "macs", "acs", "spikes", "mean_rate", "latency_ms_per_step"),
                new ArrayList<>(r.metrics().keySet()));
        Table own = SpikachuTables.runs(List.of(run));
        for (String m : List.of("r2", "r2_released_test_py", "r2_released_test_ms", "mse", "sign_agreement", "uJ_per_window",
                "uJ_per_step_released_profiler")) {
            assertEquals(own.doubleColumn(m).get(0), r.metric(m), m);
        }
        assertTrue(Double.isNaN(r.metric("mean_rate")), "an ANN baseline's -1 mean rate is not a rate");
        assertEquals(12345.0, r.metric("parameters"));
        assertEquals(0.01, r.metric("latency_ms_per_step"));
        assertEquals(9.0, r.wallTimeS());
        assertEquals("def456", r.code());

        assertEquals(0.2, spikachu("spikachu", SpikachuRun.KIT_CADENCE, 50, 0.2).runResult().metric("mean_rate"));
        RunResult unreportable = spikachu("spikachu-released", SpikachuRun.RELEASED_CADENCE, 25, 0.2).runResult();
        assertEquals("kit default: causal; cadence=released; not reportable: the released cadence kept the untrained model", unreportable.semantics());
    }

    @Test
    void aSpikeNnRunAndATable1RowGiveTheirFolds() {
        SpikeNnRun run = spikeNn("mnist_s2stdp+ncg_fold0", 0, 0.875);
        RunResult r = run.runResult();
        assertEquals("spikenn", r.paper());
        assertEquals("mnist_s2stdp+ncg_fold0", r.model());
        assertEquals("single", r.setting());
        assertNull(r.dataset());
        assertEquals(0L, r.seed());
        assertNull(r.mode());
        assertNull(r.data());
        assertEquals("t:v:e", r.dataChecksums());
        assertEquals("0123456789abcdef", r.key());
        assertEquals(run.parsedConfig().canonicalJson(), r.config());
        assertEquals(ReadoutTrainer.RELEASED, r.semantics());
        assertEquals(List.of("train_acc", "val_acc", "test_acc"), new ArrayList<>(r.metrics().keySet()));
        assertEquals(0.875, r.metric("test_acc"));
        assertEquals(1.25, r.wallTimeS());
        assertEquals("spikekit 0.1.0-test classes " + LIB.shortId(), r.code());

        var row = new SpikennPaper.Row("mnist", "S2-STDP+NCG", "s2stdp+ncg", 50,
                new SpikeNn.KFold("mnist_s2stdp+ncg", List.of(run, spikeNn("mnist_s2stdp+ncg_fold1", 1, 0.625)), 0.75, 0.125));
        List<RunResult> folds = row.runResults();
        assertEquals(2, folds.size());
        assertEquals("S2-STDP+NCG", folds.get(1).model());
        assertEquals("mnist fold 0", folds.get(0).dataset());
        assertEquals("mnist fold 1", folds.get(1).dataset());
        assertEquals(1L, folds.get(1).seed());
        assertEquals(0.625, folds.get(1).metric("test_acc"));
        assertEquals(folds, SpikennPaper.runResults(List.of(row)));
        Table own = SpikennTables.runs(List.of(row));
        for (int i = 0; i < 2; i++) {
            for (String m : List.of("train_acc", "val_acc", "test_acc")) assertEquals(own.doubleColumn(m).get(i), folds.get(i).metric(m), m);
        }
    }

    @Test
    void aBlocksSupervisedRunGivesItsSettingSemanticsAndMetrics() {
        var setup = BlocksSupervised.shdSetup(RunMode.QUICK);
        var e0 = new AlifNetTrainer.Epoch(0, 2.0, 0.3, 0.40, 1.5, 0.5);
        var e1 = new AlifNetTrainer.Epoch(1, 1.0, 0.6, 0.55, 2.5, 0.7);
        var run = new BlocksSupervised.Run(setup, AlifNet.Kind.BLOCKS, 20, setup.arpSteps(20), 7, "net", new AlifNetTrainer.Result(List.of(e0, e1), e1));
        RunResult r = run.runResult();
        assertEquals("blocks", r.paper());
        assertEquals("blocks", r.model());
        assertEquals("supervised, abs_refac=20, arp=5 steps", r.setting());
        assertEquals("shd", r.dataset());
        assertEquals(7L, r.seed());
        assertEquals("arp-reading=released-ms-to-steps, frames=counts", r.semantics());
        assertEquals(Configs.typed(setup), r.config());
        assertEquals(List.of("test_acc", "test_acc_last_epoch", "epoch_s_median", "kernel_s_median"), new ArrayList<>(r.metrics().keySet()));
        Table own = BlocksSupervised.table(List.of(run));
        for (String m : r.metrics().keySet()) assertEquals(own.doubleColumn(m).get(0), r.metric(m), m);
        assertEquals(4.0, r.wallTimeS());
        assertNull(r.mode());
        assertNull(r.key());
    }

    @Test
    void aBlocksEphysFitGivesOneSummaryAndOneResultPerCell() {
        var fitted = new EphysNeurons.Fitted(1, 10, 100, 0.1);
        var c1 = new BlocksEphys.CellFit(101, 0.8, 0.7, 0.9, 0.3, 20, 15, fitted, List.of());
        var c2 = new BlocksEphys.CellFit(102, 0.6, 0.5, 0.8, 0.4, 30, 25, fitted, List.of());
        var fit = new BlocksEphys.Fit(AlifNet.Kind.STANDARD, 1, 0.1, 2.0, "neurons", List.of(c1, c2), 6.0, 2.0);
        RunResult r = fit.runResult();
        assertEquals("blocks", r.paper());
        assertEquals("standard", r.model());
        assertEquals("ephys, dt=0.10 ms, arp=2.0 ms", r.setting());
        assertEquals("allen, 2 cells", r.dataset());
        assertNull(r.seed());
        Table own = BlocksEphys.summary(List.of(fit));
        assertEquals(List.of("etv_median", "etv_se", "fit_s_per_cell", "kernel_s_per_cell", "epoch_ms_all_cells"), new ArrayList<>(r.metrics().keySet()));
        for (String m : r.metrics().keySet()) assertEquals(own.doubleColumn(m).get(0), r.metric(m), 1e-12, m);
        assertEquals(6.0, r.wallTimeS());

        List<RunResult> cells = fit.cellResults();
        assertEquals(2, cells.size());
        assertEquals("allen specimen 102", cells.get(1).dataset());
        Table ownCells = BlocksEphys.cells(List.of(fit));
        for (int i = 0; i < 2; i++) {
            assertEquals(List.of("etv", "etv_raw", "noise_ceiling", "train_van_rossum"), new ArrayList<>(cells.get(i).metrics().keySet()));
            for (String m : cells.get(i).metrics().keySet()) assertEquals(ownCells.doubleColumn(m).get(i), cells.get(i).metric(m), m);
            assertEquals(3.0, cells.get(i).wallTimeS());
        }
    }

    @Test
    void runsOfEveryPaperListInOneTable() {
        var setup = BlocksSupervised.shdSetup(RunMode.QUICK);
        var e0 = new AlifNetTrainer.Epoch(0, 2.0, 0.3, 0.40, 1.5, 0.5);
        var fitted = new EphysNeurons.Fitted(1, 10, 100, 0.1);
        List<RunResults.Source> runs = List.of(rsnn(Map.of(), KEY), spikachu("gru", SpikachuRun.KIT_CADENCE, 50, -1), spikeNn("l", 0, 0.5),
                new BlocksSupervised.Run(setup, AlifNet.Kind.STANDARD, 0, 0, 1, "net", new AlifNetTrainer.Result(List.of(e0), e0)),
                new BlocksEphys.Fit(AlifNet.Kind.BLOCKS, 1, 0.1, 2.0, "n", List.of(new BlocksEphys.CellFit(1, 0.8, 0.7, 0.9, 0.3, 2, 1, fitted, List.of())),
                        1.0, 0.5));
        Table t = RunResults.table(runs);
        assertEquals(5, t.rowCount());
        assertEquals(List.of("rsnn", "spikachu", "spikenn", "blocks", "blocks"), t.stringColumn("paper").asList());
        // r2 of RSNN and Spikachu share one column; the other papers leave it empty
        assertEquals(0.71, t.doubleColumn("r2").get(0));
        assertEquals(0.61, t.doubleColumn("r2").get(1));
        assertTrue(t.doubleColumn("r2").isMissing(2));
        assertEquals(0.5, t.doubleColumn("test_acc").get(2));
        assertEquals(0.4, t.doubleColumn("test_acc").get(3));
        assertEquals(0.8, t.doubleColumn("etv_median").get(4));
        List<String> names = t.columnNames();
        assertEquals(names.indexOf("wall_s") + 1, names.indexOf("r2"), "metrics follow wall_s, the first run's first");
        assertEquals(names.size(), new TreeSet<>(names.stream().map(String::toLowerCase).toList()).size());
        // a typed list of one paper's records tables as it is
        assertEquals(1, RunResults.table(List.of(rsnn(Map.of(), KEY))).rowCount());
    }

    @Test
    void runFilesKeepTheirFieldsTheConversionIsNotWritten() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (Path f : List.of(rsnn(Map.of(), KEY).write(dir), spikachu("gru", SpikachuRun.KIT_CADENCE, 50, -1).write(dir), spikeNn("l", 0, 0.5).write(dir))) {
            var fields = new TreeSet<String>();
            json.readTree(Files.readString(f)).fieldNames().forEachRemaining(fields::add);
            Class<?> type = f.getFileName().toString().startsWith("tinyRSNN") ? RsnnRun.class
                    : f.getFileName().toString().startsWith("single") ? SpikachuRun.class : SpikeNnRun.class;
            var components = new TreeSet<>(Arrays.stream(type.getRecordComponents()).map(c -> c.getName()).toList());
            assertEquals(components, fields, f.getFileName() + " holds exactly the record's components");
        }
    }
}
