/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's CMA counters as one text, so that the daemon can tell, once
 * per [daemon] metrics_interval, whether a pool's use changed and the
 * metrics must be written again. */
#pragma once

/* Every area's alloc_pages_success, alloc_pages_fail,
 * release_pages_success and available_pages (/sys/kernel/mm/cma/<area>,
 * CONFIG_CMA_SYSFS) and every zone's nr_free_cma (/proc/zoneinfo: the
 * use without CMA sysfs), below root. A missing file is left out. */
int cma_counters_read(const char *root, char **ret);
