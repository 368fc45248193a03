package org.spikekit.compute.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * FFM bindings of the cuBLAS v2 API (column-major BLAS on the device), written from the cuBLAS
 * reference. Scalars ({@code alpha}, {@code beta}) are passed by host pointer (the default
 * {@code CUBLAS_POINTER_MODE_HOST}).
 */
final class Cublas {
    static final int OP_N = 0, OP_T = 1;
    static final int DEFAULT_MATH = 0;

    final String library;
    private final MethodHandle create, destroy, setStream, setMathMode, sgemm, getStatusName, getStatusString;

    Cublas(SymbolLookup lib, String library) {
        this.library = library;
        create = NativeLibs.bind(lib, library, "cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        destroy = NativeLibs.bind(lib, library, "cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        setStream = NativeLibs.bind(lib, library, "cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        setMathMode = NativeLibs.bindOptional(lib, "cublasSetMathMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        sgemm = NativeLibs.bind(lib, library, "cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        getStatusName = NativeLibs.bindOptional(lib, "cublasGetStatusName", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        getStatusString = NativeLibs.bindOptional(lib, "cublasGetStatusString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /** Status names of cublasStatus_t (cuBLAS reference, "cublasStatus_t"). */
    static String statusName(int s) {
        return switch (s) {
            case 0 -> "CUBLAS_STATUS_SUCCESS";
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> "CUBLAS_STATUS_" + s;
        };
    }

    void check(String call, int status) {
        if (status == 0) return;
        String name = statusName(status), text = "";
        try {
            if (getStatusName != null) name = NativeLibs.string((MemorySegment) getStatusName.invoke(status));
            if (getStatusString != null) text = NativeLibs.string((MemorySegment) getStatusString.invoke(status));
        } catch (Throwable ignored) {
            // keep the table name
        }
        throw new CudaException(call + " failed: " + name + (text.isEmpty() ? "" : " (" + text + ")") + ", status " + status);
    }

    MemorySegment create() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check("cublasCreate_v2", (int) create.invoke(p));
            return p.get(ADDRESS, 0);
        } catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    void destroy(MemorySegment handle) {
        try { check("cublasDestroy_v2", (int) destroy.invoke(handle)); } catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    void setStream(MemorySegment handle, MemorySegment stream) {
        try { check("cublasSetStream_v2", (int) setStream.invoke(handle, stream)); } catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    /** Asks for plain FP32 math (no TF32 tensor-core shortcuts) where the library offers the call. */
    void setDefaultMath(MemorySegment handle) {
        if (setMathMode == null) return;
        try { check("cublasSetMathMode", (int) setMathMode.invoke(handle, DEFAULT_MATH)); } catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    /** Column-major {@code C = alpha op(A) op(B) + beta C}; A, B, C are device addresses. */
    void sgemm(MemorySegment handle, int opA, int opB, int m, int n, int k, float alpha, long a, int lda,
               long b, int ldb, float beta, long c, int ldc) {
        try (Arena ar = Arena.ofConfined()) {
            MemorySegment al = ar.allocateFrom(JAVA_FLOAT, alpha), be = ar.allocateFrom(JAVA_FLOAT, beta);
            int s = (int) sgemm.invoke(handle, opA, opB, m, n, k, al, MemorySegment.ofAddress(a), lda,
                    MemorySegment.ofAddress(b), ldb, be, MemorySegment.ofAddress(c), ldc);
            check("cublasSgemm_v2(m=" + m + ", n=" + n + ", k=" + k + ", lda=" + lda + ", ldb=" + ldb + ", ldc=" + ldc + ")", s);
        } catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }
}
