#!/usr/bin/env python3
"""Compare `numacmactl status --json --root TREE` with TREE/expected.json.

expected.json is written by a person from the tree's kernel log and sysfs
(tests/fixtures/trees/README.md); every field it states must match what
numacmactl says. Fields it leaves out are not checked; "notes" keys are
commentary. Lists match element by element, in order.

An optional "check" object is compared with `numacmactl check --root TREE`:
"exit" (the plugin's exit code) and "perfdata" (label -> value with its unit,
as printed, e.g. "'node0_pool_used'": "160KB").

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
    check = want.pop("check", None)
    compare("status", want, got, errs)
    if check is not None:
        c = subprocess.run([ctl, "check", "--root", tree], capture_output=True, text=True, check=False)
        if "exit" in check and c.returncode != check["exit"]:
            errs.append(f"check: exit {c.returncode}, expected {check['exit']}")
        perf = {}
        if "|" in c.stdout:
            for item in c.stdout.split("|", 1)[1].split():
                label, _, value = item.partition("=")
                perf[label.strip("'")] = value.split(";")[0]
        for label, value in check.get("perfdata", {}).items():
            if perf.get(label) != value:
                errs.append(f"check: perfdata '{label}' = {perf.get(label)!r}, expected {value!r}")
    for e in errs:
        print(e)
    print(f"{tree}: {'OK' if not errs else f'{len(errs)} mismatches'} (state {got['state']})")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
