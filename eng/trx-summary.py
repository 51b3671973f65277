#!/usr/bin/env python3
"""Adds up the <Counters> of every VSTest .trx file given and prints one line per file plus a total.

Usage: python3 eng/trx-summary.py FILE.trx [FILE.trx ...]

The last line printed is the total, as `N passed, N failed` (`, N skipped` only when some were
skipped), which is the closing line CI reads. Exit code: 0 when every file parsed, 2 otherwise.
"""

import sys
import xml.etree.ElementTree as ET

# Outcomes VSTest counts separately but that all mean "this test did not pass".
FAILED_KINDS = ("failed", "error", "timeout", "aborted")


def read_counters(path):
    root = ET.parse(path).getroot()
    for element in root.iter():
        # The TeamTest namespace is stripped so the element is found whatever the schema version.
        if element.tag.rsplit("}", 1)[-1] == "Counters":
            return {k: int(v) for k, v in element.attrib.items() if v.lstrip("-").isdigit()}
    raise ValueError("no <Counters> element")


def main(paths):
    totals = {"total": 0, "passed": 0, "failed": 0, "skipped": 0}
    ok = True
    for path in paths:
        try:
            counters = read_counters(path)
        except (ET.ParseError, OSError, ValueError) as error:
            print(f"trx-summary: cannot read {path}: {error}", file=sys.stderr)
            ok = False
            continue

        total = counters.get("total", 0)
        passed = counters.get("passed", 0)
        failed = sum(counters.get(kind, 0) for kind in FAILED_KINDS)
        # Ignored/explicit NUnit tests are in `total` but not `executed`.
        skipped = max(total - counters.get("executed", total), counters.get("notExecuted", 0))
        print(f"  {path}: total={total} passed={passed} failed={failed} skipped={skipped}")
        totals["total"] += total
        totals["passed"] += passed
        totals["failed"] += failed
        totals["skipped"] += skipped

    line = f"{totals['passed']} passed, {totals['failed']} failed"
    if totals["skipped"]:
        line += f", {totals['skipped']} skipped"
    print(line)
    return 0 if ok else 2


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print("usage: trx-summary.py FILE.trx [FILE.trx ...]", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
