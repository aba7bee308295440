/* SPDX-License-Identifier: GPL-2.0-or-later */
/* BLS entries. Used by the "bls" backend (Fedora/RHEL/SUSE without grubby:
 * entries and /etc/kernel/cmdline edited as tokens), the "grubby" backend
 * (grubby --update-kernel=ALL where it runs, the same edit below --root),
 * and systemd-boot (sdboot.c). */
#include <fnmatch.h>

#include "bootcfg/bls.h"
#include "bootcfg/backend.h"
#include "kernel/cmdline.h"
#include "basic/fileio.h"
#include "bootcfg/grub_cfg.h"
#include "bootcfg/owned.h"

const char *const bls_entry_dirs[] = { "/boot/loader/entries", NULL };

void bls_entry_done(BlsEntry *e) {
        free(e->id);
        free(e->title);
        free(e->version);
        free(e->linux_path);
        free(e->sort_key);
        free(e->machine_id);
        free(e->options);
        *e = (BlsEntry){0};
}

static bool bls_space(char c) {
        return c == ' ' || c == '\t';
}

/* One line: key, then whitespace, then the value (trailing whitespace off). */
static void split_line(const char *l, size_t len, size_t *key_len, size_t *val_off, size_t *val_len) {
        size_t i = 0;
        while (i < len && bls_space(l[i]))
                i++;
        size_t ks = i;
        while (i < len && !bls_space(l[i]))
                i++;
        *key_len = i - ks;
        while (i < len && bls_space(l[i]))
                i++;
        *val_off = i;
        size_t e = len;
        while (e > i && (bls_space(l[e - 1]) || l[e - 1] == '\r'))
                e--;
        *val_len = e - i;
}

int bls_entry_parse(const char *text, size_t size, BlsEntry *ret) {
        BlsEntry e = {0};
        StrBuf opts = {0};
        int r = 0;

        if (memchr(text, 0, size))
                return -EBADMSG;
        strbuf_append(&opts, "");
        for (size_t pos = 0; pos < size && r >= 0;) {
                const char *l = text + pos;
                const char *nl = memchr(l, '\n', size - pos);
                size_t len = nl ? (size_t) (nl - l) : size - pos;
                pos += len + (nl ? 1 : 0);
                size_t ks, vo, vl;
                split_line(l, len, &ks, &vo, &vl);
                const char *key = l;
                while (key < l + len && bls_space(*key))
                        key++;
                if (ks == 0 || *key == '#')
                        continue;
                char **field = NULL;
#define KEY(s) (ks == strlen(s) && memcmp(key, s, ks) == 0)
                if (KEY("title"))
                        field = &e.title;
                else if (KEY("version"))
                        field = &e.version;
                else if (KEY("linux"))
                        field = &e.linux_path;
                else if (KEY("sort-key"))
                        field = &e.sort_key;
                else if (KEY("machine-id"))
                        field = &e.machine_id;
                else if (KEY("options")) {
                        if (vl) {
                                if (opts.len)
                                        strbuf_append(&opts, " ");
                                strbuf_appendn(&opts, l + vo, vl);
                        }
                        e.n_options++;
                }
#undef KEY
                if (field) {
                        free(*field);
                        if (!(*field = strndup(l + vo, vl)))
                                r = -ENOMEM;
                }
        }
        e.options = strbuf_steal(&opts);
        if (r >= 0 && !e.options)
                r = -ENOMEM;
        if (r < 0) {
                bls_entry_done(&e);
                return r;
        }
        *ret = e;
        return 0;
}

const char *bls_entry_release(const BlsEntry *e) {
        return e->version;
}

static int strcmp_ptr(const char *a, const char *b) {
        return strcmp(strempty(a), strempty(b));
}

int bls_entry_compare(const BlsEntry *a, const BlsEntry *b) {
        if (!a->sort_key != !b->sort_key)
                return a->sort_key ? -1 : 1;
        if (a->sort_key) {
                int k = strcmp(a->sort_key, b->sort_key);
                if (k)
                        return k;
                if ((k = strcmp_ptr(a->machine_id, b->machine_id)))
                        return k;
                if ((k = strverscmp(strempty(b->version), strempty(a->version))))
                        return k;
        }
        return strverscmp(strempty(b->id), strempty(a->id));
}

int bls_entry_edit(const char *text, char *const *remove, char *const *want, char **ret) {
        StrBuf out = {0};
        size_t size = strlen(text), last_opt_end = SIZE_MAX, quotes = 0;
        _cleanup_strv_free_ char **present = NULL;
        _cleanup_(strbuf_done) StrBuf joined = {0};
        int r = 0;

        /* First pass: where the last options line ends, what is present. */
        strbuf_append(&joined, "");
        for (size_t pos = 0; pos < size;) {
                const char *l = text + pos;
                const char *nl = memchr(l, '\n', size - pos);
                size_t len = nl ? (size_t) (nl - l) : size - pos, ks, vo, vl;
                split_line(l, len, &ks, &vo, &vl);
                const char *key = l;
                while (key < l + len && bls_space(*key))
                        key++;
                if (ks == 7 && memcmp(key, "options", 7) == 0) {
                        if (memchr(l + vo, '$', vl))
                                return -EOPNOTSUPP;
                        size_t line_quotes = 0;
                        for (size_t q = 0; q < vl; q++)
                                line_quotes += l[vo + q] == '"';
                        /* A quote open at a line's end: whether the loader
                         * joins it with the next line decides what the
                         * kernel sees; numacma does not guess. */
                        quotes += line_quotes % 2;
                        if (vl) {
                                if (joined.len)
                                        strbuf_append(&joined, " ");
                                strbuf_appendn(&joined, l + vo, vl);
                        }
                        last_opt_end = pos;
                }
                pos += len + (nl ? 1 : 0);
        }
        /* What is present is what the loader passes: the lines joined. */
        _cleanup_free_ char *all = strbuf_steal(&joined);
        _cleanup_strv_free_ char **toks = NULL;
        if (!all || (r = tokens_of(all, &toks)) < 0)
                return r < 0 ? r : -ENOMEM;
        for (char **t = toks; *t; t++)
                if (!strv_contains(remove, *t) && (r = strv_extend(&present, *t)) < 0)
                        return r;
        _cleanup_strv_free_ char **add = NULL;
        for (char *const *t = want; t && *t; t++)
                if (!strv_contains(present, *t) && (r = strv_extend(&add, *t)) < 0)
                        return r;
        /* After a quote left open an appended token would become part of
         * the quoted value. With every line's quotes closed, each line's
         * tokens are the joined line's. */
        if (add && quotes)
                return -EINVAL;

        strbuf_append(&out, "");
        for (size_t pos = 0; pos < size;) {
                const char *l = text + pos;
                const char *nl = memchr(l, '\n', size - pos);
                size_t len = nl ? (size_t) (nl - l) : size - pos, ks, vo, vl;
                split_line(l, len, &ks, &vo, &vl);
                const char *key = l;
                while (key < l + len && bls_space(*key))
                        key++;
                if (!(ks == 7 && memcmp(key, "options", 7) == 0)) {
                        strbuf_appendn(&out, l, len + (nl ? 1 : 0));
                        pos += len + (nl ? 1 : 0);
                        continue;
                }
                _cleanup_free_ char *v = strndup(l + vo, vl), *nv = NULL;
                if (!v)
                        return -ENOMEM;
                r = tokens_edit(v, remove, pos == last_opt_end ? add : NULL, &nv);
                if (r < 0) {
                        strbuf_done(&out);
                        return r;
                }
                /* Keep the key and its separator as written; a value that
                 * was empty gets one space after the key. */
                strbuf_appendn(&out, l, vo);
                if (vo == (size_t) (key - l) + ks && *nv)
                        strbuf_append(&out, " ");
                strbuf_append(&out, nv);
                strbuf_appendn(&out, l + vo + vl, len - vo - vl);
                if (nl)
                        strbuf_append(&out, "\n");
                pos += len + (nl ? 1 : 0);
        }
        if (last_opt_end == SIZE_MAX && add) {
                _cleanup_free_ char *line = strv_join(add, " ");
                if (!line) {
                        strbuf_done(&out);
                        return -ENOMEM;
                }
                if (out.len && out.buf[out.len - 1] != '\n')
                        strbuf_append(&out, "\n");
                strbuf_printf(&out, "options %s\n", line);
        }
        char *s = strbuf_steal(&out);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

/* ---- the entries of a root ---- */

static bool is_conf(const char *name) {
        size_t l = strlen(name);
        return name[0] != '.' && l > 5 && streq(name + l - 5, ".conf");
}

typedef struct {
        char *path;   /* below the root */
        BlsEntry e;
} EntryFile;

static void entry_files_free(EntryFile *f, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(f[i].path);
                bls_entry_done(&f[i].e);
        }
        free(f);
}

static int cmp_entry_file(const void *a, const void *b) {
        return bls_entry_compare(&((const EntryFile *) a)->e, &((const EntryFile *) b)->e);
}

static int load_entries(const char *root, char *const *dirs, EntryFile **ret, size_t *ret_n) {
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
                        if (r == -EBADMSG) {  /* not an entry we can read: left alone */
                                free(f[n].path);
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

bool bls_detect(const char *root) {
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
                                split_line(l, len, &ks, &vo, &vl);
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

int bls_read_next(const char *root, bool sdboot, NextBoot *n) {
        EntryFile *f = NULL;
        size_t nf = 0;
        int r = load_entries(root, (char *const *) (sdboot ? sdboot_entry_dirs : bls_entry_dirs), &f, &nf);
        if (r < 0)
                return r;
        if (nf == 0) {
                /* No entry yet: what kernel-install would write. */
                _cleanup_free_ char *line = NULL;
                if (read_full_file_root(root, KERNEL_CMDLINE_PATH, &line, NULL) >= 0) {
                        for (char *c = line; *c; c++)
                                if (*c == '\n')
                                        *c = ' ';
                        n->cmdline = TAKE_PTR(line);
                }
                free(f);
                return 0;
        }
        size_t d = default_entry(root, sdboot, f, nf);
        const char *rel = bls_entry_release(&f[d].e);
        n->cmdline = strdup(f[d].e.options);
        n->releases = calloc(1, sizeof(char *));
        if (!n->cmdline || !n->releases)
                r = -ENOMEM;
        if (r >= 0 && rel && !(n->release = strdup(rel)))
                r = -ENOMEM;
        if (r >= 0 && rel)
                r = strv_extend(&n->releases, rel);
        for (size_t i = 0; r >= 0 && i < nf; i++) {
                const char *v = bls_entry_release(&f[i].e);
                if (v && !strv_contains(n->releases, v))
                        r = strv_extend(&n->releases, v);
        }
        if (r >= 0 && !n->releases[0]) {
                free(n->releases);
                n->releases = NULL;
        }
        entry_files_free(f, nf);
        return r;
}

int bls_edit_entries(BootCtx *c, char *const *dirs, bool *ret_changed) {
        EntryFile *f = NULL;
        size_t nf = 0;
        bool changed = false;
        int r = load_entries(c->root, dirs, &f, &nf);
        if (r < 0)
                return boot_ctx_fail(c, r, "cannot read the boot entries: %s", strerror(-r));
        for (size_t i = 0; i < nf && r >= 0; i++) {
                _cleanup_free_ char *text = NULL, *edited = NULL;
                r = read_full_file_root(c->root, f[i].path, &text, NULL);
                if (r < 0) {
                        r = boot_ctx_fail(c, r, "cannot read '%s': %s", f[i].path, strerror(-r));
                        break;
                }
                r = bls_entry_edit(text, c->remove, c->want, &edited);
                if (r == -EOPNOTSUPP) {
                        r = boot_ctx_fail(c, r, "'%s' takes its options from a GRUB variable ($kernelopts): only grubby can edit it", f[i].path);
                        break;
                }
                if (r == -EINVAL) {
                        r = boot_ctx_fail(c, r, "'%s' leaves a double quote open in its options: nothing can be appended after it", f[i].path);
                        break;
                }
                if (r >= 0)
                        r = boot_ctx_write(c, f[i].path, edited, 0644);
                if (r > 0)
                        changed = true;
        }
        entry_files_free(f, nf);
        if (ret_changed)
                *ret_changed = changed;
        return r < 0 ? r : 0;
}

/* /etc/kernel/cmdline as tokens (systemd #23308: no drop-ins; keep the rest). */
static int edit_kernel_cmdline(BootCtx *c, bool *changed) {
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

int bls_kernel_cmdline(BootCtx *c, bool *changed) {
        return edit_kernel_cmdline(c, changed);
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

static int grubby_run(BootCtx *c) {
        _cleanup_strv_free_ char **argv = NULL, **keys = NULL;
        int r = strv_extend(&argv, "grubby");
        if (r >= 0)
                r = strv_extend(&argv, "--update-kernel=ALL");
        /* grubby's --args replaces a key's value and its --remove-args
         * takes keys: give it whole keys, never a prefix (old grubby-bls
         * matched "cma" inside "numa_cma="). A key also in want is
         * replaced by --args, so it is not removed. */
        for (char **t = c->remove; r >= 0 && t && *t; t++) {
                _cleanup_cmdline_ Cmdline *l = NULL;
                if ((r = cmdline_parse(*t, &l)) < 0 || l->n == 0)
                        continue;
                bool in_want = false;
                for (char **w = c->want; w && *w; w++) {
                        _cleanup_cmdline_ Cmdline *wl = NULL;
                        if (cmdline_parse(*w, &wl) >= 0 && wl->n && cmdline_key_eq(wl->tokens[0].key, l->tokens[0].key))
                                in_want = true;
                }
                if (!in_want && !strv_contains(keys, l->tokens[0].key))
                        r = strv_extend(&keys, l->tokens[0].key);
        }
        if (r >= 0 && c->want && *c->want) {
                _cleanup_free_ char *j = strv_join(c->want, " ");
                r = j ? strv_extendf(&argv, "--args=%s", j) : -ENOMEM;
        }
        if (r >= 0 && keys) {
                _cleanup_free_ char *j = strv_join(keys, " ");
                r = j ? strv_extendf(&argv, "--remove-args=%s", j) : -ENOMEM;
        }
        if (r < 0)
                return r;
        return boot_ctx_run(c, argv);
}

/* After grubby: every entry must have the plan exactly once and none of
 * the removed tokens; grubby's own semantics are not taken on trust. */
static int grubby_check(BootCtx *c) {
        EntryFile *f = NULL;
        size_t nf = 0;
        int r = load_entries(c->root, (char *const *) bls_entry_dirs, &f, &nf);
        if (r < 0)
                return boot_ctx_fail(c, r, "cannot read the boot entries after grubby: %s", strerror(-r));
        for (size_t i = 0; i < nf && r >= 0; i++) {
                _cleanup_strv_free_ char **have = NULL;
                if ((r = tokens_of(f[i].e.options, &have)) < 0)
                        break;
                for (char **t = c->want; t && *t && r >= 0; t++) {
                        size_t k = 0;
                        for (char **h = have; *h; h++)
                                k += streq(*h, *t);
                        if (k != 1)
                                r = boot_ctx_fail(c, -EPROTO, "after grubby, '%s' has '%s' %zu times instead of once", f[i].path, *t, k);
                }
                for (char **t = c->remove; t && *t && r >= 0; t++)
                        if (strv_contains(have, *t))
                                r = boot_ctx_fail(c, -EPROTO, "after grubby, '%s' still has '%s'", f[i].path, *t);
        }
        entry_files_free(f, nf);
        return r < 0 ? r : 0;
}

int bls_apply(BootCtx *c, bool grubby) {
        bool changed = false;
        int r = bls_record_intent(c);
        if (r < 0)
                return r;
        if (grubby && boot_ctx_runs_commands(c)) {
                /* Only when an entry needs it: a re-apply runs nothing. */
                BootCtx probe = *c;
                BootApplyResult pres = { .backend = c->res->backend };
                probe.flags |= BOOT_APPLY_DRY_RUN;
                probe.res = &pres;
                probe.diff = (StrBuf){0};
                r = bls_edit_entries(&probe, (char *const *) bls_entry_dirs, &changed);
                strbuf_done(&probe.diff);
                if (r < 0) {
                        c->res->error = TAKE_PTR(pres.error);
                        boot_apply_result_done(&pres);
                        return r;
                }
                boot_apply_result_done(&pres);
                if (changed) {
                        if ((r = grubby_run(c)) < 0)
                                return r;
                        if ((r = grubby_check(c)) < 0)
                                return r;
                }
        } else {
                /* Dry run, --root or inside kernel-install: the same edit
                 * grubby would make, done (or shown) here; grubby's
                 * command is listed, not run (below --root it would edit
                 * the live system). */
                r = bls_edit_entries(c, (char *const *) bls_entry_dirs, &changed);
                if (r < 0)
                        return r;
                if (grubby && changed && (r = grubby_run(c)) < 0)
                        return r;
                if (grubby && changed && !c->live &&
                    (r = boot_ctx_note(c, "grubby is not run for a root other than '/': the entries were edited directly")) < 0)
                        return r;
        }
        r = bls_kernel_cmdline(c, &changed);
        if (r < 0)
                return r;
        return boot_ctx_write_record(c, c->want ? c->want : (char *[]){ NULL });
}
