/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What numacma wrote into the boot configuration, and whether the last
 * update failed: kept under /var/lib/numacma/ (not /etc, not /run), so it
 * survives reboots and configuration resets (tuned PR #827). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define STATE_DIR "/var/lib/numacma"
#define OWNED_PATH STATE_DIR "/owned"
#define APPLY_FAILED_PATH STATE_DIR "/apply-failed"
/* When the last apply succeeded: seconds since the epoch, one line. */
#define LAST_APPLY_PATH STATE_DIR "/last-apply"

typedef struct {
        char *backend;   /* the backend the tokens were written with */
        char **tokens;   /* exactly as written, one per line in the file */
} OwnedRecord;

void owned_record_done(OwnedRecord *o);

/* -ENOENT when there is no record (never written, or lost). */
int owned_read(const char *root, OwnedRecord *ret);
/* Parse the record's text; unknown lines are ignored (a newer numacma may
 * add some). Linear in the text's size. */
int owned_parse(const char *text, OwnedRecord *ret);
/* The record's text, which owned_parse() reads back to exactly backend and
 * tokens. NULL on ENOMEM, and for what no line can hold: an empty token or
 * backend, or one with a newline (a kernel token numacma writes never has
 * one; recorded, its pieces would be taken for tokens numacma owns). */
char *owned_format(const char *backend, char *const *tokens);

/* The reason the last apply failed, -ENOENT when it did not. */
int apply_failed_read(const char *root, char **ret);
/* Written and cleared outside the boot configuration's own writes. */
int apply_failed_write(const char *root, const char *why);
int apply_failed_clear(const char *root);

/* The time of the last successful apply (seconds since the epoch); a file
 * whose content is not a number (an older or hand-made one) gives its
 * mtime. -ENOENT when none succeeded yet. */
int last_apply_read(const char *root, int64_t *ret);
int last_apply_write(const char *root);
