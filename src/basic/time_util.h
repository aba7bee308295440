/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Time in microseconds, the unit of the policy's spans, sd-event's timers
 * and systemd's MONOTONIC_USEC=. */
#pragma once

#include <stdint.h>
#include <time.h>

#define USEC_PER_MSEC UINT64_C(1000)
#define USEC_PER_SEC UINT64_C(1000000)

/* clock_gettime(clock) in microseconds. */
uint64_t now_usec(clockid_t clock);
