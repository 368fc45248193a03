#!/usr/bin/env bash
# Checks the notebook runner itself: a notebook with a failing cell, or with a text/html output that
# holds no tag (a string the kernel sent as HTML), must make run-notebook.sh exit non-zero, name the
# notebook and the cell, and leave no executed copy behind as if it had passed; a passing notebook's
# rich output (org.spikekit.report.Display: text/html and text/plain) must reach its executed copy.
# Prints "runner selftest: 3 passed, 0 failed" on success.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/97_ok.ipynb" <<'NB'
{"cells": [{"cell_type": "code", "id": "a1", "metadata": {}, "execution_count": null, "outputs": [],
  "source": ["int x = 6 * 7;\n", "System.out.println(\"answer \" + x);"]},
  {"cell_type": "code", "id": "a2", "metadata": {}, "execution_count": null, "outputs": [],
  "source": ["org.spikekit.report.Display.show(org.spikekit.report.TableView.of(tech.tablesaw.api.Table.create(\"selftest\",\n",
             "    tech.tablesaw.api.DoubleColumn.create(\"r2\", 0.123456789))))"]}],
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
cat > "$tmp/99_html.ipynb" <<'NB'
{"cells": [
  {"cell_type": "code", "id": "c1", "metadata": {}, "execution_count": null, "outputs": [], "source": ["System.out.println(\"fine\");"]},
  {"cell_type": "code", "id": "c2", "metadata": {}, "execution_count": null, "outputs": [], "source": ["String.join(\"  |  \", \"session\", \"r2\")"]}],
 "metadata": {"kernelspec": {"name": "spikekit", "display_name": "Java (SpikeKit)", "language": "java"}},
 "nbformat": 4, "nbformat_minor": 5}
NB
# The table cell of 97_ok: one display_data with the table as HTML and as text, rounded for display.
cat > "$tmp/ok_outputs.py" <<'PY'
import json, sys
out = json.load(open(sys.argv[1]))["cells"][1]["outputs"]
data = [o["data"] for o in out if o.get("output_type") == "display_data"]
assert len(data) == 1, out
html, text = "".join(data[0]["text/html"]), "".join(data[0]["text/plain"])
assert "<table" in html and '<th style="text-align: right">r2</th>' in html and ">0.123</td>" in html, html
assert "0.123" in text and "0.1234" not in text, text
PY
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "runner selftest FAILED: $1"; fi; }
out=$("$here/run-notebook.sh" "$tmp/97_ok.ipynb" "$tmp/out" 120 2>&1); rc=$?
check "a passing notebook exits 0 and writes its executed copy with the cell output and the table as HTML and text (rc=$rc: $out)" \
  '[ $rc -eq 0 ] && grep -q "answer 42" "$tmp/out/97_ok.ipynb" && python3 "$tmp/ok_outputs.py" "$tmp/out/97_ok.ipynb"'
out=$("$here/run-notebook.sh" "$tmp/98_fail.ipynb" "$tmp/out" 120 2>&1); rc=$?
check "a failing cell exits non-zero naming notebook and cell, no executed copy (rc=$rc: $out)" \
  '[ $rc -ne 0 ] && grep -q "FAILED: notebook .*98_fail.ipynb" <<<"$out" && grep -q "code cell 2 of 3" <<<"$out" && grep -q "deliberate failure" <<<"$out" && [ ! -f "$tmp/out/98_fail.ipynb" ]'
out=$("$here/run-notebook.sh" "$tmp/99_html.ipynb" "$tmp/out" 120 2>&1); rc=$?
check "a text/html output without a tag exits non-zero naming notebook and cell, no executed copy (rc=$rc: $out)" \
  '[ $rc -ne 0 ] && grep -q "FAILED: notebook .*99_html.ipynb" <<<"$out" && grep -q "99_html.ipynb, code cell 2 of 2" <<<"$out" && grep -q "without any HTML tag" <<<"$out" && [ ! -f "$tmp/out/99_html.ipynb" ] && [ -f "$tmp/out/99_html.failed.ipynb" ]'
echo "runner selftest: $pass passed, $fail failed"
[ $fail -eq 0 ]
