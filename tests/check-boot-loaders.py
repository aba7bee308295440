#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The boot configuration as each loader really reads it (issue 21): one
case per behaviour, on copies of tests/boot/trees, with the loaders' own
tools where they can run.

  check-boot-loaders.py NUMACMACTL SRCDIR [--only TEXT] [--keep] [--list]

Each case builds a root, runs numacmactl on it (with --root, or chrooted
into the root as on a live system: "live" below) and checks what it wrote,
what it ran and what status says. Cases marked [grub] run Debian's real
update-grub, grub-reboot and grub-set-default (this machine's grub2-common,
from Debian's archive) chrooted into the root in a private mount namespace,
with the machine's /usr, /proc, /sys and /dev bound in and the root's own
/etc/grub.d (a copy of this machine's, the scripts grub-common installs):
update-grub reads the root's /etc/default and writes the root's
/boot/grub/grub.cfg. [ubuntu] cases use Ubuntu's 10_linux and 00_header:
the same scripts as Ubuntu's build configures them (GRUB's
--enable-ubuntu-recovery, --enable-quick-boot, --enable-quiet-boot,
--enable-gfxpayload-dynamic and --enable-vt-handoff, which Debian's
grub2 source package turns on when dpkg-vendor is Ubuntu: debian/rules),
i.e. ubuntu_recovery, quiet_boot, quick_boot, gfxpayload_dynamic and
vt_handoff set to 1, plus Ubuntu's defaults (GRUB_CMDLINE_LINUX_DEFAULT=
"quiet splash") and, where named, the cloud images' drop-in
50-cloudimg-settings.cfg. [live] and [grub] cases need root (mount
namespaces, chroot) and are skipped without it, loudly.

Every numbered point of issue 21 has cases (the name starts with it):

  1  BLS entries as GRUB's blscfg reads them (the first options line only,
     reading stops at a line without a value, no options line: the
     default_kernelopts) and as systemd-boot does (every options line, a
     quoted value unquoted)
  2  GRUB_DEFAULT naming a recovery entry ("1>1", its id, its title,
     saved after grub-set-default): converged after one apply and
     update-grub, status without a stale grub.cfg
  3  Ubuntu's $vt_handoff, a grubenv variable on the linux line
  4  grub-reboot's next_entry, systemd-boot's LoaderEntryOneShot and
     LoaderEntryDefault EFI variables
  5  the headline says "written" only after a write
  6  symlinks, live and --root alike
  7  entries and drop-ins that are not regular files (directory, dangling
     link, FIFO): skipped and named, nothing blocks
  8  the administrator's own lines in numacma's drop-in
  9  drop-ins after numacma's: reported, never fought; the cloud images'
     drop-in
  k  Debian's kernel hook (kernel-install/zz-numacma): a new kernel with
     other capabilities gets its arguments before its first boot
  c  convergence: after one apply and the loader's tool, a second apply
     changes nothing and runs nothing, on every layout

Prints one line per case (ok, FAIL with the reasons, SKIP with why), then
"N cases, N passed, N failed, N skipped". Exit 1 on a failure, 77 when
every case was skipped, else 0.
"""
import argparse
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chroot_helper  # noqa: E402

MID = "4e2f5a8c0d9b4a7e8f1c2b3a4d5e6f70"
REL = "7.2.13+deb14-amd64"
PLAN = "numa_cma=0:64M,1:100M"
PLAN2 = "numa_cma=0:64M,1:192M"
ENTRY = f"boot/loader/entries/{MID}-{REL}.conf"
RESCUE = f"boot/loader/entries/{MID}-0-rescue-{MID}.conf"
SD_ENTRY = f"boot/efi/loader/entries/{MID}-{REL}.conf"
DROPIN = "etc/default/grub.d/90-numacma.cfg"
LOADER_GUID = "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
BIN_IN_ROOT = "/.numacma-bin"
TIMEOUT = 60  # seconds: a numacmactl that takes longer is hung (a FIFO)
# The settings Ubuntu's build gives GRUB's scripts (see the docstring).
UBUNTU_SETTINGS = ("ubuntu_recovery", "quiet_boot", "quick_boot", "gfxpayload_dynamic", "vt_handoff")
# Ubuntu cloud images' own drop-in (livecd-rootfs writes it into every
# cloud image): it assigns GRUB_CMDLINE_LINUX_DEFAULT outright.
CLOUDIMG = """# Cloud Image specific Grub settings for Generic Cloud Images
# CLOUD_IMG: This file was created/modified by the Cloud Image build process

# Set the recordfail timeout
GRUB_RECORDFAIL_TIMEOUT=0

# Do not wait on grub prompt
GRUB_TIMEOUT=0

# Set the default commandline
GRUB_CMDLINE_LINUX_DEFAULT="console=tty1 console=ttyS0"

# Set the grub console type
GRUB_TERMINAL=console
"""


class Skip(Exception):
    pass


class Failed(Exception):
    pass


class Env:
    def __init__(self, ctl, src, tmp):
        self.ctl, self.src, self.tmp = ctl, src, tmp
        self.root_ok = os.geteuid() == 0 and shutil.which("unshare") and shutil.which("chroot")
        self.grub_ok = self.root_ok and os.path.exists("/usr/sbin/update-grub") and os.path.isdir("/etc/grub.d")
        self.n = 0


def read(p):
    try:
        with open(p, "rb") as f:
            return f.read().decode(errors="replace")
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def files(root, tops=("boot", "etc")):
    """{relative path: (content, mtime_ns)} of the regular files below tops."""
    out = {}
    for top in tops:
        for d, dirs, names in os.walk(os.path.join(root, top)):
            for n in names:
                p = os.path.join(d, n)
                st = os.lstat(p)
                if stat.S_ISREG(st.st_mode):
                    out[os.path.relpath(p, root)] = (read(p), st.st_mtime_ns)
                elif stat.S_ISLNK(st.st_mode):
                    out[os.path.relpath(p, root)] = ("-> " + os.readlink(p), 0)
    return out


def changed(a, b):
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


class Root:
    """A copy of a tree of tests/boot/trees that numacmactl and the loaders'
    tools run on."""

    def __init__(self, env, tree, name, ubuntu=False):
        self.env = env
        env.n += 1
        self.path = os.path.join(env.tmp, f"{env.n:02d}-{name}")
        shutil.copytree(os.path.join(env.src, "tests", "boot", "trees", tree), self.path, symlinks=True)
        self.ubuntu = ubuntu
        self.tree = tree
        # A merged /usr as on Debian 12 and 13 (the chroots bind the
        # machine's /usr below the root's own).
        os.makedirs(self.p("usr"), exist_ok=True)
        for link in ("bin", "sbin", "lib", "lib64"):
            if os.path.islink("/" + link) and not os.path.lexists(self.p(link)):
                os.symlink(os.readlink("/" + link), self.p(link))
        if tree == "debian-grub":
            # The kernel image 10_linux finds (its content does not matter).
            with open(self.p(f"boot/vmlinuz-{REL}"), "wb") as f:
                f.write(b"\0" * 4096)
            # The root's own GRUB scripts: the ones grub-common installed here.
            if os.path.isdir("/etc/grub.d"):
                shutil.copytree("/etc/grub.d", self.p("etc/grub.d"), symlinks=True)
                if ubuntu:
                    for n in os.listdir(self.p("etc/grub.d")):
                        q = self.p("etc/grub.d", n)
                        if os.path.isfile(q):
                            t = read(q)
                            for s in UBUNTU_SETTINGS:
                                t = re.sub(rf'^{s}="0"$', f'{s}="1"', t, flags=re.M)
                            self.write(os.path.join("etc/grub.d", n), t, mode=os.stat(q).st_mode & 0o7777)
            if ubuntu:
                g = read(self.p("etc/default/grub"))
                # Ubuntu's default, and the administrator's cma=64M
                g = re.sub(r'^GRUB_CMDLINE_LINUX_DEFAULT=.*$', 'GRUB_CMDLINE_LINUX_DEFAULT="quiet splash cma=64M"', g, flags=re.M)
                self.write("etc/default/grub", g)

    def p(self, *rel):
        return os.path.join(self.path, *rel)

    def read(self, rel):
        return read(self.p(rel))

    def write(self, rel, text, mode=0o644):
        os.makedirs(os.path.realpath(os.path.dirname(self.p(rel))), exist_ok=True)
        if os.path.lexists(self.p(rel)) and not os.path.isdir(self.p(rel)):
            os.unlink(self.p(rel))
        with open(self.p(rel), "w") as f:
            f.write(text)
        os.chmod(self.p(rel), mode)

    def policy(self, text):
        self.write("etc/numacma.conf", text)

    # ---- numacmactl

    def ctl(self, *args, live=False, check=True):
        if live:
            argv = self._chroot_argv([f"{BIN_IN_ROOT}/numacmactl"] + list(args))
        else:
            argv = [self.env.ctl, "--root", self.path] + list(args)
        try:
            p = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise Failed(f"numacmactl {' '.join(args)} did not finish within {TIMEOUT} s (a read blocked?)")
        if check and p.returncode != 0:
            raise Failed(f"numacmactl {' '.join(args)}: exit {p.returncode}\n{p.stdout}{p.stderr}")
        return p

    def status(self, live=False):
        p = self.ctl("status", "--json", live=live, check=False)
        try:
            return json.loads(p.stdout)
        except json.JSONDecodeError:
            raise Failed(f"status --json: exit {p.returncode}, not JSON:\n{p.stdout}{p.stderr}")

    def human(self, live=False):
        return self.ctl("status", live=live, check=False).stdout

    def live(self, *argv, env=()):
        """argv chrooted into the root as on its live system, numacmactl in
        PATH; env: NAME=VALUE strings."""
        p = subprocess.run(self._chroot_argv(list(env) + list(argv)), capture_output=True, text=True, timeout=TIMEOUT)
        if p.returncode != 0:
            raise Failed(f"{' '.join(argv)} in the root: exit {p.returncode}\n{p.stdout}{p.stderr}")
        return p

    def _chroot_argv(self, argv):
        """argv run chrooted into the root, as on its live system: the
        machine's /usr (read-only), the root's own /proc and /sys (the
        captured machine), the build's numacmactl."""
        if not self.env.root_ok:
            raise Skip("needs root (mount namespace, chroot)")
        r = self.path
        chroot_helper.skeleton(r, ("usr", "dev", "tmp", "run", BIN_IN_ROOT[1:]))
        shutil.copy(self.env.ctl, os.path.join(r, BIN_IN_ROOT[1:], "numacmactl"))
        script = (f"mount -t overlay overlay -o 'lowerdir={r}/usr:/usr' '{r}/usr' && "
                  f"mount --bind /dev/null '{r}/dev/null' && mount --bind /etc/ld.so.cache '{r}/etc/ld.so.cache' && "
                  f"exec chroot '{r}' /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin:{BIN_IN_ROOT} LC_ALL=C \"$@\"")
        return ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh"] + argv

    # ---- the loaders' tools

    def grub(self, *argv):
        """A GRUB tool (update-grub, grub-reboot, ...) chrooted into the
        root with the machine's /usr, /proc, /sys and /dev."""
        if not self.env.grub_ok:
            raise Skip("needs root and this machine's grub2-common (update-grub)")
        r = self.path
        chroot_helper.skeleton(r, ("usr", "dev", "tmp", "run", "proc", "sys"), empty=("etc/ld.so.cache",))
        script = (f"mount --bind '{r}' '{r}' && mount -t overlay overlay -o 'lowerdir={r}/usr:/usr' '{r}/usr' && "
                  f"mount --bind /proc '{r}/proc' && "
                  f"mount --bind /sys '{r}/sys' && mount --bind /dev '{r}/dev' && "
                  f"mount --bind /etc/ld.so.cache '{r}/etc/ld.so.cache' && "
                  f"exec chroot '{r}' /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C \"$@\"")
        p = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh"] + list(argv),
                           capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            raise Failed(f"{' '.join(argv)} in the root: exit {p.returncode}\n{p.stdout}{p.stderr}")
        if argv[0] in ("update-grub", "grub-mkconfig"):
            # GRUB names the kernel by its path on its file system: here
            # below this directory (as on a system whose /boot is on /).
            cfg = self.read("boot/grub/grub.cfg")
            self.write("boot/grub/grub.cfg", cfg.replace(self.path, ""))
        return p

    def linux_lines(self):
        """{menu entry id: the linux line's arguments} of grub.cfg."""
        out, cur = {}, None
        for l in self.read("boot/grub/grub.cfg").splitlines():
            m = re.search(r"^\s*menuentry .*\$menuentry_id_option '([^']*)'", l)
            if m:
                cur = m.group(1)
            m = re.match(r"^\s*linux\s+\S+\s*(.*)$", l)
            if m and cur:
                out[cur] = m.group(1)
        return out

    def entry_id(self, kind):
        """The id grub-mkconfig gave the entry of this kind (simple,
        advanced, recovery) of the one kernel."""
        for i in self.linux_lines():
            if (kind == "simple" and i.startswith("gnulinux-simple-")) or f"-{REL}-{kind}-" in i:
                return i
        raise Failed(f"grub.cfg has no {kind} entry: {list(self.linux_lines())}")

    def efivar(self, name, value):
        """An EFI variable of systemd-boot's vendor GUID, as efivarfs shows
        it: 4 bytes of attributes, then the UTF-16LE string and its NUL."""
        p = self.p("sys/firmware/efi/efivars", f"{name}-{LOADER_GUID}")
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write((7).to_bytes(4, "little") + (value + "\0").encode("utf-16-le"))


# ---------------------------------------------------------------- checks

def expect(ok, why):
    if not ok:
        raise Failed(why)


def next_line(root, live=False):
    s = root.status(live=live)
    return s.get("boot", {}).get("next"), s


def tokens(line):
    return (line or "").split()


def has_plan(s, line):
    """The plan's arguments are on the line (the plan follows the line the
    entry boots: a recovery entry has no GRUB_CMDLINE_LINUX_DEFAULT)."""
    return all(a in tokens(line) for a in s["plan"]["args"])


def problems(s):
    """Every problem and note of status --json, "text [code]" a line."""
    return "\n".join(f"{p['text']} [{p['code']}]" if isinstance(p, dict) else p  # (before schema 1: strings)
                     for p in s.get("problems", []) + s.get("notes", []))


def apply_twice(root, tool=None, live=False, first_args=()):
    """apply, the loader's tool, apply again: the second apply must change
    no file and list no command."""
    root.ctl("apply", *first_args, live=live)
    if tool:
        tool()
    before = files(root.path)
    out = root.ctl("apply", live=live)
    after = files(root.path)
    expect(not changed(before, after), f"the second apply changed {changed(before, after)}:\n{out.stdout}")
    expect("not run" not in out.stdout and "ran:" not in out.stdout and "changed:" not in out.stdout,
           f"the second apply wanted to do something:\n{out.stdout}")
    return out


def no_stale(s):
    p = problems(s)
    expect("differs from its sources" not in p and "is older than its sources" not in p,
           f"status says grub.cfg is stale:\n{p}")


# ---------------------------------------------------------------- 1: BLS

def case_1_blscfg_first_options(env):
    """GRUB's blscfg reads the first options line only (bls_get_val(entry,
    "options", NULL)): numacma's token goes there, and status shows that
    line alone as the next boot."""
    r = Root(env, "fedora-bls", "1-first-options")
    e = r.read(ENTRY)
    r.write(ENTRY, e + "options mitigations=off\n")
    r.ctl("apply")
    lines = [l for l in r.read(ENTRY).splitlines() if l.startswith("options")]
    expect(lines[0].endswith(" " + PLAN), f"the first options line lacks {PLAN}: {lines}")
    expect(lines[1] == "options mitigations=off", f"the second options line changed: {lines}")
    n, s = next_line(r)
    expect(PLAN in tokens(n) and "mitigations=off" not in tokens(n),
           f"status's next boot is not the first options line: {n!r}")


def case_1_blscfg_stops_at_blank_line(env):
    """GRUB's blscfg stops reading an entry at a line without a value (a
    blank line): an options line after it is never read; numacma does not
    write there and says so; the other entries get the token."""
    r = Root(env, "fedora-bls", "1-blank-line")
    e = r.read(RESCUE)
    r.write(RESCUE, e.replace("\noptions ", "\n\noptions "))
    before = r.read(RESCUE)
    out = r.ctl("apply")
    expect(r.read(RESCUE) == before, f"an options line GRUB never reads was edited:\n{r.read(RESCUE)}")
    expect(PLAN in r.read(ENTRY), "the readable entry did not get the token")
    expect(RESCUE.split("/")[-1] in out.stdout + out.stderr, f"apply did not name the entry:\n{out.stdout}{out.stderr}")


def case_1_blscfg_no_options_line(env):
    """An entry without an options line boots GRUB's $default_kernelopts
    (blscfg create_entry()); an "options" line with numacma's token alone
    would replace root= and the rest: the entry is left alone and named."""
    r = Root(env, "fedora-bls", "1-no-options")
    e = r.read(RESCUE)
    r.write(RESCUE, "".join(l + "\n" for l in e.splitlines() if not l.startswith("options")))
    before = r.read(RESCUE)
    out = r.ctl("apply")
    expect(r.read(RESCUE) == before, f"an options line was added to an entry that boots $default_kernelopts:\n{r.read(RESCUE)}")
    expect(RESCUE.split("/")[-1] in out.stdout + out.stderr, f"apply did not name the entry:\n{out.stdout}{out.stderr}")


def case_1_blscfg_tab_after_key(env):
    """blscfg splits a line at its first space, else its first tab: in
    "options<TAB>a b" the key is "options<TAB>a", so GRUB sees no options
    key there; numacma neither writes to that line nor claims it."""
    r = Root(env, "fedora-bls", "1-tab")
    e = r.read(RESCUE)
    r.write(RESCUE, e.replace("\noptions ", "\noptions\t"))
    before = r.read(RESCUE)
    r.ctl("apply")
    expect(r.read(RESCUE) == before, f"a line GRUB does not read as options was edited:\n{r.read(RESCUE)}")


def case_1_sdboot_all_options(env):
    """systemd-boot joins every options line (boot_entry_add_type1()) and
    unquotes a value in double quotes (line_get_key_value()): the next boot
    has both lines' arguments, the quotes gone."""
    r = Root(env, "sdboot", "1-sdboot")
    e = r.read(SD_ENTRY)
    r.write(SD_ENTRY, e + 'options "mitigations=off nosmt"\n')
    r.ctl("apply")
    n, s = next_line(r)
    t = tokens(n)
    expect(PLAN in t and "mitigations=off" in t and "nosmt" in t and not any('"mitigations' in x for x in t),
           f"systemd-boot's next boot is {n!r}")


# ---------------------------------------------------------------- 2: GRUB_DEFAULT

def grub_default_case(env, name, value_of):
    r = Root(env, "debian-grub", name)
    r.grub("update-grub")
    value = value_of(r)
    g = read(r.p("etc/default/grub"))
    r.write("etc/default/grub", re.sub(r"^GRUB_DEFAULT=.*$", f"GRUB_DEFAULT={value}", g, flags=re.M))
    r.grub("update-grub")
    s = r.status()
    no_stale(s)
    apply_twice(r, lambda: r.grub("update-grub"))
    rec = r.linux_lines()[r.entry_id("recovery")]
    n, s = next_line(r)
    no_stale(s)
    expect("single" in tokens(n) and "quiet" not in tokens(n) and has_plan(s, n),
           f"the next boot is not the recovery entry ({rec!r}) with the plan {s['plan']['args']}: {n!r}")
    return r


def case_2_grub_default_path(env):
    """GRUB_DEFAULT="1>1": the recovery entry of the submenu."""
    grub_default_case(env, "2-path", lambda r: '"1>1"')


def case_2_grub_default_id(env):
    grub_default_case(env, "2-id", lambda r: f'"gnulinux-advanced-{r.entry_id("recovery").split("-recovery-")[1]}>{r.entry_id("recovery")}"')


def case_2_grub_default_title(env):
    grub_default_case(env, "2-title", lambda r: f'"Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux {REL} (recovery mode)"')


def case_2_grub_default_saved(env):
    """GRUB_DEFAULT=saved and grub-set-default naming the recovery entry."""
    def saved(r):
        r.grub("grub-set-default", "1>1")
        return "saved"
    grub_default_case(env, "2-saved", saved)


def case_2_grub_default_out_of_range(env):
    """An index GRUB does not have: it boots the first entry (run_menu())."""
    r = Root(env, "debian-grub", "2-range")
    g = read(r.p("etc/default/grub"))
    r.write("etc/default/grub", re.sub(r"^GRUB_DEFAULT=.*$", "GRUB_DEFAULT=7", g, flags=re.M))
    apply_twice(r, lambda: r.grub("update-grub"))
    n, s = next_line(r)
    no_stale(s)
    expect("quiet" in tokens(n) and "single" not in tokens(n), f"next boot: {n!r}")


def case_2_grub_default_init_entry(env):
    """An init entry of 10_linux's (sysvinit installed beside the init
    /sbin/init names): "1>1" is "(sysvinit)", whose line ends in
    init=/lib/sysvinit/init; numacma's model of it matches update-grub's."""
    r = Root(env, "debian-grub", "2-init")
    r.write("lib/sysvinit/init", "#!/bin/sh\n", mode=0o755)
    r.write("lib/systemd/systemd", "#!/bin/sh\n", mode=0o755)
    os.makedirs(r.p("usr/sbin"), exist_ok=True)
    os.symlink("../lib/systemd/systemd", r.p("usr/sbin/init"))
    g = read(r.p("etc/default/grub"))
    r.write("etc/default/grub", re.sub(r"^GRUB_DEFAULT=.*$", 'GRUB_DEFAULT="1>1"', g, flags=re.M))
    apply_twice(r, lambda: r.grub("update-grub"))
    init = [i for i in r.linux_lines() if "-init-sysvinit-" in i]
    expect(init, f"update-grub made no sysvinit entry: {list(r.linux_lines())}")
    n, s = next_line(r)
    no_stale(s)
    expect("init=/lib/sysvinit/init" in tokens(n) and has_plan(s, n), f"next boot: {n!r}")


# ---------------------------------------------------------------- 3: variables

def case_3_ubuntu_vt_handoff(env):
    """Ubuntu's 10_linux puts $vt_handoff on the normal entries' linux lines
    when GRUB_CMDLINE_LINUX_DEFAULT has splash: grub.cfg is not stale, and
    the kernel never sees "$vt_handoff"."""
    r = Root(env, "debian-grub", "3-ubuntu", ubuntu=True)
    apply_twice(r, lambda: r.grub("update-grub"))
    expect("$vt_handoff" in r.linux_lines()[r.entry_id("simple")], "Ubuntu's 10_linux wrote no $vt_handoff")
    n, s = next_line(r)
    no_stale(s)
    expect("$vt_handoff" not in n and has_plan(s, n) and s["plan"]["args"] and "splash" in tokens(n), f"next boot: {n!r}")


def case_3_grubenv_variable(env):
    """A variable on the linux line that GRUB takes from grubenv
    (load_env in grub.cfg's header): the next boot has its value."""
    r = Root(env, "debian-grub", "3-grubenv")
    g = read(r.p("etc/default/grub"))
    r.write("etc/default/grub", re.sub(r"^GRUB_CMDLINE_LINUX_DEFAULT=.*$",
                                       "GRUB_CMDLINE_LINUX_DEFAULT='quiet cma=64M $extra_args'", g, flags=re.M))
    apply_twice(r, lambda: r.grub("update-grub"))
    r.grub("grub-editenv", "/boot/grub/grubenv", "set", "extra_args=nosmt")
    n, s = next_line(r)
    no_stale(s)
    expect("nosmt" in tokens(n) and "$extra_args" not in n and PLAN in tokens(n), f"next boot: {n!r}")


def case_3_ubuntu_recovery(env):
    """Ubuntu's recovery entries: "recovery nomodeset" (friendly-recovery
    installed) before GRUB_CMDLINE_LINUX, as the default entry."""
    r = Root(env, "debian-grub", "3-ubuntu-recovery", ubuntu=True)
    r.write("lib/recovery-mode/recovery-menu", "#!/bin/sh\n", mode=0o755)
    g = read(r.p("etc/default/grub"))
    r.write("etc/default/grub", re.sub(r"^GRUB_DEFAULT=.*$", 'GRUB_DEFAULT="1>1"', g, flags=re.M))
    apply_twice(r, lambda: r.grub("update-grub"))
    n, s = next_line(r)
    no_stale(s)
    expect("recovery" in tokens(n) and "nomodeset" in tokens(n) and has_plan(s, n), f"next boot: {n!r}")


# ---------------------------------------------------------------- 4: one-shot

def case_4_grub_reboot(env):
    """grub-reboot's next_entry: the next boot is that entry, once; status
    says so; once GRUB cleared it (save_env next_entry), the default again."""
    r = Root(env, "debian-grub", "4-grub-reboot")
    apply_twice(r, lambda: r.grub("update-grub"))
    r.grub("grub-reboot", "1>1")
    n, s = next_line(r)
    expect("single" in tokens(n), f"the one-shot entry is not the next boot: {n!r}")
    h = r.human()
    expect("grub-reboot" in h or "once" in h, f"status does not say the next boot is a one-shot:\n{h}")
    apply_twice(r, lambda: r.grub("update-grub"))
    r.grub("grub-editenv", "/boot/grub/grubenv", "unset", "next_entry")
    n, s = next_line(r)
    expect("single" not in tokens(n) and "quiet" in tokens(n), f"after the one-shot: {n!r}")


def case_4_bls_grub2_reboot(env):
    """GRUB-booted BLS: next_entry in grubenv (grub2-reboot) wins over
    saved_entry."""
    r = Root(env, "fedora-bls", "4-bls-reboot")
    env_path = r.p("boot/grub2/grubenv")
    text = read(env_path)
    body = text.rstrip("#")
    line = f"next_entry={MID}-0-rescue-{MID}\n"
    r.write("boot/grub2/grubenv", (body + line).ljust(1024, "#"))
    e = r.read(RESCUE)
    r.write(RESCUE, e.replace(" quiet", " quiet rescue_marker"))
    n, s = next_line(r)
    expect("rescue_marker" in tokens(n), f"the next_entry is not the next boot: {n!r}")


def case_4_sdboot_efivars(env):
    """systemd-boot: LoaderEntryOneShot, then LoaderEntryDefault, then
    loader.conf's default (config_select_default_entry())."""
    r = Root(env, "sdboot", "4-sdboot")
    other = SD_ENTRY.replace(REL, "7.2.12+deb14-amd64")
    r.write(other, r.read(SD_ENTRY).replace(REL, "7.2.12+deb14-amd64").replace(" quiet", " quiet older_marker"))
    # Its kernel (systemd-boot drops an entry whose linux file is missing).
    r.write(f"boot/efi/{MID}/7.2.12+deb14-amd64/linux", "")
    n, _ = next_line(r)
    expect("older_marker" not in tokens(n), f"without variables the newest entry boots: {n!r}")
    r.efivar("LoaderEntryDefault", f"{MID}-7.2.12+deb14-amd64.conf")
    n, _ = next_line(r)
    expect("older_marker" in tokens(n), f"LoaderEntryDefault is not the next boot: {n!r}")
    os.unlink(r.p("sys/firmware/efi/efivars", f"LoaderEntryDefault-{LOADER_GUID}"))
    r.efivar("LoaderEntryOneShot", f"{MID}-7.2.12+deb14-amd64.conf")
    n, _ = next_line(r)
    expect("older_marker" in tokens(n), f"LoaderEntryOneShot is not the next boot: {n!r}")
    h = r.human()
    expect("LoaderEntryOneShot" in h or "once" in h, f"status does not say the next boot is a one-shot:\n{h}")


# ---------------------------------------------------------------- 5: headline

def case_5_written_only_after_write(env):
    """The administrator's own change makes a reboot pending: the headline
    does not claim numacma wrote its plan; after an apply it does."""
    r = Root(env, "debian-grub", "5-headline")
    g = read(r.p("etc/default/grub"))
    r.write("etc/default/grub", g.replace('"quiet cma=64M"', '"quiet cma=128M"'))
    r.grub("update-grub")
    s = r.status()
    expect(s["state"] == "pending-reboot", f"state {s['state']}: {s['summary']}")
    expect("written" not in s["summary"], f"nothing was written, the headline says: {s['summary']}")
    r.ctl("apply")
    r.grub("update-grub")
    s = r.status()
    expect("written" in s["summary"] and " ".join(s["plan"]["args"]) in s["summary"], f"after apply: {s['summary']}")


# ---------------------------------------------------------------- 6: symlinks

def symlink_layout(env, name):
    r = Root(env, "fedora-bls", name)
    # /etc/kernel/cmdline and an entry as links inside the root (absolute
    # and relative targets).
    os.makedirs(r.p("etc/kernel/cmdline.d"))
    os.rename(r.p("etc/kernel/cmdline"), r.p("etc/kernel/cmdline.d/numa"))
    os.symlink("/etc/kernel/cmdline.d/numa", r.p("etc/kernel/cmdline"))
    os.makedirs(r.p("boot/loader/real"))
    os.rename(r.p(ENTRY), r.p("boot/loader/real", os.path.basename(ENTRY)))
    os.symlink("../real/" + os.path.basename(ENTRY), r.p(ENTRY))
    return r


def check_links(r):
    expect(os.path.islink(r.p("etc/kernel/cmdline")) and os.readlink(r.p("etc/kernel/cmdline")) == "/etc/kernel/cmdline.d/numa",
           "/etc/kernel/cmdline is no longer the link")
    expect(os.path.islink(r.p(ENTRY)), "the entry is no longer a link")
    expect(PLAN in r.read("etc/kernel/cmdline.d/numa"), "the link's target lacks the token")
    expect(PLAN in r.read("boot/loader/real/" + os.path.basename(ENTRY)), "the entry's target lacks the token")


def case_6_symlinks_root(env):
    r = symlink_layout(env, "6-links-root")
    r.ctl("apply")
    check_links(r)


def case_6_symlinks_live(env):
    """The same on the live system ("/"): the link stays, its target is
    replaced."""
    r = symlink_layout(env, "6-links-live")
    r.ctl("apply", live=True)
    check_links(r)


def case_6_grub_dropin_link_live(env):
    """numacma's own drop-in made a link by the administrator (into
    /etc/numacma-grub): followed live as under --root."""
    r = Root(env, "debian-grub", "6-dropin-link")
    r.write("etc/numacma-grub/90-numacma.cfg", "")
    os.symlink("/etc/numacma-grub/90-numacma.cfg", r.p(DROPIN))
    r.ctl("apply", "--no-commands", live=True)
    expect(os.path.islink(r.p(DROPIN)), "the drop-in link was replaced")
    expect(PLAN in r.read("etc/numacma-grub/90-numacma.cfg"), "the link's target lacks the token")


def case_6_link_out_of_root(env):
    """Under --root a link that leads out of the root is refused, naming it."""
    r = Root(env, "fedora-bls", "6-out")
    os.unlink(r.p("etc/kernel/cmdline"))
    os.symlink("../../../../../../../../../../tmp/numacma-outside-cmdline", r.p("etc/kernel/cmdline"))
    p = r.ctl("apply", check=False)
    expect(p.returncode != 0 and "/etc/kernel/cmdline" in p.stdout + p.stderr, f"apply: {p.returncode}\n{p.stdout}{p.stderr}")
    expect(not os.path.exists("/tmp/numacma-outside-cmdline"), "a file was written outside the root")
    expect(PLAN not in r.read(ENTRY), "an entry was written although the apply was refused")


# ---------------------------------------------------------------- 7: not regular

def odd_entries(r, d):
    os.makedirs(r.p(d, "zz-directory.conf"))
    os.symlink("/nonexistent/gone.conf", r.p(d, "zz-dangling.conf"))
    os.mkfifo(r.p(d, "zz-fifo.conf"))


def case_7_odd_entries(env):
    """A directory, a dangling link and a FIFO named *.conf among the BLS
    entries: status, apply and apply --remove-all work, name them, and
    nothing blocks."""
    for tree, d, entry in (("fedora-bls", "boot/loader/entries", ENTRY), ("sdboot", "boot/efi/loader/entries", SD_ENTRY)):
        r = Root(env, tree, f"7-odd-{tree}")
        odd_entries(r, d)
        s = r.status()
        for n in ("zz-directory.conf", "zz-dangling.conf", "zz-fifo.conf"):
            expect(n in problems(s), f"{tree}: status does not name {n}:\n{problems(s)}")
        out = r.ctl("apply")
        expect(PLAN in r.read(entry), f"{tree}: the entry did not get the token:\n{out.stdout}")
        out = r.ctl("apply", "--remove-all")
        expect(PLAN not in r.read(entry), f"{tree}: --remove-all left the token:\n{out.stdout}")


def case_7_odd_grub_dropins(env):
    """A FIFO among the GRUB drop-ins: nothing blocks; status names it;
    apply does not run update-grub (grub-mkconfig would block on it) and
    says why. A directory is skipped, as grub-mkconfig's '.' skips it."""
    r = Root(env, "debian-grub", "7-odd-grub")
    os.mkfifo(r.p("etc/default/grub.d/10-fifo.cfg"))
    os.makedirs(r.p("etc/default/grub.d/20-directory.cfg"))
    s = r.status()
    expect("10-fifo.cfg" in problems(s), f"status does not name the FIFO:\n{problems(s)}")
    p = r.ctl("apply", check=False)
    expect(p.returncode != 0 and "10-fifo.cfg" in p.stdout + p.stderr, f"apply: {p.returncode}\n{p.stdout}{p.stderr}")


def case_7_fifo_live(env):
    """The same live (sh sources the drop-ins there): nothing blocks."""
    r = Root(env, "debian-grub", "7-fifo-live")
    os.mkfifo(r.p("etc/default/grub.d/10-fifo.cfg"))
    s = r.ctl("status", live=True, check=False)
    expect("10-fifo.cfg" in s.stdout + s.stderr, f"status does not name the FIFO:\n{s.stdout}{s.stderr}")


# ---------------------------------------------------------------- 8: drop-in lines

def case_8_admin_lines_in_dropin(env):
    """Lines of the administrator's in numacma's drop-in survive a rewrite
    and --remove-all."""
    r = Root(env, "debian-grub", "8-dropin")
    r.ctl("apply")
    text = r.read(DROPIN)
    mine = "# my own: a longer menu timeout\nGRUB_TIMEOUT=7\n"
    r.write(DROPIN, text + mine)
    r.policy("[pools]\nmax_node_share = 20%\n")
    r.ctl("apply")
    t = r.read(DROPIN)
    expect(PLAN2 in t and PLAN not in t and mine in t, f"after the policy change:\n{t}")
    r.ctl("apply", "--remove-all")
    t = r.read(DROPIN)
    expect(t is not None and mine in t and "numa_cma" not in t, f"after --remove-all:\n{t}")


# ---------------------------------------------------------------- 9: later drop-ins

def case_9_later_dropin_resets(env):
    """A later drop-in assigns GRUB_CMDLINE_LINUX outright: status names
    it before any apply; apply writes nothing and runs nothing; the daemon's
    check (numacmactl apply again) does not keep trying."""
    r = Root(env, "debian-grub", "9-reset")
    r.write("etc/default/grub.d/99-reset.cfg", 'GRUB_CMDLINE_LINUX="console=ttyS0,115200"\n')
    s = r.status()
    expect("99-reset.cfg" in problems(s), f"status does not name the later drop-in:\n{problems(s)}")
    before = files(r.path)
    p = r.ctl("apply", check=False)
    expect("99-reset.cfg" in p.stdout + p.stderr, f"apply does not name it:\n{p.stdout}{p.stderr}")
    expect(not changed(before, files(r.path)) or changed(before, files(r.path)) == [],
           f"apply changed {changed(before, files(r.path))}")
    expect(not os.path.exists(r.p(DROPIN)), "the drop-in was written")


def case_9_cloudimg(env):
    """Ubuntu's cloud images: 50-cloudimg-settings.cfg assigns
    GRUB_CMDLINE_LINUX_DEFAULT (no splash, so no $vt_handoff): the plan,
    the next boot and grub.cfg agree after one apply and update-grub."""
    r = Root(env, "debian-grub", "9-cloudimg", ubuntu=True)
    r.write("etc/default/grub.d/50-cloudimg-settings.cfg", CLOUDIMG)
    # The administrator's cma=64M where the cloud image's drop-in keeps it.
    g = r.read("etc/default/grub")
    r.write("etc/default/grub", re.sub(r"^GRUB_CMDLINE_LINUX='(.*)'$", r"GRUB_CMDLINE_LINUX='\1 cma=64M'", g, flags=re.M))
    apply_twice(r, lambda: r.grub("update-grub"))
    n, s = next_line(r)
    no_stale(s)
    t = tokens(n)
    expect("console=tty1" in t and "splash" not in t and has_plan(s, n) and s["plan"]["args"], f"next boot: {n!r}")
    # grub.cfg as written against the kernel's line (GRUB moves the quotes).
    unq = lambda words: [w.replace('"', "") for w in words]
    expect(unq(r.linux_lines()[r.entry_id("simple")].split()[2:]) == unq(t[2:]),
           f"status's next boot {n!r} is not grub.cfg's {r.linux_lines()[r.entry_id('simple')]!r}")


def case_9_later_dropin_appends(env):
    """A later drop-in that appends keeps numacma's token: converged."""
    r = Root(env, "debian-grub", "9-append")
    r.write("etc/default/grub.d/99-append.cfg", 'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX nosmt"\n')
    apply_twice(r, lambda: r.grub("update-grub"))
    n, s = next_line(r)
    no_stale(s)
    expect(PLAN in tokens(n) and "nosmt" in tokens(n), f"next boot: {n!r}")


# ---------------------------------------------------------------- k: kernel hook

NEW_KERNEL = "6.12.117"


def case_k_kernel_postinst_hook(env):
    """Debian's kernel hook: a kernel installed after numacma whose
    capabilities differ (6.12 with numa_cma= but without 7.2's implicit
    per-node areas, its config captured from tests/kernel/boot-test's
    build) gets numacma's arguments before its first boot: the hooks run
    as linux-image's postinst runs them (run-parts, DEB_MAINT_PARAMS),
    numacma's first, then update-grub; removing the kernel takes them out
    again."""
    r = Root(env, "debian-grub", "k-kernel-hook")
    r.policy("[pools]\nper_accelerator = 0\n")
    apply_twice(r, lambda: r.grub("update-grub"))
    s = r.status()
    expect(not s["plan"]["args"], f"before the new kernel the plan is {s['plan']['args']}")
    for d in ("postinst.d", "postrm.d"):
        r.write(f"etc/kernel/{d}/zz-numacma", read(os.path.join(env.src, "kernel-install", "zz-numacma")), 0o755)
    os.makedirs(r.p("run/systemd/system"), exist_ok=True)  # systemd runs (not an image build)
    shutil.copy(os.path.join(env.src, "tests/kernel/trees/x86_64-6.12-n2-cma64-gpu1/boot", f"config-{NEW_KERNEL}"),
                r.p("boot", f"config-{NEW_KERNEL}"))
    with open(r.p("boot", f"vmlinuz-{NEW_KERNEL}"), "wb") as f:
        f.write(b"\0" * 4096)
    hooks = ["run-parts", "--report", "--exit-on-error", f"--arg={NEW_KERNEL}", f"--arg=/boot/vmlinuz-{NEW_KERNEL}"]
    r.live(*hooks, "/etc/kernel/postinst.d", env=[f"DEB_MAINT_PARAMS=configure {NEW_KERNEL}"])
    d = r.read(DROPIN) or ""
    expect("cma_pernuma=64M" in d, f"the new kernel's argument is not in the drop-in:\n{d}")
    # zz-update-grub's part (it stands down in a container: systemd-detect-virt).
    r.grub("update-grub")
    lines = {i: a for i, a in r.linux_lines().items() if NEW_KERNEL + "-" in i or i.startswith("gnulinux-simple")}
    expect(lines and all("cma_pernuma=64M" in a.split() for a in lines.values()),
           f"grub.cfg's entries of {NEW_KERNEL}: {lines}")
    apply_twice(r)
    # The kernel removed: postrm.d, then the argument is not needed.
    for n in (f"config-{NEW_KERNEL}", f"vmlinuz-{NEW_KERNEL}"):
        os.unlink(r.p("boot", n))
    r.live(*hooks, "/etc/kernel/postrm.d", env=[f"DEB_MAINT_PARAMS=remove {NEW_KERNEL}"])
    expect(not os.path.exists(r.p(DROPIN)), f"after the removal the drop-in is:\n{r.read(DROPIN)}")


def case_k_kernel_hook_image_build(env):
    """Where systemd does not run (an image build, a chroot) the hook
    writes nothing: that machine's hardware is not the one that boots."""
    r = Root(env, "debian-grub", "k-image-build")
    r.write("etc/kernel/postinst.d/zz-numacma", read(os.path.join(env.src, "kernel-install", "zz-numacma")), 0o755)
    open(r.p("etc/ld.so.cache"), "a").close()  # what the chroot binds in
    before = files(r.path)
    r.live("run-parts", "--report", "--arg=7.2.13+deb14-amd64", "/etc/kernel/postinst.d", env=["DEB_MAINT_PARAMS=configure"])
    expect(not changed(before, files(r.path)), f"the hook wrote {changed(before, files(r.path))}")


# ---------------------------------------------------------------- c: convergence

def case_c_converge_debian_grub(env):
    r = Root(env, "debian-grub", "c-debian")
    apply_twice(r, lambda: r.grub("update-grub"))
    n, s = next_line(r)
    no_stale(s)
    expect(PLAN in tokens(n), f"next boot: {n!r}")


def case_c_converge_bls(env):
    for tree in ("fedora-bls", "sdboot", "rhel8-grubby"):
        r = Root(env, tree, f"c-{tree}")
        apply_twice(r)


CASES = [(n[len("case_"):].replace("_", "-"), f) for n, f in sorted(globals().items()) if n.startswith("case_")]


def main():
    # The prerequisite check (tests/needs check-boot-loaders): exit 3 is its dry mode
    # (NUMACMA_NEEDS_ONLY=1: all there, stop here).
    rc = subprocess.call([os.path.join(os.path.dirname(os.path.abspath(__file__)), "needs"), "--prog", sys.argv[0], "check-boot-loaders"])
    if rc:
        return 0 if rc == 3 else rc
    ap = argparse.ArgumentParser()
    ap.add_argument("numacmactl")
    ap.add_argument("srcdir")
    ap.add_argument("--only", help="run the cases whose names contain this")
    ap.add_argument("--keep", action="store_true", help="keep the roots")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    if a.list:
        for n, f in CASES:
            print(n)
        return 0
    tmp = tempfile.mkdtemp(prefix="numacma-loaders-")
    env = Env(os.path.abspath(a.numacmactl), os.path.abspath(a.srcdir), tmp)
    passed = failed = skipped = 0
    for name, f in CASES:
        if a.only and a.only not in name:
            continue
        t0 = time.monotonic()
        try:
            f(env)
            print(f"ok    {name} ({time.monotonic() - t0:.1f} s)", flush=True)
            passed += 1
        except Skip as e:
            print(f"SKIP  {name}: {e}", flush=True)
            skipped += 1
        except Failed as e:
            print(f"FAIL  {name}: {e}", flush=True)
            failed += 1
        except Exception as e:  # noqa: BLE001 - a case that breaks is a failed case
            print(f"FAIL  {name}: {type(e).__name__}: {e}", flush=True)
            failed += 1
    if a.keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed + failed + skipped} cases, {passed} passed, {failed} failed, {skipped} skipped")
    if failed:
        return 1
    return 77 if passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
