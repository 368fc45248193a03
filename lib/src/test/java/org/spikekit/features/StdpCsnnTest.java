package org.spikekit.features;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.spikekit.data.images.ImageSet;
import org.spikekit.data.images.SyntheticImages;
import org.spikekit.data.images.TrainTest;

class StdpCsnnTest {
    static TrainTest synth(String ds, int h, int w, int c, int classes, int n, long seed) {
        var cfg = new SyntheticImages.Config(ds, h, w, c, classes, n, classes * 2, seed);
        return SyntheticImages.generate(cfg, java.util.stream.IntStream.range(0, classes).mapToObj(i -> "c" + i).toList());
    }

    @Test
    void dogKernelMatchesHandComputation() {
        float[] k = StdpCsnn.dogKernel(7, 1f, 2f);
        // offsets -3..3 on both axes; Gaussian normalisation constants cancel after dividing by the sums
        double s1 = 0, s2 = 0;
        for (int i = -3; i <= 3; i++) for (int j = -3; j <= 3; j++) {
            s1 += Math.exp(-(i * i + j * j) / 2.0);
            s2 += Math.exp(-(i * i + j * j) / 8.0);
        }
        double centre = 1 / s1 - 1 / s2;
        double corner = Math.exp(-9.0) / s1 - Math.exp(-18.0 / 8) / s2;
        double edge = Math.exp(-0.5) / s1 - Math.exp(-1.0 / 8) / s2; // offset (0, 1)
        assertEquals(centre, k[3 * 7 + 3], 1e-6);
        assertEquals(corner, k[0], 1e-6);
        assertEquals(edge, k[3 * 7 + 4], 1e-6);
        // the numbers themselves, for the record: centre ≈ 0.112539, corner ≈ -0.004903
        assertEquals(0.112539, k[24], 2e-6);
        assertEquals(-0.0049027, k[0], 2e-6);
        double sum = 0;
        for (float v : k) sum += v;
        assertEquals(0, sum, 1e-6);
        for (int i = 0; i < 7; i++) for (int j = 0; j < 7; j++) assertEquals(k[i * 7 + j], k[j * 7 + i]);
    }

    @Test
    void dogFilterClampsEdgesAndSplitsSigns() {
        CsnnConfig cfg = CsnnConfig.mnist();
        StdpCsnn.Prefilter p = StdpCsnn.Prefilter.dog(cfg, 1);
        float[] k = StdpCsnn.dogKernel(7, 1, 2);
        // a constant image: every clamped window sums the kernel (≈ 0) → tiny responses
        float[] img = new float[10 * 10];
        Arrays.fill(img, 0.7f);
        float[] out = new float[10 * 10 * 2];
        p.apply(img, 10, 10, out);
        for (float v : out) assertEquals(0, v, 1e-6);
        // a single bright pixel at the corner (0,0): clamping makes it count for every out-of-image tap
        Arrays.fill(img, 0f);
        img[0] = 1f;
        p.apply(img, 10, 10, out);
        double v00 = 0; // output (0,0): taps (fy, fx) with fy, fx <= 3 all map to input (0,0)
        for (int fy = 0; fy <= 3; fy++) for (int fx = 0; fx <= 3; fx++) v00 += k[fy * 7 + fx];
        assertEquals(Math.max(0, v00), out[0], 1e-6);
        assertEquals(Math.max(0, -v00), out[1], 1e-6);
        // output (5,5): only tap (fy,fx)=(3-5+... ) none reaches (0,0) except clamped none → 0
        assertEquals(0, out[(5 * 10 + 5) * 2], 0);
        assertEquals(0, out[(5 * 10 + 5) * 2 + 1], 0);
    }

    @Test
    void latencyCodingAsInTheSimulator() {
        assertEquals(0.5f, StdpCsnn.latency(0.3f, 0.1f, 0.5f), 1e-7);
        assertEquals(0f, StdpCsnn.latency(0.5f, 0.1f, 0.5f));
        assertEquals(0f, StdpCsnn.latency(0.9f, 0.1f, 0.5f)); // above the training max: clipped at 0
        assertEquals(StdpCsnn.NO_SPIKE, StdpCsnn.latency(0.1f, 0.1f, 0.5f)); // t = 1: no spike
        assertEquals(StdpCsnn.NO_SPIKE, StdpCsnn.latency(0.4f, 0.4f, 0.4f)); // max = min: x' = 0
        assertEquals(1.25f, StdpCsnn.latency(0.0f, 0.1f, 0.5f), 1e-6); // below the training min: a late spike, as the original
    }

    @Test
    void singleStdpUpdateHandChecked() {
        // 4 inputs x 2 filters, update filter 1; t_post = 0.3
        float[] wT = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.99f, 0.5f, 0.01f};
        float[] pre = {0.2f, StdpCsnn.NO_SPIKE, 0.3f, 0.31f};
        StdpCsnn.stdp(wT, 2, 1, pre, 0.3f, 0.1f, 0.1f, 1f);
        assertEquals(0.5f + 0.1f * (float) Math.exp(-0.5), wT[1], 1e-7); // causal: LTP
        assertEquals(0.5606531f, wT[1], 1e-6);
        assertEquals(0.4393469f, wT[3], 1e-6); // never fired: LTD 0.5 - 0.1 e^{-0.5}
        assertEquals(1.0f, wT[5]); // t_pre == t_post counts as causal; 0.99 + 0.1 e^{-0.99} clipped to 1
        assertEquals(0.0f, wT[7]); // after the post spike: 0.01 - 0.1 e^{-0.99} clipped to 0
        for (int l = 0; l < 4; l++) assertEquals(l == 2 ? 0.5f : 0.5f, wT[2 * l]); // filter 0 untouched
    }

    @Test
    void thresholdUpdateHandChecked() {
        float[] th = {5f, 5f, 5f};
        StdpCsnn.updateThresholds(th, 1, 0.5f, 0.75f, 1f, 2f);
        // all: -1 * (0.5 - 0.75) = +0.25; winner +1; others -1/2
        assertArrayEquals(new float[] {4.75f, 6.25f, 4.75f}, th, 1e-6f);
        float[] low = {2.1f, 2.1f, 2.1f};
        StdpCsnn.updateThresholds(low, 0, 0.9f, 0.75f, 1f, 2f);
        // all -0.15 → 1.95; winner +1 → 2.95; others -0.5 → 1.45 → clamped to 2
        assertArrayEquals(new float[] {2.95f, 2f, 2f}, low, 1e-6f);
    }

    /** A naive reimplementation of inference (no bands, no vectors): per position, per filter, integrate sorted spikes. */
    static float[] reference(StdpCsnn net, ImageSet s, int i) {
        CsnnConfig cfg = net.config();
        int h = s.height(), w = s.width(), cin = s.channels(), pc = 2 * cin, k = cfg.kernel(), f = cfg.filters();
        StdpCsnn.Prefilter pre = cfg.preprocess() == CsnnConfig.Preprocess.DOG ? StdpCsnn.Prefilter.dog(cfg, cin) : null;
        float[] img = new float[h * w * cin];
        for (int q = 0; q < img.length; q++) img[q] = (s.pixels()[i * img.length + q] & 0xFF) / 255f;
        float[] feat = new float[h * w * pc];
        pre.apply(img, h, w, feat);
        float[] mn = net.scalingMin(), mx = net.scalingMax(), th = net.thresholds(), wts = net.weights();
        float[] t = new float[feat.length];
        for (int q = 0; q < feat.length; q++) t[q] = StdpCsnn.latency(feat[q], mn[q], mx[q]);
        int oh = h - k + 1, ow = w - k + 1;
        float[][] conv = new float[oh * ow][f];
        for (int oy = 0; oy < oh; oy++) for (int ox = 0; ox < ow; ox++) {
            // patch spikes sorted by (time, input index)
            java.util.List<int[]> sp = new java.util.ArrayList<>();
            for (int ky = 0; ky < k; ky++) for (int kx = 0; kx < k; kx++) for (int c = 0; c < pc; c++) {
                int g = ((oy + ky) * w + ox + kx) * pc + c;
                if (t[g] != StdpCsnn.NO_SPIKE) sp.add(new int[] {g, (ky * k + kx) * pc + c});
            }
            sp.sort((a, b) -> t[a[0]] != t[b[0]] ? Float.compare(t[a[0]], t[b[0]]) : Integer.compare(a[0], b[0]));
            for (int z = 0; z < f; z++) {
                float v = 0, first = StdpCsnn.NO_SPIKE;
                for (int[] e : sp) {
                    v += wts[z * k * k * pc + e[1]];
                    if (v >= th[z]) { first = t[e[0]]; break; }
                }
                conv[oy * ow + ox][z] = first;
            }
        }
        int p = cfg.pool(), st = cfg.poolStride(), ph = (oh - p) / st + 1, pw = (ow - p) / st + 1;
        float[] out = new float[ph * pw * f];
        for (int py = 0; py < ph; py++) for (int px = 0; px < pw; px++) for (int z = 0; z < f; z++) {
            float m = StdpCsnn.NO_SPIKE;
            for (int dy = 0; dy < p; dy++) for (int dx = 0; dx < p; dx++) m = Math.min(m, conv[(py * st + dy) * ow + px * st + dx][z]);
            out[(py * pw + px) * f + z] = Math.min(m, 1.0f);
        }
        return out;
    }

    @Test
    void fastInferenceEqualsTheNaiveReferenceAndPoolsEarliestSpikes() {
        TrainTest d = synth("mnist", 28, 28, 1, 10, 200, 3);
        StdpCsnn net = StdpCsnn.train(d.train(), CsnnConfig.mnist().withEpochs(2), 7, 2);
        assertArrayEquals(new int[] {6, 6, 128}, net.outputShape());
        assertEquals(4608, net.features());
        float[] x = net.extract(d.test(), 2);
        assertEquals(d.test().n() * 4608, x.length);
        int spikes = 0;
        for (int i = 0; i < 6; i++) {
            float[] ref = reference(net, d.test(), i);
            float[] got = Arrays.copyOfRange(x, i * 4608, (i + 1) * 4608);
            assertArrayEquals(ref, got, "image " + i);
            for (float v : got) if (v < 1) spikes++;
        }
        assertTrue(spikes > 0, "no feature spiked");
        // a filter count that is not a multiple of the vector length exercises the scalar tail
        StdpCsnn odd = StdpCsnn.train(d.train(), CsnnConfig.mnist().withEpochs(1).withFilters(13), 7, 1);
        float[] xo = odd.extract(d.test(), 1);
        assertArrayEquals(reference(odd, d.test(), 0), Arrays.copyOfRange(xo, 0, odd.features()));
    }

    @Test
    void trainingIsDeterministicAndExtractionIndependentOfThreadCount() {
        TrainTest d = synth("mnist", 28, 28, 1, 10, 300, 4);
        CsnnConfig cfg = CsnnConfig.mnist().withEpochs(3);
        StdpCsnn a = StdpCsnn.train(d.train(), cfg, 11, 1);
        StdpCsnn b = StdpCsnn.train(d.train(), cfg, 11, 3);
        assertArrayEquals(a.weights(), b.weights());
        assertArrayEquals(a.thresholds(), b.thresholds());
        assertArrayEquals(a.extract(d.test(), 1), b.extract(d.test(), 3));
        StdpCsnn c = StdpCsnn.train(d.train(), cfg, 12, 1);
        assertFalse(Arrays.equals(a.weights(), c.weights()), "another seed should give other weights");
    }

    @Test
    void theFitterShapeTrainsAsTrainDoes() {
        TrainTest d = synth("mnist", 28, 28, 1, 10, 200, 8);
        CsnnConfig cfg = CsnnConfig.mnist().withEpochs(2);
        org.spikekit.train.Fitter<ImageSet, StdpCsnn> fitter = new StdpCsnn.Trainer(cfg, 5, 1, null);
        StdpCsnn a = fitter.fit(d.train()), b = StdpCsnn.train(d.train(), cfg, 5, 1);
        assertArrayEquals(b.weights(), a.weights());
        assertArrayEquals(b.thresholds(), a.thresholds());
        assertFalse(Arrays.equals(StdpCsnn.train(d.train(), cfg.withEpochs(0), 5, 1).weights(), a.weights()), "it trained");
        assertThrows(IllegalArgumentException.class, () -> new StdpCsnn.Trainer(cfg, 5, 0, null));
    }

    @Test
    void trainingMovesThresholdsAndWeights() {
        TrainTest d = synth("mnist", 28, 28, 1, 10, 400, 5);
        CsnnConfig cfg = CsnnConfig.mnist().withEpochs(3);
        StdpCsnn net = StdpCsnn.train(d.train(), cfg, 1, 2);
        StdpCsnn init = StdpCsnn.train(d.train(), cfg.withEpochs(0), 1, 2);
        assertFalse(Arrays.equals(init.thresholds(), net.thresholds()));
        for (float t : net.thresholds()) assertTrue(t >= cfg.thMin());
        for (float v : net.weights()) assertTrue(v >= 0 && v <= 1);
        // weights moved away from the N(0.5, 0.01) start for at least the winning filters
        int moved = 0;
        float[] w0 = init.weights(), w1 = net.weights();
        for (int q = 0; q < w0.length; q++) if (Math.abs(w0[q] - w1[q]) > 0.05f) moved++;
        assertTrue(moved > w0.length / 20, "only " + moved + " weights moved");
    }

    @Test
    void colourImagesWithZcaGiveTheCifarShape() {
        TrainTest d = synth("cifar10", 32, 32, 3, 10, 60, 6);
        CsnnConfig cfg = new CsnnConfig("cifar10", CsnnConfig.Preprocess.ZCA, 7, 1, 2, 9, 0.01f, 3000, 16, 5, 10, 2, 0.95f, 1,
                0.1f, 0.1f, 1, 0.95f, 0.5f, 0.01f, 1, 4, 4, true, true);
        StdpCsnn net = StdpCsnn.train(d.train(), cfg, 0, 2);
        assertArrayEquals(new int[] {7, 7, 16}, net.outputShape());
        assertEquals(7 * 7 * 128, CsnnConfig.cifar10().filters() * 49);
        float[] x = net.extract(d.test(), 2);
        assertEquals(d.test().n() * 7 * 7 * 16, x.length);
        for (float v : x) assertTrue(v >= 0 && v <= 1);
        StdpCsnn again = StdpCsnn.train(d.train(), cfg, 0, 1);
        assertArrayEquals(x, again.extract(d.test(), 1));
    }

    @Test
    void jacobiDiagonalisesASymmetricMatrix() {
        double[][] a = {{4, 1, 2}, {1, 3, 0}, {2, 0, 5}};
        double[][] copy = {a[0].clone(), a[1].clone(), a[2].clone()};
        double[] e = new double[3];
        double[][] u = new double[3][3];
        Zca.jacobi(a, e, u);
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) {
            double r = 0;
            for (int k = 0; k < 3; k++) r += u[i][k] * e[k] * u[j][k];
            assertEquals(copy[i][j], r, 1e-9);
        }
        assertEquals(12, e[0] + e[1] + e[2], 1e-9); // trace
        assertArrayEquals(new int[] {0, 1, 2, 6}, Zca.balancedRows(6, 3)); // triangle rows of 6,5,4,3,2,1 entries
    }

    @Test
    void configsCarryThePerDatasetValues() {
        assertEquals(0.75f, CsnnConfig.mnist().tObj());
        assertEquals(0.80f, CsnnConfig.fashionMnist().tObj());
        assertEquals(0.95f, CsnnConfig.cifar10().tObj());
        assertEquals(10f, CsnnConfig.cifar100().thInit());
        assertEquals(5f, CsnnConfig.forDataset("fashion-mnist").thInit());
        assertEquals(CsnnConfig.Preprocess.ZCA, CsnnConfig.cifar10().preprocess());
        assertNotEquals(CsnnConfig.mnist().hash(), CsnnConfig.mnist().withEpochs(5).hash());
        assertEquals(12, CsnnConfig.mnist().hash().length());
        assertThrows(IllegalArgumentException.class, () -> CsnnConfig.forDataset("svhn"));
        assertEquals(List.of(100), List.of(CsnnConfig.mnist().epochs()));
        new SplittableRandom(0);
    }
}
