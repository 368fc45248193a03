// SpikeKit cuda backend: counter-based random numbers, bit for bit the CounterRng definition:
// h = mix64(seed * 0x9E3779B97F4A7C15 + index) with the SplitMix64 finaliser (64-bit unsigned
// arithmetic wraps exactly like Java's long), uniform = (h >> 40) * 2^-24, normal = Box–Muller
// (cosine branch) in double on the uniforms of counters 2i and 2i+1. Compiled with --fmad=false.

#define GOLDEN 0x9E3779B97F4A7C15ULL
#define TWO_POW_M24 5.9604644775390625e-8  /* 2^-24, exact */
#define TWO_PI 6.283185307179586           /* 2.0 * Math.PI, exact */

__device__ __forceinline__ unsigned long long mix64(unsigned long long z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

__device__ __forceinline__ unsigned long long rng_bits(unsigned long long seed, unsigned long long index) {
    return mix64(seed * GOLDEN + index);
}

__device__ __forceinline__ float rng_uniform(unsigned long long seed, unsigned long long index) {
    return (float) (rng_bits(seed, index) >> 40) * (float) TWO_POW_M24;
}

#define GRID_STRIDE(i, n) \
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
         i += (long long) gridDim.x * blockDim.x)

// out[i] = lo + (hi - lo) * uniform(seed, i)
extern "C" __global__ void rand_uniform_f32(float* out, long long n, unsigned long long seed, float lo, float hi) {
    float range = hi - lo;
    GRID_STRIDE(i, n) out[i] = lo + range * rng_uniform(seed, (unsigned long long) i);
}

// out[i] = mean + std * normal(seed, i)
extern "C" __global__ void rand_normal_f32(float* out, long long n, unsigned long long seed, float mean, float std) {
    GRID_STRIDE(i, n) {
        unsigned long long k = 2ULL * (unsigned long long) i;
        double u1 = (double) ((rng_bits(seed, k) >> 40) + 1ULL) * TWO_POW_M24;  // (0, 1]
        double u2 = (double) (rng_bits(seed, k + 1ULL) >> 40) * TWO_POW_M24;    // [0, 1)
        float z = (float) (sqrt(-2.0 * log(u1)) * cos(TWO_PI * u2));
        out[i] = mean + std * z;
    }
}

// out[i] = uniform(seed, i) < p ? 1 : 0
extern "C" __global__ void rand_bernoulli_f32(float* out, long long n, unsigned long long seed, float p) {
    GRID_STRIDE(i, n) out[i] = rng_uniform(seed, (unsigned long long) i) < p ? 1.0f : 0.0f;
}
