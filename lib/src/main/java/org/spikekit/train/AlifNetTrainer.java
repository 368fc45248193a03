package org.spikekit.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.spikekit.compute.AdamConfig;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Losses;
import org.spikekit.core.Tape;
import org.spikekit.data.spiking.NMnistFile;
import org.spikekit.data.spiking.ShdFile;
import org.spikekit.model.AlifNet;

/**
 * Mini-batch training of an {@link AlifNet} classifier as in the Blocks paper's supervised runs
 * (notebooks/papers/blocks.md §5.2; authors' {@code src/train.py}): Adam (lr 1e-3, eps 1e-5), batch 64,
 * cross-entropy on the summed readout, an optional learning-rate decay at one epoch, and the
 * reported model = the epoch with the lowest training loss (its test accuracy is reported; the
 * paper reloads that checkpoint, here the test accuracy is simply recorded every epoch).
 * Samples are shuffled every epoch from the seed. Timings are the training part of each epoch
 * (forward, backward, optimizer), without the test evaluation.
 *
 * <p>A recipe over the kit's one loop ({@link Fit}) that drives the network through the autograd
 * contract ({@code AlifNet.forward(x, tape)}, {@code backward(dLogits, tape)}): cross-entropy per batch (weighted by its size in
 * the epoch's mean), Adam, a step schedule, the test accuracy recorded after every epoch.
 *
 * <p>Stops before the next batch when its thread is interrupted ({@link Interrupts}); nothing is
 * written, {@code log} has seen every finished epoch.
 */
public final class AlifNetTrainer {
    private AlifNetTrainer() {}

    /** A labelled set of samples turned into dense frames {@code [steps, B, units]} on demand. */
    public interface Frames {
        int size();

        int label(int i);

        int steps();

        int units();

        /** Row-major {@code [steps, index.length, units]}. */
        float[] frames(int[] index);
    }

    /** SHD samples binned at {@code dt} seconds into {@code steps} steps (700 units); see {@link ShdFile#frames}. */
    public static Frames shd(ShdFile.ShdSet set, double dt, int steps, boolean binary) {
        return new Frames() {
            public int size() { return set.size(); }
            public int label(int i) { return set.labels()[i]; }
            public int steps() { return steps; }
            public int units() { return ShdFile.CHANNELS; }
            public float[] frames(int[] index) { return ShdFile.frames(set, index, dt, steps, binary); }
        };
    }

    /** N-MNIST samples binned at {@code dtMs} into {@code steps} steps; 2312 units, or 1156 with {@code fold}; see {@link NMnistFile#frames}. */
    public static Frames nmnist(List<NMnistFile.Events> samples, double dtMs, int steps, boolean fold, boolean binary) {
        List<NMnistFile.Events> s = List.copyOf(samples);
        return new Frames() {
            public int size() { return s.size(); }
            public int label(int i) { return s.get(i).label(); }
            public int steps() { return steps; }
            public int units() { return fold ? NMnistFile.PIXELS : 2 * NMnistFile.PIXELS; }
            public float[] frames(int[] index) {
                List<NMnistFile.Events> sub = new ArrayList<>(index.length);
                for (int i : index) sub.add(s.get(i));
                return NMnistFile.frames(sub, dtMs, steps, fold, binary);
            }
        };
    }

    /**
     * @param epochs training epochs, ≥ 1 (paper: SHD 40, N-MNIST 20, see {@code BlocksSupervised})
     * @param batch samples per Adam step, ≥ 1; also the evaluation batch (paper 64)
     * @param lr Adam learning rate, positive (paper 1e-3)
     * @param eps Adam ε, positive (paper 1e-5; β are fixed at 0.9, 0.999, no weight decay)
     * @param seed seed of the per-epoch shuffling of the training samples into batches
     * @param decayEpoch epoch (0-based) from which the learning rate is multiplied by {@code decay}; -1 for none
     *                   (paper: SHD 15 with ×0.1; N-MNIST none)
     * @param decay factor the learning rate is multiplied by from {@code decayEpoch} on (unused when
     *     {@code decayEpoch} is -1; {@link #paper} sets 1)
     */
    public record Settings(int epochs, int batch, float lr, float eps, long seed, int decayEpoch, float decay) {
        public Settings {
            if (epochs < 1 || batch < 1 || !(lr > 0) || !(eps > 0)) {
                throw new IllegalArgumentException("AlifNetTrainer.Settings: need epochs >= 1, batch >= 1, lr > 0, eps > 0; got "
                        + epochs + ", " + batch + ", " + lr + ", " + eps);
            }
        }

        /** The paper's optimiser: Adam lr 1e-3, eps 1e-5, batch 64, no decay. */
        public static Settings paper(int epochs, long seed) { return new Settings(epochs, 64, 1e-3f, 1e-5f, seed, -1, 1f); }

        public Settings withLr(float l) { return new Settings(epochs, batch, l, eps, seed, decayEpoch, decay); }
        public Settings withBatch(int b) { return new Settings(epochs, b, lr, eps, seed, decayEpoch, decay); }
        public Settings withDecay(int epoch, float factor) { return new Settings(epochs, batch, lr, eps, seed, epoch, factor); }
    }

    /**
     * One epoch: mean training loss and accuracy (during training), test accuracy after it,
     * training seconds, and the part of them spent in the ALIF kernel (forward and backward).
     */
    public record Epoch(int epoch, double trainLoss, double trainAccuracy, double testAccuracy, double seconds, double kernelSeconds) {}

    /**
     * @param epochs every epoch
     * @param selected the epoch with the lowest training loss (the paper's saved model)
     */
    public record Result(List<Epoch> epochs, Epoch selected) {
        public double meanEpochSeconds() { return epochs.stream().mapToDouble(Epoch::seconds).average().orElse(Double.NaN); }

        public Epoch last() { return epochs.get(epochs.size() - 1); }

        /** Median ALIF-kernel time per epoch (forward and backward). */
        public double medianKernelSeconds() {
            double[] t = epochs.stream().mapToDouble(Epoch::kernelSeconds).sorted().toArray();
            return t.length % 2 == 1 ? t[t.length / 2] : 0.5 * (t[t.length / 2 - 1] + t[t.length / 2]);
        }

        /** Median epoch time: robust to the first epoch's JIT warm-up. */
        public double medianEpochSeconds() {
            double[] t = epochs.stream().mapToDouble(Epoch::seconds).sorted().toArray();
            return t.length % 2 == 1 ? t[t.length / 2] : 0.5 * (t[t.length / 2 - 1] + t[t.length / 2]);
        }
    }

    /** Trains {@code net} in place; {@code log} (may be null) sees each epoch as it ends. */
    public static Result fit(AlifNet net, Frames train, Frames test, Settings s, Consumer<Epoch> log) {
        Backend be = net.backend();
        if (train.units() != net.config().inputs() || test.units() != net.config().inputs()) {
            throw new IllegalArgumentException("AlifNetTrainer: data have " + train.units() + "/" + test.units() + " units, the net "
                    + net.config().inputs() + " inputs");
        }
        SplittableRandom rng = new SplittableRandom(s.seed());
        int n = train.size(), c = net.config().classes();
        // per-epoch tallies the recipe's loss and evaluator fill: [correct], [training start ns, kernel ns at start]
        int[] correct = new int[1];
        long[] t0 = new long[2];
        double[] training = new double[2];
        Fit.Loss<AlifNet, int[]> loss = (m, idx, seed) -> {
            int[] labels = labels(train, idx);
            Tensor x = be.fromHost(train.frames(idx), train.steps(), idx.length, train.units());
            Tape tape = Tape.training(seed);
            Tensor logits = m.forward(x, tape);
            Tensor g = be.zeros(idx.length, c);
            double l = Losses.crossEntropy(logits, labels, g);
            correct[0] += hits(be.toHost(logits), labels, c);
            return new Fit.Step() {
                @Override public double loss() { return l; }
                @Override public double weight() { return idx.length; }
                @Override public void backward() { m.backward(g, tape); }
            };
        };
        Fit.Data<int[]> batches = ep -> {
            int[] perm = permutation(n, rng);
            t0[0] = System.nanoTime();
            t0[1] = net.kernelNanos();
            correct[0] = 0;
            List<int[]> out = new ArrayList<>();
            for (int b0 = 0; b0 < n; b0 += s.batch()) out.add(java.util.Arrays.copyOfRange(perm, b0, Math.min(n, b0 + s.batch())));
            return out;
        };
        // the test accuracy is recorded after every epoch (no parameter selection: the paper's model is the
        // lowest-training-loss epoch, picked from the records); the epoch's training time ends where it starts
        Fit.Evaluator<AlifNet, Double> testAccuracy = m -> {
            training[0] = (System.nanoTime() - t0[0]) * 1e-9;
            training[1] = (m.kernelNanos() - t0[1]) * 1e-9;
            return accuracy(m, test, s.batch());
        };
        List<Epoch> out = new ArrayList<>();
        Fit.Hooks<int[], Double> hooks = new Fit.Hooks<>() {
            @Override
            public void afterEpoch(Fit.Epoch<Double> fe, Fit.State<Double> state) {
                Epoch e = new Epoch(fe.epoch(), fe.loss(), (double) correct[0] / n, fe.evaluation(), training[0], training[1]);
                out.add(e);
                if (log != null) log.accept(e);
            }
        };
        LrSchedule decay = ep -> s.decayEpoch() >= 0 && ep >= s.decayEpoch() ? s.lr() * s.decay() : s.lr();
        Fit.fit(net, batches, new Fit.Recipe<>("AlifNetTrainer", s.epochs(), loss, m -> new Adam(m, new AdamConfig(s.lr(), 0.9f, 0.999f, s.eps(), 0f)),
                decay, 0, Fit.BatchSeeds.none(), Fit.Selection.record(testAccuracy)), hooks);
        Epoch best = null;
        for (Epoch e : out) if (best == null || e.trainLoss() < best.trainLoss()) best = e;
        return new Result(List.copyOf(out), best);
    }

    /** Fraction of {@code data} classified correctly, in batches of {@code batch}. */
    public static double accuracy(AlifNet net, Frames data, int batch) {
        Backend be = net.backend();
        int correct = 0;
        for (int b0 = 0; b0 < data.size(); b0 += batch) {
            Interrupts.check("AlifNetTrainer evaluation", 0, 0, b0 / batch, (data.size() + batch - 1) / batch);
            int[] idx = new int[Math.min(batch, data.size() - b0)];
            for (int i = 0; i < idx.length; i++) idx[i] = b0 + i;
            int[] pred = net.predict(be.fromHost(data.frames(idx), data.steps(), idx.length, data.units()));
            for (int i = 0; i < idx.length; i++) if (pred[i] == data.label(idx[i])) correct++;
        }
        return (double) correct / data.size();
    }

    static int[] labels(Frames f, int[] idx) {
        int[] l = new int[idx.length];
        for (int i = 0; i < idx.length; i++) l[i] = f.label(idx[i]);
        return l;
    }

    static int hits(float[] z, int[] labels, int c) {
        int h = 0;
        for (int r = 0; r < labels.length; r++) {
            int best = 0;
            for (int o = 1; o < c; o++) if (z[r * c + o] > z[r * c + best]) best = o;
            if (best == labels[r]) h++;
        }
        return h;
    }

    static int[] permutation(int n, SplittableRandom r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
