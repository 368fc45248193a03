"""Peer harness: the tinyRSNN / wider RSNN written as an eager PyTorch loop, the way stork and
snnTorch users write a recurrent LIF decoder (one Python step per time bin), trained by BPTT.

This model is the kit's own code (no checkout needed); it stands for "the same model in PyTorch".
Usage (driven by org.spikekit.bench.PeerBench, see peerlib.py): PYTHON rsnn_eager.py - THREADS
Case `train` with inputs, hidden, outputs, B, T: one training step = forward over T bins + MSE loss
+ backward + Adam step, timed as a whole after two untimed steps.

Dynamics (as the kit's Rsnn with LifParams.rsnn() and a single readout head): Δt = 4 ms; hidden
current-based LIF with per-neuron learnable τ_syn (10 ms) and τ_mem (20 ms), I ← αI + W x_t + V s_{t−1},
U ← (βU + (1−β)I)(1 − s_{t−1}) (reset to zero, reset detached), s_t = H(U − 1) with the SuperSpike
surrogate 1/(20|U−1| + 1)²; readout leaky integrator (τ_syn 10 ms, τ_mem 50 ms, learnable) on the
hidden spikes, its membrane is the prediction. Connections deliver in one step here (the released
model's two-step synaptic delay changes no cost). Weights: PyTorch's Linear init, the input
weights ×10 so the hidden layer fires at a few Hz as the kit's calibrated model does (the dense
loop's cost does not depend on the rate; `ready` reports it). Input: Bernoulli spikes at 0.02 per channel and bin,
targets N(0, 1), as the kit side.
"""
import sys

import torch
import peerlib

torch.set_num_threads(int(sys.argv[2]))
torch.manual_seed(0)
DT = 4e-3
INPUT_GAIN = 10.0  # PyTorch's default init ×10: the hidden layer fires at a few Hz (≈ 3.6 Hz for 64 neurons)


class SuperSpike(torch.autograd.Function):
    @staticmethod
    def forward(ctx, v):
        ctx.save_for_backward(v)
        return (v > 0).to(v.dtype)

    @staticmethod
    def backward(ctx, grad):
        v, = ctx.saved_tensors
        return grad / (20.0 * v.abs() + 1.0) ** 2


class EagerRsnn(torch.nn.Module):
    def __init__(self, n_in, n_hidden, n_out):
        super().__init__()
        self.w_in = torch.nn.Linear(n_in, n_hidden, bias=False)
        self.w_rec = torch.nn.Linear(n_hidden, n_hidden, bias=False)
        self.w_out = torch.nn.Linear(n_hidden, n_out, bias=False)
        self.tau_syn = torch.nn.Parameter(torch.full((n_hidden,), 10e-3))
        self.tau_mem = torch.nn.Parameter(torch.full((n_hidden,), 20e-3))
        self.tau_syn_out = torch.nn.Parameter(torch.full((n_out,), 10e-3))
        self.tau_mem_out = torch.nn.Parameter(torch.full((n_out,), 50e-3))

    def forward(self, x):  # x: [T, B, n_in]
        alpha, beta = torch.exp(-DT / self.tau_syn), torch.exp(-DT / self.tau_mem)
        alpha_o, beta_o = torch.exp(-DT / self.tau_syn_out), torch.exp(-DT / self.tau_mem_out)
        b = x.shape[1]
        syn = x.new_zeros(b, self.w_rec.in_features)
        mem, spk = torch.zeros_like(syn), torch.zeros_like(syn)
        syn_o = x.new_zeros(b, self.w_out.out_features)
        mem_o = torch.zeros_like(syn_o)
        outputs, spikes = [], 0.0
        for x_t in x:
            syn = alpha * syn + self.w_in(x_t) + self.w_rec(spk)
            mem = (beta * mem + (1 - beta) * syn) * (1 - spk.detach())
            spk = SuperSpike.apply(mem - 1.0)
            syn_o = alpha_o * syn_o + self.w_out(spk)
            mem_o = beta_o * mem_o + (1 - beta_o) * syn_o
            outputs.append(mem_o)
            spikes += spk.detach().sum()
        self.rate = float(spikes) / (x.shape[0] * b * self.w_rec.in_features)
        return torch.stack(outputs)


def setup(case, p):
    if case != "train":
        raise ValueError(f"unknown RSNN case '{case}' (expected train)")
    n_in, n_h, n_out, b, t = (int(p[k]) for k in ("inputs", "hidden", "outputs", "B", "T"))
    net = EagerRsnn(n_in, n_h, n_out)
    with torch.no_grad():
        net.w_in.weight.mul_(INPUT_GAIN)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x = (torch.rand(t, b, n_in) < 0.02).float()
    y = torch.randn(t, b, n_out)

    def step():
        opt.zero_grad(set_to_none=True)
        torch.nn.functional.mse_loss(net(x), y).backward()
        opt.step()

    step()
    step()
    return (lambda: peerlib.elapsed_ms(step)), f"eager PyTorch loop (env/peers/rsnn_eager.py); hidden rate {net.rate / DT:.1f} Hz"


peerlib.serve(lambda: f"torch {torch.__version__} threads={torch.get_num_threads()}", setup)
