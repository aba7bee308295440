/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <sys/stat.h>

#include "basic/atomic_write.h"
#include "basic/util.h"
#include "report/metrics_file.h"

int metrics_write_textfile(const char *dir, const char *text) {
        if (isempty(dir) || !text)
                return -EINVAL;
        _cleanup_free_ char *path = strdup_printf("%s/%s", dir, METRICS_TEXTFILE_NAME);
        if (!path)
                return -ENOMEM;
        int r = write_file_atomic(path, text, strlen(text), 0644);
        if (r < 0)
                return r;
        /* write_file_atomic keeps an old file's mode: the collector runs as
         * another user and must read it. */
        if (chmod(path, 0644) < 0)
                return -errno;
        return r;
}
