#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Real uevents through libudev's monitor, from umockdev: a burst of 1000
# add/remove events of an accelerator makes one recompute; a hot-added NVMe
# controller (any DMA device) makes one, and the recompute keeps a policy
# edit that 'numacmactl apply' wrote without a reload. Needs Debian's
# umockdev and gir1.2-umockdev-1.0 (and python3-gi for the python3 used).
set -euo pipefail
: "${SRCDIR:?}" "${BUILD_DIR:?}"
command -v umockdev-wrapper >/dev/null || { echo "umockdev not installed"; exit 77; }
py=
for p in python3 /usr/bin/python3; do
        if "$p" -c 'import gi; gi.require_version("UMockdev", "1.0"); from gi.repository import UMockdev' 2>/dev/null; then
                py="$p"
                break
        fi
done
[[ -n "$py" ]] || { echo "no python3 with gi and UMockdev (gir1.2-umockdev-1.0, python3-gi)"; exit 77; }
for run in umockdev-burst:7.2-amd64-numa_cma-accel umockdev-dma:7.2-amd64-implicit; do
        echo "# ${run%%:*} on ${run#*:}"
        "$py" "$SRCDIR/tests/notify-harness.py" "${run%%:*}" "$BUILD_DIR/src/numacmad/numacmad" \
                "$SRCDIR/tests/fixtures/trees/${run#*:}"
done
