#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""One pipeline: numacmactl and numacmad must agree, from the same root and
the same policy, on the status and on every file they leave behind.

usage: check-one-pipeline.py NUMACMACTL NUMACMAD SOURCE_DIR [--jobs N] [--only TEXT] [--cover]

--cover runs a subset in which every machine and every layout (with each
variant) still meets both policies: the sanitizer build's run, where the
question is memory safety on every input and writer path, not agreement on
every pairing (the plain build checks the whole product).

Cases: every captured machine (tests/fixtures/trees/*/, tests/kernel/trees/*/:
sys/, proc/, boot/config-*) x every boot layout (tests/boot/trees/*/, and
"none": no boot configuration at all) x the policy "[daemon] apply = yes"
and "apply = no", and these variants:
  +lost-record   layouts with BLS entries (fedora-bls, fedora-grubby,
                 sdboot): 'numacmactl apply' is run once first (apply =
                 yes), then var/lib/numacma/owned is deleted: the entries
                 carry numacma's argument but nothing says numacma wrote
                 it. Only for the machines where that apply wrote a
                 per-node argument (elsewhere there is nothing to lose and
                 the case would equal the plain one); at least one must.
  +stale-grub.cfg-cma, +stale-grub.cfg-cma_pernuma
                 layouts with /boot/grub/grub.cfg (debian-grub): the
                 administrator added cma=64M (or cma_pernuma=64M) to
                 GRUB_CMDLINE_LINUX in /etc/default/grub and did not run
                 update-grub.

Each case's root is the layout's tree with its sys/, proc/ and
boot/config-* replaced by the machine's, plus /etc/numacma.conf; it is made
twice, A and B:
  A  apply = yes: numacmactl --root A apply; numacmactl --root A status --json
     apply = no:  numacmactl --root A status --json
  B  numacmad --root B --once --json
and compared: the exit verdict (every command of A exited 0, status with
its state's code (numacmactl(8), EXIT STATUS) / numacmad did),
the status JSON (parsed, every field), and every file, directory and symlink
below the roots (path, mode, content or target). Nothing is ignored.

Commands: below a root other than '/', both programs list the commands
(update-grub, grubby, kernel-install) rather than run them. So that a run
one would be seen and harmless, PATH starts with stand-ins that log into
$NUMACMA_ROOT/commands.log (grubby: tests/boot/fake-grubby, which edits
the entries below $NUMACMA_ROOT and logs to grubby.log); those logs are
files of the root like any other.

The machine files (sys/, proc/, boot/config-*) are hard links to one private
copy per machine, made once; at the end that copy must still equal the
repository's tree (a program writing into them in place would fail here).
Everything else is copied. The temporary directory is removed at exit.

Output: one line per case (ok or DIFF with one indented line per
difference), then "N cases, N identical, N differ". Exit 0 when every case
is identical, 1 otherwise, 2 when the check cannot run.
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

MACHINE_TREES = ["tests/fixtures/trees", "tests/kernel/trees"]
LAYOUT_TREES = "tests/boot/trees"
FAKE_GRUBBY = "tests/boot/fake-grubby"
OWNED = "var/lib/numacma/owned"
POLICY = "[daemon]\napply = {}\n"
STALE = {"stale-grub.cfg-cma": "cma=64M", "stale-grub.cfg-cma_pernuma": "cma_pernuma=64M"}
# Commands the programs may run for a boot layout: stand-ins log them.
COMMANDS = ["update-grub", "grub-mkconfig", "grub2-mkconfig", "kernel-install"]
TIMEOUT = 120   # seconds per program run: a hang is a failure, not a wait
MAX_VALUE = 110  # characters of a value shown in a difference


class CheckError(Exception):
    pass


STATUS_EXIT = {"ok": 0, "pending-reboot": 1, "degraded": 3, "unsupported": 150}


def state_of(text):
    try:
        return json.loads(text).get("state")
    except (json.JSONDecodeError, AttributeError):
        return None


def is_machine_path(rel):
    """sys/..., proc/..., boot/config-*: the captured machine's part of a root."""
    parts = rel.split("/")
    return parts[0] in ("sys", "proc") or (parts[0] == "boot" and len(parts) == 2 and parts[1].startswith("config-"))


def walk(top):
    """Relative paths below top (dirs before their contents), sorted."""
    out = []
    for d, dirs, files in os.walk(top):
        dirs.sort()
        rel = os.path.relpath(d, top)
        for name in sorted(dirs + files):
            out.append(name if rel == "." else f"{rel}/{name}")
    return out


def clone(src, dst, machine_from=None):
    """Copy the tree src to dst. Machine paths are hard links to the same
    inode (src's, or machine_from's when given, replacing src's own)."""
    os.makedirs(dst, exist_ok=True)
    for rel in walk(src):
        if machine_from is None or not is_machine_path(rel):
            _place(os.path.join(src, rel), os.path.join(dst, rel), is_machine_path(rel))
    if machine_from is not None:
        for rel in walk(machine_from):
            _place(os.path.join(machine_from, rel), os.path.join(dst, rel), True)


def _place(s, d, link):
    st = os.lstat(s)
    os.makedirs(os.path.dirname(d), exist_ok=True)
    if os.path.islink(s):
        os.symlink(os.readlink(s), d)
    elif os.path.isdir(s):
        os.makedirs(d, exist_ok=True)
        os.chmod(d, st.st_mode & 0o7777)
    elif link:
        os.link(s, d)
    else:
        shutil.copy2(s, d)


# The writer lock (src/bootcfg/writer_lock.h) is not part of what a run
# writes: it is the runtime file (on /run, a tmpfs) through which runs take
# turns, and exists after any run that took it, whichever program that was.
NOT_COMPARED = ("run/numacma", "run/numacma/writer.lock")


def snapshot(root):
    """{relative path: (kind, mode, what)}: what is a symlink's target, or
    for a file (device, inode, path), its content read only when needed."""
    out = {}
    for rel in walk(root):
        if rel in NOT_COMPARED or (rel == "run" and not [e for e in os.listdir(os.path.join(root, "run")) if e != "numacma"]):
            continue
        p = os.path.join(root, rel)
        st = os.lstat(p)
        mode = st.st_mode & 0o7777
        if os.path.islink(p):
            out[rel] = ("symlink", mode, os.readlink(p))
        elif os.path.isdir(p):
            out[rel] = ("dir", mode, None)
        else:
            out[rel] = ("file", mode, (st.st_dev, st.st_ino, p))
    return out


def content(entry):
    kind, _, what = entry
    if kind != "file":
        return what
    with open(what[2], "rb") as f:
        return f.read()


def same(x, y):
    """Two snapshot entries: same kind, mode and content (one inode: same)."""
    if x[:2] != y[:2]:
        return False
    if x[0] == "file" and x[2][:2] == y[2][:2]:
        return True
    return content(x) == content(y)


def short(v):
    s = v if isinstance(v, str) else json.dumps(v)
    return s if len(s) <= MAX_VALUE else s[:MAX_VALUE - 3] + "..."


def json_diff(path, a, b, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a) + [k for k in b if k not in a]:
            if k not in b:
                out.append(f"{path}.{k}: numacmad has no such key (numacmactl {short(a[k])})")
            elif k not in a:
                out.append(f"{path}.{k}: numacmactl has no such key (numacmad {short(b[k])})")
            else:
                json_diff(f"{path}.{k}", a[k], b[k], out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            json_diff(f"{path}[{i}]", x, y, out)
    elif a != b or type(a) is not type(b):
        out.append(f"{path}: numacmactl {short(a)} | numacmad {short(b)}")


def files_diff(a, b, out):
    for rel in sorted(set(a) | set(b)):
        if rel not in b:
            out.append(f"file {rel}: only numacmactl's root has it ({a[rel][0]})")
        elif rel not in a:
            out.append(f"file {rel}: only numacmad's root has it ({b[rel][0]})")
        elif not same(a[rel], b[rel]):
            (ka, ma, _), (kb, mb, _) = a[rel], b[rel]
            if ka != kb:
                out.append(f"file {rel}: a {ka} for numacmactl, a {kb} for numacmad")
                continue
            if ma != mb:
                out.append(f"file {rel}: mode numacmactl {ma:04o} | numacmad {mb:04o}")
            ca, cb = content(a[rel]), content(b[rel])
            if ca != cb and not (rel in TIMESTAMPS and is_time(ca) and is_time(cb)):
                out.append(f"file {rel}: {content_diff(ca, cb)}")


# Files that hold the wall-clock time of the run (seconds since the epoch):
# both programs must write one, the seconds are the run's own.
TIMESTAMPS = ("var/lib/numacma/last-apply",)


def is_time(c):
    return isinstance(c, bytes) and c.endswith(b"\n") and c[:-1].isdigit()


def content_diff(a, b):
    if isinstance(a, str):
        return f"symlink to numacmactl {a!r} | numacmad {b!r}"
    try:
        la, lb = a.decode().splitlines(), b.decode().splitlines()
    except UnicodeDecodeError:
        return f"content differs ({len(a)} | {len(b)} bytes)"
    for i in range(max(len(la), len(lb))):
        x = la[i] if i < len(la) else None
        y = lb[i] if i < len(lb) else None
        if x != y:
            return (f"line {i + 1}: numacmactl {short(x) if x is not None else '(end)'!s}"
                    f" | numacmad {short(y) if y is not None else '(end)'!s}")
    return f"content differs in line ends ({len(a)} | {len(b)} bytes)"


class Runner:
    def __init__(self, ctl, daemon, src, tmp):
        self.ctl, self.daemon, self.src, self.tmp = ctl, daemon, src, tmp
        bindir = os.path.join(tmp, "bin")
        os.makedirs(bindir)
        os.symlink(os.path.join(src, FAKE_GRUBBY), os.path.join(bindir, "grubby"))
        for c in COMMANDS:
            with open(os.path.join(bindir, c), "w", encoding="utf-8") as f:
                f.write("#!/bin/sh\n"
                        "# check-one-pipeline stand-in: log, change nothing\n"
                        'case "${NUMACMA_ROOT:-/}" in /) echo "$0: no NUMACMA_ROOT: refusing" >&2; exit 1;; esac\n'
                        f'echo "{c} $*" >> "$NUMACMA_ROOT/commands.log"\n')
            os.chmod(os.path.join(bindir, c), 0o755)
        env = {k: v for k, v in os.environ.items()
               if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "NUMACMA_ROOT")}
        env["PATH"] = bindir + os.pathsep + env.get("PATH", "/usr/bin:/bin")
        self.env = env

    def run(self, argv):
        try:
            p = subprocess.run(argv, capture_output=True, text=True, env=self.env, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            return None, "", f"timed out after {TIMEOUT}s"
        return p.returncode, p.stdout, p.stderr

    def root(self, dst, machine, layout):
        """dst: the layout's tree with the machine's sys/, proc/, boot/config-*."""
        if layout == "none":
            clone(machine, dst)
        else:
            clone(os.path.join(self.src, LAYOUT_TREES, layout), dst, machine_from=machine)

    def lost_record(self, machine, layout):
        """The root after 'numacmactl apply', its ownership record deleted:
        (root, the tokens the record had, or an error)."""
        root = os.path.join(self.tmp, "lost-record", f"{os.path.basename(machine)}+{layout}")
        self.root(root, machine, layout)
        write(root, "etc/numacma.conf", POLICY.format("yes"))
        rc, _, err = self.run([self.ctl, "--root", root, "apply"])
        if rc != 0:
            return root, [], f"preparation: numacmactl apply exited {rc}: {first(err)}"
        tokens = owned_tokens(root)
        if os.path.exists(os.path.join(root, OWNED)):
            os.unlink(os.path.join(root, OWNED))
        return root, tokens, None

    def case(self, c):
        """Run one case; return (differences, notes)."""
        work = os.path.join(self.tmp, "cases", c["id"])
        a, b = os.path.join(work, "A"), os.path.join(work, "B")
        diffs, notes = [], []
        if c["variant"] == "lost-record":
            if c["prepared"][2]:
                return [c["prepared"][2]], notes
            clone(c["prepared"][0], a)
        else:
            self.root(a, c["machine"], c["layout"])
        write(a, "etc/numacma.conf", POLICY.format(c["apply"]))
        if c["variant"] in STALE:
            stale_grub(a, STALE[c["variant"]])
        clone(a, b)

        steps = []
        if c["apply"] == "yes":
            steps.append(("numacmactl apply", self.run([self.ctl, "--root", a, "apply"])))
        steps.append(("numacmactl status --json", self.run([self.ctl, "--root", a, "status", "--json"])))
        d = ("numacmad --once --json", self.run([self.daemon, "--root", b, "--once", "--json"]))

        # status exits with the code of its state (numacmactl(8)).
        ok_exit = lambda n, r: r[0] == (STATUS_EXIT.get(state_of(r[1]), -1) if n.startswith("numacmactl status") else 0)
        bad_a = [(n, r) for n, r in steps if not ok_exit(n, r)]
        if bool(bad_a) != (d[1][0] != 0):
            sa = "; ".join(f"{n} exited {r[0]}: {first(r[2])}" for n, r in bad_a) or "every command exited 0"
            sb = f"exited {d[1][0]}: {first(d[1][2])}" if d[1][0] != 0 else "exited 0"
            diffs.append(f"exit: numacmactl {sa} | numacmad {sb}")
        ja, ea = parse(*steps[-1])
        jb, eb = parse(*d)
        diffs += [e for e in (ea, eb) if e]
        if ja is not None and jb is not None:
            json_diff("status", ja, jb, diffs)
        files_diff(snapshot(a), snapshot(b), diffs)
        for root in (a, b):
            for log in ("commands.log", "grubby.log"):
                if os.path.exists(os.path.join(root, log)):
                    notes.append("commands")
        shutil.rmtree(work)
        return diffs, notes


def first(text):
    lines = [l for l in (text or "").splitlines() if l.strip()]
    return short(lines[0]) if lines else "(no message)"


def parse(name, result):
    rc, out, err = result
    try:
        return json.loads(out), None
    except ValueError:
        return None, f"{name}: no JSON on stdout (exit {rc}): {first(err)}"


def write(root, rel, text):
    p = os.path.join(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w", encoding="utf-8") as f:
        f.write(text)


def owned_tokens(root):
    try:
        with open(os.path.join(root, OWNED), encoding="utf-8") as f:
            return [l.split(None, 1)[1].strip() for l in f if l.startswith("token ")]
    except FileNotFoundError:
        return []


def stale_grub(root, arg):
    """Add arg to GRUB_CMDLINE_LINUX in etc/default/grub (inside its quotes)."""
    p = os.path.join(root, "etc/default/grub")
    with open(p, encoding="utf-8") as f:
        text = f.read()
    new, n = re.subn(r"^(GRUB_CMDLINE_LINUX=)(['\"])(.*)\2[ \t]*$",
                     lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)} {arg}{m.group(2)}",
                     text, count=1, flags=re.M)
    if n != 1:
        raise CheckError(f"no GRUB_CMDLINE_LINUX=\"...\" line in '{p}' to add '{arg}' to")
    with open(p, "w", encoding="utf-8") as f:
        f.write(new)


def machine_copy(src_tree, dst):
    """A private copy of the machine's part of a captured tree."""
    os.makedirs(dst)
    for rel in walk(src_tree):
        if is_machine_path(rel):
            _place(os.path.join(src_tree, rel), os.path.join(dst, rel), False)
    if not os.path.isdir(os.path.join(dst, "sys")) or not os.path.isdir(os.path.join(dst, "proc")):
        raise CheckError(f"'{src_tree}' has no sys/ and proc/: not a captured tree")


def machine_changed(copy, origin):
    """Paths of the machine part that differ between the two trees."""
    a = {rel: v for rel, v in snapshot(copy).items() if is_machine_path(rel)}
    b = {rel: v for rel, v in snapshot(origin).items() if is_machine_path(rel)}
    return sorted(rel for rel in set(a) | set(b) if rel not in a or rel not in b or not same(a[rel], b[rel]))


def layouts_of(src):
    top = os.path.join(src, LAYOUT_TREES)
    layouts = sorted(d for d in os.listdir(top) if os.path.isdir(os.path.join(top, d)))
    if not layouts:
        raise CheckError(f"no boot layout in '{top}'")
    return layouts


def variants_of(src, layout):
    if layout == "none":
        return []
    ldir = os.path.join(src, LAYOUT_TREES, layout)
    out = []
    if any("/loader/entries/" in rel and rel.endswith(".conf") for rel in walk(ldir)):
        out.append("lost-record")
    if os.path.exists(os.path.join(ldir, "boot/grub/grub.cfg")):
        out += list(STALE)
    return out


def cases_for(src, machines, prepared):
    """Every case, in order. lost-record only where there is a token to
    lose (or the preparation failed, which the case reports)."""
    out = []
    for layout in layouts_of(src) + ["none"]:
        for machine in sorted(machines):
            for variant in [None] + variants_of(src, layout):
                p = prepared.get((machine, layout)) if variant == "lost-record" else None
                if variant == "lost-record" and (p is None or (not p[1] and not p[2])):
                    continue
                for apply in ("yes", "no"):
                    name = f"{machine}/{layout}{'+' + variant if variant else ''}/apply={apply}"
                    out.append({"name": name, "id": f"{len(out):04d}", "machine": machines[machine],
                                "layout": layout, "variant": variant, "apply": apply, "prepared": p})
    return out


def covering(cases):
    """The cases, in order, that first bring a (machine, apply) or a
    (layout, variant, apply) pair: each machine and each layout variant
    meets both policies at least once."""
    seen, out = set(), []
    for c in cases:
        keys = {("m", c["machine"], c["apply"]), ("l", c["layout"], c["variant"], c["apply"])}
        if not keys <= seen:
            seen |= keys
            out.append(c)
    return out


def main():
    ap = argparse.ArgumentParser(description="numacmactl and numacmad must agree (see the top of this file).")
    ap.add_argument("numacmactl")
    ap.add_argument("numacmad")
    ap.add_argument("source_dir")
    ap.add_argument("--jobs", type=int, default=min(8, 2 * (os.cpu_count() or 1)),
                    help="cases run at once (default: twice the CPUs, at most 8: the runs are short, much is I/O)")
    ap.add_argument("--only", help="run only the cases whose name contains this")
    ap.add_argument("--cover", action="store_true",
                    help="only enough cases to meet every machine and every layout variant with both policies")
    args = ap.parse_args()
    # The prerequisite check (tests/needs python): exit 3 is its dry mode
    # (NUMACMA_NEEDS_ONLY=1: all there, stop here).
    rc = subprocess.call([os.path.join(os.path.dirname(os.path.abspath(__file__)), "needs"), "--prog", sys.argv[0], "python"])
    if rc:
        return 0 if rc == 3 else rc
    ctl, daemon, src = (os.path.abspath(p) for p in (args.numacmactl, args.numacmad, args.source_dir))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean the tmpdir up

    # Some 800 small roots are made and removed: on a tmpfs that is quick,
    # on a disk mounted with 'discard' each removed directory costs
    # milliseconds. /dev/shm unless TMPDIR says otherwise; the peak is some
    # 20 MB (one copy of each machine, and the roots of the running cases).
    base = None if os.environ.get("TMPDIR") or not os.access("/dev/shm", os.W_OK) else "/dev/shm"
    with tempfile.TemporaryDirectory(prefix="numacma-one-pipeline-", dir=base) as tmp:
        machines, origin = {}, {}
        for top in MACHINE_TREES:
            for name in sorted(os.listdir(os.path.join(src, top))):
                t = os.path.join(src, top, name)
                if not os.path.isdir(t):
                    continue
                if name in machines:
                    raise CheckError(f"two captured trees named '{name}'")
                machines[name] = os.path.join(tmp, "machines", name)
                origin[name] = t
                machine_copy(t, machines[name])
        runner = Runner(ctl, daemon, src, tmp)
        jobs = max(1, args.jobs)
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            pairs = [(m, l) for l in layouts_of(src) for m in sorted(machines) if "lost-record" in variants_of(src, l)]
            if args.only:
                pairs = [(m, l) for m, l in pairs
                         if any(args.only in f"{m}/{l}+lost-record/apply={a}" for a in ("yes", "no"))]
            prepared = dict(zip(pairs, pool.map(lambda ml: runner.lost_record(machines[ml[0]], ml[1]), pairs)))
            cases = cases_for(src, machines, prepared)
            if args.only:
                cases = [c for c in cases if args.only in c["name"]]
            if args.cover:
                every = len(cases)
                cases = covering(cases)
                print(f"cover: {len(cases)} of {every} cases (every machine and every layout variant, "
                      "each with apply = yes and no)")
            if not cases:
                raise CheckError("no case to run")
            results = list(pool.map(runner.case, cases))

        differ = 0
        for c, (diffs, _) in zip(cases, results):
            print(f"{'DIFF' if diffs else 'ok  '} {c['name']}")
            for d in diffs:
                print(f"       {d}")
            differ += bool(diffs)

        # The variants must test what they say, and the machine files must
        # be as the repository has them.
        problems = []
        if pairs:
            lost = [k for k, v in prepared.items() if v[1]]
            print(f"lost-record: numacmactl apply wrote a per-node argument on {len(lost)} of {len(pairs)} "
                  "machine x layout pairs; the others have no lost-record case (nothing to lose)")
            if not lost:
                problems.append("no lost-record case has a token to lose: the variant tests nothing")
        ran = sum(1 for _, n in results if "commands" in n)
        print(f"commands run below a root (stand-ins' logs found): {ran} cases")
        for name, copy in machines.items():
            changed = machine_changed(copy, origin[name])
            if changed:
                problems.append(f"the machine files of '{name}' changed during the run ({', '.join(changed[:3])}): "
                                "a program wrote into sys/, proc/ or boot/config-* in place")
        for p in problems:
            print(f"check-one-pipeline: {p}")

    print(f"{len(cases)} cases, {len(cases) - differ} identical, {differ} differ")
    return 1 if differ or problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CheckError as e:
        print(f"check-one-pipeline: {e}", file=sys.stderr)
        sys.exit(2)
