package org.spikekit.compute;

import java.util.Arrays;

/**
 * A dense float32 array with a shape, whose storage is owned by one {@link Backend}.
 *
 * <p>Layout is row-major and contiguous. Sequences are time-major {@code [T, B, N]}, so the slab
 * of one time step, {@link #slice0(int)}, is one contiguous {@code [B, N]} block (coalesced on a
 * GPU). Views ({@link #reshape}, {@link #slice0}, {@link #narrow0}) share storage with the parent
 * and never copy. Host and device copies are explicit: {@link Backend#fromHost},
 * {@link Backend#toHost}; nothing in a training loop moves data implicitly.
 *
 * <pre>{@code
 * Backend be = Backends.get("cpu");
 * Tensor x = be.zeros(100, 32, 96);           // [T, B, N]
 * Tensor x5 = x.slice0(5);                    // [32, 96], the 6th time step
 * float[] host = be.toHost(x5);
 * }</pre>
 */
public final class Tensor {
    private final Backend backend;
    private final Storage storage;
    private final long offset;
    private final int[] shape;
    private final long size;

    Tensor(Backend backend, Storage storage, long offset, int[] shape) {
        this.backend = backend;
        this.storage = storage;
        this.offset = offset;
        this.shape = shape.clone();
        this.size = sizeOf(this.shape);
        if (offset < 0 || offset + size > storage.length()) {
            throw new IllegalArgumentException("view [" + offset + ", " + (offset + size)
                    + ") lies outside storage of length " + storage.length());
        }
    }

    /** Creates a tensor over backend storage; used by backend implementations. */
    public static Tensor of(Backend backend, Storage storage, long offset, int... shape) {
        return new Tensor(backend, storage, offset, shape);
    }

    static long sizeOf(int[] shape) {
        long s = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            s = Math.multiplyExact(s, d);
        }
        return s;
    }

    public Backend backend() { return backend; }

    /** Backend-specific storage handle (a {@code float[]} wrapper on cpu, a device pointer on cuda). */
    public Storage storage() { return storage; }

    /** Element offset of this view into its storage. */
    public long offset() { return offset; }

    public int[] shape() { return shape.clone(); }

    public int rank() { return shape.length; }

    public int dim(int i) { return shape[i < 0 ? shape.length + i : i]; }

    /** Number of elements. */
    public long size() { return size; }

    /** Element count as an int, for host-array sized tensors; throws if it does not fit. */
    public int sizeInt() { return Math.toIntExact(size); }

    /** Same storage, new shape with the same element count; one dimension may be -1. */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("only one -1 allowed in " + Arrays.toString(newShape));
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || size % known != 0) throw shapeError("reshape", newShape);
            s[infer] = Math.toIntExact(size / known);
        }
        if (sizeOf(s) != size) throw shapeError("reshape", newShape);
        return new Tensor(backend, storage, offset, s);
    }

    /** The i-th slab along the first dimension: {@code [d0, d1, ...] -> [d1, ...]}. */
    public Tensor slice0(int i) {
        if (shape.length == 0) throw new IllegalStateException("cannot slice a scalar");
        if (i < 0 || i >= shape[0]) {
            throw new IndexOutOfBoundsException("index " + i + " out of dimension 0 of size " + shape[0]);
        }
        int[] s = Arrays.copyOfRange(shape, 1, shape.length);
        return new Tensor(backend, storage, offset + i * sizeOf(s), s);
    }

    /** Rows [start, start+len) along the first dimension. */
    public Tensor narrow0(int start, int len) {
        if (shape.length == 0) throw new IllegalStateException("cannot narrow a scalar");
        if (start < 0 || len < 0 || start + len > shape[0]) {
            throw new IndexOutOfBoundsException("range [" + start + ", " + (start + len)
                    + ") out of dimension 0 of size " + shape[0]);
        }
        int[] s = shape.clone();
        s[0] = len;
        long inner = shape[0] == 0 ? 0 : size / shape[0];
        return new Tensor(backend, storage, offset + start * inner, s);
    }

    /** Shape as rows x columns: all leading dimensions folded into rows. */
    public int rows() {
        long r = 1;
        for (int i = 0; i < shape.length - 1; i++) r *= shape[i];
        return Math.toIntExact(r);
    }

    public int cols() {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    public boolean sameShape(Tensor o) { return Arrays.equals(shape, o.shape); }

    /** Throws an {@link IllegalArgumentException} naming {@code what} unless shapes match. */
    public Tensor requireShape(String what, int... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw new IllegalArgumentException(what + ": expected shape " + Arrays.toString(expected)
                    + " but got " + Arrays.toString(shape));
        }
        return this;
    }

    private IllegalArgumentException shapeError(String op, int[] newShape) {
        return new IllegalArgumentException(op + ": cannot view shape " + Arrays.toString(shape)
                + " (" + size + " elements) as " + Arrays.toString(newShape));
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + "@" + backend.name();
    }
}
