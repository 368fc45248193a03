package org.spikekit.data;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Checks shared by the HDF5 data readers: existence, the signature at offset 0, and truncation. */
final class Hdf5Files {
    private Hdf5Files() {}

    private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    /**
     * Refuses a missing, non-regular, non-HDF5 or truncated file with a {@link DataException}
     * naming {@code what} (e.g. "SHD file") and the path.
     */
    static void checkContainer(Path file, String what) {
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
            int version = b.remaining() > 8 ? b.get(8) & 0xff : -1;
            if ((version == 2 || version == 3) && b.remaining() >= 36 && (b.get(9) & 0xff) == 8) {
                long base = b.getLong(12), eof = b.getLong(28);
                if (eof > 0 && base + eof > size) {
                    throw new DataException(file, file + ": truncated HDF5 file: the superblock says it ends at byte "
                            + (base + eof) + " but it has " + size + " bytes; fetch or generate it again");
                }
            } else if ((version == 0 || version == 1) && b.remaining() >= 56 && (b.get(13) & 0xff) == 8) {
                int at = version == 0 ? 24 : 28;
                long base = b.getLong(at), eof = b.getLong(at + 16);
                if (eof > 0 && base + eof > size) {
                    throw new DataException(file, file + ": truncated HDF5 file: the superblock says it ends at byte "
                            + (base + eof) + " but it has " + size + " bytes; fetch or generate it again");
                }
            }
        } catch (IOException e) {
            throw new DataException(file, file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** A one-dimensional numeric Java array (any primitive or boxed type) as doubles; null if it is not one. */
    static double[] numbers(Object a) {
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
}
