/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whole-token edits of a command line, as every boot backend makes them:
 * remove by exact text, append what is not there exactly. */
#pragma once

#include <stdbool.h>

/* The whole-token texts of line ("" or NULL -> an empty vector). */
int tokens_of(const char *line, char ***ret);
/* line without the tokens in remove (exact text) and with every token of
 * want that is not already there exactly, appended before "--"; the rest
 * byte for byte. */
int tokens_edit(const char *line, char *const *remove, char *const *want, char **ret);
/* The line ends inside a double quote (next_arg() toggles on each one):
 * a token appended after it would become part of the quoted value. */
bool line_quote_open(const char *line);
