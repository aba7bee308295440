/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unified diffs (diff -u) of small text files, for apply --dry-run and
 * numacmactl diff. */
#pragma once

/* The diff from old to new, labelled with path ("a/..."/"b/..."; a NULL
 * side is /dev/null: a file created or removed). "" when they are equal;
 * NULL on ENOMEM. Large inputs degrade to one hunk, never to a wrong diff. */
char *udiff(const char *path, const char *old, const char *new);
