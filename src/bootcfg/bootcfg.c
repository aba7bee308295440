/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Detection, dispatch to the backends, the ownership record, and the
 * helpers every write and command of an apply goes through. */
#include <fcntl.h>
#include <libgen.h>
#include <spawn.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "bootcfg/backend.h"
#include "build-config.h"
#include "kernel/cmdline.h"
#include "basic/fileio.h"
#include "bootcfg/owned.h"
#include "basic/udiff.h"

extern char **environ;

unsigned boot_test_fail_write = 0;
int boot_test_fail_step = 0;
bool boot_test_run_commands = false;

/* What commands may print into the result. */
#define OUTPUT_MAX (256u * 1024)

void boot_apply_result_done(BootApplyResult *r) {
        strv_free(r->changed);
        strv_free(r->commands);
        free(r->diff);
        strv_free(r->notes);
        free(r->output);
        free(r->error);
        *r = (BootApplyResult){0};
}

static bool is_live(const char *root) {
        _cleanup_free_ char *p = root_join(root, "/");
        return p && streq(p, "/");
}

/* ---- tokens ---- */

int tokens_of(const char *line, char ***ret) {
        _cleanup_cmdline_ Cmdline *c = NULL;
        char **l = calloc(1, sizeof(char *));
        int r = l ? cmdline_parse(line ? line : "", &c) : -ENOMEM;
        for (size_t i = 0; r >= 0 && i < c->n; i++)
                r = strv_extend(&l, c->tokens[i].text);
        if (r < 0) {
                strv_free(l);
                return r;
        }
        *ret = l;
        return 0;
}

int tokens_edit(const char *line, char *const *remove, char *const *want, char **ret) {
        _cleanup_cmdline_ Cmdline *c = NULL;
        int r = cmdline_parse(line, &c);
        if (r < 0)
                return r;
        for (char *const *t = remove; t && *t; t++)
                cmdline_remove_text(c, *t);
        for (char *const *t = want; t && *t; t++) {
                bool present = false;
                for (size_t i = 0; i < c->n && !present; i++)
                        present = !c->tokens[i].init && streq(c->tokens[i].text, *t);
                /* Already there exactly: appending again would duplicate it. */
                if (!present && (r = cmdline_append(c, *t)) < 0)
                        return r;
        }
        char *s = cmdline_to_string(c);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

/* ---- the context ---- */

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

int boot_ctx_write(BootCtx *c, const char *path, const char *content, mode_t mode) {
        _cleanup_free_ char *full = root_join(c->root, path), *old = NULL;
        int r;

        if (!full)
                return -ENOMEM;
        r = read_full_file_root(NULL, full, &old, NULL);
        if (r < 0 && r != -ENOENT)
                return boot_ctx_fail(c, r, "cannot read '%s': %s", path, strerror(-r));
        if (streq_ptr(old, content))
                return 0;

        _cleanup_free_ char *d = udiff(path, old, content);
        if (!d)
                return -ENOMEM;
        strbuf_append(&c->diff, d);
        if ((r = strv_extend(&c->res->changed, path)) < 0)
                return r;
        if (c->flags & BOOT_APPLY_DRY_RUN)
                return 1;

        bool hooked = boot_test_fail_write && ++c->n_writes == boot_test_fail_write;
        if (hooked)
                fileio_fail_step = boot_test_fail_step;
        if (!content)
                r = hooked && boot_test_fail_step ? -EIO : remove_file_synced(full);
        else {
                _cleanup_free_ char *dir = strdup(full);
                r = dir ? mkdir_parents(dirname(dir), 0755) : -ENOMEM;
                if (r >= 0)
                        r = write_file_atomic(full, content, strlen(content), mode);
        }
        if (hooked)
                fileio_fail_step = 0;
        if (r < 0)
                return boot_ctx_fail(c, r, "cannot %s '%s': %s", content ? "write" : "remove", path, strerror(-r));
        return 1;
}

int boot_ctx_write_record(BootCtx *c, char *const *tokens) {
        _cleanup_free_ char *text = owned_format(boot_backend_to_string(c->res->backend), tokens);
        if (!text)
                return -ENOMEM;
        return boot_ctx_write(c, OWNED_PATH, text, 0644);
}

bool boot_ctx_runs_commands(const BootCtx *c) {
        return !(c->flags & (BOOT_APPLY_DRY_RUN | BOOT_APPLY_NO_COMMANDS)) && (c->live || boot_test_run_commands);
}

bool boot_ctx_have_program(const BootCtx *c, const char *name) {
        if (c->live || boot_test_run_commands) {
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
        static const char *const dirs[] = { "/usr/sbin", "/usr/bin", "/sbin", "/bin" };
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                _cleanup_free_ char *rel = strdup_printf("%s/%s", dirs[i], name);
                if (rel && exists_root(c->root, rel))
                        return true;
        }
        return false;
}

static char *command_string(char *const *argv) {
        StrBuf b = {0};
        strbuf_append(&b, "");
        for (char *const *a = argv; *a; a++) {
                if (a != argv)
                        strbuf_append(&b, " ");
                if (strpbrk(*a, " \t\"'$\\") || !**a) {
                        strbuf_append(&b, "'");
                        for (const char *q = *a; *q; q++)
                                if (*q == '\'')
                                        strbuf_append(&b, "'\\''");
                                else
                                        strbuf_appendn(&b, q, 1);
                        strbuf_append(&b, "'");
                } else
                        strbuf_append(&b, *a);
        }
        return strbuf_steal(&b);
}

int boot_ctx_run(BootCtx *c, char *const *argv) {
        _cleanup_free_ char *shown = command_string(argv);
        int r;
        if (!shown || (r = strv_extend(&c->res->commands, shown)) < 0)
                return -ENOMEM;
        if (!boot_ctx_runs_commands(c)) {
                c->res->commands_not_run = true;
                return 0;
        }

        _cleanup_strv_free_ char **env = NULL;
        for (char **e = environ; e && *e; e++)
                if (!startswith(*e, "NUMACMA_ROOT=") && (r = strv_extend(&env, *e)) < 0)
                        return r;
        if (!c->live && (r = strv_extendf(&env, "NUMACMA_ROOT=%s", c->root)) < 0)
                return r;

        int pfd[2];
        if (pipe2(pfd, O_CLOEXEC) < 0)
                return boot_ctx_fail(c, -errno, "cannot run '%s': %m", shown);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&fa, pfd[1], STDERR_FILENO);
        posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        pid_t pid;
        r = -posix_spawnp(&pid, argv[0], &fa, NULL, argv, env ? env : (char *[]){ NULL });
        posix_spawn_file_actions_destroy(&fa);
        close(pfd[1]);
        if (r < 0) {
                close(pfd[0]);
                return boot_ctx_fail(c, r, "cannot run '%s': %s", shown, strerror(-r));
        }
        StrBuf out = {0};
        if (c->res->output)
                strbuf_append(&out, c->res->output);
        char chunk[4096];
        for (;;) {
                ssize_t n = read(pfd[0], chunk, sizeof(chunk));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                if (out.len < OUTPUT_MAX)
                        strbuf_appendn(&out, chunk, (size_t) n);
        }
        close(pfd[0]);
        free(c->res->output);
        c->res->output = strbuf_steal(&out);
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return boot_ctx_fail(c, -errno, "cannot wait for '%s': %m", shown);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        if (WIFEXITED(status))
                return boot_ctx_fail(c, -EPROTO, "'%s' failed with exit status %d", shown, WEXITSTATUS(status));
        return boot_ctx_fail(c, -EPROTO, "'%s' was killed by signal %d", shown, WTERMSIG(status));
}

/* ---- detection and reading ---- */

BootBackendKind boot_detect(const char *root, BootBackendKind configured) {
        if (configured != BACKEND_AUTO)
                return configured;
        /* loader.conf is systemd-boot's own; GRUB never reads it. */
        if (sdboot_detect(root))
                return BACKEND_SYSTEMD_BOOT;
        if (bls_detect(root)) {
                static const char *const grubby[] = { "/usr/sbin/grubby", "/usr/bin/grubby", "/sbin/grubby" };
                for (size_t i = 0; i < ELEMENTSOF(grubby); i++)
                        if (exists_root(root, grubby[i]))
                                return BACKEND_GRUBBY;
                return BACKEND_BLS;
        }
        if (grub_detect(root))
                return BACKEND_GRUB;
        return BACKEND_NONE;
}

/* record_missing: a backend with a record file, and no record. */
static int read_next(const char *root, const Policy *p, NextBoot *ret, bool *ret_record_missing) {
        NextBoot n = {0};
        BootBackendKind k = boot_detect(root, p ? p->backend : BACKEND_AUTO);
        bool missing = false;
        int r = 0;

        if (!(n.backend = strdup(boot_backend_to_string(k))))
                return -ENOMEM;
        switch (k) {
        case BACKEND_GRUB:
                r = grub_read_next(root, &n);
                break;
        case BACKEND_BLS:
        case BACKEND_GRUBBY:
                r = bls_read_next(root, false, &n);
                break;
        case BACKEND_SYSTEMD_BOOT:
                r = bls_read_next(root, true, &n);
                break;
        default:
                break;
        }
        if (r >= 0 && k != BACKEND_GRUB && k != BACKEND_NONE) {
                OwnedRecord o;
                r = owned_read(root, &o);
                if (r >= 0) {
                        n.owned = TAKE_PTR(o.tokens);
                        owned_record_done(&o);
                } else if (r == -ENOENT) {
                        missing = true;
                        r = 0;
                }
        }
        if (r >= 0) {
                r = apply_failed_read(root, &n.last_error);
                if (r == -ENOENT)
                        r = 0;
        }
        if (r < 0) {
                next_boot_done(&n);
                return r;
        }
        *ret = n;
        if (ret_record_missing)
                *ret_record_missing = missing;
        return 0;
}

int boot_read_next(const char *root, const Policy *p, NextBoot *ret) {
        return read_next(root, p, ret, NULL);
}

static bool is_pernode_key(const char *key) {
        return cmdline_key_eq(key, "numa_cma") || cmdline_key_eq(key, "cma_pernuma");
}

static int next_boot_copy(const NextBoot *n, NextBoot *ret) {
        NextBoot c = {0};
        bool oom = false;
#define DUP(f) do { if (n->f && !(c.f = strdup(n->f))) oom = true; } while (0)
        DUP(backend);
        DUP(cmdline);
        DUP(release);
        DUP(last_error);
#undef DUP
        for (char **s = n->releases; s && *s && !oom; s++)
                oom = strv_extend(&c.releases, *s) < 0;
        if (n->releases && !c.releases && !(c.releases = calloc(1, sizeof(char *))))
                oom = true;
        for (char **s = n->owned; s && *s && !oom; s++)
                oom = strv_extend(&c.owned, *s) < 0;
        if (oom) {
                next_boot_done(&c);
                return -ENOMEM;
        }
        *ret = c;
        return 0;
}

/* Adoption. Without a record (lost, or from before numacma wrote one) a
 * per-node argument cannot be told from the administrator's by where it
 * is. It is adopted only when it is byte for byte what numacma computes
 * with it taken out of the administrator's line: then keeping it as
 * numacma's changes nothing the kernel sees, and a re-apply converges
 * without duplicating it. Anything else stays the administrator's
 * (respect_admin_args). When a record exists, a token missing from it is
 * never adopted: the record is the truth. GRUB needs none of this: its
 * drop-in file is the record. */
int boot_load_status(const char *root, PolicyErrors *errs, Status **ret) {
        Policy *p = NULL;
        NextBoot next = {0};
        bool missing = false;
        int r = policy_load(root, &p, errs);
        if (r < 0)
                return r;
        r = read_next(root, p, &next, &missing);
        if (r < 0) {
                policy_free(p);
                return r;
        }
        _cleanup_strv_free_ char **candidates = NULL;
        if (missing && next.cmdline) {
                _cleanup_cmdline_ Cmdline *c = NULL;
                r = cmdline_parse(next.cmdline, &c);
                for (size_t i = 0; r >= 0 && i < c->n; i++)
                        if (!c->tokens[i].init && is_pernode_key(c->tokens[i].key))
                                r = strv_extend(&candidates, c->tokens[i].text);
                if (r < 0) {
                        policy_free(p);
                        next_boot_done(&next);
                        return r;
                }
        }
        if (candidates) {
                NextBoot trial;
                Status *s = NULL;
                r = next_boot_copy(&next, &trial);
                if (r >= 0) {
                        strv_free(trial.owned);
                        trial.owned = TAKE_PTR(candidates);
                        r = status_compute(root, TAKE_PTR(p), &trial, &s);
                        next_boot_done(&trial);
                }
                if (r < 0) {
                        next_boot_done(&next);
                        return r;
                }
                bool all = true;
                for (char **t = s->next.owned; t && *t; t++)
                        all = all && strv_contains(s->plan->args, *t);
                if (all) {
                        next_boot_done(&next);
                        *ret = s;
                        return 0;
                }
                status_free(s);
                /* Not numacma's: compute again with the policy read anew
                 * (status_compute took the first). */
                r = policy_load(root, &p, errs);
                if (r < 0) {
                        next_boot_done(&next);
                        return r;
                }
        }
        r = status_compute(root, p, &next, ret);
        next_boot_done(&next);
        return r;
}

/* ---- apply ---- */

/* The CMA arguments of a line in order: what decides the pools. */
static char *cma_args(const char *line) {
        _cleanup_cmdline_ Cmdline *c = NULL;
        if (cmdline_parse(line ? line : "", &c) < 0)
                return NULL;
        StrBuf b = {0};
        strbuf_append(&b, "");
        for (size_t i = 0; i < c->n; i++)
                if (!c->tokens[i].init && (is_pernode_key(c->tokens[i].key) || cmdline_key_eq(c->tokens[i].key, "cma"))) {
                        strbuf_append(&b, c->tokens[i].text);
                        strbuf_append(&b, " ");
                }
        return strbuf_steal(&b);
}

/* Debian's convention (unattended-upgrades, motd, monitoring read it):
 * /run/reboot-required, and the package in /run/reboot-required.pkgs once. */
static int mark_reboot_required(const char *root) {
        _cleanup_free_ char *flag = root_join(root, "/run/reboot-required");
        _cleanup_free_ char *pkgs = root_join(root, "/run/reboot-required.pkgs");
        _cleanup_free_ char *run = root_join(root, "/run");
        _cleanup_free_ char *old = NULL;
        int r;
        if (!flag || !pkgs || !run)
                return -ENOMEM;
        if ((r = mkdir_parents(run, 0755)) < 0)
                return r;
        if (access(flag, F_OK) < 0) {
                static const char text[] = "*** System restart required ***\n";
                if ((r = write_file_atomic(flag, text, strlen(text), 0644)) < 0)
                        return r;
        }
        r = read_full_file_root(NULL, pkgs, &old, NULL);
        if (r < 0 && r != -ENOENT)
                return r;
        _cleanup_strv_free_ char **lines = NULL;
        if (old && (r = tokens_of(old, &lines)) < 0)
                return r;
        if (strv_contains(lines, PACKAGE_NAME))
                return 0;
        _cleanup_free_ char *text = strdup_printf("%s%s%s\n", strempty(old),
                                                  old && *old && old[strlen(old) - 1] != '\n' ? "\n" : "", PACKAGE_NAME);
        if (!text)
                return -ENOMEM;
        return write_file_atomic(pkgs, text, strlen(text), 0644);
}

static int after_success(BootCtx *c) {
        NextBoot n = {0};
        _cleanup_free_ char *booted = NULL;
        int r = apply_failed_clear(c->root);
        if (r < 0)
                return boot_ctx_fail(c, r, "cannot clear '%s': %s", APPLY_FAILED_PATH, strerror(-r));
        if (!exists_root(c->root, "/etc/debian_version"))
                return 0;
        if (read_next(c->root, c->policy, &n, NULL) < 0 || !n.cmdline ||
            read_line_root(c->root, "/proc/cmdline", &booted) < 0) {
                next_boot_done(&n);
                return 0;
        }
        _cleanup_free_ char *a = cma_args(n.cmdline), *b = cma_args(booted);
        next_boot_done(&n);
        if (!a || !b)
                return -ENOMEM;
        if (streq(a, b))
                return 0;
        r = mark_reboot_required(c->root);
        if (r < 0)
                boot_ctx_note(c, "cannot write /run/reboot-required: %s", strerror(-r));
        return 0;
}

int boot_apply(const char *root, const Policy *p, const Plan *plan, const NextBoot *next,
               BootApplyFlags flags, BootApplyResult *ret) {
        BootApplyResult res = {0};
        _cleanup_strv_free_ char **remove = NULL;
        BootCtx c = {
                .root = root ? root : "/",
                .live = is_live(root),
                .flags = flags,
                .policy = p,
                .next = next,
                .want = plan->args,
                .res = &res,
        };
        int r = 0;

        res.backend = boot_detect(c.root, p->backend);
        strbuf_append(&c.diff, "");
        if (plan->refused) {
                r = boot_ctx_fail(&c, -ECANCELED, "the plan cannot be written: %s",
                                  plan->problems ? plan->problems[0] : "see numacmactl plan");
                goto done;
        }
        for (char **t = next ? next->owned : NULL; t && *t; t++)
                if (!strv_contains(plan->args, *t) && !strv_contains(remove, *t) &&
                    (r = strv_extend(&remove, *t)) < 0)
                        goto done;
        c.remove = remove;

        switch (res.backend) {
        case BACKEND_GRUB:
                r = grub_apply(&c);
                break;
        case BACKEND_BLS:
                r = bls_apply(&c, false);
                break;
        case BACKEND_GRUBBY:
                r = bls_apply(&c, true);
                break;
        case BACKEND_SYSTEMD_BOOT:
                r = sdboot_apply(&c);
                break;
        default:
                r = boot_ctx_note(&c, "no boot loader configuration found (backend none): the arguments are computed and reported, not written");
                break;
        }
        if (flags & BOOT_APPLY_DRY_RUN)
                goto done;
        if (r < 0) {
                if (!res.error)
                        res.error = strdup_printf("updating the boot configuration failed: %s", strerror(-r));
                int k = apply_failed_write(c.root, res.error ? res.error : "out of memory");
                if (k < 0)
                        boot_ctx_note(&c, "cannot record the failure in '%s': %s", APPLY_FAILED_PATH, strerror(-k));
        } else if (res.backend != BACKEND_NONE)
                r = after_success(&c);
done:
        res.diff = strbuf_steal(&c.diff);
        if (!res.diff && r >= 0)
                r = -ENOMEM;
        *ret = res;
        return r < 0 ? r : 0;
}
