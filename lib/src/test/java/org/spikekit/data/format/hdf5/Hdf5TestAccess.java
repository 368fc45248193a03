package org.spikekit.data.format.hdf5;

/** Test-only access: datasets the writer's public API does not offer (int16 storage, as some NWB files use), its checksum. */
public final class Hdf5TestAccess {
    private Hdf5TestAccess() {}

    /** A signed 16-bit integer dataset of the given HDF5 dimensions, data in row-major order. */
    public static Hdf5Writer.Dataset int16(Hdf5Writer.Group g, String name, long[] dims, short[] data) {
        Hdf5Writer.Out o = new Hdf5Writer.Out();
        for (short v : data) o.u16(v);
        return g.link(name, new Hdf5Writer.Dataset(new Hdf5Writer.DType(0, 2, true), dims, o.toBytes(), null, data.length));
    }

    /** The lookup3 checksum the writer puts after superblocks and object headers. */
    public static int lookup3(byte[] b, int offset, int length) {
        return Lookup3.hash(b, offset, length);
    }
}
