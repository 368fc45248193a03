// SpikeKit cuda backend: elementwise kernels. Compiled at run time by NVRTC with
// --fmad=false so float arithmetic rounds exactly like Java's (no fused multiply-add); the
// transcendental functions are evaluated in double precision and rounded to float, as the
// reference definitions UnaryOp.apply / BinaryOp.apply do.
//
// The "case N: /* NAME */" lines are the op codes: N is the Java enum ordinal and NAME the enum
// constant. CudaSourcesTest holds them to UnaryOp and BinaryOp.

// Java Math.max(float, float): NaN if either is NaN, and +0.0 > -0.0.
__device__ __forceinline__ float java_max(float a, float b) {
    if (a != a) return a;
    if (a == 0.0f && b == 0.0f && __float_as_uint(a) == 0x80000000u) return b;
    return a >= b ? a : b;
}

// Java Math.min(float, float).
__device__ __forceinline__ float java_min(float a, float b) {
    if (a != a) return a;
    if (a == 0.0f && b == 0.0f && __float_as_uint(b) == 0x80000000u) return b;
    return a <= b ? a : b;
}

__device__ __forceinline__ float unary_op(int op, float x) {
    switch (op) {
        case 0: /* IDENTITY */ return x;
        case 1: /* NEG */ return -x;
        case 2: /* ABS */ return fabsf(x);
        case 3: /* SQUARE */ return x * x;
        case 4: /* SQRT */ return (float) sqrt((double) x);
        case 5: /* RECIPROCAL */ return 1.0f / x;
        case 6: /* EXP */ return (float) exp((double) x);
        case 7: /* LOG */ return (float) log((double) x);
        case 8: /* SIGMOID */ return (float) (1.0 / (1.0 + exp(-(double) x)));
        case 9: /* TANH */ return (float) tanh((double) x);
        case 10: /* RELU */ return x > 0.0f ? x : 0.0f;
        case 11: /* SOFTPLUS */ {
            double d = (double) x;
            double pos = (d != d) ? d : (d > 0.0 ? d : 0.0);
            return (float) (pos + log1p(exp(-fabs(d))));
        }
        case 12: /* HEAVISIDE */ return x > 0.0f ? 1.0f : 0.0f;
        default: return __uint_as_float(0x7fc00000u);
    }
}

__device__ __forceinline__ float binary_op(int op, float a, float b) {
    switch (op) {
        case 0: /* ADD */ return a + b;
        case 1: /* SUB */ return a - b;
        case 2: /* MUL */ return a * b;
        case 3: /* DIV */ return a / b;
        case 4: /* MAX */ return java_max(a, b);
        case 5: /* MIN */ return java_min(a, b);
        case 6: /* GREATER */ return a > b ? 1.0f : 0.0f;
        default: return __uint_as_float(0x7fc00000u);
    }
}

#define GRID_STRIDE(i, n) \
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
         i += (long long) gridDim.x * blockDim.x)

// out[i] = op(x[i]); out may alias x.
extern "C" __global__ void map_f32(const float* x, float* out, long long n, int op) {
    GRID_STRIDE(i, n) out[i] = unary_op(op, x[i]);
}

// out[i] = op(a[i], b[i]); out may alias a or b.
extern "C" __global__ void zip_f32(const float* a, const float* b, float* out, long long n, int op) {
    GRID_STRIDE(i, n) out[i] = binary_op(op, a[i], b[i]);
}

// a is [m, cols] row-major (total = m * cols), out[i] = op(a[i], row[i % cols]).
extern "C" __global__ void zip_row_f32(const float* a, const float* row, float* out, long long total, int cols,
                                       int op) {
    GRID_STRIDE(i, total) out[i] = binary_op(op, a[i], row[i % cols]);
}

// y = alpha * x + beta * y
extern "C" __global__ void axpby_f32(float alpha, const float* x, float beta, float* y, long long n) {
    GRID_STRIDE(i, n) y[i] = alpha * x[i] + beta * y[i];
}

// out = scale * x + shift
extern "C" __global__ void affine_f32(const float* x, float scale, float shift, float* out, long long n) {
    GRID_STRIDE(i, n) out[i] = scale * x[i] + shift;
}
