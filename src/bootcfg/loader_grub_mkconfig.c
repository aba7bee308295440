/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The model of 10_linux (Debian's grub2 2.06 and 2.12, util/grub.d/
 * 10_linux.in with debian/patches): every linux line it writes is
 *   linux PATH root=DEVICE ro ARGS
 * where ARGS is, by the entry's kind (its linux_entry() calls):
 *   simple, advanced  "${GRUB_CMDLINE_LINUX} ${GRUB_CMDLINE_LINUX_DEFAULT}"
 *   init-NAME         the same and " init=PATH"
 *   recovery          "${GRUB_CMDLINE_LINUX_RECOVERY} ${GRUB_CMDLINE_LINUX}"
 * GRUB_CMDLINE_LINUX_RECOVERY is 10_linux's own: "recovery" where
 * friendly-recovery's /lib/recovery-mode/recovery-menu is executable, else
 * "single"; with ubuntu_recovery=1 (Ubuntu) " nomodeset" after it. With
 * vt_handoff=1 (Ubuntu) every word "splash" of GRUB_CMDLINE_LINUX_DEFAULT
 * appends a literal "$vt_handoff" to it (GRUB sets that variable at boot).
 * btrfs roots get "rootflags=subvol=..." in front of GRUB_CMDLINE_LINUX,
 * from grub-probe: not from the defaults. */
#include <sys/stat.h>

#include "basic/chase.h"
#include "basic/fileio.h"
#include "basic/util.h"
#include "bootcfg/loader_grub_mkconfig.h"
#include "kernel/cmdline_tokens.h"

#define LINUX10_PATH "/etc/grub.d/10_linux"
#define RECOVERY_MENU "/lib/recovery-mode/recovery-menu"
/* 10_linux.in's SUPPORTED_INITS, when the root's script says none. */
#define SUPPORTED_INITS "sysvinit:/lib/sysvinit/init systemd:/lib/systemd/systemd upstart:/sbin/upstart"

void linux10_done(Linux10 *l) {
        strv_free(l->inits);
        *l = (Linux10){0};
}

/* NAME="VALUE" at the start of a line of the script, the value unquoted. */
static char *script_setting(const char *text, const char *name) {
        size_t nl = strlen(name);
        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
                if (strncmp(l, name, nl) == 0 && l[nl] == '=') {
                        const char *v = l + nl + 1;
                        size_t len = strcspn(v, "\n");
                        if (len >= 2 && v[0] == '"' && v[len - 1] == '"')
                                return strndup(v + 1, len - 2);
                        return strndup(v, len);
                }
        return NULL;
}

static bool executable_or_regular(const char *root, const char *path, bool x) {
        _cleanup_free_ char *full = NULL;
        struct stat st;
        return chase_below_root(root, path, &full, NULL) >= 0 && stat(full, &st) >= 0 && S_ISREG(st.st_mode) &&
               (!x || (st.st_mode & 0111));
}

static bool executable(const char *root, const char *path) {
        return executable_or_regular(root, path, true);
}

static bool same_file(const char *root, const char *a, const char *b) {
        _cleanup_free_ char *fa = NULL, *fb = NULL;
        return chase_below_root(root, a, &fa, NULL) >= 0 && chase_below_root(root, b, &fb, NULL) >= 0 && streq(fa, fb);
}

/* The init entries: each init of SUPPORTED_INITS that is executable and
 * is not what /sbin/init is (readlink -f). */
static int load_inits(const char *root, const char *list, Linux10 *l) {
        _cleanup_free_ char *copy = strdup(list);
        if (!copy)
                return -ENOMEM;
        for (char *save = NULL, *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
                const char *path = strchr(w, ':');
                if (!path || !executable(root, path + 1) || same_file(root, "/sbin/init", path + 1))
                        continue;
                int r = strv_extend(&l->inits, w);
                if (r < 0)
                        return r;
        }
        return 0;
}

int linux10_load(const char *root, Linux10 *ret) {
        Linux10 l = {0};
        _cleanup_free_ char *text = NULL, *ur = NULL, *vt = NULL, *inits = NULL;
        int r = read_regular_below_root(root, LINUX10_PATH, &text, NULL);
        if (r < 0 && r != -ENOENT && r != -EBADFD)
                return r;
        if (text) {
                ur = script_setting(text, "ubuntu_recovery");
                vt = script_setting(text, "vt_handoff");
                inits = script_setting(text, "SUPPORTED_INITS");
        }
        l.ubuntu_recovery = streq_ptr(ur, "1");
        l.vt_handoff = streq_ptr(vt, "1");
        l.recovery_menu = executable(root, RECOVERY_MENU);
        if ((r = load_inits(root, inits ? inits : SUPPORTED_INITS, &l)) < 0) {
                linux10_done(&l);
                return r;
        }
        *ret = l;
        return 0;
}

Linux10Kind linux10_kind(const char *id, char **ret_init) {
        const char *rest = id ? startswith(id, "gnulinux-") : NULL;
        *ret_init = NULL;
        if (!rest)
                return LINUX10_OTHER;
        if (startswith(rest, "simple-"))
                return LINUX10_SIMPLE;
        /* VERSION and DEVICE may hold '-': the kind is the word between. */
        if (strstr(rest, "-recovery-"))
                return LINUX10_RECOVERY;
        const char *i = strstr(rest, "-init-");
        if (i) {
                i += strlen("-init-");
                size_t n = strcspn(i, "-");
                *ret_init = strndup(i, n);
                return *ret_init ? LINUX10_INIT : LINUX10_OTHER;
        }
        return strstr(rest, "-advanced-") ? LINUX10_ADVANCED : LINUX10_OTHER;
}

/* GRUB_CMDLINE_LINUX_DEFAULT with Ubuntu's "$vt_handoff" once for each
 * word "splash" (10_linux's loop over its words). */
static char *with_vt_handoff(const char *def) {
        _cleanup_free_ char *copy = strdup(def);
        StrBuf b = {0};
        if (!copy)
                return NULL;
        strbuf_append(&b, def);
        for (char *save = NULL, *w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
                if (streq(w, "splash"))
                        strbuf_append(&b, " $vt_handoff");
        return strbuf_steal(&b);
}

static const char *init_path(const Linux10 *l, const char *name) {
        size_t nl = strlen(name);
        for (char **i = l->inits; i && *i; i++)
                if (strncmp(*i, name, nl) == 0 && (*i)[nl] == ':')
                        return *i + nl + 1;
        return NULL;
}

int linux10_args(const Linux10 *l, const ShellVars *merged, Linux10Kind kind, const char *init, char **ret) {
        const ShellVar *a = shell_vars_find(merged, "GRUB_CMDLINE_LINUX");
        const ShellVar *d = shell_vars_find(merged, "GRUB_CMDLINE_LINUX_DEFAULT");
        const char *lx = a ? a->value : "", *def = d ? d->value : "";
        if (!lx || !def)
                return -ENOENT;
        if (kind == LINUX10_RECOVERY) {
                *ret = strdup_printf("%s%s %s", l->recovery_menu ? "recovery" : "single",
                                     l->ubuntu_recovery ? " nomodeset" : "", lx);
                return *ret ? 0 : -ENOMEM;
        }
        _cleanup_free_ char *def2 = l->vt_handoff ? with_vt_handoff(def) : strdup(def);
        if (!def2)
                return -ENOMEM;
        const char *ip = kind == LINUX10_INIT && init ? init_path(l, init) : NULL;
        if (kind == LINUX10_INIT && !ip)
                return -ENOENT;  /* an init this root would not give an entry */
        *ret = ip ? strdup_printf("%s %s init=%s", lx, def2, ip) : strdup_printf("%s %s", lx, def2);
        return *ret ? 0 : -ENOMEM;
}

int linux10_strip_generated(const char *args, char ***ret_tokens) {
        _cleanup_strv_free_ char **t = NULL;
        int r = tokens_of(args, &t);
        if (r < 0)
                return r;
        size_t skip = 0;
        if (t[skip] && startswith(t[skip], "root="))
                skip++;
        if (t[skip] && streq(t[skip], "ro"))
                skip++;
        while (t[skip] && startswith(t[skip], "rootflags=subvol="))
                skip++;
        _cleanup_strv_free_ char **out = calloc(1, sizeof(char *));
        if (!out)
                return -ENOMEM;
        for (size_t i = skip; t[i]; i++)
                if ((r = strv_extend(&out, t[i])) < 0)
                        return r;
        *ret_tokens = TAKE_PTR(out);
        return 0;
}

/* grub-mkconfig_lib's grub_file_is_not_garbage() and 10_linux's list. */
static bool kernel_image(const char *name) {
        static const char *const prefixes[] = { "vmlinuz-", "kernel-",
#if !defined(__x86_64__) && !defined(__i386__)
                                                "vmlinux-",
#endif
        };
        bool named = false;
        for (size_t i = 0; i < ELEMENTSOF(prefixes); i++)
                named = named || startswith(name, prefixes[i]);
        return named && !strstr(name, ".dpkg-") && !endswith(name, ".rpmsave") && !endswith(name, ".rpmnew") &&
               !endswith(name, ".sig") && !endswith(name, ".efi.signed");
}

int linux10_kernels(const char *root, char ***ret) {
        static const char *const dirs[] = { "/boot", "/" };
        _cleanup_strv_free_ char **out = calloc(1, sizeof(char *));
        if (!out)
                return -ENOMEM;
        for (size_t d = 0; d < ELEMENTSOF(dirs); d++) {
                _cleanup_strv_free_ char **names = NULL;
                int r = list_dir_below_root(root, dirs[d], kernel_image, &names);
                if (r == -ENOENT)
                        continue;
                if (r < 0)
                        return r;
                for (char **n = names; *n; n++) {
                        _cleanup_free_ char *path = strdup_printf("%s/%s", d ? "" : dirs[d], *n);
                        /* test -f: a regular file, through links */
                        if (!path || !executable_or_regular(root, path, false))
                                continue;
                        /* 10_linux: version=`echo $basename | sed -e "s,^[^0-9]*-,,g"` */
                        const char *v = *n, *dash = NULL;
                        for (const char *c = *n; *c && !(*c >= '0' && *c <= '9'); c++)
                                if (*c == '-')
                                        dash = c;
                        v = dash ? dash + 1 : v;
                        if (*v && !strv_contains(out, v) && (r = strv_extend(&out, v)) < 0)
                                return r;
                }
        }
        *ret = TAKE_PTR(out);
        return 0;
}

static bool setting_true(const ShellVars *v, const char *name, bool y_too) {
        const ShellVar *s = shell_vars_find(v, name);
        const char *x = s ? s->value : NULL;
        return streq_ptr(x, "true") || (y_too && (streq_ptr(x, "y") || streq_ptr(x, "yes")));
}

/* "1>2": the numbers of a path, -1 for a part that is not one. */
static size_t path_numbers(const char *def, long *ret, size_t max) {
        size_t n = 0;
        for (const char *p = def; p && *p && n < max;) {
                char *end;
                if (!(*p >= '0' && *p <= '9'))
                        return 0;
                ret[n++] = strtol(p, &end, 10);
                if (*end && *end != '>')
                        return 0;
                p = *end ? end + 1 : NULL;
        }
        return n;
}

Linux10Kind linux10_kind_of_default(const Linux10 *l, const ShellVars *merged, size_t n_kernels, const char *def,
                                    char **ret_init) {
        *ret_init = NULL;
        const char *last = def ? strrchr(def, '>') : NULL;
        Linux10Kind k = linux10_kind(last ? last + 1 : def, ret_init);
        if (k != LINUX10_OTHER || !def)
                return k;
        long at[3];
        size_t n = path_numbers(def, at, ELEMENTSOF(at));
        size_t per = 1 + strv_length(l->inits) + !setting_true(merged, "GRUB_DISABLE_RECOVERY", false);
        bool sub = !setting_true(merged, "GRUB_DISABLE_SUBMENU", true);
        long i;
        if (n == 0 || n_kernels == 0)
                return LINUX10_OTHER;
        if (sub) {
                if (at[0] == 0)
                        return LINUX10_SIMPLE;
                if (at[0] != 1)
                        return LINUX10_OTHER;
                i = n > 1 ? at[1] : 0;  /* the submenu alone: its first entry */
        } else
                i = at[0];
        if (i < 0 || (size_t) i >= per * n_kernels)
                return LINUX10_OTHER;
        size_t j = (size_t) i % per;
        if (j == 0)
                return LINUX10_ADVANCED;
        if (j - 1 < strv_length(l->inits)) {
                const char *colon = strchr(l->inits[j - 1], ':');
                *ret_init = strndup(l->inits[j - 1], (size_t) (colon - l->inits[j - 1]));
                return *ret_init ? LINUX10_INIT : LINUX10_OTHER;
        }
        return LINUX10_RECOVERY;
}
