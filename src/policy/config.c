/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Policy object: its defaults, the files of a load (the policy, then
 * its drop-ins in lexical order, each at most POLICY_FILE_MAX), the
 * per-node view and the copy the daemon keeps. The syntax is
 * config_lexer.c's, the keys config_keys.c's, the errors config_errors.c's. */
#include <inttypes.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/time_util.h"
#include "basic/util.h"
#include "policy/config.h"
#include "policy/config_keys.h"

int policy_new_default(Policy **ret) {
        _cleanup_policy_ Policy *p = calloc(1, sizeof(Policy));
        if (!p)
                return -ENOMEM;

        *p = (Policy) {
                .nodes_mode = NODES_ALL,
                .size = { .kind = SIZE_DEFAULT },
                .per_accelerator = 128 * MIB,
                .min_size = 0,
                .max_size = 4 * GIB,
                .max_node_share = SHARE_ONE / 10,
                .only_with_default_area = true,
                .unsupported = UNSUPPORTED_REPORT,
                .respect_admin_args = true,
                .backend = BACKEND_AUTO,
                .settle_usec = 2 * USEC_PER_SEC,
                .apply = true,
                .manage = true,
                .metrics_interval_usec = METRICS_INTERVAL_DEFAULT_USEC,
        };

        static const PciClassPrefix classes[] = {
                { 0x030200, 0xffff00 }, /* 3D controller */
                { 0x038000, 0xffff00 }, /* other display controller */
                { 0x120000, 0xffff00 }, /* processing accelerator */
        };
        p->pci_classes = malloc(sizeof(classes));
        p->drivers = calloc(1, sizeof(char *));
        p->include = calloc(1, sizeof(char *));
        p->exclude = calloc(1, sizeof(char *));
        p->sources = calloc(1, sizeof(char *));
        if (!p->pci_classes || !p->drivers || !p->include || !p->exclude || !p->sources)
                return -ENOMEM;
        memcpy(p->pci_classes, classes, sizeof(classes));
        p->n_pci_classes = ELEMENTSOF(classes);

        *ret = TAKE_PTR(p);
        return 0;
}

void policy_free(Policy *p) {
        if (!p)
                return;
        nodeset_free(p->nodes_list);
        free(p->overrides);
        free(p->pci_classes);
        strv_free(p->drivers);
        strv_free(p->include);
        strv_free(p->exclude);
        strv_free(p->sources);
        free(p->metrics_dir);
        free(p);
}

static int finish(ParseState *st, int r_io) {
        if (st->log.r < 0)
                return st->log.r;
        config_keys_check(st);
        policy_error_log_finish(&st->log);
        if (st->log.r < 0)
                return st->log.r;
        if (r_io < 0)
                return r_io;
        return st->log.n_errors > 0 ? -EINVAL : 0;
}

int policy_parse_buffer(Policy *p, const char *fname, const char *text, size_t size, PolicyErrors *errs) {
        ParseState st;
        parse_state_init(&st, p, errs);
        int r = config_keys_parse(&st, fname, text, size);
        if (r >= 0)
                r = finish(&st, 0);
        parse_state_done(&st);
        return r;
}

int policy_parse_string(Policy *p, const char *fname, const char *text, PolicyErrors *errs) {
        return policy_parse_buffer(p, fname, text, strlen(text), errs);
}

typedef enum {
        LOAD_DROPIN = 1 << 0,   /* not a regular file: skipped */
        LOAD_REQUIRED = 1 << 1, /* missing: an error */
} LoadFlags;

static void too_large(ParseState *st, const char *path, uint64_t size) {
        policy_error_add(&st->log, path, 0, NULL, NULL,
                         "file too large: %" PRIu64 " bytes, a policy file is at most %u KiB", size,
                         POLICY_FILE_MAX / 1024);
}

/* One file below root. A missing file is fine unless required; a drop-in
 * that is not a regular file is skipped; a file above POLICY_FILE_MAX is
 * an error and not read. Returns I/O errors (also reported). */
static int load_file(ParseState *st, const char *root, const char *path, LoadFlags flags) {
        _cleanup_free_ char *full = root_join(root, path);
        _cleanup_free_ char *text = NULL;
        struct stat sb;
        size_t size;
        int r;

        if (!full)
                return -ENOMEM;
        if (stat(full, &sb) < 0) {
                if (errno == ENOENT && !(flags & LOAD_REQUIRED))
                        return 0;
                r = -errno;
                policy_error_add(&st->log, path, 0, NULL, NULL, "cannot read file: %s", strerror(-r));
                return r;
        }
        if (!S_ISREG(sb.st_mode)) {
                if (flags & LOAD_DROPIN)
                        return 0;
                policy_error_add(&st->log, path, 0, NULL, NULL, "not a regular file");
                return 0;
        }
        if ((uint64_t) sb.st_size > POLICY_FILE_MAX) {
                too_large(st, path, (uint64_t) sb.st_size);
                return 0;
        }
        r = read_full_file_root(root, path, &text, &size);
        if (r == -ENOENT && !(flags & LOAD_REQUIRED))
                return 0;
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                policy_error_add(&st->log, path, 0, NULL, NULL, "cannot read file: %s", strerror(-r));
                return r;
        }
        if (size > POLICY_FILE_MAX) {
                /* It grew since the stat(). */
                too_large(st, path, size);
                return 0;
        }
        r = config_keys_parse(st, path, text, size);
        return r == -ENOMEM ? r : 0;
}

static bool is_dropin_name(const char *name) {
        size_t n = strlen(name);
        return name[0] != '.' && n > 5 && streq(name + n - 5, ".conf");
}

int policy_load(const char *root, Policy **ret, PolicyErrors *errs) {
        _cleanup_policy_ Policy *p = NULL;
        _cleanup_strv_free_ char **names = NULL;
        int r, r_io = 0;

        r = policy_new_default(&p);
        if (r < 0)
                return r;

        ParseState st;
        parse_state_init(&st, p, errs);

        r = load_file(&st, root, POLICY_PATH, 0);
        if (r == -ENOMEM)
                goto out;
        if (r < 0)
                r_io = r;

        r = list_dir_root(root, POLICY_DROPIN_DIR, is_dropin_name, &names);
        if (r == -ENOMEM)
                goto out;
        if (r < 0 && r != -ENOENT) {
                policy_error_add(&st.log, POLICY_DROPIN_DIR, 0, NULL, NULL, "cannot read directory: %s", strerror(-r));
                if (r_io == 0)
                        r_io = r;
        }
        for (char **n = names; n && *n; n++) {
                _cleanup_free_ char *path = strdup_printf("%s/%s", POLICY_DROPIN_DIR, *n);
                if (!path) {
                        r = -ENOMEM;
                        goto out;
                }
                r = load_file(&st, root, path, LOAD_DROPIN);
                if (r == -ENOMEM)
                        goto out;
                if (r < 0 && r_io == 0)
                        r_io = r;
        }

        r = finish(&st, r_io);
        if (r >= 0)
                *ret = TAKE_PTR(p);
out:
        parse_state_done(&st);
        return r;
}

int policy_check_file(const char *path, PolicyErrors *errs) {
        _cleanup_policy_ Policy *p = NULL;
        ParseState st;
        int r;

        r = policy_new_default(&p);
        if (r < 0)
                return r;
        parse_state_init(&st, p, errs);
        r = load_file(&st, NULL, path, LOAD_REQUIRED);
        if (r != -ENOMEM)
                r = finish(&st, r);
        parse_state_done(&st);
        return r;
}

/* ---- per-node view ---- */

static const NodeOverride *find_override(const Policy *p, int node) {
        for (size_t i = 0; i < p->n_overrides; i++)
                if (p->overrides[i].node == node)
                        return &p->overrides[i];
        return NULL;
}

bool policy_node_enabled(const Policy *p, int node) {
        const NodeOverride *o = find_override(p, node);
        if (o && o->has_enabled)
                return o->enabled;
        switch (p->nodes_mode) {
        case NODES_NONE:
                return false;
        case NODES_LIST:
                return nodeset_contains(p->nodes_list, node);
        default:
                /* all, accelerators: which nodes have memory or accelerators
                 * is for the plan to know. */
                return true;
        }
}

const SizeSpec *policy_node_size(const Policy *p, int node) {
        const NodeOverride *o = find_override(p, node);
        return o && o->has_size ? &o->size : &p->size;
}

uint64_t policy_node_per_accelerator(const Policy *p, int node) {
        const NodeOverride *o = find_override(p, node);
        return o && o->has_per_accelerator ? o->per_accelerator : p->per_accelerator;
}

/* snapshot_new() keeps a copy of the policy it is given: the daemon keeps
 * its last good one for the next snapshot. Scalars come with the struct
 * copy, the owned pointers are duplicated. */
int policy_copy(const Policy *p, Policy **ret) {
        _cleanup_policy_ Policy *c = calloc(1, sizeof(Policy));
        if (!c)
                return -ENOMEM;
        *c = *p;
        c->nodes_list = NULL;
        c->overrides = NULL;
        c->pci_classes = NULL;
        c->drivers = c->include = c->exclude = c->sources = NULL;
        c->metrics_dir = NULL;
        if (p->metrics_dir && !(c->metrics_dir = strdup(p->metrics_dir)))
                return -ENOMEM;
        if (p->nodes_list && !(c->nodes_list = nodeset_dup(p->nodes_list)))
                return -ENOMEM;
        if (p->n_overrides) {
                c->overrides = calloc(p->n_overrides, sizeof(NodeOverride));
                if (!c->overrides)
                        return -ENOMEM;
                memcpy(c->overrides, p->overrides, p->n_overrides * sizeof(NodeOverride));
        }
        if (p->n_pci_classes) {
                c->pci_classes = calloc(p->n_pci_classes, sizeof(PciClassPrefix));
                if (!c->pci_classes)
                        return -ENOMEM;
                memcpy(c->pci_classes, p->pci_classes, p->n_pci_classes * sizeof(PciClassPrefix));
        }
        if (strv_copy(p->drivers, &c->drivers) < 0 || strv_copy(p->include, &c->include) < 0 ||
            strv_copy(p->exclude, &c->exclude) < 0 || strv_copy(p->sources, &c->sources) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(c);
        return 0;
}
