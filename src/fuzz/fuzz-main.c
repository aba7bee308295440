/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Replays saved fuzzer inputs without libFuzzer (and without clang): every
 * file named on the command line, and every file in every directory named
 * there (sorted, dot files left out), goes through LLVMFuzzerTestOneInput()
 * once. A crash, abort or sanitizer report in a target fails the run, as it
 * would under libFuzzer. Exits non-zero when given nothing, on a path it
 * cannot read, or when no input at all was found. */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path, size_t *count) {
        FILE *f = fopen(path, "rbe");
        if (!f) {
                fprintf(stderr, "Failed to open '%s': %s\n", path, strerror(errno));
                return -1;
        }
        uint8_t *buf = NULL;
        size_t len = 0, cap = 0;
        for (;;) {
                if (len == cap) {
                        cap = cap ? cap * 2 : 4096;
                        uint8_t *nb = realloc(buf, cap);
                        if (!nb) {
                                fprintf(stderr, "Out of memory reading '%s'\n", path);
                                free(buf);
                                fclose(f);
                                return -1;
                        }
                        buf = nb;
                }
                size_t n = fread(buf + len, 1, cap - len, f);
                len += n;
                if (n == 0)
                        break;
        }
        if (ferror(f)) {
                fprintf(stderr, "Failed to read '%s'\n", path);
                free(buf);
                fclose(f);
                return -1;
        }
        fclose(f);

        printf("%s (%zu bytes)... ", path, len);
        fflush(stdout);
        /* Exactly len bytes, as libFuzzer passes them: a copy of that size
         * lets ASan catch reads past the end. */
        uint8_t *copy = malloc(len ? len : 1);
        if (!copy) {
                free(buf);
                return -1;
        }
        if (len)
                memcpy(copy, buf, len);
        free(buf);
        (void) LLVMFuzzerTestOneInput(copy, len);
        free(copy);
        printf("ok\n");
        (*count)++;
        return 0;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static int replay_dir(const char *path, size_t *count) {
        DIR *d = opendir(path);
        if (!d) {
                fprintf(stderr, "Failed to open directory '%s': %s\n", path, strerror(errno));
                return -1;
        }
        char **names = NULL;
        size_t n = 0;
        int r = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.')
                        continue;
                char **nn = realloc(names, (n + 1) * sizeof(char *));
                if (!nn || !(nn[n] = strdup(de->d_name))) {
                        names = nn ? nn : names;
                        r = -1;
                        break;
                }
                names = nn;
                n++;
        }
        closedir(d);
        if (n > 1)
                qsort(names, n, sizeof(char *), cmp_str);
        for (size_t i = 0; r == 0 && i < n; i++) {
                size_t l = strlen(path) + 1 + strlen(names[i]) + 1;
                char *p = malloc(l);
                if (!p) {
                        r = -1;
                        break;
                }
                snprintf(p, l, "%s/%s", path, names[i]);
                struct stat st;
                if (stat(p, &st) < 0) {
                        fprintf(stderr, "Failed to stat '%s': %s\n", p, strerror(errno));
                        r = -1;
                } else if (S_ISREG(st.st_mode))
                        r = replay_file(p, count);
                /* Subdirectories and others are not inputs. */
                free(p);
        }
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
        return r;
}

int main(int argc, char **argv) {
        size_t count = 0;

        if (argc < 2) {
                fprintf(stderr, "Usage: %s FILE|DIRECTORY...\n"
                        "Runs each input file through the fuzz target once.\n", argv[0]);
                return EXIT_FAILURE;
        }
        for (int i = 1; i < argc; i++) {
                struct stat st;
                if (stat(argv[i], &st) < 0) {
                        fprintf(stderr, "Failed to stat '%s': %s\n", argv[i], strerror(errno));
                        return EXIT_FAILURE;
                }
                int r = S_ISDIR(st.st_mode) ? replay_dir(argv[i], &count) : replay_file(argv[i], &count);
                if (r < 0)
                        return EXIT_FAILURE;
        }
        printf("Replayed %zu input%s.\n", count, count == 1 ? "" : "s");
        if (count == 0) {
                fprintf(stderr, "No inputs found.\n");
                return EXIT_FAILURE;
        }
        return EXIT_SUCCESS;
}
