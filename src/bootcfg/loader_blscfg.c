/* SPDX-License-Identifier: GPL-2.0-or-later */
/* GRUB's blscfg (rhboot/grub2, grub-core/commands/blscfg.c), as Fedora and
 * RHEL boot their BLS entries: read_entry() reads an entry line by line
 * and stops at the first line without a value; create_entry() takes
 * bls_get_val(entry, "options", NULL), the first options key only, and
 * $default_kernelopts when there is none; bls_add_entry() keeps the
 * entries in bls_cmp() order. */
#include "basic/util.h"
#include "bootcfg/loader_blscfg.h"

void blscfg_entry_done(BlscfgEntry *e) {
        free(e->title);
        free(e->version);
        free(e->linux_path);
        free(e->options);
        *e = (BlscfgEntry){0};
}

static int set_once(char **field, const char *v, size_t len, bool first) {
        if (first && *field)
                return 0;
        free(*field);
        return (*field = strndup(v, len)) ? 0 : -ENOMEM;
}

/* One line, '\r' already gone: the key and the value, as read_entry()
 * splits them. false: the line has no value, blscfg stops reading. */
static bool split(char *buf, char **ret_key, char **ret_val) {
        while (*buf == ' ' || *buf == '\t')
                buf++;
        char *sep = strchr(buf, ' ');
        if (!sep)
                sep = strchr(buf, '\t');
        if (!sep || sep[1] == 0)
                return false;
        *sep++ = 0;
        while (*sep == ' ' || *sep == '\t')
                sep++;
        *ret_key = buf;
        *ret_val = sep;
        return true;
}

/* The line at text+pos (without '\n', every '\r' dropped, as
 * grub_file_getline() reads it). */
static char *getline_at(const char *text, size_t size, size_t pos, size_t *ret_len) {
        const char *nl = memchr(text + pos, '\n', size - pos);
        size_t len = nl ? (size_t) (nl - text - pos) : size - pos;
        char *b = malloc(len + 1), *o = b;
        if (!b)
                return NULL;
        for (size_t i = 0; i < len; i++)
                if (text[pos + i] != '\r')
                        *o++ = text[pos + i];
        *o = 0;
        *ret_len = len;
        return b;
}

int blscfg_parse(const char *text, size_t size, BlscfgEntry *ret) {
        BlscfgEntry e = { .read_end = size };
        unsigned line = 0;
        int r = 0;
        if (memchr(text, 0, size))
                return -EBADMSG;
        for (size_t pos = 0; pos < size && r >= 0;) {
                size_t len;
                _cleanup_free_ char *buf = getline_at(text, size, pos, &len);
                char *key, *val;
                if (!buf)
                        return -ENOMEM;
                line++;
                const char *b = buf + strspn(buf, " \t");
                if (*b != '#' && !split(buf, &key, &val)) {
                        e.read_end = pos;
                        e.stop_line = line;
                        break;
                }
                if (*b != '#') {
                        bool first_opt = streq(key, "options") && !e.options;
                        if (first_opt) {
                                e.options_at = pos;
                                e.options_len = len;
                        }
                        /* bls_get_val(entry, key, NULL): the first of each key. */
                        if (first_opt)
                                r = set_once(&e.options, val, strlen(val), true);
                        else if (streq(key, "title"))
                                r = set_once(&e.title, val, strlen(val), true);
                        else if (streq(key, "version"))
                                r = set_once(&e.version, val, strlen(val), true);
                        else if (streq(key, "linux"))
                                r = set_once(&e.linux_path, val, strlen(val), true);
                }
                pos += len + (pos + len < size);
        }
        if (r < 0) {
                blscfg_entry_done(&e);
                return r;
        }
        *ret = e;
        return 0;
}

static bool alnum(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* field_append() and expand_val(): a variable is '$' and alphanumerics or
 * '_' after it (not after a backslash); its value is followed by a blank,
 * and the blank after the name is dropped; an unset one adds nothing. */
static void field(StrBuf *b, bool is_var, const char *s, const char *e, const GrubVars *vars) {
        if (e < s)
                return;
        _cleanup_free_ char *f = strndup(s, (size_t) (e - s + 1));
        if (!f) {
                b->oom = true;
                return;
        }
        if (!is_var) {
                strbuf_append(b, f);
                return;
        }
        const char *v = grub_vars_get(vars, f);
        if (v)
                strbuf_printf(b, "%s ", v);
}

static char *expand_val(const char *value, const GrubVars *vars) {
        StrBuf b = {0};
        const char *start = value, *end = value;
        bool is_var = false;
        if (!value)
                return NULL;
        strbuf_append(&b, "");
        for (; *value; value++) {
                if (*value == '$' && *end != '\\') {
                        if (start != end)
                                field(&b, is_var, start, end, vars);
                        is_var = true;
                        start = value + 1;
                } else if (is_var && !alnum(*value) && *value != '_') {
                        field(&b, is_var, start, end, vars);
                        is_var = false;
                        start = value;
                        if (*start == ' ')
                                start++;
                }
                end = value;
        }
        if (start != end)
                field(&b, is_var, start, end, vars);
        return strbuf_steal(&b);
}

char *blscfg_options(const BlscfgEntry *e, const GrubVars *vars) {
        if (e->options)
                return expand_val(e->options, vars);
        const char *d = grub_vars_get(vars, "default_kernelopts");
        return d ? expand_val(d, vars) : strdup("");
}

/* rhboot's vercmp() (rpm's rpmvercmp() with '+'): 1 when a is newer. */
static int vercmp(const char *a, const char *b) {
        _cleanup_free_ char *abuf = strdup(a), *bbuf = strdup(b);
        char *one = abuf, *two = bbuf;
        if (!abuf || !bbuf || streq(a, b))
                return 0;
        while (*one || *two) {
                while (*one && !alnum(*one) && *one != '~' && *one != '+')
                        one++;
                while (*two && !alnum(*two) && *two != '~' && *two != '+')
                        two++;
                if (*one == '~' || *two == '~') {
                        if (*one != '~')
                                return 1;
                        if (*two != '~')
                                return -1;
                        one++, two++;
                        continue;
                }
                if (*one == '+' || *two == '+') {
                        if (!*one)
                                return -1;
                        if (!*two)
                                return 1;
                        if (*one != '+')
                                return 1;
                        if (*two != '+')
                                return -1;
                        one++, two++;
                        continue;
                }
                if (!(*one && *two))
                        break;
                char *s1 = one, *s2 = two;
                bool isnum = *s1 >= '0' && *s1 <= '9';
                while (*s1 && (isnum ? (*s1 >= '0' && *s1 <= '9') : (alnum(*s1) && !(*s1 >= '0' && *s1 <= '9'))))
                        s1++;
                while (*s2 && (isnum ? (*s2 >= '0' && *s2 <= '9') : (alnum(*s2) && !(*s2 >= '0' && *s2 <= '9'))))
                        s2++;
                char c1 = *s1, c2 = *s2;
                *s1 = *s2 = 0;
                if (two == s2)
                        return isnum ? 1 : -1;
                if (isnum) {
                        while (*one == '0')
                                one++;
                        while (*two == '0')
                                two++;
                        size_t l1 = strlen(one), l2 = strlen(two);
                        if (l1 != l2)
                                return l1 > l2 ? 1 : -1;
                }
                int rc = strcmp(one, two);
                if (rc)
                        return rc < 0 ? -1 : 1;
                *s1 = c1, *s2 = c2;
                one = s1, two = s2;
        }
        if (!*one && !*two)
                return 0;
        return !*one ? -1 : 1;
}

/* split_package_string(): NAME-VERSION-RELEASE at the last two '-'. */
static void nvr(char *s, char **name, char **version, char **release) {
        char *r = strrchr(s, '-');
        if (r)
                *r++ = 0;
        char *v = strrchr(s, '-');
        if (v)
                *v++ = 0;
        *name = s, *version = v, *release = r;
        if (!*version)
                *version = *release, *release = NULL;
}

int blscfg_compare(const char *id_a, const char *id_b) {
        _cleanup_free_ char *a = strdup(id_a), *b = strdup(id_b);
        char *na, *va, *ra, *nb, *vb, *rb;
        if (!a || !b)
                return 0;
        nvr(a, &na, &va, &ra);
        nvr(b, &nb, &vb, &rb);
        int r = vercmp(na, nb);
        if (!r)
                r = vercmp(strempty(va), strempty(vb));
        if (!r)
                r = vercmp(strempty(ra), strempty(rb));
        return -r;  /* newest first */
}
