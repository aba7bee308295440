/* SPDX-License-Identifier: GPL-2.0-or-later */
/* numacma's GRUB drop-in, /etc/default/grub.d/90-numacma.cfg: its own
 * lines (the comment it writes and one GRUB_CMDLINE_LINUX assignment) and
 * the lines someone else put there, which numacma keeps where they are. */
#pragma once

#include <stdbool.h>

#define GRUB_DROPIN_PATH "/etc/default/grub.d/90-numacma.cfg"

typedef struct {
        char **lines;    /* every line, without its newline */
        bool *own;       /* lines[i] is one numacma writes */
        long assign;     /* the index of numacma's assignment line, -1: none */
        char **tokens;   /* what that line adds to GRUB_CMDLINE_LINUX (the record) */
        bool prepend;    /* it adds them in front (the defaults hold a "--") */
} GrubDropin;

void grub_dropin_done(GrubDropin *d);
/* text NULL: no drop-in yet. -EBADMSG: numacma's line does not evaluate. */
int grub_dropin_parse(const char *text, GrubDropin *ret);
/* The lines numacma did not write, for messages: "line N: ...", NULL when none. */
char *grub_dropin_foreign(const GrubDropin *d);
/* The drop-in with numacma's lines saying tokens (none: its lines go) and
 * every other line where it was; NULL content: nothing is left, the file
 * goes. -ENOMEM only. */
int grub_dropin_format(const GrubDropin *d, char *const *tokens, bool prepend, char **ret);
