package org.spikekit.compute.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** Small helpers around {@link Linker} shared by the driver, cuBLAS and NVRTC bindings. */
@SuppressWarnings("restricted") // native access is the point; enabled with --enable-native-access
final class NativeLibs {
    private NativeLibs() {}

    static final Linker LINKER = Linker.nativeLinker();

    /** Pointer layout that can be dereferenced as a C string. */
    static final java.lang.foreign.AddressLayout C_STRING = ADDRESS.withTargetLayout(
            java.lang.foreign.MemoryLayout.sequenceLayout(Long.MAX_VALUE, JAVA_BYTE));

    /** True when the dynamic loader opens {@code soname} on its own (LD_LIBRARY_PATH, ld.so.cache). */
    static boolean systemLoaderCanOpen(String soname) {
        try (Arena a = Arena.ofConfined()) {
            SymbolLookup.libraryLookup(soname, a);
            return true;
        } catch (IllegalArgumentException | IllegalCallerException e) {
            return false;
        }
    }

    /** Opens a library for the life of the process (the lookup is never closed). */
    static SymbolLookup open(CudaLibraries.Found f) {
        if (f.viaSystemLoader()) return SymbolLookup.libraryLookup(f.path(), Arena.global());
        return SymbolLookup.libraryLookup(java.nio.file.Path.of(f.path()), Arena.global());
    }

    /** Downcall handle for {@code symbol}; throws naming the symbol and library when it is absent. */
    static MethodHandle bind(SymbolLookup lib, String libName, String symbol, FunctionDescriptor fd) {
        MemorySegment addr = lib.find(symbol).orElseThrow(() -> new CudaException(
                "symbol " + symbol + " not found in " + libName + " (library too old or not the expected one)"));
        return LINKER.downcallHandle(addr, fd);
    }

    /** Same as {@link #bind} but null when the symbol is absent (optional entry points). */
    static MethodHandle bindOptional(SymbolLookup lib, String symbol, FunctionDescriptor fd) {
        return lib.find(symbol).map(a -> LINKER.downcallHandle(a, fd)).orElse(null);
    }

    /** Reads a NUL-terminated C string; "" for NULL. */
    static String string(MemorySegment p) {
        if (p == null || p.equals(MemorySegment.NULL)) return "";
        return p.reinterpret(Long.MAX_VALUE).getString(0);
    }

    /** Wraps a Throwable from {@code MethodHandle.invoke} (which declares Throwable). */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new CudaException("native call failed: " + t, t);
    }
}
