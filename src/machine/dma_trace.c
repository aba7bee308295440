/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "basic/util.h"
#include "kernel/trace_events.h"
#include "machine/dma_trace.h"

/* One traced event, in trace order. */
typedef struct {
        TraceEvent ev;
        int area;                 /* allocations: the CMA area that served it, -1 none */
        uint64_t cma_count;       /* its cma_alloc_finish's pages */
        bool freed;               /* allocations: a later dma_free matched it */
} Ev;

typedef struct DmaTraceBuilder {
        Ev *evs;
        size_t n, cap;
        DmaTraceArea *areas;
        size_t n_areas;
        DmaTrace t;               /* the counts gathered while feeding */
} Parse;

const char *trace_source_to_string(TraceSource s) {
        switch (s) {
        case TRACE_FROM_AREA: return "cma-area";
        case TRACE_FROM_PAGE_ALLOCATOR: return "page-allocator";
        case TRACE_FROM_IOMMU: return "iommu";
        default: return "failed";
        }
}

void dma_trace_done(DmaTrace *t) {
        for (size_t i = 0; i < t->n_rows; i++) {
                free(t->rows[i].device);
                free(t->rows[i].source);
        }
        free(t->rows);
        for (size_t i = 0; i < t->n_areas; i++)
                free(t->areas[i].name);
        free(t->areas);
        *t = (DmaTrace){0};
}

const DmaTraceArea *dma_trace_area(const DmaTrace *t, const char *name) {
        for (size_t i = 0; i < t->n_areas; i++)
                if (streq(t->areas[i].name, name))
                        return &t->areas[i];
        return NULL;
}

static int area_index(Parse *p, const char *name) {
        for (size_t i = 0; i < p->n_areas; i++)
                if (streq(p->areas[i].name, name))
                        return (int) i;
        DmaTraceArea *na = realloc(p->areas, (p->n_areas + 1) * sizeof(DmaTraceArea));
        if (!na)
                return -ENOMEM;
        p->areas = na;
        p->areas[p->n_areas] = (DmaTraceArea){ .name = strdup(name) };
        if (!p->areas[p->n_areas].name)
                return -ENOMEM;
        return (int) p->n_areas++;
}

/* One line: an event, or the buffer's header. The CMA areas' page counts
 * as sysfs counts them (mm/cma.c: alloc_pages_success/fail by count after
 * cma_alloc_finish). */
int dma_trace_feed(DmaTraceBuilder *p, const char *l, size_t n) {
        DmaTrace *t = &p->t;
        TraceEvent ev;
        if (trace_header_parse(l, n, &t->entries, &t->written)) {
                t->has_header = true;
                return 0;
        }
        if (!trace_event_parse(l, n, &ev))
                return 0;
        if (p->n == p->cap) {
                size_t cap = MAX(p->cap * 2, (size_t) 64);
                Ev *ne = realloc(p->evs, cap * sizeof(Ev));
                if (!ne)
                        return -ENOMEM;
                p->evs = ne;
                p->cap = cap;
        }
        p->evs[p->n++] = (Ev){ .ev = ev, .area = -1 };
        if (ev.kind != TRACE_CMA_ALLOC && ev.kind != TRACE_CMA_RELEASE) {
                t->n_dma_events++;
                return 0;
        }
        int a = area_index(p, ev.name);
        if (a < 0)
                return a;
        DmaTraceArea *ar = &p->areas[a];
        t->n_cma_events++;
        if (ev.kind == TRACE_CMA_RELEASE)
                ar->release_pages = size_add_sat(ar->release_pages, ev.count);
        else if (ev.error)
                ar->fail_pages = size_add_sat(ar->fail_pages, ev.count);
        else
                ar->alloc_pages = size_add_sat(ar->alloc_pages, ev.count);
        return 0;
}

DmaTraceBuilder *dma_trace_builder_new(void) {
        return calloc(1, sizeof(DmaTraceBuilder));
}

void dma_trace_builder_free(DmaTraceBuilder *p) {
        if (!p)
                return;
        for (size_t i = 0; i < p->n_areas; i++)
                free(p->areas[i].name);
        free(p->areas);
        free(p->evs);
        free(p);
}

static const DmaDevice *device_of(const DmaTraceInput *in, const char *name) {
        for (size_t lo = 0, hi = in->dma ? in->dma->n_devices : 0; lo < hi;) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(name, in->dma->devices[mid].address);
                if (!c)
                        return &in->dma->devices[mid];
                if (c < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        return NULL;
}

static bool translated(const DmaTraceInput *in, const char *name) {
        const DmaDevice *d = device_of(in, name);
        return d && (d->iommu == DMA_IOMMU_TRANSLATING || d->iommu == DMA_IOMMU_UNKNOWN);
}

/* Successful CMA allocations by page frame, in trace order. */
typedef struct { uint64_t pfn; size_t idx; bool claimed; } CmaRef;

static int cmp_cma(const void *a, const void *b) {
        const CmaRef *x = a, *y = b;
        if (x->pfn != y->pfn)
                return x->pfn < y->pfn ? -1 : 1;
        return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Each allocation's area: the latest unclaimed cma_alloc_finish of its
 * page frame before it (cma_alloc() traces before the DMA layer does). */
static int match_areas(Parse *p, const DmaTraceInput *in) {
        size_t n = 0;
        _cleanup_free_ CmaRef *refs = calloc(MAX(p->n, (size_t) 1), sizeof(CmaRef));
        if (!refs)
                return -ENOMEM;
        for (size_t i = 0; i < p->n; i++)
                if (p->evs[i].ev.kind == TRACE_CMA_ALLOC && !p->evs[i].ev.error)
                        refs[n++] = (CmaRef){ .pfn = p->evs[i].ev.pfn, .idx = i };
        qsort(refs, n, sizeof(CmaRef), cmp_cma);
        for (size_t i = 0; i < p->n; i++) {
                Ev *a = &p->evs[i];
                if (a->ev.kind != TRACE_DMA_ALLOC || !a->ev.addr || translated(in, a->ev.name))
                        continue;
                CmaRef key = { .pfn = a->ev.addr / in->page_size, .idx = i };
                size_t lo = 0, hi = n;
                while (lo < hi) {  /* the first ref not before key */
                        size_t mid = lo + (hi - lo) / 2;
                        if (cmp_cma(&refs[mid], &key) < 0)
                                lo = mid + 1;
                        else
                                hi = mid;
                }
                for (size_t j = lo; j-- > 0 && refs[j].pfn == key.pfn;)
                        if (!refs[j].claimed) {
                                const Ev *c = &p->evs[refs[j].idx];
                                refs[j].claimed = true;
                                for (size_t k = 0; k < p->n_areas; k++)
                                        if (streq(p->areas[k].name, c->ev.name)) {
                                                a->area = (int) k;
                                                a->cma_count = c->ev.count;
                                                p->areas[k].dma_pages = size_add_sat(p->areas[k].dma_pages, c->ev.count);
                                        }
                                break;
                        }
        }
        return 0;
}

/* Allocations by (device, address), in trace order. */
typedef struct { const char *name; uint64_t addr; size_t idx; } AllocRef;

static int cmp_alloc(const void *a, const void *b) {
        const AllocRef *x = a, *y = b;
        int c = strcmp(x->name, y->name);
        if (c)
                return c;
        if (x->addr != y->addr)
                return x->addr < y->addr ? -1 : 1;
        return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Each free takes the latest allocation of its device and address before
 * it that no free took yet; the others were made before the trace. */
static int match_frees(Parse *p, DmaTrace *t) {
        size_t n = 0;
        _cleanup_free_ AllocRef *refs = calloc(MAX(p->n, (size_t) 1), sizeof(AllocRef));
        if (!refs)
                return -ENOMEM;
        for (size_t i = 0; i < p->n; i++)
                if (p->evs[i].ev.kind == TRACE_DMA_ALLOC && p->evs[i].ev.addr)
                        refs[n++] = (AllocRef){ .name = p->evs[i].ev.name, .addr = p->evs[i].ev.addr, .idx = i };
        qsort(refs, n, sizeof(AllocRef), cmp_alloc);
        for (size_t i = 0; i < p->n; i++) {
                const Ev *f = &p->evs[i];
                if (f->ev.kind != TRACE_DMA_FREE)
                        continue;
                AllocRef key = { .name = f->ev.name, .addr = f->ev.addr, .idx = i };
                size_t lo = 0, hi = n;
                while (lo < hi) {
                        size_t mid = lo + (hi - lo) / 2;
                        if (cmp_alloc(&refs[mid], &key) < 0)
                                lo = mid + 1;
                        else
                                hi = mid;
                }
                bool matched = false;
                for (size_t j = lo; j-- > 0 && streq(refs[j].name, key.name) && refs[j].addr == key.addr;)
                        if (!p->evs[refs[j].idx].freed) {
                                p->evs[refs[j].idx].freed = matched = true;
                                break;
                        }
                t->unmatched_frees += !matched;
        }
        return 0;
}

/* The row key of one allocation. */
typedef struct {
        const Ev *ev;
        const DmaDevice *dev;
        TraceSource kind;
        const char *source;
        int mem_node;
} RowRef;

static int cmp_row(const void *a, const void *b) {
        const RowRef *x = a, *y = b;
        int c = strcmp(x->ev->ev.name, y->ev->ev.name);
        if (!c)
                c = strcmp(x->source, y->source);
        return c ? c : (x->mem_node > y->mem_node) - (x->mem_node < y->mem_node);
}

static RowRef row_of(const Parse *p, const DmaTraceInput *in, const Ev *e) {
        RowRef r = { .ev = e, .dev = device_of(in, e->ev.name), .mem_node = -1 };
        if (!e->ev.addr) {
                r.kind = TRACE_FROM_FAILED;
                r.source = "failed";
        } else if (translated(in, e->ev.name)) {
                r.kind = TRACE_FROM_IOMMU;
                r.source = "IOMMU";
        } else {
                r.kind = e->area >= 0 ? TRACE_FROM_AREA : TRACE_FROM_PAGE_ALLOCATOR;
                r.source = e->area >= 0 ? p->areas[e->area].name : "page allocator";
                r.mem_node = in->blocks ? memory_blocks_node(in->blocks, e->ev.addr) : -1;
        }
        return r;
}

static int add_row(DmaTrace *t, const RowRef *r) {
        DmaTraceRow *row = &t->rows[t->n_rows++];
        int dev_node = r->dev ? r->dev->node : -1;
        *row = (DmaTraceRow){
                .device = strdup(r->ev->ev.name), .source = strdup(r->source), .dev = r->dev, .dev_node = dev_node,
                .kind = r->kind, .mem_node = r->mem_node,
                .locality = dev_node < 0 || r->mem_node < 0 ? DMA_LOCALITY_UNKNOWN :
                            dev_node == r->mem_node ? DMA_LOCAL : DMA_REMOTE,
        };
        return row->device && row->source ? 0 : -ENOMEM;
}

static int build_rows(const Parse *p, const DmaTraceInput *in, DmaTrace *t) {
        size_t n = 0;
        _cleanup_free_ RowRef *refs = calloc(MAX(p->n, (size_t) 1), sizeof(RowRef));
        t->rows = calloc(MAX(p->n, (size_t) 1), sizeof(DmaTraceRow));
        if (!refs || !t->rows)
                return -ENOMEM;
        for (size_t i = 0; i < p->n; i++)
                if (p->evs[i].ev.kind == TRACE_DMA_ALLOC)
                        refs[n++] = row_of(p, in, &p->evs[i]);
        qsort(refs, n, sizeof(RowRef), cmp_row);
        for (size_t i = 0; i < n; i++) {
                int r;
                if ((i == 0 || cmp_row(&refs[i - 1], &refs[i]) != 0) && (r = add_row(t, &refs[i])) < 0)
                        return r;
                DmaTraceRow *row = &t->rows[t->n_rows - 1];
                const Ev *e = refs[i].ev;
                row->allocs++;
                row->bytes = size_add_sat(row->bytes, e->ev.size);
                row->frees += e->freed;
                row->freed_bytes = size_add_sat(row->freed_bytes, e->freed ? e->ev.size : 0);
                row->cma_pages = size_add_sat(row->cma_pages, e->cma_count);
        }
        return 0;
}

static int cmp_area(const void *a, const void *b) {
        return strcmp(((const DmaTraceArea *) a)->name, ((const DmaTraceArea *) b)->name);
}

int dma_trace_finish(DmaTraceBuilder *p, const DmaTraceInput *in, DmaTrace *ret) {
        DmaTrace t = p->t;
        DmaTraceInput input = *in;
        if (!input.page_size)
                input.page_size = 4096;
        int r = match_areas(p, &input);
        if (r >= 0)
                r = match_frees(p, &t);
        if (r >= 0)
                r = build_rows(p, &input, &t);
        /* The areas move over only now: the rows copied their names. */
        t.areas = TAKE_PTR(p->areas);
        t.n_areas = p->n_areas;
        p->n_areas = 0;
        dma_trace_builder_free(p);
        if (r < 0) {
                dma_trace_done(&t);
                return r;
        }
        if (t.n_areas > 1)
                qsort(t.areas, t.n_areas, sizeof(DmaTraceArea), cmp_area);
        *ret = t;
        return 0;
}

int dma_trace_build(const char *text, size_t len, const DmaTraceInput *in, DmaTrace *ret) {
        DmaTraceBuilder *b = dma_trace_builder_new();
        int r = b ? 0 : -ENOMEM;
        for (const char *l = text, *e = text + len; r >= 0 && l < e;) {
                const char *nl = memchr(l, '\n', (size_t) (e - l));
                size_t n = nl ? (size_t) (nl - l) : (size_t) (e - l);
                r = dma_trace_feed(b, l, n);
                l += n + 1;
        }
        if (r < 0) {
                dma_trace_builder_free(b);
                return r;
        }
        return dma_trace_finish(b, in, ret);
}
