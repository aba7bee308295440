/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fedora/RHEL with grubby: the entries are grubby's to edit. On the live
 * system grubby edits each entry that needs numacma's change, one
 * --update-kernel=<its kernel> at a time, where what grubby's shell does
 * to that entry is exactly the token edit (grubby_safe()); afterwards every
 * entry is compared with the token edit byte for byte. Below another root,
 * in a dry run or inside kernel-install, the entries are edited directly
 * and grubby's commands are listed, not run (below --root grubby would edit
 * the live system).
 *
 * Not --update-kernel=ALL: with ALL grubby (grubby-bls 8.40) also rewrites
 * GRUB_CMDLINE_LINUX in /etc/default/grub by pasting the new line between
 * double quotes with sed (an administrator's \" inside it then ends the
 * string early and the rest of the line runs as a command), rewrites
 * /etc/kernel/cmdline with `read` and an unquoted echo (backslashes and
 * repeated blanks lost, written in place) or makes one where there was
 * none, and replaces numacma's key in grubenv's kernelopts. Those three
 * are numacma's own here, edited as tokens and replaced atomically
 * (bls_other_files()); with one entry named, grubby touches only it. */
#include "basic/fileio.h"
#include "bootcfg/backend.h"
#include "bootcfg/bls_apply.h"
#include "bootcfg/bls_next.h"
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
        return bls_read_next(root, BLS_BY_GRUB, n);
}

/* One entry's part of the edit: the tokens its options lose and gain. */
typedef struct {
        char **rm, **add;
        const char *why_not;  /* why grubby may not make this edit; NULL: it may */
        bool todo;            /* the entry changes */
        bool by_grubby;       /* grubby makes it */
} EntryPlan;

static void entry_plans_free(EntryPlan *p, size_t n) {
        for (size_t i = 0; p && i < n; i++) {
                strv_free(p[i].rm);
                strv_free(p[i].add);
        }
        free(p);
}

/* a's tokens that b lacks, each once, in a's order. */
static int tokens_minus(char **a, char **b, char ***ret) {
        _cleanup_strv_free_ char **out = calloc(1, sizeof(char *));
        int r = out ? 0 : -ENOMEM;
        for (char **t = a; r >= 0 && *t; t++)
                if (!strv_contains(b, *t) && !strv_contains(out, *t))
                        r = strv_extend(&out, *t);
        if (r >= 0)
                *ret = TAKE_PTR(out);
        return r;
}

static int options_of(const char *text, char **ret) {
        BlsEntry e;
        int r = bls_entry_parse(text, strlen(text), &e);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(e.options);
        bls_entry_done(&e);
        return 0;
}

/* The key of a token as grubby's sed matches it: up to the first '='. */
static bool word_has_key(const char *word, const char *key) {
        size_t kl = strcspn(key, "=");
        return strncmp(word, key, kl) == 0 && (word[kl] == '=' || !word[kl]);
}

static bool numacma_key(const BootCtx *c, const EntryPlan *p, const char *word) {
        char *const *lists[] = { c->want, c->remove, p->rm, p->add };
        for (size_t l = 0; l < ELEMENTSOF(lists); l++)
                for (char *const *t = lists[l]; t && *t; t++) {
                        _cleanup_cmdline_ Cmdline *w = NULL, *k = NULL;
                        if (word_has_key(word, *t))
                                return true;
                        /* The kernel's own idea of the key ('-' is '_'). */
                        if (cmdline_parse(word, &w) >= 0 && cmdline_parse(*t, &k) >= 0 && w->n == 1 && k->n == 1 &&
                            w->tokens[0].key && k->tokens[0].key && cmdline_key_eq(w->tokens[0].key, k->tokens[0].key))
                                return true;
                }
        return false;
}

/* Whether grubby's edit of this entry is exactly the token edit. grubby
 * reads the options with grep and writes them back with sed, the new value
 * made by an unquoted echo, in the replacement: so one options line,
 * "options" and one space, the tokens one space apart, no byte that the
 * unquoted echo or sed's replacement changes; its --args=K=V deletes every
 * K=... (quoted or not) before appending, after a "--" too, and its
 * --remove-args=K=V one match of the text: so every word with the key of
 * one of numacma's is one of numacma's tokens, whole, once, and there is
 * no "--"; and numacma's tokens are plain (they are regular expressions
 * to grubby). NULL when it is, else why not. */
static const char *grubby_safe(const BootCtx *c, const EntryFile *f, const EntryPlan *p) {
        if (!f->e.linux_path || !*f->e.linux_path)
                return "it has no linux line";
        if (f->e.n_options != 1)
                return "it has more than one options line";
        const char *l = f->text, *value = NULL;
        for (; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
                if (strncmp(l, "options", 7) == 0 && (l[7] == ' ' || l[7] == '\t'))
                        value = l + 8;
        if (!value || value[-1] != ' ')
                return "its options line is not 'options' and one space";
        size_t len = strcspn(value, "\n");
        if (len == 0 || value[0] == ' ' || value[len - 1] == ' ')
                return "its options have blanks at an end";
        for (size_t i = 0; i < len; i++) {
                unsigned char ch = (unsigned char) value[i];
                if (ch < 0x20 || ch >= 0x7f || strchr("&\\*?[", ch))
                        return "its options hold a byte grubby's shell would change (& \\ * ? [ or a control)";
                if (ch == ' ' && value[i + 1] == ' ')
                        return "its options hold repeated blanks";
        }
        static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_=:,@-";
        for (char **t = p->rm; t && *t; t++)
                if (strspn(*t, plain) != strlen(*t))
                        return "a token of numacma's is not plain";
        for (char **t = p->add; t && *t; t++)
                if (strspn(*t, plain) != strlen(*t))
                        return "a token of numacma's is not plain";
        _cleanup_free_ char *v = strndup(value, len);
        _cleanup_strv_free_ char **toks = NULL, **seen = NULL;
        if (!v || tokens_of(v, &toks) < 0)
                return "out of memory";
        for (char *w = strtok(v, " "); w; w = strtok(NULL, " ")) {
                if (streq(w, "--"))
                        return "its options hold '--'";
                if (!numacma_key(c, p, w))
                        continue;
                if (!strv_contains(toks, w) || !(strv_contains(c->want, w) || strv_contains(c->remove, w)))
                        return "it has an argument with the key of one of numacma's that is not numacma's";
                if (strv_contains(seen, w))
                        return "it has one of numacma's arguments twice";
                if (strv_extend(&seen, w) < 0)
                        return "out of memory";
        }
        return NULL;
}

/* The entries grubby --update-kernel=<linux> edits: grubby-bls matches the
 * linux line, or "/" and the path's last part. */
static bool grubby_matches(const char *param, const char *linux_path) {
        const char *base = strrchr(param, '/');
        _cleanup_free_ char *alt = strdup_printf("/%s", base ? base + 1 : param);
        return linux_path && (streq(param, linux_path) || (alt && streq(alt, linux_path)));
}

static int plan_entries(BootCtx *c, const EntryEdits *e, EntryPlan **ret) {
        EntryPlan *p = calloc(e->es.n + 1, sizeof(EntryPlan));
        int r = p ? 0 : -ENOMEM;
        for (size_t i = 0; r >= 0 && i < e->es.n; i++) {
                if (!e->edited[i] || streq(e->edited[i], e->es.f[i].text))
                        continue;
                _cleanup_free_ char *o = NULL, *n = NULL;
                _cleanup_strv_free_ char **ot = NULL, **nt = NULL;
                if ((r = options_of(e->es.f[i].text, &o)) < 0 || (r = options_of(e->edited[i], &n)) < 0 ||
                    (r = tokens_of(o, &ot)) < 0 || (r = tokens_of(n, &nt)) < 0 ||
                    (r = tokens_minus(ot, nt, &p[i].rm)) < 0 || (r = tokens_minus(nt, ot, &p[i].add)) < 0)
                        break;
                p[i].todo = true;
                p[i].why_not = grubby_safe(c, &e->es.f[i], &p[i]);
        }
        /* One grubby call edits every entry of that kernel: each must need
         * the same edit, and grubby must be able to make it. */
        for (size_t i = 0; r >= 0 && i < e->es.n; i++) {
                if (!p[i].todo || p[i].why_not)
                        continue;
                bool ok = true;
                for (size_t j = 0; j < e->es.n && ok; j++)
                        if (j != i && grubby_matches(e->es.f[i].e.linux_path, e->es.f[j].e.linux_path))
                                ok = p[j].todo && !p[j].why_not && strv_equal(p[i].rm, p[j].rm) && strv_equal(p[i].add, p[j].add);
                if (!ok)
                        p[i].why_not = "another entry of its kernel needs another edit";
                p[i].by_grubby = ok;
        }
        if (r < 0) {
                entry_plans_free(p, e->es.n);
                return r;
        }
        *ret = p;
        return 0;
}

static int grubby_argv(const char *linux_path, const EntryPlan *p, char ***ret) {
        _cleanup_strv_free_ char **argv = NULL;
        int r = strv_extend(&argv, "grubby");
        if (r >= 0)
                r = strv_extendf(&argv, "--update-kernel=%s", linux_path);
        if (r >= 0 && p->add && *p->add) {
                _cleanup_free_ char *j = strv_join(p->add, " ");
                r = j ? strv_extendf(&argv, "--args=%s", j) : -ENOMEM;
        }
        if (r >= 0 && p->rm && *p->rm) {
                _cleanup_free_ char *j = strv_join(p->rm, " ");
                r = j ? strv_extendf(&argv, "--remove-args=%s", j) : -ENOMEM;
        }
        if (r >= 0)
                *ret = TAKE_PTR(argv);
        return r;
}

/* After grubby: each entry must be what the token edit makes of it (or
 * as it was); grubby's semantics are not taken on trust. One that is not
 * is written as the token edit makes it, and said. */
static int grubby_check(BootCtx *c, const EntryEdits *e, const EntryPlan *p) {
        int r = 0;
        for (size_t i = 0; i < e->es.n && r >= 0; i++) {
                if (p[i].todo && !p[i].by_grubby)
                        continue;  /* edited directly */
                const char *want = e->edited[i] ? e->edited[i] : e->es.f[i].text;
                _cleanup_free_ char *now = NULL;
                r = boot_ctx_read(c, e->es.f[i].path, &now);
                if (r == -ENOENT)
                        return boot_ctx_fail(c, r, "'%s' is gone after grubby ran", e->es.f[i].path);
                if (r < 0)
                        return r;
                if (streq(now, want)) {
                        r = boot_ctx_note_command_edit(c, e->es.f[i].path, e->es.f[i].text, want);
                        continue;
                }
                boot_ctx_note(c, "grubby's edit of '%s' is not the token edit: the entry was written directly", e->es.f[i].path);
                r = boot_ctx_replace(c, e->es.f[i].path, now, want, 0644);
        }
        return r < 0 ? r : 0;
}

/* The planned edits: grubby once per kernel for the entries it can edit,
 * the rest (and everything, when grubby does not run) directly; then
 * grubby's work checked against the token edit. */
static int grubby_write(BootCtx *c, const EntryEdits *e, bool *changed) {
        EntryPlan *p = NULL;
        bool run = boot_ctx_runs_commands(c), any = false;
        int r = plan_entries(c, e, &p);
        for (size_t i = 0; i < e->es.n && r >= 0; i++) {
                bool first = p[i].by_grubby;
                for (size_t j = 0; j < i && first; j++)
                        first = !(p[j].by_grubby && grubby_matches(e->es.f[j].e.linux_path, e->es.f[i].e.linux_path));
                if (!first)
                        continue;
                _cleanup_strv_free_ char **argv = NULL;
                if ((r = grubby_argv(e->es.f[i].e.linux_path, &p[i], &argv)) >= 0)
                        r = boot_ctx_run(c, argv);
                any = true;
        }
        for (size_t i = 0; i < e->es.n && r >= 0; i++) {
                if (!p[i].todo || (run && p[i].by_grubby))
                        continue;
                if (run && p[i].why_not)
                        boot_ctx_note(c, "'%s' was edited directly: grubby's edit would not be the token edit (%s)", e->es.f[i].path, p[i].why_not);
                r = boot_ctx_replace(c, e->es.f[i].path, e->es.f[i].text, e->edited[i], 0644);
        }
        if (r >= 0 && run && any)
                r = grubby_check(c, e, p);
        if (r >= 0 && any && !run && !c->live)
                r = boot_ctx_note(c, "grubby is not run for a root other than '/': the entries were edited directly");
        if (r >= 0 && any)
                *changed = true;
        entry_plans_free(p, e->es.n);
        return r < 0 ? r : 0;
}

static const BlsFamily grubby_family = {
        .dirs = bls_entry_dirs,
        .loader = BLS_BY_GRUB,
        .other = BLS_GRUB | BLS_DEFAULT_GRUB,
        .write_entries = grubby_write,
};

static int grubby_apply(BootCtx *c) {
        return bls_family_apply(c, &grubby_family);
}

const BootBackendOps grubby_backend = {
        .kind = BACKEND_GRUBBY,
        .detect = grubby_detect,
        .read_next = grubby_read_next,
        .apply = grubby_apply,
        .dirs = (const char *const[]){ "/boot/loader/entries", "/boot/grub2", "/etc/kernel", "/etc/default", NULL },
};
