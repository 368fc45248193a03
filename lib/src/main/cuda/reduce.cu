// SpikeKit cuda backend: reductions, accumulated in double precision like CpuBackend.
// Sums are two-pass and deterministic: a fixed grid writes one partial per block, one block adds
// the partials in a fixed order.

#define RED_THREADS 256

__device__ __forceinline__ double block_sum(double v, double* sh) {
    sh[threadIdx.x] = v;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if ((int) threadIdx.x < s) sh[threadIdx.x] += sh[threadIdx.x + s];
        __syncthreads();
    }
    return sh[0];
}

// partial[blockIdx.x] = sum over this block's grid-stride elements of a[i] (b == NULL) or
// (double) a[i] * b[i]. Launch with RED_THREADS threads per block.
extern "C" __global__ void sum_partial_f64(const float* a, const float* b, long long n, double* partial) {
    __shared__ double sh[RED_THREADS];
    double s = 0.0;
    long long stride = (long long) gridDim.x * blockDim.x;
    if (b == 0) {
        for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) s += (double) a[i];
    } else {
        for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride)
            s += (double) a[i] * (double) b[i];
    }
    double t = block_sum(s, sh);
    if (threadIdx.x == 0) partial[blockIdx.x] = t;
}

// result[0] = sum of partial[0 .. count). Launch as one block of RED_THREADS threads.
extern "C" __global__ void sum_final_f64(const double* partial, int count, double* result) {
    __shared__ double sh[RED_THREADS];
    double s = 0.0;
    for (int i = threadIdx.x; i < count; i += blockDim.x) s += partial[i];
    double t = block_sum(s, sh);
    if (threadIdx.x == 0) result[0] = t;
}

#define COLS_PER_BLOCK 32
#define ROW_LANES 16

// Column sums of a [m, n]: out[j] = beta*out[j] + sum_i a[i, j] (beta == 0 ignores old out).
// Block (COLS_PER_BLOCK, ROW_LANES); grid.x = ceil(n / COLS_PER_BLOCK).
extern "C" __global__ void sum_rows_f32(const float* a, long long m, int n, float beta, float* out) {
    __shared__ double sh[ROW_LANES][COLS_PER_BLOCK];
    int j = blockIdx.x * COLS_PER_BLOCK + threadIdx.x;
    double s = 0.0;
    if (j < n) {
        for (long long i = threadIdx.y; i < m; i += ROW_LANES) s += (double) a[i * n + j];
    }
    sh[threadIdx.y][threadIdx.x] = s;
    __syncthreads();
    if (threadIdx.y == 0 && j < n) {
        double t = 0.0;
        for (int y = 0; y < ROW_LANES; y++) t += sh[y][threadIdx.x];
        out[j] = beta == 0.0f ? (float) t : (float) (t + (double) (beta * out[j]));
    }
}

// Row sums of a [m, n]: out[i] = beta*out[i] + sum_j a[i, j]. One warp per row;
// blockDim.x a multiple of 32, grid.x = ceil(m / (blockDim.x / 32)).
extern "C" __global__ void sum_cols_f32(const float* a, long long m, int n, float beta, float* out) {
    long long row = (long long) blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;
    int lane = threadIdx.x & 31;
    if (row >= m) return;  // uniform per warp
    const float* r = a + row * n;
    double s = 0.0;
    for (int j = lane; j < n; j += 32) s += (double) r[j];
    for (int o = 16; o > 0; o >>= 1) s += __shfl_down_sync(0xffffffffu, s, o);
    if (lane == 0) out[row] = beta == 0.0f ? (float) s : (float) (s + (double) (beta * out[row]));
}

// *flag must be 1 before the launch; set to 0 when any element is NaN or infinite.
extern "C" __global__ void all_finite_f32(const float* a, long long n, int* flag) {
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long) gridDim.x * blockDim.x) {
        if ((__float_as_uint(a[i]) & 0x7f800000u) == 0x7f800000u) { *flag = 0; return; }
    }
}
