/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "basic/util.h"
#include "bootcfg/ownership.h"
#include "kernel/cma_args.h"

int ownership_decide(NextBoot *n) {
        _cleanup_strv_free_ char **owned = calloc(1, sizeof(char *)), **ignored = NULL;
        int r = owned ? 0 : -ENOMEM;
        for (char **t = n->has_record ? n->record : NULL; r >= 0 && t && *t; t++) {
                if (!cma_token_is_numacmas(*t))
                        r = strv_extend(&ignored, *t);
                else if (!strv_contains(owned, *t))
                        r = strv_extend(&owned, *t);
        }
        if (r < 0)
                return r;
        strv_free(n->owned);
        strv_free(n->record_ignored);
        n->owned = TAKE_PTR(owned);
        n->record_ignored = TAKE_PTR(ignored);
        return 0;
}
