/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kernel_log_load(): this boot's early facts from the first source that
 * still has them (kernel/kernel_log.h). */
#include "basic/fileio.h"
#include "basic/util.h"
#include "kernel/boot_facts.h"
#include "kernel/journal_log.h"
#include "kernel/kernel_log.h"

/* The boot-facts record of this boot, parsed; 0 with *why when there is
 * none (or it is another boot's). */
static int from_record(const char *root, const char *boot_id, KernelLog *ret, char **why) {
        _cleanup_free_ char *text = NULL, *lines = NULL, *source = NULL;
        int r = read_full_file_root(root, BOOT_FACTS_PATH, &text, NULL);
        if (r == -ENOMEM)
                return r;
        if (r >= 0 && boot_id)
                r = boot_facts_parse(text, boot_id, &lines, &source);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                *why = strdup_printf("no boot-facts record of this boot in %s (%s)", BOOT_FACTS_PATH,
                                     r == -ENOENT ? "numacmad was not running while the log had them" :
                                     r == -ESTALE ? "the one there is another boot's" :
                                     !boot_id ? "this boot's id is unknown" : "not a record");
                return *why ? 0 : -ENOMEM;
        }
        return kernel_log_parse(lines, ret);
}

static int from_journal(const char *root, const char *boot_id, KernelLog *ret, char **why) {
        _cleanup_free_ char *text = NULL;
        int r = journal_kernel_text(root, boot_id, &text, why);
        if (r < 0 || !text)
                return r;
        return kernel_log_parse(text, ret);
}

int kernel_log_load(const char *root, KernelLog *ret) {
        _cleanup_free_ char *kmsg = NULL, *id = NULL, *why_record = NULL, *why_journal = NULL;
        KernelLog l = {0}, alt = {0};
        int r = kmsg_read(root, &kmsg);
        if (r < 0 || (kmsg && (r = kernel_log_parse(kmsg, &l)) < 0))
                return r;
        if (l.has_early_ranges) {
                l.source = "/dev/kmsg";
                *ret = l;
                return 0;
        }
        (void) boot_id_read(root, &id);
        if ((r = from_record(root, id, &alt, &why_record)) >= 0 && !alt.has_early_ranges) {
                kernel_log_done(&alt);
                r = from_journal(root, id, &alt, &why_journal);
        }
        if (r < 0) {
                kernel_log_done(&l);
                return r;
        }
        if (alt.has_early_ranges) {
                alt.source = why_record ? "the journal" : "the boot-facts record " BOOT_FACTS_PATH;
                alt.readable = true;
                kernel_log_done(&l);
                *ret = alt;
                return 0;
        }
        kernel_log_done(&alt);
        l.unknown_why = strdup_printf("%s; %s; %s",
                                      !kmsg ? "the kernel log (/dev/kmsg) cannot be read" :
                                              "the kernel log no longer holds this boot's early messages",
                                      strna(why_record), why_journal ? why_journal : "the journal has no complete copy of them");
        if (!l.unknown_why)
                return -ENOMEM;
        *ret = l;
        return 0;
}
