/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The edits of a BLS layout as tokens: each entry's options where its
 * loader reads them (GRUB's blscfg: the first options line it reads;
 * systemd-boot: the last, all of them joined), /etc/kernel/cmdline,
 * grubenv's kernelopts (RHEL 8) and GRUB_CMDLINE_LINUX in
 * /etc/default/grub (grubby's layouts). */
#include "basic/chase.h"
#include "basic/fileio.h"
#include "bootcfg/bls_edit.h"
#include "bootcfg/bls_next.h"
#include "bootcfg/grub_defaults.h"
#include "bootcfg/grub_defaults_edit.h"
#include "bootcfg/grubenv.h"
#include "kernel/cma_args.h"
#include "kernel/cmdline.h"
#include "kernel/cmdline_tokens.h"

/* A per-node argument on the line that numacma did not write (it is
 * neither one of its own being removed nor one it wants): the
 * administrator's, on this entry. */
bool bls_admin_pernode(BootCtx *c, const char *line, char **ret_token) {
        _cleanup_cmdline_ Cmdline *l = NULL;
        if (!(c->flags & BOOT_APPLY_RESPECT_ADMIN) || cmdline_parse(strempty(line), &l) < 0)
                return false;
        for (size_t i = 0; i < l->n; i++) {
                const CmdlineToken *t = &l->tokens[i];
                if (!t->init && cma_key_is_pernode(t->key) && !strv_contains(c->remove, t->text) &&
                    !strv_contains(c->want, t->text)) {
                        *ret_token = strdup(t->text);
                        return true;
                }
        }
        return false;
}


bool bls_uses_kernelopts(const char *options) {
        _cleanup_strv_free_ char **t = NULL;
        return tokens_of(options, &t) >= 0 && (strv_contains(t, "$kernelopts") || strv_contains(t, "${kernelopts}"));
}

static bool quotes_closed(const char *s) {
        size_t n = 0;
        for (; *s; s++)
                n += *s == '"';
        return n % 2 == 0;
}

/* What the loader passes for an entry, as bytes: GRUB's linux command
 * puts BOOT_IMAGE=<image> in front of blscfg's options
 * (grub-core/loader/i386/linux.c, and the same in the arm64/EFI loaders);
 * systemd-boot passes every options line joined. */
static int loader_length(const EntryFile *f, const char *text, BlsLoader loader, size_t *ret) {
        BlscfgEntry g;
        SdbootEntry s;
        int r;
        if (loader == BLS_BY_SDBOOT) {
                if ((r = sdboot_entry_parse(strrchr(f->path, '/') + 1, text, &s)) < 0)
                        return r;
                *ret = strlen(s.options);
                sdboot_entry_done(&s);
                return 0;
        }
        if ((r = blscfg_parse(text, strlen(text), &g)) < 0)
                return r;
        *ret = strlen("BOOT_IMAGE=") + strlen(strempty(g.linux_path)) + 1 + strlen(strempty(g.options));
        blscfg_entry_done(&g);
        return 0;
}

/* The options the kernel gets from the entry, as the loader expands them
 * (GRUB: $tuned_params and the like from grubenv). */
static char *loader_line(BootCtx *c, const EntryFile *f, BlsLoader loader) {
        if (loader == BLS_BY_SDBOOT)
                return strdup(f->s.options);
        _cleanup_free_ char *env = bls_grubenv(c->root, NULL);
        GrubVars vars = {0};
        char *line = env && grub_vars_load_env(&vars, env) < 0 ? NULL : blscfg_options(&f->g, &vars);
        grub_vars_done(&vars);
        return line;
}

/* GRUB: the new tokens on the first options line blscfg reads, numacma's
 * own taken off the others; systemd-boot: on the last. */
static int edit_text(BootCtx *c, const EntryFile *f, BlsLoader loader, char *const *want, char **ret) {
        if (loader == BLS_BY_SDBOOT)
                return bls_entry_edit(f->text, c->remove, want, ret);
        return bls_entry_edit_at(f->text, c->remove, want, c->next ? c->next->owned : NULL, f->g.options_at, ret);
}

/* One entry's new text, or NULL when it stays as it is (with a note). */
static int edit_one(BootCtx *c, const EntryFile *f, BlsLoader loader, char **ret) {
        _cleanup_free_ char *admin = NULL, *line = NULL;
        char *const *want = c->want;
        *ret = NULL;
        /* Its line is grubenv's kernelopts, edited there. */
        if (loader == BLS_BY_GRUB && f->g.options && bls_uses_kernelopts(f->g.options))
                return 0;
        if (loader == BLS_BY_GRUB && !f->g.options) {
                /* No options line GRUB reads: only numacma's own tokens go. */
                if (want && *want)
                        boot_ctx_note(c, "%s", line = bls_no_options_why(f));
                return bls_entry_edit(f->text, c->remove, NULL, ret);
        }
        /* blscfg splits at the first space, else the first tab: an
         * "options<TAB>value" line without a space would have another key
         * once numacma's token and its space were added. */
        if (loader == BLS_BY_GRUB && want && *want && !memchr(f->text + f->g.options_at, ' ', f->g.options_len)) {
                boot_ctx_note(c, "'%s': its options line separates key and value with a tab and has no space; with numacma's token GRUB would read another key: left as it is", f->path);
                return bls_entry_edit(f->text, c->remove, NULL, ret);
        }
        if (!(line = loader_line(c, f, loader)))
                return -ENOMEM;
        if (loader == BLS_BY_GRUB && want && *want && !quotes_closed(line)) {
                boot_ctx_note(c, "'%s' leaves a double quote open in its options once GRUB's variables are expanded: left as it is", f->path);
                return 0;
        }
        if (bls_admin_pernode(c, line, &admin)) {
                want = NULL;
                boot_ctx_note(c, "'%s' carries the administrator's '%s': numacma's arguments are not added to it", f->path, admin);
        }
        int r = edit_text(c, f, loader, want, ret);
        if (r == -EOPNOTSUPP)
                return boot_ctx_fail(c, r, "'%s' has a '$' inside an argument of its options: numacma does not edit it", f->path);
        if (r == -EINVAL || r == -EBADMSG) {
                /* Its quoting decides what the kernel gets: left alone, the rest still edited. */
                boot_ctx_note(c, "'%s' leaves a double quote open in its options: left as it is", f->path);
                return 0;
        }
        size_t len = 0;
        if (r < 0 || (r = loader_length(f, *ret, loader, &len)) < 0)
                return r;
        if (len >= COMMAND_LINE_MAX)
                return boot_ctx_fail(c, -E2BIG, "'%s' would pass a %zu-byte command line to the kernel, over its %u-byte limit: nothing written",
                                     f->path, len, COMMAND_LINE_MAX - 1);
        return 0;
}

void entry_edits_done(EntryEdits *e) {
        for (size_t i = 0; e->edited && i < e->es.n; i++)
                free(e->edited[i]);
        free(e->edited);
        entries_done(&e->es);
        *e = (EntryEdits){0};
}

int bls_plan_edits(BootCtx *c, char *const *dirs, BlsLoader loader, EntryEdits *ret) {
        EntryEdits e = {0};
        int r = bls_load_entries(c->root, dirs, loader, &e.es);
        if (r < 0)
                return boot_ctx_fail(c, r, "cannot read the boot entries: %s", strerror(-r));
        for (char **s = e.es.skipped; s && *s && r >= 0; s++)
                r = boot_ctx_note(c, "%s", *s);
        /* Every edit first, then the writes: an entry that cannot take the
         * change stops the apply before any file is written. */
        if (r >= 0 && !(e.edited = calloc(e.es.n + 1, sizeof(char *))))
                r = -ENOMEM;
        for (size_t i = 0; i < e.es.n && r >= 0; i++)
                r = edit_one(c, &e.es.f[i], loader, &e.edited[i]);
        if (r < 0) {
                entry_edits_done(&e);
                return r;
        }
        *ret = e;
        return 0;
}

int bls_write_edits(BootCtx *c, const EntryEdits *e, bool *changed) {
        int r = 0;
        for (size_t i = 0; r >= 0 && i < e->es.n; i++) {
                if (e->edited[i])
                        r = boot_ctx_replace(c, e->es.f[i].path, e->es.f[i].text, e->edited[i], 0644);
                if (r > 0)
                        *changed = true;
        }
        return r < 0 ? r : 0;
}

int bls_kernel_cmdline(BootCtx *c, bool *changed) {
        _cleanup_free_ char *text = NULL, *edited = NULL;
        int r = boot_ctx_read(c, KERNEL_CMDLINE_PATH, &text);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        /* The trailing newline stays where it was: tokens go before it. */
        size_t len = strlen(text), body = len;
        while (body > 0 && (text[body - 1] == '\n' || text[body - 1] == ' ' || text[body - 1] == '\t'))
                body--;
        _cleanup_free_ char *head = strndup(text, body);
        if (!head)
                return -ENOMEM;
        _cleanup_free_ char *admin = NULL;
        char *const *want = c->want;
        if (bls_admin_pernode(c, head, &admin)) {
                want = NULL;
                boot_ctx_note(c, "'%s' carries the administrator's '%s': numacma's arguments are not added to it", KERNEL_CMDLINE_PATH, admin);
        }
        r = tokens_edit(head, c->remove, want, &edited);
        size_t quote;
        if (r == -EBADMSG && cmdline_text_open_quote(head, &quote) < 0) {
                /* As for an entry: left alone, named, the rest still edited. */
                boot_ctx_note(c, "'%s' leaves a double quote open at byte %zu ('%.40s'): left as it is",
                              KERNEL_CMDLINE_PATH, quote + 1, head + quote);
                return 0;
        }
        if (r < 0)
                return boot_ctx_fail(c, r, "cannot edit '%s': %s", KERNEL_CMDLINE_PATH, strerror(-r));
        if (strlen(edited) >= COMMAND_LINE_MAX)
                return boot_ctx_fail(c, -E2BIG, "'%s' would be %zu bytes, over the kernel's %u-byte limit: nothing written",
                                     KERNEL_CMDLINE_PATH, strlen(edited), COMMAND_LINE_MAX - 1);
        _cleanup_free_ char *full = strdup_printf("%s%s", edited, text + body);
        if (!full)
                return -ENOMEM;
        r = boot_ctx_write(c, KERNEL_CMDLINE_PATH, full, 0644);
        if (r > 0)
                *changed = true;
        return r < 0 ? r : 0;
}

/* RHEL 8: entries whose options are $kernelopts boot grubenv's kernelopts;
 * numacma's tokens go there, as tokens. Taken out wherever they are. */
static int grubenv_kernelopts(BootCtx *c, char *const *dirs, bool *changed) {
        static const char *const grubenv_paths[] = { "/boot/grub2/grubenv", "/boot/grub/grubenv" };
        Entries es = {0};
        bool used = false;
        int r = bls_load_entries(c->root, dirs, BLS_BY_GRUB, &es);
        if (r < 0)
                return boot_ctx_fail(c, r, "cannot read the boot entries: %s", strerror(-r));
        for (size_t i = 0; i < es.n && !used; i++)
                used = es.f[i].g.options && bls_uses_kernelopts(es.f[i].g.options);
        entries_done(&es);

        _cleanup_free_ char *text = NULL, *val = NULL, *edited = NULL, *block = NULL, *admin = NULL;
        const char *path = NULL;
        size_t size = 0;
        for (size_t i = 0; i < ELEMENTSOF(grubenv_paths) && !text; i++) {
                r = boot_ctx_read_size(c, grubenv_paths[i], &text, &size);
                if (r < 0 && r != -ENOENT)
                        return r;
                path = grubenv_paths[i];
        }
        if (text)
                val = grubenv_get(text, "kernelopts");
        if (!val) {
                if (used && c->want && *c->want)
                        return boot_ctx_fail(c, -ENOENT, "the entries take their options from $kernelopts, which %s does not set: nothing written",
                                             text ? path : "no grubenv");
                return 0;
        }
        char *const *want = used ? c->want : NULL;
        if (bls_admin_pernode(c, val, &admin)) {
                want = NULL;
                boot_ctx_note(c, "'%s' kernelopts carries the administrator's '%s': numacma's arguments are not added to it", path, admin);
        }
        r = tokens_edit(val, c->remove, want, &edited);
        if (r < 0)
                return boot_ctx_fail(c, r, "cannot edit kernelopts in '%s': %s", path, strerror(-r));
        if (streq(edited, val))
                return 0;
        if (strlen(edited) >= COMMAND_LINE_MAX)
                return boot_ctx_fail(c, -E2BIG, "kernelopts in '%s' would be %zu bytes, over the kernel's %u-byte limit: nothing written",
                                     path, strlen(edited), COMMAND_LINE_MAX - 1);
        r = grubenv_set(text, size, "kernelopts", edited, &block);
        if (r == -ENOSPC)
                return boot_ctx_fail(c, r, "'%s' has no room for the new kernelopts (a grubenv block keeps its %zu bytes): nothing written", path, size);
        if (r < 0)
                return r == -ENOMEM ? r : boot_ctx_fail(c, r, "'%s' is not a GRUB environment block: not edited", path);
        /* A grubenv in /boot/grub2 is often a link into the ESP: the link
         * stays, its target is replaced (boot_ctx_replace() follows it). */
        r = boot_ctx_replace(c, path, text, block, 0644);
        if (r > 0)
                *changed = true;
        return r < 0 ? r : 0;
}

/* Fedora/RHEL: GRUB_CMDLINE_LINUX in /etc/default/grub, which grubby
 * also keeps (grub2-mkconfig writes it into entries it makes), edited as
 * tokens inside its quotes: the administrator's quoting stays, and taking
 * numacma's tokens out gives the file back byte for byte. */
static int etc_default_grub(BootCtx *c, bool *changed) {
        _cleanup_free_ char *text = NULL, *edited = NULL, *why = NULL, *admin = NULL;
        size_t size = 0;
        int r = boot_ctx_read_size(c, GRUB_DEFAULT_PATH, &text, &size);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        char *const *want = c->want;
        ShellVars v = {0};
        if (size == strlen(text) && shell_eval(&v, text, size, NULL) >= 0) {
                const ShellVar *sv = shell_vars_find(&v, "GRUB_CMDLINE_LINUX");
                if (sv && sv->value && bls_admin_pernode(c, sv->value, &admin)) {
                        want = NULL;
                        boot_ctx_note(c, "GRUB_CMDLINE_LINUX in '%s' carries the administrator's '%s': numacma's arguments are not added to it",
                                      GRUB_DEFAULT_PATH, admin);
                }
        }
        shell_vars_done(&v);
        if (size != strlen(text))
                r = -EBADMSG, why = strdup("it holds a NUL byte");
        else
                r = grub_default_edit_tokens(text, "GRUB_CMDLINE_LINUX", c->remove, want, &edited, &why);
        if (r == -ENOENT || r == -ENOMEM)
                return r == -ENOENT ? 0 : r;
        if (r < 0)
                return (c->want && *c->want) || (c->remove && *c->remove)
                       ? boot_ctx_note(c, "'%s' is left as it is: %s", GRUB_DEFAULT_PATH, strna(why))
                       : 0;
        r = boot_ctx_replace(c, GRUB_DEFAULT_PATH, text, edited, 0644);
        if (r > 0)
                *changed = true;
        return r < 0 ? r : 0;
}


int bls_other_files(BootCtx *c, char *const *dirs, unsigned flags, bool *changed) {
        int r = bls_kernel_cmdline(c, changed);
        if (r >= 0 && (flags & BLS_GRUB))
                r = grubenv_kernelopts(c, dirs, changed);
        if (r >= 0 && (flags & BLS_DEFAULT_GRUB))
                r = etc_default_grub(c, changed);
        return r;
}
