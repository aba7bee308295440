/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Boot Loader Specification type #1 entries (/boot/loader/entries/ *.conf):
 * the parser, and the edit of their options lines as tokens. */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef struct {
        char *id;          /* file name without ".conf" */
        char *title;
        char *version;
        char *linux_path;
        char *sort_key;
        char *machine_id;
        char *options;     /* every options line's value, joined by one space */
        size_t n_options;  /* number of options lines */
} BlsEntry;

void bls_entry_done(BlsEntry *e);
/* One line of an entry or of loader.conf: the key's length, and where the
 * value starts and how long it is (trailing blanks and CR dropped). */
void bls_line_split(const char *l, size_t len, size_t *key_len, size_t *val_off, size_t *val_len);
/* text of size bytes (NUL bytes are an error: -EBADMSG). */
int bls_entry_parse(const char *text, size_t size, BlsEntry *ret);
/* The entry with remove dropped from every options line and want appended
 * to the last (an options line is added when there is none); every other
 * byte as it was. A loader variable that is a token of its own ($NAME,
 * ${NAME}: RHEL's $tuned_params) is kept as a token; -EOPNOTSUPP when a '$'
 * is inside another token. (RHEL 8's "options $kernelopts" is edited in
 * grubenv instead, see bls_entries.h.) */
int bls_entry_edit(const char *text, char *const *remove, char *const *want, char **ret);
/* The same with the new tokens on the options line that starts at byte
 * target (GRUB's blscfg reads only the first): what is present is that
 * line's, and the tokens of move (numacma's own, which belong there) that
 * the target line gets are taken out of the other options lines. target SIZE_MAX: as
 * bls_entry_edit() (systemd-boot joins every options line). */
int bls_entry_edit_at(const char *text, char *const *remove, char *const *want, char *const *move, size_t target,
                      char **ret);
/* The release an entry boots: version, else from the linux image name. */
const char *bls_entry_release(const BlsEntry *e);
/* Boot menu order (sd-boot and GRUB's blscfg): sort-key, machine-id,
 * version descending; entries without sort-key after, by id descending. */
int bls_entry_compare(const BlsEntry *a, const BlsEntry *b);
