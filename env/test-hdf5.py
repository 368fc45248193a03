#!/usr/bin/env python3
"""make test-hdf5, second half: every HDF5 stand-in the kit wrote (DataCli standins DIR) opens in
libhdf5 (h5py) and holds exactly the values the kit's own reader read back (DIR/**/NAME.json).

Reads each layout the way its reference tools do: MATLAB v7.3 files as h5py users and NeuroBench's
loader do (user block, object references into #refs#, MATLAB_empty cells, uint16 char arrays);
NWB 2.x as pynwb lays it out (links, ragged columns through their *_index datasets); SHD as its
variable-length datasets; Allen NWB 1.x as AllenSDK's NwbDataSet (data x conversion, rate
attribute, epochs). Exits 1 naming the file, the path and the first difference.
Usage: python3 env/test-hdf5.py DIR
"""

import glob
import json
import os
import sys

import h5py
import numpy as np

failures = []


def fail(f, what):
    failures.append("%s: %s" % (f, what))


def same(f, path, want, got):
    """Exact comparison of numbers (NaN equals NaN) or strings; records a failure if they differ."""
    if isinstance(want, str) or (isinstance(want, list) and want and isinstance(want[0], str)):
        if want != got:
            fail(f, "%s: libhdf5 reads %s, the kit read %s" % (path, short(got, want), short(want, got)))
        return
    w = np.asarray(want, dtype=np.float64)
    g = np.asarray(got, dtype=np.float64)
    if w.shape != g.shape:
        fail(f, "%s: libhdf5 reads shape %s, the kit read %s" % (path, g.shape, w.shape))
    elif not np.array_equal(w, g, equal_nan=True):
        i = np.argwhere(~((w == g) | (np.isnan(w) & np.isnan(g))))[0]
        fail(f, "%s: differs at %s: libhdf5 %r, the kit %r" % (path, tuple(int(x) for x in i), g[tuple(i)], w[tuple(i)]))


def short(a, b):
    """repr of a, cut around its first difference from b when long."""
    r = repr(a)
    if len(r) <= 160 or not isinstance(a, str) or not isinstance(b, str):
        return r if len(r) <= 400 else r[:400] + "..."
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return "%r (length %d; from character %d: %r)" % (a[:40] + "...", len(a), i, a[i:i + 40])


def ragged(f, path, want, got):
    if len(want) != len(got):
        fail(f, "%s: libhdf5 reads %d rows, the kit read %d" % (path, len(got), len(want)))
        return
    for i, (w, g) in enumerate(zip(want, got)):
        same(f, "%s[%d]" % (path, i), w, g)


def text(v):
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, np.ndarray):
        return text(v[()] if v.shape == () else v.ravel()[0])
    return str(v)


# ---------------------------------------------------------------------------- O'Doherty

def matlab_chars(ds):
    if ds.attrs.get("MATLAB_empty", 0):
        return ""
    return "".join(chr(int(c)) for c in ds[()].ravel())


def odoherty(fn, want):
    with open(fn, "rb") as fh:
        head = fh.read(128)
    if not head.startswith(b"MATLAB 7.3 MAT-file") or head[126:128] != b"IM":
        fail(fn, "no MATLAB 7.3 header in the user block")
    with h5py.File(fn, "r") as f:
        if f.userblock_size != 512:
            fail(fn, "user block of %d bytes, expected 512" % f.userblock_size)
        same(fn, "t", want["t"], f["t"][()].ravel())
        for k in ("cursor_pos", "target_pos", "finger_pos"):
            if want[k] is None:
                if k in f:
                    fail(fn, "%s present but the kit read none" % k)
            else:
                same(fn, k, want[k], f[k][()])
        names = [matlab_chars(f[r]) for r in f["chan_names"][()].ravel()]
        same(fn, "chan_names", want["chan_names"], names)
        refs = f["spikes"][()]
        if list(refs.shape) != [len(want["spikes"]), len(want["spikes"][0])]:
            fail(fn, "spikes: shape %s, the kit read %d x %d" % (refs.shape, len(want["spikes"]), len(want["spikes"][0])))
            return
        for u in range(refs.shape[0]):
            for c in range(refs.shape[1]):
                ds = f[refs[u, c]]
                got = [] if ds.attrs.get("MATLAB_empty", 0) else ds[()].ravel()
                same(fn, "spikes[%d][%d]" % (u, c), want["spikes"][u][c], got)
        gen = matlab_chars(f["spikekit_generator"]) if "spikekit_generator" in f else ""
        same(fn, "spikekit_generator", want["generator"], gen)


# ---------------------------------------------------------------------------- Perich

def nwb_ragged(g, name):
    data = g[name][()]
    ends = g[name + "_index"][()]
    out, prev = [], 0
    for e in ends:
        out.append(data[prev:int(e)])
        prev = int(e)
    return out


def perich(fn, want):
    with h5py.File(fn, "r") as f:
        same(fn, "general/subject/subject_id", want["subject_id"], text(f["general/subject/subject_id"][()]))
        base = "processing/behavior/"
        ts = f[base + "Position/cursor_pos/timestamps"][()]
        same(fn, "Position/cursor_pos/timestamps", want["timestamps"], ts)
        same(fn, "Position/cursor_pos/data", want["cursor_pos"], f[base + "Position/cursor_pos/data"][()].ravel())
        for grp, key in (("Velocity/cursor_vel", "cursor_vel"), ("Acceleration/cursor_acc", "cursor_acc")):
            same(fn, grp + "/data", want[key], f[base + grp + "/data"][()].ravel())
            if "timestamps" in f[base + grp]:
                same(fn, grp + "/timestamps", want["timestamps"], f[base + grp + "/timestamps"][()])
        tr = f["intervals/trials"]
        wt = want["trials"]
        for col in ("start_time", "stop_time", "target_id", "target_on_time", "go_cue_time"):
            same(fn, "intervals/trials/" + col, wt[col], tr[col][()])
        same(fn, "intervals/trials/result", wt["result"], [text(x).strip() for x in tr["result"][()]])
        n = len(wt["start_time"])
        na = tr["num_attempted"][()] if "num_attempted" in tr else np.full(n, np.nan)
        same(fn, "intervals/trials/num_attempted", wt["num_attempted"], na)
        if wt["go_cue_time_array"] is None:
            if "go_cue_time_array" in tr:
                fail(fn, "intervals/trials/go_cue_time_array present but the kit read none")
        elif "go_cue_time_array_index" in tr:
            ragged(fn, "intervals/trials/go_cue_time_array", wt["go_cue_time_array"], nwb_ragged(tr, "go_cue_time_array"))
        else:
            ragged(fn, "intervals/trials/go_cue_time_array", wt["go_cue_time_array"], list(tr["go_cue_time_array"][()]))
        ragged(fn, "units/spike_times", want["spike_times"], nwb_ragged(f["units"], "spike_times"))
        same(fn, "@spikekit_generator", want["generator"], text(f.attrs.get("spikekit_generator", "")))


# ---------------------------------------------------------------------------- SHD

def shd(fn, want):
    with h5py.File(fn, "r") as f:
        ragged(fn, "spikes/times", want["times"], list(f["spikes/times"][()]))
        ragged(fn, "spikes/units", want["units"], list(f["spikes/units"][()]))
        same(fn, "labels", want["labels"], f["labels"][()])
        same(fn, "extra/speaker", want["speaker"], f["extra/speaker"][()])
        same(fn, "extra/keys", want["keys"], [text(k) for k in f["extra/keys"][()]])
        same(fn, "@spikekit_generator", want["generator"], text(f.attrs.get("spikekit_generator", "")))


# ---------------------------------------------------------------------------- Allen

def allen(fn, want):
    with h5py.File(fn, "r") as f:
        numbers = sorted(int(k[6:]) for k in f["epochs"] if k.startswith("Sweep_"))
        same(fn, "epochs/Sweep_N", [w["number"] for w in want["sweeps"]], numbers)
        for w in want["sweeps"]:
            n = w["number"]
            ep = f["epochs/Sweep_%d" % n]
            st, rs = ep["stimulus/timeseries"], ep["response/timeseries"]
            p = "epochs/Sweep_%d" % n
            same(fn, p + "/stimulus/timeseries/starting_time@rate", w["rate"], st["starting_time"].attrs["rate"])
            for key, ts in (("stimulus", st), ("response", rs)):
                d = ts["data"]
                conv = d.attrs.get("conversion", 1.0)
                got = (d[()].astype(np.float64) * np.float64(conv)).astype(np.float32)
                same(fn, "%s/%s/timeseries/data x conversion" % (p, key), w[key], got)
            same(fn, p + "/stimulus/idx_start", 0, ep["stimulus/idx_start"][()])
            xp = "epochs/Experiment_%d" % n
            if xp in f:
                start = int(f[xp + "/stimulus/idx_start"][()])
                stop = start + int(f[xp + "/stimulus/count"][()]) - 1
            else:
                start, stop = 0, int(ep["stimulus/count"][()]) - 1
            same(fn, xp + " range", [w["experiment_start"], w["experiment_stop"]], [start, stop])
            name = "stimulus/presentation/Sweep_%d/aibs_stimulus_name" % n
            same(fn, name, w["aibs_stimulus_name"], text(f[name][()]).strip() if name in f else "")
            sp = "analysis/spike_times/Sweep_%d" % n
            if w["spike_times"] is None:
                if sp in f:
                    fail(fn, sp + " present but the kit read none")
            elif sp not in f:
                fail(fn, sp + " absent but the kit read spike times")
            else:
                same(fn, sp, w["spike_times"], f[sp][()])
        same(fn, "@spikekit_generator", want["generator"], text(f.attrs.get("spikekit_generator", "")))


CHECKS = {"odoherty": odoherty, "perich": perich, "shd": shd, "allen": allen}


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = argv[1]
    checked = 0
    for fmt, check in CHECKS.items():
        files = sorted(glob.glob(os.path.join(root, fmt, "*.json")))
        if not files:
            fail(os.path.join(root, fmt), "no stand-in written (expected at least one NAME.json)")
        for js in files:
            fn = js[:-5]
            with open(js) as fh:
                want = json.load(fh)
            try:
                check(fn, want)
            except Exception as e:  # libhdf5 cannot open or read it: that is the failure being tested for
                fail(fn, "libhdf5 (h5py %s, HDF5 %s) cannot read it: %s: %s"
                     % (h5py.version.version, h5py.version.hdf5_version, type(e).__name__, e))
            checked += 1
    if failures:
        for x in failures:
            print("test-hdf5: FAILED: " + x, file=sys.stderr)
        print("test-hdf5: %d of %d stand-ins differ or do not open in libhdf5" % (len({x.split(':')[0] for x in failures}), checked),
              file=sys.stderr)
        return 1
    print("test-hdf5: %d stand-ins open in libhdf5 (h5py %s, HDF5 %s) with the values the kit reads"
          % (checked, h5py.version.version, h5py.version.hdf5_version))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
