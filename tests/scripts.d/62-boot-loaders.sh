#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The boot configuration as each loader really reads it (issue 21):
# tests/check-boot-loaders.py on copies of tests/boot/trees, with Debian's
# real update-grub, grub-reboot and grub-set-default (this machine's
# grub2-common) chrooted into each root, Ubuntu's 10_linux as Ubuntu's
# build configures it, and numacmactl run chrooted as on a live system.
# Needs root (mount namespaces, chroot) and grub2-common; without them the
# cases that need them are skipped and said (77 when all are). About 3 min.
set -euo pipefail
: "${SRCDIR:?}" "${BUILD_DIR:?}"
exec python3 "$SRCDIR/tests/check-boot-loaders.py" "$BUILD_DIR/src/numacmactl/numacmactl" "$SRCDIR"
