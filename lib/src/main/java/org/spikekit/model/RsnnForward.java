package org.spikekit.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.SequenceModel;
import org.spikekit.data.DataException;
import org.spikekit.data.format.Npy;
import org.spikekit.io.AtomicFiles;

/**
 * The forward pass of a released tinyRSNN checkpoint on an input of your own, written in the layout
 * of the reference golden sets ({@code data/reference/rsnn-released/golden-*}): {@code pred.npy}
 * {@code [T, 2]} float32 (the two velocity outputs at each step) and {@code spikes.npy}
 * {@code [T, hidden]} float32 (hidden spikes), from an input {@code [T, inputs]} of spike counts
 * (float32, float64, int or uint8 {@code .npy}). The model runs as the authors evaluated it: the
 * released dynamics in emulated float16 ({@link HalfRsnn}); {@code --float32} runs the kit's float32
 * path of the same equations instead.
 *
 * <pre>
 *   make rsnn-forward CKPT=data/reference/rsnn-released/models/indy01/tinyRSNN-1.pth INPUT=spikes.npy OUT=out/
 *   java -cp ... org.spikekit.model.RsnnForward CKPT INPUT OUT [--float32]
 * </pre>
 */
public final class RsnnForward {
    private RsnnForward() {}

    /** What one run wrote. */
    public record Result(Path pred, Path spikes, int steps, int inputs, int hidden, long spikeCount, boolean float16) {}

    /**
     * Runs {@code ckpt} on {@code input} and writes {@code pred.npy} and {@code spikes.npy} into
     * {@code outDir} (created if absent; each file written atomically).
     *
     * @throws DataException naming the file and what was expected for a bad checkpoint or input
     */
    public static Result run(Backend be, Path ckpt, Path input, Path outDir, boolean float16) {
        ReleasedRsnn r = ReleasedRsnn.load(be, ckpt);
        Npy.Array a = Npy.read(input);
        int[] shape = a.shape();
        if (shape.length != 2 || shape[1] != r.inputs()) {
            throw new DataException(input, input + ": input must be [T, " + r.inputs() + "] (time steps × input channels of "
                    + ckpt.getFileName() + "), got " + java.util.Arrays.toString(shape));
        }
        if (shape[0] == 0) throw new DataException(input, input + ": input has no time steps");
        float[] x = asFloats(a, input);
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i]) || x[i] < 0) {
                throw new DataException(input, input + ": input must hold spike counts (finite, >= 0); element " + i
                        + " (step " + i / shape[1] + ", channel " + i % shape[1] + ") is " + x[i]);
            }
        }
        int t = shape[0], in = shape[1], hidden = r.model().config().hidden();
        Tensor xt = be.fromHost(x, t, 1, in);
        SequenceModel.Pass p = float16 ? new HalfRsnn(r.model(), true).forward(xt, false, 0L) : r.model().forward(xt, false, 0L, false);
        float[] pred = be.toHost(p.prediction()), spikes = be.toHost(p.spikes());
        long count = 0;
        for (float s : spikes) if (s != 0f) count++;
        Path pf = outDir.resolve("pred.npy"), sf = outDir.resolve("spikes.npy");
        try {
            AtomicFiles.write(pf, o -> Npy.write(o, Npy.Array.of(pred, t, r.model().outputs()), java.nio.ByteOrder.LITTLE_ENDIAN));
            AtomicFiles.write(sf, o -> Npy.write(o, Npy.Array.of(spikes, t, hidden), java.nio.ByteOrder.LITTLE_ENDIAN));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("rsnn-forward: cannot write into " + outDir + ": " + e.getMessage(), e);
        }
        return new Result(pf, sf, t, in, hidden, count, float16);
    }

    private static float[] asFloats(Npy.Array a, Path input) {
        Object d = a.data();
        if (d instanceof float[] f) return f;
        float[] o = new float[Math.toIntExact(a.size())];
        switch (d) {
            case double[] v -> { for (int i = 0; i < o.length; i++) o[i] = (float) v[i]; }
            case int[] v -> { for (int i = 0; i < o.length; i++) o[i] = v[i]; }
            case long[] v -> { for (int i = 0; i < o.length; i++) o[i] = v[i]; }
            case short[] v when a.dtype() == Npy.DType.INT16 -> { for (int i = 0; i < o.length; i++) o[i] = v[i]; }
            case byte[] v -> { for (int i = 0; i < o.length; i++) o[i] = v[i] & 0xff; }
            default -> {
                if (a.dtype() == Npy.DType.FLOAT16) return a.float16AsFloats();
                throw new DataException(input, input + ": input dtype " + a.dtype() + " is not supported (float32, float64, float16, int, uint8)");
            }
        }
        return o;
    }

    /** {@code CKPT INPUT OUT [--float32]}. */
    public static void main(String[] args) {
        List<String> pos = new ArrayList<>();
        boolean f32 = false;
        for (String s : args) {
            if (s.equals("--float32")) f32 = true;
            else if (s.startsWith("--")) usage("unknown option " + s);
            else pos.add(s);
        }
        if (pos.size() != 3) usage("expected CKPT INPUT OUT, got " + pos.size() + " argument(s)");
        Path ckpt = Path.of(pos.get(0)), input = Path.of(pos.get(1)), out = Path.of(pos.get(2));
        for (Path f : List.of(ckpt, input)) {
            if (!Files.isRegularFile(f)) usage(f + ": no such file");
        }
        try (Backend be = new CpuBackend()) {
            Result r = run(be, ckpt, input, out, !f32);
            System.out.printf(Locale.ROOT, "%s on %s (%d steps × %d inputs, %s): %d hidden spikes → %s, %s%n", ckpt.getFileName(),
                    input.getFileName(), r.steps(), r.inputs(), r.float16() ? "float16 as released" : "float32", r.spikeCount(),
                    r.pred(), r.spikes());
        } catch (DataException e) {
            System.err.println("rsnn-forward: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void usage(String why) {
        System.err.println("rsnn-forward: " + why);
        System.err.println("usage: make rsnn-forward CKPT=file.pth INPUT=spikes.npy OUT=dir [PRECISION=float32]");
        System.err.println("  CKPT   a released tinyRSNN state dict (data/reference/rsnn-released/models/<session>/tinyRSNN-<seed>.pth)");
        System.err.println("  INPUT  .npy [T, inputs] spike counts (96 inputs Indy, 192 Loco)");
        System.err.println("  OUT    folder for pred.npy [T, 2] and spikes.npy [T, hidden] (float32)");
        System.exit(2);
    }
}
