/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <inttypes.h>
#include <strings.h>

#include "basic/time_util.h"
#include "basic/util.h"
#include "kernel/pci_address.h"
#include "policy/config_values.h"

static const char *const backend_table[] = {
        [BACKEND_AUTO] = "auto",
        [BACKEND_GRUB] = "grub",
        [BACKEND_GRUBBY] = "grubby",
        [BACKEND_BLS] = "bls",
        [BACKEND_SYSTEMD_BOOT] = "systemd-boot",
        [BACKEND_NONE] = "none",
};

const char *boot_backend_to_string(BootBackendKind k) {
        if ((unsigned) k >= ELEMENTSOF(backend_table))
                return NULL;
        return backend_table[k];
}

int boot_backend_from_string(const char *s, BootBackendKind *ret) {
        for (size_t i = 0; i < ELEMENTSOF(backend_table); i++)
                if (strcaseeq(s, backend_table[i])) {
                        *ret = (BootBackendKind) i;
                        return 0;
                }
        return -EINVAL;
}

bool strcaseeq(const char *a, const char *b) {
        return strcasecmp(a, b) == 0;
}

int parse_boolean(const char *s) {
        static const char *const yes[] = { "yes", "true", "on", "1" };
        static const char *const no[] = { "no", "false", "off", "0" };
        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcaseeq(s, yes[i]))
                        return 1;
                if (strcaseeq(s, no[i]))
                        return 0;
        }
        return -EINVAL;
}

/* Decimal digits; *overflow is set (and the value saturates) past UINT64_MAX. */
static const char *scan_u64(const char *p, uint64_t *ret, bool *overflow) {
        uint64_t v = 0;
        for (; *p >= '0' && *p <= '9'; p++)
                if (!size_mul(v, 10, &v) || !size_add(v, (uint64_t) (*p - '0'), &v))
                        *overflow = true;
        *ret = v;
        return p;
}

int parse_size(const char *s, uint64_t *ret) {
        bool overflow = false;
        uint64_t v;
        unsigned shift = 0;

        if (!s || *s < '0' || *s > '9')
                return -EINVAL;
        const char *p = scan_u64(s, &v, &overflow);
        switch (*p) {
        case 'K': case 'k': shift = 10; break;
        case 'M': case 'm': shift = 20; break;
        case 'G': case 'g': shift = 30; break;
        case 'T': case 't': shift = 40; break;
        default: break;
        }
        if (shift > 0) {
                p++;
                if (*p == 'i' || *p == 'I') {
                        p++;
                        if (*p != 'B' && *p != 'b')
                                return -EINVAL;
                }
        }
        if (*p == 'B' || *p == 'b')
                p++;
        if (*p)
                return -EINVAL;
        if (overflow || !size_shl(v, shift, &v))
                return -ERANGE;
        *ret = v;
        return 0;
}

/* "N" or "N.F": integer part and up to max_frac fraction digits scaled to
 * 10^max_frac. More fraction digits than that are an error unless zero. */
static const char *scan_decimal(const char *p, unsigned max_frac, uint64_t *ret_int,
                                uint64_t *ret_frac, bool *overflow, bool *bad) {
        uint64_t frac = 0;
        unsigned n = 0;

        if (*p < '0' || *p > '9') {
                *bad = true;
                return p;
        }
        p = scan_u64(p, ret_int, overflow);
        if (*p == '.') {
                p++;
                if (*p < '0' || *p > '9')
                        *bad = true;
                for (; *p >= '0' && *p <= '9'; p++, n++) {
                        if (n < max_frac)
                                frac = frac * 10 + (uint64_t) (*p - '0');
                        else if (*p != '0')
                                *bad = true;
                }
        }
        for (; n < max_frac; n++)
                frac *= 10;
        *ret_frac = frac;
        return p;
}

int parse_share(const char *s, uint32_t *ret) {
        bool overflow = false, bad = false;
        uint64_t i, f;

        if (!s)
                return -EINVAL;
        /* 1% = 10000 ppm: four fraction digits are exact. */
        const char *p = scan_decimal(s, 4, &i, &f, &overflow, &bad);
        if (bad || !streq(p, "%"))
                return -EINVAL;
        if (overflow || i > 100)
                return -ERANGE;
        uint64_t ppm = i * 10000 + f;
        if (ppm > SHARE_ONE)
                return -ERANGE;
        *ret = (uint32_t) ppm;
        return 0;
}

int parse_timespan(const char *s, uint64_t *ret) {
        static const struct {
                const char *suffix;
                uint64_t usec;
        } units[] = {
                { "",     USEC_PER_SEC },
                { "us",   1 },
                { "usec", 1 },
                { "ms",   USEC_PER_MSEC },
                { "msec", USEC_PER_MSEC },
                { "s",    USEC_PER_SEC },
                { "sec",  USEC_PER_SEC },
                { "m",    60 * USEC_PER_SEC },
                { "min",  60 * USEC_PER_SEC },
                { "h",    3600 * USEC_PER_SEC },
        };
        bool overflow = false, bad = false;
        uint64_t i, f;

        if (!s)
                return -EINVAL;
        /* Nine fraction digits: f * unit stays below 2^64 for every unit. */
        const char *p = scan_decimal(s, 9, &i, &f, &overflow, &bad);
        if (bad)
                return -EINVAL;
        for (size_t k = 0; k < ELEMENTSOF(units); k++) {
                if (!streq(p, units[k].suffix))
                        continue;
                uint64_t u = units[k].usec, v, fv = f * u / UINT64_C(1000000000);
                if (overflow || !size_mul(i, u, &v) || !size_add(v, fv, &v))
                        return -ERANGE;
                *ret = v;
                return 0;
        }
        return -EINVAL;
}

static bool scan_hex(const char **p, size_t min, size_t max, uint32_t *ret) {
        const char *s = *p;
        uint32_t v = 0;
        size_t n = 0;
        for (; isxdigit((unsigned char) *s); s++, n++) {
                if (n >= max)
                        return false;
                v = v * 16 + (uint32_t) (isdigit((unsigned char) *s) ? *s - '0'
                                                                     : tolower((unsigned char) *s) - 'a' + 10);
        }
        if (n < min)
                return false;
        *p = s;
        *ret = v;
        return true;
}

int parse_pci_address(const char *s, char **ret) {
        /* lspci's short form BUS:SLOT.FN (7 characters) names domain 0. */
        _cleanup_free_ char *full = s && strlen(s) == 7 ? strdup_printf("0000:%s", s) : NULL;
        if (s && strlen(s) == 7 && !full)
                return -ENOMEM;
        return pci_address_normalize(full ? full : s, ret);
}

int parse_pci_class(const char *s, PciClassPrefix *ret) {
        uint32_t v;
        const char *p = s;

        if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
                return -EINVAL;
        p += 2;
        const char *digits = p;
        if (!scan_hex(&p, 4, 6, &v) || *p)
                return -EINVAL;
        if (p - digits == 4)
                *ret = (PciClassPrefix) { .value = v << 8, .mask = 0xffff00 };
        else if (p - digits == 6)
                *ret = (PciClassPrefix) { .value = v, .mask = 0xffffff };
        else
                return -EINVAL;
        return 0;
}

bool driver_name_valid(const char *s) {
        size_t n = strlen(s);
        if (n == 0 || n > DRIVER_NAME_MAX)
                return false;
        for (; *s; s++)
                if (!isalnum((unsigned char) *s) && !strchr("_-.+", *s))
                        return false;
        return true;
}

