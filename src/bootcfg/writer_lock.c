/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <sys/file.h>
#include <time.h>

#include "basic/atomic_write.h"
#include "basic/chase.h"
#include "basic/time_util.h"
#include "basic/util.h"
#include "bootcfg/writer_lock.h"

static int open_lock(const char *root, int *ret) {
        _cleanup_free_ char *path = NULL;
        int r = chase_for_write_mkdir(root, WRITER_LOCK_PATH, &path);
        if (r < 0)
                return r;
        /* Not O_CLOEXEC, on purpose: update-grub, grubby and kernel-install
         * inherit it, so the lock stays held while one of them still runs
         * after numacma itself died (kill -9). */
        int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0644);
        if (fd < 0)
                return -errno;
        *ret = fd;
        return 0;
}

/* Who holds it: what the holder wrote, one line. */
static char *holder_of(int fd) {
        char buf[256];
        ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
        if (n <= 0)
                return strdup("unknown");
        buf[n] = 0;
        buf[strcspn(buf, "\n")] = 0;
        return strdup(buf);
}

int writer_lock_take(const char *root, const char *who, uint64_t timeout_usec, int *ret_fd, char **ret_holder) {
        _cleanup_close_ int fd = -1;
        *ret_fd = -1;
        if (getenv(WRITER_LOCK_HELD_ENV))
                return 0;
        int r = open_lock(root, &fd);
        if (r < 0)
                return r;
        /* A wait with a deadline: the holder may be running update-grub. */
        uint64_t deadline = now_usec(CLOCK_MONOTONIC) + timeout_usec;
        while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                if (errno != EWOULDBLOCK && errno != EINTR)
                        return -errno;
                if (now_usec(CLOCK_MONOTONIC) >= deadline) {
                        if (ret_holder)
                                *ret_holder = holder_of(fd);
                        return -EBUSY;
                }
                (void) nanosleep(&(struct timespec){ .tv_nsec = 20 * 1000 * 1000 }, NULL);
        }
        _cleanup_free_ char *me = strdup_printf("%s (pid %d)\n", who, (int) getpid());
        if (!me)
                return -ENOMEM;
        if (ftruncate(fd, 0) < 0 || pwrite(fd, me, strlen(me), 0) < 0)
                return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

void writer_lock_release(int *fd) {
        if (*fd >= 0) {
                if (ftruncate(*fd, 0) < 0) {} /* best effort: close() releases the lock */
                close(*fd);
                *fd = -1;
        }
}
