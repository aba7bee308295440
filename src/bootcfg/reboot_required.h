/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The distributions' "reboot needed" flags: Debian Policy 9.12's
 * /run/reboot-required with the package named once in
 * /run/reboot-required.pkgs (read by unattended-upgrades, motd and
 * monitoring), and openSUSE's /run/reboot-needed (zypp-boot-plugin). */
#pragma once

/* Set numacma's flags when next_cmdline asks for other CMA areas than the
 * booted /proc/cmdline, clear them when it no longer does. A flag another
 * package also asked for stays. */
int reboot_required_update(const char *root, const char *next_cmdline);
