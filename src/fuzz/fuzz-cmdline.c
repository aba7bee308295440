/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for src/kernel/cmdline.c (and kernel_memparse(),
 * src/kernel/memparse.c): the input is a kernel command line. Checks,
 * abort()ing on any failure:
 *  - parse -> to_string gives the line back byte for byte;
 *  - every token's key, value and "after --" flag equal what the kernel's
 *    next_arg()/parse_args() make of the line (a reference written here
 *    from lib/cmdline.c and kernel/params.c, on a mutable copy);
 *  - after remove_key/remove_text/append, the rebuilt line parses back to
 *    exactly the tokens in memory, the removed keys are gone from the
 *    kernel's part, the appended one is the value the kernel would use, and
 *    init's part is untouched;
 *  - an open quote in the kernel's part is -EBADMSG from
 *    cmdline_parse_closed() and cmdline_append(), at the offset of a '"';
 *  - kernel_memparse() stays inside the string, and format_size_kernel()
 *    output reads back to the same number. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-cmdline.h"
#include "kernel/cmdline.h"
#include "kernel/memparse.h"
#include "basic/util.h"



/* lib/ctype.c: 9-13, 32 and 160 are spaces. */
static bool k_isspace(char ch) {
        unsigned char c = (unsigned char) ch;
        return c == ' ' || (c >= 9 && c <= 13) || c == 160;
}

/* lib/cmdline.c next_arg(), same algorithm, on a writable string. */
static char *ref_next_arg(char *args, char **param, char **val) {
        size_t i, equals = 0;
        bool in_quote = false, quoted = false;

        if (*args == '"') {
                args++;
                in_quote = quoted = true;
        }
        for (i = 0; args[i]; i++) {
                if (k_isspace(args[i]) && !in_quote)
                        break;
                if (equals == 0 && args[i] == '=')
                        equals = i;
                if (args[i] == '"')
                        in_quote = !in_quote;
        }
        *param = args;
        if (!equals)
                *val = NULL;
        else {
                args[equals] = 0;
                *val = args + equals + 1;
                if (**val == '"') {
                        (*val)++;
                        if (args[i - 1] == '"')
                                args[i - 1] = 0;
                }
        }
        /* (The kernel looks at args[-1], the opening quote, when i == 0;
         * the param is "" either way.) */
        if (quoted && i > 0 && args[i - 1] == '"')
                args[i - 1] = 0;
        char *next = args + i;
        if (*next)
                *next++ = 0;
        while (k_isspace(*next))
                next++;
        return next;
}

typedef struct {
        char *key, *value;
        bool init;
} RefTok;

/* kernel/params.c parse_args(): leading spaces skipped, then next_arg()
 * until the end; a param "--" without value ends the kernel's part. */
static size_t ref_parse(char *line, RefTok *out, size_t max) {
        size_t n = 0;
        bool init = false;
        char *args = line;
        while (k_isspace(*args))
                args++;
        while (*args) {
                char *param, *val;
                args = ref_next_arg(args, &param, &val);
                if (!init && !val && strcmp(param, "--") == 0)
                        init = true;
                CHECK(n < max);
                out[n++] = (RefTok) { param, val, init };
        }
        return n;
}

static void check_against_kernel(const Cmdline *c, const char *line) {
        char *copy = strdup(line);
        size_t max = strlen(line) + 1;
        RefTok *ref = calloc(max, sizeof(RefTok));
        CHECK(copy && ref);
        size_t n = ref_parse(copy, ref, max);
        if (n != c->n) {
                fprintf(stderr, "kernel sees %zu params, cmdline_parse() %zu tokens\n", n, c->n);
                abort();
        }
        for (size_t i = 0; i < n; i++) {
                const CmdlineToken *t = &c->tokens[i];
                if (!streq(t->key, ref[i].key) || !streq_ptr(t->value, ref[i].value) ||
                    t->init != ref[i].init) {
                        fprintf(stderr, "token %zu '%s': key '%s' value '%s' init %d; kernel: '%s' '%s' %d\n",
                                i, t->text, t->key, strna(t->value), t->init,
                                ref[i].key, strna(ref[i].value), ref[i].init);
                        abort();
                }
        }
        free(ref);
        free(copy);
}

static void check_same_tokens(const Cmdline *a, const Cmdline *b) {
        CHECK(a->n == b->n);
        for (size_t i = 0; i < a->n; i++) {
                CHECK(streq(a->tokens[i].text, b->tokens[i].text));
                CHECK(streq(a->tokens[i].sep, b->tokens[i].sep));
                CHECK(streq(a->tokens[i].key, b->tokens[i].key));
                CHECK(streq_ptr(a->tokens[i].value, b->tokens[i].value));
                CHECK(a->tokens[i].init == b->tokens[i].init);
        }
        CHECK(streq(strempty(a->trailer), strempty(b->trailer)));
}

static bool last_token_open(const Cmdline *c) {
        if (c->n == 0 || c->tokens[c->n - 1].init)
                return false;
        size_t q = 0;
        for (const char *p = c->tokens[c->n - 1].text; *p; p++)
                q += *p == '"';
        return q % 2 == 1;
}

static void check_memparse(const char *s) {
        const char *end = NULL;
        uint64_t v = kernel_memparse(s, &end);
        CHECK(end >= s && end <= s + strlen(s));
        CHECK(kernel_memparse(s, NULL) == v);
        char *f = format_size_kernel(v);
        CHECK(f);
        const char *fend;
        CHECK(kernel_memparse(f, &fend) == v);
        CHECK(*fend == 0);
        free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size > 65536)  /* far beyond COMMAND_LINE_SIZE; keeps runs fast */
                return 0;
        char *line = malloc(size + 1);
        CHECK(line);
        memcpy(line, data, size);
        line[size] = 0;  /* a NUL inside ends the line, as in C */

        check_memparse(line);

        _cleanup_cmdline_ Cmdline *c = NULL, *closed = NULL;
        CHECK(cmdline_parse(line, &c) == 0);
        size_t at = SIZE_MAX;
        int rc = cmdline_parse_closed(line, &closed, &at);
        CHECK(rc == 0 || rc == -EBADMSG);
        CHECK((rc == -EBADMSG) == (cmdline_open_quote(c, NULL) == -EBADMSG));
        if (rc < 0)
                CHECK(!closed && at < size && line[at] == '"');
        else
                CHECK(closed && closed->n == c->n && at == SIZE_MAX);
        size_t at2 = SIZE_MAX;
        CHECK(cmdline_open_quote(c, &at2) == rc && at2 == at);
        char *s = cmdline_to_string(c);
        CHECK(s);
        if (!streq(s, line)) {
                fprintf(stderr, "round trip differs:\n'%s'\n'%s'\n", line, s);
                abort();
        }
        free(s);
        check_against_kernel(c, line);

        for (size_t i = 0; i < c->n; i++)
                if (c->tokens[i].value)
                        check_memparse(c->tokens[i].value);

        _cleanup_free_ char *init_before = init_part(c);
        static const char *const keys[] = { "numa_cma", "cma", "cma-pernuma", "hugepages" };
        for (size_t k = 0; k < ELEMENTSOF(keys); k++) {
                size_t had = cmdline_count(c, keys[k]);
                CHECK((size_t) cmdline_remove_key(c, keys[k]) == had);
                CHECK(cmdline_count(c, keys[k]) == 0);
                CHECK(cmdline_find_last(c, keys[k]) == -1);
        }
        (void) cmdline_remove_text(c, "quiet");
        CHECK(cmdline_remove_text(c, "quiet") == 0);

        bool open = last_token_open(c);
        size_t off = SIZE_MAX;
        CHECK(cmdline_open_quote(c, &off) == (open ? -EBADMSG : 0));
        if (open) {
                _cleanup_free_ char *now = cmdline_to_string(c);
                CHECK(now && off < strlen(now) && now[off] == '"');
        }
        int r = cmdline_append(c, "numa_cma=0:64M,1:64M");
        CHECK(open ? r == -EBADMSG : r == 0);
        if (r == 0)
                CHECK(streq_ptr(cmdline_get(c, "numa_cma"), "0:64M,1:64M"));
        r = cmdline_append(c, "cma_pernuma=\"1 G\"");
        CHECK(open ? r == -EBADMSG : r == 0);

        s = cmdline_to_string(c);
        CHECK(s);
        _cleanup_cmdline_ Cmdline *d = NULL;
        CHECK(cmdline_parse(s, &d) == 0);
        check_same_tokens(c, d);
        check_against_kernel(d, s);
        if (!open) {
                CHECK(streq_ptr(cmdline_get(d, "numa-cma"), "0:64M,1:64M"));
                CHECK(streq_ptr(cmdline_get(d, "cma_pernuma"), "1 G"));
                CHECK(cmdline_count(d, "numa_cma") == 1);
        }
        CHECK(cmdline_count(d, "cma") == 0);
        CHECK(cmdline_count(d, "hugepages") == 0);
        _cleanup_free_ char *init_after = init_part(d);
        CHECK(streq(init_before, init_after));
        free(s);
        free(line);
        return 0;
}
