# SPDX-License-Identifier: GPL-2.0-or-later
"""Roots that the Python checkers enter with chroot: the one copy of the
set-up that check-real-grubby.py, check-writers.py and check-boot-loaders.py
share (import it after sys.path.insert(0, the tests directory)).

A root gets the directories and empty files that bind mounts need, the
host's merged-/usr links (bin -> usr/bin, ...), the host's programs bound
in read-only, all in a private mount namespace; before a tree with mounts
in it is removed, everything mounted below it is unmounted.
"""

import os
import shutil
import subprocess
import sys
import tempfile

# The host's merged-/usr links, copied into a root that has none.
USR_LINKS = ("bin", "sbin", "lib", "lib64")


def skeleton(root, dirs=(), empty=("dev/null", "etc/ld.so.cache")):
    """dirs (relative to root) made, the host's merged-/usr links where the
    root has none of its own, and the empty files a bind mount goes onto."""
    for d in dirs:
        os.makedirs(os.path.join(root, d), exist_ok=True)
    for link in USR_LINKS:
        host = os.path.join("/", link)
        if os.path.islink(host) and not os.path.lexists(os.path.join(root, link)):
            os.symlink(os.readlink(host), os.path.join(root, link))
    for f in empty:
        open(os.path.join(root, f), "a").close()


def mount(*args):
    subprocess.run(["mount"] + list(args), check=True)


def bind(src, target, ro=True):
    """src bound onto target; read-only unless ro is False, so that nothing
    a program does in the root reaches the host (/dev/null stays writable)."""
    mount("--bind", src, target)
    if ro:
        mount("-o", "remount,bind,ro", target)


def in_private_namespace(script):
    """Runs script again, with --inner and this process's arguments, in a
    private mount namespace: whatever it mounts vanishes with it, even when
    it is killed. Returns its exit code."""
    return subprocess.call(["unshare", "--mount", "--propagation", "private", sys.executable, script, "--inner"]
                           + sys.argv[1:])


def mounts_below(top):
    """The mount points strictly below top, from /proc/self/mountinfo."""
    out = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            mp = line.split()[4].replace("\\040", " ")
            if mp.startswith(top + "/"):
                out.append(mp)
    return out


def unmount(mp):
    # Lazy (umount -l, MNT_DETACH): the mount leaves the tree at once even
    # when it is busy (a killed writer's child still running in the root,
    # a daemon's cwd), and with it everything mounted below it. A plain
    # umount fails with EBUSY there and leaves the host's /usr reachable
    # inside a tree that the caller is about to remove; detached, the tree
    # holds only empty mount points, and the kernel frees the mount when
    # its last user goes.
    subprocess.run(["umount", "-l", mp], stderr=subprocess.DEVNULL)


def unmount_below(top, including_top=False):
    """Unmounts everything below top (deepest first), and top itself if
    asked. True when nothing stays mounted below top: only then may the
    caller remove the tree (never with the host's /usr bound into it)."""
    for mp in sorted(mounts_below(top), key=len, reverse=True) + ([top] if including_top else []):
        unmount(mp)
    return not mounts_below(top)


def scratch(prefix):
    """A new directory for the roots: on tmpfs (/dev/shm) when there is
    one, since every write in them is fsynced."""
    base = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    return tempfile.mkdtemp(prefix=prefix, dir=base)


def remove_tree(top, who):
    """top removed, but never with the host's /usr (or anything) still
    mounted into it: then it is left in place, and who says so."""
    if unmount_below(top):
        shutil.rmtree(top, ignore_errors=True)
        return True
    print(f"{who}: mounts remain below {top}: left in place")
    return False
