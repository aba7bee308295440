#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""numacma on a systemd-boot system, booted: OVMF (Debian's ovmf) starts
systemd-boot (Debian's systemd-boot, installed by bootctl) from the ESP of a
GPT disk, which boots the type #1 entry kernel-install wrote from
/etc/kernel/cmdline. numacma, installed from the .deb of this tree, writes
/etc/kernel/cmdline and the entry; after the reboot /proc/cmdline carries
its argument and the kernel made the pool. Run it through tests/e2e/sdboot-boot."""

import argparse
import glob
import os
import shlex
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import journey as jlib  # noqa: E402
import vm as vmlib  # noqa: E402

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
LOADER_GUID = "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
ESP_TYPE = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
LINUX_TYPE = "0FC63DAF-8483-4772-8E79-3D69D8477DE4"
PLAN = "numa_cma=0:64M,1:192M"
GRUBBY = os.path.normpath(os.path.join(TOP, "..", "shared", "tools", "grubby-bls", "grubby"))
# The unit's [Service] settings that are not its sandbox.
NOT_SANDBOX = {"Type", "ExecStart", "ExecReload", "Restart", "RestartPreventExitStatus", "WatchdogSec", "StateDirectory"}


def unit_sandbox(root, drop_rw=()):
    """systemd-run -p arguments: the sandbox of systemd/numacmad.service.in
    for a service with RootDirectory=root. ReadWritePaths= name the host's
    paths (seen in systemd 252 and systemd.exec(5)): each gets the root in
    front. StateDirectory= (the host's /var/lib, bound into the root)
    becomes the root's own /var/lib/numacma, where its numacma keeps the
    record."""
    props, service = [], False
    with open(os.path.join(TOP, "systemd", "numacmad.service.in")) as f:
        for line in f:
            line = line.strip()
            if line.startswith("["):
                service = line == "[Service]"
                continue
            if not service or not line or line.startswith("#") or "=" not in line:
                continue
            k, v = line.split("=", 1)
            if k in NOT_SANDBOX:
                continue
            if k == "ReadWritePaths":
                v = " ".join([("-" if p.startswith("-") else "") + root + p.lstrip("-")
                              for p in v.split() if p.lstrip("-") not in drop_rw] + [root + "/var/lib/numacma"])
            props += ["-p", f"{k}={v}"]
    return props
ACCEL = "bochs-display,bus=rp1,id=accel0"
ENTRIES = "/boot/efi/loader/entries"


class UefiVM(vmlib.VM):
    """The e2e machine, started by its firmware: no -kernel, OVMF in pflash
    (code read-only, its own copy of the variables)."""

    def __init__(self, image, vars_fd, workdir, console_log, **kw):
        super().__init__("amd64", image, None, None, None, workdir, console_log,
                         firmware=(OVMF_CODE, vars_fd), **kw)


class SdBoot(jlib.Journey):
    def efivar(self, name):
        """An EFI variable of systemd-boot's vendor GUID, as text (UTF-16)."""
        rc, out = self.g(f"f=/sys/firmware/efi/efivars/{name}-{LOADER_GUID}; "
                         f"test -e $f && cat $f | tail -c +5 | iconv -f UTF-16LE -t UTF-8 | tr -d '\\0'")
        return out.strip() if rc == 0 else None

    def entry_text(self):
        return self.gout(f"cat {ENTRIES}/*.conf")

    def boot(self, devices=(), what=""):
        self.boot_no += 1
        n = self.boot_no
        bdir = os.path.join(self.work, f"boot{n}")
        os.makedirs(bdir, exist_ok=True)
        console = os.path.join(self.out, f"boot{n}-console.log")
        self.log(f"  boot {n}{what}: OVMF -> systemd-boot (EFI/BOOT/BOOTX64.EFI) -> the ESP's entry")
        t0 = time.monotonic()
        self.vm = UefiVM(self.disk, self.vars_fd, bdir, console, mem_per_node_mib=self.a.mem_per_node,
                         devices=devices, accel=self.a.accel, log=self.log)
        self.vm.start()
        self.vm.wait_agent(self.a.boot_timeout)
        self.booted(n, t0)
        info = self.efivar("LoaderInfo") or ""
        self.check(f"boot {n}: the boot loader was systemd-boot (LoaderInfo)", info.startswith("systemd-boot "), info)
        sel = self.efivar("LoaderEntrySelected") or ""
        # systemd 252 names it by its file name.
        self.check(f"boot {n}: it booted the entry kernel-install wrote ({self.entry_id}.conf)",
                   sel in (self.entry_id, self.entry_id + ".conf"), sel)
        self.check(f"boot {n}: the ESP is mounted at /boot/efi",
                   self.gout("findmnt -n -o FSTYPE /boot/efi").strip() == "vfat")
        cmdline = self.gout("cat /proc/cmdline").strip()
        opts = [l.split(None, 1)[1] for l in self.entry_text().splitlines() if l.startswith("options")]
        missing = [t for o in opts for t in o.split() if t not in cmdline.split()]
        self.check(f"boot {n}: /proc/cmdline carries the entry's options", opts and not missing,
                   f"{cmdline!r}; missing {missing}")
        return cmdline

    def prepare_sdboot(self):
        with self.step("1a", "build the numacma .deb (packaging/build-deb)"):
            if self.a.deb:
                debs = [self.a.deb]
            else:
                debdir = os.path.join(self.work, "deb")
                shutil.rmtree(debdir, ignore_errors=True)
                self.host([os.path.join(TOP, "packaging/build-deb"), "--no-lintian", debdir], "build-deb",
                          timeout=1200, env={"DEB_BUILD_OPTIONS": "nocheck " + os.environ.get("DEB_BUILD_OPTIONS", "")})
                debs = glob.glob(os.path.join(debdir, "numacma_*_amd64.deb"))
            self.require("one numacma_<version>_amd64.deb", len(debs) == 1, str(debs))
            self.deb = debs[0]
        with self.step("1b", "base: Debian 12, systemd-boot (bootctl install), the entry from kernel-install (cached)"):
            out = self.host([os.path.join(HERE, "make-sdboot-base")], "make-sdboot-base", timeout=3600)
            self.base = out.strip().splitlines()[-1]
            rd = lambda n: open(os.path.join(self.base, n)).read().strip()  # noqa: E731
            self.uuid, self.release, entry = rd("uuid"), rd("release"), rd("entry")
            self.entry_id = entry[:-len(".conf")]
            self.log(f"  ..   base {os.path.relpath(self.base, TOP)}: {rd('package')}, entry {entry}")
        with self.step("1c", "a GPT disk from the ESP and root images (sfdisk on a file, dd), the .deb in /root"):
            root_img = os.path.join(self.work, "root.img")
            subprocess.run(["cp", "--sparse=always", os.path.join(self.base, "root.img"), root_img], check=True)
            self.debname = os.path.basename(self.deb)
            vmlib.debugfs_write(root_img, self.deb, f"/root/{self.debname}")
            # Fedora's layout and the real grubby (test equipment outside
            # the repository) for the sandbox step, when ../shared has it.
            self.fedora = os.access(GRUBBY, os.X_OK)
            if self.fedora:
                tgz = os.path.join(self.work, "fedora-grubby.tgz")
                subprocess.run(["tar", "-C", os.path.join(TOP, "tests", "boot", "trees"), "-czf", tgz,
                                "--exclude=fedora-grubby/usr", "fedora-grubby"], check=True)
                vmlib.debugfs_write(root_img, tgz, "/root/fedora-grubby.tgz")
                vmlib.debugfs_write(root_img, GRUBBY, "/root/grubby")
            else:
                self.log(f"  NOTE: no real grubby at {GRUBBY}: the sandbox step (5b) is left out")
            esp_img = os.path.join(self.base, "esp.img")
            mib = 1024 * 1024
            esp_mib = os.path.getsize(esp_img) // mib
            root_mib = os.path.getsize(root_img) // mib
            self.disk = os.path.join(self.work, "disk.img")
            if os.path.exists(self.disk):
                os.unlink(self.disk)
            with open(self.disk, "wb") as f:
                f.truncate((1 + esp_mib + root_mib + 1) * mib)
            table = (f"label: gpt\nstart=2048, size={esp_mib * 2048}, type={ESP_TYPE}, name=ESP\n"
                     f"start={(1 + esp_mib) * 2048}, size={root_mib * 2048}, type={LINUX_TYPE}, name=root\n")
            p = subprocess.run(["sfdisk", "--no-reread", "--no-tell-kernel", self.disk], input=table, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            self.require("sfdisk wrote the GPT", p.returncode == 0, p.stdout)
            for img, at in ((esp_img, 1), (root_img, 1 + esp_mib)):
                subprocess.run(["dd", f"if={img}", f"of={self.disk}", "bs=1M", f"seek={at}", "conv=notrunc,sparse",
                                "status=none"], check=True)
            os.unlink(root_img)
            self.vars_fd = os.path.join(self.work, "OVMF_VARS.fd")
            shutil.copy(OVMF_VARS, self.vars_fd)
            self.log(f"  ..   {self.disk}: ESP {esp_mib} MiB, root {root_mib} MiB")

    def sandbox_step(self):
        """grubby's layout under the unit's own sandbox, by systemd."""
        with self.step("5b", "Fedora's layout under the unit's sandbox: systemd-run with numacmad.service's properties, "
                             "RootDirectory= a Fedora root, Fedora's real grubby"):
            setup = ("set -e; for r in fedora fedora-narrow; do rm -rf /srv/$r; mkdir -p /srv/$r; "
                     "tar -C /srv/$r --strip-components=1 -xzf /root/fedora-grubby.tgz; "
                     "cd /srv/$r && rm -rf proc sys && mkdir -p proc sys dev run tmp var/tmp var/lib/numacma usr && "
                     "for l in bin sbin lib lib64; do ln -s usr/$l $l; done && touch etc/ld.so.cache && "
                     "printf '[daemon]\\napply = yes\\n' > etc/numacma.conf; done; "
                     "install -m 755 /root/grubby /usr/sbin/grubby; ln -sf grub-editenv /usr/bin/grub2-editenv")
            rc, out = self.g(setup)
            self.require("a Fedora root in /srv/fedora (tests/boot/trees/fedora-grubby), grubby in /usr/sbin", rc == 0, out)
            base = ["-p", "BindReadOnlyPaths=/usr /etc/ld.so.cache"]
            run = ["systemd-run", "--wait", "--pipe", "--collect", "--quiet"]
            cmd = ["/usr/sbin/numacmad", "--once", "--udev=no"]

            def q(args):
                return shlex.join(args)
            sums = "cd /srv/{r} && sha256sum boot/loader/entries/*.conf etc/kernel/cmdline etc/default/grub"
            rc, out = self.g(q(run + ["-p", "RootDirectory=/srv/fedora"] + base + unit_sandbox("/srv/fedora") + cmd) + " 2>&1", timeout=300)
            self.save("sandbox-fedora.log", out)
            self.check("numacmad --once in the unit's sandbox exits 0", rc == 0, out[-2000:])
            self.check("it ran Fedora's grubby, one kernel at a time", "ran: grubby --update-kernel=/vmlinuz-" in out, out[-1500:])
            e = self.gout("cat /srv/fedora/boot/loader/entries/*.conf")
            opts = [l for l in e.splitlines() if l.startswith("options")]
            self.check(f"every entry has {PLAN} once", len(opts) == 2 and all(l.split().count(PLAN) == 1 for l in opts), "\n".join(opts))
            kc = self.gout("cat /srv/fedora/etc/kernel/cmdline")
            self.check(f"/etc/kernel/cmdline has {PLAN}", kc.split().count(PLAN) == 1, kc)
            dg = self.gout("grep ^GRUB_CMDLINE_LINUX= /srv/fedora/etc/default/grub; bash -n /srv/fedora/etc/default/grub && echo valid")
            self.check("GRUB_CMDLINE_LINUX has it inside its quotes, valid shell",
                       f'GRUB_CMDLINE_LINUX="rhgb quiet {PLAN}"' in dg and "valid" in dg, dg)
            before = self.gout(sums.format(r="fedora-narrow"))
            rc, out = self.g(q(run + ["-p", "RootDirectory=/srv/fedora-narrow"] + base +
                                unit_sandbox("/srv/fedora-narrow", drop_rw=("/etc/default",)) + cmd) + " 2>&1", timeout=300)
            self.save("sandbox-fedora-narrow.log", out)
            self.check("without /etc/default in ReadWritePaths= it fails and names /etc/default/grub",
                       rc != 0 and "/etc/default/grub" in out, out[-1500:])
            self.check("and nothing is half-written (entries, /etc/kernel/cmdline, /etc/default/grub as they were)",
                       self.gout(sums.format(r="fedora-narrow")) == before)
            self.g("rm -f /usr/sbin/grubby /usr/bin/grub2-editenv; rm -rf /srv/fedora /srv/fedora-narrow")

    def journey(self):
        self.completed = False
        a = self.a
        self.prepare_sdboot()
        with self.step("2", "boot 1: firmware, systemd-boot, the kernel-install entry; the accelerator on node 1"):
            cmdline = self.boot(devices=[ACCEL])
            self.check("no per-node CMA argument before numacma", not jlib.per_node_args(cmdline), cmdline)
            self.check("the administrator's cma=64M is there", "cma=64M" in cmdline.split(), cmdline)
            self.kc0 = self.hashes("/etc/kernel/cmdline", f"{ENTRIES}/{self.entry_id}.conf")
        with self.step("3", "apt-get install ./numacma_*.deb: the daemon writes /etc/kernel/cmdline and the entry"):
            rc, out = self.g(f"cd /root && DEBIAN_FRONTEND=noninteractive apt-get install -y ./{self.debname} 2>&1",
                             timeout=600)
            self.save("apt-install.log", out)
            self.require("apt-get install exits 0", rc == 0, out[-2000:])

            def written():
                kc = self.gout("cat /etc/kernel/cmdline")
                return PLAN in kc.split(), kc.strip()
            self.wait_for("/etc/kernel/cmdline carries the plan", written, a.react_timeout)
            kc = self.gout("cat /etc/kernel/cmdline").strip()
            self.check(f"/etc/kernel/cmdline: {PLAN} once, the rest as it was",
                       kc.split().count(PLAN) == 1 and "cma=64M" in kc.split(), kc)
            e = self.entry_text()
            opts = " ".join(l for l in e.splitlines() if l.startswith("options"))
            self.check(f"the entry's options: {PLAN} once", opts.split().count(PLAN) == 1, opts)
            st = self.status_json()
            self.check("status: pending-reboot, backend systemd-boot",
                       st.get("state") == "pending-reboot" and st.get("boot", {}).get("next_backend") == "systemd-boot",
                       f"{st.get('state')} {st.get('boot', {}).get('next_backend')}")
            self.admin_view.append(("systemd-boot, after the install: `numacmactl status`", self.gout("numacmactl status")))
        with self.step("4", "a kernel installed again (kernel-install add): its entry gets the plan from /etc/kernel/cmdline"):
            rc, out = self.g(f"kernel-install --verbose add {self.release} /boot/vmlinuz-{self.release} /boot/initrd.img-{self.release} 2>&1",
                             timeout=600)
            self.save("kernel-install.log", out)
            self.check("kernel-install add exits 0", rc == 0, out[-1500:])
            self.check("numacma's plugin ran in it (90-numacma.install)",
                       "/usr/lib/kernel/install.d/90-numacma.install add " in out, out[-1500:])
            opts = " ".join(l for l in self.entry_text().splitlines() if l.startswith("options"))
            self.check(f"the new entry: {PLAN} once", opts.split().count(PLAN) == 1, opts)
        with self.step("5", "power off, boot 2 from the entry numacma wrote"):
            self.poweroff()
            cmdline = self.boot(devices=[ACCEL], what=" (after numacma's apply)")
            self.check(f"/proc/cmdline carries {PLAN}", PLAN in cmdline.split(), cmdline)
            pools = self.gout("cd /sys/kernel/mm/cma && for a in *; do echo $a $(( $(cat $a/total_pages) * $(getconf PAGESIZE) / 1048576 )); done")
            have = dict(l.split() for l in pools.strip().splitlines() if len(l.split()) == 2)
            self.check("the kernel made numa0 64 MiB and numa1 192 MiB (/sys/kernel/mm/cma)",
                       have.get("numa0") == "64" and have.get("numa1") == "192", pools.strip().replace("\n", ", "))
            st = self.status_json()
            self.check("status: ok", st.get("state") == "ok", str(st.get("state")))
            self.admin_view.append(("systemd-boot, after the reboot: `numacmactl status`", self.gout("numacmactl status")))
        if self.fedora:
            self.sandbox_step()
        with self.step("6", "apt-get purge numacma: /etc/kernel/cmdline and the entry as before the install"):
            rc, out = self.g("DEBIAN_FRONTEND=noninteractive apt-get purge -y numacma 2>&1", timeout=600)
            self.save("apt-purge.log", out)
            self.check("apt-get purge exits 0", rc == 0, out[-2000:])
            after = self.hashes("/etc/kernel/cmdline", f"{ENTRIES}/{self.entry_id}.conf")
            self.check("/etc/kernel/cmdline and the entry byte for byte as before the install", after == self.kc0,
                       f"{self.kc0}\nvs\n{after}")
            self.poweroff()
        self.completed = True


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--deb")
    p.add_argument("--accel", default=os.environ.get("NUMACMA_E2E_ACCEL", "tcg"))
    p.add_argument("--mem-per-node", type=int, default=2048, help="MiB per node")
    p.add_argument("--boot-timeout", type=int, default=int(os.environ.get("NUMACMA_E2E_BOOT_TIMEOUT", "600")))
    p.add_argument("--react-timeout", type=int, default=int(os.environ.get("NUMACMA_E2E_REACT_TIMEOUT", "300")))
    a = p.parse_args()
    a.arch = "amd64"
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    j = SdBoot(a)
    j.react_times = []
    return j.run()


if __name__ == "__main__":
    sys.exit(main())
