#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# numacma's GRUB drop-in through the real grub-mkconfig: apply to a copy of
# tests/boot/trees/debian-grub, run grub-mkconfig with that tree's
# /etc/default and /boot bound over the real ones (a private mount
# namespace), and check the generated linux lines (recovery entries too);
# then nodes = none and the token is gone. Also the kernel-install plugin
# on the systemd-boot tree. Needs root, unshare and grub-mkconfig
# (Debian: grub2-common, grub-pc-bin); skips (77) without them.
set -euo pipefail
ctl="$BUILD_DIR/src/numacmactl/numacmactl"
plan="numa_cma=0:64M,1:100M"
[ "$(id -u)" = 0 ] || { echo "skip: needs root for mount namespaces"; exit 77; }
command -v grub-mkconfig >/dev/null && command -v unshare >/dev/null ||
	{ echo "skip: grub-mkconfig or unshare missing (install grub2-common grub-pc-bin)"; exit 77; }
unshare -m true 2>/dev/null || { echo "skip: cannot make a mount namespace"; exit 77; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
t="$work/root"
cp -a "$SRCDIR/tests/boot/trees/debian-grub" "$t"
rel=$(ls "$t/boot" | sed -n 's/^config-//p' | sed -n 1p)
boot="$work/sys/boot"
mkdir -p "$boot/grub"
head -c 65536 /dev/urandom > "$boot/vmlinuz-$rel"
cp "$t/boot/config-$rel" "$boot/"

mkconfig() {
	unshare -m sh -c "mount --bind '$t/etc/default' /etc/default && mount --bind '$boot' /boot &&
		grub-mkconfig -o /boot/grub/grub.cfg" > "$work/mkconfig.log" 2>&1 ||
		{ cat "$work/mkconfig.log"; echo "FAIL: grub-mkconfig failed"; exit 1; }
	sed "s|$work/sys||g" "$boot/grub/grub.cfg" > "$t/boot/grub/grub.cfg"
}

"$ctl" --root "$t" apply
mkconfig
lines=$(grep -c $'^\t*linux\t' "$t/boot/grub/grub.cfg")
with=$(grep $'^\t*linux\t' "$t/boot/grub/grub.cfg" | grep -c -- " $plan\( \|$\)" || true)
[ "$lines" -ge 3 ] && [ "$lines" = "$with" ] ||
	{ grep $'linux\t' "$t/boot/grub/grub.cfg"; echo "FAIL: $with of $lines linux lines carry $plan"; exit 1; }
# (Counted, not grep -q: a grep that exits at its first match kills the
# grep before it with SIGPIPE, and pipefail then hides the match.)
twice=$(grep $'^\t*linux\t' "$t/boot/grub/grub.cfg" | grep -c -- "$plan.*$plan" || true)
[ "$twice" = 0 ] || { echo "FAIL: $plan twice"; exit 1; }
grep -q 'dyndbg="file foo.c +p"' "$t/boot/grub/grub.cfg" || { echo "FAIL: the quoted argument was lost"; exit 1; }
rc=0
"$ctl" --root "$t" status > "$work/status" || rc=$?
[ "$rc" = 1 ] || { cat "$work/status"; echo "FAIL: status exits $rc, not 1 (pending-reboot)"; exit 1; }
grep -q "pending-reboot" "$work/status" && grep -q "Next boot:.*$plan" "$work/status" ||
	{ cat "$work/status"; echo "FAIL: status does not show the next boot"; exit 1; }
# Idempotent: the second apply changes no file.
before=$(find "$t/etc" "$t/boot" -type f -printf '%p %T@\n' | sort)
"$ctl" --root "$t" apply > /dev/null
after=$(find "$t/etc" "$t/boot" -type f -printf '%p %T@\n' | sort)
[ "$before" = "$after" ] || { echo "FAIL: a re-apply changed files"; exit 1; }
# grub.cfg now has the token and /proc/cmdline not: Debian's reboot flag.
grep -qx numacma "$t/run/reboot-required.pkgs" || { echo "FAIL: no /run/reboot-required.pkgs"; exit 1; }

printf '[pools]\nnodes = none\n' > "$t/etc/numacma.conf"
"$ctl" --root "$t" apply
[ ! -e "$t/etc/default/grub.d/90-numacma.cfg" ] || { echo "FAIL: drop-in left"; exit 1; }
mkconfig
grep -q numa_cma "$t/boot/grub/grub.cfg" && { echo "FAIL: numa_cma left in grub.cfg"; exit 1; }
grep -q 'cma=64M' "$t/boot/grub/grub.cfg" || { echo "FAIL: the administrator's cma= was lost"; exit 1; }

# The kernel-install plugin: a new entry (as 90-loaderentry.install would
# write it, from an /etc/kernel/cmdline without numacma's token) gets it.
s="$work/sd"
cp -a "$SRCDIR/tests/boot/trees/sdboot" "$s"
mkdir -p "$work/bin"
printf '#!/bin/sh\nexec "%s" --root "%s" "$@"\n' "$ctl" "$s" > "$work/bin/numacmactl"
chmod +x "$work/bin/numacmactl"
PATH="$work/bin:$PATH" "$ctl" --root "$s" apply > /dev/null
e=$(ls "$s"/boot/efi/loader/entries/*.conf | sed -n 1p)
sed -e "s/$rel/$rel.new/" -e "s/ $plan//" "$e" > "${e%$rel.conf}$rel.new.conf"
PATH="$work/bin:$PATH" sh "$SRCDIR/kernel-install/90-numacma.install" add "$rel.new" /nonexistent
grep -q -- "$plan" "${e%$rel.conf}$rel.new.conf" || { echo "FAIL: the plugin did not add $plan to the new entry"; exit 1; }
PATH=/nonexistent /bin/sh "$SRCDIR/kernel-install/90-numacma.install" add x /nonexistent
# A failing numacmactl never fails the installation.
printf '#!/bin/sh\nexit 1\n' > "$work/bin/numacmactl"
PATH="$work/bin:$PATH" sh "$SRCDIR/kernel-install/90-numacma.install" add x /nonexistent 2>/dev/null
echo "grub-mkconfig and the kernel-install plugin: OK"
