#!/usr/bin/env bash
# make test-hdf5: every HDF5 file the kit writes opens in libhdf5 and holds the values the kit reads back.
#   1. DataCli standins writes a small stand-in of each layout (O'Doherty .mat, Perich and Allen .nwb,
#      SHD .h5) into a scratch folder, each with NAME.json = what the kit's reader returns for it;
#   2. h5dump (hdf5-tools) dumps every file completely: any object or value libhdf5 cannot read fails;
#   3. env/test-hdf5.py opens each with h5py and compares every value with the JSON, exactly.
# Needs the Debian packages python3-h5py and hdf5-tools (env/apt-packages.txt, installed by make env).
# Usage: env/test-hdf5.sh JAVA CLASSPATH   (KEEP=1 keeps the scratch folder)
set -euo pipefail
JAVA=$1; CP=$2
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "test-hdf5: FAILED: $*" >&2; exit 1; }
py=""
for p in /usr/bin/python3 python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import h5py' 2>/dev/null; then py=$p; break; fi
done
[ -n "$py" ] || fail "no python3 with h5py (Debian: apt-get install python3-h5py, or make env)"
command -v h5dump >/dev/null 2>&1 || fail "h5dump not found (Debian: apt-get install hdf5-tools, or make env)"
work=$(mktemp -d /tmp/spikekit-hdf5.XXXXXX)
cleanup() { rc=$?; if [ $rc = 0 ] && [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "test-hdf5: files kept in $work" >&2; fi; }
trap cleanup EXIT
start=$(date +%s%N)
"$JAVA" -cp "$CP" org.spikekit.data.DataCli standins "$work" || fail "DataCli standins could not write the stand-ins"
n=0
while IFS= read -r -d '' f; do
  n=$((n + 1))
  if ! h5dump "$f" >"$work/h5dump.out" 2>"$work/h5dump.err" || [ -s "$work/h5dump.err" ]; then
    cat "$work/h5dump.err" >&2
    fail "h5dump (libhdf5) cannot read ${f#"$work"/}"
  fi
done < <(find "$work" \( -name '*.mat' -o -name '*.nwb' -o -name '*.h5' \) -print0 | sort -z)
[ "$n" -ge 6 ] || fail "expected at least 6 stand-ins, found $n"
echo "test-hdf5: h5dump $(h5dump --version 2>&1 | head -1 | sed 's/^h5dump: //') read all $n files completely"
"$py" "$here/test-hdf5.py" "$work"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "test-hdf5: done in $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s"
