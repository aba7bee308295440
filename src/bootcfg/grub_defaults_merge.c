/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The merge grub-mkconfig makes of /etc/default/grub and
 * /etc/default/grub.d/ *.cfg: the files in its order, read by the shell
 * reader (grub_shell.h), or sourced by sh on the live system. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "basic/chase.h"
#include "basic/fileio.h"
#include "basic/spawn.h"
#include "basic/util.h"
#include "bootcfg/grub_defaults.h"

/* What sh may print for the merged variables. */
#define VALUE_MAX (64u * 1024)


static bool is_cfg(const char *name) {
        size_t l = strlen(name);
        return name[0] != '.' && l > 4 && streq(name + l - 4, ".cfg");
}

/* What grub-mkconfig sources: "for x in grub.d/ *.cfg; do if [ -e "$x" ];
 * then . "$x"; fi; done". A dangling link fails -e; dash's "." of a
 * directory reads nothing; a FIFO would wait for a writer for ever, a
 * socket or a device is no configuration: those are left out here (never
 * read) and named by grub_defaults_odd(). */
static bool sourced(const char *root, const char *path) {
        return !chase_kind_below_root(root, path);
}

int grub_defaults_odd(const char *root, char ***ret) {
        _cleanup_strv_free_ char **names = NULL, **out = calloc(1, sizeof(char *));
        int r = out ? list_dir_below_root(root, GRUB_DEFAULT_DIR, is_cfg, &names) : -ENOMEM;
        if (r < 0 && r != -ENOENT)
                return r;
        const char *paths[] = { GRUB_DEFAULT_PATH };
        for (size_t i = 0; i < ELEMENTSOF(paths) + strv_length(names); i++) {
                _cleanup_free_ char *p = i < ELEMENTSOF(paths) ? strdup(paths[i])
                                       : strdup_printf(GRUB_DEFAULT_DIR "/%s", names[i - ELEMENTSOF(paths)]);
                const char *kind = p ? chase_kind_below_root(root, p) : NULL;
                if (!p)
                        return -ENOMEM;
                if (kind && (r = strv_extendf(&out, "%s\t%s", p, kind)) < 0)
                        return r;
        }
        *ret = TAKE_PTR(out);
        return 0;
}

/* The files in grub-mkconfig's order, as paths below the root. */
static int merge_list(const char *root, const char *override_path, bool override_exists, char ***ret) {
        _cleanup_strv_free_ char **l = NULL, **dropins = NULL, **all = NULL;
        int r;

        if ((exists_root(root, GRUB_DEFAULT_PATH) && sourced(root, GRUB_DEFAULT_PATH)) ||
            (override_path && streq(override_path, GRUB_DEFAULT_PATH)))
                if ((r = strv_extend(&l, GRUB_DEFAULT_PATH)) < 0)
                        return r;
        r = list_dir_below_root(root, GRUB_DEFAULT_DIR, is_cfg, &all);
        if (r < 0 && r != -ENOENT)
                return r;
        for (char **d = all; d && *d; d++) {
                _cleanup_free_ char *p = strdup_printf(GRUB_DEFAULT_DIR "/%s", *d);
                if (!p)
                        return -ENOMEM;
                if ((sourced(root, p) || (override_path && streq(p, override_path))) && (r = strv_extend(&dropins, *d)) < 0)
                        return r;
        }
        const char *ov_name = override_path ? startswith(override_path, GRUB_DEFAULT_DIR "/") : NULL;
        bool ov_done = !ov_name || !override_exists;
        for (char **d = dropins; d && *d; d++) {
                if (!ov_done && strcmp(ov_name, *d) < 0) {
                        if ((r = strv_extend(&l, override_path)) < 0)
                                return r;
                        ov_done = true;
                }
                if (ov_name && streq(ov_name, *d)) {
                        if (override_exists && (r = strv_extend(&l, override_path)) < 0)
                                return r;
                        ov_done = true;
                        continue;
                }
                if ((r = strv_extendf(&l, "%s/%s", GRUB_DEFAULT_DIR, *d)) < 0)
                        return r;
        }
        if (!ov_done && (r = strv_extend(&l, override_path)) < 0)
                return r;
        if (!l && !(l = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}

static int merge_reader(const char *root, char **files, const char *override_path, const char *override_text,
                        ShellVars *v, char **ret_error) {
        for (char **f = files; *f; f++) {
                _cleanup_free_ char *text = NULL, *err = NULL;
                size_t size;
                int r;
                if (override_path && streq(*f, override_path)) {
                        if (!override_text)
                                continue;
                        text = strdup(override_text);
                        if (!text)
                                return -ENOMEM;
                        size = strlen(text);
                } else if ((r = read_regular_below_root(root, *f, &text, &size)) < 0) {
                        if (r == -ENOENT)
                                continue;
                        *ret_error = strdup_printf("cannot read '%s': %s", *f, strerror(-r));
                        return r;
                }
                r = shell_eval_file(v, *f, text, size, &err);
                if (r < 0) {
                        *ret_error = strdup_printf("'%s' %s: the merged value is not known without running it",
                                                   *f, err ? err : strerror(-r));
                        return r;
                }
        }
        return 0;
}

static const char *const merged_vars[] = {
        "GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT", "GRUB_DEFAULT",
        "GRUB_ENABLE_BLSCFG", "GRUB_DISABLE_RECOVERY",
};

/* sh -c SCRIPT sh: the sourcing loop of grub-mkconfig over the arguments
 * that follow; then the variables as NAME NUL VALUE NUL for those that
 * are set. */
static int sh_argv(char ***ret) {
        _cleanup_strv_free_ char **argv = NULL;
        StrBuf script = {0};
        int r;

        strbuf_append(&script, "for __numacma_f do . \"$__numacma_f\" || exit 1; done\n");
        for (size_t i = 0; i < ELEMENTSOF(merged_vars); i++)
                strbuf_printf(&script, "[ -n \"${%s+set}\" ] && printf '%%s\\0%%s\\0' %s \"$%s\"\n",
                              merged_vars[i], merged_vars[i], merged_vars[i]);
        strbuf_append(&script, "exit 0\n");
        char *s = strbuf_steal(&script);
        if (!s)
                return -ENOMEM;
        if ((r = strv_extend(&argv, "/bin/sh")) < 0 || (r = strv_extend(&argv, "-c")) < 0 ||
            (r = strv_push(&argv, s)) < 0 || (r = strv_extend(&argv, "sh")) < 0)
                return r;
        *ret = TAKE_PTR(argv);
        return 0;
}

/* The override's text in the temporary file tmp (a mkostemp() template). */
static int write_override(char *tmp, const char *text) {
        int fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return -errno;
        size_t len = strlen(text);
        if (write(fd, text, len) != (ssize_t) len) {
                int r = -errno;
                close(fd);
                unlink(tmp);
                return r < 0 ? r : -EIO;
        }
        close(fd);
        return 0;
}

/* The files as sh's arguments, below the root; the override as the
 * temporary file tmp (*tmp_made: tmp is to be removed). */
static int add_file_args(char ***argv, const char *root, char **files, const char *override_path,
                         const char *override_text, char *tmp, bool *tmp_made) {
        int r;
        for (char **f = files; *f; f++) {
                if (override_path && streq(*f, override_path)) {
                        if (!override_text)
                                continue;
                        if (!*tmp_made) {
                                if ((r = write_override(tmp, override_text)) < 0)
                                        return r;
                                *tmp_made = true;
                        }
                        r = strv_extend(argv, tmp);
                } else {
                        char *p = root_join(root, *f);
                        r = p ? strv_push(argv, p) : -ENOMEM;
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The first line sh said on stderr (errfd), in the error. */
static char *sh_failure(int errfd) {
        char said[512] = "";
        ssize_t k = errfd >= 0 ? pread(errfd, said, sizeof(said) - 1, 0) : -1;
        if (k > 0) {
                said[k] = 0;
                said[strcspn(said, "\n")] = 0;
        }
        return k > 0 && *said ? strdup_printf("sourcing the /etc/default/grub files with sh failed: %s", said)
                              : strdup("sourcing the /etc/default/grub files with sh failed (a syntax error or a failing command in them)");
}

/* NAME NUL VALUE NUL ... into v; an incomplete pair at the end is left. */
static int set_printed_vars(ShellVars *v, const char *buf, size_t out_len) {
        int r;
        for (size_t i = 0; i < out_len;) {
                const char *name = buf + i;
                size_t nl = strnlen(name, out_len - i);
                if (i + nl + 1 >= out_len + 1)
                        break;
                const char *value = name + nl + 1;
                size_t vl = strnlen(value, out_len - i - nl - 1);
                if (i + nl + 1 + vl >= out_len)
                        break;
                if ((r = shell_vars_set(v, name, value)) < 0)
                        return r;
                i += nl + 1 + vl + 1;
        }
        return 0;
}

static int run_sh(char **argv, ShellVars *v, char **ret_error) {
        _cleanup_free_ char *out = NULL;
        char *envp[] = { (char *) "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
        SpawnOptions o = { .envp = envp, .stderr_fd = -1, .max_output = VALUE_MAX * ELEMENTSOF(merged_vars) * 2 };
        size_t out_len;
        int r, status;

        /* What sh says on stderr ("FILE: LINE: Syntax error: ...") goes
         * into the error: a file, so that a long message cannot block it. */
        _cleanup_close_ int errfd = memfd_create("numacma-grub-sh-stderr", MFD_CLOEXEC);
        o.stderr_fd = errfd;
        r = spawn_capture(argv, &o, &out, &out_len, &status);
        if (r < 0)
                return r;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                *ret_error = sh_failure(errfd);
                return -EBADMSG;
        }
        return set_printed_vars(v, out, out_len);
}

static int merge_shell(const char *root, char **files, const char *override_path, const char *override_text,
                       ShellVars *v, char **ret_error) {
        _cleanup_strv_free_ char **argv = NULL;
        char tmp[] = "/tmp/numacma-grub-XXXXXX";
        bool tmp_made = false;

        int r = sh_argv(&argv);
        if (r < 0)
                return r;
        r = add_file_args(&argv, root, files, override_path, override_text, tmp, &tmp_made);
        if (r >= 0)
                r = run_sh(argv, v, ret_error);
        if (tmp_made)
                unlink(tmp);
        return r;
}

int grub_defaults_merge(const char *root, bool use_shell, const char *override_path,
                        const char *override_text, ShellVars *ret, char **ret_error) {
        _cleanup_strv_free_ char **files = NULL;
        ShellVars v = {0};
        int r = merge_list(root, override_path, !!override_text, &files);
        if (r < 0)
                return r;
        r = use_shell ? merge_shell(root, files, override_path, override_text, &v, ret_error)
                      : merge_reader(root, files, override_path, override_text, &v, ret_error);
        if (r < 0) {
                shell_vars_done(&v);
                return r;
        }
        *ret = v;
        return 0;
}

