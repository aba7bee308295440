#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The end-to-end test (tests/e2e/run): the administrator's journey on a real
# Debian system under qemu, with the .deb built from this tree. It does not
# skip when it cannot run (no root, no qemu, no mmdebstrap): it fails and
# says why. Only an explicit NUMACMA_SKIP_E2E=1 skips it (reported as a skip).
# NUMACMA_E2E_ARCHES (default "amd64"): the journeys, each ARCH or
# ARCH:SUITE; "amd64 amd64:trixie arm64" adds the Debian 13 amd64 guest and
# the arm64 journey (Debian 13, its 6.12 kernel, the patched kernel built:
# an hour or more under TCG on 2 cores).
set -uo pipefail
: "${SRCDIR:?}"
if [[ "${NUMACMA_SKIP_E2E:-}" == 1 ]]; then
	echo "e2e: SKIPPED on request (NUMACMA_SKIP_E2E=1)"
	exit 77
fi
rc=0
for run in ${NUMACMA_E2E_ARCHES:-amd64}; do
	arch=${run%%:*}
	suite=()
	[[ $run != *:* ]] || suite=(--suite "${run#*:}")
	echo "# tests/e2e/run --arch $arch ${suite[*]}"
	"$SRCDIR/tests/e2e/run" --arch "$arch" "${suite[@]}" || rc=1
done
exit $rc
