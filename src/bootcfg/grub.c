/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Debian/Ubuntu GRUB: numacma's tokens in a generated drop-in,
 * /etc/default/grub.d/90-numacma.cfg, appended to GRUB_CMDLINE_LINUX (so
 * recovery entries get them too), then update-grub. The drop-in is the
 * ownership record: numacma owns exactly what it holds.
 *
 * Reading the merged variables: on the live system the files are sourced
 * by sh, as grub-mkconfig does. Below another root they are read by
 * grub_default_eval() instead: sourcing them would run the root's code
 * (command substitutions, anything) with this process's privileges, and a
 * root given with --root is only data. Where the reader cannot evaluate a
 * file the result says the merged value is unknown rather than guess. */
#include <sys/stat.h>

#include "basic/fileio.h"
#include "bootcfg/backend.h"
#include "bootcfg/grub_cfg.h"
#include "bootcfg/grub_default.h"
#include "kernel/cma_args.h"
#include "kernel/cmdline.h"
#include "kernel/cmdline_tokens.h"

static const char *const grub_cfg_paths[] = { "/boot/grub/grub.cfg", "/boot/grub2/grub.cfg" };

static bool grub_detect(const char *root) {
        if (exists_root(root, GRUB_DEFAULT_PATH) || exists_root(root, GRUB_DEFAULT_DIR))
                return true;
        for (size_t i = 0; i < ELEMENTSOF(grub_cfg_paths); i++)
                if (exists_root(root, grub_cfg_paths[i]))
                        return true;
        return false;
}

/* The tokens the drop-in adds: evaluated from an empty GRUB_CMDLINE_LINUX. */
static int dropin_tokens(const char *text, char ***ret) {
        ShellVars v = {0};
        int r = shell_vars_set(&v, "GRUB_CMDLINE_LINUX", "");
        if (r >= 0)
                r = grub_default_eval(&v, text, strlen(text), NULL);
        if (r >= 0) {
                const ShellVar *sv = shell_vars_find(&v, "GRUB_CMDLINE_LINUX");
                r = tokens_of(sv ? sv->value : "", ret);
        }
        shell_vars_done(&v);
        return r;
}

/* The drop-in. prepend: the tokens go before what GRUB_CMDLINE_LINUX
 * already holds, because it holds a "--" and what follows that is init's,
 * never the kernel's. */
static char *dropin_format(char *const *tokens, bool prepend) {
        StrBuf b = {0};
        strbuf_append(&b,
                      "# Written by numacma (numacmactl apply): per-NUMA-node CMA pools for\n"
                      "# coherent DMA. numacma rewrites or removes this file; put your own\n"
                      "# arguments elsewhere. The policy is /etc/numacma.conf; see\n"
                      "# 'numacmactl status'.\n"
                      "GRUB_CMDLINE_LINUX=\"");
        if (!prepend)
                strbuf_append(&b, "${GRUB_CMDLINE_LINUX}");
        for (char *const *t = tokens; *t; t++) {
                _cleanup_free_ char *q = shell_dquote_escape(*t);
                if (t != tokens || !prepend)
                        strbuf_append(&b, " ");
                strbuf_append(&b, q ? q : "");
                if (!q)
                        b.oom = true;
        }
        if (prepend)
                strbuf_append(&b, " ${GRUB_CMDLINE_LINUX}");
        strbuf_append(&b, "\"\n");
        return strbuf_steal(&b);
}

static const char *var(const ShellVars *v, const char *name) {
        const ShellVar *s = shell_vars_find(v, name);
        return s ? s->value : "";
}

static int find_grub_cfg(const char *root, char **ret_path, char **ret_text) {
        for (size_t i = 0; i < ELEMENTSOF(grub_cfg_paths); i++) {
                int r = read_full_file_root(root, grub_cfg_paths[i], ret_text, NULL);
                if (r == -ENOENT)
                        continue;
                if (r < 0)
                        return r;
                *ret_path = strdup(grub_cfg_paths[i]);
                return *ret_path ? 0 : -ENOMEM;
        }
        return -ENOENT;
}

/* The default entry of grub.cfg (NULL text: none readable). */
static int grub_cfg_next(const char *root, const char *cfg_path, const char *text, const ShellVars *v,
                         NextBoot *n) {
        GrubCfg cfg = {0};
        int r = grub_cfg_parse(text, &cfg);
        if (r < 0)
                return r;
        _cleanup_free_ char *env_path = strdup(cfg_path), *env = NULL, *saved = NULL;
        if (!env_path) {
                grub_cfg_done(&cfg);
                return -ENOMEM;
        }
        strcpy(strrchr(env_path, '/') + 1, "grubenv");
        if (read_full_file_root(root, env_path, &env, NULL) >= 0)
                saved = grubenv_get(env, "saved_entry");
        const ShellVar *def = shell_vars_find(v, "GRUB_DEFAULT");
        const GrubEntry *e = grub_cfg_default(&cfg, def && def->value ? def->value : "0", saved);
        if (e) {
                n->cmdline = strdup(e->args);
                n->release = e->release ? strdup(e->release) : NULL;
                n->releases = calloc(1, sizeof(char *));
                if (!n->cmdline || (e->release && !n->release) || !n->releases)
                        r = -ENOMEM;
                if (r >= 0 && e->release)
                        r = strv_extend(&n->releases, e->release);
                for (size_t i = 0; r >= 0 && i < cfg.n; i++)
                        if (cfg.entries[i].release && !strv_contains(n->releases, cfg.entries[i].release))
                                r = strv_extend(&n->releases, cfg.entries[i].release);
                /* No entry named its kernel: leave the targets to status. */
                if (r >= 0 && !n->releases[0]) {
                        free(n->releases);
                        n->releases = NULL;
                }
        }
        grub_cfg_done(&cfg);
        return r;
}

/* What grub-mkconfig makes of the merged defaults for the normal entries
 * (10_linux: GRUB_CMDLINE_LINUX, then GRUB_CMDLINE_LINUX_DEFAULT); NULL
 * when the merge could not tell. */
static char *planned_line(const ShellVars *v) {
        const ShellVar *a = shell_vars_find(v, "GRUB_CMDLINE_LINUX");
        const ShellVar *b = shell_vars_find(v, "GRUB_CMDLINE_LINUX_DEFAULT");
        if ((a && !a->value) || (b && !b->value))
                return NULL;
        return strdup_printf("%s %s", var(v, "GRUB_CMDLINE_LINUX"), var(v, "GRUB_CMDLINE_LINUX_DEFAULT"));
}

/* Tokens grub-mkconfig itself puts on a linux line, whatever the defaults say. */
static bool generated_token(const char *t) {
        return startswith(t, "root=") || streq(t, "ro") || streq(t, "rw") || startswith(t, "BOOT_IMAGE=");
}

static bool older_than_sources(const char *root, const char *cfg_path) {
        _cleanup_free_ char *p = root_join(root, cfg_path);
        _cleanup_strv_free_ char **d = NULL;
        struct stat cs, st;
        if (!p || stat(p, &cs) < 0)
                return false;
        _cleanup_free_ char *def = root_join(root, GRUB_DEFAULT_PATH);
        if (def && stat(def, &st) >= 0 && st.st_mtime > cs.st_mtime)
                return true;
        if (list_dir_root(root, GRUB_DEFAULT_DIR, NULL, &d) < 0)
                return false;
        for (char **f = d; *f; f++) {
                _cleanup_free_ char *rel = strdup_printf(GRUB_DEFAULT_DIR "/%s", *f);
                _cleanup_free_ char *full = rel ? root_join(root, rel) : NULL;
                if (full && stat(full, &st) >= 0 && st.st_mtime > cs.st_mtime)
                        return true;
        }
        return false;
}

/* How grub.cfg's default entry differs from what regenerating it gives:
 * tokens added and dropped; NULL stale when they agree. */
static int grub_cfg_stale(const char *root, const char *cfg_path, NextBoot *n) {
        _cleanup_strv_free_ char **have = NULL, **want = NULL, **adds = NULL, **drops = NULL;
        int r = tokens_of(n->cmdline, &have);
        if (r >= 0)
                r = tokens_of(n->planned_from, &want);
        for (char **t = want; r >= 0 && *t; t++)
                if (!strv_contains(have, *t))
                        r = strv_extend(&adds, *t);
        for (char **t = have; r >= 0 && *t; t++)
                if (!strv_contains(want, *t) && !generated_token(*t))
                        r = strv_extend(&drops, *t);
        if (r < 0)
                return r;
        if (!adds && !drops)
                return 0;
        StrBuf m = {0};
        strbuf_printf(&m, "'%s' %s its sources (/etc/default/grub and grub.d): regenerating it", cfg_path,
                      older_than_sources(root, cfg_path) ? "is older than" : "differs from");
        for (char **t = adds; t && *t; t++)
                strbuf_printf(&m, "%s '%s'", t == adds ? " adds" : ",", *t);
        for (char **t = drops; t && *t; t++)
                strbuf_printf(&m, "%s '%s'", t == drops ? (adds ? " and drops" : " drops") : ",", *t);
        n->stale = strbuf_steal(&m);
        return n->stale ? 0 : -ENOMEM;
}

static int grub_read(const char *root, NextBoot *n) {
        ShellVars v = {0};
        _cleanup_free_ char *err = NULL, *dropin = NULL, *cfg_path = NULL, *cfg = NULL;
        int r = grub_defaults_merge(root, root_is_live(root), NULL, NULL, &v, &err);
        bool merged = r >= 0;
        if (r < 0 && r != -EBADMSG)
                return r;

        /* The drop-in is the record: without it numacma owns nothing. */
        n->has_record = true;
        r = read_full_file_root(root, GRUB_DROPIN_PATH, &dropin, NULL);
        if (r >= 0)
                r = dropin_tokens(dropin, &n->record);
        else if (r == -ENOENT)
                r = (n->record = calloc(1, sizeof(char *))) ? 0 : -ENOMEM;
        if (r < 0 && r != -EBADMSG)
                goto out;
        if (merged && !(n->planned_from = planned_line(&v))) {
                const ShellVar *a = shell_vars_find(&v, "GRUB_CMDLINE_LINUX");
                const ShellVar *b = shell_vars_find(&v, "GRUB_CMDLINE_LINUX_DEFAULT");
                if ((!a || a->value) && (!b || b->value)) {
                        r = -ENOMEM;
                        goto out;
                }
        }

        r = find_grub_cfg(root, &cfg_path, &cfg);
        if (r == -ENOENT) {
                n->unknown_reason = strdup("there is no grub.cfg (/boot/grub/grub.cfg): the boot loader has no menu yet; 'update-grub' makes it");
                r = n->unknown_reason ? 0 : -ENOMEM;
        } else if (r >= 0)
                r = grub_cfg_next(root, cfg_path, cfg, &v, n);
        if (r >= 0 && n->cmdline && n->planned_from)
                r = grub_cfg_stale(root, cfg_path, n);
        if (r >= 0 && !n->cmdline && !n->unknown_reason &&
            !(n->unknown_reason = strdup("grub.cfg has no menu entry with a linux line")))
                r = -ENOMEM;
out:
        shell_vars_done(&v);
        return r;
}

/* grub.cfg carries CMA arguments its sources no longer make (a drop-in
 * removed before update-grub ran): only regenerating takes them out. */
static bool grub_cfg_stale_cma(const NextBoot *n) {
        if (!n->stale || !n->cmdline || !n->planned_from)
                return false;
        _cleanup_free_ char *a = cma_args_of_line(n->cmdline), *b = cma_args_of_line(n->planned_from);
        return a && b && !streq(a, b);
}

/* Whether the default entry in grub.cfg already carries the tokens. */
static bool grub_cfg_current(const BootCtx *c) {
        if (!c->next || !c->next->cmdline)
                return false;
        _cleanup_strv_free_ char **have = NULL;
        if (tokens_of(c->next->cmdline, &have) < 0)
                return false;
        for (char *const *t = c->want; t && *t; t++)
                if (!strv_contains(have, *t))
                        return false;
        for (char *const *t = c->remove; t && *t; t++)
                if (strv_contains(have, *t))
                        return false;
        return true;
}

/* Whether the plan's tokens survive the merge with the drop-in in place. */
static int check_merge(BootCtx *c, const char *dropin) {
        ShellVars v = {0};
        _cleanup_free_ char *err = NULL;
        _cleanup_strv_free_ char **have = NULL, **later = NULL;
        int r = grub_defaults_merge(c->root, c->live, GRUB_DROPIN_PATH, dropin, &v, &err);
        if (r == -EBADMSG) {
                shell_vars_done(&v);
                return boot_ctx_note(c, "cannot check that GRUB_CMDLINE_LINUX keeps numacma's arguments: %s",
                                     err ? err : "unknown");
        }
        if (r < 0)
                return boot_ctx_fail(c, r, "cannot merge the /etc/default/grub files: %s", err ? err : strerror(-r));
        const ShellVar *sv = shell_vars_find(&v, "GRUB_CMDLINE_LINUX");
        if (!sv || !sv->value) {
                shell_vars_done(&v);
                return boot_ctx_note(c, "GRUB_CMDLINE_LINUX is set by a command substitution: cannot check that it keeps numacma's arguments");
        }
        /* An open quote would take numacma's tokens into the argument it opens. */
        _cleanup_free_ char *quote = NULL;
        r = grub_cmdline_var_check(&v, "GRUB_CMDLINE_LINUX", &quote);
        if (r < 0) {
                shell_vars_done(&v);
                return boot_ctx_fail(c, r, "numacma's arguments would not reach the kernel: %s", quote ? quote : strerror(-r));
        }
        _cleanup_cmdline_ Cmdline *merged = NULL;
        r = cmdline_parse(sv->value, &merged);
        for (size_t i = 0; r >= 0 && i < merged->n; i++)
                if (!merged->tokens[i].init)
                        r = strv_extend(&have, merged->tokens[i].text);
        shell_vars_done(&v);
        if (r < 0)
                return r == -ENOMEM ? r : boot_ctx_fail(c, r, "GRUB_CMDLINE_LINUX does not parse as a command line with numacma's drop-in in place");
        for (char *const *t = c->want; t && *t; t++) {
                if (strv_contains(have, *t))
                        continue;
                _cleanup_strv_free_ char **d = NULL;
                const char *me = strrchr(GRUB_DROPIN_PATH, '/') + 1;
                if (list_dir_root(c->root, GRUB_DEFAULT_DIR, NULL, &d) >= 0)
                        for (char **f = d; *f; f++)
                                if (strcmp(*f, me) > 0 && (r = strv_extendf(&later, GRUB_DEFAULT_DIR "/%s", *f)) < 0)
                                        return r;
                _cleanup_free_ char *names = later ? strv_join(later, "', '") : NULL;
                return boot_ctx_fail(c, -EEXIST,
                                     "'%s' would not reach the kernel: GRUB_CMDLINE_LINUX is assigned outright after numacma's drop-in%s%s%s; make that file append (GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX ...\")",
                                     *t, names ? " (in '" : "", names ? names : "", names ? "')" : "");
        }
        return 0;
}

/* GRUB_CMDLINE_LINUX without numacma's drop-in holds a "--". */
static bool base_has_init_part(BootCtx *c) {
        ShellVars v = {0};
        _cleanup_free_ char *err = NULL;
        _cleanup_cmdline_ Cmdline *l = NULL;
        bool init = false;
        if (grub_defaults_merge(c->root, c->live, GRUB_DROPIN_PATH, NULL, &v, &err) >= 0) {
                const ShellVar *sv = shell_vars_find(&v, "GRUB_CMDLINE_LINUX");
                if (sv && sv->value && cmdline_parse(sv->value, &l) >= 0)
                        for (size_t i = 0; i < l->n && !init; i++)
                                init = l->tokens[i].init;
        }
        shell_vars_done(&v);
        return init;
}

/* Every menu entry of grub.cfg, as regenerating it will make it, within
 * the kernel's limit: GRUB puts BOOT_IMAGE=<image> in front. */
static int check_lengths(BootCtx *c, const char *cfg_text) {
        GrubCfg cfg = {0};
        int r = cfg_text ? grub_cfg_parse(cfg_text, &cfg) : 0;
        for (size_t i = 0; r >= 0 && i < cfg.n; i++) {
                _cleanup_free_ char *line = NULL;
                if (tokens_edit(strempty(cfg.entries[i].args), c->remove, c->want, &line) < 0)
                        continue;  /* a line that does not parse is not made longer by numacma's check */
                size_t len = strlen("BOOT_IMAGE=") + strlen(strempty(cfg.entries[i].kernel)) + 1 + strlen(line);
                if (len >= COMMAND_LINE_MAX)
                        r = boot_ctx_fail(c, -E2BIG, "the menu entry '%s' would pass a %zu-byte command line to the kernel, over its %u-byte limit: nothing written",
                                          strna(cfg.entries[i].title), len, COMMAND_LINE_MAX - 1);
        }
        grub_cfg_done(&cfg);
        return r;
}

/* The drop-in's tokens: numacma's, and what someone else put in its file
 * (never numacma's to remove). */
static int dropin_tokens_for(const BootCtx *c, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        int r = strv_copy(c->want, &l);
        for (char **t = c->next ? c->next->record_ignored : NULL; r >= 0 && t && *t; t++)
                if (!strv_contains(l, *t))
                        r = strv_extend(&l, *t);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(l);
        return 0;
}

static int grub_apply(BootCtx *c) {
        _cleanup_free_ char *dropin = NULL, *cfg_path = NULL, *cfg = NULL;
        _cleanup_strv_free_ char **tokens = NULL;
        bool have_cfg = find_grub_cfg(c->root, &cfg_path, &cfg) >= 0;
        int r = dropin_tokens_for(c, &tokens);
        if (r < 0)
                return r;
        if (tokens[0]) {
                if (!(dropin = dropin_format(tokens, base_has_init_part(c))))
                        return -ENOMEM;
                if ((r = check_merge(c, dropin)) < 0)
                        return r;
        }
        if ((r = check_lengths(c, have_cfg ? cfg : NULL)) < 0)
                return r;
        r = boot_ctx_write(c, GRUB_DROPIN_PATH, dropin, 0644);
        if (r < 0)
                return r;
        bool changed = r > 0;

        /* Regenerate after a change, after an earlier failure, and when
         * grub.cfg does not carry what the drop-in says (someone's
         * update-grub failed, or grub.cfg was restored). */
        if (!changed && !(c->next && c->next->last_error) && (!have_cfg || grub_cfg_current(c)) &&
            !(c->next && grub_cfg_stale_cma(c->next)))
                return 0;
        char *update[] = { (char *) "update-grub", NULL };
        char *mkconfig[] = { (char *) "grub-mkconfig", (char *) "-o", cfg_path ? cfg_path : (char *) "/boot/grub/grub.cfg", NULL };
        char *mkconfig2[] = { (char *) "grub2-mkconfig", (char *) "-o", cfg_path ? cfg_path : (char *) "/boot/grub2/grub.cfg", NULL };
        char **argv = update;
        if (!boot_ctx_have_program(c, "update-grub")) {
                if (boot_ctx_have_program(c, "grub-mkconfig"))
                        argv = mkconfig;
                else if (boot_ctx_have_program(c, "grub2-mkconfig"))
                        argv = mkconfig2;
                else if (boot_ctx_runs_commands(c))
                        return boot_ctx_fail(c, -ENOENT, "neither update-grub nor grub-mkconfig found: '%s' is written but grub.cfg is not regenerated",
                                             GRUB_DROPIN_PATH);
        }
        r = boot_ctx_run(c, argv);
        if (r < 0) {
                _cleanup_free_ char *why = TAKE_PTR(c->res->error);
                return boot_ctx_fail(c, r, "%s: grub.cfg was not regenerated, so the next boot does not have numacma's change yet ('%s' is in place; fix the cause and run 'numacmactl apply')",
                                     why ? why : "regenerating grub.cfg failed", GRUB_DROPIN_PATH);
        }
        return 0;
}

const BootBackendOps grub_backend = {
        .kind = BACKEND_GRUB,
        .detect = grub_detect,
        .read_next = grub_read,
        .apply = grub_apply,
        .dirs = (const char *const[]){ "/etc/default/grub.d", NULL },
};
