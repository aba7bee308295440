/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Editing one variable of /etc/default/grub as kernel command-line tokens. */
#pragma once

/* text (a whole /etc/default/grub) with the last assignment of name edited
 * as kernel command-line tokens: the tokens of remove (exact text) taken
 * out of it with one blank beside each, those of want that it lacks
 * appended before its closing quote; everything else byte for byte, so
 * taking out what was appended gives the text back. The assignment must be
 * one quoted string ("..." or '...'); the new text is evaluated again and
 * must give exactly the tokens tokens_edit() gives. -ENOENT: name is not
 * set or empty (nothing to do); -EOPNOTSUPP or -EBADMSG: not edited,
 * *ret_why says why. */
int grub_default_edit_tokens(const char *text, const char *name, char *const *remove, char *const *want,
                             char **ret, char **ret_why);
