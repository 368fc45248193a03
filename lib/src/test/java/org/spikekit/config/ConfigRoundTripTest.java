package org.spikekit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.AdamConfig;
import org.spikekit.data.RunMode;
import org.spikekit.data.allen.AllenStandin;
import org.spikekit.data.allen.SpikeDetector;
import org.spikekit.data.images.SyntheticImages;
import org.spikekit.data.perich.PerichGenerator;
import org.spikekit.data.perich.PerichPrep;
import org.spikekit.data.reaching.PrimateReaching;
import org.spikekit.data.reaching.ReachGenerator;
import org.spikekit.data.spiking.NMnistFile;
import org.spikekit.data.spiking.ShdFile;
import org.spikekit.features.CsnnConfig;
import org.spikekit.model.AlifNet;
import org.spikekit.model.Baselines;
import org.spikekit.model.EphysNeurons;
import org.spikekit.model.Rsnn;
import org.spikekit.model.Snn2;
import org.spikekit.model.Snn3;
import org.spikekit.model.SpikachuCore;
import org.spikekit.model.SpikachuDecoder;
import org.spikekit.neuron.AlifParams;
import org.spikekit.neuron.LifParams;
import org.spikekit.neuron.ReadoutParams;
import org.spikekit.neuron.SingleSpikeNeuron;
import org.spikekit.neuron.Surrogate;
import org.spikekit.nir.NirOptions;
import org.spikekit.nn.Homogenizer;
import org.spikekit.nn.MovingAverage;
import org.spikekit.nn.ParametricLif;
import org.spikekit.paper.BlocksEphys;
import org.spikekit.paper.BlocksSupervised;
import org.spikekit.paper.RsnnPaper;
import org.spikekit.paper.SpikachuPaper;
import org.spikekit.paper.SpikennPaper;
import org.spikekit.sweep.LocalExecutor;
import org.spikekit.sweep.SlurmExecutor;
import org.spikekit.train.AlifNetTrainer;
import org.spikekit.train.DecoderTrainer;
import org.spikekit.train.EphysFitter;
import org.spikekit.train.Lamb;
import org.spikekit.train.Pruning;
import org.spikekit.train.SpikeRegularizer;
import org.spikekit.train.Trainer;
import org.spikekit.train.stdp.SpikeNnConfig;

/**
 * Every configuration record of the kit goes through JSON and back unchanged (issue 22, item 4:
 * "configs round-trip through JSON"): its defaults, the papers' and the quick instances. The list
 * is explicit; {@link #noConfigurationRecordIsLeftOut} fails when a record named
 * {@code *Config}, {@code *Settings}, {@code *Params}, {@code *Options} or {@code *Setup} appears in
 * {@code org.spikekit} without an instance here.
 */
class ConfigRoundTripTest {

    /** Every configuration instance checked: defaults, paper and quick settings of each record. */
    static List<Object> instances() {
        List<Object> l = new ArrayList<>();
        // RSNN paper: models, neurons, trainer, pruning, preprocessing, driver settings
        l.addAll(List.of(Rsnn.Config.tiny(96), Rsnn.Config.big(192), Rsnn.Config.tiny(96).withHidden(128).withDropout(0f, 0.5f),
                Rsnn.Config.tiny(96).withNeuron(org.spikekit.neuron.HiddenNeuron.Alif.rsnn().withArp(2).withBlocks(true)),
                Rsnn.Config.tiny(96).withNeuron(new org.spikekit.neuron.HiddenNeuron.Lif()), org.spikekit.neuron.HiddenNeuron.Alif.rsnn(),
                LifParams.rsnn(), LifParams.rsnn().withSurrogate(Surrogate.sigmoid(4f)), ReadoutParams.tinyRsnn(), ReadoutParams.bigRsnn(),
                Snn2.Config.neuroBench(96), Snn3.Config.neuroBench(192),
                Trainer.Config.rsnnPretrain(1), Trainer.Config.rsnnFineTune(2), Trainer.Config.rsnnRetrain(3).withBurnIn(49),
                SpikeRegularizer.tinyRsnn(), SpikeRegularizer.bigRsnn(), SpikeRegularizer.none(), Pruning.Schedule.rsnn(),
                PrimateReaching.Options.defaults(), PrimateReaching.Options.benchmark(), PrimateReaching.RsnnOptions.defaults(),
                ReachGenerator.Config.indyLike(), ReachGenerator.Config.locoLike(),
                ReachGenerator.neuroBenchConfig("loco_20170210_03", ReachGenerator.Mode.QUICK),
                ReachGenerator.neuroBenchConfig("indy_20160622_01", ReachGenerator.Mode.FULL)));
        for (RunMode mode : RunMode.values()) {
            for (RsnnPaper.Model m : RsnnPaper.Model.values()) l.add(RsnnPaper.Settings.of(m, mode));
        }
        // Spikachu paper
        l.addAll(List.of(SpikachuDecoder.Config.paper(500), SpikachuDecoder.Config.quick(40), SpikachuDecoder.Config.quick(40).released(),
                SpikachuCore.Config.paper(), SpikachuCore.Config.quick(), Homogenizer.Config.paper(500), Homogenizer.Config.quick(40),
                ParametricLif.Options.ltlif(2f, 1f), ParametricLif.Options.readout(3f),
                Baselines.MlpConfig.paper(90), Baselines.MlpConfig.quick(30).withAsReleased(true),
                Baselines.RecurrentConfig.paper(Baselines.Kind.GRU, 90), Baselines.RecurrentConfig.quick(Baselines.Kind.LSTM, 30),
                DecoderTrainer.Config.spikachu(30, MovingAverage.Alignment.TRAILING, 42),
                DecoderTrainer.Config.baseline(30, MovingAverage.Alignment.CENTRED, 42),
                Lamb.Config.spikachu(1e-3), AdamConfig.defaults(), PerichPrep.Options.spikachu(),
                SpikachuPaper.Settings.quick(), SpikachuPaper.Settings.full()));
        for (RunMode mode : RunMode.values()) {
            for (String id : PerichGenerator.sessionIds(mode)) l.add(PerichGenerator.config(id, mode));
        }
        // SpikeNN paper: the driver's settings, the CSNN's, every shipped STDP configuration
        for (RunMode mode : RunMode.values()) l.add(SpikennPaper.Settings.of(mode));
        l.addAll(List.of(CsnnConfig.mnist(), CsnnConfig.fashionMnist(), CsnnConfig.cifar10(), CsnnConfig.cifar100(),
                new SyntheticImages.Config("mnist", 28, 28, 1, 10, 6000, 1000, 20241)));
        l.addAll(spikeNnConfigs());
        // Blocks paper
        for (RunMode mode : RunMode.values()) {
            l.addAll(List.of(BlocksSupervised.shdSetup(mode), BlocksSupervised.nmnistSetup(mode), BlocksEphys.setup(mode)));
        }
        l.addAll(List.of(AlifParams.paper(40), AlifNet.Config.paper(700, 128, 20, true, AlifNet.Kind.BLOCKS, 10, 2.0),
                AlifNet.Config.paper(2312, 64, 10, false, AlifNet.Kind.STANDARD, 0, 4.0), AlifNetTrainer.Settings.paper(40, 1L),
                EphysNeurons.Config.paper(3, AlifNet.Kind.BLOCKS, 10, 2.0), EphysNeurons.Config.paperFine(3, AlifNet.Kind.STANDARD, 2.0),
                EphysFitter.Settings.paper(), ShdFile.Config.quick(1, 40), NMnistFile.Config.standard(2), AllenStandin.Config.standard(3, 5),
                SpikeDetector.Config.allen()));
        // neuron components
        l.addAll(List.of(new SingleSpikeNeuron.Params(null, 1f), new SingleSpikeNeuron.Params(new float[] {0.2f, 0.5f}, 1f)));
        // tools
        l.addAll(List.of(NirOptions.of(1e-3), LocalExecutor.Options.defaults(), SlurmExecutor.Options.defaults()));
        return l;
    }

    /** Every SpikeNN configuration the kit ships (resources {@code org/spikekit/spikenn/config/STDP-CSNN/<dataset>/*.json}). */
    static List<SpikeNnConfig> spikeNnConfigs() {
        try {
            Path root = Path.of(SpikeNnConfig.class.getResource("/org/spikekit/spikenn/config/STDP-CSNN").toURI());
            try (Stream<Path> s = Files.walk(root)) {
                List<SpikeNnConfig> out = new ArrayList<>();
                for (Path p : s.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                    out.add(SpikeNnConfig.resource("STDP-CSNN/" + root.relativize(p).toString().replace('\\', '/')));
                }
                assertTrue(out.size() >= 20, "the shipped SpikeNN configurations: " + out.size());
                return out;
            }
        } catch (IOException | URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyConfigurationRoundTripsThroughJson() {
        for (Object cfg : instances()) {
            String json = Configs.toJson(cfg);
            Object back = Configs.fromJson(json, cfg.getClass());
            assertEquals(json, Configs.toJson(back), () -> Configs.typeName(cfg.getClass()) + ": canonical text changed");
            if (!holdsArrays(cfg.getClass(), new LinkedHashSet<>())) {
                assertEquals(cfg, back, () -> Configs.typeName(cfg.getClass()) + " " + json);
            }
            assertEquals(json, Configs.toJson(Configs.fromJson(Configs.pretty(cfg), cfg.getClass())), "through the pretty form");
        }
    }

    /** SpikeNN's configurations keep their own (the authors') JSON layout too; both readings give the same value. */
    @Test
    void spikeNnConfigsAgreeWithTheirOwnJson() {
        for (SpikeNnConfig c : spikeNnConfigs()) {
            assertEquals(c, SpikeNnConfig.parse(c.canonicalJson(), "test"));
            assertEquals(c, Configs.fromJson(Configs.toJson(c), SpikeNnConfig.class));
        }
    }

    private static final Pattern NAMED = Pattern.compile(".*(Config|Settings|Params|Options|Setup)");

    @Test
    void noConfigurationRecordIsLeftOut() throws Exception {
        Set<Class<?>> covered = new LinkedHashSet<>();
        for (Object o : instances()) reach(o.getClass(), covered);
        Path classes = Path.of(Configs.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isDirectory(classes.resolve("org/spikekit")), "compiled classes at " + classes);
        Set<String> missing = new TreeSet<>();
        int seen = 0;
        try (Stream<Path> s = Files.walk(classes.resolve("org/spikekit"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(p).toString().replace('/', '.').replace('\\', '.').replaceFirst("\\.class$", "");
                Class<?> c = Class.forName(name, false, Configs.class.getClassLoader());
                if (!c.isRecord() || !NAMED.matcher(c.getSimpleName()).matches()) continue;
                seen++;
                if (!covered.contains(c)) missing.add(name);
            }
        }
        assertTrue(seen >= 40, "found " + seen + " configuration records");
        assertTrue(missing.isEmpty(), "configuration records without an instance in ConfigRoundTripTest.instances(): " + missing);
    }

    /** {@code c} and every record type its components hold (lists and arrays of records included). */
    private static void reach(Class<?> c, Set<Class<?>> out) {
        if (!c.isRecord() || !out.add(c)) return;
        for (RecordComponent rc : c.getRecordComponents()) {
            reach(rc.getType(), out);
            if (rc.getGenericType() instanceof java.lang.reflect.ParameterizedType p) {
                for (var a : p.getActualTypeArguments()) if (a instanceof Class<?> k) reach(k, out);
            }
        }
    }

    private static boolean holdsArrays(Class<?> c, Set<Class<?>> seen) {
        if (c.isArray()) return true;
        if (!c.isRecord() || !seen.add(c)) return false;
        for (RecordComponent rc : c.getRecordComponents()) if (holdsArrays(rc.getType(), seen)) return true;
        return false;
    }
}
