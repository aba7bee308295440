#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The end-to-end test (tests/e2e/run): the administrator's journey on a real
# Debian system under qemu, with the .deb built from this tree. It does not
# skip when it cannot run (no root, no qemu, no mmdebstrap): it fails and
# says why. Only an explicit NUMACMA_SKIP_E2E=1 skips it (reported as a skip).
# NUMACMA_E2E_ARCHES (default "amd64"; "amd64 arm64" adds the arm64 guest).
set -uo pipefail
: "${SRCDIR:?}"
if [[ "${NUMACMA_SKIP_E2E:-}" == 1 ]]; then
	echo "e2e: SKIPPED on request (NUMACMA_SKIP_E2E=1)"
	exit 77
fi
rc=0
for arch in ${NUMACMA_E2E_ARCHES:-amd64}; do
	echo "# tests/e2e/run --arch $arch"
	"$SRCDIR/tests/e2e/run" --arch "$arch" || rc=1
done
exit $rc
