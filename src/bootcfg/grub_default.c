/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "basic/fileio.h"
#include "basic/spawn.h"
#include "bootcfg/grub_default.h"
#include "kernel/cmdline.h"
#include "basic/util.h"
#include "kernel/cmdline_tokens.h"

/* Limits on what a hostile file can make the reader build: "A=$A$A"
 * repeated doubles a value per line. */
#define VALUE_MAX (64u * 1024)
#define VARS_MAX 1024u

void shell_vars_done(ShellVars *v) {
        for (size_t i = 0; i < v->n; i++) {
                free(v->vars[i].name);
                free(v->vars[i].value);
                free(v->vars[i].file);
                free(v->vars[i].quote_file);
        }
        free(v->vars);
        *v = (ShellVars){0};
}

const ShellVar *shell_vars_find(const ShellVars *v, const char *name) {
        for (size_t i = 0; i < v->n; i++)
                if (streq(v->vars[i].name, name))
                        return &v->vars[i];
        return NULL;
}

/* Values that are checked for an open quote at every assignment: a kernel
 * command line is at most 2 KiB; on a longer one (which the kernel cuts
 * anyway) grub_cmdline_var_check() still finds it, once, at the end. */
#define QUOTE_CHECK_MAX 4096u

/* Takes value (NULL = unknown); file (may be NULL) is copied. */
static int vars_set_take(ShellVars *v, const char *name, char *value, const char *file, unsigned line) {
        ShellVar *sv = NULL;
        for (size_t i = 0; i < v->n; i++)
                if (streq(v->vars[i].name, name)) {
                        sv = &v->vars[i];
                        break;
                }
        if (!sv) {
                if (v->n >= VARS_MAX) {
                        free(value);
                        return -E2BIG;
                }
                ShellVar *nv = realloc(v->vars, (v->n + 1) * sizeof(ShellVar));
                if (!nv) {
                        free(value);
                        return -ENOMEM;
                }
                v->vars = nv;
                char *n = strdup(name);
                if (!n) {
                        free(value);
                        return -ENOMEM;
                }
                sv = &v->vars[v->n++];
                *sv = (ShellVar){ .name = n };
        }
        char *f = NULL;
        if (file && !(f = strdup(file))) {
                free(value);
                return -ENOMEM;
        }
        free(sv->value);
        sv->value = value;
        free(sv->file);
        sv->file = f;
        sv->line = line;
        /* The assignment that opens a quote is the one to name; later ones
         * that only add to the value keep it. */
        bool open = value && startswith(name, "GRUB_CMDLINE_") && strnlen(value, QUOTE_CHECK_MAX + 1) <= QUOTE_CHECK_MAX &&
                    cmdline_text_open_quote(value, NULL) < 0;
        if (!open) {
                free(sv->quote_file);
                sv->quote_file = NULL;
                sv->quote_line = 0;
        } else if (!sv->quote_line) {
                if (file && !(sv->quote_file = strdup(file)))
                        return -ENOMEM;
                sv->quote_line = line ? line : 1;
        }
        return 0;
}

int shell_vars_set(ShellVars *v, const char *name, const char *value) {
        char *c = NULL;
        if (value && !(c = strdup(value)))
                return -ENOMEM;
        return vars_set_take(v, name, c, NULL, 0);
}

int grub_cmdline_var_check(const ShellVars *v, const char *name, char **ret_error) {
        const ShellVar *sv = shell_vars_find(v, name);
        size_t off;

        if (!sv || !sv->value)
                return 0;
        int r = cmdline_text_open_quote(sv->value, &off);
        if (r != -EBADMSG)
                return r;
        if (ret_error) {
                /* Where it was opened; for a value too long to follow, where
                 * it was set last. */
                const char *file = sv->quote_line ? sv->quote_file : sv->file;
                unsigned line = sv->quote_line ? sv->quote_line : sv->line;
                _cleanup_free_ char *where = NULL;
                if (file)
                        where = strdup_printf("'%s' line %u: ", file, line);
                else if (line)
                        where = strdup_printf("line %u: ", line);
                else
                        where = strdup("");
                /* Shown from the start of the token the quote is in. */
                while (off > 0 && sv->value[off - 1] != ' ' && sv->value[off - 1] != '\t')
                        off--;
                *ret_error = where ? strdup_printf("%s%s leaves a double quote open at '%.40s': the kernel would take "
                                                   "every argument after it into that one",
                                                   where, name, sv->value + off) : NULL;
                if (!*ret_error)
                        return -ENOMEM;
        }
        return -EBADMSG;
}

char *shell_dquote_escape(const char *s) {
        StrBuf b = {0};
        strbuf_append(&b, "");
        for (; *s; s++) {
                if (strchr("\\\"$`", *s))
                        strbuf_append(&b, "\\");
                strbuf_appendn(&b, s, 1);
        }
        return strbuf_steal(&b);
}

/* ---- the reader ---- */

typedef struct {
        const char *p, *end;
        unsigned line;
        ShellVars *v;
        const char *file;
        char *error;
        const char *assigning;  /* the variable whose value is being read */
        unsigned assign_line;   /* where that value began */
        unsigned dquote_line;   /* where the double quote being read opened, 0: none */
        const char *track;              /* a variable whose last assignment is wanted */
        const char *track_start, *track_end;  /* its value as written */
} Reader;

static bool is_name_start(char c) {
        return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_name_char(char c) {
        return is_name_start(c) || (c >= '0' && c <= '9');
}

static bool is_blank(char c) {
        return c == ' ' || c == '\t';
}

_printf_(2, 3)
static int fail(Reader *r, const char *fmt, ...) {
        va_list ap;
        _cleanup_free_ char *msg = NULL;
        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        if (r->error)
                return -EBADMSG;
        /* An error lines below the start of the value it is in: a quote
         * there was probably meant to close on its own line. */
        _cleanup_free_ char *in = NULL;
        if (r->assigning && r->assign_line != r->line)
                in = strdup_printf(" (in the value of %s, which began on line %u and is still open here)",
                                   r->assigning, r->assign_line);
        else if (r->assigning)
                in = strdup_printf(" (in the value of %s)", r->assigning);
        r->error = strdup_printf("line %u: %s%s", r->line, msg ? msg : "error", strempty(in));
        return -EBADMSG;
}

/* After "$(" or "`": skip to the end of the command substitution. */
static int skip_subst(Reader *r, char close) {
        unsigned depth = 1, start = r->line;
        while (r->p < r->end) {
                char c = *r->p++;
                if (c == '\n')
                        r->line++;
                else if (c == '\\' && r->p < r->end) {
                        if (*r->p == '\n')
                                r->line++;
                        r->p++;
                } else if (close == ')' && c == '(')
                        depth++;
                else if (c == close && --depth == 0)
                        return 0;
        }
        r->line = start;
        return fail(r, "unterminated command substitution");
}

/* r->p is after '$'. */
static int expand(Reader *r, StrBuf *b, bool *unknown) {
        if (r->p >= r->end) {
                strbuf_append(b, "$");
                return 0;
        }
        char c = *r->p;
        _cleanup_free_ char *name = NULL;
        if (c == '{') {
                unsigned start = r->line;
                const char *s = ++r->p;
                while (r->p < r->end && is_name_char(*r->p))
                        r->p++;
                if (r->p < r->end && *r->p == '}' && r->p > s && is_name_start(*s)) {
                        name = strndup(s, (size_t) (r->p - s));
                        r->p++;
                } else {
                        /* ${VAR:-word} and the like: known to the shell, not
                         * evaluated here. */
                        unsigned depth = 1;
                        while (r->p < r->end && depth) {
                                if (*r->p == '{')
                                        depth++;
                                else if (*r->p == '}')
                                        depth--;
                                else if (*r->p == '\n')
                                        r->line++;
                                r->p++;
                        }
                        if (depth) {
                                r->line = start;
                                return fail(r, "unterminated ${");
                        }
                        *unknown = true;
                        return 0;
                }
        } else if (is_name_start(c)) {
                const char *s = r->p;
                while (r->p < r->end && is_name_char(*r->p))
                        r->p++;
                name = strndup(s, (size_t) (r->p - s));
        } else if (c == '(') {
                r->p++;
                *unknown = true;
                return skip_subst(r, ')');
        } else if (is_blank(c) || c == '\n' || c == '"' || c == '\'') {
                strbuf_append(b, "$");
                return 0;
        } else {
                r->p++;  /* $1, $$, $? ...: set by the shell */
                *unknown = true;
                return 0;
        }
        if (!name)
                return -ENOMEM;
        const ShellVar *v = shell_vars_find(r->v, name);
        if (v && !v->value)
                *unknown = true;
        else if (v)
                strbuf_append(b, v->value);
        return 0;
}

static int read_value(Reader *r, char **ret) {
        StrBuf b = {0};
        bool unknown = false;
        int k = 0;

        strbuf_append(&b, "");
        while (r->p < r->end && k >= 0) {
                char c = *r->p;
                if (is_blank(c) || c == '\n' || c == ';')
                        break;
                if (strchr("|&<>()", c)) {
                        k = fail(r, "shell operator '%c'", c);
                        break;
                }
                r->p++;
                if (c == '\'') {
                        const char *e = memchr(r->p, '\'', (size_t) (r->end - r->p));
                        if (!e) {
                                k = fail(r, "unterminated '");
                                break;
                        }
                        for (const char *q = r->p; q < e; q++)
                                r->line += *q == '\n';
                        strbuf_appendn(&b, r->p, (size_t) (e - r->p));
                        r->p = e + 1;
                } else if (c == '"') {
                        r->dquote_line = r->line;
                        for (;;) {
                                if (r->p >= r->end) {
                                        r->line = r->dquote_line;
                                        k = fail(r, "unterminated \"");
                                        break;
                                }
                                char d = *r->p++;
                                if (d == '"') {
                                        r->dquote_line = 0;
                                        break;
                                }
                                if (d == '\\' && r->p < r->end && strchr("$`\"\\\n", *r->p)) {
                                        if (*r->p == '\n')
                                                r->line++;
                                        else
                                                strbuf_appendn(&b, r->p, 1);
                                        r->p++;
                                } else if (d == '$') {
                                        if ((k = expand(r, &b, &unknown)) < 0)
                                                break;
                                } else if (d == '`') {
                                        unknown = true;
                                        if ((k = skip_subst(r, '`')) < 0)
                                                break;
                                } else {
                                        r->line += d == '\n';
                                        strbuf_appendn(&b, &d, 1);
                                }
                        }
                } else if (c == '\\') {
                        if (r->p < r->end) {
                                if (*r->p == '\n')
                                        r->line++;
                                else
                                        strbuf_appendn(&b, r->p, 1);
                                r->p++;
                        }
                } else if (c == '$')
                        k = expand(r, &b, &unknown);
                else if (c == '`') {
                        unknown = true;
                        k = skip_subst(r, '`');
                } else
                        strbuf_appendn(&b, &c, 1);
                if (k >= 0 && b.len > VALUE_MAX)
                        k = fail(r, "value longer than %u bytes", VALUE_MAX);
        }
        if (k >= 0 && b.oom)
                k = -ENOMEM;
        if (k < 0 || unknown) {
                strbuf_done(&b);
                *ret = NULL;
                return k < 0 ? k : 0;
        }
        *ret = strbuf_steal(&b);
        return *ret ? 0 : -ENOMEM;
}

static int eval_reader(Reader *rd, char **ret_error);

int grub_default_eval(ShellVars *v, const char *text, size_t size, char **ret_error) {
        return grub_default_eval_file(v, NULL, text, size, ret_error);
}

int grub_default_eval_file(ShellVars *v, const char *file, const char *text, size_t size, char **ret_error) {
        Reader r = { .p = text, .end = text + size, .line = 1, .v = v, .file = file };
        return eval_reader(&r, ret_error);
}

static int eval_reader(Reader *rd, char **ret_error) {
        Reader r = *rd;
        const char *text = r.p;
        size_t size = (size_t) (r.end - r.p);
        bool after_export = false;
        int k = 0;

        if (memchr(text, 0, size)) {
                /* The shell would stop reading or choke; say so rather than guess. */
                for (const char *q = text; *q; q++)
                        r.line += *q == '\n';
                k = fail(&r, "NUL byte");
        }
        while (k >= 0 && r.p < r.end) {
                char c = *r.p;
                if (is_blank(c)) {
                        r.p++;
                        continue;
                }
                if (c == '\n' || c == ';') {
                        r.line += c == '\n';
                        after_export = false;
                        r.p++;
                        continue;
                }
                if (c == '#') {
                        while (r.p < r.end && *r.p != '\n')
                                r.p++;
                        continue;
                }
                if (c == '\\' && r.p + 1 < r.end && r.p[1] == '\n') {
                        r.p += 2;
                        r.line++;
                        continue;
                }
                const char *s = r.p;
                while (r.p < r.end && is_name_char(*r.p))
                        r.p++;
                size_t len = (size_t) (r.p - s);
                bool word_end = r.p >= r.end || is_blank(*r.p) || *r.p == '\n' || *r.p == ';';
                if (len == 6 && memcmp(s, "export", 6) == 0 && word_end) {
                        after_export = true;
                        continue;
                }
                if (len > 0 && is_name_start(*s) && r.p < r.end && *r.p == '=') {
                        _cleanup_free_ char *name = strndup(s, len);
                        char *value = NULL;
                        if (!name)
                                return -ENOMEM;
                        r.p++;
                        unsigned line = r.line;
                        const char *vstart = r.p;
                        r.assigning = name;
                        r.assign_line = line;
                        k = read_value(&r, &value);
                        r.assigning = NULL;
                        r.dquote_line = 0;
                        if (k < 0)
                                break;
                        if (r.track && streq(name, r.track)) {
                                r.track_start = vstart;
                                r.track_end = r.p;
                        }
                        if (!(r.p >= r.end || is_blank(*r.p) || *r.p == '\n' || *r.p == ';')) {
                                free(value);
                                k = fail(&r, "unexpected '%c'", *r.p);
                                break;
                        }
                        if ((k = vars_set_take(r.v, name, value, r.file, line)) == -E2BIG)
                                k = fail(&r, "more than %u variables", VARS_MAX);
                        continue;
                }
                if (after_export && len > 0 && is_name_start(*s) && word_end)
                        continue;
                /* Anything else is a command grub-mkconfig would run. */
                size_t show = 0;
                while (s + show < r.end && show < 40 && s[show] != '\n')
                        show++;
                k = fail(&r, "not an assignment: '%.*s'", (int) show, s);
        }
        if (k < 0 && ret_error) {
                *ret_error = r.error;
                r.error = NULL;
        }
        free(r.error);
        r.error = NULL;
        *rd = r;
        return k;
}

/* ---- the merge ---- */

static bool is_cfg(const char *name) {
        size_t l = strlen(name);
        return name[0] != '.' && l > 4 && streq(name + l - 4, ".cfg");
}

/* The files in grub-mkconfig's order, as paths below the root. */
static int merge_list(const char *root, const char *override_path, bool override_exists, char ***ret) {
        _cleanup_strv_free_ char **l = NULL, **dropins = NULL;
        int r;

        if (exists_root(root, GRUB_DEFAULT_PATH) || (override_path && streq(override_path, GRUB_DEFAULT_PATH)))
                if ((r = strv_extend(&l, GRUB_DEFAULT_PATH)) < 0)
                        return r;
        r = list_dir_root(root, GRUB_DEFAULT_DIR, is_cfg, &dropins);
        if (r < 0 && r != -ENOENT)
                return r;
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
                } else if ((r = read_full_file_root(root, *f, &text, &size)) < 0) {
                        if (r == -ENOENT)
                                continue;
                        *ret_error = strdup_printf("cannot read '%s': %s", *f, strerror(-r));
                        return r;
                }
                r = grub_default_eval_file(v, *f, text, size, &err);
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

static int merge_shell(const char *root, char **files, const char *override_path, const char *override_text,
                       ShellVars *v, char **ret_error) {
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_free_ char *buf = NULL, *out = NULL;
        char tmp[] = "/tmp/numacma-grub-XXXXXX";
        char *envp[] = { (char *) "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
        SpawnOptions o = { .envp = envp, .stderr_fd = -1, .max_output = VALUE_MAX * ELEMENTSOF(merged_vars) * 2 };
        size_t out_len;
        int tmpfd = -1, r, status;
        _cleanup_close_ int errfd = -1;
        StrBuf script = {0};

        /* The sourcing loop of grub-mkconfig; then the variables as
         * NAME NUL VALUE NUL for those that are set. */
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
        for (char **f = files; *f; f++) {
                if (override_path && streq(*f, override_path)) {
                        if (!override_text)
                                continue;
                        if (tmpfd < 0) {
                                tmpfd = mkostemp(tmp, O_CLOEXEC);
                                if (tmpfd < 0)
                                        return -errno;
                                size_t len = strlen(override_text);
                                if (write(tmpfd, override_text, len) != (ssize_t) len) {
                                        r = -errno;
                                        close(tmpfd);
                                        unlink(tmp);
                                        return r < 0 ? r : -EIO;
                                }
                                close(tmpfd);
                        }
                        r = strv_extend(&argv, tmp);
                } else {
                        char *p = root_join(root, *f);
                        r = p ? strv_push(&argv, p) : -ENOMEM;
                }
                if (r < 0) {
                        /* Not "goto out": that would jump over a cleanup variable's declaration (clang refuses). */
                        if (tmpfd >= 0)
                                unlink(tmp);
                        return r;
                }
        }

        /* What sh says on stderr ("FILE: LINE: Syntax error: ...") goes
         * into the error: a file, so that a long message cannot block it. */
        errfd = memfd_create("numacma-grub-sh-stderr", MFD_CLOEXEC);
        o.stderr_fd = errfd;
        r = spawn_capture(argv, &o, &out, &out_len, &status);
        if (r < 0)
                goto out;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                char said[512] = "";
                ssize_t k = errfd >= 0 ? pread(errfd, said, sizeof(said) - 1, 0) : -1;
                if (k > 0) {
                        said[k] = 0;
                        said[strcspn(said, "\n")] = 0;
                }
                *ret_error = k > 0 && *said ? strdup_printf("sourcing the /etc/default/grub files with sh failed: %s", said)
                                            : strdup("sourcing the /etc/default/grub files with sh failed (a syntax error or a failing command in them)");
                r = -EBADMSG;
                goto out;
        }
        buf = TAKE_PTR(out);
        /* NAME NUL VALUE NUL ... */
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
                        goto out;
                i += nl + 1 + vl + 1;
        }
        r = 0;
out:
        if (tmpfd >= 0)
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

/* ---- editing one variable's tokens ---- */

static bool raw_blank(char c) {
        return c == ' ' || c == '\t' || c == '\n';
}

/* Where word stands alone in the inner text of a quoted shell string (q:
 * its quote), outside a double-quoted part of the kernel's line (whose
 * quotes are written \" inside "..."); len when nowhere. */
static size_t find_word(const char *s, size_t len, char q, const char *word) {
        size_t wl = strlen(word);
        bool kq = false, track = true;
        /* An expansion may open or close the kernel's quotes where the text
         * does not show it: then every standalone word is a candidate (the
         * caller checks the result). */
        for (size_t i = 0; q == '"' && i < len && track; i++) {
                if (s[i] == '\\' && i + 1 < len)
                        i++;
                else if (s[i] == '$' || s[i] == '`')
                        track = false;
        }
        for (size_t i = 0; i < len; i++) {
                if (!kq && (i == 0 || raw_blank(s[i - 1])) && i + wl <= len &&
                    memcmp(s + i, word, wl) == 0 && (i + wl == len || raw_blank(s[i + wl])))
                        return i;
                char c = s[i];
                if (q == '"' && c == '\\' && i + 1 < len && strchr("$`\"\\\n", s[i + 1]))
                        c = s[++i];
                if (c == '"' && track)
                        kq = !kq;
        }
        return len;
}

static int tokens_equal(const char *a, const char *b, bool *ret) {
        _cleanup_strv_free_ char **ta = NULL, **tb = NULL;
        int r = tokens_of(a, &ta);
        if (r >= 0)
                r = tokens_of(b, &tb);
        if (r < 0)
                return r;
        size_t i = 0;
        while (ta[i] && tb[i] && streq(ta[i], tb[i]))
                i++;
        *ret = !ta[i] && !tb[i];
        return 0;
}

static int eval_tracked(const char *text, const char *name, ShellVars *v, const char **ret_start,
                        const char **ret_end, char **ret_error) {
        Reader r = { .p = text, .end = text + strlen(text), .line = 1, .v = v, .track = name };
        int k = eval_reader(&r, ret_error);
        *ret_start = r.track_start;
        *ret_end = r.track_end;
        return k;
}

int grub_default_edit_tokens(const char *text, const char *name, char *const *remove, char *const *want,
                             char **ret, char **ret_why) {
        _cleanup_(shell_vars_done) ShellVars v = {0}, nv = {0};
        _cleanup_free_ char *err = NULL, *expect = NULL, *inner = NULL, *out = NULL;
        const char *vs = NULL, *ve = NULL;
        *ret = NULL;
        *ret_why = NULL;
        int r = eval_tracked(text, name, &v, &vs, &ve, &err);
        if (r < 0) {
                *ret_why = strdup_printf("it does not read as assignments (%s)", err ? err : strerror(-r));
                return r;
        }
        const ShellVar *sv = shell_vars_find(&v, name);
        if (!sv || (sv->value && !*sv->value) || !vs)
                return -ENOENT;
        if (!sv->value) {
                *ret_why = strdup_printf("%s is set by a command substitution", name);
                return -EOPNOTSUPP;
        }
        /* One quoted string, its closing quote the value's last byte. */
        char q = *vs;
        size_t rawlen = (size_t) (ve - vs);
        bool one = (q == '"' || q == '\'') && rawlen >= 2 && ve[-1] == q;
        for (size_t i = 1; one && i + 1 < rawlen; i++) {
                if (q == '"' && vs[i] == '\\' && i + 2 < rawlen)
                        i++;
                else if (vs[i] == q)
                        one = false;
        }
        if (!one) {
                *ret_why = strdup_printf("%s is not assigned one quoted string", name);
                return -EOPNOTSUPP;
        }
        r = tokens_edit(sv->value, remove, want, &expect);
        if (r < 0) {
                *ret_why = strdup_printf("%s does not take the change as a command line", name);
                return r == -ENOMEM ? r : -EOPNOTSUPP;
        }
        if (!(inner = strndup(vs + 1, rawlen - 2)))
                return -ENOMEM;
        /* numacma's tokens out, each with one blank beside it (the one
         * before it, else the one after): the text as it was before they
         * were appended. */
        for (char *const *t = remove; t && *t; t++)
                for (size_t at; (at = find_word(inner, strlen(inner), q, *t)) < strlen(inner);) {
                        size_t wl = strlen(*t), from = at, to = at + wl;
                        if (from > 0)
                                from--;
                        else if (inner[to])
                                to++;
                        memmove(inner + from, inner + to, strlen(inner + to) + 1);
                }
        StrBuf b = {0};
        strbuf_append(&b, inner);
        _cleanup_strv_free_ char **have = NULL;
        if ((r = tokens_of(sv->value, &have)) < 0) {
                strbuf_done(&b);
                return r;
        }
        for (char *const *t = want; t && *t; t++) {
                if (strv_contains(have, *t) && !strv_contains(remove, *t))
                        continue;
                if (b.len)
                        strbuf_append(&b, " ");
                strbuf_append(&b, *t);
        }
        _cleanup_free_ char *edited = strbuf_steal(&b);
        if (!edited)
                return -ENOMEM;
        if (!(out = strdup_printf("%.*s%s%s", (int) (vs + 1 - text), text, edited, ve - 1)))
                return -ENOMEM;
        /* What the shell makes of the new text must be the token edit. */
        const char *ns, *ne;
        bool same = false;
        free(err);
        err = NULL;
        r = eval_tracked(out, name, &nv, &ns, &ne, &err);
        const ShellVar *nsv = r >= 0 ? shell_vars_find(&nv, name) : NULL;
        if (nsv && nsv->value && (r = tokens_equal(nsv->value, expect, &same)) < 0)
                return r;
        if (!same) {
                *ret_why = strdup_printf("the edit of %s would not give exactly the token edit", name);
                return -EOPNOTSUPP;
        }
        *ret = TAKE_PTR(out);
        return 0;
}
