#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Play systemd for numacmad: a datagram socket as $NOTIFY_SOCKET (and
$WATCHDOG_USEC), the daemon run on a copy of a captured tree, and checks of
what it says (READY=1, STATUS=, WATCHDOG=1, RELOADING=1 + MONOTONIC_USEC=,
STOPPING=1) and does.

Usage: notify-harness.py SCENARIO NUMACMAD TREE
Scenarios: lifecycle, bad-start, recompute, apply, idle, umockdev-burst,
umockdev-dma, metrics-refresh. Exit 0 pass, 77 skip, 1 fail.
Also importable (Daemon) for other scripts and the benchmark."""

import glob
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

POLICY_OK = """[daemon]
apply = no
settle = 100ms
"""

# Line 4 is wrong: the message must name the file and the line.
POLICY_BAD = """[daemon]
apply = no
[pools]
size = bogus
"""


class Fail(Exception):
    pass


def make_root(tree, policy=POLICY_OK):
    """A temporary copy of a captured tree with a policy in <root>/etc."""
    tmp = tempfile.mkdtemp(prefix="numacmad-test-")
    root = os.path.join(tmp, "root")
    shutil.copytree(tree, root, symlinks=True)
    os.makedirs(os.path.join(root, "etc"), exist_ok=True)
    write_policy(root, policy)
    return tmp, root


def write_policy(root, text):
    with open(os.path.join(root, "etc", "numacma.conf"), "w") as f:
        f.write(text)


def tree_digest(root):
    """A digest of every file below root (names, modes, contents)."""
    h = hashlib.sha256()
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            p = os.path.join(d, name)
            h.update(os.path.relpath(p, root).encode())
            st = os.lstat(p)
            h.update(str(st.st_mode).encode())
            if os.path.islink(p):
                h.update(os.readlink(p).encode())
            else:
                with open(p, "rb") as f:
                    h.update(f.read())
    return h.hexdigest()


class Daemon:
    """numacmad under a fake service manager."""

    def __init__(self, exe, root, args=(), watchdog_usec=None, env=None, wrapper=()):
        self.dir = tempfile.mkdtemp(prefix="numacmad-notify-")
        self.sock_path = os.path.join(self.dir, "notify")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.sock_path)
        self.messages = []   # (monotonic time, {key: value})
        self.stderr_path = os.path.join(self.dir, "stderr")
        e = dict(os.environ)
        e.update(env or {})
        e["NOTIFY_SOCKET"] = self.sock_path
        e.pop("WATCHDOG_PID", None)
        if watchdog_usec:
            e["WATCHDOG_USEC"] = str(watchdog_usec)
        else:
            e.pop("WATCHDOG_USEC", None)
        cmd = list(wrapper) + [exe, "--root", root] + list(args)
        self.t_exec = time.monotonic()
        self.stderr = open(self.stderr_path, "w")
        self.proc = subprocess.Popen(cmd, env=e, stdout=subprocess.DEVNULL, stderr=self.stderr)

    @property
    def pid(self):
        return self.proc.pid

    def _recv(self, timeout):
        self.sock.settimeout(max(timeout, 0.001))
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return None
        t = time.monotonic()
        fields = {}
        for line in data.decode().split("\n"):
            if "=" in line:
                k, v = line.split("=", 1)
                fields[k] = v
        self.messages.append((t, fields))
        return fields

    def wait_for(self, pred, timeout=10, what="a message"):
        """Read messages until pred(fields) holds; returns the fields."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = self._recv(end - time.monotonic())
            if m is not None and pred(m):
                return m
            if m is None and self.proc.poll() is not None:
                break
        raise Fail("timed out waiting for %s; got %r; stderr:\n%s" % (what, [m for _, m in self.messages[-5:]], self.log()))

    def wait_key(self, key, timeout=10):
        return self.wait_for(lambda m: key in m, timeout, key)

    def drain(self, seconds):
        end = time.monotonic() + seconds
        got = []
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return got
            m = self._recv(left)
            if m is not None:
                got.append(m)

    def signal(self, sig):
        self.proc.send_signal(sig)

    def wait_exit(self, timeout=10):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise Fail("the daemon did not exit")

    def log(self):
        """The daemon's stderr. While it runs, only its complete lines: it
        writes a line in several write()s ("<N>", the text, the newline),
        so the file's last line may be half written."""
        self.stderr.flush()
        running = self.proc.poll() is None
        with open(self.stderr_path) as f:
            text = f.read()
        if running:
            text = text[:text.rfind("\n") + 1]
        return text

    def wait_log(self, pred, timeout=10, what="a log line"):
        """Poll the log until pred(log) holds (bounded); returns the log."""
        end = time.monotonic() + timeout
        while True:
            log = self.log()
            if pred(log):
                return log
            if time.monotonic() > end or self.proc.poll() is not None:
                log = self.log()
                if pred(log):
                    return log
                raise Fail("timed out after %s s waiting for %s; log:\n%s" % (timeout, what, log))
            time.sleep(0.005)  # poll: pred(log), bounded by timeout

    def wait_asleep(self, timeout=10):
        """Wait until every thread of the daemon sleeps in the kernel (state S)
        in its event loop's epoll_wait (where /proc shows wait channels)."""
        end = time.monotonic() + timeout
        last = ""
        while True:
            states = []
            try:
                for tid in os.listdir("/proc/%d/task" % self.pid):
                    with open("/proc/%d/task/%s/stat" % (self.pid, tid)) as f:
                        state = f.read().rsplit(")", 1)[1].split()[0]
                    try:
                        with open("/proc/%d/task/%s/wchan" % (self.pid, tid)) as f:
                            wchan = f.read().strip()
                    except OSError:
                        wchan = ""
                    states.append((state, wchan))
            except OSError as e:
                raise Fail("the daemon's /proc entries went away: %s" % e)
            last = " ".join("%s:%s" % sw for sw in states)
            if states and all(st == "S" and ("epoll" in wc or wc in ("", "0")) for st, wc in states):
                return
            if time.monotonic() > end:
                raise Fail("the daemon did not go to sleep within %s s (state:wchan %s)" % (timeout, last))
            time.sleep(0.005)  # poll: every thread asleep in epoll_wait, bounded by timeout

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()
        self.sock.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def check(cond, msg):
    if not cond:
        raise Fail(msg)
    print("ok - " + msg)


def scenario_lifecycle(exe, tree):
    tmp, root = make_root(tree)
    d = Daemon(exe, root, watchdog_usec=200000)
    try:
        m = d.wait_key("READY")
        check(m.get("READY") == "1" and m.get("STATUS"), "READY=1 with STATUS= '%s'" % m.get("STATUS"))
        first_status = m["STATUS"]
        d.wait_key("WATCHDOG")
        check(True, "WATCHDOG=1 within WATCHDOG_USEC")

        # Reload with the same policy: RELOADING=1 + MONOTONIC_USEC, then READY=1.
        d.signal(signal.SIGHUP)
        m = d.wait_key("RELOADING")
        mono = int(m.get("MONOTONIC_USEC", "0"))
        now = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
        check(0 < mono <= now, "RELOADING=1 carries MONOTONIC_USEC=%d" % mono)
        m = d.wait_key("READY")
        check(m.get("STATUS") == first_status, "READY=1 after reload, same status")

        # A bad policy: the last good one keeps running, STATUS= and the log say so.
        write_policy(root, POLICY_BAD)
        d.signal(signal.SIGHUP)
        d.wait_key("RELOADING")
        m = d.wait_key("READY")
        st = m.get("STATUS", "")
        check("policy rejected" in st and "/etc/numacma.conf:4" in st and first_status in st,
              "bad policy: STATUS= names file:line and keeps the last status: '%s'" % st)
        log = d.wait_log(lambda l: "<3>/etc/numacma.conf:4: " in l, what="the policy error in the log")
        check("<3>/etc/numacma.conf:4: " in log, "bad policy: the log has the error with file:line at priority 3")

        # Fixed again: the error disappears.
        write_policy(root, POLICY_OK)
        d.signal(signal.SIGHUP)
        d.wait_key("RELOADING")
        m = d.wait_key("READY")
        check(m.get("STATUS") == first_status, "fixed policy: STATUS= back to '%s'" % m.get("STATUS"))

        # SIGTERM: STOPPING=1, exit 0, the tree (boot configuration included) untouched.
        before = tree_digest(root)
        d.signal(signal.SIGTERM)
        d.wait_key("STOPPING")
        rc = d.wait_exit()
        check(rc == 0, "SIGTERM: STOPPING=1 and exit status %d" % rc)
        check(tree_digest(root) == before, "nothing below the root changed on the way out")
        for line in d.log().splitlines():
            check(line.startswith("<") and line[1].isdigit() and line[2] == ">", "log line has a priority prefix: %s" % line)
    finally:
        d.close()
        shutil.rmtree(tmp, ignore_errors=True)


def scenario_bad_start(exe, tree):
    tmp, root = make_root(tree, POLICY_BAD)
    d = Daemon(exe, root)
    try:
        rc = d.wait_exit()
        check(rc == 78, "a bad policy at start: exit status 78 (EX_CONFIG), got %d" % rc)
        st = [m.get("STATUS") for _, m in d.messages] + [m.get("STATUS") for m in d.drain(0.1)]
        check(any(s and "/etc/numacma.conf:4" in s for s in st), "STATUS= names the error: %r" % st)
        check(not any("READY" in m for _, m in d.messages), "no READY=1")
    finally:
        d.close()
        shutil.rmtree(tmp, ignore_errors=True)


def scenario_recompute(exe, tree):
    """A change below the root, then SIGHUP: the new status is reported."""
    tmp, root = make_root(tree)
    d = Daemon(exe, root)
    try:
        m = d.wait_key("READY")
        st0 = m["STATUS"]
        # Exclude every device: the accelerator count drops.
        write_policy(root, POLICY_OK + "[accelerators]\npci_classes =\n")
        d.signal(signal.SIGHUP)
        m = d.wait_key("READY")
        check(m["STATUS"] != st0, "policy change shows in STATUS=: '%s' -> '%s'" % (st0, m["STATUS"]))
        log = d.log()
        check(m["STATUS"].split("; ")[-1] in log, "the new summary was logged once")
        d.signal(signal.SIGTERM)
        check(d.wait_exit() == 0, "exit 0")
    finally:
        d.close()
        shutil.rmtree(tmp, ignore_errors=True)


def scenario_root_vanishes(exe, tree):
    """The root goes away (renamed), then SIGHUP: the reload is rejected and
    the last good policy stays, never the built-in defaults; back, and a
    reload is accepted again."""
    policy = POLICY_OK + "[accelerators]\npci_classes =\n"
    tmp, root = make_root(tree, policy)
    d = Daemon(exe, root)
    try:
        m = d.wait_key("READY")
        st0 = m["STATUS"]
        os.rename(root, root + ".gone")
        d.signal(signal.SIGHUP)
        m = d.wait_key("READY")
        check(m["STATUS"].startswith("policy rejected ("), "a vanished root rejects the reload: '%s'" % m["STATUS"])
        check("Keeping the last good policy." in d.log(), "the last good policy is kept")
        os.rename(root + ".gone", root)
        d.signal(signal.SIGHUP)
        m = d.wait_key("READY")
        check(m["STATUS"] == st0, "the same status once it is back (the policy without accelerators): '%s'" % m["STATUS"])
        d.signal(signal.SIGTERM)
        check(d.wait_exit() == 0, "exit 0")
    finally:
        d.close()
        shutil.rmtree(tmp, ignore_errors=True)


def scenario_apply(exe, tree):
    """[daemon] apply = yes on a Debian GRUB layout below the root: written
    once at start, not again when nothing changed, again after a policy
    change; nothing on the way out. (With a root, no command runs.)"""
    policy = POLICY_OK.replace("apply = no", "apply = yes")
    tmp, root = make_root(tree, policy)
    os.makedirs(os.path.join(root, "etc", "default"), exist_ok=True)
    with open(os.path.join(root, "etc", "default", "grub"), "w") as f:
        f.write('GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n')
    dropin = os.path.join(root, "etc", "default", "grub.d", "90-numacma.cfg")
    d = Daemon(exe, root)
    try:
        m = d.wait_key("READY")
        st = m["STATUS"]
        # No grub.cfg below the root and no command run there: the drop-in
        # is written, update-grub listed, and the next boot stays unknown.
        log = d.log()
        check("Wrote " in log and "not run: update-grub" in log, "applied at start: '%s'" % log)
        check(os.path.exists(dropin), "the GRUB drop-in exists")
        with open(dropin) as f:
            first = f.read()
        d.signal(signal.SIGHUP)
        m = d.wait_key("READY")
        check(d.log().count("Wrote ") == 1, "a reload with nothing changed writes nothing")
        write_policy(root, policy + "[pools]\nnodes = accelerators\n")
        d.signal(signal.SIGHUP)
        m = d.wait_key("READY")
        # The write is logged before READY=1 is sent; the wait only covers
        # reading the file.
        log = d.wait_log(lambda l: l.count("Wrote ") >= 2, what="the second 'Wrote' line")
        check(log.count("Wrote ") == 2, "a policy change is written once")
        with open(dropin) as f:
            second = f.read()
        check(first != second and m["STATUS"] != st, "new arguments: '%s'" % m["STATUS"])
        before = tree_digest(root)
        d.signal(signal.SIGTERM)
        check(d.wait_exit() == 0, "exit 0")
        check(tree_digest(root) == before, "nothing written on the way out")
    finally:
        d.close()
        shutil.rmtree(tmp, ignore_errors=True)


def tracer_pid(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("TracerPid:"):
                return int(line.split()[1])
    return 0


def uevent_queues(testbed_dir):
    """Bytes waiting in each uevent socket the daemon's udev monitors bound
    in umockdev's testbed ($UMOCKDEV_DIR/event<N>), from ss: {path: Recv-Q}.
    For a datagram socket Recv-Q is the size of the first queued datagram:
    0 when the queue is empty."""
    socks = set(glob.glob(os.path.join(testbed_dir, "event[0-9]*")))
    if not socks:
        raise Fail("no uevent socket in %s: the daemon has no udev monitor" % testbed_dir)
    # ss itself runs without umockdev's preload (it asks the kernel, over
    # netlink, about the real sockets).
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "UMOCKDEV_DIR")}
    p = subprocess.run(["ss", "-x", "-a", "-n"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    if p.returncode != 0:
        raise Fail("ss failed: %s" % p.stdout.strip())
    q = {}
    for line in p.stdout.splitlines():
        f = line.split()
        if len(f) >= 5 and f[4] in socks:
            q[f[4]] = int(f[2])
    missing = socks - set(q)
    if missing:
        raise Fail("ss does not show the uevent sockets %s" % sorted(missing))
    return q


def wait_uevents_taken(testbed_dir, timeout=10):
    """Wait until the daemon has read every uevent sent so far (its sockets'
    queues are empty). umockdev's sender does not block on a full queue
    (net.unix.max_dgram_qlen, often 10): what it sends then is lost."""
    end = time.monotonic() + timeout
    while True:
        q = uevent_queues(testbed_dir)
        if not any(q.values()):
            return
        if time.monotonic() > end:
            raise Fail("the daemon did not read its uevents within %s s: %r" % (timeout, q))
        time.sleep(0.002)  # poll: the uevent queues are empty, bounded


def proc_counters(pid):
    """Context switches and CPU ticks of a process (all threads)."""
    sw = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
            for line in f:
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    sw += int(line.split()[1])
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sw, int(fields[11]) + int(fields[12])


def scenario_idle(exe, tree, seconds=3.0):
    """Idle means asleep: no context switch and, under strace, no system
    call beyond the one loop iteration that attaching itself causes."""
    if not shutil.which("strace"):
        print("strace not installed")
        sys.exit(77)
    tmp, root = make_root(tree)
    d = Daemon(exe, root, args=["--udev=yes"])
    try:
        d.wait_key("READY")
        d.wait_asleep()
        sw0, cpu0 = proc_counters(d.pid)
        time.sleep(seconds)  # window: the idle time measured
        sw1, cpu1 = proc_counters(d.pid)
        check(sw1 == sw0, "no wakeup in %.0f s while idle (context switches %d -> %d)" % (seconds, sw0, sw1))
        check(cpu1 == cpu0, "no CPU time while idle")

        out = os.path.join(tmp, "strace.txt")
        errf = os.path.join(tmp, "strace.stderr")
        with open(errf, "w") as ef:
            p = subprocess.Popen(["strace", "-f", "-ttt", "-o", out, "-p", str(d.pid)],
                                 stdout=subprocess.DEVNULL, stderr=ef)
        # Observe only once strace is attached (the daemon's TracerPid).
        end = time.monotonic() + 10
        while tracer_pid(d.pid) != p.pid:
            if p.poll() is not None:
                with open(errf) as f:
                    err = f.read()
                if "Operation not permitted" in err:
                    print("ptrace not permitted here: %s" % err.strip())
                    sys.exit(77)
                raise Fail("strace exited (%d) before attaching: %s" % (p.returncode, err.strip()))
            if time.monotonic() > end:
                p.kill()
                p.wait()
                raise Fail("strace did not attach within 10 s")
            time.sleep(0.005)  # poll: TracerPid is strace, bounded
        time.sleep(seconds)  # window: the idle time traced
        p.send_signal(signal.SIGINT)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            raise Fail("strace did not exit on SIGINT")
        with open(out) as f:
            lines = [l for l in f.read().splitlines() if l.strip()]
        times = [float(l.split()[1]) for l in lines if len(l.split()) > 1 and l.split()[1].replace(".", "").isdigit()]
        late = [l for l in lines if times and float(l.split()[1]) > times[0] + 0.5]
        print("# strace saw %d lines: %s" % (len(lines), " | ".join(lines)))
        check(len(lines) <= 3 and not late, "no system call while idle under strace (only the attach artefact)")
        d.signal(signal.SIGTERM)
        check(d.wait_exit() == 0, "exit 0")
    finally:
        d.close()
        shutil.rmtree(tmp, ignore_errors=True)


def prom_value(path, series):
    """The value of one series in a textfile, or None."""
    with open(path) as f:
        for line in f:
            if line.startswith(series + " "):
                return int(line.split()[1])
    return None


def voluntary_switches(pid):
    n = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
            for line in f:
                if line.startswith("voluntary_ctxt_switches"):
                    n += int(line.split()[1])
    return n


def scenario_metrics_refresh(exe, tree, window=6.0):
    """[daemon] metrics_interval = 1s with a textfile directory, no udev:
    numacma.prom is not rewritten while the CMA counters stay; when a pool's
    counters change (no device event, no reload) it is within about an
    interval; the daemon wakes once per interval, and not at all once a
    reload turns the metrics off."""
    textdir = "/var/lib/prometheus/node-exporter"
    policy = POLICY_OK + "metrics_dir = %s\nmetrics_interval = 1s\n" % textdir
    tmp, root = make_root(tree, policy)
    os.makedirs(root + textdir)
    prom = root + textdir + "/numacma.prom"
    cma = os.path.join(root, "sys/kernel/mm/cma/numa1")
    d = Daemon(exe, root, args=["--udev=no"])
    try:
        d.wait_key("READY")
        used = 'numacma_node_pool_used_bytes{node="1"}'
        failed = 'numacma_node_pool_allocation_failed_bytes_total{node="1"}'
        check(prom_value(prom, used) == 0, "numacma.prom at start: node 1's pool unused")
        ino = os.stat(prom).st_ino
        d.wait_asleep()
        sw0 = voluntary_switches(d.pid)
        time.sleep(window)  # window: the wakeups counted
        sw1 = voluntary_switches(d.pid)
        check(window - 2 <= sw1 - sw0 <= window + 2,
              "one wakeup per interval: %d in %.0f s at 1 s" % (sw1 - sw0, window))
        check(os.stat(prom).st_ino == ino, "counters unchanged: numacma.prom not rewritten")

        def put(name, value):
            with open(os.path.join(cma, name), "w") as f:
                f.write("%d\n" % value)

        def get(name):
            with open(os.path.join(cma, name)) as f:
                return int(f.read())

        # A driver takes 1 MiB (256 pages) and 8 pages fail: counters only.
        put("alloc_pages_success", get("alloc_pages_success") + 256)
        put("available_pages", get("available_pages") - 256)
        put("alloc_pages_fail", get("alloc_pages_fail") + 8)
        t0 = time.monotonic()
        while prom_value(prom, used) != 1048576 and time.monotonic() - t0 < 10:
            time.sleep(0.05)  # poll: numacma.prom shows the new use, bounded
        check(prom_value(prom, used) == 1048576, "numacma.prom shows 1 MiB in use after %.1f s, no event" % (time.monotonic() - t0))
        check(prom_value(prom, failed) == 8 * 4096, "and 32 KiB of failed allocations (a counter)")
        check(d.log().count("Wrote ") == 0, "nothing applied on a counter change")

        write_policy(root, POLICY_OK + "metrics_dir = none\nmetrics_interval = 1s\n")
        d.signal(signal.SIGHUP)
        d.wait_key("READY")
        d.wait_asleep()
        sw0 = voluntary_switches(d.pid)
        time.sleep(3)  # window: the wakeups counted with the metrics off
        check(voluntary_switches(d.pid) == sw0, "metrics off (metrics_dir = none): no wakeup in 3 s")
        d.signal(signal.SIGTERM)
        check(d.wait_exit() == 0, "exit 0")
    finally:
        d.close()
        shutil.rmtree(tmp, ignore_errors=True)


def scenario_umockdev_burst(exe, tree, n=1000):
    """Real uevents through libudev's monitor (umockdev's preload library
    stands in for the netlink socket): a burst of add/remove of an
    accelerator, and of devices that do not count, makes one recompute."""
def umockdev_testbed():
    """umockdev's testbed, in a process running under its preload (exec'd
    again through umockdev-wrapper when it is not); exit 77 without it."""
    try:
        import gi
        gi.require_version("UMockdev", "1.0")
        from gi.repository import UMockdev
    except (ImportError, ValueError) as e:
        print("umockdev's GObject introspection is missing: %s" % e)
        sys.exit(77)
    if "umockdev" not in os.environ.get("LD_PRELOAD", ""):
        # The testbed works only in a process that runs under the preload.
        if not shutil.which("umockdev-wrapper"):
            print("umockdev-wrapper is missing")
            sys.exit(77)
        os.execvp("umockdev-wrapper", ["umockdev-wrapper", sys.executable] + sys.argv)
    return UMockdev.Testbed.new()


def scenario_umockdev_burst(exe, tree, n=1000):
    """Real uevents through libudev's monitor (umockdev's preload library
    stands in for the netlink socket): a burst of add/remove of an
    accelerator, and of devices that do not count, makes one recompute."""
    tb = umockdev_testbed()
    gpu = tb.add_device("pci", "0000:81:00.0", None,
                        ["class", "0x030200", "vendor", "0x1234", "device", "0x1111", "numa_node", "1"],
                        ["PCI_CLASS", "30200", "PCI_SLOT_NAME", "0000:81:00.0"])
    bmc = tb.add_device("pci", "0000:02:00.0", None,
                        ["class", "0x030000", "vendor", "0x1a03", "device", "0x2000", "numa_node", "0"],
                        ["PCI_CLASS", "30000", "PCI_SLOT_NAME", "0000:02:00.0"])
    card = tb.add_device("drm", "card1", gpu, [], ["DEVNAME", "dri/card1"])
    # Counted only through udev's database (not in the captured tree), with
    # an accel node: its removal must be recognized.
    npu = tb.add_device("pci", "0000:c1:00.0", None,
                        ["class", "0x048000", "vendor", "0x1e2c", "device", "0x0001", "numa_node", "1"],
                        ["PCI_CLASS", "48000", "PCI_SLOT_NAME", "0000:c1:00.0"])
    npu_accel = tb.add_device("accel", "accel0", npu, [], ["DEVNAME", "accel/accel0"])
    settle_s = 2
    tmp, root = make_root(tree, POLICY_OK.replace("100ms", "%ds" % settle_s))
    tbdir = tb.get_root_dir()
    d = Daemon(exe, root, args=["--udev=yes", "--log-level=debug"],
               env={"UMOCKDEV_DIR": tbdir})
    settled_lines = lambda log: [l for l in log.splitlines() if "settled" in l]
    try:
        d.wait_key("READY")
        # Devices that do not count: no recompute. umockdev's sender drops
        # (or, in older versions, aborts on) what does not fit in the
        # receiver's queue (net.unix.max_dgram_qlen, often 10): events go in
        # batches of 8, each sent once the daemon has read the one before.
        for i in range(40):
            tb.uevent(bmc, "add" if i % 2 == 0 else "remove")
            tb.uevent(card, "change")
            if i % 4 == 3:
                wait_uevents_taken(tbdir)
        # The daemon has read them all; a recompute they caused would come
        # one settle time later.
        d.drain(settle_s + 1.0)  # window: a settle time and a margin, for a recompute that must not come
        log = d.log()
        check("settled" not in log, "events of devices that do not count cause no recompute")

        check("3 devices followed" in log,
              "udev's enumeration adds the accel device's PCI parent to the known set")
        s0 = log.count(": settling.")
        tb.uevent(npu_accel, "remove")
        d.wait_log(lambda l: l.count(": settling.") >= s0 + 1, what="the accel node's removal")
        tb.uevent(npu, "remove")
        log = d.wait_log(lambda l: settled_lines(l), timeout=settle_s + 10, what="the recompute after the removal")
        settled = settled_lines(log)
        check(len(settled) == 1 and "after 2 events" in settled[0],
              "removal of a device known only to udev (accel node, then PCI device): one recompute: %r" % settled)
        base = log.count(": settling.")

        t0 = time.monotonic()
        for i in range(n):
            tb.uevent(gpu, "add" if i % 2 == 0 else "remove")
            if i % 8 == 7:
                # Wait until the daemon took the batch (one debug line each).
                d.wait_log(lambda l: l.count(": settling.") >= base + i + 1,
                           what="the daemon's 'settling.' line of event %d of the burst" % (i + 1))
        t_sent = time.monotonic() - t0
        # Every event was read (the last batch's lines are there): the one
        # recompute comes a settle time after the last.
        log = d.wait_log(lambda l: len(settled_lines(l)) >= 2, timeout=settle_s + 10, what="the burst's recompute")
        settled = settled_lines(log)[1:]
        check(len(settled) == 1, "a burst of %d uevents (sent in %.2f s): exactly one recompute: %r" % (n, t_sent, settled))
        check(("after %d events" % n) in settled[0] or "lost" in log,
              "the recompute saw all %d events (or knew it lost some)" % n)
        check(log.count("Wrote ") <= 1, "at most one apply")
        d.signal(signal.SIGTERM)
        check(d.wait_exit() == 0, "exit 0")
    finally:
        d.close()
        shutil.rmtree(tmp, ignore_errors=True)


def scenario_umockdev_dma(exe, tree):
    """Every DMA device is followed, not only accelerators: an NVMe
    controller bound by nvme (hot-added) makes one recompute, its removal
    (known from udev's database) another, a bridge's port driver none. And
    the daemon plans with the policy on disk: a policy edit written with
    'numacmactl apply' (no reload) stays when a device event makes the
    daemon recompute and apply."""
    tb = umockdev_testbed()
    ctl = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(exe))), "numacmactl", "numacmactl")
    policy = POLICY_OK.replace("apply = no", "apply = yes")
    tmp, root = make_root(tree, policy)
    os.makedirs(os.path.join(root, "etc", "default"), exist_ok=True)
    with open(os.path.join(root, "etc", "default", "grub"), "w") as f:
        f.write('GRUB_CMDLINE_LINUX_DEFAULT="quiet cma=64M"\n')
    dropin = os.path.join(root, "etc", "default", "grub.d", "90-numacma.cfg")
    port = tb.add_device("pci", "0000:80:01.0", None,
                         ["class", "0x060400", "vendor", "0x1b36", "device", "0x000c", "numa_node", "1"],
                         ["PCI_CLASS", "60400", "PCI_SLOT_NAME", "0000:80:01.0", "DRIVER", "pcieport"])
    d = Daemon(exe, root, args=["--udev=yes", "--log-level=debug"], env={"UMOCKDEV_DIR": tb.get_root_dir()})
    settled = lambda log: [l for l in log.splitlines() if "settled" in l]
    try:
        d.wait_key("READY")
        with open(dropin) as f:
            first = f.read()
        # The administrator's edit, written by numacmactl apply without a reload.
        write_policy(root, policy + "[node.0]\nsize = 32M\n")
        p = subprocess.run([ctl, "--root", root, "apply", "--no-commands"], capture_output=True, text=True)
        check(p.returncode == 0, "numacmactl apply: %s%s" % (p.stdout, p.stderr))
        with open(dropin) as f:
            edited = f.read()
        check(edited != first, "numacmactl apply wrote the edited policy's arguments: %r" % edited)

        tb.uevent(port, "bind")
        # With its driver link, as udev's database shows a bound device.
        nvme = "/sys/devices/pci0000:80/0000:80:01.0/0000:81:00.1"
        check(tb.add_from_string("P: %s\nE: SUBSYSTEM=pci\nE: DRIVER=nvme\nE: PCI_CLASS=10802\n"
                                 "E: PCI_SLOT_NAME=0000:81:00.1\nA: class=0x010802\nA: numa_node=1\n"
                                 "L: driver=../../../../bus/pci/drivers/nvme\n" % nvme[4:]),
              "umockdev took the NVMe controller")
        tb.uevent(nvme, "add")
        tb.uevent(nvme, "bind")
        # The recompute (and any write) is over once its last line is logged.
        done = lambda log: log.count("Recomputed (")
        log = d.wait_log(lambda l: done(l) >= 1, timeout=10, what="the recompute after the NVMe's bind")
        # umockdev sends "add" (with the driver already set) when the device
        # is made, then the "bind": one recompute for both.
        check(len(settled(log)) == 1, "the NVMe's add and bind make one recompute: %r" % settled(log))
        check("0000:81:00.1 (pci): settling." in log and "0000:80:01.0 (pci): settling." not in log,
              "the events named the NVMe, never the bridge")
        with open(dropin) as f:
            check(f.read() == edited, "the recompute kept the policy on disk: the edit was not reverted")
        check(log.count("Wrote ") == 1, "nothing written again (only at start)")

        tb.uevent(nvme, "remove")
        log = d.wait_log(lambda l: done(l) >= 2, timeout=10, what="the recompute after the NVMe's removal")
        check(len(settled(log)) == 2, "its removal makes a second recompute: %r" % settled(log))
        d.signal(signal.SIGTERM)
        check(d.wait_exit() == 0, "exit 0")
    finally:
        d.close()
        shutil.rmtree(tmp, ignore_errors=True)


SCENARIOS = {
    "umockdev-dma": scenario_umockdev_dma,
    "idle": scenario_idle,
    "umockdev-burst": scenario_umockdev_burst,
    "lifecycle": scenario_lifecycle,
    "bad-start": scenario_bad_start,
    "recompute": scenario_recompute,
    "apply": scenario_apply,
    "root-vanishes": scenario_root_vanishes,
    "metrics-refresh": scenario_metrics_refresh,
}


def main():
    # The prerequisite check (tests/needs notify-harness): exit 3 is its dry mode
    # (NUMACMA_NEEDS_ONLY=1: all there, stop here).
    rc = subprocess.call([os.path.join(os.path.dirname(os.path.abspath(__file__)), "needs"), "--prog", sys.argv[0], "notify-harness"])
    if rc:
        return 0 if rc == 3 else rc
    if len(sys.argv) != 4 or sys.argv[1] not in SCENARIOS:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        SCENARIOS[sys.argv[1]](sys.argv[2], sys.argv[3])
    except Fail as e:
        print("not ok - %s" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
