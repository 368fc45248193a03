package org.spikekit.data.format;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.spikekit.data.DataException;

/**
 * A small reader and writer of gzip-compressed tar archives ({@code .tgz}, {@code .tar.gz}: npm
 * package tarballs, the CIFAR binary archives). Only what those need: regular files (type
 * {@code '0'} or NUL) in ustar or GNU format, names up to 100 bytes plus the ustar prefix, GNU
 * long names ({@code 'L'} records) and pax headers ({@code 'x'}, {@code 'g'}: their {@code path}
 * is honoured, the rest skipped); directories and other types are skipped. Entries are streamed,
 * so a large archive is never held in memory.
 */
public final class TarGz {
    private TarGz() {}

    /** Receives one regular file of the archive; {@code in} reads exactly its bytes. */
    @FunctionalInterface
    public interface Visitor {
        void entry(String name, long size, InputStream in) throws IOException;
    }

    /** Calls {@code visitor} for every regular file; a truncated or malformed archive is a {@link DataException}. */
    public static void forEach(Path archive, Visitor visitor) {
        try (InputStream raw = Files.newInputStream(archive)) {
            forEach(raw, archive.toString(), visitor);
        } catch (DataException e) {
            throw e;
        } catch (IOException e) {
            throw new DataException(archive, archive + ": cannot read as a gzip-compressed tar archive: " + e.getMessage(), e);
        }
    }

    /** As {@link #forEach(Path, Visitor)} on a gzip-compressed stream; {@code name} names it in errors. */
    public static void forEach(InputStream compressed, String name, Visitor visitor) throws IOException {
        InputStream in = new BufferedInputStream(new GZIPInputStream(compressed, 1 << 16), 1 << 16);
        byte[] hdr = new byte[512];
        String longName = null;
        while (true) {
            int got = in.readNBytes(hdr, 0, 512);
            if (got == 0) break; // tolerate a missing end-of-archive marker
            if (got < 512) throw new DataException(null, name + ": truncated tar archive (partial header block)");
            if (allZero(hdr)) break;
            if (!checksumOk(hdr)) throw new DataException(null, name + ": corrupt tar header (checksum mismatch)");
            String entry = cString(hdr, 0, 100);
            String magic = cString(hdr, 257, 6);
            if (magic.startsWith("ustar")) {
                String prefix = cString(hdr, 345, 155);
                if (!prefix.isEmpty()) entry = prefix + "/" + entry;
            }
            long size = octal(hdr, 124, 12, name);
            char type = (char) hdr[156];
            long padded = (size + 511) / 512 * 512;
            if (type == 'L' || type == 'x' || type == 'g') {
                byte[] body = readFully(in, size, name);
                skip(in, padded - size, name);
                if (type == 'L') {
                    longName = cString(body, 0, body.length);
                } else if (type == 'x') {
                    String p = paxPath(body);
                    if (p != null) longName = p;
                }
                continue;
            }
            if (longName != null) {
                entry = longName;
                longName = null;
            }
            if (type == '0' || type == 0 || type == '7') {
                Bounded b = new Bounded(in, size);
                visitor.entry(entry, size, b);
                skip(in, b.remaining, name);
                skip(in, padded - size, name);
            } else {
                skip(in, padded, name);
            }
        }
    }

    /** The regular files whose name {@code want} accepts, read whole into memory (for small entries). */
    public static Map<String, byte[]> read(Path archive, Predicate<String> want) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        forEach(archive, (name, size, in) -> {
            if (want.test(name)) out.put(name, in.readAllBytes());
        });
        return out;
    }

    /** Writes a {@code .tar.gz} holding {@code files} (name → bytes, in order) with a fixed mtime, so the output is reproducible. */
    public static void write(OutputStream target, Map<String, byte[]> files) throws IOException {
        GZIPOutputStream gz = new GZIPOutputStream(target, 1 << 16);
        for (var e : files.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            if (name.length > 100) throw new IllegalArgumentException("tar entry name longer than 100 bytes: " + e.getKey());
            byte[] hdr = new byte[512];
            System.arraycopy(name, 0, hdr, 0, name.length);
            putOctal(hdr, 100, 8, 0644);
            putOctal(hdr, 108, 8, 0);
            putOctal(hdr, 116, 8, 0);
            putOctal(hdr, 124, 12, e.getValue().length);
            putOctal(hdr, 136, 12, 0);
            hdr[156] = '0';
            byte[] magic = "ustar\u000000".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(magic, 0, hdr, 257, magic.length);
            for (int i = 148; i < 156; i++) hdr[i] = ' ';
            long sum = 0;
            for (byte b : hdr) sum += b & 0xFF;
            putOctal(hdr, 148, 7, sum);
            hdr[155] = ' ';
            gz.write(hdr);
            gz.write(e.getValue());
            int pad = (512 - e.getValue().length % 512) % 512;
            gz.write(new byte[pad]);
        }
        gz.write(new byte[1024]);
        gz.finish();
    }

    // ------------------------------------------------------------------ helpers

    private static boolean allZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private static boolean checksumOk(byte[] h) {
        long stored;
        try {
            stored = octal(h, 148, 8, "");
        } catch (DataException e) {
            return false;
        }
        long unsigned = 0, signed = 0;
        for (int i = 0; i < 512; i++) {
            int v = i >= 148 && i < 156 ? ' ' : h[i];
            unsigned += v & 0xFF;
            signed += (byte) v;
        }
        return stored == unsigned || stored == signed;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && end < b.length && b[end] != 0) end++;
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, int off, int len, String name) {
        if ((b[off] & 0x80) != 0) { // GNU base-256 size
            long v = b[off] & 0x7F;
            for (int i = off + 1; i < off + len; i++) v = (v << 8) | (b[i] & 0xFF);
            return v;
        }
        String s = cString(b, off, len).trim();
        if (s.isEmpty()) return 0;
        try {
            return Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new DataException(null, name + ": corrupt tar header (bad octal field '" + s + "')");
        }
    }

    private static void putOctal(byte[] b, int off, int len, long v) {
        String s = Long.toOctalString(v);
        String padded = "0".repeat(Math.max(0, len - 1 - s.length())) + s;
        byte[] bytes = padded.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, b, off, bytes.length);
        b[off + len - 1] = 0;
    }

    private static String paxPath(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        for (String line : s.split("\n")) {
            int sp = line.indexOf(' ');
            if (sp < 0) continue;
            String kv = line.substring(sp + 1);
            if (kv.startsWith("path=")) return kv.substring(5);
        }
        return null;
    }

    private static byte[] readFully(InputStream in, long n, String name) throws IOException {
        if (n > 1 << 20) throw new DataException(null, name + ": implausibly large tar extension header (" + n + " bytes)");
        byte[] b = in.readNBytes((int) n);
        if (b.length < n) throw new DataException(null, name + ": truncated tar archive");
        return b;
    }

    private static void skip(InputStream in, long n, String name) throws IOException {
        long left = n;
        byte[] buf = null;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (buf == null) buf = new byte[8192];
                int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (r < 0) throw new DataException(null, name + ": truncated tar archive (an entry ends early)");
                s = r;
            }
            left -= s;
        }
    }

    /** Reads at most {@code remaining} bytes of the underlying stream; close does nothing. */
    private static final class Bounded extends FilterInputStream {
        long remaining;

        Bounded(InputStream in, long size) {
            super(in);
            this.remaining = size;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) return -1;
            int r = super.read();
            if (r < 0) throw new IOException("truncated tar entry");
            remaining--;
            return r;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) return -1;
            int r = super.read(b, off, (int) Math.min(len, remaining));
            if (r < 0) throw new IOException("truncated tar entry");
            remaining -= r;
            return r;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(Math.min(n, remaining));
            remaining -= s;
            return s;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), remaining);
        }

        @Override
        public void close() {}

        @Override
        public boolean markSupported() { return false; }
    }

    /** {@code data} gzip-compressed (default level). */
    public static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(data);
        }
        return b.toByteArray();
    }
}
