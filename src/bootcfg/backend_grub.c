/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Debian/Ubuntu GRUB: numacma's tokens in its own drop-in,
 * /etc/default/grub.d/90-numacma.cfg, appended to GRUB_CMDLINE_LINUX (so
 * recovery entries get them too), then update-grub. The drop-in's own line
 * is the ownership record (grub_dropin.h).
 *
 * What the next boot is comes from grub.cfg as GRUB reads it
 * (loader_grub_menu.h: the header's default, grub-reboot's next_entry,
 * GRUB's variables); whether grub.cfg is stale, from what update-grub would
 * write on each of 10_linux's lines (loader_grub_mkconfig.h) from the
 * merged defaults: sourced by sh on the live system, as grub-mkconfig does,
 * and below another root read by the shell reader (grub_shell.h), since
 * sourcing them would run the root's code with this process's privileges. */
#include <sys/stat.h>

#include "basic/chase.h"
#include "basic/fileio.h"
#include "bootcfg/backend.h"
#include "bootcfg/grub_cfg_parse.h"
#include "bootcfg/grub_defaults.h"
#include "bootcfg/grub_dropin.h"
#include "bootcfg/grubenv.h"
#include "bootcfg/loader_grub_menu.h"
#include "bootcfg/loader_grub_mkconfig.h"
#include "kernel/cma_args.h"
#include "kernel/cmdline.h"
#include "kernel/cmdline_tokens.h"

static const char *const grub_cfg_paths[] = { "/boot/grub/grub.cfg", "/boot/grub2/grub.cfg" };
/* What the read-time check of later drop-ins adds at numacma's place. */
#define PROBE_TOKEN "numacma.probe=1"

static bool grub_detect(const char *root) {
        if (exists_root(root, GRUB_DEFAULT_PATH) || exists_root(root, GRUB_DEFAULT_DIR))
                return true;
        for (size_t i = 0; i < ELEMENTSOF(grub_cfg_paths); i++)
                if (exists_root(root, grub_cfg_paths[i]))
                        return true;
        return false;
}

static int find_grub_cfg(const char *root, char **ret_path, char **ret_text) {
        for (size_t i = 0; i < ELEMENTSOF(grub_cfg_paths); i++) {
                int r = read_regular_below_root(root, grub_cfg_paths[i], ret_text, NULL);
                if (r == -ENOENT)
                        continue;
                if (r < 0)
                        return r;
                *ret_path = strdup(grub_cfg_paths[i]);
                return *ret_path ? 0 : -ENOMEM;
        }
        return -ENOENT;
}

/* The drop-in as it is (none: an empty one). */
static int read_dropin(const char *root, GrubDropin *ret) {
        _cleanup_free_ char *text = NULL;
        int r = read_regular_below_root(root, GRUB_DROPIN_PATH, &text, NULL);
        if (r < 0 && r != -ENOENT)
                return r;
        return grub_dropin_parse(text, ret);
}

/* The drop-ins that are not regular files, named once each. */
static int odd_files(const char *root, NextBoot *n) {
        _cleanup_strv_free_ char **odd = NULL;
        int r = grub_defaults_odd(root, &odd);
        for (char **o = odd; r >= 0 && o && *o; o++) {
                char *tab = strchr(*o, '\t');
                *tab = 0;
                bool blocks = !streq(tab + 1, "a directory") && !streq(tab + 1, "a dangling link");
                r = problems_addf(&n->problems, blocks ? PROBLEM_GRUB_DROPIN_BLOCKS : PROBLEM_BOOT_FILE_SKIPPED, blocks ?
                                 "'%s' is %s, not a configuration file: numacma skips it, but grub-mkconfig would wait on it for ever (it sources every *.cfg there): update-grub is not run until it is gone" :
                                 "'%s' is %s: skipped, as grub-mkconfig skips it", *o, tab + 1);
        }
        return r;
}

/* What 10_linux writes for entry e, as tokens without root= and ro. */
static int expected_tokens(const Linux10 *l, const ShellVars *v, const GrubEntry *e, char ***ret) {
        _cleanup_free_ char *init = NULL, *args = NULL;
        Linux10Kind k = linux10_kind(e->id, &init);
        if (k == LINUX10_OTHER)
                return -ENOENT;
        int r = linux10_args(l, v, k, init, &args);
        return r < 0 ? r : tokens_of(args, ret);
}

/* "regenerating it adds 'a' and drops 'b'" for one entry's tokens. */
static int describe_change(char **have, char **want, StrBuf *m) {
        bool any = false;
        for (char **t = want; *t; t++)
                if (!strv_contains(have, *t)) {
                        strbuf_printf(m, "%s '%s'", any ? "," : " adds", *t);
                        any = true;
                }
        bool drops = false;
        for (char **t = have; *t; t++)
                if (!strv_contains(want, *t)) {
                        strbuf_printf(m, "%s '%s'", drops ? "," : any ? " and drops" : " drops", *t);
                        drops = true;
                }
        if (!any && !drops)
                strbuf_append(m, " orders its arguments otherwise");
        return 0;
}

static bool older_than_sources(const char *root, const char *cfg_path) {
        _cleanup_free_ char *p = NULL, *def = NULL;
        _cleanup_strv_free_ char **d = NULL;
        struct stat cs, st;
        if (chase_below_root(root, cfg_path, &p, NULL) < 0 || stat(p, &cs) < 0)
                return false;
        if (chase_below_root(root, GRUB_DEFAULT_PATH, &def, NULL) >= 0 && stat(def, &st) >= 0 && st.st_mtime > cs.st_mtime)
                return true;
        if (list_dir_below_root(root, GRUB_DEFAULT_DIR, NULL, &d) < 0)
                return false;
        for (char **f = d; *f; f++) {
                _cleanup_free_ char *rel = strdup_printf(GRUB_DEFAULT_DIR "/%s", *f), *full = NULL;
                if (rel && chase_below_root(root, rel, &full, NULL) >= 0 && stat(full, &st) >= 0 && st.st_mtime > cs.st_mtime)
                        return true;
        }
        return false;
}

/* grub.cfg is stale only where update-grub would write another line: each
 * of 10_linux's entries against the model of its line (other scripts'
 * entries are not predicted). */
static int check_stale(const char *root, const char *cfg_path, const GrubCfg *cfg, const Linux10 *l,
                       const ShellVars *v, NextBoot *n) {
        StrBuf m = {0};
        unsigned differ = 0;
        int r = 0;
        for (size_t i = 0; i < cfg->n && r >= 0; i++) {
                _cleanup_strv_free_ char **want = NULL, **have = NULL;
                r = expected_tokens(l, v, &cfg->entries[i], &want);
                if (r == -ENOENT) {
                        r = 0;
                        continue;
                }
                if (r < 0 || (r = linux10_strip_generated(cfg->entries[i].args, &have)) < 0)
                        break;
                if (strv_equal(have, want))
                        continue;
                _cleanup_free_ char *ca = cma_args_of_line(cfg->entries[i].args), *cb = NULL;
                _cleanup_free_ char *jw = strv_join(want, " ");
                cb = jw ? cma_args_of_line(jw) : NULL;
                if (!ca || !cb)
                        return -ENOMEM;
                n->stale_cma = n->stale_cma || !streq(ca, cb);
                if (differ++ == 0) {
                        strbuf_printf(&m, "'%s' %s its sources (/etc/default/grub and grub.d): regenerating it", cfg_path,
                                      older_than_sources(root, cfg_path) ? "is older than" : "differs from");
                        describe_change(have, want, &m);
                        strbuf_printf(&m, " (menu entry '%s'", strempty(cfg->entries[i].title));
                }
        }
        if (r >= 0 && differ)
                strbuf_printf(&m, differ > 1 ? " and %u more)" : ")", differ - 1);
        if (r < 0 || !differ) {
                strbuf_done(&m);
                return r;
        }
        return (n->stale = strbuf_steal(&m)) ? 0 : -ENOMEM;
}

/* The kernels of grub.cfg's entries and the ones update-grub would add
 * (a kernel installed before its hooks ran), the default's first. */
static int releases_of(const char *root, const GrubCfg *cfg, const GrubEntry *def, NextBoot *n) {
        _cleanup_strv_free_ char **in_boot = NULL;
        int r = def && def->release ? strv_extend(&n->releases, def->release) : 0;
        for (size_t i = 0; r >= 0 && i < cfg->n; i++)
                if (cfg->entries[i].release && !strv_contains(n->releases, cfg->entries[i].release))
                        r = strv_extend(&n->releases, cfg->entries[i].release);
        if (r >= 0)
                r = linux10_kernels(root, &in_boot);
        for (char **k = in_boot; r >= 0 && k && *k; k++)
                if (!strv_contains(n->releases, *k))
                        r = strv_extend(&n->releases, *k);
        return r;
}

/* The command line the kernel gets from an entry's linux line. */
static char *kernel_cmdline(const GrubEntry *e, const GrubVars *vars) {
        _cleanup_strv_free_ char **w = NULL;
        return grub_script_words(e->args, vars, &w) < 0 ? NULL : grub_loader_cmdline(w);
}

static int describe_choice(const GrubChoice *c, const char *env_path, NextBoot *n) {
        const char *title = c->entry->title ? c->entry->title : c->entry->path;
        if (!(n->entry = strdup(title)))
                return -ENOMEM;
        if (c->once && !(n->once = strdup_printf("grub-reboot: '%s' boots once (next_entry=%s in %s), then '%s'",
                                                 title, c->once, env_path, strna(c->then))))
                return -ENOMEM;
        return 0;
}

static char *grubenv_of(const char *root, const char *cfg_path, char **ret_path) {
        char *text = NULL, *p = strdup(cfg_path);
        if (!p)
                return NULL;
        strcpy(strrchr(p, '/') + 1, "grubenv");
        (void) read_regular_below_root(root, p, &text, NULL);
        *ret_path = p;
        return text;
}

/* The kind of entry the regenerated grub.cfg boots, the one numacma's
 * update plans for: 00_header's default from GRUB_DEFAULT as the sources
 * say it now (grub.cfg's may be older), not a one-shot; its kind from the
 * menu update-grub will write (an id, or numbers through 10_linux's
 * layout for the kernels in /boot), else from this menu (a title). */
static Linux10Kind planned_kind(const GrubCfg *cfg, const Linux10 *l, const char *env, const ShellVars *v,
                                size_t n_kernels, const GrubEntry *now, char **ret_init) {
        const ShellVar *d = shell_vars_find(v, "GRUB_DEFAULT");
        _cleanup_free_ char *env2 = NULL, *def = NULL, *once = NULL;
        GrubVars vars = {0};
        const GrubEntry *e = now;
        if (!d || d->value) {  /* (not set by a command substitution) */
                if (env && grubenv_set(env, strlen(env), "next_entry", "", &env2) < 0)
                        env2 = NULL;
                int r = grub_menu_default(NULL, env2 ? env2 : env, d ? d->value : NULL, &vars, &def, &once);
                grub_vars_done(&vars);
                if (r >= 0) {
                        Linux10Kind k = linux10_kind_of_default(l, v, n_kernels, def ? def : "0", ret_init);
                        if (k != LINUX10_OTHER)
                                return k;
                        e = grub_menu_resolve(cfg, def);
                }
        }
        Linux10Kind k = e ? linux10_kind(e->id, ret_init) : LINUX10_SIMPLE;
        return k == LINUX10_OTHER ? LINUX10_SIMPLE : k;
}

/* The entry GRUB boots, what the kernel gets from it, and what
 * numacma's update makes of that entry's kind before its own tokens. */
static int grub_cfg_next(const char *root, const char *cfg_path, const GrubCfg *cfg, const Linux10 *l,
                         const ShellVars *v, bool merged, NextBoot *n) {
        _cleanup_free_ char *env_path = NULL, *env = grubenv_of(root, cfg_path, &env_path);
        GrubVars vars = {0};
        GrubChoice c = {0};
        int r = grub_menu_choose(cfg, env, NULL, &vars, &c);
        if (r >= 0 && c.entry) {
                if (!(n->cmdline = kernel_cmdline(c.entry, &vars)))
                        r = -ENOMEM;
                if (r >= 0 && c.entry->release && !(n->release = strdup(c.entry->release)))
                        r = -ENOMEM;
                if (r >= 0)
                        r = describe_choice(&c, env_path, n);
        }
        if (r >= 0)
                r = releases_of(root, cfg, c.entry, n);
        if (r >= 0 && merged) {
                _cleanup_free_ char *init = NULL;
                _cleanup_strv_free_ char **kernels = NULL;
                r = linux10_kernels(root, &kernels);
                Linux10Kind k = planned_kind(cfg, l, env, v, strv_length(kernels), c.entry, &init);
                if (r >= 0)
                        r = linux10_args(l, v, k, init, &n->planned_from);
                if (r == -ENOENT)  /* a variable set by a command substitution */
                        r = 0;
        }
        if (r >= 0 && merged && n->cmdline)
                r = check_stale(root, cfg_path, cfg, l, v, n);
        grub_choice_done(&c);
        grub_vars_done(&vars);
        return r;
}

static int read_grub_cfg(const char *root, const Linux10 *l, const ShellVars *v, bool merged, NextBoot *n) {
        _cleanup_free_ char *cfg_path = NULL, *text = NULL;
        int r = find_grub_cfg(root, &cfg_path, &text);
        if (r == -ENOENT) {
                n->unknown_reason = strdup("there is no grub.cfg (/boot/grub/grub.cfg): the boot loader has no menu yet; 'update-grub' makes it");
                return n->unknown_reason ? 0 : -ENOMEM;
        }
        if (r == -EBADFD) {
                n->unknown_reason = strdup_printf("'%s' is %s, not GRUB's menu", grub_cfg_paths[0],
                                                  strna(chase_kind_below_root(root, grub_cfg_paths[0])));
                return n->unknown_reason ? 0 : -ENOMEM;
        }
        if (r < 0)
                return r;
        GrubCfg cfg = {0};
        if ((r = grub_cfg_parse(text, &cfg)) >= 0)
                r = grub_cfg_next(root, cfg_path, &cfg, l, v, merged, n);
        grub_cfg_done(&cfg);
        if (r >= 0 && !n->cmdline && !n->unknown_reason &&
            !(n->unknown_reason = strdup("grub.cfg has no menu entry with a linux line")))
                r = -ENOMEM;
        return r;
}

/* Where GRUB_CMDLINE_LINUX lost what the drop-in adds: the file and line
 * of the last assignment (the shell reader knows them), else the files
 * from numacma's on (sh does not say). */
static char *who_drops(const char *root, const ShellVar *sv) {
        _cleanup_strv_free_ char **d = NULL, **later = NULL;
        if (sv && sv->file)
                return strdup_printf("'%s' line %u assigns GRUB_CMDLINE_LINUX after numacma's drop-in without keeping its value",
                                     sv->file, sv->line);
        const char *me = strrchr(GRUB_DROPIN_PATH, '/') + 1;
        if (list_dir_below_root(root, GRUB_DEFAULT_DIR, NULL, &d) >= 0)
                for (char **f = d; *f; f++)
                        if (strcmp(*f, me) >= 0 && strv_extendf(&later, GRUB_DEFAULT_DIR "/%s", *f) < 0)
                                return NULL;
        _cleanup_free_ char *names = later ? strv_join(later, "', '") : NULL;
        return strdup_printf("GRUB_CMDLINE_LINUX is assigned outright after numacma's drop-in%s%s%s",
                             names ? " (in '" : "", strempty(names), names ? "')" : "");
}

/* The merge with the drop-in saying tokens: *ret_dropped the first of them
 * a later assignment drops (NULL: none), *ret_who by whom; *ret_quote when
 * GRUB_CMDLINE_LINUX leaves a double quote open. -EBADMSG: not known
 * without running the files. */
static int merge_drops(const char *root, bool live, const GrubDropin *d, char *const *tokens, bool prepend,
                       const char **ret_dropped, char **ret_who, char **ret_quote) {
        _cleanup_free_ char *text = NULL, *err = NULL;
        _cleanup_strv_free_ char **have = NULL;
        ShellVars v = {0};
        int r = grub_dropin_format(d, tokens, prepend, &text);
        if (r >= 0)
                r = grub_defaults_merge(root, live, GRUB_DROPIN_PATH, text, &v, &err);
        const ShellVar *sv = r >= 0 ? shell_vars_find(&v, "GRUB_CMDLINE_LINUX") : NULL;
        if (r >= 0 && sv && !sv->value)
                r = -EBADMSG;
        *ret_dropped = NULL;
        /* An open quote first: every token after it is inside it. */
        if (r >= 0 && ret_quote && grub_cmdline_var_check(&v, "GRUB_CMDLINE_LINUX", ret_quote) < 0) {
                shell_vars_done(&v);
                return *ret_quote ? 0 : -ENOMEM;
        }
        if (r >= 0 && sv && tokens_of(sv->value, &have) < 0)
                r = -EBADMSG;
        for (char *const *t = tokens; r >= 0 && t && *t && !*ret_dropped; t++)
                if (!strv_contains(have, *t)) {
                        *ret_dropped = *t;
                        if (!(*ret_who = who_drops(root, sv)))
                                r = -ENOMEM;
                }
        shell_vars_done(&v);
        return r;
}

static int find_override(const char *root, bool live, const GrubDropin *d, NextBoot *n) {
        char *probe[] = { (char *) PROBE_TOKEN, NULL };
        const char *dropped;
        int r = merge_drops(root, live, d, probe, d->prepend, &dropped, &n->override, NULL);
        return r == -EBADMSG ? 0 : r;
}

static int grub_read(const char *root, NextBoot *n) {
        ShellVars v = {0};
        GrubDropin d = { .assign = -1 };
        _cleanup_free_ char *err = NULL;
        bool live = root_is_live(root);
        int r = grub_defaults_merge(root, live, NULL, NULL, &v, &err);
        bool merged = r >= 0;
        if (r < 0 && r != -EBADMSG)
                return r;
        /* The drop-in's own line is the record: without it numacma owns nothing. */
        n->has_record = true;
        r = read_dropin(root, &d);
        if (r == -EBADFD || r == -EBADMSG) {
                r = problems_addf(&n->problems, PROBLEM_BOOT_CONFIG, "'%s' %s: numacma's record of its arguments cannot be read", GRUB_DROPIN_PATH,
                                 r == -EBADMSG ? "has a GRUB_CMDLINE_LINUX line of numacma's form that does not evaluate" : "is not a regular file");
                d = (GrubDropin){ .assign = -1 };
        }
        if (r >= 0)
                r = strv_copy(d.tokens, &n->record);
        if (r >= 0)
                r = odd_files(root, n);
        Linux10 l = {0};
        if (r >= 0)
                r = linux10_load(root, &l);
        if (r >= 0)
                r = read_grub_cfg(root, &l, &v, merged, n);
        /* No menu yet: what update-grub will write on its first entry. */
        if (r >= 0 && merged && !n->planned_from && (r = linux10_args(&l, &v, LINUX10_SIMPLE, NULL, &n->planned_from)) == -ENOENT)
                r = 0;
        if (r >= 0 && merged)
                r = find_override(root, live, &d, n);
        linux10_done(&l);
        grub_dropin_done(&d);
        shell_vars_done(&v);
        return r;
}

/* ---- apply ---- */

/* Whether the default entry of grub.cfg carries the tokens: for a
 * grub.cfg whose entries 10_linux's model does not know. */
static bool grub_cfg_current(const BootCtx *c) {
        _cleanup_strv_free_ char **have = NULL;
        if (!c->next || !c->next->cmdline || tokens_of(c->next->cmdline, &have) < 0)
                return false;
        for (char *const *t = c->want; t && *t; t++)
                if (!strv_contains(have, *t))
                        return false;
        for (char *const *t = c->remove; t && *t; t++)
                if (strv_contains(have, *t))
                        return false;
        return true;
}

/* Whether the plan's tokens survive the merge with the new drop-in. */
static int check_merge(BootCtx *c, const GrubDropin *d, char *const *tokens, bool prepend) {
        _cleanup_free_ char *who = NULL, *quote = NULL;
        const char *dropped = NULL;
        int r = merge_drops(c->root, c->live, d, tokens, prepend, &dropped, &who, &quote);
        if (r == -EBADMSG)
                return boot_ctx_note(c, "cannot check that GRUB_CMDLINE_LINUX keeps numacma's arguments: the merged value is not known without running the files");
        if (r < 0)
                return boot_ctx_fail(c, r, "cannot merge the /etc/default/grub files: %s", strerror(-r));
        if (quote)
                return boot_ctx_fail(c, -EBADMSG, "numacma's arguments would not reach the kernel: %s", quote);
        if (dropped)
                return boot_ctx_fail(c, -EEXIST, "'%s' would not reach the kernel: %s; make that assignment append (GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX ...\")",
                                     dropped, who);
        return 0;
}

/* GRUB_CMDLINE_LINUX without numacma's drop-in holds a "--": numacma's
 * tokens go in front, since what follows "--" is init's. */
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

/* A drop-in grub-mkconfig would block on stops the apply before it
 * writes anything. */
static int check_odd(BootCtx *c) {
        _cleanup_strv_free_ char **odd = NULL;
        int r = grub_defaults_odd(c->root, &odd);
        if (r < 0)
                return boot_ctx_fail(c, r, "cannot list '%s': %s", GRUB_DEFAULT_DIR, strerror(-r));
        for (char **o = odd; *o; o++) {
                char *tab = strchr(*o, '\t');
                *tab = 0;
                if (streq(*o, GRUB_DROPIN_PATH) || (!streq(tab + 1, "a directory") && !streq(tab + 1, "a dangling link")))
                        return boot_ctx_fail(c, -EBADFD, "'%s' is %s: grub-mkconfig would wait on it for ever (it sources every *.cfg there); nothing written: remove it and run 'numacmactl apply'",
                                             *o, tab + 1);
        }
        return 0;
}

/* The drop-in's tokens: numacma's, and what someone else put in its line
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

static int regenerate(BootCtx *c, const char *cfg_path) {
        char *update[] = { (char *) "update-grub", NULL };
        char *mkconfig[] = { (char *) "grub-mkconfig", (char *) "-o", (char *) (cfg_path ? cfg_path : "/boot/grub/grub.cfg"), NULL };
        char *mkconfig2[] = { (char *) "grub2-mkconfig", (char *) "-o", (char *) (cfg_path ? cfg_path : "/boot/grub2/grub.cfg"), NULL };
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
        int r = boot_ctx_run(c, argv);
        if (r < 0) {
                _cleanup_free_ char *why = TAKE_PTR(c->res->error);
                return boot_ctx_fail(c, r, "%s: grub.cfg was not regenerated, so the next boot does not have numacma's change yet ('%s' is in place; fix the cause and run 'numacmactl apply')",
                                     why ? why : "regenerating grub.cfg failed", GRUB_DROPIN_PATH);
        }
        return 0;
}

static int write_dropin(BootCtx *c, const char *cfg, bool *changed) {
        _cleanup_free_ char *old = NULL, *text = NULL;
        _cleanup_strv_free_ char **tokens = NULL;
        GrubDropin d = { .assign = -1 };
        int r = boot_ctx_read(c, GRUB_DROPIN_PATH, &old);
        if (r < 0 && r != -ENOENT)
                return r;
        if ((r = grub_dropin_parse(old, &d)) < 0)
                return r == -ENOMEM ? r : boot_ctx_fail(c, r, "'%s' has a line of numacma's form that does not evaluate: not rewritten", GRUB_DROPIN_PATH);
        bool prepend = base_has_init_part(c);
        r = dropin_tokens_for(c, &tokens);
        if (r >= 0 && tokens[0])
                r = check_merge(c, &d, tokens, prepend);
        if (r >= 0)
                r = check_lengths(c, cfg);
        if (r >= 0)
                r = grub_dropin_format(&d, tokens, prepend, &text);
        if (r >= 0)
                r = boot_ctx_replace(c, GRUB_DROPIN_PATH, old, text, 0644);
        if (r > 0) {
                _cleanup_free_ char *kept = grub_dropin_foreign(&d);
                *changed = true;
                if (kept)
                        boot_ctx_note(c, "'%s': the lines numacma did not write are kept as they are (%s)", GRUB_DROPIN_PATH, kept);
        }
        grub_dropin_done(&d);
        return r < 0 ? r : 0;
}

/* grub.cfg has entries of 10_linux's, whose lines the model predicts. */
static bool linux10_entries(const char *cfg_text) {
        GrubCfg cfg = {0};
        bool any = false;
        if (grub_cfg_parse(cfg_text, &cfg) < 0)
                return false;
        for (size_t i = 0; i < cfg.n && !any; i++) {
                _cleanup_free_ char *init = NULL;
                any = linux10_kind(cfg.entries[i].id, &init) != LINUX10_OTHER;
        }
        grub_cfg_done(&cfg);
        return any;
}

static int grub_apply(BootCtx *c) {
        _cleanup_free_ char *cfg_path = NULL, *cfg = NULL;
        bool have_cfg = find_grub_cfg(c->root, &cfg_path, &cfg) >= 0, changed = false;
        int r = check_odd(c);
        if (r >= 0)
                r = write_dropin(c, have_cfg ? cfg : NULL, &changed);
        if (r < 0)
                return r;
        /* Regenerate after a change, after an earlier failure, and when
         * grub.cfg does not carry what its sources say about numacma's
         * arguments (someone's update-grub failed, grub.cfg was restored);
         * not for differences update-grub has no part in. */
        bool modelled = have_cfg && c->next && c->next->cmdline && c->next->planned_from && linux10_entries(cfg);
        if (!changed && !(c->next && c->next->last_error) &&
            (!have_cfg || (modelled ? !c->next->stale_cma : grub_cfg_current(c))))
                return 0;
        return regenerate(c, cfg_path);
}

const BootBackendOps grub_backend = {
        .kind = BACKEND_GRUB,
        .detect = grub_detect,
        .read_next = grub_read,
        .apply = grub_apply,
        .dirs = (const char *const[]){ "/etc/default/grub.d", NULL },
};
