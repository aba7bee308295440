/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The menu entries of a generated grub.cfg, and which one GRUB boots. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef struct {
        char *title;
        char *id;        /* $menuentry_id_option '...' */
        char *path;      /* "0", "1>2": the form GRUB_DEFAULT and saved_entry use */
        char *kernel;    /* the linux line's image */
        char *args;      /* the rest of the linux line, as written */
        char *release;   /* from the image name (vmlinuz-RELEASE), or NULL */
        long item;       /* its place in the menu (GrubCfg.items) */
} GrubEntry;

/* One item of the menu as GRUB builds it: a menuentry or a submenu. */
typedef struct {
        char *title, *id;
        long parent;     /* the submenu it is in (index into items), -1: the top level */
        bool submenu;
        long entry;      /* index into entries once it has a linux line, else -1 */
} GrubItem;

#define GRUB_CFG_ERRORS_MAX 20

typedef struct {
        GrubEntry *entries;
        size_t n;
        GrubItem *items;  /* every menuentry and submenu, in the file's order */
        size_t n_items;
        char **top;       /* the lines outside every block (the header's script) */
        /* What was malformed, "line N: ...": the first GRUB_CFG_ERRORS_MAX
         * (n_errors counts all). A broken entry is reported and skipped or
         * closed; the entries around it keep their places. */
        char **errors;
        unsigned n_errors;
} GrubCfg;

/* Fails only for lack of memory: what cannot be read is in errors. */
int grub_cfg_parse(const char *text, GrubCfg *ret);
void grub_cfg_done(GrubCfg *c);
/* "vmlinuz-6.1.0-18-amd64" -> "6.1.0-18-amd64" */
char *kernel_release_of_image(const char *image);
