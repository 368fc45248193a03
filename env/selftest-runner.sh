#!/usr/bin/env bash
# Checks the notebook runner itself: a notebook with a failing cell must make run-notebook.sh
# exit non-zero, name the notebook and the cell, and leave no executed copy behind as if it had
# passed. Prints "runner selftest: 2 passed, 0 failed" on success.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/97_ok.ipynb" <<'NB'
{"cells": [{"cell_type": "code", "id": "a1", "metadata": {}, "execution_count": null, "outputs": [],
  "source": ["int x = 6 * 7;\n", "System.out.println(\"answer \" + x);"]}],
 "metadata": {"kernelspec": {"name": "spikekit", "display_name": "Java (SpikeKit)", "language": "java"}},
 "nbformat": 4, "nbformat_minor": 5}
NB
cat > "$tmp/98_fail.ipynb" <<'NB'
{"cells": [
  {"cell_type": "code", "id": "b1", "metadata": {}, "execution_count": null, "outputs": [], "source": ["System.out.println(\"fine\");"]},
  {"cell_type": "code", "id": "b2", "metadata": {}, "execution_count": null, "outputs": [], "source": ["throw new IllegalStateException(\"deliberate failure\");"]},
  {"cell_type": "code", "id": "b3", "metadata": {}, "execution_count": null, "outputs": [], "source": ["System.out.println(\"never\");"]}],
 "metadata": {"kernelspec": {"name": "spikekit", "display_name": "Java (SpikeKit)", "language": "java"}},
 "nbformat": 4, "nbformat_minor": 5}
NB
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "runner selftest FAILED: $1"; fi; }
out=$("$here/run-notebook.sh" "$tmp/97_ok.ipynb" "$tmp/out" 120 2>&1); rc=$?
check "a passing notebook exits 0 and writes its executed copy with the cell output (rc=$rc: $out)" \
  '[ $rc -eq 0 ] && grep -q "answer 42" "$tmp/out/97_ok.ipynb"'
out=$("$here/run-notebook.sh" "$tmp/98_fail.ipynb" "$tmp/out" 120 2>&1); rc=$?
check "a failing cell exits non-zero naming notebook and cell, no executed copy (rc=$rc: $out)" \
  '[ $rc -ne 0 ] && grep -q "FAILED: notebook .*98_fail.ipynb" <<<"$out" && grep -q "code cell 2 of 3" <<<"$out" && grep -q "deliberate failure" <<<"$out" && [ ! -f "$tmp/out/98_fail.ipynb" ]'
echo "runner selftest: $pass passed, $fail failed"
[ $fail -eq 0 ]
