#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The RPM packages' install test (tests/packaging/rpm-install-test): rpm
# --root install, the daemon's first apply, upgrade with an edited policy,
# erase, in a Debian root with a Fedora boot layout (Fedora's real grubby
# when ../shared has it). It installs the packages 71-packaging-rpm.sh left
# in $BUILD_DIR/packaging-rpm (else it builds them) and builds the upgrade's.
# Skips (77) without root, rpm or mmdebstrap, and when
# NUMACMA_SKIP_PACKAGING=1. About 50 s warm.
set -euo pipefail
[ "${NUMACMA_SKIP_PACKAGING:-0}" = 1 ] && { echo "skip: NUMACMA_SKIP_PACKAGING=1"; exit 77; }
rpms=$BUILD_DIR/packaging-rpm
if compgen -G "$rpms/numacma-[0-9]*.rpm" > /dev/null; then
	exec "$SRCDIR/tests/packaging/rpm-install-test" "$rpms"
fi
exec "$SRCDIR/tests/packaging/rpm-install-test"
