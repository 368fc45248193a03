#!/usr/bin/env python3
"""Starts the spikekit Jupyter kernel many times in a row and checks that every start is served.

Each start uses the client stack the notebook runner uses (jupyter_client, as nbclient drives it):
  1. launch the kernel from its kernelspec (JUPYTER_PATH, as `make` sets it);
  2. shell: wait_for_ready(), i.e. kernel_info_request until kernel_info_reply (what nbconvert's
     start-up waits for; it raises "Kernel didn't respond" or "Kernel died before replying");
  3. heartbeat: one ping on the hb socket must come back;
  4. control: after a shutdown_request on the control channel the kernel process must exit.
A start fails when any step gets no answer within --timeout seconds (or the process dies); the
three request loops of the rapaio kernel (shell, control, heartbeat) are each exercised once.
Prints one line per failure, then a summary with the start times; exits 1 if any start failed.

Usage: test-kernel-starts.py [--starts N] [--parallel P] [--timeout S] [--kernel NAME]
         [--jar KERNEL_JAR] [--max-failures K]
--jar runs the kernelspec's argv with another kernel jar (e.g. the unpatched Maven Central jar, to
count its hangs); by default the kernelspec is used as installed.
"""
import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed

try:
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
except ImportError as e:  # pragma: no cover - environment problem, not a test result
    sys.exit(f"test-kernel-starts: needs jupyter_client (make env installs it): {e}")


def spec_with_jar(kernel, jar, tmp):
    """A copy of kernelspec `kernel` whose argv runs `jar`; returns a JUPYTER_PATH entry holding it."""
    src = KernelSpecManager().get_kernel_spec(kernel)
    with open(os.path.join(src.resource_dir, "kernel.json")) as f:
        spec = json.load(f)
    argv = spec["argv"]
    if "-jar" not in argv:
        sys.exit(f"test-kernel-starts: kernelspec {kernel} argv has no -jar: {argv}")
    argv[argv.index("-jar") + 1] = os.path.abspath(jar)
    d = os.path.join(tmp, "kernels", kernel)
    os.makedirs(d)
    with open(os.path.join(d, "kernel.json"), "w") as f:
        json.dump(spec, f)
    return tmp


def one_start(kernel, timeout, log_path):
    """Runs one start; returns (failure or None, seconds to kernel_info_reply, seconds in all)."""
    t0 = time.monotonic()
    km = KernelManager(kernel_name=kernel)
    log = open(log_path, "w")
    km.start_kernel(stdout=log, stderr=log)
    kc = km.client()
    kc.start_channels()
    failure, ready = None, None
    hb = None
    try:
        try:
            kc.wait_for_ready(timeout=timeout)
            ready = time.monotonic() - t0
        except RuntimeError as e:
            failure = f"shell: {e}"
        if failure is None:
            hb = km.connect_hb()
            hb.send(b"ping")
            if not hb.poll(timeout * 1000):
                failure = f"heartbeat: no echo in {timeout:g} s"
            else:
                hb.recv()
        if failure is None:
            # The kernel answers control requests on its shell socket (rapaio 3.0.1 replies through
            # Channels.reply), so the control loop's answer to check is that the process exits, which
            # is also what jupyter_client's shutdown_kernel() waits for.
            kc.shutdown()
            deadline = time.monotonic() + timeout
            while km.is_alive():
                if time.monotonic() > deadline:
                    failure = f"control: kernel still running {timeout:g} s after its shutdown_request"
                    break
                time.sleep(0.05)
    finally:
        if hb is not None:
            hb.close(linger=0)
        kc.stop_channels()
        if km.has_kernel and km.is_alive():
            km.shutdown_kernel(now=True)
        km.cleanup_resources()
        log.close()
    return failure, ready, time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--starts", type=int, default=100)
    ap.add_argument("--timeout", type=float, default=60.0,
                    help="seconds each step may take before the start counts as hung (default 60)")
    ap.add_argument("--kernel", default="spikekit")
    ap.add_argument("--jar", help="run this kernel jar instead of the kernelspec's")
    ap.add_argument("--parallel", type=int, default=2,
                    help="kernels starting at once (default 2: the JVM start is CPU-bound, and load is what the race needs)")
    ap.add_argument("--max-failures", type=int, default=3,
                    help="stop after this many failed starts (default 3; 0: never stop early)")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="kernel-starts-")
    try:
        if args.jar:
            os.environ["JUPYTER_PATH"] = spec_with_jar(args.kernel, args.jar, tmp) + os.pathsep \
                + os.environ.get("JUPYTER_PATH", "")
        argv = KernelSpecManager().get_kernel_spec(args.kernel).argv
        jar = argv[argv.index("-jar") + 1] if "-jar" in argv else "?"
        try:
            with zipfile.ZipFile(jar) as z:
                fixed = "with" if "META-INF/spikekit-kernel-fix.txt" in z.namelist() else "WITHOUT"
        except (OSError, zipfile.BadZipFile):
            fixed = "unknown"
        print(f"kernel starts: {args.starts} starts of kernel '{args.kernel}' ({os.path.basename(jar)}, "
              f"{fixed} the kit's start-up fix), "
              f"{args.parallel} at a time, timeout {args.timeout:g} s per step", flush=True)
        failures, readies, totals = [], [], []
        t_all = time.monotonic()
        with ProcessPoolExecutor(max_workers=args.parallel) as pool:
            pending = {pool.submit(one_start, args.kernel, args.timeout, os.path.join(tmp, f"kernel-{i}.log")): i
                       for i in range(1, args.starts + 1)}
            for fut in as_completed(pending):
                i = pending[fut]
                try:
                    failure, ready, total = fut.result()
                except Exception as e:  # a client-side error is a failed start too, never a pass
                    failure, ready, total = f"client error: {e!r}", None, float("nan")
                totals.append(total)
                if ready is not None:
                    readies.append(ready)
                if failure is None:
                    continue
                failures.append(failure)
                print(f"kernel starts: start {i} FAILED: {failure}", flush=True)
                with open(os.path.join(tmp, f"kernel-{i}.log"), errors="replace") as f:
                    tail = f.read().splitlines()[-8:]
                print("  kernel log tail:\n    " + "\n    ".join(tail), flush=True)
                if args.max_failures and len(failures) >= args.max_failures:
                    print(f"kernel starts: stopping after {len(failures)} failures", flush=True)
                    for other in pending:
                        other.cancel()
                    break
        n = len(totals)
        q = statistics.quantiles(readies, n=20, method="inclusive") if len(readies) >= 2 else [float("nan")] * 19
        print(f"kernel starts: {n - len(failures)} of {n} served, {len(failures)} failed; "
              f"kernel_info reply after median {statistics.median(readies) if readies else float('nan'):.2f} s "
              f"(95th pct {q[18]:.2f} s, max {max(readies) if readies else float('nan'):.2f} s); "
              f"start-to-exit median {statistics.median(t for t in totals if t == t):.2f} s; {time.monotonic() - t_all:.0f} s in all",
              flush=True)
        return 1 if failures or n < args.starts else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
