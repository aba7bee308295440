/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include "basic/spawn.h"
#include "basic/util.h"

int spawn_capture(char *const *argv, const SpawnOptions *o, char **ret_output, size_t *ret_size, int *ret_status) {
        static char *const empty_env[] = { NULL };
        int pfd[2], r;

        if (pipe2(pfd, O_CLOEXEC) < 0)
                return -errno;
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
        if (o->with_stderr)
                posix_spawn_file_actions_adddup2(&fa, pfd[1], STDERR_FILENO);
        else if (o->stderr_fd > 0)
                posix_spawn_file_actions_adddup2(&fa, o->stderr_fd, STDERR_FILENO);
        posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        pid_t pid;
        char *const *envp = o->envp ? o->envp : empty_env;
        r = -(o->search_path ? posix_spawnp(&pid, argv[0], &fa, NULL, argv, envp)
                             : posix_spawn(&pid, argv[0], &fa, NULL, argv, envp));
        posix_spawn_file_actions_destroy(&fa);
        close(pfd[1]);
        if (r < 0) {
                close(pfd[0]);
                return r;
        }

        /* Read to the end whatever the limit: a writer must never die of
         * SIGPIPE because we stopped listening. */
        StrBuf out = {0};
        strbuf_append(&out, "");
        char chunk[4096];
        for (;;) {
                ssize_t n = read(pfd[0], chunk, sizeof(chunk));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                if (out.len < o->max_output)
                        strbuf_appendn(&out, chunk, MIN((size_t) n, o->max_output - out.len));
        }
        close(pfd[0]);
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR) {
                        strbuf_done(&out);
                        return -errno;
                }
        size_t len = out.len;
        char *text = strbuf_steal(&out);
        if (!text)
                return -ENOMEM;
        if (ret_size)
                *ret_size = len;
        if (ret_output)
                *ret_output = text;
        else
                free(text);
        *ret_status = status;
        return 0;
}

bool spawn_in_path(const char *name) {
        const char *path = getenv("PATH");
        _cleanup_free_ char *copy = strdup(path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
        if (!copy)
                return false;
        for (char *save = NULL, *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
                _cleanup_free_ char *p = strdup_printf("%s/%s", d, name);
                if (p && access(p, X_OK) == 0)
                        return true;
        }
        return false;
}

char *spawn_command_string(char *const *argv) {
        StrBuf b = {0};
        strbuf_append(&b, "");
        for (char *const *a = argv; *a; a++) {
                if (a != argv)
                        strbuf_append(&b, " ");
                if (!strpbrk(*a, " \t\"'$\\") && **a) {
                        strbuf_append(&b, *a);
                        continue;
                }
                strbuf_append(&b, "'");
                for (const char *q = *a; *q; q++)
                        if (*q == '\'')
                                strbuf_append(&b, "'\\''");
                        else
                                strbuf_appendn(&b, q, 1);
                strbuf_append(&b, "'");
        }
        return strbuf_steal(&b);
}

char *spawn_status_string(int status) {
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return NULL;
        if (WIFEXITED(status))
                return strdup_printf("failed with exit status %d", WEXITSTATUS(status));
        return strdup_printf("was killed by signal %d", WTERMSIG(status));
}
