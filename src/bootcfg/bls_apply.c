/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "basic/util.h"
#include "bootcfg/bls_apply.h"

/* The entries' edits, planned and written. */
static int edit_entries(BootCtx *c, const BlsFamily *f, bool *changed) {
        EntryEdits e = {0};
        int r = bls_plan_edits(c, (char *const *) f->dirs, f->loader, &e);
        if (r >= 0)
                r = f->write_entries ? f->write_entries(c, &e, changed) : bls_write_edits(c, &e, changed);
        entry_edits_done(&e);
        return r;
}

/* The whole edit as a dry run first: an entry or a file that cannot take
 * it stops the apply before anything is written, the record included;
 * every file the apply changes must be writable (a unit's ReadWritePaths=
 * lacking one would leave the edit half done). */
static int edits_possible(BootCtx *c, const BlsFamily *f) {
        BootCtx probe;
        BootApplyResult pres;
        bool changed = false;
        boot_ctx_probe(c, &probe, &pres);
        probe.check_writable = true;
        EntryEdits e = {0};
        int r = bls_plan_edits(&probe, (char *const *) f->dirs, f->loader, &e);
        if (r >= 0)
                r = bls_write_edits(&probe, &e, &changed);
        entry_edits_done(&e);
        if (r >= 0)
                r = bls_other_files(&probe, (char *const *) f->dirs, f->other, &changed);
        if (r < 0)
                c->res->error = TAKE_PTR(pres.error);
        boot_ctx_probe_done(&probe);
        return r;
}

/* The intent record: numacma's old tokens and the new ones. */
static int record_intent(BootCtx *c, const BlsFamily *f) {
        if (c->flags & BOOT_APPLY_DRY_RUN)
                return 0;
        int r = edits_possible(c, f);
        if (r < 0)
                return r;
        _cleanup_strv_free_ char **u = calloc(1, sizeof(char *));
        if (!u)
                return -ENOMEM;
        for (char *const *t = c->next ? c->next->owned : NULL; t && *t && r >= 0; t++)
                if (!strv_contains(u, *t))
                        r = strv_extend(&u, *t);
        for (char *const *t = c->want; t && *t && r >= 0; t++)
                if (!strv_contains(u, *t))
                        r = strv_extend(&u, *t);
        return r < 0 ? r : boot_ctx_write_record(c, u);
}

int bls_family_apply(BootCtx *c, const BlsFamily *f) {
        bool changed = false;
        int r = record_intent(c, f);
        if (r >= 0)
                r = edit_entries(c, f, &changed);
        if (r >= 0)
                r = bls_other_files(c, (char *const *) f->dirs, f->other, &changed);
        if (r >= 0 && f->after)
                r = f->after(c, changed);
        if (r < 0)
                return r;
        return boot_ctx_write_record(c, c->want ? c->want : (char *[]){ NULL });
}
