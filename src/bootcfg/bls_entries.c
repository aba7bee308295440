/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The BLS entries of a root and what the backends that use them share
 * (bls, grubby, systemd-boot): reading them in menu order, the default
 * entry, editing every options line and /etc/kernel/cmdline as tokens, and
 * the ownership record numacma keeps for them. */
#include <fnmatch.h>

#include "basic/chase.h"
#include "basic/fileio.h"
#include "bootcfg/bls.h"
#include "bootcfg/bls_entries.h"
#include "bootcfg/grub_cfg.h"
#include "bootcfg/grub_default.h"
#include "bootcfg/owned.h"
#include "kernel/cma_args.h"
#include "kernel/cmdline.h"
#include "kernel/cmdline_tokens.h"

const char *const bls_entry_dirs[] = { "/boot/loader/entries", NULL };

static bool is_conf(const char *name) {
        size_t l = strlen(name);
        return name[0] != '.' && l > 5 && streq(name + l - 5, ".conf");
}

void entry_files_free(EntryFile *f, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(f[i].path);
                free(f[i].text);
                bls_entry_done(&f[i].e);
        }
        free(f);
}

static int cmp_entry_file(const void *a, const void *b) {
        return bls_entry_compare(&((const EntryFile *) a)->e, &((const EntryFile *) b)->e);
}

int bls_load_entries(const char *root, char *const *dirs, EntryFile **ret, size_t *ret_n) {
        EntryFile *f = NULL;
        size_t n = 0;
        int r = 0;
        for (char *const *d = dirs; *d && r >= 0; d++) {
                _cleanup_strv_free_ char **names = NULL;
                r = list_dir_root(root, *d, is_conf, &names);
                if (r == -ENOENT) {
                        r = 0;
                        continue;
                }
                for (char **nm = names; r >= 0 && *nm; nm++) {
                        _cleanup_free_ char *path = strdup_printf("%s/%s", *d, *nm), *text = NULL;
                        size_t size;
                        if (!path) {
                                r = -ENOMEM;
                                break;
                        }
                        r = read_full_file_root(root, path, &text, &size);
                        if (r < 0)
                                break;
                        EntryFile *nf = realloc(f, (n + 1) * sizeof(EntryFile));
                        if (!nf) {
                                r = -ENOMEM;
                                break;
                        }
                        f = nf;
                        f[n] = (EntryFile){ .path = TAKE_PTR(path) };
                        r = bls_entry_parse(text, size, &f[n].e);
                        f[n].text = TAKE_PTR(text);
                        if (r == -EBADMSG) {  /* not an entry we can read: left alone */
                                free(f[n].path);
                                free(f[n].text);
                                r = 0;
                                continue;
                        }
                        if (r >= 0 && !(f[n].e.id = strndup(*nm, strlen(*nm) - 5)))
                                r = -ENOMEM;
                        n++;
                }
        }
        if (r < 0) {
                entry_files_free(f, n);
                return r;
        }
        if (n)
                qsort(f, n, sizeof(EntryFile), cmp_entry_file);
        *ret = f;
        *ret_n = n;
        return 0;
}

bool bls_entries_exist(const char *root) {
        _cleanup_strv_free_ char **names = NULL;
        return list_dir_root(root, "/boot/loader/entries", is_conf, &names) >= 0 && names[0];
}

/* Where GRUB keeps its environment block (Fedora, RHEL, SUSE; Debian). */
static const char *const grubenv_paths[] = { "/boot/grub2/grubenv", "/boot/grub/grubenv" };

static char *read_grubenv(const char *root) {
        for (size_t i = 0; i < ELEMENTSOF(grubenv_paths); i++) {
                char *text = NULL;
                if (read_full_file_root(root, grubenv_paths[i], &text, NULL) >= 0)
                        return text;
        }
        return NULL;
}

static bool is_var_char(char c) {
        return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* The options GRUB's blscfg passes: $NAME and ${NAME} from grubenv (empty
 * when not set), as on RHEL 8, whose entries say "options $kernelopts". */
static char *expand_grubenv(const char *root, const char *options) {
        if (!strchr(options, '$'))
                return strdup(options);
        _cleanup_free_ char *env = read_grubenv(root);
        StrBuf b = {0};
        strbuf_append(&b, "");
        for (const char *p = options; *p;) {
                if (*p == '$') {
                        bool brace = p[1] == '{';
                        const char *s = p + 1 + brace, *e = s;
                        while (is_var_char(*e))
                                e++;
                        if (e > s && (!brace || *e == '}')) {
                                _cleanup_free_ char *name = strndup(s, (size_t) (e - s));
                                _cleanup_free_ char *val = env && name ? grubenv_get(env, name) : NULL;
                                strbuf_append(&b, strempty(val));
                                p = e + brace;
                                continue;
                        }
                }
                strbuf_appendn(&b, p++, 1);
        }
        /* "$kernelopts $tuned_params" with no tuned_params: no blank at the end. */
        while (b.len && (b.buf[b.len - 1] == ' ' || b.buf[b.len - 1] == '\t'))
                b.buf[--b.len] = 0;
        return strbuf_steal(&b);
}

static bool quotes_closed(const char *s) {
        size_t n = 0;
        for (; *s; s++)
                n += *s == '"';
        return n % 2 == 0;
}

bool bls_uses_kernelopts(const char *options) {
        _cleanup_strv_free_ char **t = NULL;
        return tokens_of(options, &t) >= 0 && (strv_contains(t, "$kernelopts") || strv_contains(t, "${kernelopts}"));
}

/* The default entry: loader.conf "default" (a glob) for systemd-boot,
 * grubenv saved_entry for GRUB; else the first in menu order. */
static size_t default_entry(const char *root, bool sdboot, const EntryFile *f, size_t n) {
        _cleanup_free_ char *want = NULL;
        if (sdboot) {
                static const char *const confs[] = { "/efi/loader/loader.conf", "/boot/efi/loader/loader.conf", "/boot/loader/loader.conf" };
                for (size_t i = 0; i < ELEMENTSOF(confs) && !want; i++) {
                        _cleanup_free_ char *text = NULL;
                        if (read_full_file_root(root, confs[i], &text, NULL) < 0)
                                continue;
                        for (const char *l = text; l && *l && !want;) {
                                const char *nl = strchr(l, '\n');
                                size_t len = nl ? (size_t) (nl - l) : strlen(l), ks, vo, vl;
                                bls_line_split(l, len, &ks, &vo, &vl);
                                if (ks == 7 && strncmp(l, "default", 7) == 0 && vl)
                                        want = strndup(l + vo, vl);
                                l = nl ? nl + 1 : NULL;
                        }
                }
        } else {
                _cleanup_free_ char *text = read_grubenv(root);
                want = text ? grubenv_get(text, "saved_entry") : NULL;
        }
        for (size_t i = 0; want && i < n; i++) {
                _cleanup_free_ char *conf = strdup_printf("%s.conf", f[i].e.id);
                if (streq(f[i].e.id, want) || streq_ptr(f[i].e.title, want) ||
                    (sdboot && (fnmatch(want, f[i].e.id, 0) == 0 || (conf && fnmatch(want, conf, 0) == 0))))
                        return i;
        }
        return 0;
}

const char *const sdboot_entry_dirs[] = { "/efi/loader/entries", "/boot/efi/loader/entries", "/boot/loader/entries", NULL };

/* The record of the tokens numacma wrote into the entries. */
static int read_record(const char *root, NextBoot *n) {
        OwnedRecord o;
        int r = owned_read(root, &o);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        n->has_record = true;
        n->record = TAKE_PTR(o.tokens);
        owned_record_done(&o);
        return 0;
}

/* No entry yet: what kernel-install would write. */
static int next_from_kernel_cmdline(const char *root, NextBoot *n) {
        _cleanup_free_ char *line = NULL;
        int r = read_full_file_root(root, KERNEL_CMDLINE_PATH, &line, NULL);
        if (r == -ENOENT) {
                n->unknown_reason = strdup("there is no boot entry and no " KERNEL_CMDLINE_PATH);
                return n->unknown_reason ? 0 : -ENOMEM;
        }
        if (r < 0)
                return r;
        for (char *c = line; *c; c++)
                if (*c == '\n')
                        *c = ' ';
        n->cmdline = TAKE_PTR(line);
        return 0;
}

static int releases_of(const EntryFile *f, size_t nf, size_t d, NextBoot *n) {
        const char *rel = bls_entry_release(&f[d].e);
        int r = 0;
        if (!(n->releases = calloc(1, sizeof(char *))))
                return -ENOMEM;
        if (rel && (!(n->release = strdup(rel)) || (r = strv_extend(&n->releases, rel)) < 0))
                return -ENOMEM;
        for (size_t i = 0; r >= 0 && i < nf; i++) {
                const char *v = bls_entry_release(&f[i].e);
                if (v && !strv_contains(n->releases, v))
                        r = strv_extend(&n->releases, v);
        }
        if (r >= 0 && !n->releases[0]) {
                free(n->releases);
                n->releases = NULL;
        }
        return r;
}

int bls_read_next(const char *root, bool sdboot, NextBoot *n) {
        EntryFile *f = NULL;
        size_t nf = 0;
        int r = bls_load_entries(root, (char *const *) (sdboot ? sdboot_entry_dirs : bls_entry_dirs), &f, &nf);
        if (r < 0)
                return r;
        if (nf == 0)
                r = next_from_kernel_cmdline(root, n);
        else {
                size_t d = default_entry(root, sdboot, f, nf);
                if (!(n->cmdline = sdboot ? strdup(f[d].e.options) : expand_grubenv(root, f[d].e.options)))
                        r = -ENOMEM;
                if (r >= 0)
                        r = releases_of(f, nf, d, n);
        }
        /* An entry whose options end inside a double quote boots (the kernel
         * takes the rest as the quoted value) but takes nothing more: named. */
        for (size_t i = 0; r >= 0 && i < nf; i++)
                if (line_quote_open(f[i].e.options))
                        r = problems_addf(&n->problems, PROBLEM_OPEN_QUOTE, "'%s' leaves a double quote open in its options: whatever follows would be part of the quoted value, so numacma adds nothing to it", f[i].path);
        entry_files_free(f, nf);
        if (r >= 0 && n->cmdline && !(n->planned_from = strdup(n->cmdline)))
                r = -ENOMEM;
        return r < 0 ? r : read_record(root, n);
}

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

/* What the loader passes for an entry: GRUB's linux command puts
 * BOOT_IMAGE=<image> in front of the options (grub-core/loader/i386/linux.c,
 * and the same in the arm64/EFI loaders); systemd-boot passes the options. */
static size_t loader_length(const EntryFile *f, const char *options, bool grub) {
        size_t n = strlen(strempty(options));
        if (grub)
                n += strlen("BOOT_IMAGE=") + strlen(strempty(f->e.linux_path)) + 1;
        return n;
}

/* One entry's new text, or NULL when it stays as it is (with a note). */
static int edit_one(BootCtx *c, const EntryFile *f, bool grub, char **ret) {
        _cleanup_free_ char *admin = NULL;
        char *const *want = c->want;
        *ret = NULL;
        /* Its line is grubenv's kernelopts, edited there. */
        if (grub && bls_uses_kernelopts(f->e.options))
                return 0;
        /* What the kernel gets: GRUB expands $tuned_params and the like. */
        _cleanup_free_ char *line = grub ? expand_grubenv(c->root, f->e.options) : strdup(f->e.options);
        if (!line)
                return -ENOMEM;
        if (!streq(line, f->e.options) && want && *want && !quotes_closed(line)) {
                boot_ctx_note(c, "'%s' leaves a double quote open in its options once GRUB's variables are expanded: left as it is", f->path);
                return 0;
        }
        if (bls_admin_pernode(c, line, &admin)) {
                want = NULL;
                boot_ctx_note(c, "'%s' carries the administrator's '%s': numacma's arguments are not added to it", f->path, admin);
        }
        int r = bls_entry_edit(f->text, c->remove, want, ret);
        if (r == -EOPNOTSUPP)
                return boot_ctx_fail(c, r, "'%s' has a '$' inside an argument of its options: numacma does not edit it", f->path);
        if (r == -EINVAL || r == -EBADMSG) {
                /* Its quoting decides what the kernel gets: left alone, the rest still edited. */
                boot_ctx_note(c, "'%s' leaves a double quote open in its options: left as it is", f->path);
                return 0;
        }
        if (r < 0)
                return r;
        BlsEntry e;
        if ((r = bls_entry_parse(*ret, strlen(*ret), &e)) < 0)
                return r;
        size_t len = loader_length(f, e.options, grub);
        bls_entry_done(&e);
        if (len >= COMMAND_LINE_MAX)
                return boot_ctx_fail(c, -E2BIG, "'%s' would pass a %zu-byte command line to the kernel, over its %u-byte limit: nothing written",
                                     f->path, len, COMMAND_LINE_MAX - 1);
        return 0;
}

void entry_edits_done(EntryEdits *e) {
        for (size_t i = 0; e->edited && i < e->n; i++)
                free(e->edited[i]);
        free(e->edited);
        entry_files_free(e->f, e->n);
        *e = (EntryEdits){0};
}

int bls_plan_edits(BootCtx *c, char *const *dirs, bool grub, EntryEdits *ret) {
        EntryEdits e = {0};
        int r = bls_load_entries(c->root, dirs, &e.f, &e.n);
        if (r < 0)
                return boot_ctx_fail(c, r, "cannot read the boot entries: %s", strerror(-r));
        /* Every edit first, then the writes: an entry that cannot take the
         * change stops the apply before any file is written. */
        if (!(e.edited = calloc(e.n + 1, sizeof(char *))))
                r = -ENOMEM;
        for (size_t i = 0; i < e.n && r >= 0; i++)
                r = edit_one(c, &e.f[i], grub, &e.edited[i]);
        if (r < 0) {
                entry_edits_done(&e);
                return r;
        }
        *ret = e;
        return 0;
}

int bls_edit_entries(BootCtx *c, char *const *dirs, bool grub, bool *ret_changed) {
        EntryEdits e = {0};
        bool changed = false;
        int r = bls_plan_edits(c, dirs, grub, &e);
        for (size_t i = 0; r >= 0 && i < e.n; i++) {
                if (e.edited[i])
                        r = boot_ctx_replace(c, e.f[i].path, e.f[i].text, e.edited[i], 0644);
                if (r > 0)
                        changed = true;
        }
        entry_edits_done(&e);
        if (ret_changed)
                *ret_changed = changed;
        return r < 0 ? r : 0;
}

/* /etc/kernel/cmdline as tokens (systemd #23308: no drop-ins; keep the rest). */
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

/* Where path leads below the root, its links followed (a grubenv in
 * /boot/grub2 is often a link into the ESP: the link stays, its target is
 * replaced). */
static int follow_links(BootCtx *c, const char *path, char **ret) {
        _cleanup_free_ char *full = NULL;
        int r = chase_below_root(c->root, path, &full, NULL);
        if (r < 0)
                return r == -ENOMEM ? r : boot_ctx_fail(c, r, "cannot resolve '%s': %s", path, strerror(-r));
        size_t rl = strlen(c->root);
        while (rl > 0 && c->root[rl - 1] == '/')
                rl--;
        const char *below = full + (strncmp(full, c->root, rl) == 0 ? rl : 0);
        return (*ret = strdup(*below == '/' ? below : full)) ? 0 : -ENOMEM;
}

/* RHEL 8: entries whose options are $kernelopts boot grubenv's kernelopts;
 * numacma's tokens go there, as tokens. Taken out wherever they are. */
static int grubenv_kernelopts(BootCtx *c, char *const *dirs, bool *changed) {
        EntryFile *f = NULL;
        size_t nf = 0;
        bool used = false;
        int r = bls_load_entries(c->root, dirs, &f, &nf);
        if (r < 0)
                return boot_ctx_fail(c, r, "cannot read the boot entries: %s", strerror(-r));
        for (size_t i = 0; i < nf && !used; i++)
                used = bls_uses_kernelopts(f[i].e.options);
        entry_files_free(f, nf);

        _cleanup_free_ char *text = NULL, *val = NULL, *edited = NULL, *block = NULL, *target = NULL, *admin = NULL;
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
        if ((r = follow_links(c, path, &target)) < 0)
                return r;
        r = boot_ctx_replace(c, target, text, block, 0644);
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
        if (size == strlen(text) && grub_default_eval(&v, text, size, NULL) >= 0) {
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

/* The intent record before any edit (old and new tokens), the exact one
 * after: a failure in between leaves a record that still names every
 * token numacma may have written, so the next apply removes them. */
/* The whole edit as a dry run first: an entry or a file that cannot take
 * it stops the apply before anything is written, the record included. */
static int edits_possible(BootCtx *c, char *const *dirs, unsigned flags) {
        BootCtx probe;
        BootApplyResult pres;
        bool changed = false;
        boot_ctx_probe(c, &probe, &pres);
        /* Every file the apply changes must be writable (a unit's
         * ReadWritePaths= lacking one would leave the edit half done). */
        probe.check_writable = true;
        int r = bls_edit_entries(&probe, dirs, flags & BLS_GRUB, &changed);
        if (r >= 0)
                r = bls_other_files(&probe, dirs, flags, &changed);
        if (r < 0)
                c->res->error = TAKE_PTR(pres.error);
        boot_ctx_probe_done(&probe);
        return r;
}

int bls_record_intent(BootCtx *c, char *const *dirs, unsigned flags) {
        if (c->flags & BOOT_APPLY_DRY_RUN)
                return 0;
        int r0 = edits_possible(c, dirs, flags);
        if (r0 < 0)
                return r0;
        _cleanup_strv_free_ char **u = NULL;
        int r = 0;
        for (char *const *t = c->next ? c->next->owned : NULL; t && *t && r >= 0; t++)
                if (!strv_contains(u, *t))
                        r = strv_extend(&u, *t);
        for (char *const *t = c->want; t && *t && r >= 0; t++)
                if (!strv_contains(u, *t))
                        r = strv_extend(&u, *t);
        if (r < 0)
                return r;
        if (!u && !(u = calloc(1, sizeof(char *))))
                return -ENOMEM;
        return boot_ctx_write_record(c, u);
}

