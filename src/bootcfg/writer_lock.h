/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One writer of the boot configuration at a time: the daemon, an
 * administrator's numacmactl apply and the package scripts (which run
 * numacmactl apply --remove-all) all take this lock around reading the
 * root and writing it, so no run writes from a state another run is
 * changing. */
#pragma once

#include <stdint.h>

#define WRITER_LOCK_PATH "/run/numacma/writer.lock"
/* Set for the commands numacma runs while it holds the lock (kernel-install
 * add-all runs numacma's own plugin, which must not wait for its parent). */
#define WRITER_LOCK_HELD_ENV "NUMACMA_WRITER_LOCK_HELD"
/* update-grub under emulation takes tens of seconds: wait longer than that. */
#define WRITER_LOCK_TIMEOUT_USEC (300u * 1000000u)

/* Take the lock below root for who ("numacmactl", "numacmad"), waiting at
 * most timeout_usec. *ret_fd is -1 (nothing to release) when the process
 * runs under a holder (WRITER_LOCK_HELD_ENV). -EBUSY after the wait, with
 * *ret_holder saying who holds it (as it wrote itself in the file). */
int writer_lock_take(const char *root, const char *who, uint64_t timeout_usec, int *ret_fd, char **ret_holder);
void writer_lock_release(int *fd);
