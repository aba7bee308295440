#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# numacmad.service: 'systemd-analyze verify' clean, and the exposure score of
# 'systemd-analyze security --offline=true' printed and kept at 2.3 or lower
# (2.0, plus 0.3 for CAP_SYS_ADMIN: grub-probe on device-mapper, see the unit).
set -euo pipefail
: "${SRCDIR:?}" "${BUILD_DIR:?}"
unit="$BUILD_DIR/systemd/numacmad.service"
exe="$BUILD_DIR/src/numacmad/numacmad"
command -v systemd-analyze >/dev/null || { echo "systemd-analyze not installed"; exit 77; }
[[ -f "$unit" && -x "$exe" ]] || { echo "not built: $unit $exe"; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# verify checks that ExecStart= exists: point it at the build.
sed "s|^ExecStart=.*|ExecStart=$exe|" "$unit" > "$tmp/numacmad.service"
echo "# systemd-analyze verify"
out="$(systemd-analyze verify --man=no "$tmp/numacmad.service" 2>&1)" || { echo "$out"; exit 1; }
if [[ -n "$out" ]]; then
        echo "$out"
        echo "verify printed warnings"
        exit 1
fi
echo "# systemd-analyze security --offline=true"
sec="$(systemd-analyze security --offline=true "$tmp/numacmad.service" 2>&1 || true)"
line="$(grep -F 'Overall exposure level' <<< "$sec" || true)"
[[ -n "$line" ]] || { echo "$sec"; echo "no exposure score"; exit 1; }
echo "$line"
score="$(sed -E 's/.*: ([0-9]+\.[0-9]+).*/\1/' <<< "$line")"
if ! awk -v s="$score" 'BEGIN { exit !(s <= 2.3) }'; then
        grep -F '✗' <<< "$sec" || true
        echo "exposure $score is above 2.3"
        exit 1
fi
