/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <inttypes.h>

#include "basic/fileio.h"
#include "basic/util.h"
#include "kernel/pci_address.h"
#include "machine/topology.h"

#define NODE_DIR "/sys/devices/system/node"
#define PCI_DIR "/sys/bus/pci/devices"
#define ACCEL_DIR "/sys/class/accel"

void topology_free(Topology *t) {
        if (!t)
                return;
        free(t->nodes);
        for (size_t i = 0; i < t->n_devices; i++) {
                free(t->devices[i].address);
                free(t->devices[i].driver);
                free(t->devices[i].accel);
        }
        free(t->devices);
        nodeset_free(t->online);
        nodeset_free(t->possible);
        nodeset_free(t->with_memory);
        free(t->accel_count);
        free(t);
}

static bool is_node_dir(const char *name) {
        const char *s = startswith(name, "node");
        if (!s || !*s)
                return false;
        for (; *s; s++)
                if (!isdigit((unsigned char) *s))
                        return false;
        return true;
}

static int read_nodeset(const char *root, const char *file, NodeSet **ret) {
        _cleanup_free_ char *path = strdup_printf(NODE_DIR "/%s", file);
        _cleanup_free_ char *s = NULL;
        if (!path)
                return -ENOMEM;
        int r = read_line_root(root, path, &s);
        if (r < 0)
                return r;
        return nodeset_parse(s, ret);
}

/* "Node 0 MemTotal:       1013732 kB" */
static int parse_node_memtotal(const char *text, uint64_t *ret) {
        for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
                const char *m = strstr(l, "MemTotal:");
                const char *nl = strchr(l, '\n');
                if (!m || (nl && m > nl))
                        continue;
                m += strlen("MemTotal:");
                uint64_t kb;
                if (sscanf(m, "%" SCNu64, &kb) != 1)
                        return -EBADMSG;
                *ret = kb * KIB;
                return 0;
        }
        return -ENODATA;
}

static int load_nodes(const char *root, Topology *t) {
        _cleanup_strv_free_ char **dirs = NULL;
        int r;

        r = read_nodeset(root, "online", &t->online);
        if (r == -ENOENT) {
                /* A kernel without NUMA: one node, 0, holding all memory. */
                t->online = nodeset_new();
                if (!t->online || nodeset_add(t->online, 0) < 0)
                        return -ENOMEM;
        } else if (r < 0)
                return r;
        r = read_nodeset(root, "possible", &t->possible);
        if (r == -ENOENT)
                t->possible = nodeset_dup(t->online);
        else if (r < 0)
                return r;
        r = read_nodeset(root, "has_memory", &t->with_memory);
        if (r == -ENOENT)
                t->with_memory = nodeset_dup(t->online);
        else if (r < 0)
                return r;
        if (!t->possible || !t->with_memory)
                return -ENOMEM;

        r = list_dir_root(root, NODE_DIR, is_node_dir, &dirs);
        if (r < 0 && r != -ENOENT)
                return r;
        size_t n = strv_length(dirs);
        t->nodes = calloc(MAX(n, (size_t) 1), sizeof(NumaNode));
        if (!t->nodes)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                NumaNode *node = &t->nodes[t->n_nodes];
                int id;
                if (safe_atoi(dirs[i] + 4, &id) < 0 || id >= NODESET_MAX)
                        continue;
                *node = (NumaNode){ .id = id };
                node->online = nodeset_contains(t->online, id);
                node->has_memory = nodeset_contains(t->with_memory, id);

                _cleanup_free_ char *p = strdup_printf(NODE_DIR "/%s/meminfo", dirs[i]);
                _cleanup_free_ char *text = NULL;
                if (!p)
                        return -ENOMEM;
                if (read_full_file_root(root, p, &text, NULL) >= 0)
                        (void) parse_node_memtotal(text, &node->mem_total);
                t->n_nodes++;
        }
        /* list_dir_root sorts by name: node10 before node2. */
        for (size_t i = 1; i < t->n_nodes; i++)
                for (size_t j = i; j > 0 && t->nodes[j - 1].id > t->nodes[j].id; j--) {
                        NumaNode x = t->nodes[j];
                        t->nodes[j] = t->nodes[j - 1];
                        t->nodes[j - 1] = x;
                }
        if (t->n_nodes == 0) {
                /* No node directories (CONFIG_NUMA off): node 0 has MemTotal. */
                _cleanup_free_ char *text = NULL;
                t->nodes[0] = (NumaNode){ .id = 0, .online = true, .has_memory = true };
                if (read_full_file_root(root, "/proc/meminfo", &text, NULL) >= 0)
                        (void) parse_node_memtotal(text, &t->nodes[0].mem_total);
                t->n_nodes = 1;
        }
        return 0;
}

static bool is_pci_address(const char *name) {
        return pci_address_parse(name, NULL) == 0;
}

static int cmp_device(const void *key, const void *elem) {
        return strcmp(key, ((const PciDevice *) elem)->address);
}

static int read_details(const char *root, StrBuf *path, size_t base, PciDevice *d, bool driver) {
        uint64_t v;
        int node;
        path->len = base;
        strbuf_append(path, "vendor");
        if (!path->oom && read_u64_root(root, path->buf, &v) >= 0)
                d->vendor = (uint16_t) v;
        path->len = base;
        strbuf_append(path, "device");
        if (!path->oom && read_u64_root(root, path->buf, &v) >= 0)
                d->device = (uint16_t) v;
        path->len = base;
        strbuf_append(path, "numa_node");
        if (!path->oom && read_int_root(root, path->buf, &node) >= 0 && node >= 0 && node < NODESET_MAX)
                d->numa_node = node;
        if (driver) {
                path->len = base;
                strbuf_append(path, "driver");
                if (!path->oom)
                        (void) read_link_basename_root(root, path->buf, &d->driver);
        }
        return path->oom ? -ENOMEM : 0;
}

/* Every device's class is read; the rest only for devices that can count
 * under the policy (all of them when policy is NULL): on a large machine
 * most PCI functions are bridges and NICs, and each file costs a syscall. */
static int load_pci(const char *root, const Policy *policy, Topology *t) {
        _cleanup_strv_free_ char **devs = NULL;
        int r = list_dir_root(root, PCI_DIR, is_pci_address, &devs);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        size_t n = strv_length(devs);
        if (n == 0)
                return 0;
        t->devices = calloc(n, sizeof(PciDevice));
        if (!t->devices)
                return -ENOMEM;
        StrBuf path = {0};
        for (size_t i = 0; i < n; i++) {
                PciDevice *d = &t->devices[t->n_devices];
                uint64_t v;
                *d = (PciDevice){ .numa_node = -1 };
                path.len = 0;
                strbuf_printf(&path, PCI_DIR "/%s/class", devs[i]);
                if (path.oom) {
                        strbuf_done(&path);
                        return -ENOMEM;
                }
                if (read_u64_root(root, path.buf, &v) < 0)
                        continue; /* not a device we can judge */
                d->class_code = (uint32_t) v;
                if (!(d->address = strdup(devs[i]))) {
                        strbuf_done(&path);
                        return -ENOMEM;
                }
                t->n_devices++;
        }

        /* DRM accel nodes name their PCI device through the "device" link. */
        _cleanup_strv_free_ char **accels = NULL;
        if (list_dir_root(root, ACCEL_DIR, NULL, &accels) >= 0)
                for (char **a = accels; *a; a++) {
                        _cleanup_free_ char *p = strdup_printf(ACCEL_DIR "/%s/device", *a);
                        _cleanup_free_ char *addr = NULL;
                        if (!p) {
                                strbuf_done(&path);
                                return -ENOMEM;
                        }
                        if (read_link_basename_root(root, p, &addr) < 0)
                                continue;
                        PciDevice *d = bsearch(addr, t->devices, t->n_devices, sizeof(PciDevice), cmp_device);
                        if (d && !d->accel && !(d->accel = strdup(*a))) {
                                strbuf_done(&path);
                                return -ENOMEM;
                        }
                }

        bool by_driver = !policy || policy->drivers[0];
        for (size_t i = 0; i < t->n_devices; i++) {
                PciDevice *d = &t->devices[i];
                size_t base;
                path.len = 0;
                strbuf_printf(&path, PCI_DIR "/%s/", d->address);
                base = path.len;
                if (by_driver) {
                        strbuf_append(&path, "driver");
                        if (!path.oom)
                                (void) read_link_basename_root(root, path.buf, &d->driver);
                }
                if (policy && !accelerator_rule(policy, d->address, d->class_code, d->driver, d->accel != NULL))
                        continue;
                r = read_details(root, &path, base, d, !by_driver);
                if (r < 0) {
                        strbuf_done(&path);
                        return r;
                }
        }
        strbuf_done(&path);
        return 0;
}

int topology_load(const char *root, const Policy *policy, Topology **ret) {
        _cleanup_topology_ Topology *t = calloc(1, sizeof(Topology));
        int r;
        if (!t)
                return -ENOMEM;
        if ((r = load_nodes(root, t)) < 0)
                return r;
        if ((r = load_pci(root, policy, t)) < 0)
                return r;
        *ret = TAKE_PTR(t);
        return 0;
}

const char *accelerator_rule(const Policy *p, const char *address, uint32_t class_code,
                             const char *driver, bool has_accel_node) {
        if (strv_contains(p->exclude, address))
                return NULL;
        if (strv_contains(p->include, address))
                return "listed in include=";
        if (driver && strv_contains(p->drivers, driver))
                return "driver listed in drivers=";
        for (size_t i = 0; i < p->n_pci_classes; i++)
                if ((class_code & p->pci_classes[i].mask) == p->pci_classes[i].value)
                        return "class listed in pci_classes=";
        if (has_accel_node)
                return "has a DRM accel device";
        return NULL;
}

void topology_classify(Topology *t, const Policy *p) {
        int max = -1;
        for (size_t i = 0; i < t->n_devices; i++) {
                PciDevice *d = &t->devices[i];
                d->why = accelerator_rule(p, d->address, d->class_code, d->driver, d->accel != NULL);
                d->accelerator = d->why != NULL;
                if (d->accelerator)
                        max = MAX(max, d->numa_node);
        }
        /* Counted once: per node, counting over all devices made plan and
         * status quadratic (nodes x devices). Without memory for the table,
         * topology_accelerators_on() counts as before. */
        free(t->accel_count);
        t->accel_count = calloc((size_t) max + 1 + (max < 0), sizeof(size_t));
        t->accel_count_n = t->accel_count ? max + 1 : 0;
        for (size_t i = 0; t->accel_count && i < t->n_devices; i++)
                if (t->devices[i].accelerator && t->devices[i].numa_node >= 0)
                        t->accel_count[t->devices[i].numa_node]++;
}

const NumaNode *topology_node(const Topology *t, int id) {
        for (size_t i = 0; i < t->n_nodes; i++)
                if (t->nodes[i].id == id)
                        return &t->nodes[i];
        return NULL;
}

size_t topology_accelerators_on(const Topology *t, int node) {
        if (t->accel_count && node >= 0)
                return node < t->accel_count_n ? t->accel_count[node] : 0;
        size_t n = 0;
        for (size_t i = 0; i < t->n_devices; i++)
                if (t->devices[i].accelerator && t->devices[i].numa_node == node)
                        n++;
        return n;
}

uint64_t topology_total_memory(const Topology *t) {
        uint64_t sum = 0;
        for (size_t i = 0; i < t->n_nodes; i++)
                if (t->nodes[i].online)
                        sum += t->nodes[i].mem_total;
        return sum;
}
