package org.spikekit.train;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.spikekit.compute.AdamConfig;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;
import org.spikekit.model.EphysNeurons;

/**
 * Fits {@link EphysNeurons} to recorded spike trains as the Blocks paper's {@code EphysTrainer}
 * (notebooks/papers/blocks.md §5.3): full-batch Adam (the training epochs of a cell are one batch), at most
 * {@code maxEpochs} epochs, and a cell stops when its best loss of the last {@code patience} epochs
 * is worse than its best so far (no learning-rate decay). Each cell stops on its own: from then on
 * its parameters are held at their best values while the others go on. The fitted model holds,
 * per cell, the parameters of its lowest-loss epoch.
 *
 * <p>Stops before the next epoch (one batch) when its thread is interrupted ({@link Interrupts});
 * nothing is written.
 */
public final class EphysFitter {
    private EphysFitter() {}

    /**
     * @param lr Adam learning rate (paper 1e-4)
     * @param maxEpochs at most this many epochs (paper 200)
     * @param patience epochs without a new best loss before a cell stops (paper 5)
     * @param tau van Rossum τ in samples of the 0.1-ms grid (paper 100)
     */
    public record Settings(float lr, int maxEpochs, int patience, double tau) {
        public Settings {
            if (!(lr > 0) || !Float.isFinite(lr)) throw new IllegalArgumentException("EphysFitter.Settings.lr must be a positive number, got " + lr);
            if (maxEpochs < 1 || patience < 1) throw new IllegalArgumentException("EphysFitter.Settings: maxEpochs and patience must be >= 1, got " + maxEpochs + ", " + patience);
            if (!(tau > 0)) throw new IllegalArgumentException("EphysFitter.Settings.tau must be > 0 samples, got " + tau);
        }

        public static Settings paper() { return new Settings(1e-4f, 200, 5, 100); }

        public Settings withLr(float l) { return new Settings(l, maxEpochs, patience, tau); }

        public Settings withMaxEpochs(int e) { return new Settings(lr, e, patience, tau); }

        public Settings withPatience(int p) { return new Settings(lr, maxEpochs, p, tau); }

        public String describe() { return String.format(Locale.ROOT, "adam lr=%.0e epochs<=%d patience=%d vanRossum tau=%.0f samples", lr, maxEpochs, patience, tau); }
    }

    /** One epoch: the loss of every cell before the update, and how many cells were still fitting. */
    public record Epoch(int epoch, double[] loss, int active, double seconds) {}

    /**
     * @param bestLoss per cell, its lowest training loss
     * @param bestEpoch per cell, the epoch (0-based) of that loss
     * @param epochs per cell, epochs run before it stopped
     * @param seconds wall time of the whole fit (all cells together)
     * @param kernelSeconds of which inside the ALIF kernel
     */
    public record Result(double[] bestLoss, int[] bestEpoch, int[] epochs, double seconds, double kernelSeconds, List<Epoch> history) {}

    /**
     * Fits {@code model} in place.
     *
     * @param current per cell, per training row, the normalised current on the 0.1-ms grid
     * @param spikes per cell, per training row, the recorded 0/1 spikes on the 0.1-ms grid
     * @param log told after every epoch, or null
     */
    public static Result fit(EphysNeurons model, float[][][] current, float[][][] spikes, Settings s, Consumer<Epoch> log) {
        Backend be = model.parameters().get(0).backend();
        int c = model.config().cells();
        Tensor x = model.pool(current);
        EphysNeurons best = new EphysNeurons(be, model.config());
        copyAll(model, best);
        Adam adam = new Adam(model, new AdamConfig(s.lr(), 0.9f, 0.999f, 1e-8f, 0f));
        double[] bestLoss = new double[c];
        Arrays.fill(bestLoss, Double.POSITIVE_INFINITY);
        int[] bestEpoch = new int[c], epochs = new int[c];
        boolean[] stopped = new boolean[c];
        List<Epoch> history = new java.util.ArrayList<>();
        long k0 = model.kernelNanos(), t0 = System.nanoTime();
        for (int e = 0; e < s.maxEpochs(); e++) {
            if (Interrupts.requested()) {
                throw new TrainingInterruptedException("EphysFitter before epoch " + (e + 1) + "/" + s.maxEpochs() + " (one full-batch step each)");
            }
            long e0 = System.nanoTime();
            model.zeroGrad();
            EphysNeurons.Pass p = model.forward(x, true);
            Tensor g = be.zeros(p.spikes().shape());
            double[] loss = model.loss(p, spikes, s.tau(), g);
            int active = 0;
            for (int ci = 0; ci < c; ci++) {
                if (stopped[ci]) continue;
                if (!Double.isFinite(loss[ci])) throw new IllegalStateException("EphysFitter: cell " + ci + " loss is " + loss[ci] + " at epoch " + e);
                epochs[ci] = e + 1;
                if (loss[ci] < bestLoss[ci]) {
                    bestLoss[ci] = loss[ci];
                    bestEpoch[ci] = e;
                    best.copyCell(model, ci);
                } else if (e - bestEpoch[ci] >= s.patience()) {
                    stopped[ci] = true;
                    continue;
                }
                active++;
            }
            history.add(new Epoch(e, loss, active, (System.nanoTime() - e0) * 1e-9));
            if (log != null) log.accept(history.getLast());
            if (active == 0) break;
            model.backward(p, g);
            adam.step();
            for (int ci = 0; ci < c; ci++) if (stopped[ci]) model.copyCell(best, ci);
        }
        copyAll(best, model);
        double secs = (System.nanoTime() - t0) * 1e-9;
        return new Result(bestLoss, bestEpoch, epochs, secs, (model.kernelNanos() - k0) * 1e-9, List.copyOf(history));
    }

    private static void copyAll(EphysNeurons from, EphysNeurons to) {
        List<Parameter> a = from.parameters(), b = to.parameters();
        for (int i = 0; i < a.size(); i++) a.get(i).backend().copy(a.get(i).value(), b.get(i).value());
    }
}
