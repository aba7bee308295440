#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One writer at a time, and a crash at any moment leaves whole files that
# every later run converges from (issue 11): hundreds of racing writer pairs
# and writers killed with SIGKILL, on every boot layout, with and without
# the boot loader's commands (tests/check-writers.py). Needs root.
set -euo pipefail
: "${SRCDIR:?}" "${BUILD_DIR:?}"
exec python3 "$SRCDIR/tests/check-writers.py" "$BUILD_DIR" "$SRCDIR"
