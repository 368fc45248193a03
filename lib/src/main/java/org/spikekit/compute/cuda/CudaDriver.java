package org.spikekit.compute.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * FFM bindings of the CUDA driver API ({@code libcuda.so.1}), written from the signatures in the
 * CUDA Driver API reference. Handles ({@code CUcontext}, {@code CUstream}, {@code CUmodule},
 * {@code CUfunction}) are {@link MemorySegment} addresses; {@code CUdevice} is an int;
 * {@code CUdeviceptr} is a 64-bit {@code long}. Every {@code CUresult} is checked:
 * a non-zero result throws {@link CudaException} naming the call and the error.
 *
 * <p>The versioned symbols are the ones the CUDA headers map the plain names to
 * ({@code cuMemAlloc} → {@code cuMemAlloc_v2}, and so on).
 */
final class CudaDriver {

    static final int CUDA_SUCCESS = 0;
    static final int ATTR_MULTIPROCESSOR_COUNT = 16;
    static final int ATTR_CC_MAJOR = 75;
    static final int ATTR_CC_MINOR = 76;

    final String library;
    private final MethodHandle cuInit, cuDriverGetVersion, cuDeviceGetCount, cuDeviceGet, cuDeviceGetName,
            cuDeviceGetAttribute, cuDeviceTotalMem, cuDevicePrimaryCtxRetain, cuDevicePrimaryCtxRelease,
            cuCtxSetCurrent, cuCtxSynchronize, cuStreamCreate, cuStreamSynchronize, cuStreamDestroy,
            cuMemAlloc, cuMemFree, cuMemcpyHtoDAsync, cuMemcpyDtoHAsync, cuMemcpyDtoDAsync, cuMemsetD32Async,
            cuModuleLoadData, cuModuleGetFunction, cuModuleUnload, cuLaunchKernel, cuGetErrorName, cuGetErrorString;

    CudaDriver(SymbolLookup lib, String library) {
        this.library = library;
        FunctionDescriptor i_i = FunctionDescriptor.of(JAVA_INT, JAVA_INT);
        FunctionDescriptor i_p = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        cuInit = bind(lib, "cuInit", i_i);
        cuDriverGetVersion = bind(lib, "cuDriverGetVersion", i_p);
        cuDeviceGetCount = bind(lib, "cuDeviceGetCount", i_p);
        cuDeviceGet = bind(lib, "cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDeviceGetName = bind(lib, "cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        cuDeviceGetAttribute = bind(lib, "cuDeviceGetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        cuDeviceTotalMem = bind(lib, "cuDeviceTotalMem_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDevicePrimaryCtxRetain = bind(lib, "cuDevicePrimaryCtxRetain", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDevicePrimaryCtxRelease = bind(lib, "cuDevicePrimaryCtxRelease_v2", i_i);
        cuCtxSetCurrent = bind(lib, "cuCtxSetCurrent", i_p);
        cuCtxSynchronize = bind(lib, "cuCtxSynchronize", FunctionDescriptor.of(JAVA_INT));
        cuStreamCreate = bind(lib, "cuStreamCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuStreamSynchronize = bind(lib, "cuStreamSynchronize", i_p);
        cuStreamDestroy = bind(lib, "cuStreamDestroy_v2", i_p);
        cuMemAlloc = bind(lib, "cuMemAlloc_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        cuMemFree = bind(lib, "cuMemFree_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        cuMemcpyHtoDAsync = bind(lib, "cuMemcpyHtoDAsync_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS));
        cuMemcpyDtoHAsync = bind(lib, "cuMemcpyDtoHAsync_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        cuMemcpyDtoDAsync = bind(lib, "cuMemcpyDtoDAsync_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));
        cuMemsetD32Async = bind(lib, "cuMemsetD32Async", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS));
        cuModuleLoadData = bind(lib, "cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuModuleGetFunction = bind(lib, "cuModuleGetFunction", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuModuleUnload = bind(lib, "cuModuleUnload", i_p);
        cuLaunchKernel = bind(lib, "cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuGetErrorName = bind(lib, "cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        cuGetErrorString = bind(lib, "cuGetErrorString", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    private MethodHandle bind(SymbolLookup lib, String name, FunctionDescriptor fd) {
        return NativeLibs.bind(lib, library, name, fd);
    }

    // ---- errors -------------------------------------------------------------------------------

    void check(String call, int result) {
        if (result != CUDA_SUCCESS) throw new CudaException(describe(call, result));
    }

    String describe(String call, int result) {
        String msg = call + " failed: " + errorName(result) + " (" + errorString(result) + ", code " + result + ")";
        if (result == 222 || result == 218) { // UNSUPPORTED_PTX_VERSION, INVALID_PTX
            msg += "; the PTX from NVRTC is newer than this driver supports: use an NVRTC (CUDA_HOME) no newer "
                    + "than the driver's CUDA version, or update the NVIDIA driver";
        }
        return msg;
    }

    String errorName(int result) { return errorText(cuGetErrorName, result, "CUDA_ERROR_" + result); }

    String errorString(int result) { return errorText(cuGetErrorString, result, "unknown error"); }

    private static String errorText(MethodHandle h, int result, String fallback) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            int r = (int) h.invoke(result, p);
            if (r != CUDA_SUCCESS) return fallback;
            String s = NativeLibs.string(p.get(ADDRESS, 0));
            return s.isEmpty() ? fallback : s;
        } catch (Throwable t) {
            return fallback;
        }
    }

    // ---- initialisation and devices -----------------------------------------------------------

    void init() {
        try { check("cuInit", (int) cuInit.invoke(0)); } catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    /** Driver API version, e.g. 13000 for CUDA 13.0. */
    int driverVersion() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_INT);
            check("cuDriverGetVersion", (int) cuDriverGetVersion.invoke(p));
            return p.get(JAVA_INT, 0);
        } catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    int deviceCount() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_INT);
            check("cuDeviceGetCount", (int) cuDeviceGetCount.invoke(p));
            return p.get(JAVA_INT, 0);
        } catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    int device(int ordinal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_INT);
            check("cuDeviceGet(" + ordinal + ")", (int) cuDeviceGet.invoke(p, ordinal));
            return p.get(JAVA_INT, 0);
        } catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    String deviceName(int dev) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_BYTE, 256);
            check("cuDeviceGetName", (int) cuDeviceGetName.invoke(p, 256, dev));
            return p.getString(0);
        } catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    int attribute(int attr, int dev) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_INT);
            check("cuDeviceGetAttribute(" + attr + ")", (int) cuDeviceGetAttribute.invoke(p, attr, dev));
            return p.get(JAVA_INT, 0);
        } catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    long totalMem(int dev) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_LONG);
            check("cuDeviceTotalMem_v2", (int) cuDeviceTotalMem.invoke(p, dev));
            return p.get(JAVA_LONG, 0);
        } catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    // ---- contexts and streams -----------------------------------------------------------------

    MemorySegment primaryCtxRetain(int dev) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check("cuDevicePrimaryCtxRetain", (int) cuDevicePrimaryCtxRetain.invoke(p, dev));
            return p.get(ADDRESS, 0);
        } catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    void primaryCtxRelease(int dev) {
        try { check("cuDevicePrimaryCtxRelease_v2", (int) cuDevicePrimaryCtxRelease.invoke(dev)); }
        catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    void ctxSetCurrent(MemorySegment ctx) {
        try { check("cuCtxSetCurrent", (int) cuCtxSetCurrent.invoke(ctx)); }
        catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    void ctxSynchronize() {
        try { check("cuCtxSynchronize", (int) cuCtxSynchronize.invoke()); }
        catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    MemorySegment streamCreate() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check("cuStreamCreate", (int) cuStreamCreate.invoke(p, 0)); // CU_STREAM_DEFAULT
            return p.get(ADDRESS, 0);
        } catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    void streamSynchronize(MemorySegment stream) {
        try { check("cuStreamSynchronize", (int) cuStreamSynchronize.invoke(stream)); }
        catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    void streamDestroy(MemorySegment stream) {
        try { check("cuStreamDestroy_v2", (int) cuStreamDestroy.invoke(stream)); }
        catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    // ---- memory -------------------------------------------------------------------------------

    long memAlloc(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_LONG);
            check("cuMemAlloc_v2(" + bytes + " bytes)", (int) cuMemAlloc.invoke(p, bytes));
            return p.get(JAVA_LONG, 0);
        } catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    void memFree(long dptr) {
        try { check("cuMemFree_v2", (int) cuMemFree.invoke(dptr)); }
        catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    void memcpyHtoDAsync(long dst, MemorySegment src, long bytes, MemorySegment stream) {
        try { check("cuMemcpyHtoDAsync_v2", (int) cuMemcpyHtoDAsync.invoke(dst, src, bytes, stream)); }
        catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    void memcpyDtoHAsync(MemorySegment dst, long src, long bytes, MemorySegment stream) {
        try { check("cuMemcpyDtoHAsync_v2", (int) cuMemcpyDtoHAsync.invoke(dst, src, bytes, stream)); }
        catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    void memcpyDtoDAsync(long dst, long src, long bytes, MemorySegment stream) {
        try { check("cuMemcpyDtoDAsync_v2", (int) cuMemcpyDtoDAsync.invoke(dst, src, bytes, stream)); }
        catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    void memsetD32Async(long dst, int bits, long count, MemorySegment stream) {
        try { check("cuMemsetD32Async", (int) cuMemsetD32Async.invoke(dst, bits, count, stream)); }
        catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    // ---- modules and launches -----------------------------------------------------------------

    /** Loads NUL-terminated PTX text. */
    MemorySegment moduleLoadData(String ptx, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check("cuModuleLoadData(" + what + ")", (int) cuModuleLoadData.invoke(p, a.allocateFrom(ptx)));
            return p.get(ADDRESS, 0);
        } catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    MemorySegment moduleGetFunction(MemorySegment module, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check("cuModuleGetFunction(" + name + ")", (int) cuModuleGetFunction.invoke(p, module, a.allocateFrom(name)));
            return p.get(ADDRESS, 0);
        } catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    void moduleUnload(MemorySegment module) {
        try { check("cuModuleUnload", (int) cuModuleUnload.invoke(module)); }
        catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    void launchKernel(String name, MemorySegment f, int gx, int gy, int gz, int bx, int by, int bz,
                      int sharedBytes, MemorySegment stream, MemorySegment params) {
        try {
            check("cuLaunchKernel(" + name + ", grid " + gx + "x" + gy + "x" + gz + ", block " + bx + "x" + by + "x" + bz + ")",
                    (int) cuLaunchKernel.invoke(f, gx, gy, gz, bx, by, bz, sharedBytes, stream, params, MemorySegment.NULL));
        } catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }
}
