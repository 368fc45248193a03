package org.spikekit.train.stdp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A SpikeNN readout configuration in the original JSON syntax (notebooks/papers/spikenn.md §5.6; original
 * {@code config/<EXTRACTOR>/<DATASET>/*.json}, read by {@code app/readout.py} and
 * {@code app/gridsearch.py}):
 * <pre>
 * { "network":     [ { n_neurons, firing_threshold, w_init_normal, w_init_mean, w_init_std,
 *                      w_norm, w_min, w_max, [leak_tau] } ],
 *   "optimizer":   { method, stdp, ap, am, [anti_ap, anti_am], annealing, t_gap, [class_inhib],
 *                    [use_time_ranges], [adaptive_lr], [ignore_silent], [beta, w_min, w_max], [lr] },
 *   "regularizer": { thr_lr, thr_anneal, [use_two_thr] },            (optional)
 *   "trainer":     { epochs, early_stopping, [nt_neurons], [dropout_in], [dropout_out],
 *                    [gridsearch_stop_acc] } }
 * </pre>
 * Reading is strict: an unknown key is an error naming the key, section and file and listing the
 * allowed keys; a value of the wrong JSON type is an error naming what was expected. Defaults of
 * optional keys are listed on each record. {@link #readGrid} reads gridsearch files, where any
 * scalar may be a list (cartesian product).
 *
 * @param network     the (single) trained layer; the original's list may hold only one layer here
 * @param optimizer   learning rule
 * @param regularizer competition regulation, or null (no CR)
 * @param trainer     training loop
 */
public record SpikeNnConfig(Network network, Optimizer optimizer, Regularizer regularizer, Trainer trainer) {

    /** Learning rules ({@code optimizer.method}). */
    public enum Method {
        /** S2-STDP (and SSTDP with {@code use_time_ranges}). */
        S2STDP("s2stdp"),
        /** R-STDP (Mozafari et al. style). */
        RSTDP("rstdp"),
        /** S4NN (Kheradpisheh and Masquelier), appendix. */
        S4NN("s4nn");

        public final String key;

        Method(String key) { this.key = key; }
    }

    /**
     * {@code network[0]}.
     *
     * @param nNeurons        N = C·M ({@code n_neurons}, required)
     * @param firingThreshold θ ({@code firing_threshold}, required)
     * @param wInitNormal     weights from N(mean, std) ({@code w_init_normal}, default true; false:
     *                        uniform on [w_min, w_max] — our choice, no paper config uses it)
     * @param wInitMean       μ ({@code w_init_mean}, default 0.5)
     * @param wInitStd        σ ({@code w_init_std}, default 0.01)
     * @param wNorm           per-neuron L1 renormalisation after each update ({@code w_norm}, default false)
     * @param wMin            lower clip ({@code w_min}, default 0)
     * @param wMax            upper clip ({@code w_max}, default 1)
     * @param leakTau         τ of LIF neurons ({@code leak_tau}), NaN when absent (IF)
     */
    public record Network(int nNeurons, float firingThreshold, boolean wInitNormal, float wInitMean, float wInitStd,
                          boolean wNorm, float wMin, float wMax, float leakTau) {
        public Network {
            if (nNeurons <= 0) throw new ConfigException("network.n_neurons must be > 0, got " + nNeurons);
            if (!Float.isFinite(firingThreshold)) throw new ConfigException("network.firing_threshold must be finite, got " + firingThreshold);
            if (!(wMin <= wMax)) throw new ConfigException("network.w_min (" + wMin + ") must be <= w_max (" + wMax + ")");
            if (!(wInitStd >= 0)) throw new ConfigException("network.w_init_std must be >= 0, got " + wInitStd);
            if (!Float.isNaN(leakTau) && !(leakTau > 0)) throw new ConfigException("network.leak_tau must be > 0, got " + leakTau);
        }

        public boolean leaky() { return !Float.isNaN(leakTau); }
    }

    /**
     * {@code optimizer}.
     *
     * @param method        {@code method} (required)
     * @param stdp          STDP kernel ({@code stdp}, default "additive"; "multiplicative" is not
     *                      implemented and rejected)
     * @param ap            a⁺ ({@code ap}; required for s2stdp/rstdp)
     * @param am            a⁻ ({@code am}; required for s2stdp/rstdp)
     * @param antiAp        R-STDP anti-STDP rate on causal inputs ({@code anti_ap}, default −ap)
     * @param antiAm        R-STDP anti-STDP rate on other inputs ({@code anti_am}, default −am)
     * @param annealing     rate factor after each epoch ({@code annealing}, default 1)
     * @param tGap          g ({@code t_gap}; required for s2stdp and s4nn)
     * @param classInhib    NCG intra-class WTA ({@code class_inhib}, default false)
     * @param useTimeRanges SSTDP / S4NN time ranges ({@code use_time_ranges}; default false, but true
     *                      for s4nn as in the original's {@code app/readout.py} {@code init_from_dict})
     * @param adaptiveLr    R-STDP adaptive rates ({@code adaptive_lr}, default true)
     * @param ignoreSilent  no update of silent inputs ({@code ignore_silent}, default false)
     * @param lr            S4NN learning rate ({@code lr}; required for s4nn)
     *
     * <p>The rates, {@code annealing} and {@code t_gap} are kept as the JSON numbers (doubles), as
     * the original keeps them as Python floats: its gaps, errors, rate annealing and weight steps
     * are computed in float64 ({@code spikenn/train.py}, {@code spikenn/_impl.py} {@code s2stdp},
     * {@code stdp_additive}), so a float32 copy of e.g. 0.05 would change the last bits.
     */
    public record Optimizer(Method method, String stdp, double ap, double am, double antiAp, double antiAm, double annealing,
                            double tGap, boolean classInhib, boolean useTimeRanges, boolean adaptiveLr, boolean ignoreSilent,
                            double lr) {
        public Optimizer {
            if (method == null) throw new ConfigException("optimizer.method must be given");
            if (!"additive".equals(stdp)) {
                throw new ConfigException("optimizer.stdp '" + stdp + "' is not supported: only \"additive\" (the kernel of every paper config) is implemented");
            }
            if (!(annealing > 0)) throw new ConfigException("optimizer.annealing must be > 0, got " + annealing);
        }
    }

    /**
     * {@code regularizer} (competition regulation).
     *
     * @param thrLr     η_θ ({@code thr_lr}, required)
     * @param thrAnneal factor of η_θ after each epoch ({@code thr_anneal}, default 1)
     * @param useTwoThr CR-2 two-compartment thresholds; false: CR-1 ({@code use_two_thr}, default true)
     *
     * <p>{@code thr_lr} and {@code thr_anneal} are doubles (Python floats in the original, see
     * {@link Optimizer}).
     */
    public record Regularizer(double thrLr, double thrAnneal, boolean useTwoThr) {
        public Regularizer {
            if (!(thrLr >= 0)) throw new ConfigException("regularizer.thr_lr must be >= 0, got " + thrLr);
            if (!(thrAnneal >= 0)) throw new ConfigException("regularizer.thr_anneal must be >= 0, got " + thrAnneal);
        }
    }

    /**
     * {@code trainer}.
     *
     * @param epochs            maximum epochs ({@code epochs}, required)
     * @param earlyStopping     patience in epochs on validation accuracy ({@code early_stopping},
     *                          default 0 = none)
     * @param ntNeurons         neurons per class labelled non-target, in-group indices 0.. ({@code nt_neurons}, default 0)
     * @param dropoutIn         input-spike dropout probability ({@code dropout_in}, default 0)
     * @param dropoutOut        output-neuron dropout probability ({@code dropout_out}, default 0)
     * @param gridsearchStopAcc abort a gridsearch run if train or val accuracy is below this after
     *                          epoch 3 ({@code gridsearch_stop_acc}, default 0 = never)
     */
    public record Trainer(int epochs, int earlyStopping, int ntNeurons, float dropoutIn, float dropoutOut, float gridsearchStopAcc) {
        public Trainer {
            if (epochs < 1) throw new ConfigException("trainer.epochs must be >= 1, got " + epochs);
            if (earlyStopping < 0) throw new ConfigException("trainer.early_stopping must be >= 0, got " + earlyStopping);
            if (ntNeurons < 0) throw new ConfigException("trainer.nt_neurons must be >= 0, got " + ntNeurons);
            if (!(dropoutIn >= 0 && dropoutIn < 1)) throw new ConfigException("trainer.dropout_in must be in [0, 1), got " + dropoutIn);
            if (!(dropoutOut >= 0 && dropoutOut < 1)) throw new ConfigException("trainer.dropout_out must be in [0, 1), got " + dropoutOut);
        }
    }

    public SpikeNnConfig {
        if (network == null || optimizer == null || trainer == null) throw new ConfigException("SpikeNnConfig needs network, optimizer and trainer");
    }

    /** Keys allowed per section, in the order they are written. */
    static final Map<String, List<String>> KEYS = Map.of(
            "", List.of("network", "optimizer", "regularizer", "trainer"),
            "network", List.of("n_neurons", "firing_threshold", "w_init_normal", "w_init_mean", "w_init_std", "w_norm", "w_min", "w_max", "leak_tau"),
            "optimizer", List.of("method", "stdp", "ap", "am", "anti_ap", "anti_am", "annealing", "t_gap", "class_inhib",
                    "use_time_ranges", "adaptive_lr", "ignore_silent", "beta", "w_min", "w_max", "lr"),
            "regularizer", List.of("thr_lr", "thr_anneal", "use_two_thr"),
            "trainer", List.of("epochs", "early_stopping", "nt_neurons", "dropout_in", "dropout_out", "gridsearch_stop_acc"));

    private static final ObjectMapper JSON = new ObjectMapper();

    // ---- reading --------------------------------------------------------------------------------

    /** Reads one config file (no lists in place of scalars). */
    public static SpikeNnConfig read(Path file) {
        return fromTree(tree(readText(file), file.toString()), file.toString());
    }

    /** Parses one config from JSON text; {@code source} names it in errors. */
    public static SpikeNnConfig parse(String json, String source) {
        return fromTree(tree(json, source), source);
    }

    /** Reads a config shipped in the library: {@code STDP-CSNN/MNIST/s2stdp+ncg.json}. */
    public static SpikeNnConfig resource(String relative) {
        String name = "/org/spikekit/spikenn/config/" + relative;
        try (InputStream in = SpikeNnConfig.class.getResourceAsStream(name)) {
            if (in == null) throw new ConfigException("no shipped SpikeNN config " + name + " (see org/spikekit/spikenn/config/README.md)");
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "resource " + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a gridsearch file: any scalar may be replaced by a list of scalars; returns one config
     * per element of the cartesian product over all list-valued fields, in the order of
     * {@code itertools.product} over the fields in file order (the last field varies fastest).
     */
    public static List<SpikeNnConfig> readGrid(Path file) {
        return grid(readText(file), file.toString());
    }

    /** As {@link #readGrid(Path)} from JSON text. */
    public static List<SpikeNnConfig> grid(String json, String source) {
        JsonNode root = tree(json, source);
        List<JsonNode> expanded = expand(root);
        List<SpikeNnConfig> out = new ArrayList<>(expanded.size());
        for (int k = 0; k < expanded.size(); k++) out.add(fromTree(expanded.get(k), source + " (grid point " + k + ")"));
        return out;
    }

    /** The cartesian expansion of a gridsearch tree (objects copied; lists of scalars expanded). */
    static List<JsonNode> expand(JsonNode root) {
        List<List<String>> paths = new ArrayList<>();
        collectLists(root, new ArrayList<>(), paths);
        List<JsonNode> out = new ArrayList<>();
        int[] pos = new int[paths.size()];
        while (true) {
            JsonNode copy = root.deepCopy();
            for (int p = 0; p < paths.size(); p++) {
                List<String> path = paths.get(p);
                JsonNode parent = at(copy, path.subList(0, path.size() - 1));
                String key = path.get(path.size() - 1);
                ObjectNode obj = (ObjectNode) parent;
                obj.set(key, obj.get(key).get(pos[p]));
            }
            out.add(copy);
            int p = paths.size() - 1;
            while (p >= 0) {
                List<String> path = paths.get(p);
                int len = at(root, path).size();
                if (++pos[p] < len) break;
                pos[p] = 0;
                p--;
            }
            if (p < 0) return out;
        }
    }

    private static void collectLists(JsonNode node, List<String> path, List<List<String>> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                List<String> p = new ArrayList<>(path);
                p.add(e.getKey());
                JsonNode v = e.getValue();
                if (v.isArray() && !(path.isEmpty() && e.getKey().equals("network"))) {
                    if (v.isEmpty()) throw new ConfigException("gridsearch list " + String.join(".", p) + " is empty");
                    for (JsonNode x : v) {
                        if (x.isContainerNode()) throw new ConfigException("gridsearch list " + String.join(".", p) + " must hold scalars, got " + x);
                    }
                    out.add(p);
                } else {
                    collectLists(v, p, out);
                }
            }
        } else if (node.isArray()) {
            for (int k = 0; k < node.size(); k++) {
                List<String> p = new ArrayList<>(path);
                p.add("#" + k);
                collectLists(node.get(k), p, out);
            }
        }
    }

    private static JsonNode at(JsonNode root, List<String> path) {
        JsonNode n = root;
        for (String s : path) n = s.startsWith("#") ? n.get(Integer.parseInt(s.substring(1))) : n.get(s);
        return n;
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("SpikeNN config file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new ConfigException("cannot read SpikeNN config file " + file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode tree(String json, String source) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject()) throw new ConfigException(source + ": a SpikeNN config must be a JSON object, got " + (n == null ? "nothing" : n.getNodeType()));
            return n;
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** One section of the tree being read, with its source for messages. */
    private record Section(JsonNode node, String name, String source) {
        static Section of(JsonNode root, String name, String key, String source, boolean required) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                if (required) throw new ConfigException(source + ": section \"" + key + "\" is missing; a SpikeNN config has sections " + KEYS.get(""));
                return null;
            }
            if (!n.isObject()) throw new ConfigException(source + ": section \"" + name + "\" must be a JSON object, got " + n.getNodeType());
            Section s = new Section(n, name, source);
            s.checkKeys(KEYS.get(key));
            return s;
        }

        void checkKeys(List<String> allowed) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!allowed.contains(k)) {
                    throw new ConfigException(source + ": unknown key \"" + k + "\" in section \"" + name + "\"; allowed keys: " + allowed);
                }
            }
        }

        private JsonNode get(String key, boolean required) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                if (required) throw new ConfigException(source + ": " + name + "." + key + " is required");
                return null;
            }
            if (v.isArray()) {
                throw new ConfigException(source + ": " + name + "." + key + " is a list " + v + "; lists are allowed only in gridsearch files (SpikeNnConfig.readGrid)");
            }
            return v;
        }

        private ConfigException wrong(String key, String expected, JsonNode v) {
            return new ConfigException(source + ": " + name + "." + key + " must be " + expected + ", got " + v.getNodeType().name().toLowerCase(Locale.ROOT) + " " + v);
        }

        /** A number as float32 (the network's parameters, float32 arrays in the original). */
        float num(String key, float dflt, boolean required) {
            return (float) dnum(key, dflt, required);
        }

        float num(String key) { return num(key, Float.NaN, true); }

        /** A number as the JSON double (rates, gaps, annealing: Python floats in the original). */
        double dnum(String key, double dflt, boolean required) {
            JsonNode v = get(key, required);
            if (v == null) return dflt;
            if (!v.isNumber()) throw wrong(key, "a number", v);
            return v.doubleValue();
        }

        int integer(String key, int dflt, boolean required) {
            JsonNode v = get(key, required);
            if (v == null) return dflt;
            if (v.isIntegralNumber() && v.canConvertToInt()) return v.intValue();
            if (v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue()) && Math.abs(v.doubleValue()) < Integer.MAX_VALUE) {
                return (int) v.doubleValue();
            }
            throw wrong(key, "an integer", v);
        }

        boolean bool(String key, boolean dflt) {
            JsonNode v = get(key, false);
            if (v == null) return dflt;
            if (!v.isBoolean()) throw wrong(key, "true or false", v);
            return v.booleanValue();
        }

        String text(String key, String dflt, boolean required) {
            JsonNode v = get(key, required);
            if (v == null) return dflt;
            if (!v.isTextual()) throw wrong(key, "a string", v);
            return v.textValue();
        }
    }

    static SpikeNnConfig fromTree(JsonNode root, String source) {
        new Section(root, "(top level)", source).checkKeys(KEYS.get(""));
        JsonNode net = root.get("network");
        if (net == null || net.isNull()) throw new ConfigException(source + ": section \"network\" is missing; a SpikeNN config has sections " + KEYS.get(""));
        if (!net.isArray()) throw new ConfigException(source + ": section \"network\" must be a list of layer objects, got " + net.getNodeType());
        if (net.size() != 1) {
            throw new ConfigException(source + ": section \"network\" has " + net.size() + " layers; only one trained readout layer is supported");
        }
        if (!net.get(0).isObject()) throw new ConfigException(source + ": network[0] must be a JSON object, got " + net.get(0).getNodeType());
        try {
            Section n = new Section(net.get(0), "network[0]", source);
            n.checkKeys(KEYS.get("network"));
            Network network = new Network(n.integer("n_neurons", 0, true), n.num("firing_threshold"), n.bool("w_init_normal", true),
                    n.num("w_init_mean", 0.5f, false), n.num("w_init_std", 0.01f, false), n.bool("w_norm", false),
                    n.num("w_min", 0f, false), n.num("w_max", 1f, false), n.num("leak_tau", Float.NaN, false));

            Section o = Section.of(root, "optimizer", "optimizer", source, true);
            String m = o.text("method", null, true);
            Method method = null;
            for (Method x : Method.values()) if (x.key.equals(m)) method = x;
            if (method == null) throw new ConfigException(source + ": optimizer.method \"" + m + "\" is not one of s2stdp, rstdp, s4nn");
            boolean stdpRule = method != Method.S4NN;
            double ap = o.dnum("ap", Double.NaN, stdpRule), am = o.dnum("am", Double.NaN, stdpRule);
            if (o.node().has("beta") || o.node().has("w_min") || o.node().has("w_max")) {
                if (!"multiplicative".equals(o.text("stdp", "additive", false))) {
                    throw new ConfigException(source + ": optimizer.beta/w_min/w_max belong to the multiplicative kernel, but optimizer.stdp is not \"multiplicative\"");
                }
            }
            Optimizer opt = new Optimizer(method, o.text("stdp", "additive", false), ap, am,
                    o.dnum("anti_ap", -ap, false), o.dnum("anti_am", -am, false), o.dnum("annealing", 1, false),
                    o.dnum("t_gap", Double.NaN, method != Method.RSTDP), o.bool("class_inhib", false),
                    o.bool("use_time_ranges", method == Method.S4NN),
                    o.bool("adaptive_lr", true), o.bool("ignore_silent", false), o.dnum("lr", Double.NaN, method == Method.S4NN));

            Section r = Section.of(root, "regularizer", "regularizer", source, false);
            Regularizer reg = r == null ? null
                    : new Regularizer(r.dnum("thr_lr", Double.NaN, true), r.dnum("thr_anneal", 1, false), r.bool("use_two_thr", true));

            Section t = Section.of(root, "trainer", "trainer", source, true);
            Trainer tr = new Trainer(t.integer("epochs", 0, true), t.integer("early_stopping", 0, false), t.integer("nt_neurons", 0, false),
                    t.num("dropout_in", 0f, false), t.num("dropout_out", 0f, false), t.num("gridsearch_stop_acc", 0f, false));
            return new SpikeNnConfig(network, opt, reg, tr);
        } catch (ConfigException e) {
            if (e.getMessage().startsWith(source)) throw e;
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
    }

    // ---- writing --------------------------------------------------------------------------------

    /** This config in the original syntax, every key written (defaults filled in). */
    public ObjectNode toTree() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        ArrayNode net = root.putArray("network");
        ObjectNode l = net.addObject();
        l.put("n_neurons", network.nNeurons());
        l.put("firing_threshold", network.firingThreshold());
        l.put("w_init_normal", network.wInitNormal());
        l.put("w_init_mean", network.wInitMean());
        l.put("w_init_std", network.wInitStd());
        l.put("w_norm", network.wNorm());
        l.put("w_min", network.wMin());
        l.put("w_max", network.wMax());
        if (network.leaky()) l.put("leak_tau", network.leakTau());
        ObjectNode o = root.putObject("optimizer");
        o.put("method", optimizer.method().key);
        o.put("stdp", optimizer.stdp());
        putNum(o, "ap", optimizer.ap());
        putNum(o, "am", optimizer.am());
        if (optimizer.method() == Method.RSTDP) {
            putNum(o, "anti_ap", optimizer.antiAp());
            putNum(o, "anti_am", optimizer.antiAm());
        }
        o.put("annealing", optimizer.annealing());
        putNum(o, "t_gap", optimizer.tGap());
        o.put("class_inhib", optimizer.classInhib());
        o.put("use_time_ranges", optimizer.useTimeRanges());
        o.put("adaptive_lr", optimizer.adaptiveLr());
        o.put("ignore_silent", optimizer.ignoreSilent());
        putNum(o, "lr", optimizer.lr());
        if (regularizer != null) {
            ObjectNode r = root.putObject("regularizer");
            r.put("thr_lr", regularizer.thrLr());
            r.put("thr_anneal", regularizer.thrAnneal());
            r.put("use_two_thr", regularizer.useTwoThr());
        }
        ObjectNode t = root.putObject("trainer");
        t.put("epochs", trainer.epochs());
        t.put("early_stopping", trainer.earlyStopping());
        t.put("nt_neurons", trainer.ntNeurons());
        t.put("dropout_in", trainer.dropoutIn());
        t.put("dropout_out", trainer.dropoutOut());
        t.put("gridsearch_stop_acc", trainer.gridsearchStopAcc());
        return root;
    }

    private static void putNum(ObjectNode o, String key, double v) {
        if (!Double.isNaN(v)) o.put(key, v);
    }

    /** Canonical JSON text (keys sorted, no spaces): the config's identity in run keys. */
    public String canonicalJson() {
        try {
            return JSON.copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsString(sortKeys(toTree()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object sortKeys(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new TreeMap<>();
            n.fields().forEachRemaining(e -> m.put(e.getKey(), sortKeys(e.getValue())));
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(x -> l.add(sortKeys(x)));
            return l;
        }
        return n;
    }

    /** Pretty JSON in the original syntax. */
    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toTree());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- derived --------------------------------------------------------------------------------

    /** True when this config uses competition regulation with two thresholds (CR-2). */
    public boolean cr2() { return regularizer != null && regularizer.useTwoThr(); }

    /** True when this config uses one-threshold competition regulation (CR-1). */
    public boolean cr1() { return regularizer != null && !regularizer.useTwoThr(); }

    /** Neurons per class M for C classes; checks that N is a multiple of C and {@code nt_neurons < M}. */
    public int neuronsPerClass(int classes) {
        int n = network.nNeurons();
        if (classes <= 0 || n % classes != 0) {
            throw new ConfigException("network.n_neurons = " + n + " is not a multiple of the " + classes + " classes of the data");
        }
        int m = n / classes;
        if (trainer.ntNeurons() >= m && trainer.ntNeurons() > 0) {
            throw new ConfigException("trainer.nt_neurons = " + trainer.ntNeurons() + " must be < neurons per class (" + m + ")");
        }
        return m;
    }

    /** Field paths ({@code section.key}, sorted) whose values differ between configs of a grid, for labels. */
    public static Set<String> varying(List<SpikeNnConfig> grid) {
        Set<String> out = new java.util.TreeSet<>();
        if (grid.isEmpty()) return out;
        JsonNode a = grid.get(0).toTree();
        for (SpikeNnConfig c : grid) diff(a, c.toTree(), "", out);
        return out;
    }

    private static void diff(JsonNode a, JsonNode b, String path, Set<String> out) {
        if (a.isObject() && b.isObject()) {
            Set<String> keys = new LinkedHashSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                JsonNode x = a.get(k), y = b.get(k);
                if (x == null || y == null) out.add(path + k);
                else diff(x, y, path + k + ".", out);
            }
        } else if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) diff(a.get(i), b.get(i), path, out);
        } else if (!a.equals(b)) {
            out.add(path.endsWith(".") ? path.substring(0, path.length() - 1) : path);
        }
    }
}
