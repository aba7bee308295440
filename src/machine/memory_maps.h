/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's maps of physical memory that outlive the boot log, read for
 * which ranges arrived after early boot (machine/boot_memory.h):
 *  - /proc/iomem "System RAM (DRIVER)": driver-managed memory
 *    (mm/memory_hotplug.c add_memory_driver_managed()), never boot memory;
 *  - x86 /sys/firmware/memmap/N/{start,end,type}: the e820 entries, made
 *    sysfs entries at late_initcall in e820 order (ascending addresses,
 *    firmware_memmap_init(), arch/x86/kernel/e820.c), and one entry per
 *    hot-added "System RAM" range (firmware_map_add_hotplug(),
 *    mm/memory_hotplug.c add_memory_resource()), numbered when it is added:
 *    a DIMM the firmware hands over at boot through ACPI gets a number
 *    before the e820 entries, one hot-added later a number after them;
 *  - arm64 /sys/kernel/debug/memblock/memory (ARCH_KEEP_MEMBLOCK, root
 *    only): "   N: 0xSTART..0xEND  NID FLAGS", driver-managed ranges
 *    flagged DRV_MNG (mm/memblock.c memblock_debug_show()). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "START-END : System RAM (DRIVER)" lines of /proc/iomem, top level only. */
typedef struct { uint64_t start, end; char *driver; } DriverRange;
int iomem_driver_ranges(const char *text, DriverRange **ret, size_t *ret_n);
void driver_ranges_free(DriverRange *r, size_t n);

typedef struct {
        unsigned index;       /* the N of /sys/firmware/memmap/N */
        uint64_t start, end;  /* inclusive, as the files say */
        bool ram;             /* type "System RAM" */
        bool boot;            /* in the run of boot (e820) entries */
        bool boot_certain;    /* and certainly one: an entry of another type follows
                               * it in the run (hot-added entries are all RAM) */
} MemmapEntry;

/* One entry from its three files' contents (start and end "0x..." hex,
 * type text). -EINVAL when they do not parse or end < start. */
int memmap_entry_parse(unsigned index, const char *start, const char *end, const char *type, MemmapEntry *ret);
/* Sort by index and mark the boot entries: the run of consecutive indices
 * that starts at the entry for address 0 and ascends without overlap (the
 * e820 table is sorted). Entries outside it were hot-added. Returns false
 * when no entry starts at 0 (then nothing is marked: no conclusion). A
 * range hot-added after boot above every e820 entry would extend the run,
 * but it is "System RAM": an entry of the run followed there by an entry of
 * another type is certainly a boot entry, a RAM entry at the run's end may
 * be either. */
bool memmap_mark_boot(MemmapEntry *e, size_t n);
/* Read root/sys/firmware/memmap: 0 and *ret_n 0 when there is none. */
int memmap_load(const char *root, MemmapEntry **ret, size_t *ret_n);

typedef struct {
        uint64_t start, end;  /* inclusive */
        int node;             /* -1: 'x' (none) */
        bool driver_managed;  /* DRV_MNG */
        bool hotplug;         /* HOTPLUG: boot memory the firmware calls hotpluggable */
} MemblockRange;

/* The text of memblock's debugfs "memory" file. Lines that do not parse
 * are skipped. */
int memblock_parse(const char *text, MemblockRange **ret, size_t *ret_n);
