/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The policy file: inih does the INI syntax; this file feeds it lines through
 * its own reader (which counts lines, enforces the line limit and reports the
 * lines inih would reject), checks every value and collects the errors (the
 * first POLICY_ERRORS_SHOWN, and how many more). Parsing is linear in the
 * file's size, and a file is at most POLICY_FILE_MAX. */
#include <ctype.h>
#include <ini.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <strings.h>
#include <sys/stat.h>

#include "policy/config.h"
#include "policy/config_values.h"
#include "basic/fileio.h"
#include "basic/util.h"
#include "kernel/memparse.h"

/* inih's MAX_SECTION and MAX_NAME: longer names reach the handler cut short. */
#define INI_NAME_MAX 50

/* [daemon] settle and metrics_interval: at most an hour. */
#define SPAN_MAX_USEC (3600 * USEC_PER_SEC)
#define METRICS_INTERVAL_MIN_USEC USEC_PER_SEC

/* Messages say "below 4096". */
_Static_assert(NODESET_MAX == 4096, "update the messages naming NODESET_MAX");

/* Where a setting that a cross-check looks at was last set. */
typedef struct {
        char *file;
        unsigned line;
        uint64_t seq; /* 0: not set by any file */
} Origin;

/* State that lives across the files of one load. Everything a line does
 * costs O(1) beyond the line itself, whatever came before it: errors past
 * the shown ones are only counted, lists are counted and capped, and node
 * overrides are found through an index. */
typedef struct {
        Policy *policy;
        PolicyErrors *errs;
        unsigned n_errors;
        unsigned n_kept;    /* messages in errs->messages */
        unsigned n_dropped; /* errors counted but not kept */
        int r; /* -ENOMEM once an allocation failed */
        uint64_t seq;
        Origin min_size, max_size, include, exclude;
        size_t n_drivers, n_include, n_exclude;
        int *override_index; /* NODESET_MAX entries: node -> index in overrides, -1 */
} ParseState;

typedef enum {
        SECTION_NONE, /* keys before the first [section] */
        SECTION_POOLS,
        SECTION_NODE,
        SECTION_ACCELERATORS,
        SECTION_KERNEL,
        SECTION_BOOT,
        SECTION_DAEMON,
        SECTION_UNKNOWN,
} Section;

/* State of one file. */
typedef struct {
        ParseState *st;
        const char *fname;
        const char *pos, *end;
        unsigned line;
        bool have_prev_name;  /* inih would continue the last key on an indented line */
        bool continuation;    /* the line being handled continues the last key */
        unsigned section_gen; /* bumped at every section header */
        unsigned reported_gen;
        unsigned list_full_line; /* a full list was reported on this line */
} ParseCtx;

static const char *const backend_table[] = {
        [BACKEND_AUTO] = "auto",
        [BACKEND_GRUB] = "grub",
        [BACKEND_GRUBBY] = "grubby",
        [BACKEND_BLS] = "bls",
        [BACKEND_SYSTEMD_BOOT] = "systemd-boot",
        [BACKEND_NONE] = "none",
};

const char *boot_backend_to_string(BootBackendKind k) {
        if ((unsigned) k >= ELEMENTSOF(backend_table))
                return NULL;
        return backend_table[k];
}

/* ---- errors ---- */

void policy_errors_done(PolicyErrors *e) {
        if (!e)
                return;
        strv_free(e->messages);
        *e = (PolicyErrors) {0};
}

/* Control bytes in a value would reach the terminal or the journal raw. */
static void append_escaped(StrBuf *b, const char *s) {
        for (; *s; s++) {
                unsigned char c = (unsigned char) *s;
                if (c < 0x20 || c == 0x7f)
                        strbuf_printf(b, "\\x%02x", c);
                else
                        strbuf_appendn(b, s, 1);
        }
}

/* "FILE:LINE: WHAT: 'VALUE' (HINT)"; LINE 0 leaves out the line, a NULL value
 * or hint leaves out that part. */
_printf_(6, 7)
static void add_error(ParseState *st, const char *file, unsigned line, const char *value,
                      const char *hint, const char *fmt, ...) {
        StrBuf b = {0};
        va_list ap;
        char *what;

        st->n_errors++;
        if (!st->errs || st->r < 0)
                return;
        st->errs->n_errors++;
        if (st->n_kept >= POLICY_ERRORS_SHOWN) {
                st->n_dropped++;
                return;
        }

        va_start(ap, fmt);
        int k = vasprintf(&what, fmt, ap);
        va_end(ap);
        if (k < 0) {
                st->r = -ENOMEM;
                return;
        }
        if (line > 0)
                strbuf_printf(&b, "%s:%u: %s", file, line, what);
        else
                strbuf_printf(&b, "%s: %s", file, what);
        free(what);
        if (value) {
                strbuf_append(&b, ": '");
                append_escaped(&b, value);
                strbuf_append(&b, "'");
        }
        if (hint)
                strbuf_printf(&b, " (%s)", hint);

        char *m = strbuf_steal(&b);
        if (strv_push(&st->errs->messages, m) < 0)
                st->r = -ENOMEM;
        else
                st->n_kept++;
}

/* After the last error of a load: how many were not shown. */
static void add_dropped_summary(ParseState *st) {
        if (!st->errs || st->r < 0 || st->n_dropped == 0)
                return;
        char *m = strdup_printf("... and %u more error%s not shown", st->n_dropped, st->n_dropped == 1 ? "" : "s");
        if (strv_push(&st->errs->messages, m) < 0)
                st->r = -ENOMEM;
        st->n_dropped = 0;
}

static void parse_state_init(ParseState *st, Policy *p, PolicyErrors *errs) {
        *st = (ParseState) {
                .policy = p,
                .errs = errs,
                .n_kept = errs ? (unsigned) MIN(strv_length(errs->messages), (size_t) UINT_MAX) : 0,
                .n_drivers = strv_length(p->drivers),
                .n_include = strv_length(p->include),
                .n_exclude = strv_length(p->exclude),
        };
}

#define ctx_error(c, value, hint, ...) \
        add_error((c)->st, (c)->fname, (c)->line, (value), (hint), __VA_ARGS__)

static int set_origin(ParseCtx *c, Origin *o) {
        char *f = strdup(c->fname);
        if (!f)
                return -ENOMEM;
        free(o->file);
        o->file = f;
        o->line = c->line;
        o->seq = ++c->st->seq;
        return 0;
}

static void parse_state_done(ParseState *st) {
        free(st->override_index);
        free(st->min_size.file);
        free(st->max_size.file);
        free(st->include.file);
        free(st->exclude.file);
}

/* ---- keys ---- */

#define HINT_SIZE "expected a number with K, M, G or T, e.g. 4G"
#define HINT_POOL_SIZE "expected default, a number with K, M, G or T, e.g. 1G, or a share such as 2%"
#define HINT_SHARE "expected a percentage such as 10% or 2.5%"
#define HINT_BOOL "expected yes or no"
#define HINT_NODES "expected all, accelerators, none or a list such as 0,2-3"

typedef struct KeySpec KeySpec;
struct KeySpec {
        Section section;
        const char *name;
        bool list; /* takes continuation lines */
        int (*parse)(ParseCtx *c, const KeySpec *k, const char *value, void *data);
        size_t offset; /* into Policy, or into NodeOverride for SECTION_NODE */
};

#define FIELD(c, k, data, type) ((type *) ((char *) (data) + (k)->offset))

static int key_bool(ParseCtx *c, const KeySpec *k, const char *value, void *data) {
        int b = parse_boolean(value);
        if (b < 0)
                ctx_error(c, value, HINT_BOOL, "invalid boolean for '%s'", k->name);
        else
                *FIELD(c, k, data, bool) = b;
        return 0;
}

static int key_size(ParseCtx *c, const KeySpec *k, const char *value, void *data) {
        uint64_t v;
        int r = parse_size(value, &v);
        if (r == -ERANGE)
                ctx_error(c, value, NULL, "size too large for '%s'", k->name);
        else if (r < 0)
                ctx_error(c, value, HINT_SIZE, "invalid size for '%s'", k->name);
        else
                *FIELD(c, k, data, uint64_t) = v;
        return 0;
}

static int key_min_max(ParseCtx *c, const KeySpec *k, const char *value, void *data) {
        unsigned before = c->st->n_errors;
        key_size(c, k, value, data);
        if (c->st->n_errors != before)
                return 0;
        return set_origin(c, streq(k->name, "min_size") ? &c->st->min_size : &c->st->max_size);
}

/* Shares of a node's memory are never 0%: that would be a pool of nothing,
 * and "no pool" is said with nodes= or enabled = no. */
static bool share_valid(ParseCtx *c, const KeySpec *k, const char *value, uint32_t *ret) {
        int r = parse_share(value, ret);
        if (r == -ERANGE)
                ctx_error(c, value, NULL, "share above 100%% for '%s'", k->name);
        else if (r < 0)
                ctx_error(c, value, HINT_SHARE, "invalid share for '%s'", k->name);
        else if (*ret == 0)
                ctx_error(c, value, NULL, "share must be above 0%% for '%s'", k->name);
        else
                return true;
        return false;
}

static int key_share(ParseCtx *c, const KeySpec *k, const char *value, void *data) {
        uint32_t v;
        if (share_valid(c, k, value, &v))
                *FIELD(c, k, data, uint32_t) = v;
        return 0;
}

static int key_pool_size(ParseCtx *c, const KeySpec *k, const char *value, void *data) {
        SizeSpec spec = {0};
        size_t n = strlen(value);

        if (strcaseeq(value, "default"))
                spec.kind = SIZE_DEFAULT;
        else if (n > 0 && value[n - 1] == '%') {
                spec.kind = SIZE_SHARE;
                if (!share_valid(c, k, value, &spec.share))
                        return 0;
        } else {
                spec.kind = SIZE_BYTES;
                int r = parse_size(value, &spec.bytes);
                if (r == -ERANGE) {
                        ctx_error(c, value, NULL, "size too large for '%s'", k->name);
                        return 0;
                }
                if (r < 0) {
                        ctx_error(c, value, HINT_POOL_SIZE, "invalid size for '%s'", k->name);
                        return 0;
                }
        }
        *FIELD(c, k, data, SizeSpec) = spec;
        if (k->section == SECTION_NODE)
                ((NodeOverride *) data)->has_size = true;
        return 0;
}

static int key_node_per_accelerator(ParseCtx *c, const KeySpec *k, const char *value, void *data) {
        unsigned before = c->st->n_errors;
        key_size(c, k, value, data);
        if (c->st->n_errors == before)
                ((NodeOverride *) data)->has_per_accelerator = true;
        return 0;
}

static int key_node_enabled(ParseCtx *c, const KeySpec *k, const char *value, void *data) {
        unsigned before = c->st->n_errors;
        key_bool(c, k, value, data);
        if (c->st->n_errors == before)
                ((NodeOverride *) data)->has_enabled = true;
        return 0;
}

static int key_nodes(ParseCtx *c, const KeySpec *k, const char *value, void *data) {
        Policy *p = data;
        NodeSet *set = NULL;
        NodesMode mode;

        if (strcaseeq(value, "all"))
                mode = NODES_ALL;
        else if (strcaseeq(value, "accelerators"))
                mode = NODES_ACCELERATORS;
        else if (strcaseeq(value, "none"))
                mode = NODES_NONE;
        else {
                int r = nodeset_parse(value, &set);
                if (r == -ENOMEM)
                        return r;
                if (r == -ERANGE) {
                        ctx_error(c, value, "nodes are numbered below 4096",
                                  "node number too large for '%s'", k->name);
                        return 0;
                }
                if (r < 0 || nodeset_count(set) == 0) {
                        nodeset_free(set);
                        ctx_error(c, value, HINT_NODES, "invalid node list for '%s'", k->name);
                        return 0;
                }
                mode = NODES_LIST;
        }
        nodeset_free(p->nodes_list);
        p->nodes_list = set;
        p->nodes_mode = mode;
        return 0;
}

static int key_unsupported(ParseCtx *c, const KeySpec *k, const char *value, void *data) {
        Policy *p = data;
        if (strcaseeq(value, "report"))
                p->unsupported = UNSUPPORTED_REPORT;
        else if (strcaseeq(value, "disable-cma"))
                p->unsupported = UNSUPPORTED_DISABLE_CMA;
        else
                ctx_error(c, value, "expected report or disable-cma", "invalid value for '%s'", k->name);
        return 0;
}

static int key_backend(ParseCtx *c, const KeySpec *k, const char *value, void *data) {
        Policy *p = data;
        for (size_t i = 0; i < ELEMENTSOF(backend_table); i++)
                if (strcaseeq(value, backend_table[i])) {
                        p->backend = (BootBackendKind) i;
                        return 0;
                }
        ctx_error(c, value, "expected auto, grub, grubby, bls, systemd-boot or none",
                  "invalid value for '%s'", k->name);
        return 0;
}

/* A time span of at most 1h into *ret, or an error naming the key; min: the
 * smallest one above 0 (0: any), its text in min_text. */
static void parse_span_key(ParseCtx *c, const KeySpec *k, const char *value, uint64_t min, const char *min_text,
                           const char *example, uint64_t *ret) {
        uint64_t v;
        int r = parse_timespan(value, &v);
        if (r == -ERANGE || (r == 0 && v > SPAN_MAX_USEC))
                ctx_error(c, value, "at most 1h", "time span too long for '%s'", k->name);
        else if (r == 0 && v && v < min)
                ctx_error(c, value, min_text, "time span too short for '%s'", k->name);
        else if (r < 0)
                ctx_error(c, value, example, "invalid time span for '%s'", k->name);
        else
                *ret = v;
}

static int key_settle(ParseCtx *c, const KeySpec *k, const char *value, void *data) {
        parse_span_key(c, k, value, 0, NULL, "expected a number with ms, s, min or h, e.g. 2s",
                       &((Policy *) data)->settle_usec);
        return 0;
}

static int key_metrics_interval(ParseCtx *c, const KeySpec *k, const char *value, void *data) {
        parse_span_key(c, k, value, METRICS_INTERVAL_MIN_USEC, "0 (only on events) or at least 1s",
                       "expected a number with ms, s, min or h, e.g. 60s", &((Policy *) data)->metrics_interval_usec);
        return 0;
}

static bool endswith_dotdot(const char *s) {
        size_t l = strlen(s);
        return l >= 3 && streq(s + l - 3, "/..");
}

static int key_metrics_dir(ParseCtx *c, const KeySpec *k, const char *value, void *data) {
        Policy *p = data;
        char *v = NULL;
        if (strcaseeq(value, "auto"))
                v = NULL;
        else if (strcaseeq(value, "none"))
                v = strdup("");
        else if (value[0] == '/' && !strstr(value, "/../") && !endswith_dotdot(value))
                v = strdup(value);
        else {
                ctx_error(c, value, "expected auto, none or an absolute directory", "invalid value for '%s'", k->name);
                return 0;
        }
        if (!strcaseeq(value, "auto") && !v)
                return -ENOMEM;
        free(p->metrics_dir);
        p->metrics_dir = v;
        return 0;
}

/* The items of a list value: separated by whitespace and/or commas. Calls
 * item() for each; returns its first negative result. */
static int for_each_item(ParseCtx *c, const KeySpec *k, const char *value, void *data,
                         int (*item)(ParseCtx *c, const KeySpec *k, const char *s, void *data)) {
        const char *p = value;
        for (;;) {
                p += strspn(p, " \t\r\n\f\v,");
                if (!*p)
                        return 0;
                size_t n = strcspn(p, " \t\r\n\f\v,");
                _cleanup_free_ char *s = strndup(p, n);
                if (!s)
                        return -ENOMEM;
                int r = item(c, k, s, data);
                if (r < 0)
                        return r;
                p += n;
        }
}

/* A list that is full says so once per line; its further items are dropped. */
static bool list_full(ParseCtx *c, const KeySpec *k, size_t n, size_t max) {
        if (n < max)
                return false;
        if (c->list_full_line != c->line)
                ctx_error(c, NULL, NULL, "more than %zu entries for '%s'", max, k->name);
        c->list_full_line = c->line;
        return true;
}

static size_t *list_count(ParseState *st, const KeySpec *k) {
        return streq(k->name, "drivers") ? &st->n_drivers :
               streq(k->name, "include") ? &st->n_include : &st->n_exclude;
}

static int item_pci_class(ParseCtx *c, const KeySpec *k, const char *s, void *data) {
        Policy *p = data;
        PciClassPrefix pc;

        if (parse_pci_class(s, &pc) < 0) {
                ctx_error(c, s, "expected 0x and 4 or 6 hex digits, e.g. 0x0302",
                          "invalid PCI class for '%s'", k->name);
                return 0;
        }
        for (size_t i = 0; i < p->n_pci_classes; i++)
                if (p->pci_classes[i].value == pc.value && p->pci_classes[i].mask == pc.mask)
                        return 0;
        if (list_full(c, k, p->n_pci_classes, POLICY_CLASSES_MAX))
                return 0;
        PciClassPrefix *n = reallocarray(p->pci_classes, p->n_pci_classes + 1, sizeof(*n));
        if (!n)
                return -ENOMEM;
        p->pci_classes = n;
        p->pci_classes[p->n_pci_classes++] = pc;
        return 0;
}

static int key_pci_classes(ParseCtx *c, const KeySpec *k, const char *value, void *data) {
        Policy *p = data;
        if (!c->continuation)
                p->n_pci_classes = 0;
        return for_each_item(c, k, value, data, item_pci_class);
}

static int item_driver(ParseCtx *c, const KeySpec *k, const char *s, void *data) {
        char ***l = FIELD(c, k, data, char **);
        size_t *n = list_count(c->st, k);
        if (!driver_name_valid(s)) {
                ctx_error(c, s, "letters, digits, '_', '-', '.' and '+', at most 64",
                          "invalid driver name for '%s'", k->name);
                return 0;
        }
        if (strv_contains(*l, s) || list_full(c, k, *n, POLICY_LIST_MAX))
                return 0;
        int r = strv_extend(l, s);
        if (r >= 0)
                (*n)++;
        return r;
}

static int item_pci_address(ParseCtx *c, const KeySpec *k, const char *s, void *data) {
        char ***l = FIELD(c, k, data, char **);
        size_t *n = list_count(c->st, k);
        char *a;
        int r = parse_pci_address(s, &a);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                ctx_error(c, s, "expected DDDD:BB:DD.F or BB:DD.F, e.g. 0000:81:00.0",
                          "invalid PCI address for '%s'", k->name);
                return 0;
        }
        if (strv_contains(*l, a) || list_full(c, k, *n, POLICY_LIST_MAX)) {
                free(a);
                return 0;
        }
        r = strv_push(l, a);
        if (r >= 0)
                (*n)++;
        return r;
}

static int key_strv(ParseCtx *c, const KeySpec *k, const char *value, void *data) {
        char ***l = FIELD(c, k, data, char **);
        bool addresses = !streq(k->name, "drivers");
        int r;

        if (!c->continuation) {
                char **empty = calloc(1, sizeof(char *));
                if (!empty)
                        return -ENOMEM;
                strv_free(*l);
                *l = empty;
                *list_count(c->st, k) = 0;
                if (addresses) {
                        r = set_origin(c, streq(k->name, "include") ? &c->st->include : &c->st->exclude);
                        if (r < 0)
                                return r;
                }
        }
        return for_each_item(c, k, value, data, addresses ? item_pci_address : item_driver);
}

static const KeySpec keys[] = {
        { SECTION_POOLS, "nodes", false, key_nodes, 0 },
        { SECTION_POOLS, "size", false, key_pool_size, offsetof(Policy, size) },
        { SECTION_POOLS, "per_accelerator", false, key_size, offsetof(Policy, per_accelerator) },
        { SECTION_POOLS, "min_size", false, key_min_max, offsetof(Policy, min_size) },
        { SECTION_POOLS, "max_size", false, key_min_max, offsetof(Policy, max_size) },
        { SECTION_POOLS, "max_node_share", false, key_share, offsetof(Policy, max_node_share) },
        { SECTION_POOLS, "only_with_default_area", false, key_bool, offsetof(Policy, only_with_default_area) },
        { SECTION_NODE, "size", false, key_pool_size, offsetof(NodeOverride, size) },
        { SECTION_NODE, "per_accelerator", false, key_node_per_accelerator, offsetof(NodeOverride, per_accelerator) },
        { SECTION_NODE, "enabled", false, key_node_enabled, offsetof(NodeOverride, enabled) },
        { SECTION_ACCELERATORS, "pci_classes", true, key_pci_classes, 0 },
        { SECTION_ACCELERATORS, "drivers", true, key_strv, offsetof(Policy, drivers) },
        { SECTION_ACCELERATORS, "include", true, key_strv, offsetof(Policy, include) },
        { SECTION_ACCELERATORS, "exclude", true, key_strv, offsetof(Policy, exclude) },
        { SECTION_KERNEL, "unsupported", false, key_unsupported, 0 },
        { SECTION_KERNEL, "respect_admin_args", false, key_bool, offsetof(Policy, respect_admin_args) },
        { SECTION_KERNEL, "trace_at_boot", false, key_bool, offsetof(Policy, trace_at_boot) },
        { SECTION_BOOT, "backend", false, key_backend, 0 },
        { SECTION_BOOT, "manage", false, key_bool, offsetof(Policy, manage) },
        { SECTION_DAEMON, "settle", false, key_settle, 0 },
        { SECTION_DAEMON, "apply", false, key_bool, offsetof(Policy, apply) },
        { SECTION_DAEMON, "metrics_dir", false, key_metrics_dir, 0 },
        { SECTION_DAEMON, "metrics_interval", false, key_metrics_interval, 0 },
};

static Section section_from_name(const char *name, int *ret_node) {
        static const struct {
                const char *name;
                Section section;
        } table[] = {
                { "pools", SECTION_POOLS },
                { "accelerators", SECTION_ACCELERATORS },
                { "kernel", SECTION_KERNEL },
                { "boot", SECTION_BOOT },
                { "daemon", SECTION_DAEMON },
        };
        const char *n;

        /* inih cuts longer names short: never take the stump for a name. */
        if (strlen(name) >= INI_NAME_MAX - 1)
                return SECTION_UNKNOWN;
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (streq(name, table[i].name))
                        return table[i].section;
        if ((n = startswith(name, "node."))) {
                uint64_t v;
                if (strspn(n, "0123456789") != strlen(n) || safe_atou64(n, 10, &v) < 0 || v >= NODESET_MAX)
                        return SECTION_UNKNOWN;
                *ret_node = (int) v;
                return SECTION_NODE;
        }
        return SECTION_UNKNOWN;
}

static void report_bad_section(ParseCtx *c, const char *name) {
        if (startswith(name, "node."))
                ctx_error(c, name, "expected node.N with N a node number below 4096",
                          "invalid node section");
        else
                ctx_error(c, name, "expected pools, node.N, accelerators, kernel, boot or daemon",
                          "unknown section");
        c->reported_gen = c->section_gen;
}

static int get_override(ParseState *st, int node, NodeOverride **ret) {
        Policy *p = st->policy;
        if (!st->override_index) {
                st->override_index = malloc(NODESET_MAX * sizeof(int));
                if (!st->override_index)
                        return -ENOMEM;
                for (size_t i = 0; i < NODESET_MAX; i++)
                        st->override_index[i] = -1;
                for (size_t i = 0; i < p->n_overrides; i++)
                        if (p->overrides[i].node >= 0 && p->overrides[i].node < NODESET_MAX)
                                st->override_index[p->overrides[i].node] = (int) i;
        }
        int i = st->override_index[node];
        if (i >= 0) {
                *ret = &p->overrides[i];
                return 0;
        }
        NodeOverride *n = reallocarray(p->overrides, p->n_overrides + 1, sizeof(*n));
        if (!n)
                return -ENOMEM;
        p->overrides = n;
        n[p->n_overrides] = (NodeOverride) { .node = node, .enabled = true };
        st->override_index[node] = (int) p->n_overrides;
        *ret = &n[p->n_overrides++];
        return 0;
}

/* inih's find_chars_or_comment(), bounded: a ';' after whitespace starts a
 * comment. */
static size_t find_chars_or_comment(const char *s, size_t n, const char *chars) {
        bool was_space = false;
        size_t i;
        for (i = 0; i < n; i++) {
                if (strchr(chars, s[i]) || (was_space && s[i] == ';'))
                        break;
                was_space = isspace((unsigned char) s[i]);
        }
        return i;
}

static int handler(void *user, const char *section, const char *name, const char *value) {
        ParseCtx *c = user;
        Policy *p = c->st->policy;
        int node = -1, r;

        if (c->st->r < 0)
                return 1;

        Section s = isempty(section) ? SECTION_NONE : section_from_name(section, &node);
        if (s == SECTION_UNKNOWN) {
                /* Normally the reader reported it at the header already. */
                if (c->reported_gen != c->section_gen)
                        report_bad_section(c, section);
                return 1;
        }

        const KeySpec *k = NULL;
        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                if (keys[i].section == s && streq(keys[i].name, name)) {
                        k = &keys[i];
                        break;
                }
        if (!k) {
                /* The key line was reported; its continuation lines are not. */
                if (c->continuation)
                        return 1;
                if (s == SECTION_NONE)
                        ctx_error(c, name, "put it under a [section]", "key outside of any section");
                else
                        ctx_error(c, name, NULL, "unknown key in [%s]", section);
                return 1;
        }
        /* inih 55 (Debian 12) leaves " ; comment" on continuation lines. */
        _cleanup_free_ char *stripped = NULL;
        if (c->continuation) {
                size_t n = find_chars_or_comment(value, strlen(value), "");
                if (value[n]) {
                        while (n > 0 && isspace((unsigned char) value[n - 1]))
                                n--;
                        stripped = strndup(value, n);
                        if (!stripped) {
                                c->st->r = -ENOMEM;
                                return 1;
                        }
                        value = stripped;
                }
        }
        if (c->continuation && !k->list) {
                ctx_error(c, value, "only lists continue on indented lines",
                          "unexpected continuation line for '%s'", k->name);
                return 1;
        }

        void *data = p;
        if (s == SECTION_NODE) {
                NodeOverride *o;
                r = get_override(c->st, node, &o);
                if (r < 0) {
                        c->st->r = r;
                        return 1;
                }
                data = o;
        }
        r = k->parse(c, k, value, data);
        if (r < 0)
                c->st->r = r;
        return 1;
}

/* ---- reading lines ---- */

static void line_error(ParseCtx *c, const char *s, size_t n, const char *hint, const char *what) {
        _cleanup_free_ char *v = strndup(s, n);
        if (!v) {
                c->st->r = -ENOMEM;
                return;
        }
        ctx_error(c, v, hint, "%s", what);
}

/* Sort a line the way inih will (comment, continuation, section, key) and
 * report what inih would reject without saying which line or why. Returns
 * false for a line to hand to inih as an empty one. */
static bool classify_line(ParseCtx *c, const char *line) {
        const char *s = line;
        while (*s && isspace((unsigned char) *s))
                s++;
        size_t n = strlen(s);
        while (n > 0 && isspace((unsigned char) s[n - 1]))
                n--;

        if (n == 0 || *s == ';' || *s == '#')
                return true;
        if (c->have_prev_name && s > line) {
                c->continuation = true;
                return true;
        }
        if (*s == '[') {
                size_t e = 1 + find_chars_or_comment(s + 1, n - 1, "]");
                if (e >= n || s[e] != ']') {
                        line_error(c, s, n, NULL, "missing ']' in section header");
                        return false;
                }
                c->section_gen++;
                c->have_prev_name = false;

                /* inih ignores what follows the ']'; allow only a comment. */
                size_t t = e + 1;
                while (t < n && isspace((unsigned char) s[t]))
                        t++;
                if (t < n && s[t] != ';' && s[t] != '#')
                        line_error(c, s, n, NULL, "text after section header");

                _cleanup_free_ char *name = strndup(s + 1, e - 1);
                int node;
                if (!name)
                        c->st->r = -ENOMEM;
                else if (section_from_name(name, &node) == SECTION_UNKNOWN)
                        report_bad_section(c, name);
                return true;
        }
        size_t e = find_chars_or_comment(s, n, "=:");
        if (e >= n || (s[e] != '=' && s[e] != ':')) {
                line_error(c, s, n, "expected key = value", "not a key, section or comment");
                return false;
        }
        size_t k = e;
        while (k > 0 && isspace((unsigned char) s[k - 1]))
                k--;
        if (k == 0) {
                line_error(c, s, n, NULL, "missing key name");
                return false;
        }
        c->have_prev_name = true;
        return true;
}

/* fgets() for inih over the text in memory. */
static char *reader(char *buf, int num, void *stream) {
        ParseCtx *c = stream;

        if (c->pos >= c->end || num < 4)
                return NULL;

        const char *line = c->pos;
        const char *nl = memchr(line, '\n', (size_t) (c->end - line));
        size_t len = nl ? (size_t) (nl - line) : (size_t) (c->end - line);
        c->pos = nl ? nl + 1 : c->end;
        c->line++;
        c->continuation = false;

        /* inih skips a UTF-8 BOM itself; skipping it here keeps the count right. */
        if (c->line == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
                line += 3;
                len -= 3;
        }
        size_t content = len > 0 && line[len - 1] == '\r' ? len - 1 : len;
        size_t limit = (size_t) MIN(num, INI_MAX_LINE) - 3;

        bool ok = false;
        if (memchr(line, 0, len))
                ctx_error(c, NULL, NULL, "NUL byte in line");
        else if (content > limit)
                ctx_error(c, NULL, NULL, "line too long (%zu bytes, at most %zu)", content, limit);
        else {
                memcpy(buf, line, len);
                buf[len] = '\n';
                buf[len + 1] = 0;
                ok = classify_line(c, buf);
        }
        if (!ok)
                strcpy(buf, "\n");
        return buf;
}

static int parse_text(ParseState *st, const char *fname, const char *text, size_t size) {
        ParseCtx c = {
                .st = st,
                .fname = fname,
                .pos = text,
                .end = text + size,
                .reported_gen = UINT32_MAX,
        };

        int r = strv_extend(&st->policy->sources, fname);
        if (r < 0)
                return r;
        /* Errors are collected by the reader and the handler; the return
         * value only repeats the first of them. */
        (void) ini_parse_stream(reader, &c, handler, &c);
        return st->r;
}

/* Checks across keys, after all files. Errors name where the later of the
 * settings involved was made. */
static void check_policy(ParseState *st) {
        Policy *p = st->policy;

        if (p->min_size > p->max_size && (st->min_size.seq || st->max_size.seq)) {
                _cleanup_free_ char *mn = format_size_kernel(p->min_size);
                _cleanup_free_ char *mx = format_size_kernel(p->max_size);
                if (!mn || !mx) {
                        st->r = -ENOMEM;
                        return;
                }
                if (st->min_size.seq > st->max_size.seq)
                        add_error(st, st->min_size.file, st->min_size.line, mn, NULL,
                                  "min_size above max_size (%s)", mx);
                else
                        add_error(st, st->max_size.file, st->max_size.line, mx, NULL,
                                  "max_size below min_size (%s)", mn);
        }

        const Origin *o = st->include.seq > st->exclude.seq ? &st->include : &st->exclude;
        if (o->seq)
                for (char **a = p->include; a && *a; a++)
                        if (strv_contains(p->exclude, *a))
                                add_error(st, o->file, o->line, *a, NULL,
                                          "PCI address both in 'include' and in 'exclude'");
}

/* ---- policy ---- */

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
        if (st->r < 0)
                return st->r;
        check_policy(st);
        add_dropped_summary(st);
        if (st->r < 0)
                return st->r;
        if (r_io < 0)
                return r_io;
        return st->n_errors > 0 ? -EINVAL : 0;
}

int policy_parse_buffer(Policy *p, const char *fname, const char *text, size_t size, PolicyErrors *errs) {
        ParseState st;
        parse_state_init(&st, p, errs);
        int r = parse_text(&st, fname, text, size);
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
        add_error(st, path, 0, NULL, NULL, "file too large: %" PRIu64 " bytes, a policy file is at most %u KiB",
                  size, POLICY_FILE_MAX / 1024);
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
                add_error(st, path, 0, NULL, NULL, "cannot read file: %s", strerror(-r));
                return r;
        }
        if (!S_ISREG(sb.st_mode)) {
                if (flags & LOAD_DROPIN)
                        return 0;
                add_error(st, path, 0, NULL, NULL, "not a regular file");
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
                add_error(st, path, 0, NULL, NULL, "cannot read file: %s", strerror(-r));
                return r;
        }
        if (size > POLICY_FILE_MAX) {
                /* It grew since the stat(). */
                too_large(st, path, size);
                return 0;
        }
        r = parse_text(st, path, text, size);
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
                add_error(&st, POLICY_DROPIN_DIR, 0, NULL, NULL, "cannot read directory: %s", strerror(-r));
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

/* status_compute() takes its policy over; the daemon keeps the last good
 * one for the next computation. Scalars come with the struct copy, the
 * owned pointers are duplicated. */
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
