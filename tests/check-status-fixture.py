#!/usr/bin/env python3
"""Compare `numacmactl status --json --root TREE` with TREE/expected.json.

expected.json is written by a person from the tree's kernel log and sysfs
(tests/fixtures/trees/README.md); every field it states must match what
numacmactl says. Fields it leaves out are not checked; "notes" keys are
commentary. Lists match element by element, in order.

usage: check-status-fixture.py NUMACMACTL TREE
"""
import json
import subprocess
import sys


def compare(path, want, got, errs):
    if isinstance(want, dict):
        if not isinstance(got, dict):
            errs.append(f"{path}: expected an object, got {got!r}")
            return
        for k, v in want.items():
            if k == "notes" or k.startswith("_"):
                continue
            if k not in got:
                errs.append(f"{path}.{k}: missing (expected {v!r})")
                continue
            compare(f"{path}.{k}", v, got[k], errs)
    elif isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            errs.append(f"{path}: expected {len(want)} elements, got {got!r}")
            return
        for i, (w, g) in enumerate(zip(want, got)):
            compare(f"{path}[{i}]", w, g, errs)
    elif want != got:
        errs.append(f"{path}: expected {want!r}, got {got!r}")


def main():
    ctl, tree = sys.argv[1], sys.argv[2]
    with open(f"{tree}/expected.json", encoding="utf-8") as f:
        want = json.load(f)
    out = subprocess.run([ctl, "status", "--json", "--root", tree],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        print(f"numacmactl failed ({out.returncode}): {out.stderr}")
        return 1
    got = json.loads(out.stdout)
    errs = []
    compare("status", want, got, errs)
    for e in errs:
        print(e)
    print(f"{tree}: {'OK' if not errs else f'{len(errs)} mismatches'} (state {got['state']})")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
