package org.spikekit.compute.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** FFM bindings of NVRTC (run-time compilation of CUDA C to PTX), from the NVRTC reference. */
final class Nvrtc {
    final String library;
    private final MethodHandle createProgram, compileProgram, destroyProgram, getLogSize, getLog, getPtxSize, getPtx,
            getErrorString, version, numSupportedArchs, supportedArchs;

    Nvrtc(SymbolLookup lib, String library) {
        this.library = library;
        createProgram = NativeLibs.bind(lib, library, "nvrtcCreateProgram",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        compileProgram = NativeLibs.bind(lib, library, "nvrtcCompileProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        destroyProgram = NativeLibs.bind(lib, library, "nvrtcDestroyProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        getLogSize = NativeLibs.bind(lib, library, "nvrtcGetProgramLogSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        getLog = NativeLibs.bind(lib, library, "nvrtcGetProgramLog", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        getPtxSize = NativeLibs.bind(lib, library, "nvrtcGetPTXSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        getPtx = NativeLibs.bind(lib, library, "nvrtcGetPTX", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        getErrorString = NativeLibs.bind(lib, library, "nvrtcGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        version = NativeLibs.bind(lib, library, "nvrtcVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        numSupportedArchs = NativeLibs.bindOptional(lib, "nvrtcGetNumSupportedArchs", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        supportedArchs = NativeLibs.bindOptional(lib, "nvrtcGetSupportedArchs", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    void check(String call, int r) {
        if (r == 0) return;
        String s;
        try { s = NativeLibs.string((MemorySegment) getErrorString.invoke(r)); } catch (Throwable t) { s = "NVRTC_ERROR_" + r; }
        throw new CudaException(call + " failed: " + s + " (nvrtcResult " + r + ")");
    }

    /** "major.minor" of this NVRTC. */
    String version() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ma = a.allocate(JAVA_INT), mi = a.allocate(JAVA_INT);
            check("nvrtcVersion", (int) version.invoke(ma, mi));
            return ma.get(JAVA_INT, 0) + "." + mi.get(JAVA_INT, 0);
        } catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    /** Compute capabilities (major*10+minor) this NVRTC can target; empty if it cannot say. */
    int[] supportedArchs() {
        if (numSupportedArchs == null || supportedArchs == null) return new int[0];
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(JAVA_INT);
            check("nvrtcGetNumSupportedArchs", (int) numSupportedArchs.invoke(n));
            int count = n.get(JAVA_INT, 0);
            MemorySegment arr = a.allocate(JAVA_INT, Math.max(1, count));
            check("nvrtcGetSupportedArchs", (int) supportedArchs.invoke(arr));
            return arr.asSlice(0, 4L * count).toArray(JAVA_INT);
        } catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    /**
     * Compiles CUDA C to PTX. On a compilation error the exception carries the program name, the
     * options and NVRTC's log.
     */
    String compile(String source, String programName, List<String> options) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment progPtr = a.allocate(ADDRESS);
            check("nvrtcCreateProgram(" + programName + ")", (int) createProgram.invoke(progPtr, a.allocateFrom(source),
                    a.allocateFrom(programName), 0, MemorySegment.NULL, MemorySegment.NULL));
            MemorySegment prog = progPtr.get(ADDRESS, 0);
            try {
                MemorySegment opts = a.allocate(ADDRESS, Math.max(1, options.size()));
                for (int i = 0; i < options.size(); i++) opts.setAtIndex(ADDRESS, i, a.allocateFrom(options.get(i)));
                int r = (int) compileProgram.invoke(prog, options.size(), opts);
                if (r != 0) {
                    String log = log(a, prog);
                    try {
                        check("nvrtcCompileProgram(" + programName + ", options " + options + ")", r);
                    } catch (CudaException e) {
                        throw new CudaException(e.getMessage() + "\n" + log, e);
                    }
                }
                MemorySegment size = a.allocate(JAVA_LONG);
                check("nvrtcGetPTXSize", (int) getPtxSize.invoke(prog, size));
                MemorySegment buf = a.allocate(JAVA_BYTE, Math.max(1, size.get(JAVA_LONG, 0)));
                check("nvrtcGetPTX", (int) getPtx.invoke(prog, buf));
                return buf.getString(0);
            } finally {
                destroyProgram.invoke(progPtr);
            }
        } catch (Throwable t) { throw NativeLibs.rethrow(t); }
    }

    private String log(Arena a, MemorySegment prog) throws Throwable {
        MemorySegment size = a.allocate(JAVA_LONG);
        if ((int) getLogSize.invoke(prog, size) != 0) return "(no log)";
        MemorySegment buf = a.allocate(JAVA_BYTE, Math.max(1, size.get(JAVA_LONG, 0)));
        if ((int) getLog.invoke(prog, buf) != 0) return "(no log)";
        return buf.getString(0);
    }
}
