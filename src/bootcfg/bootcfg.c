/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The dispatcher: the table of backends, detection, reading the next boot,
 * and an apply's frame (the failure record, /run/reboot-required). */
#include "basic/atomic_write.h"
#include "basic/chase.h"
#include "basic/fileio.h"
#include "bootcfg/backend.h"
#include "bootcfg/owned.h"
#include "bootcfg/reboot_required.h"

/* In detection order: loader.conf is systemd-boot's own, GRUB never reads
 * it; BLS entries with grubby are grubby's, without it plain BLS; GRUB's
 * defaults last (BLS layouts have them too). */
static const BootBackendOps *const backends[] = {
        &sdboot_backend,
        &grubby_backend,
        &bls_backend,
        &grub_backend,
};

static const BootBackendOps *backend_ops(BootBackendKind k) {
        for (size_t i = 0; i < ELEMENTSOF(backends); i++)
                if (backends[i]->kind == k)
                        return backends[i];
        return NULL;
}

void next_boot_done(NextBoot *n) {
        free(n->backend);
        free(n->cmdline);
        free(n->unknown_reason);
        free(n->release);
        strv_free(n->releases);
        free(n->planned_from);
        free(n->stale);
        strv_free(n->record);
        strv_free(n->owned);
        strv_free(n->record_ignored);
        free(n->last_error);
        problems_done(&n->problems);
        *n = (NextBoot){0};
}

BootBackendKind bootcfg_detect(const char *root, BootBackendKind configured) {
        if (configured != BACKEND_AUTO)
                return configured;
        for (size_t i = 0; i < ELEMENTSOF(backends); i++)
                if (backends[i]->detect(root))
                        return backends[i]->kind;
        return BACKEND_NONE;
}

int bootcfg_read(const char *root, BootBackendKind kind, NextBoot *ret) {
        NextBoot n = {0};
        const BootBackendOps *ops = backend_ops(kind);
        int r = 0;

        if (!(n.backend = strdup(boot_backend_to_string(kind))))
                return -ENOMEM;
        if (ops)
                r = ops->read_next(root, &n);
        else if (!(n.unknown_reason = strdup("no boot loader configuration found (backend none)")))
                r = -ENOMEM;
        if (r >= 0) {
                r = apply_failed_read(root, &n.last_error);
                if (r == -ENOENT)
                        r = 0;
        }
        if (r >= 0) {
                r = last_apply_read(root, &n.last_apply);
                n.last_apply_known = r >= 0;
                if (r == -ENOENT)
                        r = 0;
        }
        if (r < 0) {
                next_boot_done(&n);
                return r;
        }
        *ret = n;
        return 0;
}

/* After a successful write: the failure record cleared, the time kept. */
static int after_success(BootCtx *c) {
        int r = apply_failed_clear(c->root);
        if (r < 0)
                return boot_ctx_fail(c, r, "cannot clear '%s': %s", APPLY_FAILED_PATH, strerror(-r));
        if ((r = last_apply_write(c->root)) < 0)
                boot_ctx_note(c, "cannot write '%s': %s", LAST_APPLY_PATH, strerror(-r));
        return 0;
}

/* The reboot flags from what the boot configuration now says (re-read
 * after a write), whether or not this apply wrote anything: the
 * administrator's own update-grub may have made a reboot pending. */
static void sync_reboot_flags(BootCtx *c, const BootBackendOps *ops, bool wrote_any) {
        NextBoot n = {0};
        const char *line = c->next ? c->next->cmdline : NULL;
        if (wrote_any && ops->read_next(c->root, &n) >= 0)
                line = n.cmdline;
        int r = line ? reboot_required_update(c->root, line) : 0;
        if (r < 0)
                boot_ctx_note(c, "cannot update the reboot-required flags: %s", strerror(-r));
        next_boot_done(&n);
}

int bootcfg_sync_reboot_flags(const char *root, const NextBoot *next) {
        return next && next->cmdline ? reboot_required_update(root, next->cmdline) : 0;
}

/* Temporary files an interrupted write left (a crash, kill -9) in the
 * directories numacma writes in: removed, and said. The caller holds the
 * writer lock, so none of them is being written. */
static void sweep_stale_temps(BootCtx *c, const BootBackendOps *ops) {
        static const char *const common[] = { "/var/lib/numacma", "/run", "/run/numacma", NULL };
        const char *const *lists[] = { common, ops ? ops->dirs : NULL };
        for (size_t l = 0; l < ELEMENTSOF(lists); l++)
                for (const char *const *d = lists[l]; d && *d; d++) {
                        _cleanup_free_ char *full = NULL;
                        _cleanup_strv_free_ char **gone = NULL;
                        if (chase_for_write(c->root, *d, &full) < 0 || remove_stale_temps(full, &gone) < 0)
                                continue;
                        for (char **g = gone; g && *g; g++)
                                boot_ctx_note(c, "removed '%s', left by an interrupted write", *g);
                }
}

/* Something was written or run: an apply that did nothing leaves every
 * file as it was, the reboot flags included. */
static bool wrote(const BootApplyResult *res) {
        return res->changed || (res->commands && !res->commands_not_run);
}

int bootcfg_apply(const char *root, BootBackendKind kind, char *const *want, char *const *remove,
                  const NextBoot *next, BootApplyFlags flags, const BootIO *io, BootApplyResult *ret) {
        BootApplyResult res = { .backend = kind };
        const BootBackendOps *ops = backend_ops(kind);
        BootCtx c = {
                .root = root ? root : "/",
                .live = root_is_live(root),
                .flags = flags,
                .io = io ? io : &boot_io_default,
                .next = next,
                .want = want,
                .remove = remove,
                .res = &res,
        };
        int r;

        strbuf_append(&c.diff, "");
        if (!(flags & BOOT_APPLY_DRY_RUN))
                sweep_stale_temps(&c, ops);
        if (!ops)
                r = boot_ctx_note(&c, "no boot loader configuration found (backend none): the arguments are computed and reported, not written");
        else
                r = ops->apply(&c);
        if (!(flags & BOOT_APPLY_DRY_RUN) && r < 0) {
                if (!res.error)
                        res.error = strdup_printf("updating the boot configuration failed: %s", strerror(-r));
                int k = apply_failed_write(c.root, res.error ? res.error : "out of memory");
                if (k < 0)
                        boot_ctx_note(&c, "cannot record the failure in '%s': %s", APPLY_FAILED_PATH, strerror(-k));
        } else if (!(flags & BOOT_APPLY_DRY_RUN) && ops) {
                if (wrote(&res) || (next && next->last_error))
                        r = after_success(&c);
                sync_reboot_flags(&c, ops, wrote(&res));
        }
        res.diff = strbuf_steal(&c.diff);
        if (!res.diff && r >= 0)
                r = -ENOMEM;
        *ret = res;
        return r < 0 ? r : 0;
}
