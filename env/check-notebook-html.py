#!/usr/bin/env python3
"""Fails on an executed notebook with a text/html output that holds no HTML tag.

The rapaio kernel sends a cell's String value (e.g. tablesaw's `table.printAll()`) as text/html
only; a browser collapses its whitespace and shows a table as one run-on line. Tables belong in
`nb.show(table)` (org.spikekit.report.Display: a real <table> plus text/plain).

Usage: check-notebook-html.py EXECUTED.ipynb [NAME]
NAME is the notebook named in messages (default: the file). Exit 0 when every text/html output
has a tag, 1 (with one line per offending output) otherwise, 2 on an unreadable notebook.
"""
import json
import re
import sys

TAG = re.compile(r"<[A-Za-z!/][^>]*>")


def text(v):
    return "".join(v) if isinstance(v, list) else str(v)


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: check-notebook-html.py EXECUTED.ipynb [NAME]", file=sys.stderr)
        return 2
    path = argv[1]
    name = argv[2] if len(argv) > 2 else path
    try:
        with open(path, encoding="utf-8") as f:
            nb = json.load(f)
        cells = nb["cells"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"check-notebook-html: cannot read notebook {path}: {e}", file=sys.stderr)
        return 2
    bad = 0
    for k, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        for j, out in enumerate(cell.get("outputs", [])):
            html = out.get("data", {}).get("text/html")
            if html is None:
                continue
            html = text(html)
            if TAG.search(html):
                continue
            bad += 1
            first = next((l.strip() for l in html.splitlines() if l.strip()), "")
            print(f"FAILED: {name}, code cell {k + 1} of {len(cells)} (cell index {k}), output {j + 1}: "
                  f"text/html without any HTML tag (a string shown as HTML: its whitespace collapses in a browser); "
                  f"show tables with nb.show(table). Starts: {first[:100]!r}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
