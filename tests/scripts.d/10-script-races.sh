#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# No flaky form in the repository's scripts (issue 10): a pipe into a reader
# that stops early (SIGPIPE under pipefail), a Popen with an unread PIPE, a
# sleep that does not say what it polls or measures. tests/check-scripts
# checks itself on known cases first, then every tracked script; it fails
# when it finds one, or finds no script at all.
set -euo pipefail
: "${SRCDIR:?}"
exec python3 "$SRCDIR/tests/check-scripts" --self-test
