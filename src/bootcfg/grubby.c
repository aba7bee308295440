/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fedora/RHEL with grubby: the entries are grubby's to edit, so on the
 * live system grubby --update-kernel=ALL does it, and the result is
 * checked entry by entry. Below another root, in a dry run or inside
 * kernel-install, the same edit is made (or shown) directly and grubby's
 * command is listed, not run (below --root it would edit the live system). */
#include "basic/fileio.h"
#include "bootcfg/backend.h"
#include "bootcfg/bls_entries.h"
#include "kernel/cmdline.h"
#include "kernel/cmdline_tokens.h"

static const char *const grubby_paths[] = { "/usr/sbin/grubby", "/usr/bin/grubby", "/sbin/grubby" };

/* grubby first: where it is not, the bls backend lists the entries once. */
static bool grubby_detect(const char *root) {
        for (size_t i = 0; i < ELEMENTSOF(grubby_paths); i++)
                if (exists_root(root, grubby_paths[i]))
                        return bls_entries_exist(root);
        return false;
}

static int grubby_read_next(const char *root, NextBoot *n) {
        return bls_read_next(root, false, n);
}

/* The key of a one-token text, or NULL. */
static char *key_of(const char *text) {
        _cleanup_cmdline_ Cmdline *l = NULL;
        if (cmdline_parse(text, &l) < 0 || l->n != 1 || !l->tokens[0].key)
                return NULL;
        return strdup(l->tokens[0].key);
}

/* grubby --update-kernel=ALL with --args (it deletes every K= of each key
 * first, then appends K=V) and --remove-args with exact tokens (K=V removes
 * that token only; a bare K would remove every K=...). A token whose key is
 * also wanted is replaced by --args, so it is not removed. grubby runs only
 * where nothing of the administrator's has those keys (grubby_would_hit). */
static int grubby_run(BootCtx *c) {
        _cleanup_strv_free_ char **argv = NULL, **rm = NULL;
        int r = strv_extend(&argv, "grubby");
        if (r >= 0)
                r = strv_extend(&argv, "--update-kernel=ALL");
        for (char *const *t = c->remove; r >= 0 && t && *t; t++) {
                _cleanup_free_ char *k = key_of(*t);
                bool in_want = false;
                for (char *const *w = c->want; k && w && *w && !in_want; w++) {
                        _cleanup_free_ char *wk = key_of(*w);
                        in_want = wk && cmdline_key_eq(wk, k);
                }
                if (!in_want && !strv_contains(rm, *t))
                        r = strv_extend(&rm, *t);
        }
        if (r >= 0 && c->want && *c->want) {
                _cleanup_free_ char *j = strv_join(c->want, " ");
                r = j ? strv_extendf(&argv, "--args=%s", j) : -ENOMEM;
        }
        if (r >= 0 && rm) {
                _cleanup_free_ char *j = strv_join(rm, " ");
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
        int r = bls_load_entries(c->root, (char *const *) bls_entry_dirs, &f, &nf);
        if (r < 0)
                return boot_ctx_fail(c, r, "cannot read the boot entries after grubby: %s", strerror(-r));
        for (size_t i = 0; i < nf && r >= 0; i++) {
                _cleanup_strv_free_ char **have = NULL;
                if ((r = tokens_of(f[i].e.options, &have)) < 0)
                        break;
                for (char *const *t = c->want; t && *t && r >= 0; t++) {
                        size_t k = 0;
                        for (char **h = have; *h; h++)
                                k += streq(*h, *t);
                        if (k != 1)
                                r = boot_ctx_fail(c, -EPROTO, "after grubby, '%s' has '%s' %zu times instead of once", f[i].path, *t, k);
                }
                for (char *const *t = c->remove; t && *t && r >= 0; t++)
                        if (strv_contains(have, *t))
                                r = boot_ctx_fail(c, -EPROTO, "after grubby, '%s' still has '%s'", f[i].path, *t);
        }
        entry_files_free(f, nf);
        return r < 0 ? r : 0;
}

static bool in_either(char *const *a, char *const *b, const char *s) {
        return strv_contains(a, s) || strv_contains(b, s);
}

/* A token on some entry with the key of one of numacma's (wanted or being
 * removed) that is not numacma's: grubby's key-wide --args and bare-key
 * --remove-args would change it. */
static int grubby_would_hit(const BootCtx *c, bool *ret) {
        EntryFile *f = NULL;
        size_t nf = 0;
        _cleanup_strv_free_ char **keys = NULL;
        int r = 0;
        *ret = false;
        for (char *const *t = c->want; r >= 0 && t && *t; t++) {
                char *k = key_of(*t);
                r = k ? strv_push(&keys, k) : 0;
        }
        for (char *const *t = c->remove; r >= 0 && t && *t; t++) {
                char *k = key_of(*t);
                r = k ? strv_push(&keys, k) : 0;
        }
        if (r < 0 || !keys)
                return r;
        if ((r = bls_load_entries(c->root, (char *const *) bls_entry_dirs, &f, &nf)) < 0)
                return r;
        for (size_t i = 0; i < nf && !*ret; i++) {
                _cleanup_cmdline_ Cmdline *l = NULL;
                if (cmdline_parse(strempty(f[i].e.options), &l) < 0)
                        continue;
                for (size_t j = 0; j < l->n && !*ret; j++)
                        for (char **k = keys; *k && !*ret; k++)
                                *ret = l->tokens[j].key && cmdline_key_eq(l->tokens[j].key, *k) &&
                                       !in_either(c->want, c->remove, l->tokens[j].text);
        }
        entry_files_free(f, nf);
        return 0;
}

/* Whether any entry needs a change, and whether one carries a token of the
 * administrator's that grubby would change, from a dry run of the edit. */
static int grubby_probe(BootCtx *c, bool *ret_changed, bool *ret_admin) {
        BootCtx probe;
        BootApplyResult pres;
        boot_ctx_probe(c, &probe, &pres);
        int r = bls_edit_entries(&probe, (char *const *) bls_entry_dirs, true, ret_changed);
        if (r < 0)
                c->res->error = TAKE_PTR(pres.error);
        *ret_admin = probe.n_admin_kept > 0;
        boot_ctx_probe_done(&probe);
        if (r >= 0 && *ret_changed && !*ret_admin)
                r = grubby_would_hit(c, ret_admin);
        return r;
}

/* grubby where it runs and nothing of the administrator's is in its way:
 * its --args replaces a key on every entry and --remove-args takes keys,
 * so an entry with the administrator's own per-node argument is edited
 * here instead. Only when an entry needs it: a re-apply runs nothing. */
static int grubby_edit(BootCtx *c) {
        bool changed = false, admin = false;
        int r = grubby_probe(c, &changed, &admin);
        if (r < 0 || !changed)
                return r;
        if (admin) {
                r = bls_edit_entries(c, (char *const *) bls_entry_dirs, true, &changed);
                return r < 0 ? r : boot_ctx_note(c, "an entry carries an argument of the administrator's that grubby's --args or --remove-args would change on every entry: the entries were edited directly");
        }
        if (!boot_ctx_runs_commands(c)) {
                /* The same edit grubby would make, done (or shown) here. */
                r = bls_edit_entries(c, (char *const *) bls_entry_dirs, true, &changed);
                if (r >= 0)
                        r = grubby_run(c);
                if (r >= 0 && !c->live)
                        r = boot_ctx_note(c, "grubby is not run for a root other than '/': the entries were edited directly");
                return r;
        }
        if ((r = grubby_run(c)) < 0)
                return r;
        return grubby_check(c);
}

static int grubby_apply(BootCtx *c) {
        bool changed = false;
        int r = bls_record_intent(c, (char *const *) bls_entry_dirs, true);
        if (r >= 0)
                r = grubby_edit(c);
        if (r >= 0)
                r = bls_kernel_cmdline(c, &changed);
        if (r < 0)
                return r;
        return boot_ctx_write_record(c, c->want ? c->want : (char *[]){ NULL });
}

const BootBackendOps grubby_backend = {
        .kind = BACKEND_GRUBBY,
        .detect = grubby_detect,
        .read_next = grubby_read_next,
        .apply = grubby_apply,
        .dirs = (const char *const[]){ "/boot/loader/entries", "/etc/kernel", NULL },
};
