/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <inttypes.h>

#include "basic/fileio.h"
#include "kernel/kernel_caps.h"
#include "kernel/memparse.h"
#include "basic/util.h"

void kernel_caps_done(KernelCaps *k) {
        free(k->release);
        free(k->arch);
        free(k->config_source);
        *k = (KernelCaps){0};
}

const char *per_node_param_to_string(PerNodeParam p) {
        switch (p) {
        case PERNODE_CMA_PERNUMA: return "cma_pernuma";
        case PERNODE_NUMA_CMA: return "numa_cma";
        default: return "none";
        }
}

/* The symbols numacma reads; one pass over the .config fills them all. */
typedef struct {
        const char *name;
        bool mentioned;   /* set, or "# CONFIG_X is not set": the symbol exists in that release */
        char value[32];   /* "" when unset */
} ConfigSym;

static const char *const config_names[] = {
        "ARM64", "X86_64", "X86_32", "PPC64", "S390", "RISCV", "LOONGARCH", "ARM",
        "CMA", "DMA_CMA", "DMA_PERNUMA_CMA", "DMA_NUMA_CMA",
        "CMA_SIZE_PERNUMA", "CMA_SYSFS", "CMA_SIZE_MBYTES", "CMA_AREAS",
        "CMA_SIZE_PERCENTAGE", "CMA_SIZE_SEL_PERCENTAGE", "CMA_SIZE_SEL_MIN",
        "CMA_SIZE_SEL_MAX", "ARM64_64K_PAGES", "PAGE_SIZE_64KB",
        "ARM64_16K_PAGES", "PAGE_SIZE_16KB", "ARCH_FORCE_MAX_ORDER",
        "HUGETLB_PAGE", "TRANSPARENT_HUGEPAGE", "PAGE_BLOCK_MAX_ORDER",
        "NUMA", "NODES_SHIFT",
};
_Static_assert(ELEMENTSOF(config_names) <= 64, "ConfigScan handles 64 symbols");

/* A Debian config has ~10000 lines: compare lengths before names (a
 * strlen() per symbol per line was 90% of `numacmactl status`), and only
 * the names of that length (a bit set per length). */
typedef struct {
        ConfigSym syms[ELEMENTSOF(config_names)];
        uint64_t lengths;       /* bit L: some symbol has a name of length L */
        uint64_t by_len[64];    /* bit i of by_len[L]: symbol i has length L */
} ConfigScan;

static void config_scan_init(ConfigScan *c) {
        *c = (ConfigScan){0};
        for (size_t i = 0; i < ELEMENTSOF(config_names); i++) {
                size_t len = strlen(config_names[i]);
                c->syms[i].name = config_names[i];
                if (len < 64) {
                        c->lengths |= UINT64_C(1) << len;
                        c->by_len[len] |= UINT64_C(1) << i;
                }
        }
}

/* One line, [s, eol), without its newline. */
static void config_scan_line(ConfigScan *c, const char *s, const char *eol) {
        bool unset = s < eol && *s == '#';
        if (unset)
                for (s++; s < eol && *s == ' '; s++)
                        ;
        if (eol - s < 8 || memcmp(s, "CONFIG_", 7) != 0)
                return;
        s += 7;
        /* "NAME=value" or "NAME is not set": the name ends at '=' or ' '. */
        const char *ne = memchr(s, unset ? ' ' : '=', (size_t) (eol - s));
        if (!ne)
                return;
        size_t nl = (size_t) (ne - s);
        if (nl >= 64 || !(c->lengths & (UINT64_C(1) << nl)))
                return;
        for (uint64_t set = c->by_len[nl]; set; set &= set - 1) {
                ConfigSym *y = &c->syms[__builtin_ctzll(set)];
                if (y->name[0] != s[0] || memcmp(s, y->name, nl) != 0)
                        continue;
                if (unset) {
                        if ((size_t) (eol - ne) == strlen(" is not set") && memcmp(ne, " is not set", eol - ne) == 0)
                                y->mentioned = true;
                        return;
                }
                y->mentioned = true;
                size_t vl = MIN((size_t) (eol - ne - 1), sizeof(y->value) - 1);
                memcpy(y->value, ne + 1, vl);
                y->value[vl] = 0;
                return;
        }
}

static void config_scan_text(ConfigScan *c, const char *text) {
        for (const char *l = text, *end = text + strlen(text); l < end;) {
                const char *nl = memchr(l, '\n', (size_t) (end - l));
                const char *eol = nl ? nl : end;
                config_scan_line(c, l, eol);
                l = eol + 1;
        }
}

static int config_scan_cb(char *line, void *userdata) {
        config_scan_line(userdata, line, line + strlen(line));
        return 0;
}

static const ConfigSym *sym(const ConfigSym *syms, size_t n, const char *name) {
        for (size_t i = 0; i < n; i++)
                if (streq(syms[i].name, name))
                        return &syms[i];
        abort(); /* a name missing from the table is a programming error */
}

#define SYM(name) sym(c->syms, ELEMENTSOF(c->syms), name)

static bool sym_bool(const ConfigSym *s) {
        return streq(s->value, "y");
}

static bool sym_u64(const ConfigSym *s, uint64_t *ret) {
        return s->value[0] && safe_atou64(s->value, 0, ret) >= 0;
}

static void parse_release_version(KernelCaps *k) {
        int a, b;
        if (k->release && sscanf(k->release, "%d.%d", &a, &b) == 2) {
                k->version_major = a;
                k->version_minor = b;
                if (a >= 0 && b >= 0 && a < 1000 && b < 1000)
                        k->version = KERNEL_V(a, b);
        }
}

static bool version_at_least(const KernelCaps *k, int major, int minor) {
        return k->version_major > major || (k->version_major == major && k->version_minor >= minor);
}

static const struct {
        const char *symbol, *arch;
} arch_symbols[] = {
        { "ARM64", "arm64" },
        { "X86_64", "x86_64" },
        { "X86_32", "i386" },
        { "PPC64", "ppc64" },
        { "S390", "s390x" },
        { "RISCV", "riscv64" },
        { "LOONGARCH", "loongarch64" },
        { "ARM", "arm" },
};

/* What the configuration's symbols mean for this release: the table's row
 * (kernel/kernel_rules.h). config_areas: CONFIG_CMA_AREAS, 0 when absent. */
static void apply_rules(KernelCaps *k, bool numa, unsigned config_areas) {
        PerNodeArrays hint = k->cma_size_pernuma_known ? ARRAYS_ONE : k->dma_numa_cma ? ARRAYS_TWO :
                             k->dma_pernuma_cma ? ARRAYS_PERNUMA : ARRAYS_NONE;
        /* CMA_SIZE_PERNUMA before 7.2: numacma's backport (patches/kernel/6.12). */
        bool series = k->cma_size_pernuma_known && k->version && k->version < KERNEL_V(7, 2);
        const KernelRules *r = k->rules = kernel_rules_find(k->version, k->arch, series, hint);

        if (k->cma) {
                k->cma_areas_config = config_areas ? config_areas : numa ? r->areas_numa : r->areas_uma;
                k->cma_areas = k->cma_areas_config + r->slots_extra;
        }
        bool two_or_one = r->arrays == ARRAYS_TWO || r->arrays == ARRAYS_ONE;
        k->honors_numa_cma = k->dma_numa_cma && two_or_one;
        k->honors_cma_pernuma = two_or_one ? k->dma_numa_cma :
                                r->arrays == ARRAYS_PERNUMA && k->dma_pernuma_cma && r->pernuma_reserved;
        k->per_node = k->honors_numa_cma ? PERNODE_NUMA_CMA :
                      k->honors_cma_pernuma ? PERNODE_CMA_PERNUMA : PERNODE_NONE;
        k->implicit_per_node = k->cma_size_pernuma && r->implicit && r->arrays == ARRAYS_ONE;
        k->single_array = k->dma_numa_cma && r->arrays == ARRAYS_ONE;
        k->numacma_0003 = kernel_rules_0003_from_release(k->release);
        k->numacma_0003_why = k->numacma_0003 == TRI_YES ? "its release ends in +numacma (build-kernel-deb with 0003)" :
                              k->numacma_0003 == TRI_NO ? "its release ends in +numacma-upstream (build-kernel-deb --no-0003)" : NULL;
}

const char *kernel_caps_bare_oops(const KernelCaps *k, const char *key) {
        bool two_or_one = k->rules && (k->rules->arrays == ARRAYS_TWO || k->rules->arrays == ARRAYS_ONE);
        return kernel_rules_bare_oops(k->version, key, k->dma_numa_cma && two_or_one,
                                      two_or_one ? k->dma_numa_cma : k->dma_pernuma_cma,
                                      k->hugetlb_page && k->cma);
}

/* The capabilities the scanned symbols give release (may be NULL). */
static int caps_from_scan(const ConfigScan *c, const char *release, KernelCaps *k) {
        uint64_t v;

        *k = (KernelCaps){0};
        if (release && !(k->release = strdup(release)))
                return -ENOMEM;
        parse_release_version(k);

        for (size_t i = 0; i < ELEMENTSOF(arch_symbols); i++)
                if (sym_bool(SYM(arch_symbols[i].symbol))) {
                        k->arch = strdup(arch_symbols[i].arch);
                        if (!k->arch)
                                return -ENOMEM;
                        break;
                }

        k->cma = sym_bool(SYM("CMA"));
        k->dma_cma = k->cma && sym_bool(SYM("DMA_CMA"));
        k->dma_pernuma_cma = k->dma_cma && sym_bool(SYM("DMA_PERNUMA_CMA"));
        k->dma_numa_cma = k->dma_cma && sym_bool(SYM("DMA_NUMA_CMA"));
        k->cma_size_pernuma_known = SYM("CMA_SIZE_PERNUMA")->mentioned;
        k->cma_size_pernuma = k->dma_numa_cma && sym_bool(SYM("CMA_SIZE_PERNUMA"));
        k->cma_sysfs = k->cma && sym_bool(SYM("CMA_SYSFS"));
        k->hugetlb_page = sym_bool(SYM("HUGETLB_PAGE"));
        if (sym_u64(SYM("CMA_SIZE_MBYTES"), &v))
                k->size_mbytes = v;
        if (sym_u64(SYM("CMA_SIZE_PERCENTAGE"), &v) && v <= 100)
                k->percentage = (unsigned) v;
        k->size_sel = sym_bool(SYM("CMA_SIZE_SEL_PERCENTAGE")) ? CMA_SEL_PERCENTAGE :
                      sym_bool(SYM("CMA_SIZE_SEL_MIN"))        ? CMA_SEL_MIN :
                      sym_bool(SYM("CMA_SIZE_SEL_MAX"))        ? CMA_SEL_MAX :
                                                                     CMA_SEL_MBYTES;

        /* Page size: arm64 chooses, most others have 4 KiB; 6.x adds generic symbols. */
        unsigned page_shift = 12;
        if (sym_bool(SYM("ARM64_64K_PAGES")) || sym_bool(SYM("PAGE_SIZE_64KB")))
                page_shift = 16;
        else if (sym_bool(SYM("ARM64_16K_PAGES")) || sym_bool(SYM("PAGE_SIZE_16KB")))
                page_shift = 14;
        k->page_size = UINT64_C(1) << page_shift;

        /* CMA_MIN_ALIGNMENT_BYTES = PAGE_SIZE << pageblock_order, where
         * pageblock_order = min(PMD order, MAX_PAGE_ORDER) with huge pages,
         * else MAX_PAGE_ORDER (include/linux/pageblock-flags.h). */
        unsigned max_order = 10;
        if (sym_u64(SYM("ARCH_FORCE_MAX_ORDER"), &v) && v > 0 && v < 32)
                /* Before 6.4 the symbol was MAX_ORDER, one above the largest order. */
                max_order = (unsigned) v - (k->version_major && !version_at_least(k, 6, 4) ? 1 : 0);
        unsigned order = max_order;
        if (sym_bool(SYM("HUGETLB_PAGE")) || sym_bool(SYM("TRANSPARENT_HUGEPAGE")))
                order = MIN(page_shift - 3, max_order);
        if (sym_u64(SYM("PAGE_BLOCK_MAX_ORDER"), &v) && v < order)
                order = (unsigned) v;
        k->cma_align = k->page_size << order;

        /* early_numa_cma() stops at the first node >= MAX_NUMNODES. */
        if (sym_u64(SYM("NODES_SHIFT"), &v) && v < 16)
                k->max_numnodes = 1u << v;
        else if (SYM("NUMA")->mentioned && !sym_bool(SYM("NUMA")))
                k->max_numnodes = 1;

        apply_rules(k, sym_bool(SYM("NUMA")), sym_u64(SYM("CMA_AREAS"), &v) && v > 0 && v < 65536 ? (unsigned) v : 0);
        return 0;
}

int kernel_caps_parse_config(const char *text, const char *release, KernelCaps *k) {
        ConfigScan c;
        config_scan_init(&c);
        config_scan_text(&c, text);
        return caps_from_scan(&c, release, k);
}

int kernel_caps_copy(const KernelCaps *from, KernelCaps *to) {
        *to = *from;
        to->release = from->release ? strdup(from->release) : NULL;
        to->arch = from->arch ? strdup(from->arch) : NULL;
        to->config_source = from->config_source ? strdup(from->config_source) : NULL;
        if ((from->release && !to->release) || (from->arch && !to->arch) ||
            (from->config_source && !to->config_source)) {
                kernel_caps_done(to);
                return -ENOMEM;
        }
        return 0;
}

int kernel_caps_load(const char *root, const char *release, bool running, KernelCaps *ret) {
        _cleanup_free_ char *path = strdup_printf("/boot/config-%s", release);
        const char *source = path;
        ConfigScan c;
        int r;

        if (!path)
                return -ENOMEM;
        /* Streamed: a 300 KiB config read whole cost status a fault per page. */
        config_scan_init(&c);
        r = read_lines_root(root, path, config_scan_cb, &c);
        if (r == -ENOENT && running) {
                _cleanup_free_ char *text = NULL;
                source = "/proc/config.gz";
                r = read_gz_file_root(root, source, &text, NULL);
                if (r >= 0)
                        config_scan_text(&c, text);
        }
        if (r < 0) {
                config_scan_init(&c);  /* nothing from a file read in part */
                int q = caps_from_scan(&c, release, ret);
                return q < 0 ? q : r;
        }
        r = caps_from_scan(&c, release, ret);
        if (r < 0)
                return r;
        ret->config_source = strdup(source);
        return ret->config_source ? 0 : -ENOMEM;
}

uint64_t kernel_caps_default_area(const KernelCaps *k, const char *cma_arg, uint64_t total_bytes) {
        uint64_t size;

        if (!k->dma_cma)
                return 0;
        if (cma_arg)
                size = kernel_memparse(cma_arg, NULL);
        else {
                uint64_t mb = k->size_mbytes * MIB;
                uint64_t pct = total_bytes / k->page_size * k->percentage / 100 * k->page_size;
                switch (k->size_sel) {
                case CMA_SEL_PERCENTAGE: size = pct; break;
                case CMA_SEL_MIN: size = MIN(mb, pct); break;
                case CMA_SEL_MAX: size = MAX(mb, pct); break;
                default: size = mb; break;
                }
        }
        if (size == 0 || !k->cma_align)
                return size;
        return ALIGN_UP(size, k->cma_align);
}
