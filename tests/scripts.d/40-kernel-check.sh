#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The kernel patch series (patches/kernel/): fetch Debian's linux-source-6.12
# and -7.2 through apt, apply each series, checkpatch, and build
# kernel/dma/contiguous.o for x86_64 and arm64 at every patch step. The full
# build-and-boot test is tests/kernel/boot-test (about an hour): see README.
# NUMACMA_SKIP_KERNEL_CHECK=1 skips it (reported as a skip; for
# tests/distro/debian13-check, whose fresh root has no cached kernel sources).
# It reads nothing the builds make (its trees and objects are in the cache's
# kernel/ directory), and its fetch and unpack wait on the archive and the
# disk: tests/run-tests starts it alongside the builds. Its object builds
# run at nice 10, as needs-check does, so that they take the cores the
# builds and tests in front leave idle rather than slow them.
# run-tests: background
set -euo pipefail
[ "${NUMACMA_SKIP_KERNEL_CHECK:-0}" = 1 ] && { echo "skip: NUMACMA_SKIP_KERNEL_CHECK=1"; exit 77; }
exec nice -n 10 bash "$SRCDIR/tests/kernel/check"
