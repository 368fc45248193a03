package org.spikekit.data.format.hdf5;

/**
 * Bob Jenkins' lookup3 {@code hashlittle} (public domain, 2006), the checksum HDF5 uses for
 * version 2 superblocks and version 2 object headers (initial value 0). Written from the
 * algorithm's description: 12-byte blocks mixed with {@code mix}, a zero-padded last block of 1..12
 * bytes, then {@code final}; an empty input returns the initial state.
 */
final class Lookup3 {
    private Lookup3() {}

    static int hash(byte[] k, int off, int len) {
        int a = 0xdeadbeef + len;
        int b = a;
        int c = a;
        int i = off;
        int n = len;
        while (n > 12) {
            a += le32(k, i, 4);
            b += le32(k, i + 4, 4);
            c += le32(k, i + 8, 4);
            a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
            a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
            n -= 12;
            i += 12;
        }
        if (n == 0) return c;
        a += le32(k, i, Math.min(n, 4));
        if (n > 4) b += le32(k, i + 4, Math.min(n - 4, 4));
        if (n > 8) c += le32(k, i + 8, n - 8);
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return c;
    }

    /** Little-endian value of the {@code count} (1..4) bytes at {@code i}; missing bytes are 0. */
    private static int le32(byte[] k, int i, int count) {
        int v = 0;
        for (int j = 0; j < count; j++) v |= (k[i + j] & 0xff) << (8 * j);
        return v;
    }
}
