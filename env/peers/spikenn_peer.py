"""Peer harness: the SpikeNN readout (ggoupy/SpikeNN, app/readout.py Readout + spikenn/, numba) timed on the CPU.

Usage (driven by org.spikekit.bench.PeerBench, see peerlib.py): PYTHON spikenn_peer.py CHECKOUT THREADS
Cases `train` and `infer` with rule, theta, data: the authors' config
CHECKOUT/config/STDP-CSNN/MNIST/<rule>.json, with the firing threshold set to `theta` (the kit's
SpikeNnBench scales it to the synthetic input) and one epoch; the data are the kit's synthetic
samples, written by the Java side as dense first-spike times (DATA/train_x.npy [n, D] float32,
train_y.npy, test_x.npy, test_y.npy, max_time.txt) and turned into the authors' SpikingDataset with
their own SpikingDataset.from_numpy. `train` times Readout.fit over the training set (one epoch:
forward, regulation, STDP update per sample), `infer` times Readout.predict over the test set.
The same Readout keeps training from one timed run to the next, as the kit's trainer does.
Warm-up (numba compiles every jitted function at its first call): one fit and one predict on the
first 200 samples, untimed. The authors' code is single-threaded (numba @njit without parallel);
THREADS is ignored. app/readout.py imports tqdm (progress bar, disabled off a terminal); when tqdm
is not installed a pass-through stand-in is registered.
"""
import json
import os
import sys
import types

import numpy as np
import peerlib

checkout = sys.argv[1]


def tqdm_or_stand_in():
    try:
        import tqdm  # noqa: F401
        return "tqdm " + tqdm.__version__
    except ImportError:
        stand_in = types.ModuleType("tqdm")
        stand_in.tqdm = lambda iterable, *a, **k: iterable
        sys.modules["tqdm"] = stand_in
        return "tqdm stand-in (not installed)"


tqdm_info = tqdm_or_stand_in()
peerlib.add_checkout(checkout, ["app/readout.py", "spikenn/dataset.py", "spikenn/snn.py", "spikenn/train.py"])
sys.path.insert(0, os.path.join(checkout, "app"))
import numba  # noqa: E402
from readout import Readout  # noqa: E402  (the authors' modules, from the checkout)
from spikenn.dataset import SpikingDataset  # noqa: E402

_data = {}


def load(data_dir):
    if data_dir not in _data:
        with open(os.path.join(data_dir, "max_time.txt")) as f:
            max_time = float(f.read())
        sets = {}
        for split in ("train", "test"):
            x = np.load(os.path.join(data_dir, f"{split}_x.npy"))
            y = np.load(os.path.join(data_dir, f"{split}_y.npy"))
            sets[split] = (SpikingDataset.from_numpy(x, y, max_time), SpikingDataset.from_numpy(x[:200], y[:200], max_time))
        _data[data_dir] = (sets, max_time)
    return _data[data_dir]


def setup(case, p):
    if case not in ("train", "infer"):
        raise ValueError(f"unknown SpikeNN case '{case}' (expected train or infer)")
    cfg_file = os.path.join(checkout, "config", "STDP-CSNN", "MNIST", p["rule"] + ".json")
    if not os.path.exists(cfg_file):
        raise FileNotFoundError(f"no config {cfg_file} in the SpikeNN checkout")
    with open(cfg_file) as f:
        config = json.load(f)
    config["network"][-1]["firing_threshold"] = float(p["theta"])
    config["trainer"]["epochs"], config["trainer"]["early_stopping"] = 1, 0
    sets, max_time = load(p["data"])
    train, train_small = sets["train"]
    test, test_small = sets["test"]
    np.random.seed(0)
    n_classes = int(len(np.unique(train.labels)))
    model = Readout.init_from_dict(config, train.shape[1], n_classes, None, max_time)
    model.fit(train_dataset=train_small)  # warm-up: numba compiles here
    model.predict(test_small)
    if case == "train":
        timed = lambda: peerlib.elapsed_ms(lambda: model.fit(train_dataset=train))  # noqa: E731
    else:
        model.fit(train_dataset=train)  # infer on a trained readout, as the kit does
        timed = lambda: peerlib.elapsed_ms(lambda: model.predict(test))  # noqa: E731
    return timed, (f"Readout.{'fit' if case == 'train' else 'predict'} {p['rule']}.json θ={p['theta']}, "
                   f"{train.shape[0] if case == 'train' else test.shape[0]} samples; {tqdm_info}")


peerlib.serve(lambda: f"numpy {np.__version__} numba {numba.__version__}", setup)
