/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sets of NUMA node numbers: a bitmap of NODESET_MAX bits. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define NODESET_MAX 4096  /* far above MAX_NUMNODES of any distro kernel (1024) */

typedef struct NodeSet NodeSet;

NodeSet *nodeset_new(void);
void nodeset_free(NodeSet *s);
static inline void nodeset_freep(NodeSet **s) { nodeset_free(*s); }
#define _cleanup_nodeset_ _cleanup_(nodeset_freep)
NodeSet *nodeset_dup(const NodeSet *s);
int nodeset_add(NodeSet *s, int node);
bool nodeset_contains(const NodeSet *s, int node);
size_t nodeset_count(const NodeSet *s);
/* Largest member, or -1. */
int nodeset_last(const NodeSet *s);
/* Iterate: for (int n = -1; (n = nodeset_next(s, n)) >= 0;) */
int nodeset_next(const NodeSet *s, int after);
/* Kernel list syntax "0-3,5" (sysfs node/online, cpulist). Empty string =
 * empty set. -EINVAL on bad syntax, -ERANGE over NODESET_MAX. */
int nodeset_parse(const char *s, NodeSet **ret);
char *nodeset_format(const NodeSet *s);
