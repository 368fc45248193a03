"""Peer harness: the Blocks paper's layers (webstorms/Blocks, src/models.py ModelBuilder) timed on the CPU.

Usage (driven by org.spikekit.bench.PeerBench, see peerlib.py): PYTHON blocks_peer.py CHECKOUT THREADS
Case `standard` or `blocks` with N, B, T, arp, nin: one recurrent ALIF layer built exactly as the
authors' scripts/run_benchmarks.py builds it (ModelBuilder(method, T, arp, nin, N, n_layers=1):
β = p = 0.9, multi-Gaussian surrogate, input weights U(±1/√nin), identity recurrence), timed as their
src/benchmark.py times it: forward of a batch of synthetic spikes, then loss = output.sum() and
backward; the time is forward + backward, after one untimed warm-up call. Their Benchmarker calls torch.cuda.synchronize(), so it is
not used; this harness times the same two calls on the CPU (the layers allocate their state on the
input's device, so nothing else changes). Gradients are cleared between runs (set to None).

Input: as their src/datasets/synthetic.py SyntheticSpikes: per sample a rate r ~ U(0, 200), per
channel and step Poisson(r/T) counts clipped at 1; shape [B, nin, T]; one fixed batch.

brainbox: their models import brainbox.models.BBModel (webstorms/BrainBox on PyPI, not in Debian).
When brainbox is not installed, a stand-in is registered: an nn.Module with the `hyperparams`
property and the three weight initialisations the layers call (uniform, identity, constant). It
only runs at construction, so the timed calls are the authors' code alone; `ready` says which ran.
"""
import sys
import types

import torch
import peerlib

checkout, threads = sys.argv[1], int(sys.argv[2])
torch.set_num_threads(threads)
torch.manual_seed(0)


def brainbox_or_stand_in():
    try:
        import brainbox.models  # noqa: F401
        return "brainbox " + getattr(sys.modules["brainbox"], "__version__", "installed")
    except ImportError:
        pass

    class BBModel(torch.nn.Module):
        """Stand-in for brainbox.models.BBModel: hyperparams and init_weight only."""

        @property
        def hyperparams(self):
            return {"name": type(self).__name__}

        def init_weight(self, weight, init_type, **kw):
            with torch.no_grad():
                if init_type == "uniform":
                    weight.uniform_(kw.get("a", 0.0), kw.get("b", 1.0))
                elif init_type == "identity":
                    weight.copy_(torch.eye(weight.shape[0], weight.shape[1]) * kw.get("c", 1.0))
                elif init_type == "constant":
                    weight.fill_(kw.get("c", 0.42))
                else:
                    raise NotImplementedError(f"brainbox stand-in: init '{init_type}' (install brainbox for it)")

    pkg = types.ModuleType("brainbox")
    models = types.ModuleType("brainbox.models")
    models.BBModel = BBModel
    pkg.models = models
    sys.modules["brainbox"], sys.modules["brainbox.models"] = pkg, models
    return "brainbox stand-in (not installed)"


brainbox = brainbox_or_stand_in()
peerlib.add_checkout(checkout, ["src/models.py", "src/snn/snn.py", "src/snn/block/blocks.py"])
from src.models import ModelBuilder  # noqa: E402  (the authors' module, from the checkout)


def synthetic_spikes(b, nin, t):
    rate = torch.empty(b, 1, 1).uniform_(0, 200)
    return torch.poisson((rate / t).expand(b, nin, t)).clamp_(max=1)


def setup(case, p):
    if case not in ("standard", "blocks"):
        raise ValueError(f"unknown Blocks case '{case}' (expected standard or blocks)")
    n, b, t, arp, nin = (int(p[k]) for k in ("N", "B", "T", "arp", "nin"))
    model = ModelBuilder(case, t, arp, nin, n, 1)
    x = synthetic_spikes(b, nin, t)

    def run():
        for prm in model.parameters():
            prm.grad = None
        out = model(x)
        out.sum().backward()
        return out

    rate = run().mean().item()  # warm-up: the first call allocates (their benchmark also drops its first batch)
    return (lambda: peerlib.elapsed_ms(run)), f"ModelBuilder('{case}') on cpu; {brainbox}; firing rate {rate:.4f}"


peerlib.serve(lambda: f"torch {torch.__version__} threads={torch.get_num_threads()}", setup)
