#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package's install test (tests/packaging/install-test): build
# the .debs, install them into a cached Debian root, apply, upgrade with an
# edited policy, remove, purge. Skips (77) without root, mmdebstrap or
# debhelper, and when NUMACMA_SKIP_PACKAGING=1 (a few minutes of the run).
set -euo pipefail
[ "${NUMACMA_SKIP_PACKAGING:-0}" = 1 ] && { echo "skip: NUMACMA_SKIP_PACKAGING=1"; exit 77; }
exec "$SRCDIR/tests/packaging/install-test"
