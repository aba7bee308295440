/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the next boot is on a BLS layout, as the loader that boots the
 * entries reads them: GRUB's blscfg (the first options line of each
 * entry, grubenv's variables, the header's default, grub2-reboot's
 * next_entry) or systemd-boot (every options line, loader.conf and the
 * LoaderEntryOneShot / LoaderEntryDefault EFI variables). */
#include "basic/chase.h"
#include "basic/fileio.h"
#include "bootcfg/bls_next.h"
#include "bootcfg/grub_defaults.h"
#include "bootcfg/grubenv.h"
#include "bootcfg/owned.h"
#include "kernel/cmdline_tokens.h"

static const char *const grubenv_paths[] = { "/boot/grub2/grubenv", "/boot/grub/grubenv" };
static const char *const grub_cfgs[] = { "/boot/grub2/grub.cfg", "/boot/grub/grub.cfg" };
static const char *const loader_confs[] = { "/efi/loader/loader.conf", "/boot/efi/loader/loader.conf", "/boot/loader/loader.conf" };

/* The first of paths below root that can be read; its path too. */
static char *read_first(const char *root, const char *const *paths, size_t n, const char **ret_path) {
        for (size_t i = 0; i < n; i++) {
                char *text = NULL;
                if (read_regular_below_root(root, paths[i], &text, NULL) >= 0) {
                        if (ret_path)
                                *ret_path = paths[i];
                        return text;
                }
        }
        return NULL;
}

char *bls_grubenv(const char *root, const char **ret_path) {
        return read_first(root, grubenv_paths, ELEMENTSOF(grubenv_paths), ret_path);
}

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
        int r = read_regular_below_root(root, KERNEL_CMDLINE_PATH, &line, NULL);
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

/* The variables GRUB has when blscfg makes its entries, and the value of
 * its 'default': grub.cfg's header when there is a grub.cfg, else
 * 00_header's rules from GRUB_DEFAULT. */
static int grub_default_of(const char *root, bool skip_once, GrubVars *vars, char **ret_def, char **ret_once,
                           const char **ret_env) {
        _cleanup_free_ char *cfg_text = read_first(root, grub_cfgs, ELEMENTSOF(grub_cfgs), NULL);
        _cleanup_free_ char *env = bls_grubenv(root, ret_env), *err = NULL, *env2 = NULL;
        GrubCfg cfg = {0};
        ShellVars v = {0};
        int r = cfg_text ? grub_cfg_parse(cfg_text, &cfg) : 0;
        /* The boots after a one-shot: GRUB cleared next_entry. */
        if (r >= 0 && skip_once && env && grubenv_set(env, strlen(env), "next_entry", "", &env2) >= 0) {
                free(env);
                env = TAKE_PTR(env2);
        }
        if (r >= 0 && !cfg.top && grub_defaults_merge(root, root_is_live(root), NULL, NULL, &v, &err) < 0)
                shell_vars_done(&v);
        const ShellVar *d = shell_vars_find(&v, "GRUB_DEFAULT");
        if (r >= 0)
                r = grub_menu_default(cfg.top ? &cfg : NULL, env, d ? d->value : NULL, vars, ret_def, ret_once);
        shell_vars_done(&v);
        grub_cfg_done(&cfg);
        return r;
}

/* The command line GRUB gives the kernel for an entry: blscfg's options,
 * run as a line of GRUB script ("linux PATH OPTIONS"). */
char *bls_grub_cmdline(const EntryFile *f, const GrubVars *vars) {
        _cleanup_free_ char *opts = blscfg_options(&f->g, vars);
        _cleanup_strv_free_ char **w = NULL;
        return opts && grub_script_words(opts, vars, &w) >= 0 ? grub_loader_cmdline(w) : NULL;
}

static const char *title_of(const EntryFile *f, BlsLoader loader) {
        const char *t = loader == BLS_BY_GRUB ? f->g.title : f->s.title;
        return t ? t : f->e.id;
}

/* GRUB: the entry 'default' names among the booted ones (grub_menu_pick()). */
static long grub_pick(const EntryFile *const *b, size_t n, const char *def) {
        _cleanup_free_ char **titles = calloc(n + 1, sizeof(char *)), **ids = calloc(n + 1, sizeof(char *));
        if (!titles || !ids)
                return -1;
        for (size_t i = 0; i < n; i++) {
                /* create_entry(): the menu title is the title, else the linux path. */
                titles[i] = b[i]->g.title ? b[i]->g.title : b[i]->g.linux_path;
                ids[i] = b[i]->e.id;
        }
        long k = def ? grub_menu_pick(def, titles, ids, n, GRUB_RHBOOT) : -1;
        return k < 0 ? 0 : k;
}

static int grub_next(const char *root, const EntryFile *const *b, size_t nb, NextBoot *n) {
        _cleanup_free_ char *def = NULL, *once = NULL, *o2 = NULL;
        const char *env_path = grubenv_paths[0];
        GrubVars vars = {0}, vars2 = {0};
        int r = grub_default_of(root, false, &vars, &def, &once, &env_path);
        long k = r >= 0 ? grub_pick(b, nb, def) : 0;
        if (r >= 0 && !(n->cmdline = bls_grub_cmdline(b[k], &vars)))
                r = -ENOMEM;
        if (r >= 0 && !(n->entry = strdup(title_of(b[k], BLS_BY_GRUB))))
                r = -ENOMEM;
        if (r >= 0 && once) {
                _cleanup_free_ char *d2 = NULL;
                r = grub_default_of(root, true, &vars2, &d2, &o2, &env_path);
                long k2 = grub_pick(b, nb, d2);
                /* numacma plans for the default, not for one boot. */
                if (r >= 0 && !(n->planned_from = bls_grub_cmdline(b[k2], &vars2)))
                        r = -ENOMEM;
                if (r >= 0 && !(n->once = strdup_printf("grub2-reboot: '%s' boots once (next_entry=%s in %s), then '%s'",
                                                        title_of(b[k], BLS_BY_GRUB), once, env_path, title_of(b[k2], BLS_BY_GRUB))))
                        r = -ENOMEM;
        }
        grub_vars_done(&vars);
        grub_vars_done(&vars2);
        return r;
}

static int sdboot_next(const char *root, const EntryFile *const *b, size_t nb, NextBoot *n) {
        _cleanup_free_ char *conf = read_first(root, loader_confs, ELEMENTSOF(loader_confs), NULL);
        _cleanup_free_ SdbootEntry *view = calloc(nb + 1, sizeof(SdbootEntry));
        SdbootDefaults d = {0};
        bool once = false;
        if (!view)
                return -ENOMEM;
        for (size_t i = 0; i < nb; i++)
                view[i] = b[i]->s;  /* shallow: read only */
        int r = sdboot_defaults_load(root, conf, &d);
        long k = r >= 0 ? sdboot_choose(view, nb, &d, &once) : -1;
        if (r >= 0 && k >= 0 && (!(n->cmdline = strdup(b[k]->s.options)) || !(n->entry = strdup(title_of(b[k], BLS_BY_SDBOOT)))))
                r = -ENOMEM;
        if (r >= 0 && k >= 0 && once) {
                free(d.oneshot);
                d.oneshot = NULL;
                bool o2;
                long k2 = sdboot_choose(view, nb, &d, &o2);
                if (k2 >= 0 && !(n->planned_from = strdup(b[k2]->s.options)))
                        r = -ENOMEM;
                if (r >= 0 && !(n->once = strdup_printf("LoaderEntryOneShot: '%s' boots once, then '%s'",
                                              title_of(b[k], BLS_BY_SDBOOT), k2 >= 0 ? title_of(b[k2], BLS_BY_SDBOOT) : "n/a")))
                        r = -ENOMEM;
        }
        sdboot_defaults_done(&d);
        return r;
}

/* The releases the booted entries boot, the next one's first. */
static int releases_of(const EntryFile *const *b, size_t nb, const char *next_entry, NextBoot *n) {
        int r = 0;
        if (!(n->releases = calloc(1, sizeof(char *))))
                return -ENOMEM;
        for (size_t pass = 0; pass < 2; pass++)
                for (size_t i = 0; r >= 0 && i < nb; i++) {
                        const char *v = bls_entry_release(&b[i]->e);
                        bool first = next_entry && streq(title_of(b[i], BLS_BY_GRUB), next_entry);
                        if (v && (pass == 0) == first && !strv_contains(n->releases, v))
                                r = strv_extend(&n->releases, v);
                        if (r >= 0 && v && first && pass == 0 && !n->release && !(n->release = strdup(v)))
                                r = -ENOMEM;
                }
        if (r >= 0 && !n->releases[0]) {
                free(n->releases);
                n->releases = NULL;
        }
        return r;
}

/* Takes text (NULL: no memory). */
static int add_problem(ProblemList *l, ProblemCode code, char *text) {
        int r = text ? problems_add(l, code, text) : -ENOMEM;
        free(text);
        return r;
}

/* Entries whose options no loader run can take numacma's tokens: named. */
static int entry_problems(const EntryFile *const *b, size_t nb, BlsLoader loader, NextBoot *n) {
        int r = 0;
        for (size_t i = 0; r >= 0 && i < nb; i++) {
                if (loader == BLS_BY_GRUB && !b[i]->g.options)
                        r = add_problem(&n->problems, PROBLEM_ENTRY_NOT_WRITABLE, bls_no_options_why(b[i]));
                else if (line_quote_open(b[i]->e.options))
                        r = problems_addf(&n->problems, PROBLEM_OPEN_QUOTE, "'%s' leaves a double quote open in its options: whatever follows would be part of the quoted value, so numacma adds nothing to it", b[i]->path);
        }
        return r;
}

char *bls_no_options_why(const EntryFile *f) {
        if (f->g.stop_line)
                return strdup_printf("GRUB stops reading '%s' at its line %u, a line without a value, before any options line: the entry boots $default_kernelopts, which numacma does not edit, so it adds nothing to it",
                                     f->path, f->g.stop_line);
        return strdup_printf("'%s' has no options line: GRUB boots it with $default_kernelopts, which numacma does not edit, so it adds nothing to it", f->path);
}

int bls_read_next(const char *root, BlsLoader loader, NextBoot *n) {
        Entries es = {0};
        const char *const *dirs = loader == BLS_BY_SDBOOT ? sdboot_entry_dirs : bls_entry_dirs;
        int r = bls_load_entries(root, (char *const *) dirs, loader, &es);
        if (r < 0)
                return r;
        _cleanup_free_ const EntryFile **b = calloc(es.n + 1, sizeof(EntryFile *));
        size_t nb = 0;
        r = b ? 0 : -ENOMEM;
        for (char **k = es.skipped; r >= 0 && k && *k; k++)
                r = problems_add(&n->problems, PROBLEM_BOOT_FILE_SKIPPED, *k);
        for (size_t i = 0; r >= 0 && i < es.n; i++)
                if (entry_booted(&es.f[i], loader, root))
                        b[nb++] = &es.f[i];
        if (r >= 0 && nb == 0)
                r = next_from_kernel_cmdline(root, n);
        else if (r >= 0)
                r = loader == BLS_BY_GRUB ? grub_next(root, b, nb, n) : sdboot_next(root, b, nb, n);
        if (r >= 0 && nb)
                r = releases_of(b, nb, n->entry, n);
        if (r >= 0)
                r = entry_problems(b, nb, loader, n);
        entries_done(&es);
        if (r >= 0 && n->cmdline && !n->planned_from && !(n->planned_from = strdup(n->cmdline)))
                r = -ENOMEM;
        return r < 0 ? r : read_record(root, n);
}
