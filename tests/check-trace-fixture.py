#!/usr/bin/env python3
"""Compare `numacmactl trace --boot --json --root TREE` with
TREE/expected-trace.json, written by a person from the tree's boot-time
trace buffer (sys/kernel/tracing/trace), its CMA counters and memory blocks
(tests/fixtures/trees/README.md). Every field it states must match; lists
element by element, in order; "notes" is commentary.

usage: check-trace-fixture.py NUMACMACTL TREE
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from importlib import import_module

compare = import_module("check-status-fixture").compare


def main():
    # The prerequisite check (tests/needs python): exit 3 is its dry mode
    # (NUMACMA_NEEDS_ONLY=1: all there, stop here).
    rc = subprocess.call([os.path.join(os.path.dirname(os.path.abspath(__file__)), "needs"), "--prog", sys.argv[0], "python"])
    if rc:
        return 0 if rc == 3 else rc
    ctl, tree = sys.argv[1], sys.argv[2]
    with open(os.path.join(tree, "expected-trace.json"), encoding="utf-8") as f:
        want = json.load(f)
    out = subprocess.run([ctl, "--root", tree, "trace", "--boot", "--json"], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        print("numacmactl trace failed (%d): %s" % (out.returncode, out.stderr))
        return 1
    got = json.loads(out.stdout)
    errs = []
    compare("trace", want, got, errs)
    for e in errs:
        print(e)
    print("%s: %s" % (tree, "OK" if not errs else "%d mismatches" % len(errs)))
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
