package org.spikekit.compute;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The backend primitives on ND4J INDArrays: {@code nd4j-native} (OpenBLAS) by default, or
 * {@code nd4j-cuda} with the Maven profile {@code nd4j-cuda}. Each tensor's storage is one flat
 * float32 'c'-order INDArray ({@link Nd4jStorage}); a {@link Tensor} view is an INDArray view of it
 * (interval at the tensor's offset, reshaped), so no operation copies its inputs.
 *
 * <p>Semantics are those of {@link Backend}, held by the same conformance suite as cpu. Where ND4J
 * differs from the contract the backend adapts: reductions are taken in double precision,
 * random numbers are drawn on the host from {@link CounterRng} and copied in (so draws equal cpu's
 * bit for bit), and softplus is composed as {@code relu(x) + log(1 + exp(-|x|))}. Obtain it with
 * {@code Backends.get("nd4j")}; {@link Nd4jInterop} converts to and from users' INDArrays.
 */
public final class Nd4jBackend implements Backend {
    static { Nd4jProvider.readClassPath(); }

    Nd4jBackend() {
        Nd4j.getBackend();  // loads the native backend now, so failures surface at creation
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    @Override public String name() { return "nd4j"; }

    @Override
    public String deviceName() {
        return "ND4J " + Nd4j.getBackend().getClass().getSimpleName() + " on " + System.getProperty("os.arch")
                + " (" + Runtime.getRuntime().availableProcessors() + " processors)";
    }

    @Override
    public boolean has(Capability c) {
        return c == Capability.ND4J
                || (c == Capability.CUDA && Nd4j.getBackend().getClass().getName().contains("jcublas"));
    }

    // ---- views --------------------------------------------------------------------------------

    static INDArray flat(String op, Tensor t) {
        if (!(t.backend() instanceof Nd4jBackend) || !(t.storage() instanceof Nd4jStorage s)) {
            throw new IllegalArgumentException(op + ": tensor " + t + " belongs to backend '" + t.backend().name()
                    + "', not nd4j; copy it with toHost/fromHost or Nd4jInterop");
        }
        return s.flat();
    }

    /** The tensor as an INDArray view of the given shape (default: the tensor's shape); null when empty. */
    static INDArray view(String op, Tensor t, long... shape) {
        INDArray f = flat(op, t);
        long n = t.size();
        if (n == 0) return null;
        long[] s = shape.length > 0 ? shape : Arrays.stream(t.shape()).asLongStream().toArray();
        INDArray v = (t.offset() == 0 && n == f.length()) ? f : f.get(NDArrayIndex.interval(t.offset(), t.offset() + n));
        return s.length == 1 && s[0] == n ? v : v.reshape('c', s);
    }

    /** The tensor as a 1-D view {@code [size]}. */
    static INDArray vec(String op, Tensor t) {
        return view(op, t, t.size());
    }

    // ---- memory -------------------------------------------------------------------------------

    @Override
    public Tensor zeros(int... shape) {
        long n = Tensor.sizeOf(shape);
        return Tensor.of(this, new Nd4jStorage(Nd4j.create(DataType.FLOAT, Math.max(n, 1))), 0, shape);
    }

    @Override
    public Tensor fromHost(float[] data, int... shape) {
        long n = Tensor.sizeOf(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("fromHost: " + data.length + " values do not fill shape " + Arrays.toString(shape));
        }
        INDArray f = data.length == 0 ? Nd4j.create(DataType.FLOAT, 1) : Nd4j.createFromArray(data.clone());
        return Tensor.of(this, new Nd4jStorage(f), 0, shape);
    }

    /** Wraps a copy of {@code arr} (any type and order) as a tensor of this backend. */
    Tensor copyOf(INDArray arr) {
        int[] shape = Arrays.stream(arr.shape()).mapToInt(Math::toIntExact).toArray();
        if (arr.length() == 0) return zeros(shape);
        INDArray f = arr.castTo(DataType.FLOAT).dup('c').reshape('c', new long[] {arr.length()});
        return Tensor.of(this, new Nd4jStorage(f), 0, shape);
    }

    @Override
    public void toHost(Tensor src, float[] dst, int dstOffset) {
        INDArray f = flat("toHost", src);
        int n = src.sizeInt();
        if (n == 0) return;
        float[] got = f.data().getFloatsAt(src.offset(), n);
        System.arraycopy(got, 0, dst, dstOffset, n);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        flat("copy", src); flat("copy", dst); Shapes.sameSize("copy", src, dst);
        if (src.size() == 0) return;
        vec("copy", dst).assign(vec("copy", src));
    }

    @Override
    public void fill(Tensor t, float value) {
        INDArray v = vec("fill", t);
        if (v != null) v.assign(value);
    }

    // ---- gemm ---------------------------------------------------------------------------------

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        flat("gemm", a); flat("gemm", b); flat("gemm", c);
        Shapes.GemmDims d = Shapes.gemm(transA, transB, a, b, c);
        int m = d.m(), n = d.n(), k = d.k();
        if (m == 0 || n == 0) return;
        INDArray cv = view("gemm", c, m, n);
        if (beta == 0f) cv.assign(0f);  // BLAS may compute 0 * NaN; the contract ignores old C
        if (k == 0 || alpha == 0f) {
            if (beta != 0f && beta != 1f) cv.muli(beta);
            return;
        }
        INDArray av = view("gemm", a, a.rows(), a.cols());
        INDArray bv = view("gemm", b, b.rows(), b.cols());
        Nd4j.gemm(av, bv, cv, transA, transB, alpha, beta);
    }

    // ---- elementwise --------------------------------------------------------------------------

    @Override
    public void map(UnaryOp op, Tensor x, Tensor out) {
        String name = "map " + op;
        flat(name, x); flat(name, out); Shapes.sameSize(name, x, out);
        if (x.size() == 0) return;
        INDArray xv = vec(name, x), o = vec(name, out);
        switch (op) {
            case IDENTITY -> o.assign(xv);
            case NEG -> o.assign(xv).negi();
            case ABS -> Transforms.abs(o.assign(xv), false);
            case SQUARE -> o.assign(xv.mul(xv));
            case SQRT -> Transforms.sqrt(o.assign(xv), false);
            case RECIPROCAL -> o.assign(xv).rdivi(1f);
            case EXP -> Transforms.exp(o.assign(xv), false);
            case LOG -> Transforms.log(o.assign(xv), false);
            case SIGMOID -> Transforms.sigmoid(o.assign(xv), false);
            case TANH -> Transforms.tanh(o.assign(xv), false);
            case RELU -> Transforms.relu(o.assign(xv), false);
            case SOFTPLUS -> {
                INDArray tail = Transforms.log1p(Transforms.exp(Transforms.abs(xv, true).negi(), false), false);
                o.assign(Transforms.relu(xv, true).addi(tail));
            }
            case HEAVISIDE -> o.assign(xv.gt(0f).castTo(DataType.FLOAT));
        }
    }

    @Override
    public void zip(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        String name = "zip " + op;
        flat(name, a); flat(name, b); flat(name, out); Shapes.sameSize(name, a, b); Shapes.sameSize(name, a, out);
        if (a.size() == 0) return;
        zipViews(op, vec(name, a), vec(name, b), vec(name, out));
    }

    /** {@code o = op(a, b)} on equal-shape views; o may alias a or b. */
    private static void zipViews(BinaryOp op, INDArray a, INDArray b, INDArray o) {
        switch (op) {
            case ADD -> o.assign(a.add(b));
            case SUB -> o.assign(a.sub(b));
            case MUL -> o.assign(a.mul(b));
            case DIV -> o.assign(a.div(b));
            case MAX -> o.assign(Transforms.max(a, b, true));
            case MIN -> o.assign(Transforms.min(a, b, true));
            case GREATER -> o.assign(a.gt(b).castTo(DataType.FLOAT));
        }
    }

    @Override
    public void zipRow(BinaryOp op, Tensor a, Tensor row, Tensor out) {
        String name = "zipRow " + op;
        flat(name, a); flat(name, row); flat(name, out); Shapes.sameSize(name, a, out);
        int m = a.rows(), n = a.cols();
        if (row.size() != n) {
            throw new IllegalArgumentException(name + ": row " + Arrays.toString(row.shape()) + " has " + row.size()
                    + " elements, but a " + Arrays.toString(a.shape()) + " has " + n + " columns");
        }
        if (a.size() == 0) return;
        INDArray av = view(name, a, m, n), rv = view(name, row, 1, n), o = view(name, out, m, n);
        INDArray r;
        switch (op) {
            case ADD -> r = av.addRowVector(rv);
            case SUB -> r = av.subRowVector(rv);
            case MUL -> r = av.mulRowVector(rv);
            case DIV -> r = av.divRowVector(rv);
            default -> {
                INDArray full = rv.broadcast(m, n);
                zipViews(op, av, full, o);
                return;
            }
        }
        o.assign(r);
    }

    @Override
    public void axpby(float alpha, Tensor x, float beta, Tensor y) {
        flat("axpby", x); flat("axpby", y); Shapes.sameSize("axpby", x, y);
        if (x.size() == 0) return;
        INDArray xv = vec("axpby", x), yv = vec("axpby", y);
        INDArray ax = xv.mul(alpha);
        if (beta == 0f) yv.assign(ax);
        else yv.muli(beta).addi(ax);
    }

    @Override
    public void affine(Tensor x, float scale, float shift, Tensor out) {
        flat("affine", x); flat("affine", out); Shapes.sameSize("affine", x, out);
        if (x.size() == 0) return;
        vec("affine", out).assign(vec("affine", x).mul(scale).addi(shift));
    }

    // ---- reductions ---------------------------------------------------------------------------

    @Override
    public void sumRows(Tensor a, float beta, Tensor out) {
        flat("sumRows", a); flat("sumRows", out);
        int m = a.rows(), n = a.cols();
        if (out.size() != n) {
            throw new IllegalArgumentException("sumRows: out " + Arrays.toString(out.shape()) + " has " + out.size()
                    + " elements, expected " + n + " (columns of " + Arrays.toString(a.shape()) + ")");
        }
        reduceInto(m == 0 ? null : view("sumRows", a, m, n), 0, beta, out, "sumRows");
    }

    @Override
    public void sumCols(Tensor a, float beta, Tensor out) {
        flat("sumCols", a); flat("sumCols", out);
        int m = a.rows(), n = a.cols();
        if (out.size() != m) {
            throw new IllegalArgumentException("sumCols: out " + Arrays.toString(out.shape()) + " has " + out.size()
                    + " elements, expected " + m + " (rows of " + Arrays.toString(a.shape()) + ")");
        }
        reduceInto(n == 0 ? null : view("sumCols", a, m, n), 1, beta, out, "sumCols");
    }

    /** out = beta*out + sum of a2 along {@code dim}, in double precision. */
    private static void reduceInto(INDArray a2, int dim, float beta, Tensor out, String op) {
        if (out.size() == 0) return;
        INDArray ov = vec(op, out);
        INDArray s = a2 == null ? Nd4j.zeros(DataType.DOUBLE, out.size()) : a2.castTo(DataType.DOUBLE).sum(dim).reshape(out.size());
        if (beta != 0f) s.addi(ov.castTo(DataType.DOUBLE).muli(beta));
        ov.assign(s.castTo(DataType.FLOAT));
    }

    @Override
    public double sum(Tensor a) {
        INDArray v = vec("sum", a);
        return v == null ? 0 : v.castTo(DataType.DOUBLE).sumNumber().doubleValue();
    }

    @Override
    public double dot(Tensor a, Tensor b) {
        flat("dot", a); flat("dot", b); Shapes.sameSize("dot", a, b);
        if (a.size() == 0) return 0;
        return vec("dot", a).castTo(DataType.DOUBLE).muli(vec("dot", b).castTo(DataType.DOUBLE)).sumNumber().doubleValue();
    }

    /**
     * {@inheritDoc} Taken as "the double-precision sum is finite": a sum of floats cannot overflow
     * a double, so it is finite exactly when every element is.
     */
    @Override
    public boolean allFinite(Tensor a) {
        return Double.isFinite(sum(a));
    }

    // ---- random -------------------------------------------------------------------------------

    private void fromHostInto(String op, Tensor t, float[] host) {
        INDArray v = vec(op, t);
        if (v != null) v.assign(Nd4j.createFromArray(host));
    }

    @Override
    public void randUniform(Tensor t, long seed, float lo, float hi) {
        flat("randUniform", t);
        float[] h = new float[t.sizeInt()];
        float range = hi - lo;
        for (int i = 0; i < h.length; i++) h[i] = lo + range * CounterRng.uniform(seed, i);
        fromHostInto("randUniform", t, h);
    }

    @Override
    public void randNormal(Tensor t, long seed, float mean, float std) {
        flat("randNormal", t);
        float[] h = new float[t.sizeInt()];
        for (int i = 0; i < h.length; i++) h[i] = mean + std * CounterRng.normal(seed, i);
        fromHostInto("randNormal", t, h);
    }

    @Override
    public void randBernoulli(Tensor t, long seed, float p) {
        flat("randBernoulli", t);
        float[] h = new float[t.sizeInt()];
        for (int i = 0; i < h.length; i++) h[i] = CounterRng.uniform(seed, i) < p ? 1f : 0f;
        fromHostInto("randBernoulli", t, h);
    }

    // ---- optimizers ---------------------------------------------------------------------------

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, AdamConfig cfg, int step) {
        flat("adam", param); flat("adam", grad); flat("adam", m); flat("adam", v);
        Shapes.sameSize("adam grad", param, grad); Shapes.sameSize("adam m", param, m); Shapes.sameSize("adam v", param, v);
        if (step < 1) throw new IllegalArgumentException("adam: step counts from 1, got " + step);
        if (param.size() == 0) return;
        INDArray p = vec("adam", param), g = vec("adam", grad), mv = vec("adam", m), vv = vec("adam", v);
        float b1 = cfg.beta1(), b2 = cfg.beta2(), lr = cfg.lr();
        float c1 = (float) (1 - Math.pow(b1, step)), c2 = (float) (1 - Math.pow(b2, step));
        mv.muli(b1).addi(g.mul(1 - b1));
        vv.muli(b2).addi(g.mul(g).muli(1 - b2));
        if (cfg.weightDecay() > 0) p.muli(1 - lr * cfg.weightDecay());
        INDArray denom = Transforms.sqrt(vv.div(c2), false).addi(cfg.eps());
        p.subi(mv.div(c1).muli(lr).divi(denom));
    }

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        flat("sgd", param); flat("sgd", grad); flat("sgd", velocity);
        Shapes.sameSize("sgd grad", param, grad); Shapes.sameSize("sgd velocity", param, velocity);
        if (param.size() == 0) return;
        INDArray w = vec("sgd", velocity);
        w.muli(momentum).addi(vec("sgd", grad));
        vec("sgd", param).subi(w.mul(lr));
    }
}
