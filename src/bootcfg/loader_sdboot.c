/* SPDX-License-Identifier: GPL-2.0-or-later */
/* systemd-boot's reading of type #1 entries and its choice of the default
 * entry, from systemd's src/boot/boot.c (the functions named in the
 * header) and src/fundamental/string-util-fundamental.c
 * (strverscmp_improved()). */
#include <fnmatch.h>

#include "basic/chase.h"
#include "basic/util.h"
#include "bootcfg/loader_sdboot.h"

/* systemd-boot's vendor GUID (LOADER_GUID), as efivarfs names the files. */
#define LOADER_GUID "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
#define EFIVARS "/sys/firmware/efi/efivars"

void sdboot_entry_done(SdbootEntry *e) {
        free(e->id);
        free(e->file);
        free(e->title);
        free(e->version);
        free(e->sort_key);
        free(e->machine_id);
        free(e->linux_path);
        free(e->options);
        *e = (SdbootEntry){0};
}

bool sdboot_entry_name(const char *name) {
        size_t l = strlen(name);
        return name[0] && name[0] != '.' && l >= 5 && strcasecmp(name + l - 5, ".conf") == 0 &&
               strncasecmp(name, "auto-", 5) != 0;
}

/* line_get_key_value(): the next key and value from *pos; NULL at the end. */
static char *next_key_value(char *s, size_t *pos, char **ret_value) {
        for (;;) {
                char *line = s + *pos;
                if (!*line)
                        return NULL;
                size_t len = strcspn(line, "\n\r");
                *pos += len + (line[len] ? 1 : 0);
                if (len == 0)
                        continue;
                line[len] = 0;
                while (*line == ' ' || *line == '\t')
                        line++, len--;
                while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
                        len--;
                line[len] = 0;
                if (*line == '#')
                        continue;
                char *v = line + strcspn(line, " \t");
                if (!*v)
                        continue;
                *v++ = 0;
                v += strspn(v, " \t");
                if (v[0] == '"' && line[len - 1] == '"') {
                        v++;
                        line[len - 1] = 0;
                }
                *ret_value = v;
                return line;
        }
}

/* boot_entry_parse_tries(): "NAME+LEFT[-DONE].conf" counts boots; the id
 * is the name without the counter. */
static int parse_tries(const char *file, SdbootEntry *e) {
        const char *plus = strrchr(file, '+');
        e->tries_left = e->tries_done = -1;
        if (plus) {
                char *end;
                unsigned long left = strtoul(plus + 1, &end, 10), done = 0;
                if (end > plus + 1 && *end == '-' && end[1] >= '0' && end[1] <= '9')
                        done = strtoul(end + 1, &end, 10);
                if (end > plus + 1 && strcasecmp(end, ".conf") == 0 && left <= INT32_MAX && done <= INT32_MAX) {
                        e->tries_left = (int) left;
                        e->tries_done = (int) done;
                        e->id = strdup_printf("%.*s.conf", (int) (plus - file), file);
                }
        }
        if (!e->id && !(e->id = strdup(file)))
                return -ENOMEM;
        for (char *c = e->id; *c; c++)
                *c = (char) (*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
        return 0;
}

static int set(char **field, const char *v) {
        free(*field);
        return (*field = strdup(v)) ? 0 : -ENOMEM;
}

int sdboot_entry_parse(const char *file_name, const char *text, SdbootEntry *ret) {
        SdbootEntry e = {0};
        _cleanup_free_ char *copy = strdup(text);
        char *key, *v;
        size_t pos = 0;
        int r = copy && (e.file = strdup(file_name)) ? parse_tries(file_name, &e) : -ENOMEM;
        while (r >= 0 && (key = next_key_value(copy, &pos, &v))) {
                if (streq(key, "title"))
                        r = set(&e.title, v);
                else if (streq(key, "version"))
                        r = set(&e.version, v);
                else if (streq(key, "sort-key"))
                        r = set(&e.sort_key, v);
                else if (streq(key, "machine-id"))
                        r = set(&e.machine_id, v);
                else if (streq(key, "linux") || streq(key, "efi") || streq(key, "uki")) {
                        e.bootable = true;
                        if (streq(key, "linux"))
                                r = set(&e.linux_path, v);
                } else if (streq(key, "options")) {
                        char *o = e.options ? strdup_printf("%s %s", e.options, v) : strdup(v);
                        free(e.options);
                        e.options = o;
                        r = o ? 0 : -ENOMEM;
                }
        }
        if (r >= 0 && !e.options && !(e.options = strdup("")))
                r = -ENOMEM;
        if (r < 0) {
                sdboot_entry_done(&e);
                return r;
        }
        *ret = e;
        return 0;
}

static bool valid_version_char(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || strchr("~-^.", c);
}

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)

/* One prefix ('~', '-', '^', '.') of a segment: the string without it at
 * this point wins (-1/1), both with it go on past it (0). */
static int prefix(const char **a, const char **b, char p) {
        if (**a != p && **b != p)
                return 0;
        int r = CMP(**a != p, **b != p);
        if (r)
                return r;
        (*a)++, (*b)++;
        return 0;
}

int sdboot_verscmp(const char *a, const char *b) {
        a = strempty(a), b = strempty(b);
        for (;;) {
                const char *aa, *bb;
                int r;
                while (*a && !valid_version_char(*a))
                        a++;
                while (*b && !valid_version_char(*b))
                        b++;
                if ((r = prefix(&a, &b, '~')))
                        return r;
                if (!*a || !*b)
                        return CMP(*a, *b);
                if ((r = prefix(&a, &b, '-')) || (r = prefix(&a, &b, '^')) || (r = prefix(&a, &b, '.')))
                        return r;
                bool da = *a >= '0' && *a <= '9', db = *b >= '0' && *b <= '9';
                if (da || db) {
                        for (aa = a; *aa >= '0' && *aa <= '9'; aa++)
                                ;
                        for (bb = b; *bb >= '0' && *bb <= '9'; bb++)
                                ;
                        if ((r = CMP(a != aa, b != bb)))
                                return r;
                        while (*a == '0')
                                a++;
                        while (*b == '0')
                                b++;
                        if ((r = CMP(aa - a, bb - b)) || (r = CMP(strncmp(a, b, (size_t) (aa - a)), 0)))
                                return r;
                } else {
                        for (aa = a; (*aa | 0x20) >= 'a' && (*aa | 0x20) <= 'z'; aa++)
                                ;
                        for (bb = b; (*bb | 0x20) >= 'a' && (*bb | 0x20) <= 'z'; bb++)
                                ;
                        if ((r = CMP(strncmp(a, b, (size_t) MIN(aa - a, bb - b)), 0)) || (r = CMP(aa - a, bb - b)))
                                return r;
                }
                a = aa, b = bb;
        }
}

static int cmp_ptr(const char *a, const char *b) {
        if (a && b)
                return strcmp(a, b);
        return CMP(a != NULL, b != NULL);
}

int sdboot_compare(const SdbootEntry *a, const SdbootEntry *b) {
        /* No tries left: last. Then sort-key/machine-id/version
         * (newest first) for entries that have a sort-key, before those
         * without; then the id, newest first; then the tries. */
        int r = CMP(a->tries_left == 0, b->tries_left == 0);
        if (r || (r = CMP(!a->sort_key, !b->sort_key)))
                return r;
        if (a->sort_key && ((r = strcmp(a->sort_key, b->sort_key)) || (r = cmp_ptr(a->machine_id, b->machine_id)) ||
                            (r = -sdboot_verscmp(a->version, b->version))))
                return r;
        if ((r = -sdboot_verscmp(a->id, b->id)))
                return r;
        if (a->tries_left < 0 || b->tries_left < 0)
                return 0;
        if ((r = -CMP(a->tries_left, b->tries_left)))
                return r;
        return CMP(a->tries_done, b->tries_done);
}

void sdboot_defaults_done(SdbootDefaults *d) {
        free(d->oneshot);
        free(d->efi_default);
        free(d->conf_default);
        free(d->last_booted);
        *d = (SdbootDefaults){0};
}

static void lower(char *s) {
        for (; s && *s; s++)
                *s = (char) (*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
}

/* An EFI variable of systemd-boot's vendor as efivarfs shows it: four
 * bytes of attributes, then a UTF-16LE string (its NUL optional). ASCII
 * only: an entry id with other characters is not matched. */
static int efivar_string(const char *root, const char *name, char **ret) {
        _cleanup_free_ char *path = strdup_printf(EFIVARS "/%s-" LOADER_GUID, name), *raw = NULL;
        size_t size;
        int r = path ? read_regular_below_root(root, path, &raw, &size) : -ENOMEM;
        if (r < 0)
                return r;
        if (size < 4 || (size - 4) % 2)
                return -EBADMSG;
        char *s = malloc((size - 4) / 2 + 1), *o = s;
        if (!s)
                return -ENOMEM;
        for (size_t i = 4; i + 1 < size; i += 2) {
                unsigned ch = (unsigned char) raw[i] | ((unsigned) (unsigned char) raw[i + 1] << 8);
                if (ch == 0)
                        break;
                *o++ = ch < 0x80 ? (char) ch : '?';
        }
        *o = 0;
        lower(s);
        *ret = s;
        return 0;
}

int sdboot_defaults_load(const char *root, const char *loader_conf, SdbootDefaults *ret) {
        SdbootDefaults d = {0};
        _cleanup_free_ char *copy = loader_conf ? strdup(loader_conf) : NULL;
        char *key, *v;
        size_t pos = 0;
        int r = loader_conf && !copy ? -ENOMEM : 0;
        while (r >= 0 && copy && (key = next_key_value(copy, &pos, &v)))
                /* config_defaults_load_from_file(): '@' names only @saved. */
                if (streq(key, "default") && (v[0] != '@' || strcasecmp(v, "@saved") == 0))
                        r = set(&d.conf_default, v);
        static const char *const vars[] = { "LoaderEntryOneShot", "LoaderEntryDefault", "LoaderEntryLastBooted" };
        char **fields[] = { &d.oneshot, &d.efi_default, &d.last_booted };
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(vars); i++) {
                r = efivar_string(root, vars[i], fields[i]);
                if (r == -ENOENT || r == -EBADMSG || r == -EBADFD)
                        r = 0;
        }
        lower(d.conf_default);
        if (r < 0) {
                sdboot_defaults_done(&d);
                return r;
        }
        *ret = d;
        return 0;
}

/* config_find_entry(): the first entry whose id the pattern matches
 * (efi_fnmatch(), fnmatch(3) without flags). */
static long find(const SdbootEntry *e, size_t n, const char *pattern) {
        for (size_t i = 0; pattern && i < n; i++)
                if (fnmatch(pattern, e[i].id, 0) == 0)
                        return (long) i;
        return -1;
}

long sdboot_choose(const SdbootEntry *entries, size_t n, const SdbootDefaults *d, bool *ret_once) {
        bool saved_efi = streq_ptr(d->efi_default, "@saved"), saved_conf = streq_ptr(d->conf_default, "@saved");
        long i = find(entries, n, d->oneshot);
        *ret_once = i >= 0;
        if (i >= 0)
                return i;
        if ((i = find(entries, n, saved_efi ? d->last_booted : d->efi_default)) >= 0)
                return i;
        if (saved_conf)
                i = saved_efi ? -1 : find(entries, n, d->last_booted);
        else
                i = find(entries, n, d->conf_default);
        if (i >= 0)
                return i;
        return n ? 0 : -1;
}
