/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <limits.h>

#include "basic/util.h"
#include "kernel/cma_slots.h"

unsigned hugetlb_cma_areas(const char *value, unsigned n_boot_nodes) {
        const char *s = value;
        unsigned n = 0;
        bool per_node = false;

        /* cmdline_parse_hugetlb_cma(): "%lu" then ':' means a node. */
        while (s && *s) {
                const char *d = s;
                while (*d >= '0' && *d <= '9')
                        d++;
                if (d == s || *d != ':')
                        break;
                per_node = true;
                const char *e;
                if (kernel_memparse(d + 1, &e))
                        n++;
                if (*e != ',')
                        break;
                s = e + 1;
        }
        if (per_node)
                return n;
        return value && kernel_memparse(value, NULL) ? n_boot_nodes : 0;
}

void cma_slots_count(const KernelCaps *k, const Cmdline *line, bool default_area,
                     unsigned n_boot_nodes, const CmaState *running, CmaSlots *ret) {
        CmaSlots s = { .areas = k->cma_areas, .default_area = default_area };
        const char *h = line ? cmdline_get(line, "hugetlb_cma") : NULL;
        s.hugetlb = hugetlb_cma_areas(h, n_boot_nodes);
        for (size_t i = 0; running && i < running->n_areas; i++)
                if (running->areas[i].kind == AREA_OTHER && !startswith(running->areas[i].name, "hugetlb"))
                        s.other++;
        unsigned taken = s.default_area + s.hugetlb + s.other;
        s.per_node = !s.areas ? UINT_MAX : s.areas > taken ? s.areas - taken : 0;
        *ret = s;
}
