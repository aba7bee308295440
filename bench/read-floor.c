/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The floor for `numacmactl status`: a process that makes the same file
 * system calls numacmactl makes and nothing else, and a timer that runs
 * several commands alternately.
 *
 *   read-floor OPS
 *       Do every operation listed in OPS once, in order. One per line:
 *         r PATH         open, read to the end, close (a failed open counts too)
 *         d PATH         opendir, readdir to the end, closedir
 *         l PATH         readlink
 *         a PATH         access(F_OK)
 *         s PATH         stat
 *         R DIR<TAB>REL  openat(DIR, REL), read to the end, close
 *         L DIR<TAB>REL  readlinkat(DIR, REL)
 *       DIR is opened once, on its first use, and stays open (as numacmactl
 *       keeps a directory open while it reads the files below it).
 *       bench/status-bench writes OPS from `strace -f -y` of a numacmactl
 *       run on the same tree, so the set is exactly what numacmactl touched.
 *       Reading OPS itself is part of the floor's cost.
 *
 *   read-floor --compare RUNS -- LABEL CMD [ARG...] [-- LABEL CMD [ARG...]]...
 *       RUNS times, each command once in turn (stdout and stderr to
 *       /dev/null); a CMD of "@OPS" is "read-floor OPS" (this binary
 *       again). Print, per LABEL, the minimum and the median wall time and
 *       CPU time (user + system, from wait4) in milliseconds. Every command
 *       is started the same way (fork + exec), so process start-up is on
 *       every side. */
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

static char buf[65536];

static void read_all(int fd) {
        if (fd < 0)
                return;
        while (read(fd, buf, sizeof(buf)) > 0)
                ;
        close(fd);
}

/* The directory fds of R and L lines, by path; few distinct ones. */
static struct {
        char *path;
        int fd;
} dirs[64];
static int n_dirs;

static int dir_fd(const char *path) {
        for (int i = 0; i < n_dirs; i++)
                if (strcmp(dirs[i].path, path) == 0)
                        return dirs[i].fd;
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (n_dirs < (int) (sizeof(dirs) / sizeof(dirs[0]))) {
                dirs[n_dirs].path = strdup(path);
                dirs[n_dirs++].fd = fd;
        }
        return fd;
}

static void do_at(char op, char *p) {
        char *tab = strchr(p, '\t');
        char t[4096];
        if (!tab)
                return;
        *tab = 0;
        int dfd = dir_fd(p);
        if (op == 'R')
                read_all(openat(dfd, tab + 1, O_RDONLY | O_CLOEXEC | O_NOCTTY));
        else
                (void) readlinkat(dfd, tab + 1, t, sizeof(t));
}

static int do_op(char op, char *p) {
        char t[4096];
        struct stat st;
        DIR *d;
        switch (op) {
        case 'r':
                read_all(open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY));
                return 1;
        case 'd':
                if ((d = opendir(p))) {
                        while (readdir(d))
                                ;
                        closedir(d);
                }
                return 1;
        case 'l':
                (void) readlink(p, t, sizeof(t));
                return 1;
        case 'a':
                (void) access(p, F_OK);
                return 1;
        case 's':
                (void) stat(p, &st);
                return 1;
        case 'R':
        case 'L':
                do_at(op, p);
                return 1;
        default:
                return 0;
        }
}

static int do_ops(const char *ops_path) {
        FILE *f = fopen(ops_path, "re");
        if (!f) {
                fprintf(stderr, "%s: %s\n", ops_path, strerror(errno));
                return 1;
        }
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        unsigned long n = 0;
        while ((len = getline(&line, &cap, f)) > 0) {
                if (line[len - 1] == '\n')
                        line[--len] = 0;
                if (len >= 3 && line[1] == ' ')
                        n += (unsigned long) do_op(line[0], line + 2);
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
        /* numacmactl status exits by state: 0, 1, 3 or 150 (numacmactl(8)). */
        if (!WIFEXITED(status) || (WEXITSTATUS(status) > 3 && WEXITSTATUS(status) != 150) || WEXITSTATUS(status) == 2) {
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

typedef struct {
        const char *label;
        char **argv;
        double *wall, *cpu;
} Side;

/* Split "-- LABEL CMD... -- LABEL CMD..." into sides; "@OPS" runs self. */
static int parse_sides(int argc, char **argv, char *self, Side *sides, int max) {
        int n = 0;
        for (int i = 0; i < argc; i++) {
                if (strcmp(argv[i], "--") != 0)
                        continue;
                argv[i] = NULL;  /* ends the previous side's argv */
                if (i + 2 >= argc || n == max)
                        return -1;
                Side *s = &sides[n++];
                s->label = argv[i + 1];
                s->argv = &argv[i + 2];
                if (s->argv[0][0] == '@') {
                        char **a = calloc(3, sizeof(char *));
                        if (!a)
                                return -1;
                        a[0] = self;
                        a[1] = s->argv[0] + 1;
                        s->argv = a;
                }
        }
        return n;
}

static int compare(int runs, int argc, char **argv) {
        char self[4096];
        ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (l < 0)
                return 1;
        self[l] = 0;
        Side sides[8];
        int n = parse_sides(argc, argv, self, sides, 8);
        if (n < 1)
                return 2;
        double dw, dc;
        for (int s = 0; s < n; s++) {
                sides[s].wall = calloc((size_t) runs, sizeof(double));
                sides[s].cpu = calloc((size_t) runs, sizeof(double));
                /* One unmeasured round to warm the page cache and the dentries. */
                if (!sides[s].wall || !sides[s].cpu || run(sides[s].argv, &dw, &dc) < 0)
                        return 1;
        }
        for (int i = 0; i < runs; i++)
                for (int s = 0; s < n; s++)
                        if (run(sides[s].argv, &sides[s].wall[i], &sides[s].cpu[i]) < 0)
                                return 1;
        printf("  %-24s %10s %12s %9s %11s   (ms, %d runs each)\n", "", "wall min", "wall median", "cpu min",
               "cpu median", runs);
        for (int s = 0; s < n; s++) {
                double wmed = median(sides[s].wall, runs), cmed = median(sides[s].cpu, runs);
                /* median() sorted them: the minimum is the first. */
                printf("  %-24s %10.3f %12.3f %9.3f %11.3f\n", sides[s].label, sides[s].wall[0], wmed,
                       sides[s].cpu[0], cmed);
        }
        return 0;
}

int main(int argc, char **argv) {
        if (argc == 2)
                return do_ops(argv[1]);
        if (argc >= 6 && strcmp(argv[1], "--compare") == 0 && strcmp(argv[3], "--") == 0) {
                int runs = atoi(argv[2]);
                if (runs < 1)
                        return 2;
                return compare(runs, argc - 3, argv + 3);
        }
        fprintf(stderr, "usage: %s OPS\n       %s --compare RUNS -- LABEL CMD|@OPS [ARG...] [-- ...]\n",
                argv[0], argv[0]);
        return 2;
}
