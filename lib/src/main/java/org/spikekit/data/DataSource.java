package org.spikekit.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.spikekit.io.AtomicFiles;

/**
 * Where one data set comes from: the kit's single "real if present and verified, else the
 * synthetic stand-in in the real format" rule, and the steps every data set's loader shares
 * ({@code reaching.ODohertyData}, {@code perich.PerichData}, {@code allen.AllenData},
 * {@code images.ImageData}, {@code spiking.BlocksData} for SHD and N-MNIST).
 *
 * <p>{@link #load(DataChoice)} applies {@link DataChoice}: {@code AUTO} reads the real data when
 * {@code realPresent} says it is there (the real branch verifies it and fails loudly when it is
 * corrupt: a present but bad real file is an error, never silently replaced), else the stand-in;
 * {@code REAL} reads the real data or throws the data set's "not present, here is how to get it"
 * error; {@code SYNTHETIC} always the stand-in. {@code realPresent} is asked only when the choice
 * is not {@code SYNTHETIC}.
 *
 * <p>The static helpers are the shared steps of the branches: a path as provenance records it
 * ({@link #relative}), the manifest entry of a real file ({@link #manifestEntry}), checking a real
 * file against it ({@link #verify}), and keeping a stand-in up to date with its generator
 * configuration, stored either inside the file ({@link #standinFile}) or beside a folder of files
 * ({@link #standinFolder}). The wording they give ({@code generated earlier (stored generator
 * config matches)}, {@code regenerated (stored generator config differed)}, {@code generated now
 * (was missing)}) is what provenance records as a stand-in's verification.
 *
 * @param <T> what the loader returns for one load (a session with its {@link DataRecord}, …)
 */
public final class DataSource<T> {
    /** The advice appended to a refused real file's message. */
    public static final String REMEDY = "delete or replace it (see data/README.md), or use DATA=synthetic for the stand-in";

    /** The file beside a folder stand-in that holds its generator configuration ({@link #standinFolder}). */
    public static final String GENERATOR_FILE = "generator.txt";

    private final BooleanSupplier realPresent;
    private final Supplier<? extends T> real;
    private final Supplier<? extends RuntimeException> missing;
    private final Supplier<? extends T> standin;

    private DataSource(BooleanSupplier realPresent, Supplier<? extends T> real,
            Supplier<? extends RuntimeException> missing, Supplier<? extends T> standin) {
        this.realPresent = Objects.requireNonNull(realPresent, "realPresent");
        this.real = Objects.requireNonNull(real, "real");
        this.missing = Objects.requireNonNull(missing, "missing");
        this.standin = Objects.requireNonNull(standin, "standin");
    }

    /**
     * A data set's source.
     *
     * @param realPresent whether the real data is there (may throw a {@link DataException} for a
     *     half-present set, e.g. one of two partner files)
     * @param real reads and verifies the real data
     * @param missing the error for {@code DATA=real} without real data: names the expected paths
     *     and how to get them
     * @param standin reads the stand-in, writing it first when missing or out of date
     */
    public static <T> DataSource<T> of(BooleanSupplier realPresent, Supplier<? extends T> real,
            Supplier<? extends RuntimeException> missing, Supplier<? extends T> standin) {
        return new DataSource<>(realPresent, real, missing, standin);
    }

    /** Loads as {@code choice} says (see the class comment). */
    public T load(DataChoice choice) {
        Objects.requireNonNull(choice, "choice");
        if (choice != DataChoice.SYNTHETIC && realPresent.getAsBoolean()) return real.get();
        if (choice == DataChoice.REAL) throw missing.get();
        return standin.get();
    }

    // ================================================================== shared steps

    /** {@code p} relative to the project root (the parent of {@code dataDir}), with '/' separators, as provenance records it. */
    public static String relative(Path dataDir, Path p) {
        Path root = dataDir.getParent();
        return (root == null ? p : root.relativize(p)).toString().replace('\\', '/');
    }

    /** The entry of {@code data/manifest} for {@code rawPath} (relative to {@code data/raw}); empty without a manifest. */
    public static Optional<DataManifest.Entry> manifestEntry(Path dataDir, String rawPath) {
        Path m = dataDir.resolve("manifest");
        if (!Files.isRegularFile(m)) return Optional.empty();
        return DataManifest.read(m).entryForPath(rawPath);
    }

    /**
     * Checks a real file against its manifest entry (size, checksum or prefix, else the layout;
     * digests through {@code cache}) and refuses it with the check's message, ending in
     * {@code remedy}, when it fails. The cache is not saved here.
     *
     * @return the passing status: its message says how the file was verified, its digests hold the sha256
     * @throws DataException if the file does not pass
     */
    public static DataManifest.Status verify(Path file, DataManifest.Entry entry, DigestCache cache, String remedy) {
        DataManifest.Status st = DataManifest.checkFile(file, entry, cache, null, remedy);
        if (st.state() != DataManifest.State.OK) throw new DataException(file, st.message());
        return st;
    }

    /**
     * {@link #verify(Path, DataManifest.Entry, DigestCache, String)} with the digest cache of
     * {@code rawDir}, saved before a refusal is thrown.
     */
    public static DataManifest.Status verify(Path rawDir, Path file, DataManifest.Entry entry, String remedy) {
        DigestCache cache = DigestCache.forRawDir(rawDir);
        DataManifest.Status st = DataManifest.checkFile(file, entry, cache, null, remedy);
        cache.save();
        if (st.state() != DataManifest.State.OK) throw new DataException(file, st.message());
        return st;
    }

    /** Reads a stand-in file. */
    @FunctionalInterface
    public interface Reader<S> {
        S read(Path file) throws IOException;
    }

    /** Tells whether a stand-in that otherwise matches must be written again. */
    @FunctionalInterface
    public interface Staleness {
        boolean stale(Path file) throws IOException;
    }

    /** Writes a stand-in (a file, or the files of a folder). */
    @FunctionalInterface
    public interface Writer {
        void write(Path target) throws IOException;
    }

    /**
     * A stand-in as read, and how it came to be ({@code generated earlier (…)}, {@code regenerated
     * (…)}, {@code generated now (was missing)}): the verification provenance records.
     */
    public record Standin<S>(S value, String how) {}

    /**
     * Keeps a one-file stand-in whose generator configuration is stored inside it up to date:
     * reads {@code file} when present and keeps it when {@code generator} of what was read equals
     * {@code want} (and {@code stale}, if given, says no); otherwise (missing, a different
     * configuration, stale, or a file that does not read) writes it with {@code write} and reads it back.
     *
     * @param staleHow the parenthesised reason recorded when {@code stale} says yes
     * @throws DataException if the stand-in cannot be written or read back
     */
    public static <S> Standin<S> standinFile(Path file, String want, Reader<? extends S> read,
            Function<? super S, String> generator, Staleness stale, String staleHow, Writer write) {
        String how;
        S s = null;
        if (Files.exists(file)) {
            try {
                s = read.read(file);
                if (!generator.apply(s).equals(want)) {
                    s = null;
                    how = "regenerated (stored generator config differed)";
                } else if (stale != null && stale.stale(file)) {
                    s = null;
                    how = "regenerated (" + staleHow + ")";
                } else {
                    how = "generated earlier (stored generator config matches)";
                }
            } catch (IOException | DataException e) {
                s = null;
                how = "regenerated (the old file did not read: " + e.getMessage() + ")";
            }
        } else {
            how = "generated now (was missing)";
        }
        if (s == null) {
            try {
                write.write(file);
                s = read.read(file);
            } catch (IOException e) {
                throw new DataException(file, "synthetic stand-in " + file + " could not be written or read back: " + e.getMessage(), e);
            }
        }
        return new Standin<>(s, how);
    }

    /**
     * Keeps a folder stand-in up to date: when {@code dir/generator.txt} holds {@code want} it is
     * kept; otherwise the folder is emptied, written with {@code write}, and {@code want} stored
     * last (so an interrupted write is redone next time).
     *
     * @param what names the stand-in in an error, e.g. {@code "N-MNIST stand-in"}
     * @return how it came to be ({@code generated earlier (…)}, {@code regenerated (…)}, {@code generated now (…)})
     * @throws DataException if it cannot be written
     */
    public static String standinFolder(Path dir, String want, String what, Writer write) {
        Path gen = dir.resolve(GENERATOR_FILE);
        String stored = null;
        try {
            if (Files.isRegularFile(gen)) stored = Files.readString(gen).strip();
        } catch (IOException e) {
            stored = null;
        }
        if (want.equals(stored)) return "generated earlier (stored generator config matches)";
        String how = stored == null ? "generated now (was missing)" : "regenerated (stored generator config differed)";
        try {
            Files.deleteIfExists(gen);
            deleteTree(dir);
            write.write(dir);
            AtomicFiles.writeString(gen, want + "\n");
        } catch (IOException e) {
            throw new DataException(dir, what + " " + dir + " could not be written: " + e.getMessage(), e);
        }
        return how;
    }

    /** Deletes everything under {@code dir} (deepest first), keeping {@code dir} itself. */
    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        List<Path> all;
        try (Stream<Path> s = Files.walk(dir)) {
            all = new ArrayList<>(s.toList());
        }
        all.sort((a, b) -> b.getNameCount() - a.getNameCount());
        for (Path p : all) if (!p.equals(dir)) Files.delete(p);
    }
}
