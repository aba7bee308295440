#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Boot memory without the ring buffer, on the captured tree
tests/fixtures/trees/7.2-amd64-hotplug-online-no-log: a server up for months
whose /dev/kmsg no longer holds the boot's early messages, with node 2's
memory a DIMM ACPI added after early boot (its kmsg-before-flood file is what
/dev/kmsg held before the flood, kept for these cases; status never reads it).

Each case works on a copy of the tree and checks what numacmactl status
--json says of node 2 (and of the state) against the evidence it leaves:

  memmap        as captured: /sys/firmware/memmap entry 0 is the DIMM's range,
                registered before the e820 entries: not boot memory.
  implicit      without the memmap: this boot's kernel made its implicit
                areas (cma=64M) on nodes 0 and 1, not on 2, with slots left:
                not boot memory, not planned.
  unknown       without the memmap and the CMA sysfs (as on a kernel without
                CMA_SYSFS): nothing tells; boot_memory null, a problem that
                says it is unknown, and no failure claimed (state ok).
  record        numacmad --once run while /dev/kmsg still held the early lines
                (kmsg-before-flood put back as dev/kmsg) writes the boot-facts
                record run/numacma/boot-facts, keyed by the tree's boot_id;
                with the flooded log back and no memmap, status reads the
                record. A record of another boot is not read.
  journal       no record, no memmap: a journal with this boot's kernel
                messages (made by systemd-journal-remote from the records
                of kmsg-before-flood, with the fields journald's kernel
                transport stores) says it; one whose first kernel entry of
                this boot is 5 s in (the early ones dropped) does not.
  no-libsystemd numacmactl opens libsystemd only to read the journal
                (dlopen): with a libsystemd.so.0 on LD_LIBRARY_PATH that lacks
                the sd_journal functions, and with one that cannot be loaded
                (it needs a library that is gone), node 2 stays unknown, no
                failure is claimed, and the reason is said. Two stand-ins
                built here with $CC (else cc).

usage: check-boot-facts.py NUMACMACTL NUMACMAD TREE
Exit 0 when every case holds, 1 otherwise, 77 when systemd-journal-remote is
missing (tests/install-deps installs it).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

MACHINE_ID = "0123456789abcdef0123456789abcdef"
JOURNAL_REMOTE = ["/lib/systemd/systemd-journal-remote", "/usr/lib/systemd/systemd-journal-remote"]


class Failed(Exception):
    pass


def status(ctl, root, env=None):
    out = subprocess.run([ctl, "status", "--json", "--root", root], capture_output=True, text=True, check=False,
                         env=env)
    if out.returncode != 0:
        raise Failed(f"numacmactl status exited {out.returncode}: {out.stderr}")
    return json.loads(out.stdout)


def node(st, n):
    return next(x for x in st["nodes"] if x["node"] == n)


def expect(what, cond, detail=""):
    if not cond:
        raise Failed(f"{what}{': ' + detail if detail else ''}")


def copy(tree, tmp, name):
    dst = os.path.join(tmp, name)
    shutil.copytree(tree, dst, symlinks=True)
    return dst


def without(root, *rels):
    for rel in rels:
        p = os.path.join(root, rel)
        if os.path.isdir(p):
            shutil.rmtree(p)
        elif os.path.exists(p):
            os.unlink(p)


def case_memmap(ctl, root):
    st = status(ctl, root)
    n2 = node(st, 2)
    expect("node 2 is not boot memory", n2["boot_memory"] is False, repr(n2["boot_memory"]))
    expect("from the memmap", "firmware memory map" in n2["boot_memory_why"], n2["boot_memory_why"])
    expect("state ok", st["state"] == "ok", st["state"])


def case_implicit(ctl, root):
    without(root, "sys/firmware/memmap")
    st = status(ctl, root)
    n2 = node(st, 2)
    expect("node 2 is not boot memory", n2["boot_memory"] is False, repr(n2["boot_memory"]))
    expect("from the implicit areas", "implicit per-node areas on other nodes" in n2["boot_memory_why"], n2["boot_memory_why"])
    expect("node 2 not planned", n2["desired_mib"] == 0, str(n2["desired_mib"]))
    expect("state ok", st["state"] == "ok", st["state"])


def case_unknown(ctl, root):
    without(root, "sys/firmware/memmap", "sys/kernel/mm/cma")
    st = status(ctl, root)
    n2 = node(st, 2)
    expect("node 2 unknown", n2["boot_memory"] is None, repr(n2["boot_memory"]))
    expect("says why", n2["boot_memory_why"].startswith("unknown:"), n2["boot_memory_why"])
    failed = [p["text"] for p in st["problems"] if p["code"] == "pool-reservation-failed"]
    expect("no failure claimed", not failed, "; ".join(failed))
    said = [p for p in st["notes"] if p["code"] == "boot-memory-unknown" and p["text"].startswith("node 2:")]
    expect("the unknown said (note boot-memory-unknown)", said, repr(st["notes"]))
    expect("state ok", st["state"] == "ok", st["state"])


def case_record(ctl, daemon, root):
    flooded = os.path.join(root, "dev", "kmsg.flooded")
    os.rename(os.path.join(root, "dev", "kmsg"), flooded)
    shutil.copy(os.path.join(root, "kmsg-before-flood"), os.path.join(root, "dev", "kmsg"))
    r = subprocess.run([daemon, "--root", root, "--once"], capture_output=True, text=True, check=False)
    expect("numacmad --once", r.returncode == 0, r.stderr)
    rec = os.path.join(root, "run", "numacma", "boot-facts")
    expect("the record is written", os.path.exists(rec))
    with open(rec, encoding="utf-8") as f:
        text = f.read()
    with open(os.path.join(root, "proc/sys/kernel/random/boot_id"), encoding="utf-8") as f:
        boot_id = f.read().strip()
    expect("keyed by boot_id", f"boot-id {boot_id}\n" in text, text[:200])
    expect("with the early ranges", "Early memory node ranges" in text and "cma: invalid node 2 specified" in text)
    os.rename(flooded, os.path.join(root, "dev", "kmsg"))
    without(root, "sys/firmware/memmap", "sys/kernel/mm/cma")
    st = status(ctl, root)
    n2 = node(st, 2)
    expect("node 2 from the record", n2["boot_memory"] is False and "boot-facts record" in n2["boot_memory_why"],
           f"{n2['boot_memory']!r} {n2['boot_memory_why']}")
    # Another boot's record is not this boot's.
    with open(rec, "w", encoding="utf-8") as f:
        f.write(text.replace(f"boot-id {boot_id}", "boot-id 00000000-0000-0000-0000-000000000000"))
    st = status(ctl, root)
    expect("another boot's record is ignored", node(st, 2)["boot_memory"] is None, repr(node(st, 2)["boot_memory"]))


def export_text(records, boot_id, skip_until_usec=0):
    """The fields journald's kernel transport stores for each record."""
    out = []
    for r in records:
        if r.startswith(" ") or ";" not in r:
            continue
        head, msg = r.split(";", 1)
        prio, _seq, usec = head.split(",")[:3]
        if int(usec) < skip_until_usec:
            continue
        out.append("\n".join([
            f"__REALTIME_TIMESTAMP={1765000000000000 + int(usec)}", f"__MONOTONIC_TIMESTAMP={int(usec) + 1}",
            f"_BOOT_ID={boot_id.replace('-', '')}", "_TRANSPORT=kernel", f"PRIORITY={int(prio) & 7}",
            "SYSLOG_FACILITY=0", "SYSLOG_IDENTIFIER=kernel", f"_SOURCE_MONOTONIC_TIMESTAMP={usec}",
            f"_MACHINE_ID={MACHINE_ID}", "_HOSTNAME=guest", f"MESSAGE={msg}"]) + "\n")
    return "\n".join(out) + "\n"


def make_journal(remote, root, skip_until_usec):
    with open(os.path.join(root, "kmsg-before-flood"), encoding="utf-8", errors="replace") as f:
        records = f.read().splitlines()
    with open(os.path.join(root, "proc/sys/kernel/random/boot_id"), encoding="utf-8") as f:
        boot_id = f.read().strip()
    export = os.path.join(root, "..", os.path.basename(root) + ".export")
    with open(export, "w", encoding="utf-8") as f:
        f.write(export_text(records, boot_id, skip_until_usec))
    jdir = os.path.join(root, "var", "log", "journal", MACHINE_ID)
    os.makedirs(jdir)
    r = subprocess.run([remote, "-o", os.path.join(jdir, "system.journal"), export], capture_output=True, text=True, check=False)
    expect("systemd-journal-remote", r.returncode == 0, r.stderr)


def case_journal(ctl, remote, root, partial):
    without(root, "sys/firmware/memmap", "sys/kernel/mm/cma")
    make_journal(remote, root, 5_000_000 if partial else 0)
    st = status(ctl, root)
    n2 = node(st, 2)
    if partial:
        expect("a journal without the boot's start tells nothing", n2["boot_memory"] is None, repr(n2["boot_memory"]))
    else:
        expect("node 2 from the journal", n2["boot_memory"] is False and "journal" in n2["boot_memory_why"],
               f"{n2['boot_memory']!r} {n2['boot_memory_why']}")
        expect("node 0 from the journal", node(st, 0)["boot_memory"] is True)


def stand_in(d, needs_missing):
    """A libsystemd.so.0 in d without sd_journal functions; with
    needs_missing, one that needs a library removed after the link."""
    cc = os.environ.get("CC", "cc")
    os.makedirs(d)
    src = os.path.join(d, "s.c")
    with open(src, "w", encoding="utf-8") as f:
        f.write("int numacma_stand_in(void) { return 0; }\n")
    extra = []
    if needs_missing:
        subprocess.run([cc, "-shared", "-fPIC", "-o", os.path.join(d, "libnumacmagone.so"), src], check=True)
        extra = ["-Wl,--no-as-needed", "-L" + d, "-lnumacmagone"]
    subprocess.run([cc, "-shared", "-fPIC", "-o", os.path.join(d, "libsystemd.so.0"), src] + extra, check=True)
    if needs_missing:
        os.unlink(os.path.join(d, "libnumacmagone.so"))


def case_no_libsystemd(ctl, root):
    without(root, "sys/firmware/memmap", "sys/kernel/mm/cma")
    for name, gone, said in (("without sd_journal", False, "libsystemd.so.0 has no sd_journal_open_directory: "
                                                              "the journal cannot be read"),
                             ("not loadable", True, "libsystemd.so.0 cannot be loaded, so the journal cannot be read: "
                                                    "libnumacmagone.so")):
        d = os.path.join(root, "..", os.path.basename(root) + "-lib-" + ("gone" if gone else "bare"))
        stand_in(d, gone)
        st = status(ctl, root, dict(os.environ, LD_LIBRARY_PATH=d))
        expect(f"{name}: node 2 unknown", node(st, 2)["boot_memory"] is None, repr(node(st, 2)["boot_memory"]))
        texts = [p["text"] for p in st["problems"] + st["notes"]]
        expect(f"{name}: the reason said", any(said in t for t in texts), "; ".join(texts))
        expect(f"{name}: state ok", st["state"] == "ok", st["state"])


def main():
    ctl, daemon, tree = sys.argv[1:4]
    remote = next((p for p in JOURNAL_REMOTE if os.access(p, os.X_OK)), None)
    cases = [
        ("memmap", lambda r: case_memmap(ctl, r)),
        ("implicit", lambda r: case_implicit(ctl, r)),
        ("unknown", lambda r: case_unknown(ctl, r)),
        ("record", lambda r: case_record(ctl, daemon, r)),
        ("no-libsystemd", lambda r: case_no_libsystemd(ctl, r)),
    ]
    if remote:
        cases += [("journal", lambda r: case_journal(ctl, remote, r, False)),
                  ("journal-without-start", lambda r: case_journal(ctl, remote, r, True))]
    bad = 0
    with tempfile.TemporaryDirectory(prefix="numacma-boot-facts-") as tmp:
        for name, fn in cases:
            try:
                fn(copy(tree, tmp, name))
                print(f"ok: {name}")
            except (Failed, KeyError, StopIteration, json.JSONDecodeError, subprocess.CalledProcessError) as e:
                bad += 1
                print(f"FAIL: {name}: {e}")
    print(f"{len(cases) - bad} passed, {bad} failed")
    if bad:
        return 1
    if not remote:
        print("SKIP: journal cases: no systemd-journal-remote (tests/install-deps installs it)")
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main())
