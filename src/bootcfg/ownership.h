/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which tokens of the boot configuration are numacma's: the one place that
 * decides it, for every program and every backend. */
#pragma once

#include "bootcfg/bootcfg.h"

/* Fill n->owned and n->record_ignored from n->record:
 * - numacma's are exactly the tokens its record names that numacma could
 *   have written (numa_cma=, cma_pernuma=, cma=0); any other token in a
 *   record (root=, quiet, an administrator's cma=64M) is ignored, reported,
 *   and never removed;
 * - without a record (lost, or never written) nothing is numacma's: a token
 *   equal to what numacma would write may have been typed by the
 *   administrator, so it is theirs; numacma neither removes nor duplicates
 *   it (edits append only what is not there exactly). */
int ownership_decide(NextBoot *n);
