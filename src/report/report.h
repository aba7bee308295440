/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the programs say from the library's results (the library itself
 * does not log): a policy's errors, the same lines from numacmactl and
 * numacmad, and the sentence numacmad logs after an apply that changed
 * the boot configuration (numacmactl apply prints its own summary). */
#pragma once

#include "bootcfg/bootcfg.h"
#include "policy/config.h"

/* Each policy error (file:line: ...), or why the policy could not be read. */
void report_policy_errors(const PolicyErrors *e, int r);
/* One sentence for a successful apply that changed something, e.g.
 * "Wrote 'numa_cma=1:64M' to the boot configuration (/etc/...); ran: update-grub."
 * NULL on ENOMEM. */
char *report_apply_written(const BootApplyResult *res, const char *args);
