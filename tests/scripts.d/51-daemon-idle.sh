#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# numacmad makes no system call and no wakeup while idle (strace, /proc counters).
set -euo pipefail
: "${SRCDIR:?}" "${BUILD_DIR:?}"
exec python3 "$SRCDIR/tests/notify-harness.py" idle "$BUILD_DIR/src/numacmad/numacmad" \
        "$SRCDIR/tests/fixtures/trees/7.2-amd64-numa_cma-accel"
