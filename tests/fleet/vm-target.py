#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The Ansible role against a real host: the e2e guest (Debian 12, systemd,
udev, GRUB, Debian's 7.2 kernel, 2 NUMA nodes, cma=64M) with sshd, reached
with key authentication through a qemu port forward on 127.0.0.1. Run it
through tests/fleet/ansible-run.

Phases: install from the .deb (first run), the same again (no change),
a policy change in check mode (diff shown, nothing written), the change,
the same again (no change), the rolling-reboot playbook (reboot, pools
verified), and site.yml once more (no change, no reboot pending).

A reboot of the guest ends qemu (-no-reboot); a supervisor thread then
boots the disk again from its own grub.cfg's default entry (as
tests/e2e/vm.py does for every boot), with the same port forward, so that
ansible.builtin.reboot sees the host come back with the new arguments."""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests", "e2e"))
import vm as vmlib  # noqa: E402

HOST = "numacma-vm"


class FleetVM(vmlib.VM):
    """The e2e machine plus a user-mode NIC with 127.0.0.1:PORT -> guest:22."""

    def __init__(self, *a, ssh_port, **kw):
        super().__init__(*a, **kw)
        self.ssh_port = ssh_port

    def command(self):
        cmd = super().command()
        i = cmd.index("-kernel")
        return cmd[:i] + ["-netdev", f"user,id=n0,hostfwd=tcp:127.0.0.1:{self.ssh_port}-:22",
                          "-device", "virtio-net-pci,netdev=n0,bus=pcie.0"] + cmd[i:]


class Target:
    def __init__(self, a):
        self.a = a
        self.work, self.out = a.work, a.out
        self.img = os.path.join(self.work, "root.img")
        self.uuid = open(os.path.join(a.base, "uuid")).read().strip()
        self.port = free_port()
        self.vm = None
        self.boots = 0
        self.booted = threading.Event()
        self.stop = False
        self.lock = threading.Lock()
        self.t0 = time.monotonic()
        self.failures = []
        self.recaps = []

    def log(self, msg):
        line = f"[{time.monotonic() - self.t0:7.1f}s] {msg}"
        print(line, flush=True)
        with open(os.path.join(self.out, "ansible-run.log"), "a") as f:
            f.write(line + "\n")

    def check(self, what, ok, detail=""):
        self.log(("ok: " if ok else "FAILED: ") + what + (f" ({detail})" if detail and not ok else ""))
        if not ok:
            self.failures.append(what)

    # ---- the machine -------------------------------------------------------
    def boot(self):
        self.boots += 1
        d = os.path.join(self.work, f"boot{self.boots}")
        os.makedirs(d, exist_ok=True)
        e, kernel, initrd, _ = vmlib.grub_boot(self.img, self.uuid, d)
        self.log(f"boot {self.boots}: {e['title']}: {e['args']}")
        v = FleetVM("amd64", self.img, kernel, initrd, e["args"], d,
                    os.path.join(self.out, f"boot{self.boots}-console.log"),
                    ssh_port=self.port, accel=os.environ.get("NUMACMA_E2E_ACCEL", "tcg"), log=self.log)
        v.start()
        v.wait_agent(int(os.environ.get("NUMACMA_E2E_BOOT_TIMEOUT", "420")))
        self.log(f"boot {self.boots}: agent answers")
        with self.lock:
            self.vm = v
        self.booted.set()

    def supervise(self):
        """A guest reboot ends qemu: boot the disk again from its grub.cfg."""
        while not self.stop:
            v = self.vm
            if v and v.proc.poll() is not None and not self.stop:
                self.log(f"qemu exited ({v.proc.returncode}): the guest rebooted")
                self.booted.clear()
                v.close()
                try:
                    self.boot()
                except Exception as e:  # noqa: BLE001 - reported, the run fails
                    self.log(f"reboot failed: {e}")
                    self.stop = True
                    return
            time.sleep(0.5)  # poll: the guest's qemu has exited (a reboot) or the run is over

    def guest(self, cmd, timeout=120):
        self.booted.wait(600)
        rc, out = self.vm.run(cmd, timeout=timeout)
        return rc, out

    def setup_ssh(self):
        key = os.path.join(self.work, "id_ed25519")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "numacma-fleet-test", "-f", key],
                       check=True)
        pub = open(key + ".pub").read().strip()
        # The guest's network: DHCP from qemu's user-mode stack, kept across reboots.
        rc, out = self.guest(
            "set -e; install -d -m 700 /root/.ssh; "
            f"echo '{pub}' > /root/.ssh/authorized_keys; chmod 600 /root/.ssh/authorized_keys; "
            "printf '[Match]\\nName=en* eth*\\n\\n[Network]\\nDHCP=ipv4\\n' > /etc/systemd/network/80-fleet-test.network; "
            "systemctl enable --now systemd-networkd.service >/dev/null 2>&1; systemctl is-active ssh.service")
        self.check("guest: authorized key, networkd, sshd active", rc == 0 and "active" in out, out)
        self.key = key
        deadline = time.monotonic() + 300
        while True:
            p = subprocess.run(self.ssh_cmd("true"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if p.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"no ssh to 127.0.0.1:{self.port}: {p.stdout.strip()}")
            time.sleep(2)  # poll: sshd in the guest answers
        self.log(f"ssh root@127.0.0.1 -p {self.port} answers")

    def ssh_cmd(self, cmd):
        return ["ssh", "-p", str(self.port), "-i", self.key, "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR", "root@127.0.0.1", cmd]

    # ---- ansible -----------------------------------------------------------
    def write_inventory(self):
        inv = {"numacma_hosts": {"hosts": {HOST: {
            "ansible_host": "127.0.0.1", "ansible_port": self.port, "ansible_user": "root",
            "ansible_ssh_private_key_file": self.key,
            "ansible_ssh_common_args": "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null",
            "numacma_package_file": self.a.deb,
            "numacma_reboot_serial": 1,
            # The guest is a minbase root: no D-Bus, so no shutdown -r.
            "numacma_reboot_command": "systemctl reboot",
        }}}}
        self.inventory = os.path.join(self.work, "inventory.json")
        with open(self.inventory, "w") as f:
            json.dump(inv, f, indent=1)

    def playbook(self, name, label, playbook="site.yml", extra=None, check=False):
        cmd = ["ansible-playbook", "-i", self.inventory, os.path.join(TOP, "ansible", "playbooks", playbook), "--diff"]
        if check:
            cmd.append("--check")
        if extra is not None:
            path = os.path.join(self.work, f"{name}-vars.json")
            with open(path, "w") as f:
                json.dump(extra, f)
            cmd += ["-e", "@" + path]
        env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(TOP, "ansible", "ansible.cfg"),
                   ANSIBLE_ROLES_PATH=os.path.join(TOP, "ansible", "roles"),
                   ANSIBLE_PIPELINING="1", ANSIBLE_HOST_KEY_CHECKING="False", ANSIBLE_NOCOLOR="1",
                   ANSIBLE_FORCE_COLOR="0", ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=120s",
                   ANSIBLE_LOCAL_TEMP=os.path.join(self.work, "ansible-tmp"))
        self.log(f"{name}: {label}: {' '.join(cmd[1:])}")
        t = time.monotonic()
        log = os.path.join(self.out, f"{name}.log")
        with open(log, "w") as f:
            p = subprocess.run(cmd, env=env, stdout=f, stderr=subprocess.STDOUT, cwd=os.path.join(TOP, "ansible"))
        text = open(log).read()
        m = re.search(r"^PLAY RECAP \*+\n(.*?)(?:\n\n|\Z)", text, re.M | re.S)
        recap = m.group(0).strip() if m else "(no PLAY RECAP)"
        secs = time.monotonic() - t
        self.recaps.append((name, label, recap, secs))
        self.log(f"{name}: exit {p.returncode} in {secs:.0f} s\n{recap}")
        counts = {}
        mm = re.search(rf"^{HOST}\s*:\s*(.*)$", text, re.M)
        if mm:
            counts = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", mm.group(1))}
        return p.returncode, text, counts

    def facts(self, text):
        """The numacma facts as the role reported them (its debug line)."""
        m = re.findall(r'"msg": "numacma: ([a-z-]+) - (.*?); reboot required: (True|False)"', text)
        return m[-1] if m else None

    # ---- the journey -------------------------------------------------------
    def run(self):
        base_img = os.path.join(self.a.base, "root.img")
        subprocess.run(["cp", "--sparse=always", base_img, self.img], check=True)
        self.boot()
        threading.Thread(target=self.supervise, daemon=True).start()
        self.setup_ssh()
        self.write_inventory()
        snap = "sha256sum /etc/numacma.conf /etc/default/grub.d/* /boot/grub/grub.cfg 2>/dev/null; ls /etc/numacma.conf.d 2>/dev/null"

        site = {"numacma_config": {"pools": {"size": "80M"}, "daemon": {"apply": True}}}
        rc, text, c = self.playbook("run1-install", "first run: the site's policy (80M), then the .deb", extra=site)
        self.check("run 1: succeeds", rc == 0 and c.get("failed", 1) == 0, f"exit {rc}")
        self.check("run 1: changed something (the install)", c.get("changed", 0) > 0)
        rc2, out = self.guest("dpkg-query -W -f '${Status} ${Version}\\n' numacma; systemctl is-active numacmad")
        self.check("numacma installed, numacmad active", "install ok installed" in out and "\nactive" in out, out)
        # The policy was there before the package: the daemon's first start
        # wrote the site's plan, once, and never the packaged default's.
        _, out = self.guest("journalctl -b -u numacmad -o cat | grep -c '^Wrote ' || true; "
                            "grep -m1 'linux.*vmlinuz' /boot/grub/grub.cfg; cat /etc/numacma.conf.d/99-debconf.conf")
        self.log("after run 1:\n" + out)
        self.check("run 1: the boot configuration written once, with the site's 80M",
                   out.startswith("1\n") and re.search(r"(numa_cma=0:80M,1:80M|cma_pernuma=80M)", out) is not None, out)
        self.check("run 1: the debconf answer (manage = yes) in 99-debconf.conf", "manage = yes" in out, out)
        f = self.facts(text)
        self.check("facts: numacma_status reported", f is not None, str(f))

        rc, text, c = self.playbook("run2-again", "second run, same variables", extra=site)
        self.check("run 2: succeeds with changed=0", rc == 0 and c.get("changed", -1) == 0 and c.get("failed", 1) == 0,
                   f"exit {rc} {c}")

        policy = {"numacma_config": {"pools": {"size": "96M"}, "daemon": {"apply": True}},
                  "numacma_dropins": {"50-fleet": {"accelerators": {"drivers": ["nvidia"]}}}}
        _, before = self.guest(snap)
        rc, text, c = self.playbook("run3-check", "policy change in check mode (--check --diff)", extra=policy, check=True)
        _, after = self.guest(snap)
        self.check("run 3 (check): succeeds", rc == 0 and c.get("failed", 1) == 0, f"exit {rc}")
        self.check("run 3 (check): reports changes", c.get("changed", 0) > 0)
        self.check("run 3 (check): shows the plan's diff (numa_cma or cma_pernuma for 96M)",
                   re.search(r"\+.*(numa_cma=0:96M,1:96M|cma_pernuma=96M)", text) is not None)
        self.check("run 3 (check): shows the policy's diff", re.search(r"\+size = 96M", text) is not None)
        self.check("run 3 (check): wrote nothing (policy, drop-ins, grub files)", before == after, f"{before!r} != {after!r}")

        rc, text, c = self.playbook("run4-change", "the policy change", extra=policy)
        self.check("run 4: succeeds, changed", rc == 0 and c.get("failed", 1) == 0 and c.get("changed", 0) > 0, f"exit {rc} {c}")
        _, out = self.guest("grep -m1 'linux.*vmlinuz' /boot/grub/grub.cfg; cat /etc/numacma.conf.d/50-fleet.conf; "
                            "cat /run/reboot-required.pkgs")
        self.check("grub.cfg has the new argument (numacmad applied it)",
                   re.search(r"(numa_cma=0:96M,1:96M|cma_pernuma=96M)", out) is not None, out)
        self.check("drop-in written", "drivers = nvidia" in out, out)
        self.check("/run/reboot-required.pkgs names numacma", "\nnumacma" in out or out.startswith("numacma"), out)
        f = self.facts(text)
        self.check("facts: reboot required", f is not None and f[2] == "True", str(f))

        rc, text, c = self.playbook("run5-again", "the same again", extra=policy)
        self.check("run 5: succeeds with changed=0", rc == 0 and c.get("changed", -1) == 0 and c.get("failed", 1) == 0,
                   f"exit {rc} {c}")

        boots = self.boots
        rc, text, c = self.playbook("run6-reboot", "rolling reboot (serial 1) and verify", playbook="rolling-reboot.yml",
                                    extra=policy)
        self.check("run 6: succeeds", rc == 0 and c.get("failed", 1) == 0, f"exit {rc} {c}")
        self.check("run 6: the host was rebooted", self.boots == boots + 1, f"boots {boots} -> {self.boots}")
        self.check("run 6: pools verified after the reboot",
                   re.search(r"pools \(MiB\) \[96, 96\]", text) is not None)
        _, out = self.guest("cat /proc/cmdline; cat /sys/kernel/mm/cma/*/total_pages | tr '\\n' ' '; "
                            "numacmactl status | sed -n 1p; test -e /run/reboot-required && echo flag || echo noflag")
        self.log("after the reboot:\n" + out)
        self.check("booted with the new argument", re.search(r"(numa_cma=0:96M,1:96M|cma_pernuma=96M)", out) is not None, out)

        rc, text, c = self.playbook("run7-after-reboot", "site.yml after the reboot", extra=policy)
        self.check("run 7: succeeds with changed=0", rc == 0 and c.get("changed", -1) == 0 and c.get("failed", 1) == 0,
                   f"exit {rc} {c}")
        f = self.facts(text)
        self.check("facts: ok, no reboot required", f is not None and f[0] == "ok" and f[2] == "False", str(f))

        rc, text, c = self.playbook("run8-absent", "numacma_state: absent", extra=dict(policy, numacma_state="absent"))
        self.check("run 8 (absent): succeeds, changed", rc == 0 and c.get("failed", 1) == 0 and c.get("changed", 0) > 0,
                   f"exit {rc} {c}")
        _, out = self.guest("dpkg-query -W -f '${db:Status-Status}\\n' numacma 2>&1; ls /etc/numacma.conf /etc/numacma.conf.d "
                            "/etc/default/grub.d/90-numacma.cfg 2>&1; grep -m1 'linux.*vmlinuz' /boot/grub/grub.cfg; "
                            "cat /run/reboot-required.pkgs; debconf-show numacma")
        self.log("after run 8:\n" + out)
        self.check("run 8: numacma purged, its policy and drop-in gone",
                   # dpkg forgets a purged package entirely ("no packages found");
                   # "config-files" would mean removed, not purged
                   ("not-installed" in out or "no packages found matching numacma" in out)
                   and "config-files" not in out and out.count("No such file") == 3, out)
        self.check("run 8: grub.cfg without numacma's argument, cma= kept",
                   re.search(r"numa_cma=|cma_pernuma=", out) is None, out)
        self.check("run 8: a reboot is pending (numacma in /run/reboot-required.pkgs)", "\nnumacma" in out, out)
        self.check("run 8: the role says so (numacma_reboot_required)",
                   re.search(r'"numacma_reboot_required": true', text) is not None or "reboot required: true" in text.lower(), text[-600:])

    def finish(self):
        self.stop = True
        if self.vm:
            try:
                self.vm.poweroff(120)
            except Exception:  # noqa: BLE001
                self.vm.close()
        with open(os.path.join(self.out, "recaps.txt"), "w") as f:
            for name, label, recap, secs in self.recaps:
                f.write(f"## {name}: {label} ({secs:.0f} s)\n{recap}\n\n")
        self.log(f"recaps in {os.path.join(self.out, 'recaps.txt')}")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--deb", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    os.makedirs(a.out, exist_ok=True)
    for f in os.listdir(a.out):
        os.unlink(os.path.join(a.out, f))
    t = Target(a)
    try:
        t.run()
    except Exception as e:  # noqa: BLE001 - reported as a failure
        t.log(f"FAILED: {type(e).__name__}: {e}")
        t.failures.append(str(e))
    finally:
        t.finish()
    n_ok = sum(1 for line in open(os.path.join(a.out, "ansible-run.log")) if "] ok: " in line)
    print(f"{n_ok} passed, {len(t.failures)} failed")
    return 1 if t.failures else 0


if __name__ == "__main__":
    sys.exit(main())
