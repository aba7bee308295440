/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <libgen.h>
#include <stdarg.h>
#include <sys/wait.h>

#include "basic/atomic_write.h"
#include "basic/chase.h"
#include "basic/fileio.h"
#include "basic/spawn.h"
#include "basic/udiff.h"
#include "bootcfg/apply_ctx.h"
#include "bootcfg/owned.h"
#include "bootcfg/writer_lock.h"

/* What commands may print into the result. */
#define OUTPUT_MAX (256u * 1024)

static int io_write(void *userdata, const char *full, const char *content, mode_t mode) {
        if (!content)
                return remove_file_synced(full);
        _cleanup_free_ char *dir = strdup(full);
        int r = dir ? mkdir_parents(dirname(dir), 0755) : -ENOMEM;
        if (r < 0)
                return r;
        r = write_file_atomic(full, content, strlen(content), mode);
        return r < 0 ? r : 0;
}

static int io_run(void *userdata, char *const *argv, char *const *envp, char **ret_output, int *ret_status) {
        SpawnOptions o = { .envp = envp, .search_path = true, .with_stderr = true, .max_output = OUTPUT_MAX };
        return spawn_capture(argv, &o, ret_output, NULL, ret_status);
}

const BootIO boot_io_default = { .write = io_write, .run = io_run };

void boot_apply_result_done(BootApplyResult *r) {
        strv_free(r->changed);
        strv_free(r->commands);
        free(r->diff);
        strv_free(r->notes);
        free(r->output);
        free(r->error);
        *r = (BootApplyResult){0};
}

int boot_ctx_fail(BootCtx *c, int r, const char *fmt, ...) {
        va_list ap;
        char *msg = NULL;
        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        if (!c->res->error)
                c->res->error = msg;
        else
                free(msg);
        return r < 0 ? r : -EIO;
}

int boot_ctx_note(BootCtx *c, const char *fmt, ...) {
        va_list ap;
        char *msg = NULL;
        va_start(ap, fmt);
        int k = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        return strv_push(&c->res->notes, msg);
}

/* Where path is below the root, every link resolved inside it: nothing is
 * read or written outside --root, and a link that leads out is an error
 * that names it. The same on the live system ("/"): a link there is
 * followed and its target replaced, never the link itself. */
static int resolve(BootCtx *c, const char *path, char **ret) {
        _cleanup_free_ char *link = NULL;
        int r = chase_below_root(c->root, path, ret, &link);
        if (r == -EXDEV)
                return boot_ctx_fail(c, r, "'%s' leads out of the root '%s' through the link '%s': not written",
                                     path, c->root, strna(link));
        if (r < 0)
                return boot_ctx_fail(c, r, "cannot resolve '%s' below '%s': %s", path, c->root, strerror(-r));
        return 0;
}

int boot_ctx_read(BootCtx *c, const char *path, char **ret) {
        return boot_ctx_read_size(c, path, ret, NULL);
}

int boot_ctx_read_size(BootCtx *c, const char *path, char **ret, size_t *ret_size) {
        _cleanup_free_ char *full = NULL;
        int r = resolve(c, path, &full);
        if (r < 0)
                return r;
        r = read_regular_below_root(NULL, full, ret, ret_size);
        if (r == -EBADFD)
                return boot_ctx_fail(c, r, "'%s' is %s, not a file numacma can edit: nothing written", path,
                                     strna(chase_kind_below_root(NULL, full)));
        if (r < 0 && r != -ENOENT)
                return boot_ctx_fail(c, r, "cannot read '%s': %s", path, strerror(-r));
        return r;
}

int boot_ctx_write(BootCtx *c, const char *path, const char *content, mode_t mode) {
        _cleanup_free_ char *full = NULL, *old = NULL;
        int r = resolve(c, path, &full);
        if (r < 0)
                return r;
        r = boot_ctx_read(c, path, &old);
        if (r < 0 && r != -ENOENT)
                return r;
        return boot_ctx_replace(c, path, old, content, mode);
}

/* Whether the write of full (path below the root) can happen: the file, or
 * the nearest directory above it that exists (a read-only mount, such as a
 * unit's ProtectSystem=, says EROFS). */
static int writable(BootCtx *c, const char *path, const char *full) {
        _cleanup_free_ char *p = strdup(full);
        if (!p)
                return -ENOMEM;
        bool file = true;
        for (;;) {
                if (access(p, F_OK) == 0) {
                        if (access(p, W_OK) < 0 || (file && access(dirname(p), W_OK) < 0)) {
                                int e = errno;
                                return boot_ctx_fail(c, -e, "'%s' cannot be written: %s: nothing written", path, strerror(e));
                        }
                        return 0;
                }
                file = false;
                char *slash = strrchr(p, '/');
                if (!slash || slash == p)
                        return 0;
                *slash = 0;
        }
}

int boot_ctx_note_command_edit(BootCtx *c, const char *path, const char *old, const char *content) {
        if (streq_ptr(old, content))
                return 0;
        _cleanup_free_ char *d = udiff(path, old, content);
        if (!d)
                return -ENOMEM;
        strbuf_append(&c->diff, d);
        int r = strv_extend(&c->res->changed, path);
        return r < 0 ? r : 1;
}

int boot_ctx_replace(BootCtx *c, const char *path, const char *old, const char *content, mode_t mode) {
        _cleanup_free_ char *full = NULL;
        int r;

        if (streq_ptr(old, content))
                return 0;
        if ((r = resolve(c, path, &full)) < 0)
                return r;

        _cleanup_free_ char *d = udiff(path, old, content);
        if (!d)
                return -ENOMEM;
        strbuf_append(&c->diff, d);
        if (c->flags & BOOT_APPLY_DRY_RUN) {
                if (c->check_writable && (r = writable(c, path, full)) < 0)
                        return r;
                return (r = strv_extend(&c->res->changed, path)) < 0 ? r : 1;
        }

        r = c->io->write(c->io->userdata, full, content, mode);
        if (r < 0)
                return boot_ctx_fail(c, r, "cannot %s '%s': %s", content ? "write" : "remove", path, strerror(-r));
        /* Only what really changed is reported as changed. */
        if ((r = strv_extend(&c->res->changed, path)) < 0)
                return r;
        return 1;
}

int boot_ctx_write_record(BootCtx *c, char *const *tokens) {
        /* Nothing to record and no record yet: none is made (an apply that
         * writes nothing leaves the root as it was). */
        if (!(tokens && *tokens) && !(c->next && c->next->has_record))
                return 0;
        _cleanup_free_ char *text = owned_format(boot_backend_to_string(c->res->backend), tokens);
        if (!text)
                return -ENOMEM;
        return boot_ctx_write(c, OWNED_PATH, text, 0644);
}

bool boot_ctx_runs_commands(const BootCtx *c) {
        return !(c->flags & (BOOT_APPLY_DRY_RUN | BOOT_APPLY_NO_COMMANDS)) && (c->live || c->io->run_below_root);
}

bool boot_ctx_have_program(const BootCtx *c, const char *name) {
        if (c->live || c->io->run_below_root)
                return spawn_in_path(name);
        static const char *const dirs[] = { "/usr/sbin", "/usr/bin", "/sbin", "/bin" };
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                _cleanup_free_ char *rel = strdup_printf("%s/%s", dirs[i], name);
                if (rel && exists_root(c->root, rel))
                        return true;
        }
        return false;
}

/* The environment commands get: ours, with NUMACMA_ROOT naming a root
 * other than "/" (fake tools in tests act on it). */
static int command_env(const BootCtx *c, char ***ret) {
        _cleanup_strv_free_ char **env = NULL;
        int r;
        for (char **e = environ; e && *e; e++)
                if (!startswith(*e, "NUMACMA_ROOT=") && !startswith(*e, WRITER_LOCK_HELD_ENV "=") &&
                    (r = strv_extend(&env, *e)) < 0)
                        return r;
        if (!c->live && (r = strv_extendf(&env, "NUMACMA_ROOT=%s", c->root)) < 0)
                return r;
        /* numacma's own kernel-install plugin runs under this apply. */
        if ((r = strv_extendf(&env, WRITER_LOCK_HELD_ENV "=%d", (int) getpid())) < 0)
                return r;
        if (!env && !(env = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret = TAKE_PTR(env);
        return 0;
}

int boot_ctx_run(BootCtx *c, char *const *argv) {
        _cleanup_free_ char *shown = spawn_command_string(argv), *out = NULL;
        _cleanup_strv_free_ char **env = NULL;
        int r, status;
        if (!shown || (r = strv_extend(&c->res->commands, shown)) < 0)
                return -ENOMEM;
        if (!boot_ctx_runs_commands(c)) {
                c->res->commands_not_run = true;
                return 0;
        }
        if ((r = command_env(c, &env)) < 0)
                return r;
        r = c->io->run(c->io->userdata, argv, env, &out, &status);
        if (r < 0)
                return boot_ctx_fail(c, r, "cannot run '%s': %s", shown, strerror(-r));
        char *all = strdup_printf("%s%s", strempty(c->res->output), strempty(out));
        if (!all)
                return -ENOMEM;
        free(c->res->output);
        c->res->output = all;
        _cleanup_free_ char *why = spawn_status_string(status);
        if (!why && WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        return boot_ctx_fail(c, -EPROTO, "'%s' %s", shown, why ? why : "failed");
}

void boot_ctx_probe(const BootCtx *c, BootCtx *ret_probe, BootApplyResult *probe_res) {
        *probe_res = (BootApplyResult){ .backend = c->res->backend };
        *ret_probe = *c;
        ret_probe->flags |= BOOT_APPLY_DRY_RUN;
        ret_probe->res = probe_res;
        ret_probe->diff = (StrBuf){0};
}

void boot_ctx_probe_done(BootCtx *probe) {
        strbuf_done(&probe->diff);
        boot_apply_result_done(probe->res);
}
