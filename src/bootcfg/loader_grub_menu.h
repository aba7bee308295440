/* SPDX-License-Identifier: GPL-2.0-or-later */
/* GRUB at boot, from its own code: which menu entry of grub.cfg it boots
 * (the header 00_header writes: load_env, next_entry, default; the title
 * corrections 10_linux appends; grub-core/normal/menu.c's choice by index,
 * title or id, level by level) and the command line its linux command
 * gives the kernel (GRUB script words: quotes, escapes, variables;
 * grub-core/lib/cmdline.c). */
#pragma once

#include <stdbool.h>

#include "bootcfg/grub_cfg_parse.h"

/* GRUB's variables: grubenv's (load_env) and the ones grub.cfg sets at its
 * top level. NAME=VALUE strings; later ones win. */
typedef struct {
        char **vars;
} GrubVars;

void grub_vars_done(GrubVars *v);
/* NULL when not set. */
const char *grub_vars_get(const GrubVars *v, const char *name);
int grub_vars_set(GrubVars *v, const char *name, const char *value);
/* Every variable of a grubenv block. */
int grub_vars_load_env(GrubVars *v, const char *grubenv_text);

/* The words of one line of GRUB script: quotes and backslashes as GRUB's
 * lexer reads them, $NAME and ${NAME} expanded from vars (unset: empty;
 * unquoted, the value is split at blanks and an empty one makes no word). */
int grub_script_words(const char *line, const GrubVars *vars, char ***ret);
/* The command line GRUB's linux command passes for these arguments
 * (grub_create_loader_cmdline()): an argument with a blank is put in
 * double quotes, '\', '\'' and '"' get a backslash. Without BOOT_IMAGE=. */
char *grub_loader_cmdline(char *const *args);

typedef struct {
        const GrubEntry *entry;  /* NULL: no entry with a linux line */
        char *once;              /* grub-reboot's one-shot that picks it: what it names; NULL: none */
        char *then;              /* with a one-shot: the title of the entry the boots after it start */
} GrubChoice;

void grub_choice_done(GrubChoice *c);
/* The value of GRUB's 'default' once grub.cfg's header ran (NULL: unset),
 * and *ret_once the value of grub-reboot's next_entry when that is it.
 * Without a header (cfg NULL or without one), 00_header's rules from
 * grub_default (GRUB_DEFAULT: empty is "0", "saved" is ${saved_entry}) and
 * next_entry first. vars get grubenv's variables (load_env), then
 * grub.cfg's top-level ones. */
int grub_menu_default(const GrubCfg *cfg, const char *grubenv_text, const char *grub_default, GrubVars *vars,
                      char **ret, char **ret_once);
/* The entry a value of 'default' leads to, submenu by submenu (upstream
 * GRUB's choice); NULL: no entry with a linux line. */
const GrubEntry *grub_menu_resolve(const GrubCfg *cfg, const char *def);
/* The entry GRUB boots with this grub.cfg and grubenv (NULL: none). Its
 * header says where 'default' comes from; without one (no grub.cfg read
 * yet: BLS layouts), grub_default is 00_header's input (GRUB_DEFAULT, NULL:
 * "0") and next_entry counts, as the header 00_header writes does. vars
 * get grubenv's variables when the header loads them, then grub.cfg's own
 * top-level ones. */
int grub_menu_choose(const GrubCfg *cfg, const char *grubenv_text, const char *grub_default, GrubVars *vars,
                     GrubChoice *ret);
/* The GRUB that reads the menu: their menu.c choose differently. */
typedef enum {
        GRUB_UPSTREAM,  /* GNU GRUB as Debian and Ubuntu ship it */
        GRUB_RHBOOT,    /* Fedora's and RHEL's (rhboot/grub2): ids first */
} GrubFlavor;

/* Which of n menu items (titles, ids, in menu order, no submenus) the
 * value of 'default' names: menu.c's get_entry_number(). -1: none (GRUB
 * then boots the first). */
long grub_menu_pick(const char *value, char *const *titles, char *const *ids, size_t n, GrubFlavor flavor);
