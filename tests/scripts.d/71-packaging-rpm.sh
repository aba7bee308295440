#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The RPM packages build (packaging/build-rpm, with the spec's %check) and
# rpmlint reports no error. The packages stay in $BUILD_DIR/packaging-rpm for
# the install test (72-packaging-rpm-install.sh). Skips (77) without rpmbuild
# or with NUMACMA_SKIP_PACKAGING=1.
set -euo pipefail
[ "${NUMACMA_SKIP_PACKAGING:-0}" = 1 ] && { echo "skip: NUMACMA_SKIP_PACKAGING=1"; exit 77; }
command -v rpmbuild >/dev/null || { echo "skip: rpmbuild is not installed (Debian: rpm)"; exit 77; }
out=$BUILD_DIR/packaging-rpm
rm -rf "$out"
mkdir -p "$out"
"$SRCDIR/packaging/build-rpm" "$out" > "$BUILD_DIR/packaging-rpm.log" 2>&1 ||
	{ tail -40 "$BUILD_DIR/packaging-rpm.log"; rm -rf "$out"; echo "FAIL: packaging/build-rpm"; exit 1; }
grep '^build-rpm: \|rpmlint\|errors\|warnings' "$BUILD_DIR/packaging-rpm.log" | tail -n 8
ls "$out"/numacma-[0-9]*.rpm "$out"/numacma-kernel-patches-*.noarch.rpm > /dev/null
