package org.spikekit.model;

import java.nio.file.Path;
import org.spikekit.data.format.Npy;

/**
 * The reference forward pass of a released checkpoint ({@code golden-indy01-tinyRSNN-1/} of the
 * {@code rsnn-released} set; semantics in that set's README): seeded input spikes, the hidden
 * spikes and predictions of the authors' float16 model, and the float16 decay factors.
 *
 * @param steps         time steps T
 * @param input         {@code [T, inputs]} float32 spikes (0/1), row-major
 * @param spikes        {@code [T, hidden]} hidden spikes
 * @param pred          {@code [T, 2]} predictions Y[k]
 * @param betasHidden   {@code [2, hidden]} float16 bit patterns, row 0 β_syn, row 1 β_mem
 * @param betasReadout  {@code [2, 2]} float16 bit patterns, row 0 β_syn, row 1 β_mem
 */
public record ReleasedGolden(int steps, int inputs, int hidden, float[] input, float[] spikes, float[] pred,
                             short[] betasHidden, short[] betasReadout) {

    /** Reads {@code input.npy}, {@code spikes.npy}, {@code pred.npy}, {@code betas_hidden.npy}, {@code betas_readout.npy}. */
    public static ReleasedGolden read(Path dir) {
        Npy.Array in = Npy.read(dir.resolve("input.npy")).requireShape(-1, -1);
        int t = in.shape()[0], n = in.shape()[1];
        Npy.Array s = Npy.read(dir.resolve("spikes.npy")).requireShape(t, -1);
        int h = s.shape()[1];
        Npy.Array p = Npy.read(dir.resolve("pred.npy")).requireShape(t, 2);
        Npy.Array bh = Npy.read(dir.resolve("betas_hidden.npy")).requireShape(2, h);
        Npy.Array br = Npy.read(dir.resolve("betas_readout.npy")).requireShape(2, 2);
        return new ReleasedGolden(t, n, h, in.floats(), s.floats(), p.floats(), bh.float16Bits(), br.float16Bits());
    }
}
