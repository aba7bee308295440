/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <sys/stat.h>
#include <time.h>

#include "basic/atomic_write.h"
#include "basic/chase.h"
#include "basic/fileio.h"
#include "bootcfg/owned.h"
#include "basic/util.h"

void owned_record_done(OwnedRecord *o) {
        free(o->backend);
        strv_free(o->tokens);
        *o = (OwnedRecord){0};
}

int owned_parse(const char *text, OwnedRecord *ret) {
        OwnedRecord o = {0};
        size_t n = 0, cap = 8;
        int r = 0;

        /* An empty record is a record: "numacma owns nothing". The vector
         * grows here, not by strv_extend(), which walks it each time. */
        if (!(o.tokens = calloc(cap, sizeof(char *))))
                return -ENOMEM;
        for (const char *p = text; *p && r >= 0;) {
                const char *nl = strchr(p, '\n');
                size_t len = nl ? (size_t) (nl - p) : strlen(p);
                const char *line = p;
                p += len + (nl ? 1 : 0);
                if (len > 6 && memcmp(line, "token ", 6) == 0) {
                        if (n + 1 == cap) {
                                char **g = reallocarray(o.tokens, cap * 2, sizeof(char *));
                                if (!g) {
                                        r = -ENOMEM;
                                        break;
                                }
                                o.tokens = g;
                                cap *= 2;
                        }
                        if (!(o.tokens[n] = strndup(line + 6, len - 6)))
                                r = -ENOMEM;
                        else
                                o.tokens[++n] = NULL;
                } else if (len > 8 && memcmp(line, "backend ", 8) == 0) {
                        free(o.backend);
                        if (!(o.backend = strndup(line + 8, len - 8)))
                                r = -ENOMEM;
                }
        }
        if (r < 0) {
                owned_record_done(&o);
                return r;
        }
        *ret = o;
        return 0;
}

int owned_read(const char *root, OwnedRecord *ret) {
        _cleanup_free_ char *text = NULL;
        int r = read_regular_below_root(root, OWNED_PATH, &text, NULL);
        if (r < 0)
                return r;
        return owned_parse(text, ret);
}

static bool fits_a_line(const char *s) {
        return *s && !strchr(s, '\n');
}

char *owned_format(const char *backend, char *const *tokens) {
        StrBuf b = {0};
        if (backend && !fits_a_line(backend))
                return NULL;
        for (char *const *t = tokens; t && *t; t++)
                if (!fits_a_line(*t))
                        return NULL;
        strbuf_append(&b, "# numacma: the kernel command-line arguments it wrote into the boot\n"
                          "# configuration. It removes exactly these and nothing else.\n");
        if (backend)
                strbuf_printf(&b, "backend %s\n", backend);
        for (char *const *t = tokens; t && *t; t++)
                strbuf_printf(&b, "token %s\n", *t);
        return strbuf_steal(&b);
}

int apply_failed_read(const char *root, char **ret) {
        char *s = NULL;
        int r = read_regular_below_root(root, APPLY_FAILED_PATH, &s, NULL);
        if (r < 0)
                return r;
        size_t n = strlen(s);
        while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
                s[--n] = 0;
        if (!*s) {
                free(s);
                s = strdup("the boot configuration update failed (no reason recorded)");
                if (!s)
                        return -ENOMEM;
        }
        *ret = s;
        return 0;
}

int apply_failed_write(const char *root, const char *why) {
        _cleanup_free_ char *path = NULL, *text = strdup_printf("%s\n", why);
        if (!text)
                return -ENOMEM;
        int r = chase_for_write_mkdir(root, APPLY_FAILED_PATH, &path);
        if (r < 0)
                return r;
        r = write_file_atomic(path, text, strlen(text), 0644);
        return r < 0 ? r : 0;
}

int apply_failed_clear(const char *root) {
        _cleanup_free_ char *path = NULL;
        int r = chase_for_write(root, APPLY_FAILED_PATH, &path);
        if (r < 0)
                return r;
        return remove_file_synced(path);
}

int last_apply_read(const char *root, int64_t *ret) {
        _cleanup_free_ char *line = NULL, *path = NULL;
        uint64_t v;
        int r = read_regular_below_root(root, LAST_APPLY_PATH, &line, NULL);
        if (r < 0)
                return r;
        line[strcspn(line, "\n")] = 0;
        if (safe_atou64(line, 10, &v) >= 0 && v <= INT64_MAX) {
                *ret = (int64_t) v;
                return 0;
        }
        if (!(path = root_join(root, LAST_APPLY_PATH)))
                return -ENOMEM;
        struct stat st;
        if (stat(path, &st) < 0)
                return -errno;
        *ret = (int64_t) st.st_mtime;
        return 0;
}

int last_apply_write(const char *root) {
        _cleanup_free_ char *path = NULL, *text = strdup_printf("%lld\n", (long long) time(NULL));
        if (!text)
                return -ENOMEM;
        int r = chase_for_write_mkdir(root, LAST_APPLY_PATH, &path);
        if (r < 0)
                return r;
        r = write_file_atomic(path, text, strlen(text), 0644);
        return r < 0 ? r : 0;
}
