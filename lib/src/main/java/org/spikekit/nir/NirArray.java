package org.spikekit.nir;

import java.util.Arrays;

/**
 * One parameter of a NIR node: values in row-major order and their shape (time and batch are not
 * part of NIR shapes). {@code float32} records how the file stores it (NIR keeps the numpy dtype the
 * exporter had: weights are often float32, neuron parameters float64); values are held as doubles
 * either way, so a float32 parameter round-trips exactly.
 *
 * @param shape   dimensions (empty for a scalar)
 * @param values  {@code prod(shape)} values, row-major
 * @param float32 whether the file stores it as float32 (else float64)
 */
public record NirArray(int[] shape, double[] values, boolean float32) {

    public NirArray {
        if (shape == null || values == null) throw new IllegalArgumentException("NirArray: shape and values must not be null");
        shape = shape.clone();
        values = values.clone();
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("NirArray: negative dimension in " + Arrays.toString(shape));
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("NirArray: shape " + Arrays.toString(shape) + " holds " + n + " values, got " + values.length);
        }
    }

    /** A float64 vector. */
    public static NirArray of(double... values) { return new NirArray(new int[] {values.length}, values, false); }

    /** Float64 values of the given shape. */
    public static NirArray float64(double[] values, int... shape) { return new NirArray(shape, values, false); }

    /** Float32 values of the given shape (stored as float32, held exactly). */
    public static NirArray float32(float[] values, int... shape) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) d[i] = values[i];
        return new NirArray(shape, d, true);
    }

    /** A float64 array of the given shape filled with one value. */
    public static NirArray filled(double value, int... shape) {
        long n = 1;
        for (int d : shape) n *= d;
        double[] v = new double[Math.toIntExact(n)];
        Arrays.fill(v, value);
        return new NirArray(shape, v, false);
    }

    @Override public int[] shape() { return shape.clone(); }

    @Override public double[] values() { return values.clone(); }

    public int numel() { return values.length; }

    public int rank() { return shape.length; }

    public int dim(int i) { return shape[i]; }

    public double get(int i) { return values[i]; }

    /** The values as floats (exact for a float32 parameter). */
    public float[] toFloats() {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
        return f;
    }

    /** True when every value equals {@code v}. */
    public boolean all(double v) {
        for (double x : values) if (x != v) return false;
        return true;
    }

    /**
     * This array with the given shape: itself when the shape matches, every element set to the single
     * value when it has one (NIR broadcasts a scalar {@code w_in}), else an error naming {@code what}.
     */
    public NirArray broadcastTo(int[] target, String what) {
        if (Arrays.equals(shape, target)) return this;
        long n = 1;
        for (int d : target) n *= d;
        if (values.length == 1) {
            double[] v = new double[Math.toIntExact(n)];
            Arrays.fill(v, values[0]);
            return new NirArray(target, v, float32);
        }
        throw new IllegalArgumentException(what + " has shape " + Arrays.toString(shape) + ", expected " + Arrays.toString(target)
                + " (the shape of the node's other parameters)");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NirArray a && float32 == a.float32 && Arrays.equals(shape, a.shape) && Arrays.equals(values, a.values);
    }

    @Override
    public int hashCode() { return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values) + (float32 ? 1 : 0); }

    @Override
    public String toString() {
        return (float32 ? "float32" : "float64") + Arrays.toString(shape)
                + (values.length <= 4 ? Arrays.toString(values) : "[" + values[0] + ", ..]");
    }
}
