/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The BLS entries of a root: the files of the entry directories, each read
 * once (regular files only: a FIFO would block, a directory or a dangling
 * link is no entry; GRUB's blscfg fails to open them and systemd-boot
 * skips directories, so they are skipped and said), in the menu order of
 * the loader that boots them. */
#include <sys/stat.h>

#include "basic/chase.h"
#include "basic/fileio.h"
#include "basic/util.h"
#include "bootcfg/bls_entries.h"

const char *const bls_entry_dirs[] = { "/boot/loader/entries", NULL };
const char *const sdboot_entry_dirs[] = { "/efi/loader/entries", "/boot/efi/loader/entries", "/boot/loader/entries", NULL };

static bool is_conf(const char *name) {
        size_t l = strlen(name);
        return name[0] != '.' && l > 5 && strcasecmp(name + l - 5, ".conf") == 0;
}

static void entry_file_done(EntryFile *f) {
        free(f->path);
        free(f->text);
        bls_entry_done(&f->e);
        blscfg_entry_done(&f->g);
        sdboot_entry_done(&f->s);
}

void entries_done(Entries *e) {
        for (size_t i = 0; i < e->n; i++)
                entry_file_done(&e->f[i]);
        free(e->f);
        strv_free(e->skipped);
        *e = (Entries){0};
}

static BlsLoader sort_loader;

static int cmp_entry(const void *a, const void *b) {
        const EntryFile *x = a, *y = b;
        if (sort_loader == BLS_BY_SDBOOT)
                return sdboot_compare(&x->s, &y->s);
        return blscfg_compare(x->e.id, y->e.id);
}

/* One file: read and parsed in every view; 0 and nothing added when it is
 * not an entry (said in skipped). */
static int load_one(const char *root, const char *dir, const char *name, Entries *es) {
        _cleanup_free_ char *path = strdup_printf("%s/%s", dir, name), *text = NULL;
        size_t size;
        if (!path)
                return -ENOMEM;
        int r = read_regular_below_root(root, path, &text, &size);
        if (r == -EBADFD || r == -ENOENT) {
                const char *kind = chase_kind_below_root(root, path);
                return strv_extendf(&es->skipped, "'%s' is %s, not a boot entry: skipped, as the boot loader skips it",
                                    path, kind ? kind : "gone");
        }
        if (r < 0)
                return r;
        EntryFile f = { .path = TAKE_PTR(path) };
        r = bls_entry_parse(text, size, &f.e);
        if (r == -EBADMSG) {
                entry_file_done(&f);
                return strv_extendf(&es->skipped, "'%s/%s' holds a NUL byte, not a boot entry: skipped", dir, name);
        }
        if (r >= 0 && !(f.e.id = strndup(name, strlen(name) - 5)))
                r = -ENOMEM;
        if (r >= 0)
                r = blscfg_parse(text, size, &f.g);
        if (r >= 0)
                r = sdboot_entry_parse(name, text, &f.s);
        f.text = TAKE_PTR(text);
        EntryFile *nf = r >= 0 ? realloc(es->f, (es->n + 1) * sizeof(EntryFile)) : NULL;
        if (!nf) {
                entry_file_done(&f);
                return r < 0 ? r : -ENOMEM;
        }
        es->f = nf;
        es->f[es->n++] = f;
        return 0;
}

int bls_load_entries(const char *root, char *const *dirs, BlsLoader loader, Entries *ret) {
        Entries es = {0};
        int r = 0;
        for (char *const *d = dirs; *d && r >= 0; d++) {
                _cleanup_strv_free_ char **names = NULL;
                r = list_dir_below_root(root, *d, is_conf, &names);
                if (r == -ENOENT) {
                        r = 0;
                        continue;
                }
                for (char **nm = names; r >= 0 && *nm; nm++)
                        /* blscfg's read_entry() wants ".conf" exactly,
                         * systemd-boot any case and no "auto-". */
                        if (loader == BLS_BY_SDBOOT ? sdboot_entry_name(*nm) : endswith(*nm, ".conf"))
                                r = load_one(root, *d, *nm, &es);
        }
        if (r < 0) {
                entries_done(&es);
                return r;
        }
        sort_loader = loader;
        if (es.n)
                qsort(es.f, es.n, sizeof(EntryFile), cmp_entry);
        *ret = es;
        return 0;
}

bool bls_entries_exist(const char *root) {
        _cleanup_strv_free_ char **names = NULL;
        return list_dir_below_root(root, "/boot/loader/entries", is_conf, &names) >= 0 && names[0];
}

/* systemd-boot opens the entry's linux file on the entry's own partition
 * (boot_entry_add_type1(): root_dir->Open()): a missing one drops the
 * entry. The partition is the directory above loader/entries. */
static bool sdboot_file_there(const EntryFile *f, const char *root) {
        if (!f->s.linux_path)
                return true;  /* efi, uki: not checked here */
        const char *le = strstr(f->path, "/loader/entries/");
        _cleanup_free_ char *p = le ? strdup_printf("%.*s/%s", (int) (le - f->path), f->path,
                                                    f->s.linux_path + (f->s.linux_path[0] == '/')) : NULL;
        _cleanup_free_ char *full = NULL;
        struct stat st;
        for (char *c = p; c && *c; c++)
                if (*c == '\\')
                        *c = '/';
        return p && chase_below_root(root, p, &full, NULL) >= 0 && stat(full, &st) >= 0 && S_ISREG(st.st_mode);
}

bool entry_booted(const EntryFile *f, BlsLoader loader, const char *root) {
        if (loader == BLS_BY_GRUB)
                return f->g.linux_path != NULL;
        return f->s.bootable && sdboot_file_there(f, root);
}
