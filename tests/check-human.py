#!/usr/bin/env python3
"""numacmactl status for a person, on every captured tree (fixtures, unseen,
kernel and boot layouts), in a UTF-8 and in the C locale:

  - the first line is the headline: a bullet, "numacma: STATE - ", the state
    (as the JSON says) and the one thing to do, under 100 characters, with
    no "degraded - degraded:" stutter; the JSON summary is the same text;
  - an ok state lists notes, never a "Problems:" section; another state
    lists its problems under "Problems:";
  - every device once: no PCI address twice in the device table, and every
    accelerator and DMA device of the JSON in it;
  - repeated lines folded: no two problem or note lines that differ only in
    the node they name;
  - a legend for '-' and '?' whenever the tables use them;
  - ASCII only in the C locale (the bullets *, o, x), the UTF-8 bullets
    otherwise;
  - status exits with its state's code.

usage: check-human.py NUMACMACTL SOURCE_DIR
"""
import json
import os
import re
import subprocess
import sys

STATUS_EXIT = {"ok": 0, "pending-reboot": 1, "degraded": 3, "unsupported": 150}
BULLETS = {"utf8": {"ok": "●", "degraded": "×"}, "ascii": {"ok": "*", "degraded": "x"}}


def run(ctl, root, locale, json_out=False):
    env = dict(os.environ, LC_ALL=locale, LANG=locale)
    argv = [ctl, "status", "--root", root] + (["--json"] if json_out else [])
    return subprocess.run(argv, capture_output=True, env=env, check=False)


def section(lines, title):
    out, on = [], False
    for line in lines:
        if line == f"  {title}:":
            on = True
            continue
        if on and (not line.startswith("    ") or not line.strip()):
            break
        if on:
            out.append(line)
    return out


def main():
    # The prerequisite check (tests/needs python): exit 3 is its dry mode
    # (NUMACMA_NEEDS_ONLY=1: all there, stop here).
    rc = subprocess.call([os.path.join(os.path.dirname(os.path.abspath(__file__)), "needs"), "--prog", sys.argv[0], "python"])
    if rc:
        return 0 if rc == 3 else rc
    ctl, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    errs, n = [], 0
    trees = []
    for d in ("tests/fixtures/trees", "tests/fixtures/unseen", "tests/kernel/trees", "tests/boot/trees"):
        for name in sorted(os.listdir(os.path.join(src, d))):
            root = os.path.join(src, d, name)
            if os.path.isdir(os.path.join(root, "proc")):
                trees.append((name, root))
    folded = 0
    for name, root in trees:
        j = run(ctl, root, "C.UTF-8", json_out=True)
        doc = json.loads(j.stdout)
        state = doc["state"]
        for loc, kind in (("C.UTF-8", "utf8"), ("C", "ascii")):
            n += 1
            out = run(ctl, root, loc)
            text = out.stdout.decode("utf-8")
            lines = text.splitlines()
            what = f"{name} ({loc})"
            if out.returncode != STATUS_EXIT[state]:
                errs.append(f"{what}: exit {out.returncode}, the state {state} says {STATUS_EXIT[state]}")
            head = lines[0] if lines else ""
            m = re.match(r"(\S+) numacma: (\S+) - (.*)$", head)
            if not m or m.group(2) != state:
                errs.append(f"{what}: the first line is not the headline of state {state}: {head!r}")
                continue
            if len(head) >= 100:
                errs.append(f"{what}: the headline has {len(head)} characters: {head!r}")
            if m.group(3) != doc["summary"]:
                errs.append(f"{what}: the headline is not the JSON summary: {m.group(3)!r} | {doc['summary']!r}")
            if re.search(rf"\b{state}\b", m.group(3)):
                errs.append(f"{what}: the headline says the state twice: {head!r}")
            want = BULLETS[kind].get(state, "○" if kind == "utf8" else "o")
            if m.group(1) != want:
                errs.append(f"{what}: bullet {m.group(1)!r}, expected {want!r}")
            if kind == "ascii" and any(b > 127 for b in out.stdout):
                errs.append(f"{what}: non-ASCII bytes in the C locale")
            if state == "ok" and "  Problems:" in lines:
                errs.append(f"{what}: an ok state lists 'Problems:'")
            if state != "ok" and doc["problems"] and "  Problems:" not in lines:
                errs.append(f"{what}: {state} without a 'Problems:' section")
            devices = section(lines, "Devices (coherent DMA)")[1:]
            addrs = [ln.split()[1] for ln in devices]
            if len(addrs) != len(set(addrs)):
                errs.append(f"{what}: a device is listed twice: {addrs}")
            want_addrs = {d["address"] for d in doc["devices"]} | {a["address"] for a in doc["accelerators"]}
            if set(addrs) != want_addrs:
                errs.append(f"{what}: the device table has {sorted(addrs)}, the JSON {sorted(want_addrs)}")
            entries = section(lines, "Problems") + section(lines, "Notes")
            norm = [re.sub(r"\bnode \d+", "node N", e) for e in entries]
            if len(norm) != len(set(norm)):
                errs.append(f"{what}: lines that differ only in their node are not folded: {entries}")
            folded += sum(1 for e in entries if re.search(r" nodes? [0-9][^\]]*\[[a-z-]+, \d+ nodes\]$", e))
            table = "\n".join(lines[1:])
            if re.search(r"  [-?]  ", table) and "- none or does not apply, ? unknown" not in text:
                errs.append(f"{what}: '-' or '?' in a table without the legend")
    if folded == 0:
        errs.append("no folded line on any tree: the folding is not tested")
    for e in errs:
        print(e)
    print(f"{len(trees)} trees, {n} outputs, {folded} folded lines; {len(errs)} problems")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
