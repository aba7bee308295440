/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The policy's sections and keys: one table (keys[]) of what each key is,
 * where it goes in the Policy and how its value is checked; the lexer's
 * sections and keys (config_lexer.c) applied through it; the errors they
 * make (config_errors.c); the checks across keys after the last file. */
#include <inttypes.h>
#include <stdarg.h>

#include "basic/time_util.h"
#include "kernel/memparse.h"
#include "policy/config_keys.h"
#include "policy/config_lexer.h"
#include "policy/config_values.h"

/* Section names of 49 bytes or more are never known ones: inih's 50-byte
 * name buffer cut them short, and a stump must not become a name (a long
 * "node.000...01" is not node 1). */
#define SECTION_NAME_MAX 50

/* [daemon] settle and metrics_interval: at most an hour. */
#define SPAN_MAX_USEC (3600 * USEC_PER_SEC)
#define METRICS_INTERVAL_MIN_USEC USEC_PER_SEC

/* Messages say "below 4096". */
_Static_assert(NODESET_MAX == 4096, "update the messages naming NODESET_MAX");

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
        unsigned line;
        bool continuation; /* the line being handled continues the last key */
        Section section;   /* the one the lexer is in */
        int node;          /* SECTION_NODE */
        char section_name[SECTION_NAME_MAX]; /* as written, for a known section */
        unsigned list_full_line; /* a full list was reported on this line */
} ParseCtx;

void parse_state_init(ParseState *st, Policy *p, PolicyErrors *errs) {
        *st = (ParseState) {
                .policy = p,
                .n_drivers = strv_length(p->drivers),
                .n_include = strv_length(p->include),
                .n_exclude = strv_length(p->exclude),
        };
        policy_error_log_init(&st->log, errs);
}

void parse_state_done(ParseState *st) {
        free(st->override_index);
        free(st->min_size.file);
        free(st->max_size.file);
        free(st->include.file);
        free(st->exclude.file);
}

#define ctx_error(c, value, hint, ...) \
        policy_error_add(&(c)->st->log, (c)->fname, (c)->line, (value), (hint), __VA_ARGS__)

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
        unsigned before = c->st->log.n_errors;
        key_size(c, k, value, data);
        if (c->st->log.n_errors != before)
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
        unsigned before = c->st->log.n_errors;
        key_size(c, k, value, data);
        if (c->st->log.n_errors == before)
                ((NodeOverride *) data)->has_per_accelerator = true;
        return 0;
}

static int key_node_enabled(ParseCtx *c, const KeySpec *k, const char *value, void *data) {
        unsigned before = c->st->log.n_errors;
        key_bool(c, k, value, data);
        if (c->st->log.n_errors == before)
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
        if (boot_backend_from_string(value, &p->backend) < 0)
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

        if (strlen(name) >= SECTION_NAME_MAX - 1)
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

/* ---- the lexer's callbacks ---- */

static int on_section(void *userdata, unsigned line, const char *name) {
        ParseCtx *c = userdata;
        int node = -1;

        c->line = line;
        Section s = section_from_name(name, &node);
        if (s == SECTION_UNKNOWN)
                report_bad_section(c, name);
        /* Keys under "[]" are outside of any section. */
        c->section = isempty(name) ? SECTION_NONE : s;
        c->node = node;
        if (s != SECTION_UNKNOWN)
                strcpy(c->section_name, name); /* shorter than SECTION_NAME_MAX - 1 */
        return c->st->log.r;
}

static const KeySpec *find_key(Section s, const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                if (keys[i].section == s && streq(keys[i].name, name))
                        return &keys[i];
        return NULL;
}

static int on_key(void *userdata, unsigned line, const char *name, const char *value, bool continuation) {
        ParseCtx *c = userdata;
        int r;

        c->line = line;
        c->continuation = continuation;
        if (c->section == SECTION_UNKNOWN)
                return 0; /* reported at its header */

        const KeySpec *k = find_key(c->section, name);
        if (!k) {
                /* The key line was reported; its continuation lines are not. */
                if (continuation)
                        return 0;
                if (c->section == SECTION_NONE)
                        ctx_error(c, name, "put it under a [section]", "key outside of any section");
                else
                        ctx_error(c, name, NULL, "unknown key in [%s]", c->section_name);
                return c->st->log.r;
        }
        if (continuation && !k->list) {
                ctx_error(c, value, "only lists continue on indented lines",
                          "unexpected continuation line for '%s'", k->name);
                return c->st->log.r;
        }

        void *data = c->st->policy;
        if (c->section == SECTION_NODE) {
                NodeOverride *o;
                r = get_override(c->st, c->node, &o);
                if (r < 0)
                        return c->st->log.r = r;
                data = o;
        }
        r = k->parse(c, k, value, data);
        if (r < 0)
                c->st->log.r = r;
        return c->st->log.r;
}

static int on_error(void *userdata, unsigned line, const char *value, const char *hint, const char *what) {
        ParseCtx *c = userdata;
        c->line = line;
        ctx_error(c, value, hint, "%s", what);
        return c->st->log.r;
}

int config_keys_parse(ParseState *st, const char *fname, const char *text, size_t size) {
        static const ConfigLexerOps ops = {
                .section = on_section,
                .key = on_key,
                .error = on_error,
        };
        ParseCtx c = {
                .st = st,
                .fname = fname,
                .section = SECTION_NONE,
        };

        int r = strv_extend(&st->policy->sources, fname);
        if (r < 0)
                return r;
        r = config_lex(text, size, &ops, &c);
        return r < 0 ? r : st->log.r;
}

/* Checks across keys, after all files. Errors name where the later of the
 * settings involved was made. */
void config_keys_check(ParseState *st) {
        Policy *p = st->policy;

        if (p->min_size > p->max_size && (st->min_size.seq || st->max_size.seq)) {
                _cleanup_free_ char *mn = format_size_kernel(p->min_size);
                _cleanup_free_ char *mx = format_size_kernel(p->max_size);
                if (!mn || !mx) {
                        st->log.r = -ENOMEM;
                        return;
                }
                if (st->min_size.seq > st->max_size.seq)
                        policy_error_add(&st->log, st->min_size.file, st->min_size.line, mn, NULL,
                                         "min_size above max_size (%s)", mx);
                else
                        policy_error_add(&st->log, st->max_size.file, st->max_size.line, mx, NULL,
                                         "max_size below min_size (%s)", mn);
        }

        const Origin *o = st->include.seq > st->exclude.seq ? &st->include : &st->exclude;
        if (o->seq)
                for (char **a = p->include; a && *a; a++)
                        if (strv_contains(p->exclude, *a))
                                policy_error_add(&st->log, o->file, o->line, *a, NULL,
                                                 "PCI address both in 'include' and in 'exclude'");
}
