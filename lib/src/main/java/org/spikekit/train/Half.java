package org.spikekit.train;

import java.nio.file.Path;
import java.util.Map;
import org.spikekit.core.Float16;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;

/**
 * Half-precision export, stage 4 of the tinyRSNN recipe (notebooks/papers/rsnn.md §5: the whole model is cast to
 * float16). Rounding is IEEE binary16 round-to-nearest-even ({@link Float#floatToFloat16}); values
 * below the smallest subnormal (≈ 6e-8) become ±0, values beyond ±65504 are refused.
 *
 * <p>{@link #roundParameters} makes every parameter exactly fp16-representable (in the float32
 * tensors the model computes with); {@link #write} stores them as 2 bytes per value
 * ({@link Checkpoint.Precision#FP16}) and {@link #read} gives the same float values back. What the
 * rounded model then computes in float32 is "fp16 weights, fp32 state"; to also round inputs, states
 * and outputs to float16 after every operation as a float16 PyTorch model does, evaluate an
 * {@link org.spikekit.model.Rsnn} through {@link org.spikekit.model.HalfRsnn} (emulated float16
 * arithmetic in a separate inference loop, so the float32 training path is not slowed).
 *
 * <pre>{@code
 * Half.Report r = Half.roundParameters(model);        // in place
 * Half.write(Path.of("tinyRSNN-I1-fp16.ckpt"), model);  // 2 bytes per parameter + small header
 * double r2 = Trainer.evaluate(new HalfRsnn(model, true), test, 1);   // evaluated in float16
 * }</pre>
 */
public final class Half {
    private Half() {}

    /** {@code x} rounded to the nearest float16 value (ties to even), as a float ({@link Float16#round(float)}). */
    public static float round(float x) { return Float16.round(x); }

    /** {@code x} rounded once to the nearest float16 value (ties to even), as a float ({@link Float16#round(double)}). */
    public static float round(double x) { return Float16.round(x); }

    /** True when {@code x} is a float16 value ({@link Float16#representable}). */
    public static boolean representable(float x) { return Float16.representable(x); }

    /**
     * What rounding changed.
     *
     * @param values parameter values visited
     * @param changed values that were not fp16-representable
     * @param maxAbsChange largest |x − fp16(x)|
     * @param maxRelChange largest |x − fp16(x)|/|x| over x ≠ 0
     */
    public record Report(long values, long changed, double maxAbsChange, double maxRelChange) {}

    /**
     * Rounds every parameter of {@code model} (trainable or not) to float16 in place. Checks all
     * parameters first, so a value beyond the float16 range leaves the model unchanged.
     *
     * @throws IllegalArgumentException naming the parameter and index of a value with |x| > 65504
     */
    public static Report roundParameters(Module model) {
        for (Parameter p : model.parameters()) {
            float[] v = p.backend().toHost(p.value());
            for (int i = 0; i < v.length; i++) {
                if (Float.isFinite(v[i]) && Float.isInfinite(round(v[i]))) {
                    throw new IllegalArgumentException("Half: parameter '" + p.name() + "' value " + v[i] + " at index " + i
                            + " is beyond the float16 range (|x| <= 65504)");
                }
            }
        }
        long n = 0, changed = 0;
        double maxAbs = 0, maxRel = 0;
        for (Parameter p : model.parameters()) {
            float[] v = p.backend().toHost(p.value());
            for (int i = 0; i < v.length; i++) {
                float r = round(v[i]);
                if (Float.floatToRawIntBits(r) != Float.floatToRawIntBits(v[i])) {
                    changed++;
                    double d = Math.abs((double) r - v[i]);
                    maxAbs = Math.max(maxAbs, d);
                    if (v[i] != 0) maxRel = Math.max(maxRel, d / Math.abs(v[i]));
                }
                v[i] = r;
            }
            n += v.length;
            p.backend().copy(p.backend().fromHost(v, p.shape()), p.value());
        }
        return new Report(n, changed, maxAbs, maxRel);
    }

    /** True when every parameter value of {@code model} is fp16-representable. */
    public static boolean isHalf(Module model) {
        for (Parameter p : model.parameters()) {
            for (float x : p.backend().toHost(p.value())) if (!representable(x)) return false;
        }
        return true;
    }

    /** Bytes of the parameter values in float16: 2 per value (the NeuroBench footprint of a half model). */
    public static long parameterBytes(Module model) { return 2 * model.numel(); }

    /**
     * Writes the parameters as float16 (atomic). The model must already be fp16-representable
     * ({@link #roundParameters}), so that what is stored is exactly what was evaluated.
     *
     * @throws IllegalArgumentException naming the first parameter that is not fp16-representable
     */
    public static Path write(Path file, Module model, Map<String, String> meta) {
        for (Parameter p : model.parameters()) {
            float[] v = p.backend().toHost(p.value());
            for (int i = 0; i < v.length; i++) {
                if (!representable(v[i])) {
                    throw new IllegalArgumentException("Half.write " + file + ": parameter '" + p.name() + "' value " + v[i]
                            + " at index " + i + " is not a float16 value; call Half.roundParameters first");
                }
            }
        }
        return Checkpoint.of(model).withMeta("precision", "float16").withMeta(meta == null ? Map.of() : meta)
                .write(file, Checkpoint.Precision.FP16);
    }

    /** {@link #write(Path, Module, Map)} without extra metadata. */
    public static Path write(Path file, Module model) { return write(file, model, Map.of()); }

    /** Reads a file written by {@link #write}; load into a model with {@link Checkpoint#loadInto}. */
    public static Checkpoint read(Path file) { return Checkpoint.read(file); }
}
