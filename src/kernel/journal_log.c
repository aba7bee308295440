/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dlfcn.h>
#include <inttypes.h>

#include <systemd/sd-journal.h>

#include "kernel/journal_log.h"

#define JOURNAL_TEXT_MAX (8u * 1024 * 1024)

/* libsystemd is opened only when the journal is read (a fallback): linked,
 * it and the six libraries it needs cost every numacmactl start about
 * 2 ms, a quarter of a status read (bench/status-bench). numacmad links it for
 * sd-event, so the packages depend on it either way. */
/* The types come from sd-journal.h (typeof does not link the symbols). */
static struct {
        typeof(&sd_journal_open_directory) open_directory;
        typeof(&sd_journal_add_match) add_match;
        typeof(&sd_journal_add_conjunction) add_conjunction;
        typeof(&sd_journal_seek_head) seek_head;
        typeof(&sd_journal_next) next;
        typeof(&sd_journal_get_data) get_data;
        typeof(&sd_journal_close) close;
} sdj;

/* 1 when the functions above are loaded; 0 and *ret_why when they cannot be. */
static int sdj_load(char **ret_why) {
        static void *dl;
        if (dl)
                return 1;
        void *h = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
        const char *missing = NULL;
        if (h) {
                const struct {
                        const char *name;
                        void **fn;
                } syms[] = {
                        { "sd_journal_open_directory", (void **) &sdj.open_directory },
                        { "sd_journal_add_match", (void **) &sdj.add_match },
                        { "sd_journal_add_conjunction", (void **) &sdj.add_conjunction },
                        { "sd_journal_seek_head", (void **) &sdj.seek_head },
                        { "sd_journal_next", (void **) &sdj.next },
                        { "sd_journal_get_data", (void **) &sdj.get_data },
                        { "sd_journal_close", (void **) &sdj.close },
                };
                for (size_t i = 0; i < ELEMENTSOF(syms) && !missing; i++)
                        if (!(*syms[i].fn = dlsym(h, syms[i].name)))
                                missing = syms[i].name;
                if (!missing) {
                        dl = h;
                        return 1;
                }
                dlclose(h);
                *ret_why = strdup_printf("libsystemd.so.0 has no %s: the journal cannot be read", missing);
        } else
                *ret_why = strdup_printf("libsystemd.so.0 cannot be loaded, so the journal cannot be read: %s", dlerror());
        return *ret_why ? 0 : -ENOMEM;
}

static bool digits(const char *s) {
        if (!s || !*s)
                return false;
        for (; *s; s++)
                if (*s < '0' || *s > '9')
                        return false;
        return true;
}

void journal_entry_to_record(const char *message, size_t len, const char *priority, const char *usec, StrBuf *b) {
        char text[1024];
        size_t n = 0;
        for (size_t i = 0; i < len && n < sizeof(text) - 1; i++) {
                unsigned char c = (unsigned char) message[i];
                text[n++] = c < ' ' || c == 0x7f ? ' ' : (char) c;
        }
        text[n] = 0;
        int prio = digits(priority) && strlen(priority) == 1 && priority[0] <= '7' ? priority[0] - '0' : 6;
        strbuf_printf(b, "%d,0,%s,-;%s\n", prio, digits(usec) && strlen(usec) < 21 ? usec : "0", text);
}

/* A field's value ("FIELD=value" in the entry), or NULL. */
static const char *field(sd_journal *j, const char *name, size_t *ret_len) {
        const void *d;
        size_t len, nl = strlen(name);
        if (sdj.get_data(j, name, &d, &len) < 0 || len <= nl || ((const char *) d)[nl] != '=')
                return NULL;
        *ret_len = len - nl - 1;
        return (const char *) d + nl + 1;
}

/* A field's value as a C string (copied: sd-journal's buffer is reused). */
static char *field_str(sd_journal *j, const char *name) {
        size_t len;
        const char *v = field(j, name, &len);
        return v ? strndup(v, MIN(len, (size_t) 64)) : NULL;
}

static int read_boot(sd_journal *j, char **ret, char **ret_why) {
        StrBuf b = {0};
        bool first = true;
        int r = sdj.seek_head(j);
        if (r < 0)
                return r;
        while ((r = sdj.next(j)) > 0) {
                _cleanup_free_ char *prio = field_str(j, "PRIORITY"), *usec = field_str(j, "_SOURCE_MONOTONIC_TIMESTAMP");
                uint64_t t;
                if (first && (!usec || safe_atou64(usec, 10, &t) < 0 || t >= JOURNAL_BOOT_START_USEC)) {
                        *ret_why = usec ? strdup_printf("the journal's first kernel message of this boot is from %s us after boot: the early ones were not kept", usec)
                                        : strdup("the journal's first kernel message of this boot has no kernel time stamp");
                        strbuf_done(&b);
                        return *ret_why ? 0 : -ENOMEM;
                }
                first = false;
                size_t len;
                const char *m = field(j, "MESSAGE", &len);
                if (m)
                        journal_entry_to_record(m, len, prio, usec, &b);
                if (b.len > JOURNAL_TEXT_MAX)
                        break;
        }
        if (b.oom || r < 0) {
                strbuf_done(&b);
                return b.oom ? -ENOMEM : r;
        }
        if (first) {
                *ret_why = strdup("the journal has no kernel message of this boot");
                return *ret_why ? 0 : -ENOMEM;
        }
        *ret = strbuf_steal(&b);
        return *ret ? 0 : -ENOMEM;
}

int journal_kernel_text(const char *root, const char *boot_id, char **ret, char **ret_why) {
        _cleanup_free_ char *match = NULL;
        sd_journal *j = NULL;
        int r;

        *ret = *ret_why = NULL;
        if (!boot_id) {
                *ret_why = strdup("this boot's id is unknown (no /proc/sys/kernel/random/boot_id)");
                return *ret_why ? 0 : -ENOMEM;
        }
        /* The journal writes boot ids as 32 hex digits, without dashes. */
        StrBuf id = {0};
        for (const char *c = boot_id; *c; c++)
                if (*c != '-')
                        strbuf_appendn(&id, c, 1);
        match = id.oom ? NULL : strdup_printf("_BOOT_ID=%s", strempty(id.buf));
        strbuf_done(&id);
        if (!match)
                return -ENOMEM;
        r = sdj_load(ret_why);
        if (r <= 0)
                return r;
        r = sdj.open_directory(&j, root ? root : "/", SD_JOURNAL_OS_ROOT);
        if (r < 0) {
                *ret_why = strdup_printf("no journal can be opened below '%s': %s", root ? root : "/", strerror(-r));
                return *ret_why ? 0 : -ENOMEM;
        }
        if ((r = sdj.add_match(j, "_TRANSPORT=kernel", 0)) >= 0 &&
            (r = sdj.add_conjunction(j)) >= 0 &&
            (r = sdj.add_match(j, match, 0)) >= 0)
                r = read_boot(j, ret, ret_why);
        sdj.close(j);
        if (r < 0 && r != -ENOMEM && !*ret_why) {
                *ret_why = strdup_printf("the journal cannot be read: %s", strerror(-r));
                return *ret_why ? 0 : -ENOMEM;
        }
        return r;
}
