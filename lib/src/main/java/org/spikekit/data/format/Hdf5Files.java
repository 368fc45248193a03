package org.spikekit.data.format;

import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.datatype.StringData;
import io.jhdf.object.datatype.VariableLength;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.spikekit.data.DataException;

/**
 * Checks shared by the HDF5 data readers of every data set (O'Doherty, Perich, Allen, SHD):
 * existence, the signature at offset 0, truncation, and the wording of types and shapes in their
 * error messages.
 */
public final class Hdf5Files {
    private Hdf5Files() {}

    private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    /**
     * Refuses a missing, non-regular, non-HDF5 or truncated file with a {@link DataException}
     * naming {@code what} (e.g. "SHD file") and the path.
     */
    public static void checkContainer(Path file, String what) {
        if (file == null) throw new DataException(null, what + ": no path given");
        if (!Files.exists(file)) throw new DataException(file, what + " not found: " + file);
        if (!Files.isRegularFile(file)) throw new DataException(file, what + " is not a regular file: " + file);
        try (FileChannel ch = FileChannel.open(file)) {
            long size = ch.size();
            ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining() && ch.read(b, b.position()) > 0) { /* fill */ }
            b.flip();
            if (b.remaining() < 8 || !Arrays.equals(Arrays.copyOf(b.array(), 8), SIGNATURE)) {
                throw new DataException(file, file + ": not an HDF5 file (no HDF5 signature at offset 0; " + size
                        + " bytes); expected the " + what + " layout");
            }
            long end = endOfFile(b);
            if (end > size) {
                throw new DataException(file, file + ": truncated HDF5 file: the superblock says it ends at byte "
                        + end + " but it has " + size + " bytes; fetch or generate it again");
            }
        } catch (IOException e) {
            throw new DataException(file, file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * The superblock's "end of file address", given the superblock's first bytes in {@code b}
     * (little-endian, from position 0; the superblock may sit after a user block); -1 when the
     * superblock version is unknown, its offsets are not 8 bytes wide, {@code b} is too short, or
     * the address is undefined or zero.
     *
     * <p>The address is absolute: the HDF5 File Format Specification (superblock, "End of File
     * Address") defines it as the absolute address of the first byte past the end of all HDF5
     * data, so it counts a user block too; libhdf5 stores base address + relative end of
     * allocation (a MATLAB v7.3 file with its 512-byte user block says "file size", not "file size
     * − 512"), and refuses a file shorter than it as truncated. Kit versions before this one wrote
     * the relative value (the file size less the user block): such a file reads as ending a
     * user block early, so it is never refused, though a truncation of fewer bytes than the user
     * block goes unnoticed here (the HDF5 reader then fails on the missing bytes).
     */
    public static long endOfFile(ByteBuffer b) {
        if (b.limit() < 9) return -1;
        int version = b.get(8) & 0xff;
        int sizeOfOffsets, eofAt;
        if (version == 0 || version == 1) {
            sizeOfOffsets = b.limit() > 13 ? b.get(13) & 0xff : -1;
            eofAt = (version == 0 ? 24 : 28) + 16; // after base address and free-space info address
        } else if (version == 2 || version == 3) {
            sizeOfOffsets = b.limit() > 9 ? b.get(9) & 0xff : -1;
            eofAt = 12 + 16; // after base address and superblock extension address
        } else {
            return -1;
        }
        if (sizeOfOffsets != 8 || b.limit() < eofAt + 8) return -1;
        long eof = b.getLong(eofAt);
        return eof == -1 || eof == 0 ? -1 : eof;
    }

    /** A one-dimensional numeric Java array (any primitive or boxed type) as doubles; null if it is not one. */
    public static double[] numbers(Object a) {
        if (a == null || !a.getClass().isArray() || a.getClass().getComponentType().isArray()) return null;
        switch (a) {
            case float[] f -> { double[] o = new double[f.length]; for (int i = 0; i < f.length; i++) o[i] = f[i]; return o; }
            case double[] d -> { return d.clone(); }
            case int[] v -> { double[] o = new double[v.length]; for (int i = 0; i < v.length; i++) o[i] = v[i]; return o; }
            case long[] v -> { double[] o = new double[v.length]; for (int i = 0; i < v.length; i++) o[i] = v[i]; return o; }
            case short[] v -> { double[] o = new double[v.length]; for (int i = 0; i < v.length; i++) o[i] = v[i]; return o; }
            case byte[] v -> { double[] o = new double[v.length]; for (int i = 0; i < v.length; i++) o[i] = v[i]; return o; }
            case char[] v -> { double[] o = new double[v.length]; for (int i = 0; i < v.length; i++) o[i] = v[i]; return o; }
            default -> { }
        }
        int n = Array.getLength(a);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            Object v = Array.get(a, i);
            if (!(v instanceof Number num)) return null;
            out[i] = num.doubleValue();
        }
        return out;
    }

    /** How an error message names an HDF5 datatype, e.g. {@code float64}, {@code uint8}, {@code variable-length strings}. */
    public static String typeName(DataType t) {
        if (t instanceof FloatingPoint) return "float" + t.getSize() * 8;
        if (t instanceof FixedPoint fp) return (fp.isSigned() ? "int" : "uint") + t.getSize() * 8;
        if (t instanceof StringData) return "fixed-length strings";
        if (t instanceof VariableLength vl) return vl.isVariableLengthString() ? "variable-length strings" : "variable-length sequences";
        return t.getClass().getSimpleName() + " (" + t.getSize() + " bytes)";
    }

    /** How an error message names a dataset shape: {@code scalar} or e.g. {@code 3 × 4}. */
    public static String shape(int[] dims) {
        if (dims.length == 0) return "scalar";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) sb.append(i == 0 ? "" : " × ").append(dims[i]);
        return sb.toString();
    }
}
