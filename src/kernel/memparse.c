/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <inttypes.h>

#include "basic/util.h"
#include "kernel/memparse.h"

char *format_size_kernel(uint64_t bytes) {
        static const char suffix[] = "KMGTPE";
        int i = -1;
        while (bytes && bytes % 1024 == 0 && i < 5) {
                bytes /= 1024;
                i++;
        }
        if (i < 0)
                return strdup_printf("%" PRIu64, bytes);
        return strdup_printf("%" PRIu64 "%c", bytes, suffix[i]);
}

/* lib/cmdline.c memparse(): _parse_integer_fixup_radix(), _parse_integer()
 * with its overflow flag (the value is then ULLONG_MAX), and the suffix
 * only after at least one digit, shifted with check_shl_overflow(). */
uint64_t kernel_memparse(const char *s, const char **ret_end) {
        const char *p = s;
        uint64_t v = 0;
        unsigned base = 10;
        bool overflow = false;

        if (p[0] == '0') {
                if ((p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char) p[2])) {
                        base = 16;
                        p += 2;
                } else
                        base = 8;
        }
        const char *digits = p;
        for (;; p++) {
                unsigned d;
                if (*p >= '0' && *p <= '9')
                        d = (unsigned) (*p - '0');
                else if (base == 16 && isxdigit((unsigned char) *p))
                        d = (unsigned) (tolower((unsigned char) *p) - 'a' + 10);
                else
                        break;
                if (d >= base)
                        break;
                if (!size_mul(v, base, &v) || !size_add(v, d, &v))
                        overflow = true;
        }
        if (overflow)
                v = UINT64_MAX;
        unsigned shift = 0;
        switch (p > digits ? *p : 0) {
        case 'E': case 'e': shift += 10; __attribute__((fallthrough));
        case 'P': case 'p': shift += 10; __attribute__((fallthrough));
        case 'T': case 't': shift += 10; __attribute__((fallthrough));
        case 'G': case 'g': shift += 10; __attribute__((fallthrough));
        case 'M': case 'm': shift += 10; __attribute__((fallthrough));
        case 'K': case 'k': shift += 10;
                p++;
                break;
        default:
                break;
        }
        if (ret_end)
                *ret_end = p;
        (void) size_shl(v, shift, &v);
        return v;
}
