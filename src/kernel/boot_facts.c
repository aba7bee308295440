/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>

#include "basic/atomic_write.h"
#include "basic/chase.h"
#include "basic/fileio.h"
#include "basic/util.h"
#include "kernel/boot_facts.h"
#include "kernel/kernel_log.h"

#define HEADER "# numacma boot facts (numacmad(8)): the kernel's early memory and CMA lines\n"

int boot_id_read(const char *root, char **ret) {
        _cleanup_free_ char *id = NULL;
        int r = read_line_root(root, BOOT_ID_PATH, &id);
        if (r < 0)
                return r;
        /* 36 characters of hex digits and dashes; anything else is no id. */
        size_t n = strlen(id);
        if (n != 36)
                return -EBADMSG;
        for (size_t i = 0; i < n; i++) {
                id[i] = (char) tolower((unsigned char) id[i]);
                if (!(isxdigit((unsigned char) id[i]) || (id[i] == '-' && (i == 8 || i == 13 || i == 18 || i == 23))))
                        return -EBADMSG;
        }
        *ret = TAKE_PTR(id);
        return 0;
}

/* The messages the record keeps (what kernel_log_parse() and a person
 * reading the record need). */
static bool kept(const char *m, bool in_ranges) {
        static const char *const prefixes[] = {
                "Early memory node ranges", "Initmem setup node", "ACPI: SRAT: Node", "NUMA: ",
                "cma: ", "hugetlb_cma: ", "Kernel command line: ",
        };
        if (in_ranges && startswith(m, "  node "))
                return true;
        for (size_t i = 0; i < ELEMENTSOF(prefixes); i++)
                if (startswith(m, prefixes[i]))
                        return true;
        return false;
}

char *boot_facts_lines(const char *log_text) {
        StrBuf b = {0};
        bool in_ranges = false;
        for (const char *l = log_text; l && *l;) {
                const char *end = strchr(l, '\n');
                if (!end)
                        end = l + strlen(l);
                if (*l != ' ' && end - l < 1024) {  /* continuation lines carry no message */
                        const char *m = kernel_log_message(l, end);
                        int len = (int) (end - m);
                        _cleanup_free_ char *msg = strndup(m, (size_t) len);
                        if (!msg) {
                                strbuf_done(&b);
                                return NULL;
                        }
                        bool keep = kept(msg, in_ranges);
                        in_ranges = streq(msg, "Early memory node ranges") || (in_ranges && startswith(msg, "  node "));
                        /* No control characters in a record line. */
                        for (char *c = msg; *c; c++)
                                if ((unsigned char) *c < ' ')
                                        *c = ' ';
                        /* (A record line stays under the 1024 bytes the parser reads.) */
                        if (keep && len < 1024 - 9 && b.len + (size_t) len < BOOT_FACTS_MAX)
                                strbuf_printf(&b, "6,0,0,-;%s\n", msg);
                }
                l = *end ? end + 1 : end;
        }
        return b.oom ? (strbuf_done(&b), NULL) : b.buf ? strbuf_steal(&b) : strdup("");
}

char *boot_facts_format(const char *boot_id, const char *source, const char *lines) {
        return strdup_printf(HEADER "boot-id %s\nsource %s\n%s", boot_id, source, strempty(lines));
}

int boot_facts_parse(const char *text, const char *boot_id, char **ret_lines, char **ret_source) {
        const char *s = startswith(text, HEADER);
        if (!s)
                return -EBADMSG;
        const char *id = startswith(s, "boot-id ");
        const char *nl = id ? strchr(id, '\n') : NULL;
        if (!nl)
                return -EBADMSG;
        if (!boot_id || (size_t) (nl - id) != strlen(boot_id) || strncmp(id, boot_id, (size_t) (nl - id)) != 0)
                return -ESTALE;
        const char *src = startswith(nl + 1, "source ");
        const char *snl = src ? strchr(src, '\n') : NULL;
        if (!snl)
                return -EBADMSG;
        _cleanup_free_ char *source = strndup(src, (size_t) (snl - src)), *lines = strdup(snl + 1);
        if (!source || !lines)
                return -ENOMEM;
        *ret_lines = TAKE_PTR(lines);
        *ret_source = TAKE_PTR(source);
        return 0;
}

static bool recorded(const char *root, const char *id) {
        _cleanup_free_ char *old = NULL, *old_lines = NULL, *old_source = NULL;
        return read_full_file_root(root, BOOT_FACTS_PATH, &old, NULL) >= 0 &&
               boot_facts_parse(old, id, &old_lines, &old_source) >= 0;
}

bool boot_facts_recorded(const char *root) {
        _cleanup_free_ char *id = NULL;
        return boot_id_read(root, &id) >= 0 && recorded(root, id);
}

int boot_facts_record(const char *root, const char *log_text, const char *source) {
        _cleanup_free_ char *id = NULL, *lines = NULL, *text = NULL, *path = NULL;
        KernelLog l = {0};
        int r = boot_id_read(root, &id);
        if (r < 0)
                return r;
        if (recorded(root, id))
                return 0;  /* this boot's facts are kept already */
        if (!(lines = boot_facts_lines(log_text)))
                return -ENOMEM;
        if ((r = kernel_log_parse(lines, &l)) < 0)
                return r;
        bool complete = l.has_early_ranges;
        kernel_log_done(&l);
        if (!complete)
                return -ENODATA;  /* too late: the ring buffer no longer has them */
        if (!(text = boot_facts_format(id, source, lines)))
                return -ENOMEM;
        if ((r = chase_for_write_mkdir(root, BOOT_FACTS_PATH, &path)) < 0)
                return r;
        r = write_file_atomic(path, text, strlen(text), 0644);
        return r < 0 ? r : 1;
}
