#!/usr/bin/env python3
"""Compare `numacmactl status --json --root TREE` with TREE/expected.json.

expected.json is written by a person from the tree's kernel log and sysfs
(tests/fixtures/trees/README.md); every field it states must match what
numacmactl says. Fields it leaves out are not checked; "notes" keys are
commentary. Lists match element by element, in order.

An optional "check" object is compared with `numacmactl check --root TREE`:
"exit" (the plugin's exit code) and "perfdata" (label -> value with its unit,
as printed, e.g. "'node0_pool_used'": "163840B").

status must exit with the code of its state (numacmactl(8), EXIT STATUS).

usage: check-status-fixture.py NUMACMACTL TREE
"""
import json
import re
import subprocess
import sys

STATUS_EXIT = {"ok": 0, "pending-reboot": 1, "degraded": 3, "unsupported": 150}


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
    try:
        got = json.loads(out.stdout)
    except json.JSONDecodeError:
        print(f"numacmactl failed ({out.returncode}): {out.stderr}")
        return 1
    # status exits with the code of its state (numacmactl(8), EXIT STATUS).
    if out.returncode != STATUS_EXIT.get(got.get("state")):
        print(f"numacmactl status exited {out.returncode} for state {got.get('state')!r}: "
              f"expected {STATUS_EXIT.get(got.get('state'))} ({out.stderr.strip()})")
        return 1
    errs = []
    check = want.pop("check", None)
    compare("status", want, got, errs)
    # check on every tree: one line, its perfdata well formed; the values
    # where expected.json states them.
    if True:
        check = check or {}
        c = subprocess.run([ctl, "check", "--root", tree], capture_output=True, text=True, check=False)
        if len(c.stdout.splitlines()) != 1 or not c.stdout.startswith("NUMACMA "):
            errs.append(f"check: not one NUMACMA line: {c.stdout!r}")
        if "exit" in check and c.returncode != check["exit"]:
            errs.append(f"check: exit {c.returncode}, expected {check['exit']}")
        perf = {}
        if "|" in c.stdout:
            for item in c.stdout.split("|", 1)[1].split():
                label, _, value = item.partition("=")
                if label.strip("'") in perf:
                    errs.append(f"check: perfdata label {label} twice")
                perf[label.strip("'")] = value.split(";")[0]
                # One unit per label: bytes (B) for sizes, c for counters, none
                # for a number of things (the guidelines' gauge: devices).
                if not re.fullmatch(r"[0-9]+(B|c)", value.split(";")[0]) and not (
                        label.strip("'").startswith("devices_") and re.fullmatch(r"[0-9]+", value.split(";")[0])):
                    errs.append(f"check: perfdata {item}: not bytes (B), a counter (c) or a count of devices")
        for label, value in check.get("perfdata", {}).items():
            if perf.get(label) != value:
                errs.append(f"check: perfdata '{label}' = {perf.get(label)!r}, expected {value!r}")
    for e in errs:
        print(e)
    print(f"{tree}: {'OK' if not errs else f'{len(errs)} mismatches'} (state {got['state']})")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
