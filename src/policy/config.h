/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The policy: /etc/numacma.conf and /etc/numacma.conf.d/ *.conf (their INI
 * syntax in config_lexer.c, their keys in config_keys.c). Built-in defaults
 * equal the shipped conf/numacma.conf. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/nodeset.h"

#define POLICY_PATH "/etc/numacma.conf"
#define POLICY_DROPIN_DIR "/etc/numacma.conf.d"

/* Shares are kept in parts per million of a node's memory. */
#define SHARE_ONE 1000000u

typedef enum {
        NODES_ALL,          /* every node with memory */
        NODES_ACCELERATORS, /* nodes with at least one accelerator */
        NODES_NONE,
        NODES_LIST,         /* nodes_list */
} NodesMode;

typedef enum {
        SIZE_DEFAULT, /* the size of the kernel's default area */
        SIZE_BYTES,
        SIZE_SHARE,   /* share of the node's memory, in ppm */
} SizeKind;

typedef struct {
        SizeKind kind;
        uint64_t bytes;  /* SIZE_BYTES */
        uint32_t share;  /* SIZE_SHARE, ppm */
} SizeSpec;

typedef struct {
        int node;
        bool has_enabled, enabled;
        bool has_size;
        SizeSpec size;
        bool has_per_accelerator;
        uint64_t per_accelerator;
} NodeOverride;

typedef struct {
        uint32_t value;  /* class bits, left-aligned to 24 bits: 0x0302 -> 0x030200 */
        uint32_t mask;   /* 0xffff00 for a 4-digit prefix, 0xffffff for 6 */
} PciClassPrefix;

typedef enum {
        UNSUPPORTED_REPORT,
        UNSUPPORTED_DISABLE_CMA,
} UnsupportedAction;

typedef enum {
        BACKEND_AUTO,
        BACKEND_GRUB,
        BACKEND_GRUBBY,
        BACKEND_BLS,
        BACKEND_SYSTEMD_BOOT,
        BACKEND_NONE,
} BootBackendKind;

typedef struct {
        /* [pools] */
        NodesMode nodes_mode;
        NodeSet *nodes_list;          /* NODES_LIST only */
        SizeSpec size;
        uint64_t per_accelerator;
        uint64_t min_size, max_size;
        uint32_t max_node_share;      /* ppm */
        bool only_with_default_area;

        /* [node.N] */
        NodeOverride *overrides;
        size_t n_overrides;

        /* [accelerators] */
        PciClassPrefix *pci_classes;
        size_t n_pci_classes;
        char **drivers;               /* strv */
        char **include;               /* strv of normalized PCI addresses "0000:81:00.0" */
        char **exclude;

        /* [kernel] */
        UnsupportedAction unsupported;
        bool respect_admin_args;
        /* trace_event= for the dma and cma events, so that 'numacmactl
         * trace --boot' sees the coherent allocations of every probe. */
        bool trace_at_boot;

        /* [boot] */
        BootBackendKind backend;
        bool manage;                  /* numacma may change the boot configuration (debconf) */

        /* [daemon] */
        uint64_t settle_usec;
        bool apply;
        /* node_exporter's textfile directory: NULL auto (Debian's, when it
         * exists), "" none, else an absolute path. */
        char *metrics_dir;
        /* How often the daemon looks at the CMA counters to refresh the
         * metrics (0: only on events). */
        uint64_t metrics_interval_usec;

        /* Files that were read, in order (for messages). */
        char **sources;
} Policy;

/* [daemon] metrics_interval's default: a minute, node_exporter's usual
 * scrape interval's order. */
#define METRICS_INTERVAL_DEFAULT_USEC (60 * UINT64_C(1000000))

/* Errors collected while parsing: "FILE:LINE: message 'value'". A policy
 * with thousands of bad lines must not flood a terminal or the journal: the
 * first POLICY_ERRORS_SHOWN are kept, and when there were more a last
 * message says how many ("... and 199980 more errors"). */
#define POLICY_ERRORS_SHOWN 20
typedef struct {
        char **messages;    /* strv */
        unsigned n_errors;  /* all errors found, kept or not */
} PolicyErrors;

/* Policy files are small (the shipped one is 4 KiB): a larger one is an
 * error naming the file and this limit, and is not read. */
#define POLICY_FILE_MAX (1024u * 1024)
/* Entries of one list (drivers, include, exclude; pci_classes). */
#define POLICY_LIST_MAX 1024u
#define POLICY_CLASSES_MAX 256u

void policy_errors_done(PolicyErrors *e);

/* Defaults equal to conf/numacma.conf. */
int policy_new_default(Policy **ret);
void policy_free(Policy *p);
/* A deep copy (snapshot_new() keeps one of the policy it is given). */
int policy_copy(const Policy *p, Policy **ret);
static inline void policy_freep(Policy **p) { policy_free(*p); }
#define _cleanup_policy_ _cleanup_(policy_freep)

/* Apply one file's text on top of p. fname is used in messages. Returns 0,
 * or -EINVAL when errors were added to errs (p may then be partly updated:
 * callers discard it). */
int policy_parse_string(Policy *p, const char *fname, const char *text, PolicyErrors *errs);
/* The same for text of a given size, which may hold NUL bytes (reported as
 * errors) and need not be NUL-terminated (files as read, fuzz input). */
int policy_parse_buffer(Policy *p, const char *fname, const char *text, size_t size, PolicyErrors *errs);

/* Load defaults + root/etc/numacma.conf (if present) + drop-ins in lexical
 * order. Messages name the path as the administrator knows it (without the
 * root prefix). -EINVAL on any error (nothing loaded), other negative errno
 * for I/O errors (also described in errs). */
int policy_load(const char *root, Policy **ret, PolicyErrors *errs);

/* Check a single file (numacmactl config check FILE). */
int policy_check_file(const char *path, PolicyErrors *errs);

/* Per-node view: the effective settings for node n. */
bool policy_node_enabled(const Policy *p, int node);
const SizeSpec *policy_node_size(const Policy *p, int node);
uint64_t policy_node_per_accelerator(const Policy *p, int node);

/* Parsing helpers shared with other modules. */
/* "128M", "4G", "0", "512K" (binary units; "B" or no suffix = bytes). */
int parse_size(const char *s, uint64_t *ret);
/* "10%", "2.5%" -> ppm; > 100% is an error. */
int parse_share(const char *s, uint32_t *ret);
/* "0000:81:00.0" or "81:00.0" -> "0000:81:00.0" */
int parse_pci_address(const char *s, char **ret);
/* "2s", "500ms", "1.5s", "0" -> usec. */
int parse_timespan(const char *s, uint64_t *ret);

const char *boot_backend_to_string(BootBackendKind k);
