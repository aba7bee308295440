#!/usr/bin/env python3
"""The documentation says what the programs do, and says it once.

  - README.md's first screen (its first 60 lines) is for an administrator:
    what numacma is, who needs it, install, what install, upgrade, remove
    and purge change, how to undo it; the first two indented lines are the
    build command and tests/run-tests (tests/distro/debian13-check runs
    them).
  - One list of supported releases: README.md's; the Ansible role's meta
    has no platform list and the RPM spec refers to README.md.
  - numacmactl(8) documents every option of every command (from their
    --help), numacmad(8) every option of numacmad --help, numacma.conf(5)
    every key of the policy (conf/numacma.conf lists them all).
  - monitoring/metrics.md lists every series the code can print, and no
    other; every alert of monitoring/numacma.rules.yml is in it and has a
    promtool test.

usage: check-docs.py NUMACMACTL NUMACMAD SOURCE_DIR
"""
import glob
import os
import re
import subprocess
import sys


def read(*p):
    with open(os.path.join(*p), encoding="utf-8") as f:
        return f.read()


def roff_words(text):
    return text.replace("\\-", "-").replace("\\_", "_")


def long_options(text):
    return sorted(set(re.findall(r"^\s+(?:-\w )?(--[a-z][a-z-]*)", text, re.M)))


def main():
    # The prerequisite check (tests/needs python): exit 3 is its dry mode
    # (NUMACMA_NEEDS_ONLY=1: all there, stop here).
    rc = subprocess.call([os.path.join(os.path.dirname(os.path.abspath(__file__)), "needs"), "--prog", sys.argv[0], "python"])
    if rc:
        return 0 if rc == 3 else rc
    ctl, daemon, src = (os.path.abspath(p) for p in sys.argv[1:4])
    errs = []
    readme = read(src, "README.md")
    lines = readme.splitlines()

    # The first screen.
    first = "\n".join(lines[:60])
    for what, pattern in (("what numacma is", r"^numacma gives"), ("who needs it", r"\*\*Who needs it"),
                          ("install", r"^## Install"), ("what install, upgrade, remove and purge change",
                                                        r"^## What install, upgrade, remove and purge change"),
                          ("how to undo it", r"^## Undo it")):
        if not re.search(pattern, first, re.M):
            errs.append(f"README.md: the first screen (60 lines) does not say {what}")
    for step in ("install", "upgrade", "remove", "purge"):
        if not re.search(rf"^\| {step} \|", first, re.M):
            errs.append(f"README.md: the first screen's table has no row for {step}")
    cmds = [l[4:] for l in lines if re.match(r"^    [^ ]", l)][:2]
    if len(cmds) != 2 or not cmds[0].startswith("tests/install-deps") or cmds[1] != "tests/run-tests":
        errs.append(f"README.md: the first two indented lines are not the build command and tests/run-tests: {cmds}")

    # One support list.
    m = re.search(r"^## Supported releases\n\n(.*?)\n\n", readme, re.M | re.S)
    if not m or "Debian 12 (bookworm) and Debian 13 (trixie)" not in m.group(1):
        errs.append("README.md: no 'Supported releases' section naming Debian 12 (bookworm) and Debian 13 (trixie)")
    meta = read(src, "ansible/roles/numacma/meta/main.yml")
    if re.search(r"^\s*platforms:", meta, re.M):
        errs.append("ansible/roles/numacma/meta/main.yml lists platforms: a second support list (README.md has the one)")
    if "Supported releases: README.md" not in read(src, "packaging/rpm/numacma.spec"):
        errs.append("packaging/rpm/numacma.spec does not refer to README.md's supported releases")

    # Man pages.
    def helps(argv):
        return subprocess.run(argv, capture_output=True, text=True, check=True).stdout

    top = helps([ctl, "--help"])
    sec = top.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    commands = [m.group(1) for m in re.finditer(r"^  (\S+(?: [a-z]+)?)(?: \[[A-Z]+\])?\s{2,}", sec, re.M)]
    man8 = roff_words(read(src, "man/numacmactl.8"))
    n_opts = 0
    for c in commands:
        if f".B {c}" not in man8 and f'.BR "{c} ' not in man8:
            errs.append(f"numacmactl(8) has no entry for the command '{c}'")
        for o in long_options(helps([ctl] + c.split() + ["--help"])):
            n_opts += 1
            if o not in man8:
                errs.append(f"numacmactl(8) does not document {o} ({c})")
    mand = roff_words(read(src, "man/numacmad.8"))
    for o in long_options(helps([daemon, "--help"])):
        n_opts += 1
        if o not in mand:
            errs.append(f"numacmad(8) does not document {o}")
    man5 = roff_words(read(src, "man/numacma.conf.5"))
    keys = set()
    section = None
    for line in read(src, "conf/numacma.conf").splitlines():
        s = re.match(r"^#?\[([a-z.0-9]+)\]", line)
        if s:
            section = s.group(1)
            continue
        k = re.match(r"^#?([a-z_]+) = ", line)
        if k and section:
            keys.add((section, k.group(1)))
    for section, k in sorted(keys):
        if not re.search(rf"^\.BR? (.*[ \"])?{k}\b", man5, re.M):
            errs.append(f"numacma.conf(5) does not document [{section}] {k}")

    # Metrics and alerts.
    metrics_md = read(src, "monitoring/metrics.md")
    listed = set(re.findall(r"^\| `(numacma_[a-z_]+)`", metrics_md, re.M))
    code = read(src, "src/status/status_prometheus.c") + read(src, "src/status/status_fields.c")
    printed = set(re.findall(r'"(numacma_[a-z_]+)"', code))
    for name in sorted(printed - listed):
        errs.append(f"monitoring/metrics.md does not list {name}")
    for name in sorted(listed - printed):
        errs.append(f"monitoring/metrics.md lists {name}, which numacma never prints")
    rules = read(src, "monitoring/numacma.rules.yml")
    tests = "".join(read(p) for p in glob.glob(os.path.join(src, "monitoring/tests/*.yml")))
    alerts = re.findall(r"^\s+- alert: (\w+)", rules, re.M)
    for a in alerts:
        if f"`{a}`" not in metrics_md:
            errs.append(f"monitoring/metrics.md does not describe the alert {a}")
        if f"alertname: {a}" not in tests:
            errs.append(f"monitoring/tests has no promtool test of {a}")

    for e in errs:
        print(e)
    print(f"{len(commands)} commands, {n_opts} options, {len(keys)} policy keys, {len(printed)} series, "
          f"{len(alerts)} alerts checked; {len(errs)} problems")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
