#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writers racing and writers killed: the boot configuration must stay whole
and consistent, and every later run must converge.

  check-writers.py BUILD_DIR SRCDIR [--pairs N] [--crashes N] [--seed S]

Writers: A = numacmactl apply, R = numacmactl apply --remove-all,
D = numacmad --once (policy apply = yes). Layouts: tests/boot/trees
(debian-grub, fedora-bls, fedora-grubby, rhel8-grubby, sdboot). Two modes:
  - files: the programs run with --root (they write files, run no command);
  - commands: the programs run chrooted into the root (a private mount
    namespace with the host's /usr bound in), so the root is "/" to them and
    they run the boot loader's commands: stand-ins for update-grub (rewrites
    grub.cfg in place from the merged defaults, as Debian's grub-mkconfig
    ends with 'cat grub.cfg.new > grub.cfg') and grubby
    (tests/boot/fake-grubby).

Races: every pair of writers (AA AR AD RR RD DD), started together, on every
layout and mode, --pairs rounds each. After each pair the root must be in one
of the two states a writer leaves: numacma's token once in every file that
holds it and named by the record (GRUB: the drop-in, and grub.cfg when
commands run), or in none of them; no temporary file anywhere.

Crashes: a writer killed with SIGKILL at a random moment of its run, --crashes
times over the layouts and modes. Then every file numacma edits must be whole
(its content before, or after, a complete run), and the next run must remove
any temporary file left, converge, and a remove-all after it must leave no
numacma token.

Needs root (mount namespace, chroot); exits 77 without it. Prints a summary
line "N checks, N failed" and exits 1 on any failure.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chroot_helper  # noqa: E402
from checks import Checks  # noqa: E402

LAYOUTS = ["debian-grub", "fedora-bls", "fedora-grubby", "rhel8-grubby", "sdboot"]
PLAN = "numa_cma=0:64M,1:100M"
MID = "4e2f5a8c0d9b4a7e8f1c2b3a4d5e6f70"
REL = "7.2.13+deb14-amd64"
FILES = {
    "debian-grub": ["etc/default/grub.d/90-numacma.cfg"],
    "fedora-bls": [f"boot/loader/entries/{MID}-{REL}.conf",
                   f"boot/loader/entries/{MID}-0-rescue-{MID}.conf", "etc/kernel/cmdline"],
    "sdboot": [f"boot/efi/loader/entries/{MID}-{REL}.conf", "etc/kernel/cmdline"],
}
# grubby's layouts: GRUB_CMDLINE_LINUX too; RHEL 8's line is grubenv's kernelopts.
FILES["fedora-grubby"] = FILES["fedora-bls"] + ["etc/default/grub"]
FILES["rhel8-grubby"] = ["boot/grub2/grubenv", "etc/default/grub"]
GRUB_CFG = "boot/grub/grub.cfg"
BUILD_IN_ROOT = "/.numacma-build"
FAKEBIN = "/.fakebin"

# The stand-in for update-grub: the merged defaults as grub-mkconfig sources
# them, one menu entry, written in place in two pieces (as Debian's does with
# cat), so a reader at the wrong moment would see half a file.
UPDATE_GRUB = """#!/bin/sh
set -e
GRUB_CMDLINE_LINUX= GRUB_CMDLINE_LINUX_DEFAULT=
. /etc/default/grub
for f in /etc/default/grub.d/*.cfg; do [ -f "$f" ] && . "$f"; done
{
printf 'menuentry "Debian GNU/Linux" --class debian $menuentry_id_option "gnulinux-simple" {\\n'
for f in /boot/config-*; do rel=${f#/boot/config-}; break; done
printf '\\tlinux\\t/boot/vmlinuz-%s root=UUID=0f6d1bd5 ro %s %s\\n' "$rel" "$GRUB_CMDLINE_LINUX" "$GRUB_CMDLINE_LINUX_DEFAULT"
printf '}\\n'
} > /tmp/grub.cfg.new
head -c 40 /tmp/grub.cfg.new > /boot/grub/grub.cfg
tail -c +41 /tmp/grub.cfg.new >> /boot/grub/grub.cfg
"""


def read(p):
    try:
        with open(p, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return None


def temps(root):
    out = []
    for d, dirs, files in os.walk(root):
        rel = os.path.relpath(d, root)
        if rel.split("/")[0] in ("sys", "proc", "usr", ".numacma-build", "dev"):
            dirs[:] = []
            continue
        out += [os.path.join(rel, f) for f in files if ".numacma-" in f]
    return out


class Env:
    def __init__(self, build, src, tmp):
        self.build, self.src, self.tmp = build, src, tmp
        self.ctl = os.path.join(build, "src", "numacmactl", "numacmactl")
        self.daemon = os.path.join(build, "src", "numacmad", "numacmad")
        self.n = 0

    def make_root(self, layout, commands):
        self.n += 1
        root = os.path.join(self.tmp, f"{layout}-{'cmd' if commands else 'files'}-{self.n}")
        shutil.copytree(os.path.join(self.src, "tests", "boot", "trees", layout), root, symlinks=True)
        os.makedirs(os.path.join(root, "etc"), exist_ok=True)
        with open(os.path.join(root, "etc", "numacma.conf"), "w") as f:
            f.write("[daemon]\napply = yes\n")
            # Chrooted, the host's /usr hides the tree's /usr/sbin/grubby:
            # the backend is named, and grubby is the stand-in in PATH.
            if layout.endswith("-grubby"):
                f.write("[boot]\nbackend = grubby\n")
        if commands:
            self.chrootable(root)
        return root

    def chrootable(self, root):
        """Bind the host's /usr, ld.so.cache, /etc/alternatives, /dev/null and the build dir in."""
        chroot_helper.skeleton(root, ("usr", "dev", BUILD_IN_ROOT[1:], FAKEBIN[1:], "tmp"))
        # /usr/bin/awk (the grubby stand-in's) is a link through /etc/alternatives.
        os.makedirs(os.path.join(root, "etc", "alternatives"), exist_ok=True)
        binds = [("/usr", "usr"), ("/dev/null", "dev/null"), ("/etc/ld.so.cache", "etc/ld.so.cache"),
                 ("/etc/alternatives", "etc/alternatives"), (self.build, BUILD_IN_ROOT[1:])]
        for s, d in binds:
            chroot_helper.bind(s, os.path.join(root, d), ro=d != "dev/null")
        ug = os.path.join(root, FAKEBIN[1:], "update-grub")
        with open(ug, "w") as f:
            f.write(UPDATE_GRUB)
        os.chmod(ug, 0o755)
        shutil.copy(os.path.join(self.src, "tests", "boot", "fake-grubby"), os.path.join(root, FAKEBIN[1:], "grubby"))

    def argv(self, writer, root, commands):
        if commands:
            ctl = BUILD_IN_ROOT + "/src/numacmactl/numacmactl"
            dmn = BUILD_IN_ROOT + "/src/numacmad/numacmad"
            rootargs = []
        else:
            ctl, dmn, rootargs = self.ctl, self.daemon, ["--root", root]
        if writer == "A":
            return [ctl] + rootargs + ["apply"]
        if writer == "R":
            return [ctl] + rootargs + ["apply", "--remove-all"]
        return [dmn] + rootargs + ["--once"]

    def spawn(self, writer, root, commands):
        env = {"PATH": f"{FAKEBIN}:/usr/sbin:/usr/bin:/sbin:/bin" if commands else os.environ["PATH"], "LC_ALL": "C"}
        pre = (lambda: (os.chroot(root), os.chdir("/"))) if commands else None
        return subprocess.Popen(  # race-ok: every caller reads it to the end with communicate()
            self.argv(writer, root, commands), env=env, preexec_fn=pre,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def token_state(root, layout, commands):
    """'on' (the token once in every file, and named by the record), 'off'
    (in none), or a description of what is inconsistent."""
    counts = {}
    for f in FILES[layout]:
        counts[f] = (read(os.path.join(root, f)) or "").count(PLAN)
    if layout == "debian-grub" and commands:
        cfg = read(os.path.join(root, GRUB_CFG)) or ""
        counts[GRUB_CFG] = cfg.count(PLAN)
        if not cfg.rstrip().endswith("}"):
            return f"{GRUB_CFG} is not whole"
    values = set(counts.values())
    record = read(os.path.join(root, "var/lib/numacma/owned")) or ""
    if values == {1}:
        if layout != "debian-grub" and f"token {PLAN}" not in record:
            return f"tokens without a record naming them: {counts}"
        return "on"
    if values == {0}:
        return "off"
    return f"mixed: {counts}"


def pending_children(root):
    """Stand-in commands (update-grub, grubby) still running in root."""
    n = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if os.readlink(f"/proc/{pid}/root") == root:
                n += 1
        except OSError:
            pass
    return n


def wait_orphans(root, deadline_s=30.0):
    """After a kill, the writer's command may still run (it holds the lock
    too): wait for it with a deadline, polling the process table."""
    end = time.monotonic() + deadline_s
    while pending_children(root) and time.monotonic() < end:
        time.sleep(0.01)  # poll: the stand-in commands in root have exited
    return pending_children(root) == 0


def run_pair(env, c, root, layout, commands, a, b):
    pa, pb = env.spawn(a, root, commands), env.spawn(b, root, commands)
    ea, eb = pa.communicate()[1], pb.communicate()[1]
    label = f"{layout}/{'commands' if commands else 'files'}/{a}{b}"
    c.check(pa.returncode == 0 and pb.returncode == 0,
            f"{label}: exits {pa.returncode}, {pb.returncode}: {ea.decode()[-300:]} {eb.decode()[-300:]}")
    st = token_state(root, layout, commands)
    allowed = {"AA": {"on"}, "AD": {"on"}, "DD": {"on"}, "RR": {"off"}, "AR": {"on", "off"}, "RD": {"on", "off"}}[a + b]
    c.check(st in allowed, f"{label}: state {st}, expected {sorted(allowed)}")
    left = temps(root)
    c.check(not left, f"{label}: temporary files left: {left}")


def races(env, c, pairs):
    combos = ["AA", "AR", "AD", "RR", "RD", "DD"]
    for commands in (False, True):
        for layout in LAYOUTS:
            root = env.make_root(layout, commands)
            for i in range(pairs):
                for p in combos:
                    run_pair(env, c, root, layout, commands, p[0], p[1])


def whole_versions(env, layout, commands):
    """Each file's content before and after a complete apply (and after a
    remove-all, which is the first again)."""
    root = env.make_root(layout, commands)
    before = {f: read(os.path.join(root, f)) for f in FILES[layout]}
    p = env.spawn("A", root, commands)
    p.communicate()
    after = {f: read(os.path.join(root, f)) for f in FILES[layout]}
    return before, after


def crashes(env, c, n, rng):
    versions = {}
    durations = {}
    for commands in (False, True):
        for layout in LAYOUTS:
            versions[(layout, commands)] = whole_versions(env, layout, commands)
            root = env.make_root(layout, commands)
            t0 = time.monotonic()
            env.spawn("A", root, commands).communicate()
            durations[(layout, commands)] = time.monotonic() - t0
    for i in range(n):
        commands = rng.random() < 0.5
        layout = rng.choice(LAYOUTS)
        root = env.make_root(layout, commands)
        if rng.random() < 0.5:  # from the applied state too: removal killed
            env.spawn("A", root, commands).communicate()
        writer = rng.choice("ARD")
        p = env.spawn(writer, root, commands)
        time.sleep(rng.random() * durations[(layout, commands)] * 1.2)  # window: the random moment of the kill
        p.kill()
        p.communicate()
        label = f"crash {i} {layout}/{'commands' if commands else 'files'}/{writer}"
        c.check(wait_orphans(root), f"{label}: a command it ran did not finish")
        before, after = versions[(layout, commands)]
        for f in FILES[layout]:
            now = read(os.path.join(root, f))
            c.check(now in (before[f], after[f]), f"{label}: '{f}' is neither the old nor the new file")
        q = env.spawn("A", root, commands)
        err = q.communicate()[1]
        c.check(q.returncode == 0, f"{label}: the next apply failed: {err.decode()[-300:]}")
        c.check(not temps(root), f"{label}: temporary files after the next run: {temps(root)}")
        c.check(token_state(root, layout, commands) == "on", f"{label}: the next apply did not converge: {token_state(root, layout, commands)}")
        q = env.spawn("R", root, commands)
        q.communicate()
        c.check(token_state(root, layout, commands) == "off", f"{label}: remove-all left a token: {token_state(root, layout, commands)}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("src")
    ap.add_argument("--pairs", type=int, default=20)
    ap.add_argument("--crashes", type=int, default=300)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("check-writers: needs root (a mount namespace and chroot): skipped")
        return 77
    if not a.inner:
        # A private mount namespace: the bind mounts vanish with it.
        return chroot_helper.in_private_namespace(__file__)
    seed = a.seed if a.seed is not None else random.SystemRandom().randrange(1 << 30)
    print(f"check-writers: seed {seed} (re-run with --seed {seed})", flush=True)
    rng = random.Random(seed)
    c = Checks(print_at_most=30)
    tmp = chroot_helper.scratch("numacma-writers-")
    try:
        env = Env(os.path.abspath(a.build), os.path.abspath(a.src), tmp)
        t0 = time.monotonic()
        races(env, c, a.pairs)
        t1 = time.monotonic()
        crashes(env, c, a.crashes, rng)
        t2 = time.monotonic()
        print(f"races: {a.pairs * 6 * len(LAYOUTS) * 2} pairs in {t1 - t0:.1f} s; crashes: {a.crashes} in {t2 - t1:.1f} s")
    finally:
        chroot_helper.remove_tree(tmp, "check-writers")
    print(f"{c.n} checks, {len(c.failed)} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
