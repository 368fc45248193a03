package org.spikekit.compute.cuda;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Finds the three native libraries the cuda backend needs: the driver ({@code libcuda.so.1}),
 * cuBLAS ({@code libcublas.so.13}, then {@code .12}) and NVRTC ({@code libnvrtc.so.13}, then
 * {@code .12}). Only locates files; loading and {@code cuInit} happen in {@link CudaDriver}.
 *
 * <p>The driver is looked up first through the system loader (which honours
 * {@code LD_LIBRARY_PATH} and {@code ld.so.cache}), then in {@code LD_LIBRARY_PATH},
 * {@code /usr/lib/x86_64-linux-gnu}, {@code /usr/lib64}, {@code /usr/local/nvidia/lib64}. The
 * toolkit libraries are looked up in {@code $CUDA_HOME} and {@code $CUDA_PATH}
 * ({@code lib64}, {@code lib}), {@code LD_LIBRARY_PATH}, {@code /usr/local/cuda/lib64} and
 * {@code /usr/local/cuda-*}{@code /lib64} (newest version first), then through the system loader;
 * in each directory the CUDA 13 name is tried before the CUDA 12 one, so an explicit
 * {@code CUDA_HOME} decides which toolkit is used.
 * When something is missing, {@link Result#missingReason()} names each library and every place
 * that was searched.
 */
final class CudaLibraries {

    static final String DRIVER = "libcuda.so.1";
    static final List<String> CUBLAS = List.of("libcublas.so.13", "libcublas.so.12");
    static final List<String> NVRTC = List.of("libnvrtc.so.13", "libnvrtc.so.12");

    /**
     * Where to look. Injectable so tests can point the search at fake files.
     *
     * @param env environment variables ({@code LD_LIBRARY_PATH}, {@code CUDA_HOME}, {@code CUDA_PATH})
     * @param driverDirs fixed directories searched for the driver after {@code LD_LIBRARY_PATH}
     * @param toolkitParent directory holding {@code cuda} and {@code cuda-X.Y} installs ({@code /usr/local})
     * @param systemLoader true when the dynamic loader can open the given soname by itself
     */
    record Search(Map<String, String> env, List<Path> driverDirs, Path toolkitParent, Predicate<String> systemLoader) {
        static Search system() {
            return new Search(System.getenv(),
                    List.of(Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/usr/lib64"), Path.of("/usr/local/nvidia/lib64")),
                    Path.of("/usr/local"), NativeLibs::systemLoaderCanOpen);
        }
    }

    /**
     * A located library: {@code path} is absolute, or the bare soname when the system loader
     * finds it.
     */
    record Found(String name, String path, boolean viaSystemLoader) {}

    /** Outcome of a search: each library found or null, plus what was searched for each. */
    record Result(Found driver, Found cublas, Found nvrtc, List<String> driverSearched,
                  List<String> cublasSearched, List<String> nvrtcSearched) {
        boolean complete() { return driver != null && cublas != null && nvrtc != null; }

        /** Null when all three were found; otherwise which are missing and where each was searched. */
        String missingReason() {
            if (complete()) return null;
            List<String> parts = new ArrayList<>();
            if (driver == null) {
                parts.add("CUDA driver " + DRIVER + " not found (is an NVIDIA driver installed?); searched: "
                        + String.join(", ", driverSearched));
            }
            if (cublas == null) {
                parts.add("cuBLAS " + String.join(" or ", CUBLAS) + " not found (install the CUDA toolkit 12 or 13 "
                        + "or set CUDA_HOME); searched: " + String.join(", ", cublasSearched));
            }
            if (nvrtc == null) {
                parts.add("NVRTC " + String.join(" or ", NVRTC) + " not found (install the CUDA toolkit 12 or 13 "
                        + "or set CUDA_HOME); searched: " + String.join(", ", nvrtcSearched));
            }
            return String.join("; ", parts);
        }
    }

    private CudaLibraries() {}

    static Result locate(Search s) {
        return locate(s, 0);
    }

    /**
     * As {@link #locate(Search)}, but toolkit libraries whose major version is at most
     * {@code maxToolkitMajor} (the driver's CUDA major version; 0 for no limit) are preferred over
     * newer ones anywhere: PTX and cuBLAS from a toolkit newer than the driver do not run on it.
     */
    static Result locate(Search s, int maxToolkitMajor) {
        List<String> ds = new ArrayList<>(), bs = new ArrayList<>(), ns = new ArrayList<>();
        Found driver = locateDriver(s, ds);
        List<Path> toolkitDirs = toolkitDirs(s);
        Found cublas = locateToolkitLib(s, CUBLAS, maxToolkitMajor, toolkitDirs, bs);
        Found nvrtc = locateToolkitLib(s, NVRTC, maxToolkitMajor, toolkitDirs, ns);
        return new Result(driver, cublas, nvrtc, ds, bs, ns);
    }

    /** Major version of a soname such as {@code libcublas.so.13}; 0 if it has none. */
    static int major(String soname) {
        int i = soname.lastIndexOf(".so.");
        if (i < 0) return 0;
        String v = soname.substring(i + 4);
        int dot = v.indexOf('.');
        return parse(dot < 0 ? v : v.substring(0, dot));
    }

    private static Found locateDriver(Search s, List<String> searched) {
        searched.add("system loader (dlopen \"" + DRIVER + "\")");
        if (s.systemLoader().test(DRIVER)) return new Found(DRIVER, DRIVER, true);
        Set<Path> dirs = new LinkedHashSet<>(ldLibraryPath(s));
        dirs.addAll(s.driverDirs());
        for (Path d : dirs) {
            Path f = d.resolve(DRIVER);
            searched.add(f.toString());
            if (Files.isRegularFile(f)) return new Found(DRIVER, f.toAbsolutePath().toString(), false);
        }
        return null;
    }

    private static Found locateToolkitLib(Search s, List<String> names, int maxMajor, List<Path> dirs, List<String> searched) {
        List<List<String>> groups = new ArrayList<>();
        if (maxMajor > 0) {
            groups.add(names.stream().filter(n -> major(n) <= maxMajor).toList());
            groups.add(names.stream().filter(n -> major(n) > maxMajor).toList());
        } else {
            groups.add(names);
        }
        for (List<String> group : groups) {
            // Directory order first (CUDA_HOME wins), newer major version first within a directory.
            for (Path d : dirs) {
                for (String name : group) {
                    Path f = d.resolve(name);
                    searched.add(f.toString());
                    if (Files.isRegularFile(f)) return new Found(name, f.toAbsolutePath().toString(), false);
                }
            }
            for (String name : group) {
                searched.add("system loader (dlopen \"" + name + "\")");
                if (s.systemLoader().test(name)) return new Found(name, name, true);
            }
        }
        return null;
    }

    /** Candidate toolkit library directories in search order, duplicates removed. */
    static List<Path> toolkitDirs(Search s) {
        Set<Path> dirs = new LinkedHashSet<>();
        for (String var : List.of("CUDA_HOME", "CUDA_PATH")) {
            String v = s.env().get(var);
            if (v != null && !v.isBlank()) {
                dirs.add(Path.of(v.trim(), "lib64"));
                dirs.add(Path.of(v.trim(), "lib"));
            }
        }
        dirs.addAll(ldLibraryPath(s));
        Path parent = s.toolkitParent();
        dirs.add(parent.resolve("cuda").resolve("lib64"));
        for (Path install : versionedInstalls(parent)) {
            dirs.add(install.resolve("lib64"));
            dirs.add(install.resolve("lib"));
        }
        return new ArrayList<>(dirs);
    }

    private static List<Path> ldLibraryPath(Search s) {
        List<Path> out = new ArrayList<>();
        String v = s.env().get("LD_LIBRARY_PATH");
        if (v == null) return out;
        for (String p : v.split(":")) if (!p.isBlank()) out.add(Path.of(p.trim()));
        return out;
    }

    /** {@code parent/cuda-X.Y} directories, newest version first. */
    static List<Path> versionedInstalls(Path parent) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(parent)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, "cuda-*")) {
            for (Path p : ds) if (Files.isDirectory(p)) out.add(p);
        } catch (IOException e) {
            return out;
        }
        out.sort(Comparator.comparing((Path p) -> version(p.getFileName().toString())).reversed());
        return out;
    }

    /** {@code cuda-12.4} -> comparable version key; unparsable parts count as 0. */
    static VersionKey version(String dirName) {
        String v = dirName.startsWith("cuda-") ? dirName.substring(5) : dirName;
        String[] parts = v.split("\\.");
        int major = parse(parts.length > 0 ? parts[0] : ""), minor = parse(parts.length > 1 ? parts[1] : "");
        return new VersionKey(major, minor, dirName);
    }

    private static int parse(String s) {
        try { return Integer.parseInt(s); } catch (NumberFormatException e) { return 0; }
    }

    record VersionKey(int major, int minor, String name) implements Comparable<VersionKey> {
        @Override
        public int compareTo(VersionKey o) {
            int c = Integer.compare(major, o.major);
            if (c == 0) c = Integer.compare(minor, o.minor);
            return c != 0 ? c : name.compareTo(o.name);
        }
    }
}
