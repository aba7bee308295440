# SPDX-License-Identifier: GPL-2.0-or-later
"""The reported machine end to end: a 2-node arm64 server without an IOMMU,
Debian 13 with its own 6.12 kernel (a 64 MiB default area, no per-node CMA),
booted by the UEFI firmware (AAVMF: ACPI places the pxb-pcie expander and
its devices on node 1) through GRUB for EFI. An NVMe controller on node 1
gets its coherent memory from the default area on node 0; numacma says so;
a kernel built from Debian's source with numacma's patches makes node 1 a
pool of its own; a display device hotplugged on node 1 gets a larger one
through GRUB; purge keeps the kernel. Run through tests/e2e/run --arch arm64."""

import json
import os
import re
import shutil
import subprocess
import time

import journey as jlib
import vm as vmlib
from journey import DROPIN, GRUB_CFG, TOP, cma_args, per_node_args

NVME_BDF = "0000:82:00.0"     # behind the expander's second root port (rp2)
ACCEL_BDF = jlib.ACCEL_BDF    # behind rp1: the hotplug slot
NVME = ["-drive", "file={img},format=raw,if=none,id=nv0",
        "-device", "nvme,serial=numacma-node1,drive=nv0,bus=rp2"]
# Every CMA area's name and the node of its memory, from the kernel log
# (6.12 has no total_pages in sysfs); and per node the CMA pages and the
# free ones (zoneinfo), the only usage counter without CMA sysfs.
ZONE_CMA = ("awk '$1 == \"Node\" { n = $2 + 0 } $1 == \"cma\" { c[n] += $2 } $1 == \"nr_free_cma\" { f[n] += $2 } "
            "END { for (n in c) print n, c[n], f[n] }' /proc/zoneinfo")


class Arm64Journey(jlib.Journey):
    # ---- the machine -------------------------------------------------------
    def boot(self, devices=(), what=""):
        """Power on: the firmware starts GRUB from the ESP, GRUB its
        grub.cfg's default entry (read from the disk first, to compare)."""
        self.boot_no += 1
        n = self.boot_no
        bdir = os.path.join(self.work, f"boot{n}")
        os.makedirs(bdir, exist_ok=True)
        cfg = os.path.join(bdir, "grub.cfg")
        vmlib.debugfs_dump(self.disk, GRUB_CFG, cfg)
        with open(cfg) as f:
            text = f.read()
        self.save(f"boot{n}-grub.cfg", text)
        entry = vmlib.grub_default_entry(text)
        self.log(f"  boot {n}{what}: AAVMF -> GRUB (EFI/BOOT/BOOTAA64.EFI) -> '{entry['title']}': "
                 f"linux {entry['linux']} {entry['args']}")
        console = os.path.join(self.out, f"boot{n}-console.log")
        t0 = time.monotonic()
        self.vm = vmlib.VM("arm64", self.disk, None, None, None, bdir, console,
                           mem_per_node_mib=self.a.mem_per_node, devices=devices, accel=self.a.accel,
                           log=self.log, firmware=(self.fw_code, self.vars_fd), disks=[self.esp],
                           extra=[x.format(img=self.nvme) for x in NVME])
        self.vm.start()
        self.vm.wait_agent(self.a.boot_timeout)
        self.booted(n, t0)
        cmdline = self.gout("cat /proc/cmdline").strip().split()
        # GRUB puts BOOT_IMAGE= first: the mark that GRUB started the kernel.
        self.check(f"boot {n}: GRUB started the kernel (BOOT_IMAGE={entry['linux']})",
                   cmdline[:1] == [f"BOOT_IMAGE={entry['linux']}"], " ".join(cmdline[:1]))
        self.check(f"boot {n}: /proc/cmdline is grub.cfg's default entry", cmdline[1:] == entry["args"].split(),
                   f"{' '.join(cmdline)!r} vs {entry['args']!r}")
        fw = self.gout("test -d /sys/firmware/efi && echo efi; test -e /sys/firmware/acpi/tables/SRAT && echo srat").split()
        self.check(f"boot {n}: UEFI firmware, ACPI with an SRAT", fw == ["efi", "srat"], " ".join(fw))
        entry["release"] = self.gout("uname -r").strip()
        return entry

    # ---- guest helpers -----------------------------------------------------
    def zone_cma(self):
        """{node: (CMA pages, free CMA pages)} from /proc/zoneinfo."""
        out = self.gout(ZONE_CMA)
        return {int(a): (int(b), int(c or 0)) for a, b, c in (l.split() for l in out.strip().splitlines())}

    def cma_log(self, name):
        """The kernel's own lines about its CMA areas."""
        out = self.gout("dmesg | grep -E 'cma: |OF: reserved mem|numa_cma|cma_pernuma' ; true")
        self.save(name, out)
        return out

    def sysfs_counter(self, area):
        rc, out = self.g(f"cat /sys/kernel/mm/cma/{area}/alloc_pages_success")
        return int(out) if rc == 0 and out.strip().isdigit() else None

    def cma_traced(self, what):
        """Run WHAT in the guest with the kernel's CMA tracepoints on; returns
        [(event, area name, pages)] of cma_alloc_finish (successful) and
        cma_release: the kernel's own record of each allocation, also where
        there is no CMA sysfs."""
        t = "/sys/kernel/tracing"
        rc, out = self.g(f"t={t}; mountpoint -q $t || mount -t tracefs tracefs $t; "
                         f"echo 0 > $t/tracing_on && echo > $t/trace && "
                         f"echo 1 > $t/events/cma/cma_alloc_finish/enable && echo 1 > $t/events/cma/cma_release/enable && "
                         f"echo 1 > $t/tracing_on")
        self.require("the CMA tracepoints are on", rc == 0, out)
        what()
        out = self.gout(f"t={t}; echo 0 > $t/tracing_on; cat $t/trace; "
                        f"echo 0 > $t/events/cma/cma_alloc_finish/enable; echo 0 > $t/events/cma/cma_release/enable")
        self.save(f"boot{self.boot_no}-cma-trace.txt", out)
        ev = []
        for m in re.finditer(r"(cma_alloc_finish|cma_release): name=(\S+) .*?count=(\d+)(?:.*errorno=(-?\d+))?", out):
            if m.group(1) == "cma_release" or m.group(4) in (None, "0"):
                ev.append((m.group(1), m.group(2), int(m.group(3))))
        return ev

    def nvme_rebind(self):
        self.nvme_unbind()
        self.nvme_bind()

    def nvme_unbind(self):
        rc, out = self.g(f"echo {NVME_BDF} > /sys/bus/pci/drivers/nvme/unbind")
        self.check(f"{NVME_BDF} unbound from nvme", rc == 0, out)

    def nvme_bind(self):
        """Bind node 1's NVMe controller: its I/O queues are allocated
        (dma_alloc_coherent, more than a page each) before its namespace's
        block device appears."""
        rc, out = self.g(f"echo {NVME_BDF} > /sys/bus/pci/drivers/nvme/bind")
        self.check(f"{NVME_BDF} bound to nvme", rc == 0, out)
        self.wait_for("the controller's namespace is up (its I/O queues exist)",
                      lambda: (self.g("test -b /dev/nvme0n1")[0] == 0, ""), 120, 0.5)

    # ---- steps -------------------------------------------------------------
    def prepare_arm64(self):
        self.prepare()
        with self.step("1e", "the ESP disk, the firmware's variables, node 1's NVMe disk; the patched kernel built by the installed numacma-kernel-patches"):
            self.esp = os.path.join(self.work, "esp.img")
            subprocess.run(["cp", "--sparse=always", os.path.join(self.base, "esp.img"), self.esp], check=True)
            self.vars_fd = os.path.join(self.work, "vars.fd")
            shutil.copy(os.path.join(self.base, "vars.fd"), self.vars_fd)
            # The firmware the base was provisioned with (Debian 13's EDK2).
            fw = subprocess.run([os.path.join(TOP, "tests/vm/fetch-firmware")], stdout=subprocess.PIPE,
                                text=True, check=True).stdout.split("\n")
            self.fw_code = fw[0]
            self.nvme = os.path.join(self.work, "nvme.img")
            with open(self.nvme, "wb") as f:
                f.truncate(64 * 1024 * 1024)
            # The series and the script as numacma-kernel-patches installs
            # them (/usr/share/numacma/kernel-patches), unpacked here.
            kps = [f for f in os.listdir(os.path.dirname(self.deb)) if re.fullmatch(r"numacma-kernel-patches_.*_all\.deb", f)]
            self.require("one numacma-kernel-patches_<version>_all.deb beside the numacma .deb", len(kps) == 1, str(kps))
            kproot = os.path.join(self.work, "kernel-patches-root")
            shutil.rmtree(kproot, ignore_errors=True)
            subprocess.run(["dpkg-deb", "-x", os.path.join(os.path.dirname(self.deb), kps[0]), kproot], check=True)
            script = os.path.join(kproot, "usr/share/numacma/kernel-patches/build-kernel-deb")
            self.require("the package installs build-kernel-deb executable", os.access(script, os.X_OK), script)
            kdir = os.path.join(os.environ.get("NUMACMA_CACHE", os.path.join(TOP, ".cache")), "e2e", "kernel-deb-arm64")
            out = self.host([script, "--arch", "arm64", kdir], "build-kernel-deb", timeout=4 * 3600,
                            env={"NUMACMA_CACHE": os.environ.get("NUMACMA_CACHE", os.path.join(TOP, ".cache"))})
            self.kdeb = out.strip().splitlines()[-1]
            self.krel = open(os.path.join(kdir, "release")).read().strip()
            kcfg = open(os.path.join(kdir, "config")).read()
            for opt in ("CONFIG_DMA_NUMA_CMA=y", "CONFIG_CMA_SIZE_PERNUMA=y", "CONFIG_CMA_SYSFS=y"):
                self.check(f"the patched kernel's config has {opt}", opt in kcfg.split("\n"))
            self.log(f"  ..   {os.path.basename(self.kdeb)} ({self.krel})")
            vmlib.debugfs_write(self.disk, self.kdeb, f"/root/{os.path.basename(self.kdeb)}")

    def journey(self):
        self.completed = False
        a = self.a
        base_pool = 64
        per_acc = 128
        self.prepare_arm64()

        with self.step("2", "boot 1: Debian 13's 6.12 kernel through AAVMF and GRUB; node 1's NVMe served by the default area on node 0"):
            e = self.boot()
            self.check("the running kernel is Debian's (the base's)", e["release"] == self.release, e["release"])
            self.check("2 NUMA nodes online", self.gout("cat /sys/devices/system/node/online").strip() == "0-1")
            nv = self.gout(f"cat /sys/bus/pci/devices/{NVME_BDF}/numa_node; basename $(readlink /sys/bus/pci/devices/{NVME_BDF}/driver)").split()
            self.check(f"{NVME_BDF} (NVMe) is on node 1, driven by nvme", nv == ["1", "nvme"], " ".join(nv))
            log1 = self.cma_log("boot1-kernel-cma.txt")
            self.check("the kernel reserved its 64 MiB default area and nothing per node",
                       re.search(r"cma: Reserved 64 MiB", log1) is not None and "numa" not in log1.lower(), log1)
            z = self.zone_cma()
            self.save("boot1-zone-cma.txt", json.dumps(z))
            self.check("zoneinfo: all 16384 CMA pages on node 0, none on node 1",
                       z.get(0, (0, 0))[0] == 16384 and z.get(1, (0, 0))[0] == 0, json.dumps(z))
            self.check("no CMA sysfs in Debian's 6.12 (CONFIG_CMA_SYSFS is not set)",
                       self.g("test -e /sys/kernel/mm/cma")[0] != 0)
            # The kernel's own record of where the controller's queues come
            # from: unbinding frees them, binding allocates them again.
            ev = self.cma_traced(self.nvme_rebind)
            areas = sorted({(e, a) for e, a, _ in ev})
            rel = sum(n for e, a, n in ev if e == "cma_release" and a == "reserved")
            got = sum(n for e, a, n in ev if e == "cma_alloc_finish" and a == "reserved")
            self.log(f"  ..   CMA trace while rebinding {NVME_BDF}: {rel} pages released, {got} allocated in 'reserved'")
            self.check("rebinding node 1's NVMe releases and allocates pages of the default area 'reserved' on node 0, and of no other area",
                       rel > 0 and got > 0 and {a for _, a in areas} == {"reserved"}, json.dumps(ev))
            self.nvme_kib = got * 4

        self.install()

        with self.step("3", "numacma on the unsupported kernel: status names node 1's NVMe, the default area on node 0, the patches, cma=0"):
            self.wait_for("numacmad active with a STATUS= line",
                          lambda: ((s := self.unit_status_text()) not in ("", "no status yet"), s), 180)
            st = self.systemctl_status()
            self.save("step3-systemctl-status.txt", st)
            self.check("systemctl status: active, a Status: line", "Active: active (running)" in st and "Status: " in st, st)
            s = self.status_json()
            self.save("step3-status.json", json.dumps(s, indent=2))
            self.check("numacmactl status: unsupported", s["state"] == "unsupported", f"{s['state']}: {s['summary']}")
            self.check("the default area: 64 MiB on node 0", s["default_area"].get("mib") == 64 and s["default_area"].get("node") == 0,
                       json.dumps(s["default_area"]))
            used = s["default_area"].get("used_kib")
            # zoneinfo counts pages on the per-CPU lists as used: a figure,
            # not an exact match for the traced allocations.
            self.check("its usage is shown (zoneinfo: no CMA sysfs)", used is not None and used > 0, f"{used} KiB")
            # problems: [{code, text}] (numacmactl(8), JSON OUTPUT)
            probs = [p["text"] for p in s.get("problems", [])]
            self.check(f"a problem names {NVME_BDF} (nvme) on node 1 served by the default area on node 0",
                       any(NVME_BDF in p and "node 1" in p and "default area on node 0" in p for p in probs), "\n".join(probs))
            self.check("a problem points to the kernel patches and to cma=0 with its cost",
                       any("numacma-kernel-patches" in p and "cma=0" in p and "fail" in p for p in probs), "\n".join(probs))
            plan = json.loads(self.gout("numacmactl plan --json"))
            self.check("the plan writes nothing (unsupported = report)", plan["args"] == [], json.dumps(plan["args"]))
            self.check(f"no drop-in {DROPIN}", self.g(f"test -e {DROPIN}")[0] != 0)
            rc, chk = self.g("numacmactl check")
            self.check("numacmactl check: not OK", rc != 0, f"exit {rc}: {chk.strip()}")
            txt = self.gout("numacmactl status")
            self.save("step3-numacmactl-status.txt", txt)
            self.check("numacmactl status (text) names the NVMe as remote",
                       re.search(rf"{NVME_BDF}.*nvme.*REMOTE", txt) is not None, txt)
            self.admin_view.append(("Debian 13 arm64, its 6.12 kernel: `systemctl status numacmad`", st))
            self.admin_view.append(("Debian 13 arm64, its 6.12 kernel: `numacmactl status`", txt))
            # The kernel's tracepoints through numacma: the same rebind as in
            # step 2, the same pages, from the default area on node 0.
            txt, t, rows = self.trace_nvme("step3")
            self.check(f"numacmactl trace: {NVME_BDF} (node 1) got its queues from 'reserved' on node 0: remote",
                       rows and all(r["area"] == "reserved" and r["memory_node"] == 0 and r["locality"] == "remote" and r["node"] == 1
                                    for r in rows), json.dumps(rows))
            pages = sum(r["cma_pages"] for r in rows)
            self.check(f"as many pages as the raw CMA trace of step 2 ({self.nvme_kib // 4})", pages * 4 == self.nvme_kib,
                       f"{pages} pages")
            # The area is listed from the trace (6.12 has no CMA sysfs), its
            # counter unknown: listed, and not guessed.
            res = {x["name"]: x for x in t["areas"]}.get("reserved", {})
            self.check("'reserved' listed from the trace with its NVMe pages, no counter to match on 6.12 (no CMA sysfs): said, not guessed",
                       res.get("traced_dma_pages") == pages > 0 and "match" in res and res["match"] is None
                       and res.get("counter_alloc_pages") is None, json.dumps(res))
            self.admin_view.append((f"Debian 13 arm64, its 6.12 kernel: `numacmactl trace -- (rebind {NVME_BDF})`", txt))

        with self.step("4", "install the kernel built with the patches (dpkg -i): initramfs and update-grub by its hooks"):
            kname = os.path.basename(self.kdeb)
            rc, out = self.g(f"DEBIAN_FRONTEND=noninteractive dpkg -i /root/{kname} 2>&1", timeout=1800)
            self.save("kernel-install.log", out)
            self.require("dpkg -i exits 0", rc == 0, out[-2000:])
            e = self.grub_entry()
            self.check(f"grub.cfg's default entry is the patched kernel ({self.krel})",
                       e["linux"].endswith("vmlinuz-" + self.krel), e["linux"])
            self.check("no per-node argument written (the patched kernel's implicit pools are the plan)",
                       not per_node_args(e["args"]), e["args"])

        with self.step("4a", "power off"):
            self.poweroff()

        with self.step("5", "boot 2: the patched kernel: numa1 of the default size, none on node 0; node 1's NVMe served by numa1"):
            e = self.boot()
            self.check("the running kernel is the patched one", e["release"] == self.krel, e["release"])
            log2 = self.cma_log("boot2-kernel-cma.txt")
            areas = self.gout("ls /sys/kernel/mm/cma").split()
            self.check("CMA areas: the default area and numa1, no numa0 (0003)", sorted(areas) == ["numa1", "reserved"], " ".join(areas))
            z = self.zone_cma()
            self.save("boot2-zone-cma.txt", json.dumps(z))
            self.check("zoneinfo: 64 MiB of CMA on node 0 (the default area) and 64 MiB on node 1 (numa1)",
                       z.get(0, (0, 0))[0] == 16384 and z.get(1, (0, 0))[0] == 16384, json.dumps(z))
            r0, n0 = self.sysfs_counter("reserved"), self.sysfs_counter("numa1")
            ev = self.cma_traced(self.nvme_rebind)
            r1, n1 = self.sysfs_counter("reserved"), self.sysfs_counter("numa1")
            self.check("the CMA trace: the NVMe's queues come from numa1 only",
                       ev and {a for _, a, _ in ev} == {"numa1"}, json.dumps(ev))
            self.log(f"  ..   alloc_pages_success: reserved {r0} -> {r1}, numa1 {n0} -> {n1}")
            self.check("rebinding node 1's NVMe moves numa1's counter, not the default area's",
                       None not in (r0, r1, n0, n1) and n1 > n0 and r1 == r0, f"reserved {r0}->{r1}, numa1 {n0}->{n1}")
            self.wait_for("numacmad active with a STATUS= line",
                          lambda: ((s := self.unit_status_text()) not in ("", "no status yet"), s), 180)
            s = self.status_json()
            self.save("step5-status.json", json.dumps(s, indent=2))
            self.check("numacmactl status: ok", s["state"] == "ok", f"{s['state']}: {s['summary']}")
            nodes = {n["node"]: n for n in s["nodes"]}
            self.check("numacmactl: node 1 has a 64 MiB local pool", nodes.get(1, {}).get("local_pool_mib") == base_pool,
                       json.dumps({k: v.get("local_pool_mib") for k, v in nodes.items()}))
            txt = self.gout("numacmactl status")
            self.save("step5-numacmactl-status.txt", txt)
            self.check(f"numacmactl status: {NVME_BDF} served by its local pool", re.search(rf"{NVME_BDF}.*local pool", txt) is not None, txt)
            rc, chk = self.g("numacmactl check")
            self.check("numacmactl check exits 0 (OK)", rc == 0 and chk.startswith("NUMACMA OK"), f"exit {rc}: {chk.strip()}")
            st = self.systemctl_status()
            self.admin_view.append(("The patched kernel: `systemctl status numacmad`", st))
            self.admin_view.append(("The patched kernel: `numacmactl status`", txt))
            txt = self.check_trace_numa1("step5")
            self.admin_view.append((f"The patched kernel: `numacmactl trace -- (rebind {NVME_BDF})`", txt))

        with self.step("6", "hotplug bochs-display onto node 1: the daemon writes node 1's larger pool through GRUB for EFI"):
            t0 = self.hotplug_accel(180)

            def written():
                e = self.grub_entry()
                st = self.unit_status_text()
                return (cma_args(e["args"]).get(1) == base_pool + per_acc and "reboot pending" in st), f"{e['args']} | {st}"
            self.wait_for("grub.cfg carries node 1's larger pool, reboot pending", written, a.react_timeout)
            self.react_times.append(("hotplug", time.monotonic() - t0))
            e = self.grub_entry()
            self.want = cma_args(e["args"])
            self.log(f"  ..   grub.cfg: {' '.join(per_node_args(e['args']))}")
            self.check("the default entry is still the patched kernel", e["linux"].endswith("vmlinuz-" + self.krel), e["linux"])
            self.check("the administrator's console=ttyAMA0 stays", "console=ttyAMA0" in e["args"].split(), e["args"])
            self.check_daemon_ran_update_grub()
            st = self.systemctl_status()
            self.admin_view.append(("After hotplugging a display device onto node 1: `systemctl status numacmad`", st))

        with self.step("6a", "power off"):
            self.poweroff()

        with self.step("7", "boot 3 with the device cold-plugged: node 1's larger pool is active, the device is local"):
            e = self.boot(devices=["bochs-display,id=accel0,bus=rp1"])
            self.check("booted the patched kernel with numacma's argument",
                       e["release"] == self.krel and cma_args(e["args"]) == self.want, f"{e['release']} {e['args']}")
            self.cma_log("boot3-kernel-cma.txt")
            z = self.zone_cma()
            self.save("boot3-zone-cma.txt", json.dumps(z))
            want_pages = {n: (mib + (base_pool if n == 0 else 0)) * 256 for n, mib in self.want.items()}
            want_pages.setdefault(0, base_pool * 256)
            self.check("zoneinfo: each node's CMA is what the argument asks (node 0: plus the default area)",
                       all(z.get(n, (0, 0))[0] == p for n, p in want_pages.items()), f"{json.dumps(z)} vs {want_pages}")
            self.wait_for("numacmad active with a STATUS= line",
                          lambda: ((s := self.unit_status_text()) not in ("", "no status yet"), s), 180)
            s = self.status_json()
            self.save("step7-status.json", json.dumps(s, indent=2))
            self.check("numacmactl status: ok", s["state"] == "ok", f"{s['state']}: {s['summary']}")
            acc = [x for x in s["accelerators"] if x["address"] == ACCEL_BDF]
            self.check(f"the accelerator {ACCEL_BDF} is served by a local pool", acc and acc[0].get("local_pool") is True, json.dumps(acc))
            txt = self.gout("numacmactl status")
            self.save("step7-numacmactl-status.txt", txt)
            self.admin_view.append(("After the reboot: `numacmactl status`", txt))

        with self.step("8", "apt-get purge numacma: its argument leaves grub.cfg, the patched kernel stays"):
            rc, out = self.g("DEBIAN_FRONTEND=noninteractive apt-get purge -y numacma 2>&1", timeout=900)
            self.save("apt-purge.log", out)
            self.check("apt-get purge exits 0", rc == 0, out[-2000:])
            e = self.grub_entry()
            self.check("grub.cfg default entry: no numa_cma=/cma_pernuma=", not per_node_args(e["args"]), e["args"])
            self.check("grub.cfg default entry: still the patched kernel", e["linux"].endswith("vmlinuz-" + self.krel), e["linux"])
            pk = self.gout(f"dpkg-query -W -f='${{Status}}' linux-image-{self.krel}")
            self.check("the patched kernel's package is still installed", pk.startswith("install ok installed"), pk)
            self.check(f"{DROPIN} is gone", self.g(f"test -e {DROPIN}")[0] != 0)
            self.check("no /etc/numacma.conf, /var/lib/numacma", self.g("test -e /etc/numacma.conf || test -e /var/lib/numacma")[0] != 0)

        with self.step("8b", "power off"):
            self.poweroff()
        self.completed = True
