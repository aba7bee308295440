/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What both programs say about a policy and an apply, in the same words:
 * the CLI prints what the daemon logs. */
#pragma once

#include "bootcfg/bootcfg.h"
#include "policy/config.h"

/* Each policy error (file:line: ...), or why the policy could not be read. */
void report_policy_errors(const PolicyErrors *e, int r);
/* One sentence for a successful apply that changed something, e.g.
 * "Wrote 'numa_cma=1:64M' to the boot configuration (/etc/...); ran: update-grub."
 * NULL on ENOMEM. */
char *report_apply_written(const BootApplyResult *res, const char *args);
