// Host emulation of the CUDA driver, cuBLAS and NVRTC entry points the cuda backend binds, for
// tests on machines without a GPU (CudaEmulatorTest builds it with g++ into one shared library,
// installed under the names libcuda.so.1, libcublas.so.13 and libnvrtc.so.13).
//
// It runs the backend's real kernel sources (src/main/cuda/*.cu, included below) on the CPU:
// blocks one after another, the threads of a block as cooperative fibers (ucontext), so
// __syncthreads and warp shuffles are real barriers. Device memory is host memory. cuBLAS SGEMM is
// a column-major reference that also enforces cuBLAS's argument rules (leading dimensions).
// Written from the documented C signatures; this is a test double, not a CUDA implementation.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>
#include <ucontext.h>

// ---- CUDA C dialect on the host --------------------------------------------------------------
struct dim3 { unsigned x = 1, y = 1, z = 1; };
static dim3 threadIdx, blockIdx, blockDim, gridDim;

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static

using std::sqrt; using std::exp; using std::log; using std::tanh; using std::log1p; using std::fabs; using std::cos;
static inline unsigned __float_as_uint(float f) { unsigned u; std::memcpy(&u, &f, 4); return u; }
static inline float __uint_as_float(unsigned u) { float f; std::memcpy(&f, &u, 4); return f; }

// Fibers: one per thread of the running block.
static std::vector<ucontext_t> fiberCtx;
static std::vector<dim3> fiberIdx;
static std::vector<bool> fiberDone;
static std::vector<std::vector<char>> fiberStack;
static ucontext_t schedulerCtx;
static int current = -1;

static void yield_to_scheduler() { swapcontext(&fiberCtx[current], &schedulerCtx); }

static void __syncthreads() { yield_to_scheduler(); }

static std::vector<double> shuffleSlots;
static double __shfl_down_sync(unsigned, double v, int delta) {
    int me = current, lane = me % 32;
    shuffleSlots[me] = v;
    yield_to_scheduler();  // every live thread has written its value
    double r = lane + delta < 32 && me + delta < (int) shuffleSlots.size() ? shuffleSlots[me + delta] : v;
    yield_to_scheduler();  // every live thread has read before anyone writes again
    return r;
}

#include "elementwise.cu"
#include "reduce.cu"
#include "random.cu"
#include "optim.cu"

// ---- grid execution --------------------------------------------------------------------------
typedef void (*Body)(void** params);
static Body runningBody;
static void** runningParams;

static void fiberMain() {
    runningBody(runningParams);
    fiberDone[current] = true;
    swapcontext(&fiberCtx[current], &schedulerCtx);
}

static void runGrid(Body body, void** params, dim3 grid, dim3 block, bool cooperative) {
    gridDim = grid; blockDim = block;
    int nThreads = block.x * block.y * block.z;
    for (unsigned bz = 0; bz < grid.z; bz++) for (unsigned by = 0; by < grid.y; by++) for (unsigned bx = 0; bx < grid.x; bx++) {
        blockIdx.x = bx; blockIdx.y = by; blockIdx.z = bz;
        if (!cooperative) {  // kernels without barriers: threads one after another
            for (unsigned tz = 0; tz < block.z; tz++) for (unsigned ty = 0; ty < block.y; ty++) for (unsigned tx = 0; tx < block.x; tx++) {
                threadIdx.x = tx; threadIdx.y = ty; threadIdx.z = tz;
                body(params);
            }
            continue;
        }
        fiberCtx.assign(nThreads, ucontext_t());
        fiberIdx.assign(nThreads, dim3());
        fiberDone.assign(nThreads, false);
        shuffleSlots.assign(nThreads, 0.0);
        if ((int) fiberStack.size() < nThreads) fiberStack.resize(nThreads, std::vector<char>(64 * 1024));
        runningBody = body; runningParams = params;
        for (int t = 0; t < nThreads; t++) {
            fiberIdx[t].x = t % block.x; fiberIdx[t].y = (t / block.x) % block.y; fiberIdx[t].z = t / (block.x * block.y);
            getcontext(&fiberCtx[t]);
            fiberCtx[t].uc_stack.ss_sp = fiberStack[t].data();
            fiberCtx[t].uc_stack.ss_size = fiberStack[t].size();
            fiberCtx[t].uc_link = nullptr;
            makecontext(&fiberCtx[t], fiberMain, 0);
        }
        bool live = true;
        while (live) {  // one round: every live thread runs to its next barrier
            live = false;
            for (int t = 0; t < nThreads; t++) {
                if (fiberDone[t]) continue;
                current = t; threadIdx = fiberIdx[t];
                swapcontext(&schedulerCtx, &fiberCtx[t]);
                if (!fiberDone[t]) live = true;
            }
        }
        current = -1;
    }
}

#define P(i, T) (*(T*) params[i])
static void k_map(void** params) { map_f32(P(0, const float*), P(1, float*), P(2, long long), P(3, int)); }
static void k_zip(void** params) { zip_f32(P(0, const float*), P(1, const float*), P(2, float*), P(3, long long), P(4, int)); }
static void k_zip_row(void** params) { zip_row_f32(P(0, const float*), P(1, const float*), P(2, float*), P(3, long long), P(4, int), P(5, int)); }
static void k_axpby(void** params) { axpby_f32(P(0, float), P(1, const float*), P(2, float), P(3, float*), P(4, long long)); }
static void k_affine(void** params) { affine_f32(P(0, const float*), P(1, float), P(2, float), P(3, float*), P(4, long long)); }
static void k_sum_partial(void** params) { sum_partial_f64(P(0, const float*), P(1, const float*), P(2, long long), P(3, double*)); }
static void k_sum_final(void** params) { sum_final_f64(P(0, const double*), P(1, int), P(2, double*)); }
static void k_sum_rows(void** params) { sum_rows_f32(P(0, const float*), P(1, long long), P(2, int), P(3, float), P(4, float*)); }
static void k_sum_cols(void** params) { sum_cols_f32(P(0, const float*), P(1, long long), P(2, int), P(3, float), P(4, float*)); }
static void k_all_finite(void** params) { all_finite_f32(P(0, const float*), P(1, long long), P(2, int*)); }
static void k_uniform(void** params) { rand_uniform_f32(P(0, float*), P(1, long long), P(2, unsigned long long), P(3, float), P(4, float)); }
static void k_normal(void** params) { rand_normal_f32(P(0, float*), P(1, long long), P(2, unsigned long long), P(3, float), P(4, float)); }
static void k_bernoulli(void** params) { rand_bernoulli_f32(P(0, float*), P(1, long long), P(2, unsigned long long), P(3, float)); }
static void k_adam(void** params) {
    adam_f32(P(0, float*), P(1, const float*), P(2, float*), P(3, float*), P(4, long long), P(5, float), P(6, float),
             P(7, float), P(8, float), P(9, float), P(10, float), P(11, float));
}
static void k_sgd(void** params) { sgd_f32(P(0, float*), P(1, const float*), P(2, float*), P(3, long long), P(4, float), P(5, float)); }

struct Kernel { const char* name; Body body; bool cooperative; };
static Kernel KERNELS[] = {
    {"map_f32", k_map, false}, {"zip_f32", k_zip, false}, {"zip_row_f32", k_zip_row, false},
    {"axpby_f32", k_axpby, false}, {"affine_f32", k_affine, false},
    {"sum_partial_f64", k_sum_partial, true}, {"sum_final_f64", k_sum_final, true},
    {"sum_rows_f32", k_sum_rows, true}, {"sum_cols_f32", k_sum_cols, true}, {"all_finite_f32", k_all_finite, false},
    {"rand_uniform_f32", k_uniform, false}, {"rand_normal_f32", k_normal, false}, {"rand_bernoulli_f32", k_bernoulli, false},
    {"adam_f32", k_adam, false}, {"sgd_f32", k_sgd, false},
};

// ---- driver API ------------------------------------------------------------------------------
typedef int CUresult;
static std::map<unsigned long long, size_t> allocations;
static bool initialised = false;
static int ctxRefs = 0;
static char contextToken, streamToken, moduleToken, handleToken;

extern "C" {
CUresult cuInit(unsigned flags) { if (flags != 0) return 1; initialised = true; return 0; }
CUresult cuDriverGetVersion(int* v) { *v = 13000; return 0; }
CUresult cuDeviceGetCount(int* n) { if (!initialised) return 3; *n = 1; return 0; }
CUresult cuDeviceGet(int* d, int ordinal) { if (ordinal != 0) return 101; *d = 0; return 0; }
CUresult cuDeviceGetName(char* name, int len, int dev) { if (dev != 0) return 101; std::snprintf(name, len, "SpikeKit host emulator"); return 0; }
CUresult cuDeviceGetAttribute(int* v, int attr, int dev) {
    if (dev != 0) return 101;
    switch (attr) { case 75: *v = 9; return 0; case 76: *v = 0; return 0; case 16: *v = 2; return 0; default: return 1; }
}
CUresult cuDeviceTotalMem_v2(size_t* bytes, int dev) { *bytes = (size_t) 1 << 30; return dev == 0 ? 0 : 101; }
CUresult cuDevicePrimaryCtxRetain(void** ctx, int dev) { *ctx = &contextToken; ctxRefs++; return dev == 0 ? 0 : 101; }
CUresult cuDevicePrimaryCtxRelease_v2(int dev) { ctxRefs--; return dev == 0 ? 0 : 101; }
CUresult cuCtxSetCurrent(void* ctx) { return ctx == &contextToken ? 0 : 201; }
CUresult cuCtxSynchronize() { return 0; }
CUresult cuStreamCreate(void** s, unsigned flags) { *s = &streamToken; return flags == 0 ? 0 : 1; }
CUresult cuStreamSynchronize(void* s) { return s == &streamToken ? 0 : 400; }
CUresult cuStreamDestroy_v2(void* s) { return s == &streamToken ? 0 : 400; }
CUresult cuMemAlloc_v2(unsigned long long* p, size_t bytes) {
    if (bytes == 0) return 1;
    if (bytes > ((size_t) 1 << 32)) return 2;  // CUDA_ERROR_OUT_OF_MEMORY
    void* m = std::malloc(bytes);
    std::memset(m, 0xA5, bytes);  // device memory is not zeroed
    *p = (unsigned long long) m;
    allocations[*p] = bytes;
    return 0;
}
CUresult cuMemFree_v2(unsigned long long p) {
    auto it = allocations.find(p);
    if (it == allocations.end()) return 1;
    std::free((void*) p);
    allocations.erase(it);
    return 0;
}
static bool inside(unsigned long long p, size_t bytes) {
    auto it = allocations.upper_bound(p);
    if (it == allocations.begin()) return false;
    --it;
    return p >= it->first && p + bytes <= it->first + it->second;
}
CUresult cuMemcpyHtoDAsync_v2(unsigned long long dst, const void* src, size_t n, void* s) {
    if (!inside(dst, n) || s != &streamToken) return 1;
    std::memcpy((void*) dst, src, n);
    return 0;
}
CUresult cuMemcpyDtoHAsync_v2(void* dst, unsigned long long src, size_t n, void* s) {
    if (!inside(src, n) || s != &streamToken) return 1;
    std::memcpy(dst, (void*) src, n);
    return 0;
}
CUresult cuMemcpyDtoDAsync_v2(unsigned long long dst, unsigned long long src, size_t n, void* s) {
    if (!inside(dst, n) || !inside(src, n) || s != &streamToken) return 1;
    if (dst < src + n && src < dst + n) return 1;  // overlapping copies are undefined in CUDA: refuse
    std::memcpy((void*) dst, (void*) src, n);
    return 0;
}
CUresult cuMemsetD32Async(unsigned long long dst, unsigned v, size_t n, void* s) {
    if (!inside(dst, 4 * n) || s != &streamToken) return 1;
    for (size_t i = 0; i < n; i++) std::memcpy((char*) dst + 4 * i, &v, 4);
    return 0;
}
CUresult cuModuleLoadData(void** m, const void* image) {
    if (std::strstr((const char*) image, ".entry") == nullptr) return 218;  // CUDA_ERROR_INVALID_PTX
    *m = &moduleToken; return 0;
}
CUresult cuModuleGetFunction(void** f, void* m, const char* name) {
    if (m != &moduleToken) return 400;
    for (Kernel& k : KERNELS) if (std::strcmp(k.name, name) == 0) { *f = &k; return 0; }
    return 500;  // CUDA_ERROR_NOT_FOUND
}
CUresult cuModuleUnload(void* m) { return m == &moduleToken ? 0 : 400; }
CUresult cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shared, void* s, void** params, void** extra) {
    if (s != &streamToken || extra != nullptr || shared != 0) return 1;
    if (gx == 0 || gy == 0 || gz == 0 || bx * by * bz == 0 || bx * by * bz > 1024) return 1;
    Kernel* k = (Kernel*) f;
    dim3 g; g.x = gx; g.y = gy; g.z = gz;
    dim3 b; b.x = bx; b.y = by; b.z = bz;
    runGrid(k->body, params, g, b, k->cooperative);
    return 0;
}
CUresult cuGetErrorName(CUresult e, const char** s) {
    switch (e) { case 1: *s = "CUDA_ERROR_INVALID_VALUE"; return 0; case 2: *s = "CUDA_ERROR_OUT_OF_MEMORY"; return 0;
                 case 218: *s = "CUDA_ERROR_INVALID_PTX"; return 0; case 500: *s = "CUDA_ERROR_NOT_FOUND"; return 0;
                 default: *s = nullptr; return 1; }
}
CUresult cuGetErrorString(CUresult e, const char** s) {
    switch (e) { case 1: *s = "invalid argument"; return 0; case 2: *s = "out of memory"; return 0;
                 default: *s = nullptr; return 1; }
}

// ---- cuBLAS ----------------------------------------------------------------------------------
int cublasCreate_v2(void** h) { *h = &handleToken; return 0; }
int cublasDestroy_v2(void* h) { return h == &handleToken ? 0 : 1; }
int cublasSetStream_v2(void* h, void* s) { return h == &handleToken && s == &streamToken ? 0 : 7; }
int cublasSetMathMode(void* h, int mode) { return h == &handleToken && mode == 0 ? 0 : 7; }
int cublasSgemm_v2(void* h, int ta, int tb, int m, int n, int k, const float* alpha, const float* A, int lda,
                   const float* B, int ldb, const float* beta, float* C, int ldc) {
    if (h != &handleToken) return 1;
    // Argument rules of the cuBLAS reference: A is m x k (N) or k x m (T) with lda >= rows, etc.
    if (m < 0 || n < 0 || k < 0 || (ta != 0 && ta != 1) || (tb != 0 && tb != 1)) return 7;
    int rowsA = ta == 0 ? m : k, rowsB = tb == 0 ? k : n;
    if (lda < (rowsA > 1 ? rowsA : 1) || ldb < (rowsB > 1 ? rowsB : 1) || ldc < (m > 1 ? m : 1)) return 7;
    for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int p = 0; p < k; p++) {
                float a = ta == 0 ? A[i + (long) p * lda] : A[p + (long) i * lda];
                float b = tb == 0 ? B[p + (long) j * ldb] : B[j + (long) p * ldb];
                s += (double) a * b;
            }
            float& c = C[i + (long) j * ldc];
            c = *beta == 0.0f ? (float) (*alpha * s) : (float) (*alpha * s + *beta * c);
        }
    }
    return 0;
}

// ---- NVRTC -----------------------------------------------------------------------------------
struct Program { std::string source, name, log, ptx; };
int nvrtcVersion(int* major, int* minor) { *major = 13; *minor = 0; return 0; }
int nvrtcGetNumSupportedArchs(int* n) { *n = 3; return 0; }
int nvrtcGetSupportedArchs(int* a) { a[0] = 80; a[1] = 90; a[2] = 100; return 0; }
const char* nvrtcGetErrorString(int r) { return r == 6 ? "NVRTC_ERROR_COMPILATION" : r == 0 ? "NVRTC_SUCCESS" : "NVRTC_ERROR"; }
int nvrtcCreateProgram(Program** p, const char* src, const char* name, int nh, const char* const*, const char* const*) {
    if (nh != 0) return 4;
    *p = new Program{src, name ? name : "", "", ""};
    return 0;
}
int nvrtcDestroyProgram(Program** p) { delete *p; *p = nullptr; return 0; }
int nvrtcCompileProgram(Program* p, int n, const char* const* opts) {
    std::set<std::string> o;
    for (int i = 0; i < n; i++) o.insert(opts[i]);
    if (!o.count("--gpu-architecture=compute_90") || !o.count("--fmad=false")) {
        p->log = "emulator: expected --gpu-architecture=compute_90 and --fmad=false";
        return 6;
    }
    if (p->source.find("#error") != std::string::npos) { p->log = p->name + "(1): error: #error directive"; return 6; }
    p->ptx = "// host emulator PTX for " + p->name + "\n";
    for (Kernel& k : KERNELS) {
        if (p->source.find(std::string("void ") + k.name + "(") != std::string::npos) p->ptx += std::string(".visible .entry ") + k.name + "(\n";
    }
    return 0;
}
int nvrtcGetProgramLogSize(Program* p, size_t* n) { *n = p->log.size() + 1; return 0; }
int nvrtcGetProgramLog(Program* p, char* buf) { std::memcpy(buf, p->log.c_str(), p->log.size() + 1); return 0; }
int nvrtcGetPTXSize(Program* p, size_t* n) { *n = p->ptx.size() + 1; return 0; }
int nvrtcGetPTX(Program* p, char* buf) { std::memcpy(buf, p->ptx.c_str(), p->ptx.size() + 1); return 0; }

// Test hook: bytes still allocated.
unsigned long long emulatorLiveBytes() { unsigned long long s = 0; for (auto& a : allocations) s += a.second; return s; }
}
