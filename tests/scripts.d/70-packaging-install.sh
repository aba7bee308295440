#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package's install test (tests/packaging/install-test), in a
# root of this machine's release and in a Debian 13 (trixie) root (its
# packages built in a trixie build root): install, apply, upgrade, remove,
# purge, with the debconf question answered both ways.
# NUMACMA_PACKAGING_SUITES sets the releases ("host trixie" by default;
# "host" is this machine's). Skips (77) without root, mmdebstrap or
# debhelper, and when NUMACMA_SKIP_PACKAGING=1 (a few minutes of the run).
# It works in roots of its own on copies of the tree (packaging/copy-tree,
# which leaves out the build directories) and waits much of its time on
# dpkg and the disk: tests/run-tests starts it alongside the builds, at
# nice 10 so that the steps in front keep the cores they need. Its cache
# files (.cache/pkg/rootfs-*, buildroot-*) are its own: rpm-install-test's
# have another name.
# run-tests: background
set -euo pipefail
[ "${NUMACMA_SKIP_PACKAGING:-0}" = 1 ] && { echo "skip: NUMACMA_SKIP_PACKAGING=1"; exit 77; }
host=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
suites=()
for s in ${NUMACMA_PACKAGING_SUITES:-host trixie}; do
	[ "$s" = host ] && s=$host
	[[ " ${suites[*]} " == *" $s "* ]] || suites+=("$s")
done
rc=0
for s in "${suites[@]}"; do
	echo "== install-test in a $s root"
	r=0
	SUITE=$s nice -n 10 "$SRCDIR/tests/packaging/install-test" || r=$?
	[ "$r" = 77 ] && { echo "install-test skipped in $s"; [ "$rc" = 0 ] && rc=77; continue; }
	[ "$r" = 0 ] || rc=1
done
exit "$rc"
