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
#include "bootcfg/backend.h"
#include "kernel/cmdline.h"
#include "basic/fileio.h"
#include "bootcfg/grub_cfg.h"
#include "bootcfg/grub_default.h"

static const char *const grub_cfg_paths[] = { "/boot/grub/grub.cfg", "/boot/grub2/grub.cfg" };

bool grub_detect(const char *root) {
        if (exists_root(root, GRUB_DEFAULT_PATH) || exists_root(root, GRUB_DEFAULT_DIR))
                return true;
        for (size_t i = 0; i < ELEMENTSOF(grub_cfg_paths); i++)
                if (exists_root(root, grub_cfg_paths[i]))
                        return true;
        return false;
}

static bool live_root(const char *root) {
        _cleanup_free_ char *p = root_join(root, "/");
        return p && streq(p, "/");
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

static char *dropin_format(char *const *tokens) {
        StrBuf b = {0};
        strbuf_append(&b,
                      "# Written by numacma (numacmactl apply): per-NUMA-node CMA pools for\n"
                      "# coherent DMA. numacma rewrites or removes this file; put your own\n"
                      "# arguments elsewhere. The policy is /etc/numacma.conf; see\n"
                      "# 'numacmactl status'.\n"
                      "GRUB_CMDLINE_LINUX=\"${GRUB_CMDLINE_LINUX}");
        for (char *const *t = tokens; *t; t++) {
                _cleanup_free_ char *q = shell_dquote_escape(*t);
                strbuf_append(&b, " ");
                strbuf_append(&b, q ? q : "");
                if (!q)
                        b.oom = true;
        }
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

int grub_read_next(const char *root, NextBoot *n) {
        ShellVars v = {0};
        _cleanup_free_ char *err = NULL, *dropin = NULL, *cfg_path = NULL, *cfg = NULL;
        int r = grub_defaults_merge(root, live_root(root), NULL, NULL, &v, &err);
        bool merged = r >= 0;
        if (r < 0 && r != -EBADMSG)
                return r;

        r = read_full_file_root(root, GRUB_DROPIN_PATH, &dropin, NULL);
        if (r >= 0)
                r = dropin_tokens(dropin, &n->owned);
        else if (r == -ENOENT)
                r = (n->owned = calloc(1, sizeof(char *))) ? 0 : -ENOMEM;
        if (r < 0 && r != -EBADMSG)
                goto out;

        r = find_grub_cfg(root, &cfg_path, &cfg);
        if (r >= 0)
                r = grub_cfg_next(root, cfg_path, cfg, &v, n);
        else if (r == -ENOENT) {
                r = 0;
                /* No grub.cfg yet: what grub-mkconfig would write (10_linux
                 * puts GRUB_CMDLINE_LINUX then _DEFAULT on normal entries). */
                const ShellVar *a = shell_vars_find(&v, "GRUB_CMDLINE_LINUX");
                const ShellVar *b = shell_vars_find(&v, "GRUB_CMDLINE_LINUX_DEFAULT");
                if (merged && (!a || a->value) && (!b || b->value)) {
                        n->cmdline = strdup_printf("%s %s", var(&v, "GRUB_CMDLINE_LINUX"), var(&v, "GRUB_CMDLINE_LINUX_DEFAULT"));
                        if (!n->cmdline)
                                r = -ENOMEM;
                }
        }
out:
        shell_vars_done(&v);
        return r;
}

/* Whether the default entry in grub.cfg already carries the tokens. */
static bool grub_cfg_current(const BootCtx *c) {
        if (!c->next || !c->next->cmdline)
                return false;
        _cleanup_strv_free_ char **have = NULL;
        if (tokens_of(c->next->cmdline, &have) < 0)
                return false;
        for (char **t = c->want; t && *t; t++)
                if (!strv_contains(have, *t))
                        return false;
        for (char **t = c->remove; t && *t; t++)
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
        r = tokens_of(sv->value, &have);
        shell_vars_done(&v);
        if (r < 0)
                return r;
        for (char **t = c->want; t && *t; t++) {
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

int grub_apply(BootCtx *c) {
        _cleanup_free_ char *dropin = NULL, *cfg_path = NULL, *cfg = NULL;
        int r;

        if (c->want && *c->want) {
                if (!(dropin = dropin_format(c->want)))
                        return -ENOMEM;
                if ((r = check_merge(c, dropin)) < 0)
                        return r;
        }
        r = boot_ctx_write(c, GRUB_DROPIN_PATH, dropin, 0644);
        if (r < 0)
                return r;
        bool changed = r > 0;

        /* Regenerate after a change, after an earlier failure, and when
         * grub.cfg does not carry what the drop-in says (someone's
         * update-grub failed, or grub.cfg was restored). */
        bool have_cfg = find_grub_cfg(c->root, &cfg_path, &cfg) >= 0;
        if (!changed && !(c->next && c->next->last_error) && (!have_cfg || grub_cfg_current(c)))
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
