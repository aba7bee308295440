#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A real prometheus-node-exporter reads the numacma.prom that
# metrics_write_textfile() writes (tests/fleet/write-textfile.c, as
# numacmad does): it listens on 127.0.0.1 on a free port with
# --collector.textfile.directory, and its /metrics must hold numacma's
# series, no textfile scrape error, and the inputs the alert rules use
# (node_textfile_mtime_seconds{file=~".*numacma.prom"}, node_boot_time_seconds).
# A rewrite is seen at the next scrape. Skips (77) only when
# prometheus-node-exporter is not installed.
set -euo pipefail
SRCDIR="${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
BUILD_DIR="${BUILD_DIR:-$SRCDIR/build}"
exporter="$(command -v prometheus-node-exporter || command -v node_exporter || true)"
if [[ -z "$exporter" ]]; then
	echo "prometheus-node-exporter not installed: skipped"
	exit 77
fi
driver="$BUILD_DIR/tests/numacma-write-textfile"
[[ -x "$driver" ]] || { echo "missing $driver (build first)"; exit 1; }
trees="$SRCDIR/tests/fixtures/trees"

tmp="$(mktemp -d)"
pid=
cleanup() {
	if [[ -n "$pid" ]]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
# numacmad writes the first file itself: [daemon] metrics_dir = auto means
# Debian's directory when it exists, below the root here.
root="$tmp/root"
cp -a "$trees/7.2-amd64-numa_cma-accel" "$root"
mkdir -p "$root/etc" "$root/var/lib/prometheus/node-exporter"
printf '[daemon]\napply = no\n' > "$root/etc/numacma.conf"
ln -s "$root/var/lib/prometheus/node-exporter" "$tmp/textfile"
"$BUILD_DIR/src/numacmad/numacmad" --root "$root" --once
stat -c '%a %n' "$tmp/textfile/numacma.prom"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$exporter" --web.listen-address="127.0.0.1:$port" \
	--collector.disable-defaults --collector.textfile --collector.stat \
	--collector.textfile.directory="$tmp/textfile" > "$tmp/exporter.log" 2>&1 &
pid=$!

# fetch FILE: /metrics into FILE once the exporter answers (deadline 30 s, no fixed sleep).
fetch() {
	python3 - "$port" "$1" "$pid" <<'PY'
import os, sys, time, urllib.request
port, out, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
deadline = time.monotonic() + 30
while True:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            open(out, "wb").write(r.read())
        sys.exit(0)
    except OSError as e:
        try:
            os.kill(pid, 0)
        except OSError:
            sys.exit(f"the exporter exited: {e}")
        if time.monotonic() > deadline:
            sys.exit(f"no answer on 127.0.0.1:{port} within 30 s: {e}")
        time.sleep(0.1)
PY
}

# want FILE REGEX: a line of FILE matches (whole line).
fails=0
want() {
	if grep -qxE "$2" "$1"; then
		echo "ok: $2"
	else
		echo "MISSING: $2"
		fails=$((fails + 1))
	fi
}

if ! fetch "$tmp/m1"; then
	cat "$tmp/exporter.log"
	exit 1
fi
echo "scraped $(grep -c '^numacma_' "$tmp/m1") numacma_ samples from 127.0.0.1:$port/metrics"
want "$tmp/m1" 'numacma_state\{state="ok"\} 1'
want "$tmp/m1" 'numacma_state\{state="degraded"\} 0'
want "$tmp/m1" 'numacma_info\{backend="none",kernel_release="7\.2\.13\+deb14-amd64",version="[^"]+"\} 1'
want "$tmp/m1" 'numacma_node_pool_size_bytes\{node="1"\} 2\.01326592e\+08'
want "$tmp/m1" 'numacma_node_pool_free_bytes\{node="0"\} 6\.7108864e\+07'
want "$tmp/m1" 'numacma_node_pool_used_bytes\{node="0"\} 0'
want "$tmp/m1" '# TYPE numacma_node_pool_allocation_failed_bytes_total counter'
want "$tmp/m1" 'numacma_node_pool_allocation_failed_bytes_total\{node="1"\} 0'
want "$tmp/m1" 'numacma_device_local_pool\{address="0000:81:00\.0",node="1"\} 1'
want "$tmp/m1" 'numacma_reboot_required 0'
want "$tmp/m1" 'numacma_last_apply_failed 0'
want "$tmp/m1" 'node_textfile_scrape_error 0'
# What NumacmaMetricsStale matches (monitoring/numacma.rules.yml).
want "$tmp/m1" 'node_textfile_mtime_seconds\{file="(.*/)?numacma\.prom"\} [0-9.e+]+'
want "$tmp/m1" 'node_boot_time_seconds [0-9.e+]+'

# A rewrite (another machine's status) is what the next scrape shows.
"$driver" "$trees/7.2-amd64-accel-remote" "$tmp/textfile"
fetch "$tmp/m2"
want "$tmp/m2" 'numacma_state\{state="degraded"\} 1'
want "$tmp/m2" 'numacma_state\{state="ok"\} 0'
want "$tmp/m2" 'numacma_device_remote_default_area\{address="0000:81:00\.0",node="0"\} 1'
# Only numacma.prom is there: no temp file left for the collector.
ls -A "$tmp/textfile"
[[ "$(ls -A "$tmp/textfile")" == numacma.prom ]] || { echo "unexpected files in the textfile directory"; fails=$((fails + 1)); }

if ((fails)); then
	echo "--- /metrics (numacma and textfile lines):"
	grep -E '^(numacma_|node_textfile)' "$tmp/m1" "$tmp/m2" || true
	exit 1
fi
echo "node_exporter $("$exporter" --version 2>&1 | awk 'NR == 1 {print $3}') serves numacma's series"
