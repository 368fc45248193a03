// SpikeKit cuda backend: fused optimizer steps, the same float operations in the same order as
// CpuBackend.adamStep / sgdStep (compiled with --fmad=false so they round identically).
// The bias corrections c1 = 1 - beta1^step and c2 = 1 - beta2^step are computed on the host.

#define GRID_STRIDE(i, n) \
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
         i += (long long) gridDim.x * blockDim.x)

extern "C" __global__ void adam_f32(float* param, const float* grad, float* m, float* v, long long n,
                                    float lr, float beta1, float beta2, float eps, float wd, float c1, float c2) {
    GRID_STRIDE(i, n) {
        float g = grad[i];
        float mi = beta1 * m[i] + (1.0f - beta1) * g;
        float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        float p = param[i];
        if (wd > 0.0f) p -= lr * wd * p;
        param[i] = p - lr * (mi / c1) / ((float) sqrt((double) (vi / c2)) + eps);
    }
}

// vel = momentum * vel + grad; param -= lr * vel
extern "C" __global__ void sgd_f32(float* param, const float* grad, float* vel, long long n, float lr, float momentum) {
    GRID_STRIDE(i, n) {
        float w = momentum * vel[i] + grad[i];
        vel[i] = w;
        param[i] -= lr * w;
    }
}
