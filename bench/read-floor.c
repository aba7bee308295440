/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The floor for `numacmactl status`: a process that makes the same file
 * system calls numacmactl makes and nothing else, and a timer that runs
 * both alternately.
 *
 *   read-floor OPS
 *       Do every operation listed in OPS once, in order. One per line:
 *         r PATH   open, read to the end, close (a failed open counts too)
 *         d PATH   opendir, readdir to the end, closedir
 *         l PATH   readlink
 *         a PATH   access(F_OK)
 *         s PATH   stat
 *       bench/status-bench writes OPS from `strace -f -e trace=openat,...`
 *       of a numacmactl run on the same tree, so the set is exactly what
 *       numacmactl touched. Reading OPS itself is part of the floor's cost.
 *
 *   read-floor --compare RUNS OPS -- CMD [ARG...]
 *       RUNS times: run CMD (stdout and stderr to /dev/null), then
 *       "read-floor OPS" (this binary again). Print, for each, the minimum
 *       and the median wall time and CPU time (user + system, from wait4)
 *       in milliseconds, and the ratios CMD / floor. Both are started the
 *       same way (fork + exec), so process start-up is on both sides. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int do_ops(const char *ops_path) {
        FILE *f = fopen(ops_path, "re");
        if (!f) {
                fprintf(stderr, "%s: %s\n", ops_path, strerror(errno));
                return 1;
        }
        static char buf[65536];
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        unsigned long n = 0;
        while ((len = getline(&line, &cap, f)) > 0) {
                if (line[len - 1] == '\n')
                        line[--len] = 0;
                if (len < 3 || line[1] != ' ')
                        continue;
                const char *p = line + 2;
                switch (line[0]) {
                case 'r': {
                        int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY);
                        if (fd >= 0) {
                                while (read(fd, buf, sizeof(buf)) > 0)
                                        ;
                                close(fd);
                        }
                        break;
                }
                case 'd': {
                        DIR *d = opendir(p);
                        if (d) {
                                while (readdir(d))
                                        ;
                                closedir(d);
                        }
                        break;
                }
                case 'l': {
                        char t[4096];
                        (void) readlink(p, t, sizeof(t));
                        break;
                }
                case 'a':
                        (void) access(p, F_OK);
                        break;
                case 's': {
                        struct stat st;
                        (void) stat(p, &st);
                        break;
                }
                default:
                        continue;
                }
                n++;
        }
        free(line);
        fclose(f);
        return n ? 0 : 1;
}

static double now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

/* Run argv with stdout/stderr on /dev/null; wall and CPU time in ms. */
static int run(char *const *argv, double *wall, double *cpu) {
        double t0 = now_ms();
        pid_t pid = fork();
        if (pid < 0)
                return -1;
        if (pid == 0) {
                int null = open("/dev/null", O_WRONLY);
                dup2(null, 1);
                dup2(null, 2);
                execv(argv[0], argv);
                _exit(127);
        }
        int status;
        struct rusage ru;
        if (wait4(pid, &status, 0, &ru) < 0)
                return -1;
        *wall = now_ms() - t0;
        *cpu = (double) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
               (double) (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
        if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 1 &&
                                   WEXITSTATUS(status) != 2 && WEXITSTATUS(status) != 3)) {
                fprintf(stderr, "%s exited with status 0x%x\n", argv[0], status);
                return -1;
        }
        return 0;
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;
        return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
        qsort(v, (size_t) n, sizeof(double), cmp_double);
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double minimum(const double *v, int n) {
        double m = v[0];
        for (int i = 1; i < n; i++)
                if (v[i] < m)
                        m = v[i];
        return m;
}

static int compare(int runs, const char *ops, char **cmd) {
        char self[4096];
        ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (l < 0)
                return 1;
        self[l] = 0;
        char *floor_argv[] = { self, (char *) ops, NULL };
        double *w[2], *c[2];
        for (int s = 0; s < 2; s++) {
                w[s] = calloc((size_t) runs, sizeof(double));
                c[s] = calloc((size_t) runs, sizeof(double));
                if (!w[s] || !c[s])
                        return 1;
        }
        /* One unmeasured round to warm the page cache and the dentries. */
        double dw, dc;
        if (run(cmd, &dw, &dc) < 0 || run(floor_argv, &dw, &dc) < 0)
                return 1;
        for (int i = 0; i < runs; i++)
                if (run(cmd, &w[0][i], &c[0][i]) < 0 || run(floor_argv, &w[1][i], &c[1][i]) < 0)
                        return 1;
        double wmin[2], wmed[2], cmin[2], cmed[2];
        for (int s = 0; s < 2; s++) {
                wmin[s] = minimum(w[s], runs);
                cmin[s] = minimum(c[s], runs);
                wmed[s] = median(w[s], runs);
                cmed[s] = median(c[s], runs);
        }
        printf("                 wall min   wall median   cpu min   cpu median   (ms, %d runs each)\n", runs);
        printf("  numacmactl   %10.3f   %11.3f  %8.3f   %10.3f\n", wmin[0], wmed[0], cmin[0], cmed[0]);
        printf("  read floor   %10.3f   %11.3f  %8.3f   %10.3f\n", wmin[1], wmed[1], cmin[1], cmed[1]);
        printf("  ratio        %10.2f   %11.2f  %8.2f   %10.2f\n", wmin[0] / wmin[1], wmed[0] / wmed[1],
               cmin[1] > 0 ? cmin[0] / cmin[1] : 0.0, cmed[1] > 0 ? cmed[0] / cmed[1] : 0.0);
        for (int s = 0; s < 2; s++) {
                free(w[s]);
                free(c[s]);
        }
        return 0;
}

int main(int argc, char **argv) {
        if (argc == 2)
                return do_ops(argv[1]);
        if (argc >= 6 && strcmp(argv[1], "--compare") == 0 && strcmp(argv[4], "--") == 0) {
                int runs = atoi(argv[2]);
                if (runs < 1)
                        return 2;
                return compare(runs, argv[3], argv + 5);
        }
        fprintf(stderr, "usage: %s OPS\n       %s --compare RUNS OPS -- CMD [ARG...]\n", argv[0], argv[0]);
        return 2;
}
