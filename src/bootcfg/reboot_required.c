/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "basic/atomic_write.h"
#include "basic/chase.h"
#include "basic/fileio.h"
#include "basic/util.h"
#include "bootcfg/reboot_required.h"
#include "build-config.h"
#include "kernel/cma_args.h"
#include "kernel/cmdline_tokens.h"

#define REBOOT_REQUIRED "/run/reboot-required"
#define REBOOT_REQUIRED_PKGS "/run/reboot-required.pkgs"
#define REBOOT_NEEDED "/run/reboot-needed"

static int write_below(const char *root, const char *path, const char *text) {
        _cleanup_free_ char *full = NULL;
        int r = chase_for_write_mkdir(root, path, &full);
        if (r < 0)
                return r;
        r = write_file_atomic(full, text, strlen(text), 0644);
        return r < 0 ? r : 0;
}

static int remove_below(const char *root, const char *path) {
        _cleanup_free_ char *full = NULL;
        int r = chase_for_write(root, path, &full);
        return r < 0 ? r : remove_file_synced(full);
}

/* The package list without numacma, and whether it named numacma. */
static int pkgs_without_us(const char *old, char **ret, bool *ret_listed) {
        _cleanup_strv_free_ char **names = NULL;
        int r = tokens_of(old, &names);
        if (r < 0)
                return r;
        StrBuf b = {0};
        strbuf_append(&b, "");
        *ret_listed = false;
        for (char **n = names; *n; n++)
                if (streq(*n, PACKAGE_NAME))
                        *ret_listed = true;
                else
                        strbuf_printf(&b, "%s\n", *n);
        *ret = strbuf_steal(&b);
        return *ret ? 0 : -ENOMEM;
}

static int debian_flags(const char *root, bool pending) {
        _cleanup_free_ char *old = NULL, *others = NULL;
        bool listed;
        int r = read_regular_below_root(root, REBOOT_REQUIRED_PKGS, &old, NULL);
        if (r < 0 && r != -ENOENT)
                return r;
        if ((r = pkgs_without_us(old, &others, &listed)) < 0)
                return r;
        if (pending) {
                static const char text[] = "*** System restart required ***\n";
                if (!exists_root(root, REBOOT_REQUIRED) && (r = write_below(root, REBOOT_REQUIRED, text)) < 0)
                        return r;
                if (listed)
                        return 0;
                _cleanup_free_ char *text2 = strdup_printf("%s%s\n", others, PACKAGE_NAME);
                return text2 ? write_below(root, REBOOT_REQUIRED_PKGS, text2) : -ENOMEM;
        }
        if (!listed)
                return 0; /* not ours to clear */
        if (*others)
                return write_below(root, REBOOT_REQUIRED_PKGS, others);
        if ((r = remove_below(root, REBOOT_REQUIRED_PKGS)) < 0)
                return r;
        return remove_below(root, REBOOT_REQUIRED);
}

/* zypp-boot-plugin writes the file empty; numacma's own says so. */
static int suse_flag(const char *root, bool pending) {
        static const char text[] = "numacma: the kernel command line's CMA arguments changed\n";
        _cleanup_free_ char *old = NULL;
        int r = read_regular_below_root(root, REBOOT_NEEDED, &old, NULL);
        if (r < 0 && r != -ENOENT)
                return r;
        if (pending)
                return r == -ENOENT ? write_below(root, REBOOT_NEEDED, text) : 0;
        return old && streq(old, text) ? remove_below(root, REBOOT_NEEDED) : 0;
}

int reboot_required_update(const char *root, const char *next_cmdline) {
        _cleanup_free_ char *booted = NULL;
        int r = read_line_root(root, "/proc/cmdline", &booted);
        if (r < 0)
                return r == -ENOENT ? 0 : r; /* a chroot or an image: nothing is booted */
        int pending = cma_args_differ(next_cmdline, booted);
        if (pending < 0)
                return pending;
        if (exists_root(root, "/etc/debian_version") && (r = debian_flags(root, pending)) < 0)
                return r;
        if (exists_root(root, "/etc/SUSE-brand") || exists_root(root, "/usr/etc/SUSE-brand"))
                return suse_flag(root, pending);
        return 0;
}
