"""Line protocol between `make bench-peers` (org.spikekit.bench.PeerBench, Java) and one peer harness.

The Java side starts `PYTHON env/peers/<harness>.py CHECKOUT THREADS` and talks over stdin/stdout:

    harness -> java   hello <library versions>                 once, after the imports
    java -> harness   setup <case> key=value ...               build the case, warm it up (untimed)
    harness -> java   ready <what ran, e.g. stand-ins used>
    java -> harness   time                                     one timed run
    harness -> java   ms <milliseconds>
    java -> harness   quit
    harness -> java   error <message>                          instead of any answer; the harness exits 3

Whatever the authors' code prints goes to /dev/null (the protocol has the real stdout to itself);
warnings and tracebacks go to stderr. This file and the harnesses are the kit's own code: they
import the authors' modules from the user's checkout and never copy or change them.
"""
import os
import sys
import time
import traceback


def _protocol_stream():
    out = os.fdopen(os.dup(1), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # prints of the authors' code (loggers, progress) go nowhere
    sys.stdout = open(os.devnull, "w")
    return out


def params(tokens):
    """key=value tokens -> dict of str (the harness converts)."""
    p = {}
    for t in tokens:
        if "=" not in t:
            raise ValueError(f"setup parameter '{t}' is not key=value")
        k, v = t.split("=", 1)
        p[k] = v
    return p


def add_checkout(checkout, expected):
    """Puts CHECKOUT on sys.path after checking that the files `expected` (relative paths) exist."""
    missing = [e for e in expected if not os.path.exists(os.path.join(checkout, e))]
    if missing:
        raise RuntimeError(f"{checkout} does not look like the expected repository: missing {', '.join(missing)}")
    sys.path.insert(0, checkout)


def elapsed_ms(fn):
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1e3


def serve(hello, setup):
    """Runs the protocol. `setup(case, params)` returns (timed, info): `timed()` runs the case once
    and returns its milliseconds; setup does the warm-up itself."""
    out = _protocol_stream()

    def say(*words):
        out.write(" ".join(str(w) for w in words).replace("\n", " ") + "\n")
        out.flush()

    try:
        say("hello", hello())
        timed = None
        for line in sys.stdin:
            words = line.split()
            if not words:
                continue
            if words[0] == "setup":
                timed = None
                timed, info = setup(words[1], params(words[2:]))
                say("ready", info)
            elif words[0] == "time":
                if timed is None:
                    raise RuntimeError("'time' before a successful 'setup'")
                say("ms", repr(float(timed())))
            elif words[0] == "quit":
                return
            else:
                raise RuntimeError(f"unknown command '{words[0]}' (expected setup, time or quit)")
    except Exception as e:  # one line for the Java side, the traceback for the user
        traceback.print_exc(file=sys.stderr)
        say("error", f"{type(e).__name__}: {e}")
        sys.exit(3)
