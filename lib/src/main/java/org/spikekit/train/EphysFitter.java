package org.spikekit.train;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.spikekit.compute.AdamConfig;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;
import org.spikekit.core.Tape;
import org.spikekit.model.EphysNeurons;

/**
 * Fits {@link EphysNeurons} to recorded spike trains as the Blocks paper's {@code EphysTrainer}
 * (notebooks/papers/blocks.md §5.3): full-batch Adam (the training epochs of a cell are one batch), at most
 * {@code maxEpochs} epochs, and a cell stops when its best loss of the last {@code patience} epochs
 * is worse than its best so far (no learning-rate decay). Each cell stops on its own: from then on
 * its parameters are held at their best values while the others go on. The fitted model holds,
 * per cell, the parameters of its lowest-loss epoch.
 *
 * <p>A recipe over the kit's one loop ({@link Fit}) that drives the neurons through the autograd
 * contract ({@code EphysNeurons.forward(x, tape)} → spikes, {@code backward(dSpikes, tape)}): one full-batch step per epoch, the van Rossum
 * loss per cell, Adam; each cell's best epoch and early stop are loop hooks (after the forward pass,
 * and after the optimiser step the stopped cells are put back to their best parameters).
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
        double[] bestLoss = new double[c];
        Arrays.fill(bestLoss, Double.POSITIVE_INFINITY);
        int[] bestEpoch = new int[c], epochs = new int[c];
        boolean[] stopped = new boolean[c];
        List<Epoch> history = new java.util.ArrayList<>();
        long[] epochStart = new long[1];
        double[][] cellLoss = new double[1][];
        // the recipe: one full-batch step per epoch, van Rossum loss per cell, Adam, no schedule, no selection
        // (each cell's early stop and best epoch are the hooks below)
        Fit.Loss<EphysNeurons, Tensor> loss = (m, batch, seed) -> {
            Tape tape = Tape.training(seed);
            Tensor out = m.forward(batch, tape);
            Tensor g = be.zeros(out.shape());
            double[] l = m.loss(out, spikes, s.tau(), g);
            cellLoss[0] = l;
            double total = 0;
            for (int ci = 0; ci < c; ci++) {
                if (stopped[ci]) continue;
                if (!Double.isFinite(l[ci])) throw new IllegalStateException("EphysFitter: cell " + ci + " loss is " + l[ci] + " at epoch " + history.size());
                total += l[ci];
            }
            double sum = total;
            return new Fit.Step() {
                @Override public double loss() { return sum; }
                @Override public void backward() { m.backward(g, tape); }
            };
        };
        Fit.Recipe<EphysNeurons, Tensor, Void> recipe = new Fit.Recipe<>("EphysFitter", s.maxEpochs(), loss,
                m -> new Adam(m, new AdamConfig(s.lr(), 0.9f, 0.999f, 1e-8f, 0f)), null, 0, Fit.BatchSeeds.none(), null);
        Fit.Hooks<Tensor, Void> hooks = new Fit.Hooks<>() {
            @Override
            public boolean afterForward(int e, int b, Tensor batch, Fit.Step step) {
                double[] l = cellLoss[0];
                int active = 0;
                for (int ci = 0; ci < c; ci++) {
                    if (stopped[ci]) continue;
                    epochs[ci] = e + 1;
                    if (l[ci] < bestLoss[ci]) {
                        bestLoss[ci] = l[ci];
                        bestEpoch[ci] = e;
                        best.copyCell(model, ci);
                    } else if (e - bestEpoch[ci] >= s.patience()) {
                        stopped[ci] = true;
                        continue;
                    }
                    active++;
                }
                history.add(new Epoch(e, l, active, (System.nanoTime() - epochStart[0]) * 1e-9));
                if (log != null) log.accept(history.getLast());
                return active > 0;
            }

            @Override
            public void afterStep() {
                for (int ci = 0; ci < c; ci++) if (stopped[ci]) model.copyCell(best, ci);
            }
        };
        long k0 = model.kernelNanos(), t0 = System.nanoTime();
        Fit.fit(model, e -> {
            epochStart[0] = System.nanoTime();
            return List.of(x);
        }, recipe, hooks);
        copyAll(best, model);
        double secs = (System.nanoTime() - t0) * 1e-9;
        return new Result(bestLoss, bestEpoch, epochs, secs, (model.kernelNanos() - k0) * 1e-9, List.copyOf(history));
    }

    private static void copyAll(EphysNeurons from, EphysNeurons to) {
        List<Parameter> a = from.parameters(), b = to.parameters();
        for (int i = 0; i < a.size(); i++) a.get(i).backend().copy(a.get(i).value(), b.get(i).value());
    }
}
