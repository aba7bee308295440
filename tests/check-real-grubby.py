#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""numacma with Fedora's real grubby (grubby-bls, the script /usr/sbin/grubby
is on Fedora 30+ and RHEL 8+), on Fedora- and RHEL 8-like roots.

usage: tests/check-real-grubby.py BUILD_DIR SRCDIR [--only LAYOUT] [--keep]

The real grubby is test equipment outside the repository:
SRCDIR/../shared/tools/grubby-bls/grubby. Without it the test says so loudly
and exits 77.

Each root is a copy of a tree of tests/boot/trees, entered with chroot in a
private mount namespace: the host's /usr under an overlay (so the root has
its own /usr/sbin/grubby: the real one, bound read-only, and grub2-editenv,
Debian's grub-editenv under Fedora's name), the build directory, ld.so.cache
and /dev/null bound in. numacma runs there as on the live system ("/"), so it
runs grubby. Layouts:

  fedora         tests/boot/trees/fedora-grubby (entries with a quoted
                 dyndbg="file foo.c +p", /etc/kernel/cmdline, grubenv,
                 GRUB_CMDLINE_LINUX="rhgb quiet")
  fedora-quoted  the same with the administrator's quoted argument in
                 /etc/default/grub: GRUB_CMDLINE_LINUX="rhgb quiet
                 dyndbg=\\"module mlx5_core +p\\"" (grubby's own --args breaks
                 that assignment, so the administrator's grubby step is left
                 out there)
  rhel8          tests/boot/trees/rhel8-grubby (options $kernelopts
                 $tuned_params, kernelopts in grubenv, no /etc/kernel/cmdline)
  rhel9-tuned    fedora-grubby with tuned's bootloader plugin: every entry's
                 options end in $tuned_params, its value in grubenv
  fedora-two-options  fedora-grubby whose default entry has a second
                 options line (GRUB's blscfg reads the first only): numacma
                 edits that entry's first line itself, grubby the rest

For each, beside the grubby root G, a direct root D (the same tree without
grubby: numacma's bls backend, run with --root) and a pristine root P that
gets only what the administrator and the kernel installation do. Steps:

  1. numacmactl apply: G's entries, /etc/kernel/cmdline and grubenv are D's,
     byte for byte, and grubby really ran where an entry changed;
     /etc/default/grub is P's with numacma's token before the closing quote
     of GRUB_CMDLINE_LINUX, valid shell that bash evaluates to P's value and
     the token, the administrator's quoting intact.
  2. apply again: no file changes (content and mtime), nothing runs.
  3. a policy change (max_node_share = 20%): the new token, again as D.
  4. the administrator's own `grubby --update-kernel=ALL --args=mitigations=off`
     in G and P; then numacmactl apply changes nothing and the next boot
     still has numacma's token (not on fedora-quoted). Then the
     administrator's own numa_cma=1:32M on the rescue entry through grubby:
     that entry keeps it alone, apply changes nothing.
  5. a new kernel's entry, as kernel-install writes it (fedora: options from
     the pristine /etc/kernel/cmdline, without numacma's token; rhel8:
     $kernelopts), in G and P, and numacma's kernel-install plugin
     (kernel-install/90-numacma.install, numacmactl apply --no-commands):
     the new entry gets the token, nothing else changes.
  6. numacmactl apply --remove-all: every file of G (entries, /etc/kernel,
     grubenv, /etc/default) is P's, byte for byte.
  7. the unit's sandbox: numacmad --once in a fresh G under what
     systemd/numacmad.service.in says (ProtectSystem=strict: the root
     read-only but its ReadWritePaths= and StateDirectory=; PrivateTmp=;
     CapabilityBoundingSet= and NoNewPrivileges= through setpriv) writes
     exactly what an unconfined numacmactl apply writes; with /etc/default
     taken out of ReadWritePaths= it fails, names the file, and no boot file
     changed (nothing half-written).

Needs root (mount namespace, chroot, overlay); exits 77 without. Prints
"N checks, N failed" and exits 1 on a failure.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chroot_helper  # noqa: E402
from checks import Checks  # noqa: E402

MID = "4e2f5a8c0d9b4a7e8f1c2b3a4d5e6f70"
REL = "7.2.13+deb14-amd64"
NEW_REL = "7.2.14+test1-amd64"
BUILD_IN_ROOT = "/.numacma-build"
SRC_IN_ROOT = "/.numacma-src"
BIN_IN_ROOT = "/.numacma-bin"
PATH_IN_ROOT = f"/usr/sbin:/usr/bin:/sbin:/bin:{BIN_IN_ROOT}"
T1 = "numa_cma=0:64M,1:100M"
T2 = "numa_cma=0:64M,1:192M"
QUOTED = 'GRUB_CMDLINE_LINUX="rhgb quiet dyndbg=\\"module mlx5_core +p\\""'
LAYOUTS = {
    "fedora": ("fedora-grubby", "Fedora Linux", "41 (Server Edition)", "fedora"),
    "fedora-quoted": ("fedora-grubby", "Fedora Linux", "41 (Server Edition)", "fedora"),
    "rhel8": ("rhel8-grubby", "Red Hat Enterprise Linux", "8.9 (Ootpa)", "rhel"),
    "rhel9-tuned": ("fedora-grubby", "Red Hat Enterprise Linux", "9.4 (Plow)", "rhel"),
    "fedora-two-options": ("fedora-grubby", "Fedora Linux", "41 (Server Edition)", "fedora"),
}
TWO = "options nosmt"  # a second options line (tuned and administrators add them)
TUNED = "skew_tick=1 nohz=on"
# What numacma may change below a root; the rest must stay as it was.
BOOT_FILES = ("boot", "etc/kernel", "etc/default")
SKIP_TOP = {"proc", "sys", "usr", "dev", "tmp", "run", "var", BUILD_IN_ROOT[1:], SRC_IN_ROOT[1:], BIN_IN_ROOT[1:],
            "bin", "sbin", "lib", "lib64"}


def read(p):
    try:
        with open(p, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def files(root, tops=BOOT_FILES):
    """{relative path: (content, mtime_ns)} of every regular file below tops."""
    out = {}
    for top in tops:
        for d, dirs, names in os.walk(os.path.join(root, top)):
            for n in names:
                p = os.path.join(d, n)
                if os.path.isfile(p) and not os.path.islink(p):
                    out[os.path.relpath(p, root)] = (read(p), os.stat(p).st_mtime_ns)
    return out


def contents(root, tops=BOOT_FILES):
    return {k: v[0] for k, v in files(root, tops).items()}


def diff_names(a, b):
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


class Root:
    """A tree copy that numacma and grubby run in, chrooted."""

    def __init__(self, env, layout, name):
        self.env, self.layout = env, layout
        tree, self.os_name, self.os_version, self.os_id = LAYOUTS[layout]
        self.path = os.path.join(env.tmp, name)
        shutil.copytree(os.path.join(env.src, "tests", "boot", "trees", tree), self.path, symlinks=True)
        # The tree's stand-in grubby goes: the real one is bound in below.
        shutil.rmtree(os.path.join(self.path, "usr"), ignore_errors=True)
        if layout == "rhel9-tuned":
            # tuned's bootloader plugin: "$tuned_params" in every entry, its
            # value in grubenv (the block keeps its 1024 bytes).
            d = os.path.join(self.path, "boot/loader/entries")
            for n in os.listdir(d):
                text = open(os.path.join(d, n)).read()
                text = re.sub(r"^(options .*)$", r"\1 $tuned_params", text, flags=re.M)
                text = re.sub(r"^(initrd .*)$", r"\1 $tuned_initrd", text, flags=re.M)
                open(os.path.join(d, n), "w").write(text)
            p = os.path.join(self.path, "boot/grub2/grubenv")
            env = open(p).read()
            line = f"tuned_params={TUNED}\ntuned_initrd=\n"
            env = env.replace("boot_success=1\n", "boot_success=1\n" + line)[:1024]
            open(p, "w").write(env)
        if layout == "fedora-two-options":
            # The default entry with a second options line: GRUB's blscfg
            # reads the first only, systemd-boot would join them.
            p = os.path.join(self.path, f"boot/loader/entries/{MID}-{REL}.conf")
            text = open(p).read()
            open(p, "w").write(re.sub(r"^(options .*)$", r"\1\n" + TWO, text, count=1, flags=re.M))
        if layout == "fedora-quoted":
            p = os.path.join(self.path, "etc/default/grub")
            text = re.sub(r"^GRUB_CMDLINE_LINUX=.*$", QUOTED.replace("\\", "\\\\"), open(p).read(), flags=re.M)
            open(p, "w").write(text)
        with open(os.path.join(self.path, "etc/os-release"), "w") as f:
            f.write(f'NAME="{self.os_name}"\nVERSION="{self.os_version}"\nID={self.os_id}\n')
        with open(os.path.join(self.path, "etc/system-release"), "w") as f:
            f.write(f"{self.os_name} release {self.os_version}\n")
        # RHEL 8 has /etc/kernel (systemd's install.d) but no cmdline in it.
        os.makedirs(os.path.join(self.path, "etc/kernel/install.d"), exist_ok=True)

    def chrootable(self, direct=False):
        """direct: the same tree without grubby (numacma's bls backend)."""
        r, env = self.path, self.env
        chroot_helper.skeleton(r, ("usr", "dev", "tmp", "run", BUILD_IN_ROOT[1:], SRC_IN_ROOT[1:], BIN_IN_ROOT[1:]))
        up = tempfile.mkdtemp(prefix="ovl-", dir=env.tmp)
        os.makedirs(os.path.join(up, "u"))
        os.makedirs(os.path.join(up, "w"))
        chroot_helper.mount("-t", "overlay", "overlay", "-o", f"lowerdir=/usr,upperdir={up}/u,workdir={up}/w", os.path.join(r, "usr"))
        if not direct:
            g = os.path.join(r, "usr/sbin/grubby")
            open(g, "a").close()
            chroot_helper.bind(env.grubby, g)
            ed = os.path.join(r, "usr/bin/grub2-editenv")
            if not os.path.lexists(ed):
                os.symlink("grub-editenv", ed)
        for s, d in (("/dev/null", "dev/null"), ("/etc/ld.so.cache", "etc/ld.so.cache"),
                     (env.build, BUILD_IN_ROOT[1:]), (env.src, SRC_IN_ROOT[1:])):
            chroot_helper.bind(s, os.path.join(r, d), ro=d != "dev/null")
        b = os.path.join(r, BIN_IN_ROOT[1:])
        for prog in ("numacmactl", "numacmad"):
            os.symlink(f"{BUILD_IN_ROOT}/src/{prog}/{prog}", os.path.join(b, prog))
        return self

    def run(self, argv, check=True, chroot_to=None):
        p = subprocess.run(["chroot", chroot_to or self.path, "/usr/bin/env", "-i", f"PATH={PATH_IN_ROOT}", "LC_ALL=C"] + argv,
                           capture_output=True, text=True, timeout=120)
        if check and p.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} in {self.path}: exit {p.returncode}\n{p.stdout}{p.stderr}")
        return p

    def ctl(self, *args, check=True):
        return self.run(["numacmactl"] + list(args), check=check)

    def policy(self, text):
        with open(os.path.join(self.path, "etc/numacma.conf"), "w") as f:
            f.write(text)

    def file(self, rel):
        return read(os.path.join(self.path, rel))


def grub_value(root, text=None):
    """GRUB_CMDLINE_LINUX as bash makes it of root's /etc/default/grub (or of
    text), sourced in the root (its $(sed ...) reads the root's files)."""
    p = os.path.join(root.path, "tmp/grub-eval")
    with open(p, "wb") as f:
        f.write(text if text is not None else root.file("etc/default/grub"))
    r = root.run(["bash", "-c", '. /tmp/grub-eval 2>/dev/null; printf %s "$GRUB_CMDLINE_LINUX"'], check=False)
    syntax = root.run(["bash", "-n", "/tmp/grub-eval"], check=False).returncode == 0
    return r.stdout, syntax


def with_token(text, token):
    """/etc/default/grub with token before the closing quote of the last
    GRUB_CMDLINE_LINUX assignment: what numacma must write."""
    lines = text.decode().split("\n")
    i = max(n for n, l in enumerate(lines) if l.startswith("GRUB_CMDLINE_LINUX="))
    l = lines[i]
    lines[i] = l[:-1] + " " + token + l[-1]
    return "\n".join(lines).encode()


def entries(root):
    d = os.path.join(root.path, "boot/loader/entries")
    return {n: read(os.path.join(d, n)) for n in sorted(os.listdir(d))}


def new_entry(root, options):
    """A new kernel's entry, as Fedora's kernel-install (20-grub.install,
    from grubby-bls's format) writes it, and its kernel's config."""
    shutil.copy(os.path.join(root.path, f"boot/config-{REL}"), os.path.join(root.path, f"boot/config-{NEW_REL}"))
    with open(os.path.join(root.path, f"boot/vmlinuz-{NEW_REL}"), "wb") as f:
        f.write(b"\0" * 512)
    initrd = f"/initramfs-{NEW_REL}.img" + (" $tuned_initrd" if root.os_id == "rhel" else "")
    with open(os.path.join(root.path, f"boot/loader/entries/{MID}-{NEW_REL}.conf"), "w") as f:
        f.write(f"title {root.os_name} ({NEW_REL}) {root.os_version}\nversion {NEW_REL}\nlinux /vmlinuz-{NEW_REL}\n"
                f"initrd {initrd}\noptions {options}\nid {root.os_id}-20240301120000-{NEW_REL}\n"
                "grub_users $grub_users\ngrub_arg --unrestricted\n"
                f"grub_class {'kernel' if root.os_id == 'rhel' else 'fedora'}\n")


def kernelopts(root):
    env = (root.file("boot/grub2/grubenv") or b"").decode()
    m = re.search(r"^kernelopts=(.*)$", env, flags=re.M)
    return m.group(1) if m else None


def journey(env, c, layout):
    t0 = time.monotonic()
    label = layout
    g = Root(env, layout, f"{layout}-G").chrootable()
    p = Root(env, layout, f"{layout}-P").chrootable()
    d = Root(env, layout, f"{layout}-D").chrootable(direct=True)
    pristine = contents(p.path)
    grub0, syntax0 = grub_value(p)
    c.check(syntax0 and grub0, f"{label}: the pristine /etc/default/grub evaluates ({grub0!r})")
    rhel = layout == "rhel8"  # the line is grubenv's kernelopts

    def same_as_direct(step):
        ge, de = entries(g), entries(d)
        c.check(ge == de, f"{label} {step}: the entries differ from the direct BLS path's: "
                f"{[n for n in ge if ge.get(n) != de.get(n)]}")
        for f in ("etc/kernel/cmdline", "boot/grub2/grubenv"):
            c.check(g.file(f) == d.file(f), f"{label} {step}: '{f}' differs from the direct BLS path's:\n"
                    f"  grubby: {g.file(f)!r}\n  direct: {d.file(f)!r}")
        c.check(d.file("etc/default/grub") == pristine["etc/default/grub"],
                f"{label} {step}: the direct path changed /etc/default/grub")

    def default_grub_has(token, step):
        text = g.file("etc/default/grub")
        want = with_token(pristine["etc/default/grub"], token)
        c.check(text == want, f"{label} {step}: /etc/default/grub is not the original with '{token}' inside "
                f"GRUB_CMDLINE_LINUX's quotes:\n{text.decode()}")
        val, syntax = grub_value(g)
        c.check(syntax and val == grub0 + " " + token,
                f"{label} {step}: GRUB_CMDLINE_LINUX evaluates to {val!r}, not {grub0 + ' ' + token!r} (syntax ok: {syntax})")
        if layout == "fedora-quoted":
            c.check(b'dyndbg=\\"module mlx5_core +p\\"' in text, f"{label} {step}: the administrator's quoting changed")

    # 1. apply
    out = g.ctl("apply")
    d.run(["numacmactl", "--root", "/", "apply"])
    ran = re.findall(r"grubby --update-kernel=\S+", out.stdout + out.stderr)
    if rhel:
        c.check(not ran, f"{label} 1: grubby ran although every entry is $kernelopts: {ran}")
        c.check(kernelopts(g) and kernelopts(g).endswith(" " + T1), f"{label} 1: kernelopts is {kernelopts(g)!r}")
        c.check(g.file("etc/kernel/cmdline") is None, f"{label} 1: an /etc/kernel/cmdline was made")
        c.check(entries(g) == {k[len("boot/loader/entries/"):]: v for k, v in pristine.items()
                               if k.startswith("boot/loader/entries/")}, f"{label} 1: an entry changed")
    else:
        c.check("ran: grubby --update-kernel=/vmlinuz-" in out.stdout + out.stderr and "--update-kernel=ALL" not in out.stdout,
                f"{label} 1: grubby did not run per kernel:\n{out.stdout}{out.stderr}")
        if layout == "fedora-two-options":
            # grubby would write every options line: the entry with two is
            # numacma's to edit, on the first line, the one GRUB reads.
            c.check(len(ran) == 1 and f"-{REL}" not in ran[0], f"{label} 1: grubby ran for {ran}, not for the rescue entry alone")
            e = g.file(f"boot/loader/entries/{MID}-{REL}.conf").decode()
            opts = [l for l in e.splitlines() if l.startswith("options")]
            c.check(len(opts) == 2 and opts[0].endswith(" " + T1) and opts[1] == TWO,
                    f"{label} 1: the first options line must carry {T1}: {opts}")
        else:
            c.check(len(ran) == 2, f"{label} 1: grubby ran {len(ran)} times, not once per kernel (2): {ran}")
    same_as_direct("1 apply")
    default_grub_has(T1, "1 apply")
    st = g.ctl("status", check=False).stdout
    c.check(re.search(r"Next boot:.* " + re.escape(T1) + r" +\(grubby\)", st), f"{label} 1: status:\n{st}")

    # 2. again: nothing
    before = files(g.path)
    out = g.ctl("apply")
    c.check(files(g.path) == before, f"{label} 2: a re-apply changed {diff_names(before, files(g.path))}")
    c.check("ran:" not in out.stdout, f"{label} 2: a re-apply ran something: {out.stdout}")

    # 3. policy change
    for r in (g, d):
        r.policy("[pools]\nmax_node_share = 20%\n")
    g.ctl("apply")
    d.run(["numacmactl", "--root", "/", "apply"])
    same_as_direct("3 policy")
    default_grub_has(T2, "3 policy")
    for n, e in entries(g).items():
        c.check(rhel or e.count(T2.encode()) == 1 and T1.encode() not in e, f"{label} 3: entry {n}: {e!r}")

    # 4. the administrator's own grubby
    if layout != "fedora-quoted":
        for r in (g, p):
            r.run(["grubby", "--update-kernel=ALL", "--args=mitigations=off"])
        before = files(g.path)
        out = g.ctl("apply")
        c.check(files(g.path) == before, f"{label} 4: after the administrator's grubby, apply changed "
                f"{diff_names(before, files(g.path))}\n{out.stdout}")
        st = g.ctl("status", check=False).stdout
        c.check(re.search(r"Next boot:.*mitigations=off.* " + re.escape(T2) + r"|Next boot:.* " + re.escape(T2) +
                          r".*mitigations=off", st), f"{label} 4: status after the administrator's grubby:\n{st}")
        pristine = contents(p.path)
        grub0, _ = grub_value(p)
    else:
        # What grubby's own --args does to the administrator's quoting (shown, not asserted).
        x = Root(env, layout, f"{layout}-X").chrootable()
        x.run(["grubby", "--update-kernel=ALL", "--args=mitigations=off"])
        line = [l for l in x.file("etc/default/grub").decode().splitlines() if l.startswith("GRUB_CMDLINE_LINUX=")]
        val, _ = grub_value(x)
        print(f"note: {layout}: the real grubby --update-kernel=ALL --args=mitigations=off makes {line[-1]!r}, "
              f"which bash evaluates to {val!r}", flush=True)

    # 4b. the administrator's own per-node argument on one entry, by grubby
    # (its --args replaces numacma's token there): kept, the rest as it was.
    rescue = f"boot/loader/entries/{MID}-0-rescue-{MID}.conf"
    for r in (g, p):
        r.run(["grubby", f"--update-kernel=/vmlinuz-0-rescue-{MID}", "--args=numa_cma=1:32M"])
    before = files(g.path)
    out = g.ctl("apply")
    c.check(files(g.path) == before, f"{label} 4b: with the administrator's numa_cma=1:32M on the rescue entry, apply changed "
            f"{diff_names(before, files(g.path))}\n{out.stdout}")
    e = g.file(rescue)
    c.check(e.count(b" numa_cma=1:32M") == 1 and T2.encode() not in e, f"{label} 4b: the rescue entry is {e!r}")
    if not rhel:
        e = g.file(f"boot/loader/entries/{MID}-{REL}.conf")
        if layout == "fedora-two-options":
            # The administrator's grubby (step 4) wrote every options line
            # with all of its value: the first line still carries T2 once.
            first = next(l for l in e.decode().splitlines() if l.startswith("options"))
            c.check(first.split().count(T2) == 1, f"{label} 4b: the default entry is {e!r}")
        else:
            c.check(e.count(T2.encode()) == 1, f"{label} 4b: the default entry is {e!r}")
    pristine = contents(p.path)

    # 5. a new kernel, and the kernel-install plugin
    opts = "$kernelopts $tuned_params" if rhel else pristine["etc/kernel/cmdline"].decode().strip()
    if layout == "rhel9-tuned":
        opts += " $tuned_params"
    for r in (g, p):
        new_entry(r, opts)
    pristine = contents(p.path)
    before = contents(g.path)
    plug = g.run(["sh", f"{SRC_IN_ROOT}/kernel-install/90-numacma.install", "add", NEW_REL,
                  f"/boot/{MID}/{NEW_REL}", f"/boot/vmlinuz-{NEW_REL}"], check=False)
    c.check(plug.returncode == 0 and not plug.stderr, f"{label} 5: the plugin said: {plug.stdout}{plug.stderr}")
    after = contents(g.path)
    name = f"boot/loader/entries/{MID}-{NEW_REL}.conf"
    if rhel:
        c.check(after == before, f"{label} 5: the plugin changed {diff_names(before, after)}")
    else:
        want = before[name].replace(b"\noptions " + opts.encode() + b"\n", b"\noptions " + opts.encode() + b" " + T2.encode() + b"\n")
        c.check(after[name] == want, f"{label} 5: the new entry is {after[name]!r}")
        c.check(diff_names(before, after) == [name], f"{label} 5: the plugin changed {diff_names(before, after)}")

    # 6. removal
    g.ctl("apply", "--remove-all")
    after = contents(g.path)
    bad = diff_names(pristine, after)
    c.check(not bad, f"{label} 6: after remove-all, not as before: " +
            "; ".join(f"{k}: {after.get(k)!r} (was {pristine.get(k)!r})" for k in bad))
    st = g.ctl("status", check=False).stdout
    c.check("numa_cma" not in st.split("Next boot:")[1].split("\n")[0], f"{label} 6: status:\n{st}")
    print(f"{label}: steps 1-6 in {time.monotonic() - t0:.1f} s", flush=True)


def unit_properties(src):
    """ReadWritePaths, StateDirectory, the bounding set and NoNewPrivileges
    of the unit."""
    rw, state, caps, nnp, ptmp = [], [], [], False, False
    with open(os.path.join(src, "systemd", "numacmad.service.in")) as f:
        for line in f:
            line = line.strip()
            k, _, v = line.partition("=")
            if k == "ReadWritePaths":
                rw += v.split()
            elif k == "StateDirectory":
                state += ["/var/lib/" + x for x in v.split()]
            elif k == "CapabilityBoundingSet":
                caps += [x.lower().removeprefix("cap_") for x in v.split()]
            elif k == "NoNewPrivileges":
                nnp = v == "yes"
            elif k == "PrivateTmp":
                ptmp = v == "yes"
            elif k == "ProtectSystem":
                assert v == "strict", f"the test models ProtectSystem=strict, the unit says {v}"
    return rw, state, caps, nnp, ptmp


def confined(env, root, rw, state, caps, nnp, ptmp, argv):
    """argv in root as the unit would run it: a read-only view of the root
    with rw only where the unit says."""
    view = tempfile.mkdtemp(prefix="view-", dir=env.tmp)
    chroot_helper.mount("--rbind", root.path, view)
    chroot_helper.mount("--make-rslave", view)
    for mp in sorted(chroot_helper.mounts_below(view), key=len) + [view]:
        subprocess.run(["mount", "-o", "remount,bind,ro", mp], check=False)
    for path in rw + state:
        optional = path.startswith("-")
        path = path.lstrip("-")
        src = os.path.join(root.path, path.lstrip("/"))
        if not os.path.exists(src):
            if path in state:  # systemd makes StateDirectory=
                os.makedirs(src)
            elif optional:
                continue
            else:
                raise RuntimeError(f"the unit's ReadWritePaths={path} does not exist in the root")
        chroot_helper.mount("--bind", src, os.path.join(view, path.lstrip("/")))
    if ptmp:
        chroot_helper.mount("-t", "tmpfs", "tmpfs", os.path.join(view, "tmp"))
    pre = ["setpriv", "--bounding-set", "-all," + ",".join("+" + c for c in caps), "--inh-caps", "-all"]
    if nnp:
        pre.append("--no-new-privs")
    try:
        return root.run(pre + ["--"] + argv, check=False, chroot_to=view)
    finally:
        chroot_helper.unmount_below(view, including_top=True)


def sandbox(env, c, layout):
    rw, state, caps, nnp, ptmp = unit_properties(env.src)
    daemon = ["numacmad", "--once", "--udev=no"]
    twin = Root(env, layout, f"{layout}-twin").chrootable()
    twin.policy("[daemon]\napply = yes\n")
    twin.ctl("apply")
    want = contents(twin.path)
    g = Root(env, layout, f"{layout}-unit").chrootable()
    g.policy("[daemon]\napply = yes\n")
    out = confined(env, g, rw, state, caps, nnp, ptmp, daemon)
    got = contents(g.path)
    c.check(out.returncode == 0, f"{layout} 7: numacmad --once under the unit's sandbox: exit {out.returncode}\n{out.stdout}{out.stderr}")
    c.check(got == want, f"{layout} 7: under the unit's sandbox the daemon wrote otherwise than numacmactl apply: "
            f"{diff_names(want, got)}")
    c.check(got != contents(os.path.join(env.src, "tests", "boot", "trees", LAYOUTS[layout][0])),
            f"{layout} 7: the daemon wrote nothing")
    # Without /etc/default writable: refused before any write.
    narrow = [p for p in rw if p.lstrip("-") != "/etc/default"]
    h = Root(env, layout, f"{layout}-narrow").chrootable()
    h.policy("[daemon]\napply = yes\n")
    before = files(h.path)
    out = confined(env, h, narrow, state, caps, nnp, ptmp, daemon)
    c.check(out.returncode != 0 and "/etc/default/grub" in out.stdout + out.stderr,
            f"{layout} 7: with /etc/default read-only the daemon did not fail naming it: exit {out.returncode}\n{out.stdout}{out.stderr}")
    c.check(files(h.path) == before, f"{layout} 7: with /etc/default read-only, half-written: {diff_names(before, files(h.path))}")
    why = (h.file("var/lib/numacma/apply-failed") or b"").decode().strip()
    print(f"{layout}: step 7, the unit's sandbox (ReadWritePaths={' '.join(rw)}; CapabilityBoundingSet={','.join(caps)}): "
          f"as numacmactl apply; without /etc/default: {why!r}", flush=True)


class Env:
    def __init__(self, build, src, tmp, grubby):
        self.build, self.src, self.tmp, self.grubby = build, src, tmp, grubby


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("src")
    ap.add_argument("--only", default=None)
    ap.add_argument("--keep", action="store_true", help="leave the roots in place (their path is printed)")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    # The prerequisite check (tests/needs check-real-grubby): exit 3 is its dry mode
    # (NUMACMA_NEEDS_ONLY=1: all there, stop here).
    rc = subprocess.call([os.path.join(os.path.dirname(os.path.abspath(__file__)), "needs"), "--prog", sys.argv[0], "check-real-grubby"])
    if rc:
        return 0 if rc == 3 else rc
    src, build = os.path.abspath(a.src), os.path.abspath(a.build)
    grubby = os.path.normpath(os.path.join(src, "..", "shared", "tools", "grubby-bls", "grubby"))
    if not os.access(grubby, os.X_OK):
        print("*" * 72)
        print(f"SKIPPED: the real grubby is not at {grubby}.")
        print("Fedora's grubby-bls script is test equipment kept outside the repository")
        print("(../shared/tools/grubby-bls relative to the checkout); without it numacma's")
        print("grubby path is tested only against tests/boot/fake-grubby.")
        print("*" * 72)
        return 77
    if os.geteuid() != 0:
        print("check-real-grubby: needs root (a mount namespace, chroot, overlay): skipped")
        return 77
    for tool in ("unshare", "chroot", "setpriv", "grub-editenv", "bash"):
        if not shutil.which(tool):
            print(f"check-real-grubby: '{tool}' is missing (util-linux, coreutils, grub2-common): skipped")
            return 77
    if not a.inner:
        return chroot_helper.in_private_namespace(__file__)
    c = Checks()
    tmp = chroot_helper.scratch("numacma-grubby-")
    env = Env(build, src, tmp, grubby)
    t0 = time.monotonic()
    try:
        for layout in LAYOUTS:
            if a.only and a.only != layout:
                continue
            try:
                journey(env, c, layout)
                sandbox(env, c, layout)
            except (RuntimeError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
                c.check(False, f"{layout}: {e}")
    finally:
        if a.keep:
            chroot_helper.unmount_below(tmp)
            print(f"check-real-grubby: the roots are in {tmp}")
        else:
            chroot_helper.remove_tree(tmp, "check-real-grubby")
    print(f"real grubby: {time.monotonic() - t0:.1f} s; {c.n} checks, {len(c.failed)} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
