/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included into every object (see Kbuild): the one place that knows
 * about kernel versions. Driver files stay free of version checks.
 */
#ifndef _SRIOV_HELPER_COMPAT_H
#define _SRIOV_HELPER_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "sriov_helper needs Linux 6.1 or later"
#endif

/*
 * 6.1 vs 6.12 differences that the code relies on, all source-compatible:
 * - bus_register_notifier() takes a const bus_type in 6.12; &pci_bus_type
 *   fits both.
 * - to_pci_driver() is an inline in 6.1 and a NULL-safe macro in 6.12;
 *   both accept NULL, so callers may pass dev->driver unchecked.
 * - pci_dev->driver is gone: always derive it from dev->driver.
 */

#endif /* _SRIOV_HELPER_COMPAT_H */
