/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>

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
        kernel_memory_done(&t->memory);
        if (t->pci_dfd >= 0)
                (void) close(t->pci_dfd);
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

/* A node's MemTotal. node_read_meminfo() (drivers/base/node.c) prints the
 * sum of the node's zone_managed_pages(), which /proc/zoneinfo prints zone
 * by zone as "managed": the node's own meminfo is read only when zoneinfo
 * does not give it. */
static int node_memory(const char *root, const KernelMemory *m, const char *dir, NumaNode *node) {
        if (kernel_memory_node_total(m, node->id, &node->mem_total))
                return 0;
        _cleanup_free_ char *p = strdup_printf(NODE_DIR "/%s/meminfo", dir);
        _cleanup_free_ char *text = NULL;
        if (!p)
                return -ENOMEM;
        if (read_full_file_root(root, p, &text, NULL) >= 0)
                (void) parse_node_memtotal(text, &node->mem_total);
        return 0;
}

static int load_node_sets(const char *root, Topology *t) {
        int r = read_nodeset(root, "online", &t->online);
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
        return t->possible && t->with_memory ? 0 : -ENOMEM;
}

static int cmp_node(const void *a, const void *b) {
        int x = ((const NumaNode *) a)->id, y = ((const NumaNode *) b)->id;
        return (x > y) - (x < y);
}

static int load_nodes(const char *root, Topology *t) {
        _cleanup_strv_free_ char **dirs = NULL;
        int r;

        if ((r = load_node_sets(root, t)) < 0)
                return r;
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
                if ((r = node_memory(root, &t->memory, dirs[i], node)) < 0)
                        return r;
                t->n_nodes++;
        }
        /* list_dir_root sorts by name: node10 before node2 (an insertion
         * sort of that order is quadratic on 1024 nodes). */
        if (t->n_nodes > 1)
                qsort(t->nodes, t->n_nodes, sizeof(NumaNode), cmp_node);
        if (t->n_nodes == 0) {
                /* No node directories (CONFIG_NUMA off): node 0 has MemTotal. */
                t->nodes[0] = (NumaNode){ .id = 0, .online = true, .has_memory = true,
                                          .mem_total = t->memory.mem_total_kb * KIB };
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

/* "ADDRESS/ATTR" below the PCI device directory. Addresses passed
 * is_pci_address(), so the name is bounded. */
#define DEV_ATTR_MAX (PCI_ADDRESS_MAX + sizeof("/numa_node"))
static const char *dev_attr(char buf[static DEV_ATTR_MAX], const char *address, const char *attr) {
        return path_join_buf(buf, DEV_ATTR_MAX, address, attr);
}

static int read_driver(int dfd, PciDevice *d) {
        char buf[DEV_ATTR_MAX];
        const char *p = dev_attr(buf, d->address, "driver");
        if (!p)
                return -EINVAL;
        int r = read_link_basename_at(dfd, p, &d->driver);
        d->driver_read = r != -ENOMEM;
        return r == -ENOMEM ? r : 0;  /* unbound: no link */
}

static int read_numa_node(int dfd, PciDevice *d) {
        char buf[DEV_ATTR_MAX];
        const char *p = dev_attr(buf, d->address, "numa_node");
        int node;
        if (!p)
                return -EINVAL;
        if (read_int_at(dfd, p, &node) >= 0 && node >= 0 && node < NODESET_MAX)
                d->numa_node = node;
        d->node_read = true;
        return 0;
}

/* Every device's class: what the policy decides on first. */
static int load_classes(int dfd, char **devs, Topology *t) {
        size_t n = strv_length(devs);
        if (n == 0)
                return 0;
        t->devices = calloc(n, sizeof(PciDevice));
        if (!t->devices)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                PciDevice *d = &t->devices[t->n_devices];
                char buf[DEV_ATTR_MAX];
                const char *p = dev_attr(buf, devs[i], "class");
                uint64_t v;
                if (!p || read_u64_at(dfd, p, &v) < 0)
                        continue; /* not a device we can judge */
                *d = (PciDevice){ .numa_node = -1, .class_code = (uint32_t) v };
                if (!(d->address = strdup(devs[i])))
                        return -ENOMEM;
                t->n_devices++;
        }
        return 0;
}

/* DRM accel nodes name their PCI device through the "device" link. */
static int load_accel_nodes(const char *root, Topology *t) {
        _cleanup_strv_free_ char **accels = NULL;
        _cleanup_close_ int dfd = open_dir_root(root, ACCEL_DIR);
        if (dfd < 0)
                return dfd == -ENOMEM ? dfd : 0;
        int r = list_dir_at(dfd, NULL, &accels);
        if (r < 0)
                return r == -ENOMEM ? r : 0;
        for (char **a = accels; *a; a++) {
                char buf[NAME_MAX + sizeof("/device")];
                const char *p = path_join_buf(buf, sizeof(buf), *a, "device");
                _cleanup_free_ char *addr = NULL;
                if (!p || read_link_basename_at(dfd, p, &addr) < 0)
                        continue;
                PciDevice *d = bsearch(addr, t->devices, t->n_devices, sizeof(PciDevice), cmp_device);
                if (d && !d->accel && !(d->accel = strdup(*a)))
                        return -ENOMEM;
        }
        return 0;
}

/* Every device's class is read; node and driver only for devices that can
 * count under the policy (all of them when policy is NULL): on a large
 * machine most PCI functions are bridges and NICs, and each file costs a
 * syscall. The driver comes first when the policy names drivers. */
static int load_pci(const char *root, const Policy *policy, Topology *t) {
        _cleanup_strv_free_ char **devs = NULL;
        int dfd = t->pci_dfd = open_dir_root(root, PCI_DIR);
        int r;
        if (dfd == -ENOENT)
                return 0;
        if (dfd < 0)
                return dfd;
        if ((r = list_dir_at(dfd, is_pci_address, &devs)) < 0 || (r = load_classes(dfd, devs, t)) < 0 ||
            (r = load_accel_nodes(root, t)) < 0)
                return r;

        bool by_driver = !policy || policy->drivers[0];
        for (size_t i = 0; i < t->n_devices; i++) {
                PciDevice *d = &t->devices[i];
                if (by_driver && (r = read_driver(dfd, d)) < 0)
                        return r;
                if (policy && !accelerator_rule(policy, d->address, d->class_code, d->driver, d->accel != NULL))
                        continue;
                if ((r = read_numa_node(dfd, d)) < 0 || (!by_driver && (r = read_driver(dfd, d)) < 0))
                        return r;
        }
        return 0;
}

int topology_load(const char *root, const Policy *policy, Topology **ret) {
        _cleanup_topology_ Topology *t = calloc(1, sizeof(Topology));
        int r;
        if (!t)
                return -ENOMEM;
        t->pci_dfd = -1;
        if ((r = kernel_memory_load(root, &t->memory)) < 0 || (r = load_nodes(root, t)) < 0)
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

static int cmp_node_id(const void *key, const void *elem) {
        int a = *(const int *) key, b = ((const NumaNode *) elem)->id;
        return (a > b) - (a < b);
}

/* Nodes are sorted by id: plan and status ask once per node. */
const NumaNode *topology_node(const Topology *t, int id) {
        return t->n_nodes ? bsearch(&id, t->nodes, t->n_nodes, sizeof(NumaNode), cmp_node_id) : NULL;
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
