/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included into every object (see Kbuild): the one place that knows
 * about kernel differences. Driver files stay free of version checks; new
 * differences get a feature probe here, not an #if on the version.
 */
#ifndef _SRIOV_HELPER_COMPAT_H
#define _SRIOV_HELPER_COMPAT_H

/* The 6.1 floor is enforced in Kbuild, before any file compiles. */

/*
 * 6.1 vs 6.12 differences that the code relies on, all source-compatible:
 * - bus_register_notifier() takes a const bus_type in 6.12; &pci_bus_type
 *   fits both.
 * - to_pci_driver() is an inline in 6.1 and a NULL-safe macro in 6.12;
 *   both accept NULL, so callers may pass dev->driver unchecked.
 * - pci_dev->driver is gone: always derive it from dev->driver.
 */

#ifdef __KERNEL__
#include <linux/device.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/string.h>

/*
 * Set a PCI device's driver_override; "" clears it. Newer kernels (and
 * their stable series: Debian's 6.12.95 has it) keep the override in
 * struct device behind device_set_driver_override(); before that it was
 * pci_dev->driver_override, set with driver_set_override(). Kbuild probes
 * the kernel's device.h for the new helper.
 */
static inline int sriovh_set_driver_override(struct pci_dev *pdev,
					     const char *s)
{
#ifdef SRIOVH_HAVE_DEVICE_DRIVER_OVERRIDE
	return device_set_driver_override(&pdev->dev, s);
#else
	return driver_set_override(&pdev->dev, &pdev->driver_override, s,
				   strlen(s));
#endif
}

/*
 * Is a PCI device's driver_override @name? Newer kernels keep it under
 * its own spinlock: the body of device_match_driver_override()
 * (include/linux/device.h), spelled out because sparse cannot follow the
 * guard() it takes that lock with. Before, 6.1's driver_set_override()
 * writes pdev->driver_override under device_lock(dev), which the caller
 * then holds.
 */
static inline bool sriovh_driver_override_is(struct pci_dev *pdev,
					     const char *name)
{
#ifdef SRIOVH_HAVE_DEVICE_DRIVER_OVERRIDE
	bool is;

	spin_lock(&pdev->dev.driver_override.lock);
	is = pdev->dev.driver_override.name &&
	     !strcmp(pdev->dev.driver_override.name, name);
	spin_unlock(&pdev->dev.driver_override.lock);
	return is;
#else
	device_lock_assert(&pdev->dev);
	return pdev->driver_override && !strcmp(pdev->driver_override, name);
#endif
}

/*
 * Where an IRQ is about to go. Where interrupts cannot be moved from
 * process context (x86 MSI without interrupt remapping), irq_set_affinity()
 * only records the new mask and the move happens at the next interrupt;
 * until then /proc/irq/N/smp_affinity shows that pending mask, and so do
 * we. Architectures without GENERIC_PENDING_IRQ move at once.
 */
static inline const struct cpumask *sriovh_irq_pending_mask(struct irq_data *d)
{
#ifdef CONFIG_GENERIC_PENDING_IRQ
	if (irqd_is_setaffinity_pending(d))
		return irq_data_to_desc(d)->pending_mask;
#endif
	return NULL;
}

#endif /* __KERNEL__ */

#endif /* _SRIOV_HELPER_COMPAT_H */
