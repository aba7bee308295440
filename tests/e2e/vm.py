# SPDX-License-Identifier: GPL-2.0-or-later
"""The machine of numacma's end-to-end test: a qemu guest with two NUMA
nodes, an expander root port on node 1 that takes hotplugged devices, a
virtio-serial command channel to the guest agent (tests/e2e/guest/e2e-agent),
QMP, and the serial console in a file.

The guest boots with -kernel/-initrd and the command line of the default
entry of the root's own /boot/grub/grub.cfg, read out of the disk image
(debugfs) before every boot: what GRUB would boot is what boots."""

import base64
import json
import os
import re
import shlex
import socket
import subprocess
import time


class GuestPanic(Exception):
    """The guest kernel panicked while booting (its console says so)."""


class VMError(Exception):
    pass


# ---- grub.cfg --------------------------------------------------------------

def grub_default_entry(text):
    """The default entry of a grub.cfg as GRUB would pick it without a saved
    entry: {'title', 'linux', 'args', 'initrd', 'search_uuid'}.
    Supports what grub-mkconfig writes on Debian: set default="N" or a
    title/id, top-level menuentry and submenu blocks."""
    default = "0"
    # "set default" appears twice: ${next_entry} (a one-time choice from
    # grubenv, which this machine has none of) and the configured default.
    for m in re.finditer(r'^\s*set default="?([^"\n]*)"?\s*$', text, re.M):
        if "$" not in m.group(1):
            default = m.group(1)
    entries = []  # top level: {kind, title, id, body lines}
    depth = 0
    cur = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("{"):
            m = re.match(r"(menuentry|submenu)\s+'([^']*)'(.*)\{$", line)
            if depth == 0 and m:
                ids = re.findall(r"'([^']*)'", m.group(3))
                cur = {"kind": m.group(1), "title": m.group(2), "id": ids[-1] if ids else "", "body": []}
                entries.append(cur)
            elif cur is not None:
                cur["body"].append(line)
            depth += 1
            continue
        if line == "}":
            depth -= 1
            if depth <= 0:
                depth, cur = 0, None
            elif cur is not None:
                cur["body"].append(line)
            continue
        if cur is not None:
            cur["body"].append(line)
    if not entries:
        raise VMError("grub.cfg has no menu entry")
    if default.isdigit():
        i = int(default)
        if i >= len(entries):
            raise VMError(f"grub.cfg default {default} but {len(entries)} entries")
        entry = entries[i]
    else:
        match = [e for e in entries if default in (e["title"], e["id"])]
        if not match:
            raise VMError(f"grub.cfg default {default!r} names no top-level entry")
        entry = match[0]
    if entry["kind"] != "menuentry":
        raise VMError(f"grub.cfg default entry is a submenu ({entry['title']})")
    res = {"title": entry["title"], "linux": None, "args": None, "initrd": [], "search_uuid": None}
    for line in entry["body"]:
        words = line.split()
        if words[0] in ("linux", "linux16", "linuxefi") and len(words) >= 2:
            res["linux"] = words[1]
            res["args"] = " ".join(words[2:])
        elif words[0] in ("initrd", "initrd16", "initrdefi"):
            res["initrd"] = words[1:]
        elif words[0] == "search" and "--fs-uuid" in words:
            res["search_uuid"] = words[-1]
    if not res["linux"]:
        raise VMError(f"grub.cfg default entry '{entry['title']}' has no linux line")
    if "$" in (res["args"] or ""):
        raise VMError(f"grub.cfg default entry's command line uses GRUB variables: {res['args']}")
    return res


def debugfs_dump(image, path, dest):
    """Copy PATH out of the ext4 IMAGE (not in use) to DEST."""
    if os.path.exists(dest):
        os.unlink(dest)
    p = subprocess.run(["debugfs", "-R", f"dump {path} {dest}", image],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0 or not os.path.exists(dest):
        raise VMError(f"cannot read {path} from {image}: {p.stdout.strip()}")


def debugfs_write(image, src, path):
    """Put the host file SRC into the ext4 IMAGE (not in use) as PATH."""
    p = subprocess.run(["debugfs", "-w", "-R", f"write {src} {path}", image],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0 or "rror" in p.stdout:
        raise VMError(f"cannot write {path} into {image}: {p.stdout.strip()}")


def grub_boot(image, uuid, workdir):
    """Read the root's grub.cfg and the kernel and initrd its default entry
    names out of IMAGE. Returns (entry, kernel path, initrd path, grub.cfg text)."""
    cfg = os.path.join(workdir, "grub.cfg")
    debugfs_dump(image, "/boot/grub/grub.cfg", cfg)
    with open(cfg) as f:
        text = f.read()
    e = grub_default_entry(text)
    if e["search_uuid"] and e["search_uuid"] != uuid:
        raise VMError(f"grub.cfg searches filesystem {e['search_uuid']}, the disk is {uuid}")
    kernel = os.path.join(workdir, "vmlinuz")
    debugfs_dump(image, e["linux"], kernel)
    initrd = None
    if e["initrd"]:
        if len(e["initrd"]) != 1:
            raise VMError(f"grub.cfg default entry has {len(e['initrd'])} initrds")
        initrd = os.path.join(workdir, "initrd.img")
        debugfs_dump(image, e["initrd"][0], initrd)
    return e, kernel, initrd, text


# ---- the machine -----------------------------------------------------------

class VM:
    AGENT_PORT = "org.numacma.e2e"

    def __init__(self, arch, image, kernel, initrd, append, workdir, console_log,
                 nodes=2, mem_per_node_mib=4096, devices=(), accel="tcg", log=print,
                 firmware=None, disks=(), extra=()):
        """kernel None: the firmware (code, vars: pflash images) starts what
        the disks hold. disks: more raw images (virtio-blk on pcie.0);
        extra: more qemu arguments (drives of devices, say)."""
        self.arch, self.image, self.kernel, self.initrd = arch, image, kernel, initrd
        self.append, self.workdir, self.console_log = append, workdir, console_log
        self.nodes, self.mem, self.devices, self.accel = nodes, mem_per_node_mib, list(devices), accel
        self.firmware, self.disks, self.extra = firmware, list(disks), list(extra)
        self.log = log
        self.proc = None
        self.qmp_sock = None
        self.agent_sock = None
        self.agent_buf = b""
        self.qmp_buf = b""
        self.seq = 0
        self.events = []
        self.console_pos = 0      # complete console lines scanned so far
        self.console_panic = False
        os.makedirs(workdir, exist_ok=True)
        # unix socket paths are short: keep them in a short temporary directory
        self.sockdir = subprocess.run(["mktemp", "-d", "/tmp/numacma-e2e.XXXXXX"],
                                      stdout=subprocess.PIPE, text=True, check=True).stdout.strip()
        self.qmp_path = os.path.join(self.sockdir, "qmp")
        self.agent_path = os.path.join(self.sockdir, "agent")

    def command(self):
        n = self.nodes
        if self.arch == "amd64":
            cmd = ["qemu-system-x86_64", "-M", "q35"]
        else:
            cmd = ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57"]
        accel = self.accel
        # Multi-threaded TCG races with the guest kernel's live text patching
        # (int3-based text_poke) on x86: seen as an "Oops: int3" panic in
        # early boot. One TCG thread for all vCPUs avoids it.
        if accel == "tcg" and self.arch == "amd64":
            accel = "tcg,thread=single"
        cmd += ["-accel", accel, "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-smp", f"{n},sockets={n},cores=1,threads=1", "-m", f"{n * self.mem}M"]
        for i in range(n):
            cmd += ["-object", f"memory-backend-ram,id=m{i},size={self.mem}M",
                    "-numa", f"node,nodeid={i},cpus={i},memdev=m{i}"]
        pcie0 = ["bus=pcie.0"]
        # An expander bridge on node 1 with two hotplug-capable root ports
        # (on arm64 the guest sees them through ACPI: with firmware only):
        # rp1 for the accelerator, rp2 for the NVMe controller of node 1
        # (cold-plugged on arm64, hot-added on amd64: 0000:82:00.0).
        cmd += ["-device", "pxb-pcie,id=pxb1,bus_nr=128,numa_node=1,bus=pcie.0",
                "-device", "pcie-root-port,id=rp1,bus=pxb1,chassis=1,slot=1",
                "-device", "pcie-root-port,id=rp2,bus=pxb1,chassis=2,slot=2"]
        for d in self.devices:
            cmd += ["-device", d]
        cmd += self.extra
        for i, d in enumerate(self.disks):
            cmd += ["-drive", f"file={d},format=raw,if=none,id=x{i}",
                    "-device", ",".join(["virtio-blk-pci", f"drive=x{i}"] + pcie0)]
        if self.firmware:
            code, vars_fd = self.firmware
            cmd += ["-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={code}",
                    "-drive", f"if=pflash,format=raw,unit=1,file={vars_fd}"]
        cmd += ["-drive", f"file={self.image},format=raw,if=none,id=d0",
                "-device", ",".join(["virtio-blk-pci", "drive=d0"] + pcie0),
                "-device", ",".join(["virtio-serial-pci", "id=vser0"] + pcie0),
                "-chardev", f"socket,id=agent,path={self.agent_path},server=on,wait=off",
                "-device", f"virtserialport,bus=vser0.0,chardev=agent,name={self.AGENT_PORT}",
                "-chardev", f"file,id=con,path={self.console_log}", "-serial", "chardev:con",
                "-qmp", f"unix:{self.qmp_path},server=on,wait=off"]
        if self.kernel:
            cmd += ["-kernel", self.kernel]
            if self.initrd:
                cmd += ["-initrd", self.initrd]
            cmd += ["-append", self.append]
        return cmd

    def start(self):
        cmd = self.command()
        with open(os.path.join(self.workdir, "qemu-command"), "a") as f:
            f.write(shlex.join(cmd) + "\n")
        self.qemu_err = open(os.path.join(self.workdir, "qemu.stderr"), "ab")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.qemu_err, stderr=self.qemu_err)
        deadline = time.monotonic() + 30
        while True:
            if self.proc.poll() is not None:
                raise VMError(f"qemu exited at once ({self.proc.returncode}): see {self.workdir}/qemu.stderr")
            try:
                self.qmp_sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.qmp_sock.connect(self.qmp_path)
                self.agent_sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.agent_sock.connect(self.agent_path)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise VMError("qemu's QMP/agent sockets did not appear")
                time.sleep(0.1)  # poll: the sockets accept, bounded by the deadline
        try:
            self._qmp_read(10)  # greeting
            self.qmp("qmp_capabilities")
        except (OSError, VMError) as e:
            # A QMP that fails this early is mostly qemu exiting: say so
            # when it does (waited for, bounded), else the QMP error.
            try:
                rc = self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                raise VMError(f"QMP: {e}")
            raise VMError(f"qemu exited ({rc}): see {self.workdir}/qemu.stderr")

    # -- QMP
    def _qmp_read(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.qmp_buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise VMError("QMP: no answer")
            self.qmp_sock.settimeout(left)
            try:
                data = self.qmp_sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                raise VMError("QMP: qemu closed the connection")
            self.qmp_buf += data
        line, self.qmp_buf = self.qmp_buf.split(b"\n", 1)
        return json.loads(line)

    def qmp(self, execute, timeout=30, **arguments):
        msg = {"execute": execute}
        if arguments:
            msg["arguments"] = arguments
        self.qmp_sock.sendall(json.dumps(msg).encode() + b"\n")
        deadline = time.monotonic() + timeout
        while True:
            r = self._qmp_read(max(0.1, deadline - time.monotonic()))
            if "return" in r:
                return r["return"]
            if "error" in r:
                raise VMError(f"QMP {execute}: {r['error'].get('desc', r['error'])}")
            if "event" in r:
                self.events.append(r)

    def wait_event(self, name, timeout, **data):
        """Wait for the QMP event NAME whose data has the items DATA
        (events that came while waiting for a command's answer count too)."""
        deadline = time.monotonic() + timeout
        while True:
            for i, ev in enumerate(self.events):
                if ev.get("event") == name and all(ev.get("data", {}).get(k) == v for k, v in data.items()):
                    del self.events[i]
                    return ev
            left = deadline - time.monotonic()
            if left <= 0:
                raise VMError(f"no QMP event {name} {data} within {timeout} s")
            try:
                r = self._qmp_read(min(left, 1.0))
            except VMError as e:
                if "no answer" in str(e):
                    continue
                raise
            if "event" in r:
                self.events.append(r)

    # -- agent
    def run(self, command, timeout=120):
        """Run COMMAND (bash) in the guest; returns (exit code, output)."""
        self.seq += 1
        rid = f"c{self.seq}"
        self.agent_sock.sendall(f"{rid} {base64.b64encode(command.encode()).decode()}\n".encode())
        deadline = time.monotonic() + timeout
        while True:
            while b"\n" in self.agent_buf:
                line, self.agent_buf = self.agent_buf.split(b"\n", 1)
                parts = line.decode(errors="replace").split(" ")
                if len(parts) >= 2 and parts[0] == rid:
                    out = base64.b64decode(parts[2]).decode(errors="replace") if len(parts) > 2 else ""
                    return int(parts[1]), out
            left = deadline - time.monotonic()
            if left <= 0:
                raise VMError(f"guest command timed out after {timeout} s: {command}")
            if self.proc.poll() is not None:
                raise VMError(f"qemu exited ({self.proc.returncode}) while running: {command}")
            if self.panicked():
                raise GuestPanic(f"the guest kernel panicked (see {self.console_log}) while running: {command}")
            self.agent_sock.settimeout(min(left, 1.0))
            try:
                data = self.agent_sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                raise VMError("agent channel closed")
            self.agent_buf += data

    def panicked(self):
        """Whether the console shows a kernel panic. qemu appends to the
        console file while the guest prints: only complete lines are read,
        each once, from where the last call stopped; a panic seen stays seen."""
        if self.console_panic:
            return True
        try:
            with open(self.console_log, "rb") as f:
                f.seek(self.console_pos)
                data = f.read()
        except OSError:
            return False
        end = data.rfind(b"\n") + 1
        self.console_pos += end
        if b"Kernel panic - not syncing" in data[:end]:
            self.console_panic = True
        return self.console_panic

    def wait_agent(self, timeout):
        """Wait until the guest agent answers (the boot reached it). The
        request is sent again every 10 s: a firmware with a virtio-serial
        driver (EDK2 from 2023 on, as Debian 13's AAVMF) reads and drops
        what the port carries before the kernel runs; answers to the
        earlier requests are skipped by their id."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                rc, out = self.run("echo ready", timeout=min(10.0, max(left, 0.1)))
                break
            except VMError as e:
                if "timed out" not in str(e) or left <= 10:
                    raise
        if rc != 0 or out.strip() != "ready":
            raise VMError(f"agent answered {rc} {out!r}")

    def wait_exit(self, timeout):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise VMError(f"qemu did not exit within {timeout} s")

    def poweroff(self, timeout):
        """Power off from inside (systemctl poweroff) and wait for qemu to exit."""
        self.seq += 1
        cmd = "systemctl --no-block poweroff"
        self.agent_sock.sendall(f"p{self.seq} {base64.b64encode(cmd.encode()).decode()}\n".encode())
        rc = self.wait_exit(timeout)
        self.close()
        return rc

    def close(self):
        for s in (self.qmp_sock, self.agent_sock):
            if s:
                try:
                    s.close()
                except OSError:
                    pass
        self.qmp_sock = self.agent_sock = None
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        subprocess.run(["rm", "-rf", self.sockdir])
