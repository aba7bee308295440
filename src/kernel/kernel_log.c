/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/util.h"
#include "kernel/kernel_log.h"

#define KMSG_MAX (8u * 1024 * 1024)

void kernel_log_done(KernelLog *l) {
        free(l->unknown_why);
        nodeset_free(l->early_nodes);
        nodeset_free(l->invalid_nodes);
        nodeset_free(l->failed_nodes);
        nodeset_free(l->failed_enospc);
        *l = (KernelLog){0};
}

/* The message of one line: after "PRIO,SEQ,USEC,FLAGS;" or "[ time] ". */
const char *kernel_log_message(const char *l, const char *end) {
        const char *semi = memchr(l, ';', (size_t) (end - l));
        if (semi && l[0] >= '0' && l[0] <= '9')
                return semi + 1;
        if (*l == '<') {  /* dmesg -r */
                const char *c = memchr(l, '>', (size_t) (end - l));
                if (c)
                        l = c + 1;
        }
        if (*l == '[') {
                const char *c = memchr(l, ']', (size_t) (end - l));
                if (c) {
                        l = c + 1;
                        if (*l == ' ')
                                l++;
                }
        }
        return l;
}

static int node_after(const char *s, const char *prefix, int *ret) {
        const char *p = startswith(s, prefix);
        if (!p)
                return 0;
        while (*p == ' ')
                p++;
        int n = 0;
        const char *d = p;
        for (; *d >= '0' && *d <= '9' && n < NODESET_MAX; d++)
                n = n * 10 + (*d - '0');
        if (d == p || n >= NODESET_MAX)
                return 0;
        *ret = n;
        return 1;
}

static int add(NodeSet **s, int node) {
        if (!*s && !(*s = nodeset_new()))
                return -ENOMEM;
        return nodeset_add(*s, node);
}

int kernel_log_parse(const char *text, KernelLog *ret) {
        KernelLog l = { .readable = true };
        bool in_ranges = false;
        int r = 0;

        for (const char *line = text; line && *line; ) {
                const char *end = strchr(line, '\n');
                if (!end)
                        end = line + strlen(line);
                /* /dev/kmsg continuation lines (" SUBSYSTEM=...") carry no message. */
                if (*line != ' ' && end - line < 1024) {
                        char buf[1024];
                        const char *m = kernel_log_message(line, end);
                        size_t n = (size_t) (end - m);
                        memcpy(buf, m, n);
                        buf[n] = 0;
                        int node;
                        if (streq(buf, "Early memory node ranges"))
                                in_ranges = l.has_early_ranges = true;
                        else if (in_ranges && node_after(buf, "  node", &node))
                                r = add(&l.early_nodes, node);
                        else {
                                in_ranges = false;
                                if (node_after(buf, "cma: invalid node", &node))
                                        r = add(&l.invalid_nodes, node);
                                else if (node_after(buf, "cma: node", &node) && strstr(buf, " holds the default area, no numa")) {
                                        l.has_skipped_default = true;
                                        l.skipped_default_node = node;
                                } else if (streq(buf, "cma: Not enough slots for CMA reserved regions!"))
                                        l.slots_exhausted = true;
                                else if (startswith(buf, "cma: dma_numa_cma_reserve: reservation failed: err ")) {
                                        const char *e = buf + strlen("cma: dma_numa_cma_reserve: reservation failed: err ");
                                        const char *c = strstr(e, ", node ");
                                        if (c && node_after(c, ", node ", &node)) {
                                                r = add(&l.failed_nodes, node);
                                                if (r >= 0 && startswith(e, "-28,"))
                                                        r = add(&l.failed_enospc, node);
                                        }
                                }
                        }
                        if (r < 0) {
                                kernel_log_done(&l);
                                return r;
                        }
                }
                line = *end ? end + 1 : end;
        }
        *ret = l;
        return 0;
}

/* /dev/kmsg gives one record per read() and EAGAIN at the end (with
 * O_NONBLOCK); a captured tree holds the records as a plain file. */
int kmsg_read(const char *root, char **ret) {
        _cleanup_free_ char *p = root_join(root, "/dev/kmsg");
        StrBuf b = {0};
        char rec[8192];

        *ret = NULL;
        if (!p)
                return -ENOMEM;
        _cleanup_close_ int fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return 0;  /* no log, or not allowed (dmesg_restrict): unknown */
        struct stat st;
        bool records = fstat(fd, &st) == 0 && S_ISCHR(st.st_mode);
        for (;;) {
                ssize_t n = read(fd, rec, sizeof(rec));
                if (n < 0 && (errno == EINTR || errno == EPIPE))
                        continue;  /* EPIPE: records overwritten while reading */
                if (n <= 0)
                        break;     /* end (EAGAIN), or an error: keep what was read */
                if (b.len + (size_t) n > KMSG_MAX)
                        break;
                strbuf_appendn(&b, rec, (size_t) n);
                if (records && b.buf[b.len - 1] != '\n')
                        strbuf_append(&b, "\n");
        }
        if (b.oom) {
                strbuf_done(&b);
                return -ENOMEM;
        }
        *ret = b.buf ? strbuf_steal(&b) : NULL;  /* nothing read: not readable */
        return 0;
}
