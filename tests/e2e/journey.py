#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""numacma's end-to-end test: the administrator's journey on a real Debian
system under qemu (systemd, udev, GRUB, Debian's 7.2 kernel), with an
accelerator hotplugged onto NUMA node 1. Run it through tests/e2e/run.
The arm64 journey (Debian 13, its 6.12 kernel, the patched kernel) is in
journey_arm64.py."""

import argparse
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import vm as vmlib  # noqa: E402

ACCEL_BDF = "0000:81:00.0"      # first device behind pxb-pcie bus_nr=128
NVME_BDF = "0000:82:00.0"       # behind the expander's second root port (rp2)
ACCEL_CLASS = "0x038000"        # bochs-display: "other display controller"
DROPIN = "/etc/default/grub.d/90-numacma.cfg"
GRUB_CFG = "/boot/grub/grub.cfg"
CONF = "/etc/numacma.conf"


def mib(size):
    m = re.fullmatch(r"(\d+)([KMGT]?)", size)
    if not m:
        raise ValueError(f"size {size!r}")
    n, u = int(m.group(1)), m.group(2)
    return {"K": n / 1024, "": n / (1024 * 1024), "M": n, "G": n * 1024, "T": n * 1024 * 1024}[u]


def cma_args(cmdline):
    """The per-node CMA sizes a command line asks for: {node: MiB}, from
    numa_cma= (per node) or cma_pernuma= (every node: key '*')."""
    res = {}
    for tok in cmdline.split():
        if tok.startswith("numa_cma="):
            for part in tok[len("numa_cma="):].split(","):
                node, size = part.split(":")
                res[int(node)] = mib(size)
        elif tok.startswith("cma_pernuma="):
            res["*"] = mib(tok[len("cma_pernuma="):])
    return res


def per_node_args(cmdline):
    return [t for t in cmdline.split() if t.startswith(("numa_cma=", "cma_pernuma="))]


# The metrics' textfile in the guest, and its NIC (step 3b).
PROM = "/var/lib/prometheus/node-exporter/numacma.prom"
NIC = "e1000e,netdev=nm0,bus=pcie.0"


class StepFailed(Exception):
    pass


class Journey:
    def __init__(self, args):
        self.a = args
        self.arch = args.arch
        self.out = os.path.abspath(args.out)
        self.steps = []       # (id, title, seconds, ok, n checks, failures)
        self.cur = None
        self.failed = 0
        self.vm = None
        self.boot_no = 0
        self.admin_view = []
        self.t_start = time.monotonic()
        self.console = "ttyS0" if self.arch == "amd64" else "ttyAMA0"

    # ---- reporting ---------------------------------------------------------
    def log(self, msg):
        line = f"[{time.monotonic() - self.t_start:7.1f}s] {msg}"
        print(line, flush=True)
        with open(os.path.join(self.out, "journey.log"), "a") as f:
            f.write(line + "\n")

    def step(self, sid, title):
        return _Step(self, sid, title)

    def check(self, what, ok, detail=""):
        c = self.cur
        c["checks"] += 1
        if ok:
            self.log(f"  ok   {what}" + (f" ({detail})" if detail and len(detail) < 160 else ""))
        else:
            c["failures"].append(what)
            self.failed += 1
            self.log(f"  FAIL {what}" + (f"\n{detail}" if detail else ""))
        return ok

    def require(self, what, ok, detail=""):
        if not self.check(what, ok, detail):
            raise StepFailed(what)

    def save(self, name, text):
        with open(os.path.join(self.out, name), "w") as f:
            f.write(text if text.endswith("\n") else text + "\n")

    # ---- guest helpers -----------------------------------------------------
    def g(self, cmd, timeout=180):
        rc, out = self.vm.run(cmd, timeout=timeout)
        with open(os.path.join(self.out, f"boot{self.boot_no}-commands.log"), "a") as f:
            f.write(f"# {cmd}\n{out}\n# exit {rc}\n\n")
        return rc, out

    def gout(self, cmd, timeout=180):
        return self.g(cmd, timeout)[1]

    def status_json(self):
        rc, out = self.g("numacmactl status --json")
        try:
            return json.loads(out)
        except ValueError:
            raise StepFailed(f"numacmactl status --json (exit {rc}) gave no JSON:\n{out}")

    def grub_entry(self):
        """The default entry of the guest's grub.cfg, as the next boot gets it.
        Debian's grub-mkconfig ends with `cat grub.cfg.new > grub.cfg` (not a
        rename), so a read while update-grub runs can see a partial file: the
        file is read when neither update-grub nor grub-mkconfig runs and no
        grub.cfg.new exists, both before and after the read (else read
        again; bounded: no quiet moment in 120 s fails)."""
        quiet = (f"! pgrep -x grub-mkconfig >/dev/null && ! pgrep -x update-grub >/dev/null "
                 f"&& ! test -e {GRUB_CFG}.new")
        settle = (f"for i in $(seq 240); do "
                  f"if {quiet}; then cfg=$(cat {GRUB_CFG}) || exit 1; "
                  f"if {quiet}; then printf '%s\\n' \"$cfg\"; exit 0; fi; fi; "
                  f"sleep 0.5; "  # poll: update-grub not running, bounded
                  f"done; echo 'update-grub still running after 120 s' >&2; exit 1")
        rc, text = self.g(settle, timeout=180)
        if rc != 0:
            raise StepFailed(f"cannot read {GRUB_CFG}: {text}")
        return vmlib.grub_default_entry(text)

    def unit_status_text(self):
        return self.gout("systemctl show -p StatusText --value numacmad").strip()

    def systemctl_status(self):
        return self.gout("SYSTEMD_COLORS=0 COLUMNS=160 systemctl status --no-pager --full --lines=6 numacmad")

    def wait_for(self, what, cond, timeout, interval=1.0):
        """Poll cond() (returns (done, detail)) until done or timeout; returns seconds."""
        t0 = time.monotonic()
        detail = ""
        while True:
            done, detail = cond()
            if done:
                dt = time.monotonic() - t0
                self.log(f"  ..   {what}: after {dt:.1f} s")
                return dt
            if time.monotonic() - t0 > timeout:
                raise StepFailed(f"{what}: not within {timeout} s (last: {detail})")
            time.sleep(interval)  # poll: cond(), bounded by timeout

    def hashes(self, *paths):
        out = self.gout("for f in " + " ".join(paths) + "; do if [ -e $f ]; then sha256sum $f; else echo absent $f; fi; done")
        return out.strip()

    # ---- the machine -------------------------------------------------------
    def boot(self, devices=(), what=""):
        """Boot the disk with what its grub.cfg's default entry says."""
        self.boot_no += 1
        n = self.boot_no
        bdir = os.path.join(self.work, f"boot{n}")
        os.makedirs(bdir, exist_ok=True)
        entry, kernel, initrd, cfg = vmlib.grub_boot(self.disk, self.uuid, bdir)
        self.save(f"boot{n}-grub.cfg", cfg)
        self.log(f"  boot {n}{what}: grub.cfg default entry '{entry['title']}': linux {entry['linux']} {entry['args']}")
        self.check(f"boot {n}: grub.cfg's default entry boots {self.release} with an initrd",
                   entry["linux"].endswith("vmlinuz-" + self.release) and initrd is not None,
                   f"linux {entry['linux']} initrd {entry['initrd']}")
        t0 = time.monotonic()
        # A guest kernel panic in early boot under TCG is qemu's, not
        # numacma's: boot once more and say so; a second panic fails.
        for attempt in (1, 2):
            console = os.path.join(self.out, f"boot{n}-console.log" if attempt == 1 else f"boot{n}-retry-console.log")
            # An e1000e NIC on the root bus (no NUMA node: its rings come from
            # the default area), its backend isolated: step 3b grows its rings.
            self.vm = vmlib.VM(self.vmarch, self.disk, kernel, initrd, entry["args"], bdir, console,
                               mem_per_node_mib=self.a.mem_per_node, devices=list(devices) + [NIC],
                               accel=self.a.accel, log=self.log,
                               extra=["-netdev", "user,id=nm0,restrict=on",
                                      "-drive", f"file={self.nvme_hp},format=raw,if=none,id=nvhp"],
                               disks=getattr(self, "extra_disks", ()))
            self.vm.start()
            try:
                self.vm.wait_agent(self.a.boot_timeout)
                break
            except vmlib.GuestPanic as e:
                self.vm.close()
                if attempt == 2:
                    raise
                self.log(f"  note: boot {n}: {e}; booting again")
        self.booted(n, t0)
        cmdline = self.gout("cat /proc/cmdline").strip()
        self.check(f"boot {n}: /proc/cmdline is grub.cfg's default entry", cmdline == entry["args"],
                   f"{cmdline!r} vs {entry['args']!r}")
        return entry

    def booted(self, n, t0):
        """The agent answered boot N, started at t0: its time, and systemd's
        state once the boot is done."""
        dt = time.monotonic() - t0
        self.log(f"  ..   boot {n}: systemd up, agent answers after {dt:.1f} s")
        self.boot_times.append(dt)
        rc, running = self.g("systemctl is-system-running --wait", timeout=self.a.boot_timeout)
        self.check(f"boot {n}: systemctl is-system-running", running.strip() in ("running", "degraded"), running.strip())
        if running.strip() == "degraded":
            self.log("  note: failed units: " + self.gout("systemctl --failed --no-legend --plain").strip())

    def hotplug_accel(self, see_timeout):
        """device_add the accelerator behind rp1 (node 1's hotplug slot) and
        check the guest sees it there; returns when it was added."""
        t0 = time.monotonic()
        self.vm.qmp("device_add", driver="bochs-display", id="accel0", bus="rp1")
        self.wait_for("the guest sees the device",
                      lambda: (self.g(f"test -e /sys/bus/pci/devices/{ACCEL_BDF}")[0] == 0, ""), see_timeout, 0.5)
        cls = self.gout(f"cat /sys/bus/pci/devices/{ACCEL_BDF}/class /sys/bus/pci/devices/{ACCEL_BDF}/numa_node").split()
        self.check(f"{ACCEL_BDF}: class {ACCEL_CLASS}, numa_node 1", cls == [ACCEL_CLASS, "1"], " ".join(cls))
        return t0

    def nvme_rebind_cmd(self):
        """A guest shell command: unbind and bind node 1's NVMe controller,
        then wait (bounded) for its namespace: its queues are allocated with
        dma_alloc_coherent() before the block device appears."""
        return (f"echo {NVME_BDF} > /sys/bus/pci/drivers/nvme/unbind && echo {NVME_BDF} > /sys/bus/pci/drivers/nvme/bind && "
                "i=0; until [ -b /dev/nvme0n1 ] || [ $i -ge 600 ]; do sleep 0.2; i=$((i+1)); done; "  # poll: the namespace, bounded
                "[ -b /dev/nvme0n1 ]")

    def trace_nvme(self, name):
        """numacmactl trace around a rebind of node 1's NVMe, as the
        administrator reads it and as JSON: (text, json, rows of the NVMe
        from a CMA area)."""
        cmd = self.nvme_rebind_cmd().replace("'", "'\\''")
        rc, txt = self.g(f"numacmactl trace -- sh -c '{cmd}'", timeout=300)
        self.save(f"{name}-trace.txt", txt)
        self.check("numacmactl trace (table) exits 0", rc == 0, txt[-1500:])
        rc, out = self.g(f"numacmactl trace --json -- sh -c '{cmd}' 2>/dev/null", timeout=300)
        self.save(f"{name}-trace.json", out)
        self.require("numacmactl trace --json exits 0", rc == 0, out[-1500:])
        t = json.loads(out)
        rows = [r for r in t["devices"] if r["device"] == NVME_BDF and r["from"] == "cma-area"]
        self.log(f"  ..   numacmactl trace, {NVME_BDF} from CMA: " +
                 ", ".join(f"{r['area']} node {r['memory_node']} {r['cma_pages']} pages {r['locality']}" for r in rows))
        return txt, t, rows

    def check_trace_numa1(self, name):
        """numacmactl trace around a rebind: node 1's NVMe served by numa1,
        locally, and the traced pages are numa1's counter's; returns the
        table."""
        txt, t, rows = self.trace_nvme(name)
        self.check(f"numacmactl trace: {NVME_BDF}'s queues came from numa1 on node 1, local, and from no other area",
                   rows and all(r["area"] == "numa1" and r["memory_node"] == 1 and r["locality"] == "local" for r in rows),
                   json.dumps(rows))
        areas = {x["name"]: x for x in t["areas"]}
        n1 = areas.get("numa1", {})
        self.check("numa1: the traced pages are its alloc_pages_success while tracing, and they are the NVMe's",
                   n1.get("match") is True and n1.get("traced_dma_pages") == sum(r["cma_pages"] for r in rows) > 0,
                   json.dumps(n1))
        self.check("the default area 'reserved' gave the NVMe nothing", areas.get("reserved", {}).get("traced_dma_pages") == 0,
                   json.dumps(areas.get("reserved")))
        return txt

    def check_daemon_ran_update_grub(self):
        jr = self.gout("journalctl -b -u numacmad --no-pager -o cat")
        self.check("the daemon's journal: it wrote the drop-in and ran update-grub",
                   re.search(r"Wrote '.*numa_cma=.*'.*90-numacma\.cfg.*ran: .*update-grub", jr) is not None, jr[-1500:])
        self.check("/run/reboot-required exists", self.g("test -e /run/reboot-required")[0] == 0)

    def poweroff(self):
        n = self.boot_no
        try:
            self.g("journalctl -b --no-pager -o short-monotonic > /tmp/journal.txt 2>&1; true")
            self.save(f"boot{n}-journal.txt", self.gout("cat /tmp/journal.txt", timeout=120))
        except Exception as e:  # noqa: BLE001 - the artifact is a nicety
            self.log(f"  note: no journal saved: {e}")
        t0 = time.monotonic()
        self.vm.poweroff(self.a.boot_timeout)
        self.log(f"  ..   boot {n}: powered off in {time.monotonic() - t0:.1f} s")
        self.vm = None

    # ---- host side ---------------------------------------------------------
    def host(self, cmd, what, timeout, env=None):
        self.log(f"  $ {' '.join(cmd)}")
        logf = os.path.join(self.out, what + ".log")
        with open(logf, "w") as f:
            p = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, timeout=timeout,
                               env=dict(os.environ, **(env or {})), text=True)
        if p.returncode != 0:
            with open(logf) as f:
                tail = "".join(f.readlines()[-30:])
            raise StepFailed(f"{' '.join(cmd)} failed ({p.returncode}); end of {logf}:\n{tail}")
        with open(logf) as f:
            return f.read()

    # ---- the journey -------------------------------------------------------
    def run(self):
        self.vmarch = self.arch
        self.work = self.a.work
        os.makedirs(self.work, exist_ok=True)
        self.boot_times = []
        try:
            self.journey()
        except StepFailed as e:
            self.log(f"ABORTED: {e}")
        except Exception:  # noqa: BLE001
            self.failed += 1
            self.log("ABORTED by an error:\n" + traceback.format_exc())
        finally:
            if self.cur is not None:
                self.cur["failures"].append("aborted")
                _Step.finish(self, self.cur)
            if self.vm is not None:
                self.vm.close()
        self.report()
        return 0 if self.failed == 0 and self.completed else 1

    def journey(self):
        self.completed = False
        a = self.a
        self.journey_amd64()
        self.completed = True

    def prepare(self):
        """Steps 1a-1c: the package, the cached base, a fresh disk with the package in /root."""
        with self.step("1a", f"build the numacma .deb for {self.arch} (packaging/build-deb)"):
            if self.a.deb:
                debs = [self.a.deb]
            else:
                debdir = os.path.join(self.work, "deb")
                shutil.rmtree(debdir, ignore_errors=True)
                native = subprocess.run(["dpkg", "--print-architecture"], stdout=subprocess.PIPE, text=True).stdout.strip()
                if self.arch == native:
                    self.host([os.path.join(TOP, "packaging/build-deb"), "--no-lintian", debdir], "build-deb",
                              timeout=1200, env={"DEB_BUILD_OPTIONS": "nocheck " + os.environ.get("DEB_BUILD_OPTIONS", "")})
                else:
                    self.host([os.path.join(HERE, "build-deb-foreign"), self.arch, debdir, self.a.suite], "build-deb", timeout=3600)
                debs = glob.glob(os.path.join(debdir, f"numacma_*_{self.arch}.deb"))
            self.require("one numacma_<version>_<arch>.deb", len(debs) == 1, str(debs))
            self.deb = debs[0]
            self.log(f"  ..   {os.path.basename(self.deb)}")
        release = {"bookworm": "Debian 12", "trixie": "Debian 13"}[self.a.suite]
        kernel = "its own 6.12 kernel, GRUB for EFI on an ESP" if self.arch == "arm64" else "Debian's 7.2 kernel"
        with self.step("1b", f"base root: {release} {self.arch} + systemd, udev, GRUB; {kernel}, initramfs (cached)"):
            out = self.host([os.path.join(HERE, "make-base"), "--suite", self.a.suite, self.arch], "make-base", timeout=3600,
                            env=getattr(self, "base_env", None))
            self.base = out.strip().splitlines()[-1]
            for line in out.strip().splitlines()[:-1]:
                self.log("  " + line)
            self.uuid = open(os.path.join(self.base, "uuid")).read().strip()
            self.release = open(os.path.join(self.base, "release")).read().strip()
            self.log(f"  ..   base {os.path.relpath(self.base, TOP)}: {open(os.path.join(self.base, 'package')).read().strip()}")
            shutil.copy(os.path.join(self.base, "provision.log"), os.path.join(self.out, "boot0-provision-console.log"))
        with self.step("1c", "fresh disk from the base, the .deb copied to /root"):
            # The disk of the NVMe controller hot-added on node 1 (amd64).
            self.nvme_hp = os.path.join(self.work, "nvme-hotplug.img")
            with open(self.nvme_hp, "wb") as f:
                f.truncate(64 * 1024 * 1024)
            self.disk = os.path.join(self.work, "disk.img")
            subprocess.run(["cp", "--sparse=always", os.path.join(self.base, "root.img"), self.disk], check=True)
            self.debname = os.path.basename(self.deb)
            vmlib.debugfs_write(self.disk, self.deb, f"/root/{self.debname}")

    def install(self):
        with self.step("1d", "apt-get install ./numacma_*.deb in the running system"):
            self.cfg_before_install = self.hashes(GRUB_CFG)
            rc, out = self.g(f"cd /root && DEBIAN_FRONTEND=noninteractive apt-get install -y ./{self.debname} 2>&1",
                             timeout=600)
            self.save("apt-install.log", out)
            self.require("apt-get install exits 0", rc == 0, out[-2000:])
            st = self.gout("dpkg-query -W -f='${Status} ${Version}' numacma")
            self.check("dpkg: numacma is installed", st.startswith("install ok installed"), st)
            self.check("the postinst enabled numacmad.service",
                       self.gout("systemctl is-enabled numacmad").strip() == "enabled")
            # bochs-display stands in for an accelerator whose driver is not
            # loaded (as before the vendor's driver is installed): its DRM
            # driver keeps the PCI default 32-bit coherent mask, and a
            # device bound that way never uses a per-node pool, so numacma
            # rightly plans none for it (kernel/dma/direct.c
            # dma_direct_optimal_gfp_mask()). Seen: bochs-drm binding late in
            # boot 2 made the daemon drop node 1's extra pool.
            rc, out = self.g("echo 'blacklist bochs' > /etc/modprobe.d/numacma-e2e-bochs.conf")
            self.check("the display stand-in's DRM driver stays unloaded (modprobe.d blacklist)", rc == 0, out)

    def journey_amd64(self):
        a = self.a
        base_pool = 64
        per_acc = 128
        per_acc2 = 256
        self.prepare()

        # ---- boot 1
        with self.step("2", "boot 1: kernel, initrd and arguments from the root's grub.cfg (2 nodes x 4 GiB)"):
            entry = self.boot()
            self.check("the administrator's arguments are there (console=ttyS0 cma=64M)",
                       "cma=64M" in entry["args"].split() and "console=ttyS0" in entry["args"].split())
            self.check("no per-node CMA argument before numacma", not per_node_args(entry["args"]), entry["args"])
            pools = self.gout("cd /sys/kernel/mm/cma && for a in *; do echo $a $(( $(cat $a/total_pages) * $(getconf PAGESIZE) / 1048576 )); done")
            self.save("boot1-kernel-cma.txt", pools)
            have = dict(l.split() for l in pools.strip().splitlines())
            self.check("the kernel made its own 64 MiB pools numa0 and numa1 (/sys/kernel/mm/cma)",
                       have.get("numa0") == "64" and have.get("numa1") == "64", pools.strip().replace("\n", ", "))
            self.check("2 NUMA nodes online", self.gout("cat /sys/devices/system/node/online").strip() == "0-1")

        self.install()

        with self.step("3", "first boot, default policy: daemon active, kernel's pools active, nothing written"):
            self.wait_for("numacmad active with a STATUS= line",
                          lambda: ((s := self.unit_status_text()) not in ("", "no status yet"), s), 120)
            active = self.gout("systemctl is-active numacmad").strip()
            self.check("systemctl is-active numacmad: active", active == "active", active)
            st = self.systemctl_status()
            self.save("step3-systemctl-status.txt", st)
            self.check("systemctl status: 'Active: active (running)' and a Status: line",
                       "Active: active (running)" in st and "Status: " in st, st)
            s = self.status_json()
            self.save("step3-status.json", json.dumps(s, indent=2))
            nodes = {n["node"]: n for n in s["nodes"]}
            self.check("numacmactl: numa0 and numa1 active, 64 MiB each (local_pool_mib)",
                       nodes.get(0, {}).get("local_pool_mib") == base_pool and nodes.get(1, {}).get("local_pool_mib") == base_pool,
                       json.dumps({k: v.get("local_pool_mib") for k, v in nodes.items()}))
            self.check("no accelerator", s["accelerators"] == [], json.dumps(s["accelerators"]))
            plan = json.loads(self.gout("numacmactl plan --json"))
            self.save("step3-plan.json", json.dumps(plan, indent=2))
            self.check("the plan writes nothing (the kernel's implicit pools are the plan)",
                       plan["args"] == [], json.dumps(plan["args"]))
            self.check(f"no drop-in {DROPIN}", self.g(f"test -e {DROPIN}")[0] != 0)
            self.check("grub.cfg unchanged by the install", self.hashes(GRUB_CFG) == self.cfg_before_install)
            self.check("no /run/reboot-required", self.g("test -e /run/reboot-required")[0] != 0)
            self.check("numacmactl status: state ok", s["state"] == "ok", f"{s['state']}: {s['summary']}")
            txt = self.gout("numacmactl status")
            self.save("step3-numacmactl-status.txt", txt)
            self.check("numacmactl status (text) says ok", txt.split(" ", 1)[-1].startswith("numacma: ok"), txt.splitlines()[0] if txt else "")
            rc, chk = self.g("numacmactl check")
            self.check("numacmactl check exits 0 (OK)", rc == 0 and chk.startswith("NUMACMA OK"), f"exit {rc}: {chk.strip()}")
            self.admin_view.append(("First boot, default policy: `systemctl status numacmad`", st))
            self.admin_view.append(("First boot: `numacmactl status`", txt))

        with self.step("3b", "metrics: numacma.prom follows the default area's use when a NIC's rings grow, no device event"):
            self.metrics_refresh()
        with self.step("3c", "hot-add an NVMe controller onto node 1: the daemon recomputes; numacmactl trace shows its queues in numa1, local, as numa1's counter says"):
            recomputes = lambda: self.gout("journalctl -b -u numacmad --no-pager -o cat").count("Recomputed (")
            r0 = recomputes()
            t0 = time.monotonic()
            self.vm.qmp("device_add", driver="nvme", id="nvme0", drive="nvhp", serial="numacma-hp", bus="rp2")
            self.wait_for("the guest binds the NVMe controller and its namespace is up",
                          lambda: (self.g(f"test -e /sys/bus/pci/devices/{NVME_BDF}/driver && test -b /dev/nvme0n1")[0] == 0, ""),
                          120, 0.5)
            nv = self.gout(f"cat /sys/bus/pci/devices/{NVME_BDF}/numa_node; basename $(readlink /sys/bus/pci/devices/{NVME_BDF}/driver)").split()
            self.check(f"{NVME_BDF}: node 1, driven by nvme", nv == ["1", "nvme"], " ".join(nv))
            self.wait_for("the daemon recomputed after the NVMe's events (its journal)",
                          lambda: (recomputes() > r0, ""), a.react_timeout, 1.0)
            self.react_times.append(("nvme hot-add", time.monotonic() - t0))
            jr = self.gout("journalctl -b -u numacmad --no-pager -o cat")
            self.save("step3c-daemon-journal.txt", jr)
            self.check("the daemon's journal: one recompute for the device events",
                       re.search(r"Recomputed \(\d+ device events?\)", jr) is not None, jr[-1000:])
            s = self.status_json()
            self.save("step3c-status.json", json.dumps(s, indent=2))
            dev = [d for d in s["devices"] if d["address"] == NVME_BDF]
            self.check(f"numacmactl status lists {NVME_BDF} on node 1, served by its local pool",
                       len(dev) == 1 and dev[0]["node"] == 1 and dev[0]["local_pool"], json.dumps(dev))
            self.check("still ok, nothing written (the NVMe changes no pool under nodes = all)",
                       s["state"] == "ok" and self.g(f"test -e {DROPIN}")[0] != 0, s["summary"])
            txt = self.check_trace_numa1("step3c")
            self.admin_view.append((f"An NVMe controller hot-added on node 1: `numacmactl trace -- (rebind {NVME_BDF})`", txt))

        with self.step("4", "hotplug bochs-display onto node 1: the daemon writes the plan, runs update-grub"):
            grub_before = self.hashes(GRUB_CFG)
            t0 = self.hotplug_accel(120)
            want = {0: base_pool, 1: base_pool + per_acc}

            def written():
                e = self.grub_entry()
                st = self.unit_status_text()
                return (cma_args(e["args"]) == want and "reboot pending" in st), f"{e['args']} | {st}"
            self.wait_for("grub.cfg carries the plan and the daemon reports it", written, a.react_timeout, 1.0)
            dt = time.monotonic() - t0
            self.log(f"  ..   device_add -> grub.cfg rewritten and STATUS= updated: {dt:.1f} s")
            self.react_times.append(("hotplug", dt))
            e = self.grub_entry()
            self.check(f"grub.cfg default entry: node 0 keeps {base_pool}M, node 1 gets {base_pool}M + {per_acc}M",
                       cma_args(e["args"]) == want, " ".join(per_node_args(e["args"])))
            self.check("grub.cfg keeps the administrator's cma=64M and console=ttyS0",
                       "cma=64M" in e["args"].split() and "console=ttyS0" in e["args"].split(), e["args"])
            self.check("grub.cfg was regenerated", self.hashes(GRUB_CFG) != grub_before)
            dropin = self.gout(f"cat {DROPIN}")
            self.save("step4-dropin.cfg", dropin)
            self.check(f"{DROPIN} holds the argument", any(a_ in dropin for a_ in per_node_args(e["args"])), dropin)
            self.check_daemon_ran_update_grub()
            st = self.systemctl_status()
            self.save("step4-systemctl-status.txt", st)
            self.check("systemctl status numacmad: reboot pending", "Status: \"reboot pending" in st, st)
            rc, chk = self.g("numacmactl check")
            self.check("numacmactl check: WARNING (exit 1), reboot pending", rc == 1 and "reboot" in chk, f"exit {rc}: {chk.strip()}")
            s = self.status_json()
            self.save("step4-status.json", json.dumps(s, indent=2))
            self.check("numacmactl status: pending-reboot", s["state"] == "pending-reboot", s["summary"])
            txt = self.gout("numacmactl status")
            self.save("step4-numacmactl-status.txt", txt)
            self.admin_view.append(("After hotplugging an accelerator onto node 1: `systemctl status numacmad`", st))
            self.admin_view.append(("After the hotplug: `numacmactl status`", txt))

        self.converged_and_one_shot()

        with self.step("5a", "power off"):
            self.poweroff()

        # ---- boot 2: the accelerator is there from the start
        with self.step("5", "boot 2 with the new grub.cfg: node 1's larger pool is active, the accelerator is served locally"):
            entry = self.boot(devices=["bochs-display,id=accel0,bus=rp1"])
            self.check("booted with numacma's argument", cma_args(entry["args"]) == want, entry["args"])
            pools = self.gout("cd /sys/kernel/mm/cma && for a in *; do echo $a $(( $(cat $a/total_pages) * $(getconf PAGESIZE) / 1048576 )); done")
            self.save("boot2-kernel-cma.txt", pools)
            have = dict(l.split() for l in pools.strip().splitlines())
            self.check(f"the kernel made numa0 {base_pool} MiB and numa1 {base_pool + per_acc} MiB (/sys/kernel/mm/cma)",
                       have.get("numa0") == str(base_pool) and have.get("numa1") == str(base_pool + per_acc),
                       pools.strip().replace("\n", ", "))
            self.wait_for("numacmad active with a STATUS= line",
                          lambda: ((s := self.unit_status_text()) not in ("", "no status yet"), s), 120)
            s = self.status_json()
            self.save("step5-status.json", json.dumps(s, indent=2))
            nodes = {n["node"]: n for n in s["nodes"]}
            self.check(f"numacmactl: numa1 active on node 1, {base_pool + per_acc} MiB",
                       nodes.get(1, {}).get("local_pool_mib") == base_pool + per_acc, json.dumps(nodes.get(1)))
            self.check(f"numacmactl: numa0 active on node 0, {base_pool} MiB",
                       nodes.get(0, {}).get("local_pool_mib") == base_pool, json.dumps(nodes.get(0)))
            acc = [x for x in s["accelerators"] if x["address"] == ACCEL_BDF]
            self.check(f"accelerator {ACCEL_BDF} on node 1 served by a local pool",
                       len(acc) == 1 and acc[0]["node"] == 1 and acc[0]["local_pool"] and not acc[0]["remote_default_area"],
                       json.dumps(s["accelerators"]))
            self.check("numacmactl status: state ok", s["state"] == "ok", f"{s['state']}: {s['summary']}")
            self.check("numacma recognizes the booted argument as its own (no admin conflict)",
                       not s["plan"].get("admin_conflict"), json.dumps(s["plan"]))
            rc, chk = self.g("numacmactl check")
            self.check("numacmactl check exits 0 (OK)", rc == 0 and chk.startswith("NUMACMA OK"), f"exit {rc}: {chk.strip()}")
            self.check("no /run/reboot-required", self.g("test -e /run/reboot-required")[0] != 0)
            st = self.systemctl_status()
            txt = self.gout("numacmactl status")
            self.save("step5-systemctl-status.txt", st)
            self.save("step5-numacmactl-status.txt", txt)
            self.check("systemctl status numacmad: active, ok", "Active: active (running)" in st, st)
            self.admin_view.append(("After the reboot: `systemctl status numacmad`", st))
            self.admin_view.append(("After the reboot: `numacmactl status`", txt))
            self.admin_view.append(("After the reboot: `numacmactl check`", chk))

        with self.step("6", f"edit {CONF} (per_accelerator = {per_acc2}M), reload: plan and drop-in follow"):
            rc, out = self.g(f"sed -i 's/^per_accelerator = .*/per_accelerator = {per_acc2}M/' {CONF} && grep '^per_accelerator' {CONF} && numacmactl config check")
            self.check("numacmactl config check accepts the edited policy", rc == 0, out)
            pid = self.gout("systemctl show -p MainPID --value numacmad").strip()
            t0 = time.monotonic()
            rc, out = self.g("systemctl reload numacmad")
            self.check("systemctl reload numacmad exits 0", rc == 0, out)
            want2 = {0: base_pool, 1: base_pool + per_acc2}

            def written2():
                e = self.grub_entry()
                st = self.unit_status_text()
                return (cma_args(e["args"]) == want2 and "reboot pending" in st), f"{e['args']} | {st}"
            self.wait_for("grub.cfg carries the new plan, reboot pending", written2, a.react_timeout)
            self.react_times.append(("reload", time.monotonic() - t0))
            self.check(f"{DROPIN} follows (1:{base_pool + per_acc2}M)",
                       f"1:{base_pool + per_acc2}M" in self.gout(f"cat {DROPIN}"))
            rc, chk = self.g("numacmactl check")
            self.check("numacmactl check: WARNING, reboot pending", rc == 1 and "reboot" in chk, f"exit {rc}: {chk.strip()}")
            self.check("the daemon was reloaded, not restarted",
                       self.gout("systemctl show -p MainPID --value numacmad").strip() == pid)

        with self.step("6b", "write a broken policy, reload: the daemon keeps running on the last good one, writes nothing"):
            before = self.hashes(DROPIN, GRUB_CFG)
            pid = self.gout("systemctl show -p MainPID --value numacmad").strip()
            self.g(f"cp {CONF} /root/numacma.conf.good && sed -i 's/^per_accelerator = .*/per_accelerator = lots/' {CONF}")
            rc, out = self.g("numacmactl config check")
            self.save("step6-config-check.txt", out)
            self.check("numacmactl config check rejects it, naming file and line",
                       rc != 0 and re.search(r"numacma\.conf:\d+", out) is not None, f"exit {rc}: {out.strip()}")
            self.g("systemctl reload numacmad")
            self.wait_for("the daemon says the policy was rejected",
                          lambda: ("policy rejected" in (s := self.unit_status_text()), s), 60, 0.5)
            st = self.systemctl_status()
            self.save("step6-systemctl-status-broken.txt", st)
            self.check("still active, same process",
                       self.gout("systemctl is-active numacmad").strip() == "active"
                       and self.gout("systemctl show -p MainPID --value numacmad").strip() == pid)
            self.check("STATUS= says it runs with the last good policy", "last good" in self.unit_status_text(),
                       self.unit_status_text())
            # The daemon sends that STATUS= after the reload's recompute
            # (and any update-grub it ran) is over: what it wrote is there.
            self.check("nothing written: drop-in and grub.cfg unchanged", self.hashes(DROPIN, GRUB_CFG) == before)
            self.admin_view.append(("A broken policy, reloaded: `systemctl status numacmad`", st))
            self.g(f"cp /root/numacma.conf.good {CONF} && rm /root/numacma.conf.good")
            self.g("systemctl reload numacmad")
            self.wait_for("the good policy again: no rejection in STATUS=",
                          lambda: ("policy rejected" not in (s := self.unit_status_text()) and "reboot pending" in s, s), 60, 0.5)
            self.check("reloading an unchanged plan writes nothing", self.hashes(DROPIN, GRUB_CFG) == before)

        with self.step("7", "unplug the device: back to the kernel's own pools, numacma's argument removed"):
            t0 = time.monotonic()
            self.vm.qmp("device_del", id="accel0")
            self.wait_for("the device is gone in the guest",
                          lambda: (self.g(f"test -e /sys/bus/pci/devices/{ACCEL_BDF}")[0] != 0, ""), 120, 0.5)
            # qemu 7.2 unparents the bochs-display but never finalizes it:
            # no DEVICE_DELETED event. Its absence from the tree is the sign.
            self.wait_for("qemu removed accel0", lambda: (
                "accel0" not in [x["name"] for x in self.vm.qmp("qom-list", path="/machine/peripheral")], ""), 60, 0.5)

            def removed():
                e = self.grub_entry()
                st = self.unit_status_text()
                return (not per_node_args(e["args"]) and "reboot pending" in st), f"{e['args']} | {st}"
            self.wait_for("grub.cfg without numacma's argument", removed, a.react_timeout)
            self.react_times.append(("unplug", time.monotonic() - t0))
            e = self.grub_entry()
            self.check("grub.cfg keeps the administrator's cma=64M", "cma=64M" in e["args"].split(), e["args"])
            plan = json.loads(self.gout("numacmactl plan --json"))
            self.check("the plan: no argument (the kernel's implicit pools)", plan["args"] == [], json.dumps(plan["args"]))
            rc, chk = self.g("numacmactl check")
            self.check("numacmactl check: WARNING, reboot pending (booted with numa_cma=)", rc == 1 and "reboot" in chk,
                       f"exit {rc}: {chk.strip()}")
            dropin = self.gout(f"cat {DROPIN} 2>/dev/null")
            self.check("the drop-in (if any) adds no per-node argument",
                       not re.search(r"numa_cma=|cma_pernuma=", dropin), dropin)
            st = self.systemctl_status()
            self.save("step7-systemctl-status.txt", st)

        with self.step("7b", "plug an accelerator in again (secondary-vga), so that the purge has an argument to remove"):
            t0 = time.monotonic()
            # Another model: qemu 7.2 aborts on a second bochs-display in a
            # slot that had one ("RAMBlock ... bochs-display-vram already
            # registered"). secondary-vga is class 0x038000 as well.
            self.vm.qmp("device_add", driver="secondary-vga", id="accel1", bus="rp1")
            want3 = {0: base_pool, 1: base_pool + per_acc2}
            self.wait_for("grub.cfg carries numacma's argument again",
                          lambda: (cma_args((e := self.grub_entry())["args"]) == want3, e["args"]), a.react_timeout)
            self.react_times.append(("hotplug again", time.monotonic() - t0))
            cls = self.gout(f"cat /sys/bus/pci/devices/{ACCEL_BDF}/class /sys/bus/pci/devices/{ACCEL_BDF}/numa_node").split()
            self.check(f"{ACCEL_BDF} (secondary-vga): class {ACCEL_CLASS}, numa_node 1", cls == [ACCEL_CLASS, "1"], " ".join(cls))
            self.check(f"grub.cfg: node 1 gets {base_pool}M + {per_acc2}M again", cma_args(self.grub_entry()["args"]) == want3)
            self.check(f"{DROPIN} holds it", "numa_cma=" in self.gout(f"cat {DROPIN}"))

        with self.step("8", "apt-get purge numacma: drop-in gone, grub.cfg without numacma's argument, nothing left"):
            files = self.gout("dpkg -L numacma").split()
            rc, out = self.g("DEBIAN_FRONTEND=noninteractive apt-get purge -y numacma 2>&1", timeout=600)
            self.save("apt-purge.log", out)
            self.check("apt-get purge exits 0", rc == 0, out[-2000:])
            st = self.gout("dpkg-query -W -f='${db:Status-Status}' numacma 2>&1; true").strip()
            self.check("dpkg: numacma not installed, no conffiles left", st in ("not-installed", "") or "no packages found" in st, st)
            self.check(f"{DROPIN} is gone", self.g(f"test -e {DROPIN}")[0] != 0)
            e = self.grub_entry()
            self.check("grub.cfg default entry: no numa_cma=/cma_pernuma=", not per_node_args(e["args"]), e["args"])
            self.check("grub.cfg keeps the administrator's cma=64M console=ttyS0",
                       "cma=64M" in e["args"].split() and "console=ttyS0" in e["args"].split(), e["args"])
            left = self.gout("for f in " + " ".join(files) + " /etc/numacma.conf /etc/numacma.conf.d /var/lib/numacma; do "
                             "if [ -f \"$f\" ] || { [ -L \"$f\" ] && [ ! -d \"$f\" ]; } || { [ -d \"$f\" ] && case $f in *numacma*) true;; *) false;; esac; }; then echo \"$f\"; fi; done").split()
            self.check("no file of numacma left (dpkg -L list, /etc/numacma.conf[.d], /var/lib/numacma)", left == [], " ".join(left))
            rc, out = self.g("systemctl status numacmad --no-pager")
            self.check("systemctl: numacmad.service not found", rc == 4, f"exit {rc}: {out.strip()[:200]}")
            self.check("no numacmad process", self.g("pgrep -x numacmad")[0] != 0)

        with self.step("8b", "power off"):
            self.poweroff()

    def prom(self, series):
        """A series' value in the guest's numacma.prom, or None."""
        out = self.gout(f"sed -n 's/^{series} //p' {PROM}").strip()
        return int(out) if out.isdigit() else None

    def prom_settled(self, series, seconds):
        """(the value did not change within seconds, the value)"""
        a = self.prom(series)
        time.sleep(seconds)  # window: a metrics interval and a half, watched for a change
        return a == self.prom(series), a

    def metrics_refresh(self):
        """The daemon looks at the CMA counters every metrics_interval and
        writes numacma.prom when they changed: the e1000e's rings, grown
        with ethtool while the link is up (dma_alloc_coherent of 64 KiB
        each, from the default area: the NIC has no node and a 64-bit
        coherent mask, as numacmactl status says), show in the file with no
        uevent (udevadm monitor watches) and no reload. (An e1000 would not
        do: its 32-bit coherent mask sends its rings to the page
        allocator's DMA32 zone, the default area lying above 4 GiB here.)"""
        used = "numacma_default_area_used_bytes"
        rc, out = self.g("mkdir -p /var/lib/prometheus/node-exporter && "
                         "printf '[daemon]\\nmetrics_interval = 2s\\n' > /etc/numacma.conf.d/60-metrics.conf && "
                         "systemctl restart numacmad")
        self.check("a textfile directory and metrics_interval = 2s, numacmad restarted", rc == 0, out)
        self.wait_for(f"{PROM} written", lambda: ((v := self.prom(used)) is not None, v), 60)
        nic = self.gout("ls /sys/bus/pci/drivers/e1000e/*/net 2>/dev/null | sed -n '$p'").strip()
        self.check("the e1000e NIC is there", nic != "", nic)
        dev = [d for d in self.status_json()["devices"] if d.get("driver") == "e1000e"]
        self.check("numacmactl status: the NIC's coherent DMA comes from the default area (no node, 64-bit mask)",
                   len(dev) == 1 and dev[0]["path"] == "default-area" and dev[0]["node"] == -1, json.dumps(dev))
        self.g(f"ip link set dev {nic} up")
        # The link's own allocations settle first: what counts is the rings.
        self.wait_for("the metrics settled after the link came up", lambda: self.prom_settled(used, 3), 60)
        before = self.prom(used)
        mon = self.gout("setsid udevadm monitor --kernel --udev > /run/e2e-udevmon.log 2>&1 < /dev/null & echo $!").strip()
        rc, out = self.g(f"ethtool -G {nic} rx 4096 tx 4096 && ethtool -g {nic}")
        self.check(f"ethtool -G {nic} rx 4096 tx 4096 (two 64 KiB rings)", rc == 0, out)
        t0 = time.monotonic()
        self.wait_for(f"{used} grows by the rings' 128 KiB",
                      lambda: ((a := self.prom(used)) is not None and a >= before + 128 * 1024, a), 30, 0.5)
        seen = time.monotonic() - t0
        self.g(f"kill {mon}")
        events = self.gout("grep -c '^\\(KERNEL\\|UDEV\\)\\[' /run/e2e-udevmon.log || true").strip()
        after = self.prom(used)
        self.check(f"numacma.prom: the default area's use {before} -> {after} bytes after {seen:.1f} s", after >= before + 128 * 1024,
                   f"{before} -> {after}")
        self.check("no uevent meanwhile (udevadm monitor)", events == "0", self.gout("cat /run/e2e-udevmon.log"))
        self.admin_view.append(("The NIC's rings grown, no device event: numacma.prom",
                                self.gout(f"grep '^numacma_default_area' {PROM}")))

    def converged_and_one_shot(self):
        """Issue 21, after the daemon wrote the plan and ran update-grub:
        a second apply changes no file and runs nothing (and the daemon ran
        update-grub once); grub-reboot's one-shot is the next boot, said as
        such, and gone once GRUB's header cleared it."""
        runs = "journalctl -b -u numacmad --no-pager -o cat | grep -c 'ran: .*update-grub' || true"
        watched = (GRUB_CFG, DROPIN, "/boot/grub/grubenv")
        with self.step("4b", "a second apply changes no file and runs nothing; the daemon ran update-grub once"):
            before = self.hashes(*watched)
            rc, out = self.g("numacmactl apply")
            self.save("step4b-apply.txt", out)
            self.check("numacmactl apply: exit 0, no file changed, no command run or listed",
                       rc == 0 and not re.search(r"^(changed|ran|not run)", out, re.M), f"exit {rc}: {out.strip()}")
            self.check("grub.cfg, the drop-in and grubenv unchanged", self.hashes(*watched) == before)
            self.check("the daemon's journal: update-grub ran once", self.gout(runs).strip() == "1", self.gout(runs))
            s = self.status_json()
            self.check("no stale grub.cfg in status", not any(p["code"] == "grub-cfg-stale" for p in s.get("problems", [])),
                       json.dumps(s.get("problems")))
        with self.step("4c", "grub-reboot '1>1' (recovery, once): status reports the one-shot; gone once GRUB cleared it"):
            default = self.status_json()["boot"]["next"]
            rc, out = self.g("grub-reboot '1>1'")
            self.check("grub-reboot '1>1' exits 0", rc == 0, out)
            s = self.status_json()
            self.save("step4c-status.json", json.dumps(s, indent=2))
            nxt = s["boot"].get("next") or ""
            once = " ".join(n["text"] for n in s.get("notes", []) if n["code"] == "next-boot-once")
            self.check("the next boot is the recovery entry (single), with numacma's argument",
                       "single" in nxt.split() and cma_args(nxt) == cma_args(default), nxt)
            self.check("status names the one-shot (note next-boot-once: grub-reboot, next_entry)",
                       "grub-reboot" in once and "next_entry=1>1" in once, json.dumps(s.get("notes")))
            txt = self.gout("numacmactl status")
            self.save("step4c-numacmactl-status.txt", txt)
            self.check("numacmactl status says so", "one-shot: grub-reboot" in txt, txt)
            self.admin_view.append(("After `grub-reboot '1>1'`: `numacmactl status`", txt))
            # GRUB's header (00_header) clears it at the boot that uses it:
            # "set next_entry=; save_env next_entry". Boot 2 starts the
            # kernel directly (vm.py), so the test does what GRUB does.
            rc, out = self.g("grub-editenv /boot/grub/grubenv set next_entry=")
            s = self.status_json()
            self.check("once cleared: no one-shot, the default entry again",
                       not any(n["code"] == "next-boot-once" for n in s.get("notes", [])) and s["boot"].get("next") == default,
                       json.dumps(s["boot"]))
            rc, out = self.g("numacmactl apply")
            self.check("and apply still changes nothing and runs nothing",
                       rc == 0 and not re.search(r"^(changed|ran|not run)", out, re.M), out)
            self.check("the daemon's journal: still one update-grub run", self.gout(runs).strip() == "1", self.gout(runs))

    def kernel_pools(self, name):
        """The kernel's CMA areas, {name: MiB}, from /sys/kernel/mm/cma."""
        pools = self.gout("cd /sys/kernel/mm/cma && for a in *; do echo $a $(( $(cat $a/total_pages) * $(getconf PAGESIZE) / 1048576 )); done")
        self.save(name, pools)
        return {k: int(v) for k, v in (l.split() for l in pools.strip().splitlines())}

    def per_node(self, cmdline, nodes=(0, 1)):
        """{node: MiB} of a command line's per-node arguments, cma_pernuma= spread."""
        c = cma_args(cmdline)
        if "*" in c:
            return {n: c["*"] for n in nodes}
        return c

    # ---- the end ------------------------------------------------------------
    def report(self):
        total = time.monotonic() - self.t_start
        lines = ["", f"numacma e2e ({self.arch}): the administrator's journey", "",
                 f"{'step':<5} {'what':<100} {'time':>8}  result"]
        for s in self.steps:
            res = "ok" if not s["failures"] else "FAIL: " + "; ".join(s["failures"])
            lines.append(f"{s['id']:<5} {s['title'][:100]:<100} {s['seconds']:7.1f}s  {res} ({s['checks']} checks)")
        checks = sum(s["checks"] for s in self.steps)
        lines.append("")
        if self.boot_times:
            lines.append("boots (qemu start to agent answering): " + ", ".join(f"{t:.1f} s" for t in self.boot_times))
        if self.react_times:
            lines.append("daemon reaction (event to grub.cfg rewritten): " +
                         ", ".join(f"{w} {t:.1f} s" for w, t in self.react_times))
        lines.append(f"total {total:.1f} s; {checks} checks, {self.failed} failed"
                     + ("" if getattr(self, "completed", False) else "; journey NOT completed"))
        lines.append(f"artifacts: {self.out}")
        text = "\n".join(lines)
        print(text, flush=True)
        self.save("steps.txt", text)
        if self.admin_view:
            av = []
            for title, body in self.admin_view:
                av += [f"### {title}", "", "```", body.rstrip(), "```", ""]
            self.save("admin-view.md", "\n".join(av))


class _Step:
    def __init__(self, j, sid, title):
        self.j, self.sid, self.title = j, sid, title

    def __enter__(self):
        self.rec = {"id": self.sid, "title": self.title, "t0": time.monotonic(), "checks": 0, "failures": []}
        self.j.cur = self.rec
        self.j.log(f"== {self.sid}. {self.title}")
        return self

    @staticmethod
    def finish(j, rec):
        rec["seconds"] = time.monotonic() - rec["t0"]
        j.steps.append(rec)
        j.cur = None
        j.log(f"-- {rec['id']}: {'ok' if not rec['failures'] else 'FAIL'} in {rec['seconds']:.1f} s")

    def __exit__(self, et, ev, tb):
        if et is not None:
            self.rec["failures"].append(f"aborted: {ev}".splitlines()[0][:200])
            self.j.failed += 1
        _Step.finish(self.j, self.rec)
        return False


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--arch", default="amd64", choices=["amd64", "arm64"])
    p.add_argument("--out", required=True, help="artifact directory (emptied)")
    p.add_argument("--work", required=True, help="work directory (disk image, boots)")
    p.add_argument("--deb", help="use this numacma .deb instead of building one")
    p.add_argument("--suite", choices=["bookworm", "trixie"],
                   help="the guest's Debian suite (default: bookworm on amd64, trixie on arm64)")
    p.add_argument("--layout", default="plain", choices=["plain", "lvm"],
                   help="lvm: update-grub under the unit's sandbox with the root on LVM on LUKS (journey_lvm.py)")
    p.add_argument("--accel", default=os.environ.get("NUMACMA_E2E_ACCEL", "tcg"))
    p.add_argument("--mem-per-node", type=int, default=4096, help="MiB per node")
    p.add_argument("--boot-timeout", type=int, default=int(os.environ.get("NUMACMA_E2E_BOOT_TIMEOUT", "420")))
    p.add_argument("--react-timeout", type=int, default=int(os.environ.get("NUMACMA_E2E_REACT_TIMEOUT", "300")))
    a = p.parse_args()
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    a.suite = a.suite or ("trixie" if a.arch == "arm64" else "bookworm")
    if a.arch == "arm64":
        import journey_arm64
        j = journey_arm64.Arm64Journey(a)
    elif a.layout == "lvm":
        import journey_lvm
        j = journey_lvm.LvmJourney(a)
    else:
        j = Journey(a)
    j.react_times = []
    return j.run()


if __name__ == "__main__":
    sys.exit(main())
