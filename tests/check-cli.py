#!/usr/bin/env python3
"""numacmactl's command line: each command accepts only its own options.

From `numacmactl --help` (the commands) and each `numacmactl COMMAND --help`
(its options), on a copy of a captured root with a boot configuration:
  - the global help lists every command, and each command's --help (and -h)
    exits 0, names the command and lists --root and --help;
  - every option of every other command, given to a command, is refused:
    exit 2 (check: 3, its one line on stdout), one line naming the option
    and the command, and nothing below the root changes (apply --explain
    used to apply for real);
  - unknown options, abbreviations (--remove for --remove-all, --dry for
    --dry-run), a value given to a switch, a missing value, options before
    the command other than --root/--help/--version, too many arguments:
    all refused, nothing changed;
  - --root works before and after the command, --opt=value and --opt value
    alike.

usage: check-cli.py NUMACMACTL SOURCE_DIR
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile


def tree_digest(root):
    h = hashlib.sha256()
    for d, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(d, f)
            h.update(os.path.relpath(p, root).encode())
            if not os.path.islink(p):
                st = os.stat(p)
                h.update(oct(st.st_mode).encode())
                with open(p, "rb") as fh:
                    h.update(fh.read())
    return h.hexdigest()


class Cli:
    def __init__(self, ctl, root):
        self.ctl, self.root = ctl, root
        self.errs, self.n = [], 0

    def run(self, argv):
        return subprocess.run([self.ctl] + argv, capture_output=True, text=True, check=False)

    def check(self, what, ok, detail=""):
        self.n += 1
        if not ok:
            self.errs.append(f"{what}: {detail}")

    def commands(self):
        out = self.run(["--help"])
        self.check("--help exits 0", out.returncode == 0, out.stderr)
        sec = out.stdout.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
        cmds = []
        for line in sec.splitlines():
            m = re.match(r"  (\S+(?: [a-z]+)?)(?: \[?[A-Z]+\]?)?\s{2,}\S", line)
            if m:
                cmds.append(m.group(1))
        return cmds

    def options(self, cmd):
        out = self.run(cmd.split() + ["--help"])
        self.check(f"{cmd} --help exits 0", out.returncode == 0, out.stderr)
        self.check(f"{cmd} --help names the command", out.stdout.startswith(f"numacmactl {cmd} "), out.stdout[:80])
        short = self.run(cmd.split() + ["-h"])
        self.check(f"{cmd} -h is --help", short.stdout == out.stdout and short.returncode == 0, short.stdout[:80])
        opts = {}
        for line in out.stdout.splitlines():
            m = re.match(r"  --([a-z-]+)(=([A-Z]+))?\s", line)
            if m:
                opts[m.group(1)] = m.group(3)
        self.check(f"{cmd} --help lists --root and --help", "root" in opts and "help" in opts, str(opts))
        return opts

    def refused(self, what, argv, cmd, needle):
        before = tree_digest(self.root)
        out = self.run(argv)
        after = tree_digest(self.root)
        self.check(f"{what}: nothing below the root changed", before == after)
        if cmd == "check":
            lines = out.stdout.splitlines()
            self.check(f"{what}: exit 3 (UNKNOWN)", out.returncode == 3, f"exit {out.returncode}")
            self.check(f"{what}: one stdout line NUMACMA UNKNOWN naming {needle!r} and 'check'",
                       len(lines) == 1 and lines[0].startswith("NUMACMA UNKNOWN") and needle in lines[0] and "check" in lines[0],
                       out.stdout)
            return
        lines = out.stderr.splitlines()
        self.check(f"{what}: exit 2", out.returncode == 2, f"exit {out.returncode}, stdout {out.stdout[:200]!r}")
        self.check(f"{what}: nothing on stdout", out.stdout == "", out.stdout[:200])
        self.check(f"{what}: one line naming {needle!r} and {cmd!r}",
                   len(lines) == 1 and needle in lines[0] and (cmd is None or f"numacmactl {cmd}" in lines[0]), out.stderr)


def main():
    # The prerequisite check (tests/needs python): exit 3 is its dry mode
    # (NUMACMA_NEEDS_ONLY=1: all there, stop here).
    rc = subprocess.call([os.path.join(os.path.dirname(os.path.abspath(__file__)), "needs"), "--prog", sys.argv[0], "python"])
    if rc:
        return 0 if rc == 3 else rc
    ctl, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with tempfile.TemporaryDirectory(prefix="numacma-cli-") as tmp:
        root = os.path.join(tmp, "root")
        shutil.copytree(os.path.join(src, "tests/boot/trees/debian-grub"), root, symlinks=True)
        c = Cli(ctl, root)
        cmds = c.commands()
        c.check("the global help lists the commands",
                set(cmds) >= {"status", "check", "plan", "config check", "apply", "diff"}, str(cmds))
        opts = {cmd: c.options(cmd) for cmd in cmds}
        common = {"root", "help"}
        # Every option of another command, refused.
        n_foreign = 0
        for cmd in cmds:
            for other, oo in opts.items():
                for o, metavar in oo.items():
                    if o in common or o in opts[cmd]:
                        continue
                    arg = f"--{o}=x" if metavar else f"--{o}"
                    n_foreign += 1
                    c.refused(f"{cmd} {arg} (an option of {other})", cmd.split() + [arg, "--root", root], cmd, f"--{o}")
        c.check("some foreign options were tried", n_foreign >= 10, str(n_foreign))
        for cmd in cmds:
            c.refused(f"{cmd} --bogus", cmd.split() + ["--root", root, "--bogus"], cmd, "--bogus")
            c.refused(f"{cmd} -x", cmd.split() + ["--root", root, "-x"], cmd, "-x")
            c.refused(f"{cmd} --help=1", cmd.split() + ["--help=1"], cmd, "--help")
        # Abbreviations and values.
        c.refused("apply --remove", ["apply", "--remove", "--root", root], "apply", "--remove")
        c.refused("apply --dry", ["apply", "--dry", "--root", root], "apply", "--dry")
        c.refused("apply --dry-run=yes", ["apply", "--dry-run=yes", "--root", root], "apply", "--dry-run")
        c.refused("status --format=yaml", ["status", "--format=yaml", "--root", root], "status", "yaml")
        c.refused("plan --format=prometheus", ["plan", "--format=prometheus", "--root", root], "plan", "prometheus")
        c.refused("status --format (no value)", ["status", "--root", root, "--format"], "status", "--format")
        c.refused("--json before status", ["--json", "status", "--root", root], None, "--json")
        c.refused("--dry-run before apply", ["--root", root, "--dry-run", "apply"], None, "--dry-run")
        c.refused("status with an argument", ["status", "extra", "--root", root], "status", "extra")
        c.refused("config check with two files", ["config", "check", "a", "b", "--root", root], "config check", "'b'")
        c.refused("config alone", ["--root", root, "config"], None, "config")
        c.refused("an unknown command", ["--root", root, "frobnicate"], None, "frobnicate")
        # What is accepted.
        for argv in (["--root", root, "status", "--json"], ["status", "--json", "--root", root],
                     ["status", "--format", "json", "--root=" + root], ["plan", "--root", root, "--explain", "--json"]):
            out = c.run(argv)
            c.check(f"{' '.join(argv)}: JSON, exit 0 or the state's", out.returncode in (0, 1, 3, 150) and out.stdout.startswith("{"),
                    f"exit {out.returncode}: {out.stderr[:200]}")
        # check: an UNKNOWN says why on its one stdout line; a read that never
        # ends (a FIFO as /proc/cmdline) is cut by --timeout.
        bad = os.path.join(tmp, "bad")
        shutil.copytree(root, bad, symlinks=True)
        with open(os.path.join(bad, "etc/numacma.conf"), "w") as f:
            f.write("[pools]\nsize = lots\n")
        out = c.run(["check", "--root", bad])
        c.check("check with a broken policy: exit 3, the file and line on the one stdout line",
                out.returncode == 3 and len(out.stdout.splitlines()) == 1
                and out.stdout.startswith("NUMACMA UNKNOWN - the policy does not check:") and "numacma.conf:2" in out.stdout,
                f"exit {out.returncode}: {out.stdout!r}")
        os.remove(os.path.join(bad, "etc/numacma.conf"))
        os.remove(os.path.join(bad, "proc/cmdline"))
        os.mkfifo(os.path.join(bad, "proc/cmdline"))
        out = subprocess.run([ctl, "check", "-t", "1", "--root", bad], capture_output=True, text=True, timeout=60, check=False)
        c.check("check -t 1 on a root whose /proc/cmdline never ends: UNKNOWN, exit 3, the timeout said",
                out.returncode == 3 and out.stdout.startswith("NUMACMA UNKNOWN - no answer within 1 s"),
                f"exit {out.returncode}: {out.stdout!r}")
        for argv, why in ((["check", "-w", "101"], "percentage"), (["check", "--critical=x"], "percentage"),
                          (["check", "-t", "-1"], "seconds"), (["check", "-w", "90", "-c", "80"], "above the critical")):
            out = c.run(argv + ["--root", root])
            c.check(f"{' '.join(argv)}: UNKNOWN (exit 3) saying why", out.returncode == 3 and why in out.stdout
                    and out.stdout.startswith("NUMACMA UNKNOWN"), f"exit {out.returncode}: {out.stdout!r}")
        ver = c.run(["--version"])
        c.check("--version", ver.returncode == 0 and ver.stdout.startswith("numacmactl "), ver.stdout)
        out = c.run([])
        c.check("no command: the help on stderr, exit 2", out.returncode == 2 and "Commands:" in out.stderr, out.stderr[:100])
        for e in c.errs:
            print(e)
        print(f"{len(cmds)} commands, {n_foreign} foreign options tried; {c.n} checks, {len(c.errs)} failed")
        return 1 if c.errs else 0


if __name__ == "__main__":
    sys.exit(main())
