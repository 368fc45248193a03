package org.spikekit.data.spiking;

import org.spikekit.data.images.ImageSet;

/** Test fixtures of the data package for tests elsewhere. */
public final class NMnistFileTestAccess {
    private NMnistFileTestAccess() {}

    /** Ten 28x28 box "digits" (see {@link NMnistFileTest#boxes}). */
    public static ImageSet boxes() { return NMnistFileTest.boxes(); }
}
