/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the running kernel said at boot about memory and CMA, from its log
 * (/dev/kmsg below the root), where the log is readable and still holds
 * the early messages. Every fact is optional: numacma works without it. */
#pragma once

#include <stdbool.h>

#include "basic/nodeset.h"

typedef struct {
        bool readable;            /* the log could be read */
        /* Where this boot's early facts came from (static string: "/dev/kmsg",
         * "the boot-facts record /run/numacma/boot-facts", "the journal"),
         * NULL when no source still had them; then unknown_why says why. */
        const char *source;
        char *unknown_why;
        /* mm/mm_init.c free_area_init(): "Early memory node ranges" then
         * "  node   N: [mem ...]": the nodes memblock had at early boot. */
        bool has_early_ranges;
        NodeSet *early_nodes;
        /* kernel/dma/contiguous.c dma_numa_cma_reserve(): "cma: invalid node
         * N specified" for a node that was not online then. */
        NodeSet *invalid_nodes;
        /* mm/cma.c: "cma: Not enough slots for CMA reserved regions!" */
        bool slots_exhausted;
        /* "cma: dma_numa_cma_reserve: reservation failed: err E, node N" */
        NodeSet *failed_nodes;
        NodeSet *failed_enospc;   /* the same with err -28 (no slot left) */
        /* numacma's patch 0003: "cma: node N holds the default area, no
         * numaN area" (patches/kernel/6.12/0003). */
        bool has_skipped_default;
        int skipped_default_node;
} KernelLog;

/* Text of /dev/kmsg ("PRIO,SEQ,USEC,FLAGS;message" records, continuation
 * lines start with a space) or of dmesg ("[    0.000000] message"). */
int kernel_log_parse(const char *text, KernelLog *ret);
/* The message of one line of such a text (line up to end). */
const char *kernel_log_message(const char *line, const char *end);
/* Reads root/dev/kmsg without blocking (a character device on a live
 * system, a plain file in a captured tree): *ret NULL when it cannot be
 * read (no log, or dmesg_restrict), which is no error. */
int kmsg_read(const char *root, char **ret);
/* This boot's facts from the first source that still has them: /dev/kmsg,
 * numacmad's boot-facts record (kernel/boot_facts.h), the journal's kernel
 * messages of this boot (kernel/journal_log.h); else what /dev/kmsg holds,
 * with source NULL and unknown_why set. (kernel/boot_log.c) */
int kernel_log_load(const char *root, KernelLog *ret);
void kernel_log_done(KernelLog *l);
