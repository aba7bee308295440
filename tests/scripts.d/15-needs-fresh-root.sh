#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every documented command gets past its prerequisite check on a fresh root
# of this machine's Debian release, after the README's first command
# (tests/distro/needs-check: about 4 minutes of CPU time; 9 to 13 minutes
# on 2 cores shared with other work).
# NUMACMA_NEEDS_SUITES="bookworm trixie" checks those releases instead (the
# other one adds its own install). Skips (77) without root, and with
# NUMACMA_SKIP_NEEDS_CHECK=1 (set by tests/distro/debian13-check, which is
# such a fresh root itself).
# It works in a clean clone of HEAD inside a root of its own, and mostly
# waits on the archive and dpkg: tests/run-tests starts it alongside the
# builds.
# run-tests: background
set -uo pipefail
: "${SRCDIR:?}"
if [[ "${NUMACMA_SKIP_NEEDS_CHECK:-}" == 1 ]]; then
	echo "needs-check: SKIPPED on request (NUMACMA_SKIP_NEEDS_CHECK=1)"
	exit 77
fi
if [[ "$(id -u)" != 0 ]]; then
	echo "needs-check: needs root (mmdebstrap, chroot): skipped"
	exit 77
fi
rc=0
for suite in ${NUMACMA_NEEDS_SUITES:-$(. /etc/os-release && echo "$VERSION_CODENAME")}; do
	t0=$SECONDS
	echo "# tests/distro/needs-check --suite $suite"
	nice -n 10 "$SRCDIR/tests/distro/needs-check" --suite "$suite" || rc=1
	echo "# $suite: $((SECONDS - t0)) s"
done
exit $rc
