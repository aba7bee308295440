/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The BLS entries of a root and what the backends that use them share
 * (bls, grubby, systemd-boot): reading them in menu order, the default
 * entry, editing every options line and /etc/kernel/cmdline as tokens, and
 * the ownership record numacma keeps for them. */
#include <fnmatch.h>

#include "basic/fileio.h"
#include "bootcfg/bls.h"
#include "bootcfg/bls_entries.h"
#include "bootcfg/grub_cfg.h"
#include "bootcfg/owned.h"
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
                static const char *const envs[] = { "/boot/grub2/grubenv", "/boot/grub/grubenv" };
                for (size_t i = 0; i < ELEMENTSOF(envs) && !want; i++) {
                        _cleanup_free_ char *text = NULL;
                        if (read_full_file_root(root, envs[i], &text, NULL) >= 0)
                                want = grubenv_get(text, "saved_entry");
                }
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
                if (!(n->cmdline = strdup(f[d].e.options)))
                        r = -ENOMEM;
                if (r >= 0)
                        r = releases_of(f, nf, d, n);
        }
        entry_files_free(f, nf);
        if (r >= 0 && n->cmdline && !(n->planned_from = strdup(n->cmdline)))
                r = -ENOMEM;
        return r < 0 ? r : read_record(root, n);
}

int bls_edit_entries(BootCtx *c, char *const *dirs, bool *ret_changed) {
        EntryFile *f = NULL;
        size_t nf = 0;
        bool changed = false;
        int r = bls_load_entries(c->root, dirs, &f, &nf);
        if (r < 0)
                return boot_ctx_fail(c, r, "cannot read the boot entries: %s", strerror(-r));
        for (size_t i = 0; i < nf && r >= 0; i++) {
                _cleanup_free_ char *edited = NULL;
                r = bls_entry_edit(f[i].text, c->remove, c->want, &edited);
                if (r == -EOPNOTSUPP) {
                        r = boot_ctx_fail(c, r, "'%s' takes its options from a GRUB variable ($kernelopts): only grubby can edit it", f[i].path);
                        break;
                }
                if (r == -EINVAL) {
                        r = boot_ctx_fail(c, r, "'%s' leaves a double quote open in its options: nothing can be appended after it", f[i].path);
                        break;
                }
                if (r >= 0)
                        r = boot_ctx_replace(c, f[i].path, f[i].text, edited, 0644);
                if (r > 0)
                        changed = true;
        }
        entry_files_free(f, nf);
        if (ret_changed)
                *ret_changed = changed;
        return r < 0 ? r : 0;
}

/* /etc/kernel/cmdline as tokens (systemd #23308: no drop-ins; keep the rest). */
int bls_kernel_cmdline(BootCtx *c, bool *changed) {
        _cleanup_free_ char *text = NULL, *edited = NULL;
        int r = read_full_file_root(c->root, KERNEL_CMDLINE_PATH, &text, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return boot_ctx_fail(c, r, "cannot read '%s': %s", KERNEL_CMDLINE_PATH, strerror(-r));
        /* The trailing newline stays where it was: tokens go before it. */
        size_t len = strlen(text), body = len;
        while (body > 0 && (text[body - 1] == '\n' || text[body - 1] == ' ' || text[body - 1] == '\t'))
                body--;
        _cleanup_free_ char *head = strndup(text, body);
        if (!head)
                return -ENOMEM;
        r = tokens_edit(head, c->remove, c->want, &edited);
        if (r < 0)
                return boot_ctx_fail(c, r, "cannot edit '%s': %s", KERNEL_CMDLINE_PATH, strerror(-r));
        _cleanup_free_ char *full = strdup_printf("%s%s", edited, text + body);
        if (!full)
                return -ENOMEM;
        r = boot_ctx_write(c, KERNEL_CMDLINE_PATH, full, 0644);
        if (r > 0)
                *changed = true;
        return r < 0 ? r : 0;
}

/* The intent record before any edit (old and new tokens), the exact one
 * after: a failure in between leaves a record that still names every
 * token numacma may have written, so the next apply removes them. */
int bls_record_intent(BootCtx *c) {
        if (c->flags & BOOT_APPLY_DRY_RUN)
                return 0;
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

