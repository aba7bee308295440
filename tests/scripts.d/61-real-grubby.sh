#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# numacma with Fedora's real grubby (issue 14): Fedora and RHEL 8 layouts
# chrooted in a private mount namespace, apply / re-apply / policy change /
# the administrator's own grubby / a new kernel through the kernel-install
# plugin / remove-all, compared with the direct BLS path and with the
# untouched root byte for byte; then numacmad under the unit's own sandbox
# (tests/check-real-grubby.py). The real grubby is test equipment outside
# the repository ($SRCDIR/../shared/tools/grubby-bls/grubby): without it,
# and without root, this skips (77) and says why. About 10 s.
set -euo pipefail
: "${SRCDIR:?}" "${BUILD_DIR:?}"
exec python3 "$SRCDIR/tests/check-real-grubby.py" "$BUILD_DIR" "$SRCDIR"
