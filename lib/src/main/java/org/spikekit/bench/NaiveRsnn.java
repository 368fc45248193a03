package org.spikekit.bench;

import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.Tensor;
import org.spikekit.model.Rsnn;
import org.spikekit.neuron.LeakyReadout;
import org.spikekit.neuron.LifCoeffs;
import org.spikekit.neuron.LifNeuron;
import org.spikekit.neuron.LifParams;
import org.spikekit.neuron.ReadoutNeuron;
import org.spikekit.neuron.ReadoutParams;
import org.spikekit.neuron.RecurrentLifLayer;
import org.spikekit.neuron.Timescales;

/**
 * The baseline of {@link RsnnBench}'s training comparison: the same {@link Rsnn} (same
 * {@link org.spikekit.core.Parameter}s, read and written in place) run the textbook way, one time
 * step at a time from {@link Backend} primitives only. Per step of the forward pass: a gemm for
 * the input projection {@code x[n]·W}, a gemm for the recurrent input {@code S[n]·V}, the LIF
 * update as separate elementwise ops (the per-step primitives of {@link LifNeuron}, iterated), a gemm for the readout current, the readout update
 * ({@link ReadoutNeuron#advance}), a gemm
 * for the head mean. The backward pass walks the steps in reverse with the same granularity
 * (per step: readout recurrence, {@code dS = dh_ro·W_roᵀ}, {@code dS += dI·Vᵀ}, surrogate, LIF
 * adjoint, and the per-step weight-gradient gemms {@code dW += x[n]ᵀ·dh[n]},
 * {@code dV += S[n]ᵀ·dI}, {@code dW_ro += S[n]ᵀ·dh_ro[n]}, plus {@code dx[n] = dh[n]·Wᵀ}, which the
 * fused path computes too).
 *
 * <p>Contrast with the fused path of {@link Rsnn}: whole-sequence gemms for the input projection,
 * readout current and weight gradients, and a fused LIF kernel with event-driven recurrence.
 * The synaptic delays of the model's layers are honoured (2 steps as released: each step's update
 * consumes the previous step's input, recurrent and readout currents). Dropout is not modelled (the benchmark runs both paths without dropout). All buffers are
 * allocated once per sequence shape, so the comparison measures fusion, not allocation.
 * {@code NaiveRsnnTest} holds the predictions and gradients to the fused path.
 */
final class NaiveRsnn {
    private final Backend be;
    private final Rsnn m;
    private final int in, n, units, outs;
    private final LifParams lp;
    private final ReadoutParams rp;
    private final Tensor headMean, tauMem0, tauSyn0;

    // per-shape buffers
    private int t = -1, b = -1;
    private Tensor h, spk, tu, ti, ty, tir, hr, pred;
    private Tensor u, i, y, ir, a, mm, tmp, tmp2, tmpR, tmpR2;
    private Tensor dU, dI, dS, dM, g, gx, dY, dIr, gyu, ghr, zeroN, zeroU, dC, dC2, dCr, dCr2;

    NaiveRsnn(Rsnn model) {
        m = model;
        be = model.backend();
        RecurrentLifLayer hid = model.hiddenLayer();
        LeakyReadout ro = model.readout();
        in = model.inputs();
        n = model.config().hidden();
        outs = model.outputs();
        units = ro.units();
        lp = hid.params();
        rp = ro.params();
        int heads = rp.headCount();
        float[] mean = new float[units * outs], tm = new float[units], ts = new float[units];
        for (int hd = 0; hd < heads; hd++) {
            for (int o = 0; o < outs; o++) {
                int uo = hd * outs + o;
                mean[uo * outs + o] = 1f / heads;
                tm[uo] = (float) rp.heads().get(hd).tauMemS();
                ts[uo] = (float) rp.heads().get(hd).tauSynS();
            }
        }
        headMean = be.fromHost(mean, units, outs);
        tauMem0 = be.fromHost(tm, units);
        tauSyn0 = be.fromHost(ts, units);
    }

    private void buffers(int steps, int batch) {
        if (steps == t && batch == b) return;
        t = steps;
        b = batch;
        h = be.zeros(t, b, n); spk = be.zeros(t, b, n); tu = be.zeros(t, b, n); ti = be.zeros(t, b, n);
        ty = be.zeros(t, b, units); tir = be.zeros(t, b, units); hr = be.zeros(t, b, units); pred = be.zeros(t, b, outs);
        u = be.zeros(b, n); i = be.zeros(b, n); a = be.zeros(b, n); mm = be.zeros(b, n);
        tmp = be.zeros(b, n); tmp2 = be.zeros(b, n);
        y = be.zeros(b, units); ir = be.zeros(b, units); tmpR = be.zeros(b, units); tmpR2 = be.zeros(b, units);
        dU = be.zeros(b, n); dI = be.zeros(b, n); dS = be.zeros(b, n); dM = be.zeros(b, n); g = be.zeros(b, n);
        gx = be.zeros(b, in);
        dY = be.zeros(b, units); dIr = be.zeros(b, units); gyu = be.zeros(b, units); ghr = be.zeros(b, units);
        zeroN = be.zeros(b, n); zeroU = be.zeros(b, units);
        dC = be.zeros(b, n); dC2 = be.zeros(b, n); dCr = be.zeros(b, units); dCr2 = be.zeros(b, units);
    }

    /** What backward needs besides the buffers: the input and the decays of this forward. */
    record Pass(Tensor x, Tensor prediction, Tensor spikes, LifCoeffs c, Tensor oneMinusBm, Tensor rbm, Tensor rbs,
                Tensor oneMinusRbm) {}

    /**
     * Forward without dropout over {@code x [T, B, in]}. The returned tensors are this object's
     * buffers: valid until the next call with another shape or the next forward.
     */
    Pass forward(Tensor x) {
        x.requireShape("NaiveRsnn input", x.dim(0), x.dim(1), in);
        buffers(x.dim(0), x.dim(1));
        RecurrentLifLayer hid = m.hiddenLayer();
        LeakyReadout ro = m.readout();
        LifCoeffs c = hid.coefficients();
        Tensor obm = LifNeuron.oneMinusBetaMem(be, c);
        Tensor rbm = Timescales.betas(be, ro.tauMemRaw().value(), tauMem0, rp.dtS());
        Tensor rbs = Timescales.betas(be, ro.tauSynRaw().value(), tauSyn0, rp.dtS());
        Tensor robm = be.zeros(units);
        be.affine(rbm, -1f, 1f, robm);
        Tensor w = hid.w().value(), v = hid.v().value(), wro = ro.w().value();
        be.fill(u, 0f);
        be.fill(i, 0f);
        be.fill(y, rp.y0());
        be.fill(ir, 0f);
        boolean late = lp.synapticDelay() == 2, lateR = rp.synapticDelay() == 2;
        for (int k = 0; k < t; k++) {
            Tensor hk = h.slice0(k), s = spk.slice0(k), hrk = hr.slice0(k);
            Tensor cin = late ? (k == 0 ? zeroN : h.slice0(k - 1)) : hk;            // the input this update consumes
            Tensor cinR = lateR ? (k == 0 ? zeroU : hr.slice0(k - 1)) : hrk;
            be.gemm(false, false, 1f, x.slice0(k), w, 0f, hk);          // input projection of this step
            be.copy(u, tu.slice0(k));
            be.copy(i, ti.slice0(k));
            LifNeuron.fire(be, lp, c, u, a, s);
            be.gemm(false, false, 1f, s, v, 1f, hk);                     // recurrent input S·V
            LifNeuron.advance(be, lp.reset(), c, obm, u, i, s, cin, mm, tmp);
            // readout
            be.gemm(false, false, 1f, s, wro, 0f, hrk);
            be.copy(y, ty.slice0(k));
            be.copy(ir, tir.slice0(k));
            ReadoutNeuron.advance(be, rbm, robm, rbs, y, ir, cinR, tmpR);
            be.gemm(false, false, 1f, y, headMean, 0f, pred.slice0(k));
        }
        return new Pass(x, pred, spk, c, obm, rbm, rbs, robm);
    }

    /** BPTT of the last {@link #forward}; ADDS into the model's parameter gradients (as {@link Rsnn#backward}). */
    void backward(Pass p, Tensor gradPrediction) {
        gradPrediction.requireShape("NaiveRsnn gradPrediction", t, b, outs);
        RecurrentLifLayer hid = m.hiddenLayer();
        LeakyReadout ro = m.readout();
        LifCoeffs c = p.c();
        Tensor w = hid.w().value(), v = hid.v().value(), wro = ro.w().value();
        Tensor gBm = be.zeros(n), gBs = be.zeros(n), gTh = be.zeros(n), gRbm = be.zeros(units), gRbs = be.zeros(units);
        be.fill(dU, 0f); be.fill(dI, 0f); be.fill(dY, 0f); be.fill(dIr, 0f); be.fill(dC, 0f); be.fill(dCr, 0f);
        boolean late = lp.synapticDelay() == 2, lateR = rp.synapticDelay() == 2;
        for (int k = t - 1; k >= 0; k--) {
            Tensor s = p.spikes().slice0(k), uk = tu.slice0(k), ik = ti.slice0(k);
            // dL/dc[k] of the currents emitted at step k: dL/dI[k+1] (delay 1) or dL/dI[k+2] (delay 2, kept
            // from the step after); the values of dI, dIr now become that of step k − 1
            Tensor dck = dI, dcrk = dIr;
            if (late) { Tensor q = dC2; dC2 = dC; dC = q; be.copy(dI, dC); dck = dC2; }
            if (lateR) { Tensor q = dCr2; dCr2 = dCr; dCr = q; be.copy(dIr, dCr); dcrk = dCr2; }
            // readout step k
            be.gemm(false, true, 1f, gradPrediction.slice0(k), headMean, 0f, gyu);
            be.zip(BinaryOp.ADD, dY, gyu, dY);                           // dL/dY[k+1]
            be.copy(dcrk, ghr);                                          // dL/dh_ro[k]
            be.zip(BinaryOp.SUB, ty.slice0(k), tir.slice0(k), tmpR);
            be.zip(BinaryOp.MUL, tmpR, dY, tmpR);
            be.sumRows(tmpR, 1f, gRbm);
            be.zip(BinaryOp.MUL, dIr, tir.slice0(k), tmpR);
            be.sumRows(tmpR, 1f, gRbs);
            be.zipRow(BinaryOp.MUL, dIr, p.rbs(), tmpR);
            be.zipRow(BinaryOp.MUL, dY, p.oneMinusRbm(), tmpR2);
            be.zip(BinaryOp.ADD, tmpR, tmpR2, dIr);
            be.zipRow(BinaryOp.MUL, dY, p.rbm(), dY);
            be.gemm(true, false, 1f, s, ghr, 1f, ro.w().grad());         // dW_ro += S[k]ᵀ·dh_ro[k]
            be.gemm(false, true, 1f, ghr, wro, 0f, dS);                  // dS = dh_ro·W_roᵀ
            // hidden step k; dck = dL/dc[k]
            be.gemm(false, true, 1f, dck, v, 1f, dS);                    // dS += dc·Vᵀ
            be.gemm(true, false, 1f, s, dck, 1f, hid.v().grad());       // dV += S[k]ᵀ·dc
            be.gemm(true, false, 1f, p.x().slice0(k), dck, 1f, hid.w().grad());  // dW += x[k]ᵀ·dc[k]
            be.gemm(false, true, 1f, dck, w, 0f, gx);                    // dx[k] = dc[k]·Wᵀ
            LifNeuron.adjoint(be, lp, c, p.oneMinusBm(), uk, ik, s, dU, dI, dS, gBm, gBs, gTh, dM, mm, a, g, tmp, tmp2);
        }
        Timescales.backward(be, hid.tauMemRaw().value(), c.betaMem(), lp.tauMemS(), lp.dtS(), gBm, hid.tauMemRaw().grad());
        Timescales.backward(be, hid.tauSynRaw().value(), c.betaSyn(), lp.tauSynS(), lp.dtS(), gBs, hid.tauSynRaw().grad());
        be.axpby(-1f, gTh, 1f, hid.threshold().grad());
        Timescales.backward(be, ro.tauMemRaw().value(), p.rbm(), tauMem0, rp.dtS(), gRbm, ro.tauMemRaw().grad());
        Timescales.backward(be, ro.tauSynRaw().value(), p.rbs(), tauSyn0, rp.dtS(), gRbs, ro.tauSynRaw().grad());
    }
}
