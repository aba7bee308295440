#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Ansible role against the e2e guest over SSH (tests/fleet/ansible-run):
# opt-in, about 20 minutes on 2 cores. Runs with NUMACMA_FLEET_VM=1; skips
# (77) otherwise.
set -euo pipefail
SRCDIR="${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
if [[ "${NUMACMA_FLEET_VM:-}" != 1 ]]; then
	echo "tests/fleet/ansible-run is opt-in (about 20 minutes): NUMACMA_FLEET_VM=1 runs it"
	exit 77
fi
exec nice -n 10 "$SRCDIR/tests/fleet/ansible-run"
