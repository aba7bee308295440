/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The menu entries of a generated grub.cfg, and which one GRUB boots. */
#pragma once

#include <stddef.h>

typedef struct {
        char *title;
        char *id;        /* $menuentry_id_option '...' */
        char *path;      /* "0", "1>2": the form GRUB_DEFAULT and saved_entry use */
        char *kernel;    /* the linux line's image */
        char *args;      /* the rest of the linux line, as written */
        char *release;   /* from the image name (vmlinuz-RELEASE), or NULL */
} GrubEntry;

#define GRUB_CFG_ERRORS_MAX 20

typedef struct {
        GrubEntry *entries;
        size_t n;
        /* What was malformed, "line N: ...": the first GRUB_CFG_ERRORS_MAX
         * (n_errors counts all). A broken entry is reported and skipped or
         * closed; the entries around it keep their places. */
        char **errors;
        unsigned n_errors;
} GrubCfg;

/* Fails only for lack of memory: what cannot be read is in errors. */
int grub_cfg_parse(const char *text, GrubCfg *ret);
void grub_cfg_done(GrubCfg *c);
/* GRUB_DEFAULT ("0", "1>2", a title or an id, "saved" with saved_entry
 * from grubenv) -> the entry GRUB boots; entry 0 when nothing matches, as
 * GRUB falls back. NULL when there is no entry with a linux line. */
const GrubEntry *grub_cfg_default(const GrubCfg *c, const char *grub_default, const char *saved_entry);
/* A variable of a grubenv block (saved_entry, kernelopts), unescaped;
 * NULL when not set. */
char *grubenv_get(const char *text, const char *key);
/* The block (size bytes, as read) with key's value replaced, escaped as
 * GRUB does; the '#' padding after the last line keeps the size. -ENOENT:
 * key is not set; -ENOSPC: no room; -EBADMSG: not a grubenv block. */
int grubenv_set(const char *text, size_t size, const char *key, const char *value, char **ret);
/* "vmlinuz-6.1.0-18-amd64" -> "6.1.0-18-amd64" */
char *kernel_release_of_image(const char *image);
