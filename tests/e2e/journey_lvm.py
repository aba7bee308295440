# SPDX-License-Identifier: GPL-2.0-or-later
"""update-grub under numacmad's own sandbox on a root file system on LVM on
LUKS (issue 21): the amd64 guest's root copied onto a logical volume inside
a LUKS2 volume on a second disk (made in the guest by cryptsetup and lvm2,
unlocked at boot from a key file in the initramfs), booted from there; then
the daemon, as systemd runs it from the unit numacma's package installs,
writes a policy change and runs update-grub. grub-probe must find the root
through device-mapper (dm-crypt and LVM) from inside that sandbox. Run
through tests/e2e/run --layout lvm (opt-in)."""

import os
import re
import subprocess
import time

import journey as jlib
import vm as vmlib
from journey import CONF, DROPIN, GRUB_CFG

VG, LV, CRYPT = "numacma", "root", "cryptroot"
ROOT_DEV = f"/dev/mapper/{VG}-{LV}"
KEY = f"/etc/cryptsetup-keys.d/{CRYPT}.key"
POLICY = "[pools]\nsize = 32M\n"
# LUKS with a cheap key derivation: the guest runs under TCG.
LUKS = "cryptsetup luksFormat --batch-mode --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000"


class LvmJourney(jlib.Journey):
    def journey(self):
        self.completed = False
        # The base with lvm2 and cryptsetup, a base of its own.
        self.base_env = {"NUMACMA_E2E_EXTRA_INCLUDE": "lvm2,cryptsetup,cryptsetup-initramfs",
                         "NUMACMA_E2E_FLAVOR": "lvm"}
        self.prepare()
        self.lvm_disk = os.path.join(self.work, "lvm.img")
        subprocess.run(["truncate", "-s", "6G", self.lvm_disk], check=True)
        self.extra_disks = [self.lvm_disk]
        with self.step("2", "boot 1 from the ext4 base, a second empty disk beside it"):
            self.boot()
        self.install()
        with self.step("3", f"LUKS2 on the second disk, LVM inside ({ROOT_DEV}), the root copied there, "
                            "its initramfs with the key file"):
            self.make_lvm_root()
        with self.step("3a", "power off"):
            self.poweroff()
        with self.step("4", f"boot 2 with root={ROOT_DEV} (dm-crypt, LVM)"):
            self.boot_lvm()
        with self.step("5", "a policy change, reload: numacmad (its unit's sandbox) writes the drop-in and runs update-grub"):
            self.sandboxed_update_grub()
        with self.step("5a", "power off"):
            self.poweroff()
        self.completed = True

    def make_lvm_root(self):
        # The disk without a partition table or a file system (blkid -p: 2).
        disk = self.gout("for d in /dev/vd?; do blkid -p \"$d\" >/dev/null 2>&1 || echo \"$d\"; done").split()
        self.require("one empty disk", len(disk) == 1, str(disk))
        d = disk[0]
        steps = [
            f"mkdir -p /etc/cryptsetup-keys.d && head -c 64 /dev/urandom > {KEY} && chmod 0400 {KEY}",
            f"{LUKS} --key-file {KEY} {d}",
            f"cryptsetup open --key-file {KEY} {d} {CRYPT}",
            f"pvcreate /dev/mapper/{CRYPT} && vgcreate {VG} /dev/mapper/{CRYPT} && lvcreate -y -n {LV} -l 100%FREE {VG}",
            f"mkfs.ext4 -q {ROOT_DEV} && mkdir -p /mnt/lvm && mount {ROOT_DEV} /mnt/lvm",
            "cp -ax /. /mnt/lvm/",  # "/." : the root's contents (cp cannot make a directory named "/")
        ]
        for cmd in steps:
            rc, out = self.g(cmd, timeout=1800)
            self.require(cmd, rc == 0, out)
        uuid = self.gout(f"blkid -s UUID -o value {d}").strip()
        conf = [
            f"printf '%s / ext4 errors=remount-ro 0 1\\n' {ROOT_DEV} > /mnt/lvm/etc/fstab",
            f"printf '{CRYPT} UUID={uuid} {KEY} luks\\n' > /mnt/lvm/etc/crypttab",
            "mkdir -p /mnt/lvm/etc/cryptsetup-initramfs && "
            "echo 'KEYFILE_PATTERN=\"/etc/cryptsetup-keys.d/*.key\"' >> /mnt/lvm/etc/cryptsetup-initramfs/conf-hook",
            "echo UMASK=0077 >> /mnt/lvm/etc/initramfs-tools/initramfs.conf",
            f"printf '%s' '{POLICY}' > /mnt/lvm{CONF}",
            "for d in dev proc sys run; do mount --rbind /$d /mnt/lvm/$d; done",
            f"chroot /mnt/lvm update-initramfs -u -k {self.release}",
            f"cp /mnt/lvm/boot/initrd.img-{self.release} /boot/initrd.img-lvm && sync",
        ]
        for cmd in conf:
            rc, out = self.g(cmd, timeout=1800)
            self.require(cmd, rc == 0, out)
        rc, out = self.g(f"lsinitramfs /boot/initrd.img-lvm | grep -c -e 'cryptsetup' -e 'sbin/lvm' -e 'cryptroot/keyfiles' || true")
        self.check("the initramfs has cryptsetup, lvm and the key file", out.strip().isdigit() and int(out.strip()) >= 3, out)
        self.g("umount -R /mnt/lvm; vgchange -an; cryptsetup close " + CRYPT)

    def boot_lvm(self):
        self.boot_no += 1
        n = self.boot_no
        bdir = os.path.join(self.work, f"boot{n}")
        os.makedirs(bdir, exist_ok=True)
        entry, kernel, _, _ = vmlib.grub_boot(self.disk, self.uuid, bdir)
        initrd = os.path.join(bdir, "initrd-lvm.img")
        vmlib.debugfs_dump(self.disk, "/boot/initrd.img-lvm", initrd)
        args = re.sub(r"\broot=\S+", f"root={ROOT_DEV}", entry["args"])
        console = os.path.join(self.out, f"boot{n}-console.log")
        t0 = time.monotonic()
        self.vm = vmlib.VM(self.vmarch, self.disk, kernel, initrd, args, bdir, console,
                           mem_per_node_mib=self.a.mem_per_node, accel=self.a.accel, log=self.log,
                           disks=self.extra_disks)
        self.vm.start()
        self.vm.wait_agent(self.a.boot_timeout)
        self.booted(n, t0)
        src = self.gout("findmnt -no SOURCE /").strip()
        self.check(f"/ is {ROOT_DEV}", src == ROOT_DEV, src)
        chain = self.gout("lsblk -no TYPE,NAME $(findmnt -no SOURCE /) -s")
        self.save(f"boot{n}-lsblk.txt", chain)
        self.check("under it: LVM on dm-crypt on the disk", "lvm" in chain and "crypt" in chain and "disk" in chain, chain)
        self.check("numacmad is active", self.gout("systemctl is-active numacmad").strip() == "active")

    def sandboxed_update_grub(self):
        before = self.gout(f"cat {GRUB_CFG}")
        self.save("step5-grub.cfg.before", before)
        # The policy is in place since the copy: the daemon applied it at
        # this boot's start; a reload makes it recompute in any case.
        self.g("systemctl reload numacmad")
        self.wait_for("the daemon's STATUS= says the outcome",
                      lambda: ((s := self.unit_status_text()) and "Reloading" not in s and
                               ("reboot pending" in s or "degraded" in s or "failed" in s), s),
                      self.a.react_timeout, 1.0)
        jr = self.gout("journalctl -b -u numacmad --no-pager -o cat")
        self.save("step5-numacmad-journal.txt", jr)
        st = self.systemctl_status()
        self.save("step5-systemctl-status.txt", st)
        ran = re.search(r"Wrote '.*(?:numa_cma|cma_pernuma)=.*'.*ran: .*update-grub", jr)
        self.check("numacmad wrote the drop-in and ran update-grub in its sandbox", ran is not None, jr[-2000:])
        self.check("no failed update", not re.search(r"fail", self.unit_status_text(), re.I), self.unit_status_text())
        after = self.gout(f"cat {GRUB_CFG}")
        self.save("step5-grub.cfg.daemon", after)
        dropin = self.gout(f"cat {DROPIN}")
        args = re.findall(r"(?:numa_cma|cma_pernuma)=[^\s\"]+", dropin)
        self.check("the drop-in holds the plan", len(args) == 1, dropin)
        lines = [l for l in after.splitlines() if re.match(r"\s*linux\s", l)]
        self.check(f"every linux line of grub.cfg has root={ROOT_DEV} and {args}",
                   lines and all(f"root={ROOT_DEV}" in l and args and args[0] in l.split() for l in lines),
                   "\n".join(lines))
        # The same update-grub outside any sandbox gives the same grub.cfg.
        rc, out = self.g("update-grub 2>&1")
        free = self.gout(f"cat {GRUB_CFG}")
        self.save("step5-grub.cfg.unconfined", free)
        self.check("update-grub outside the sandbox makes the same grub.cfg", rc == 0 and free == after,
                   out[-1000:])
        s = self.status_json()
        self.check("numacmactl status: pending-reboot, no stale grub.cfg",
                   s["state"] == "pending-reboot" and not any(p["code"] == "grub-cfg-stale" for p in s.get("problems", [])),
                   f"{s['state']}: {s.get('problems')}")
