// SPDX-License-Identifier: GPL-2.0
/*
 * Changing a PF's VF count through the kernel's own sriov_numvfs writer.
 *
 * sriov_numvfs_store() (drivers/pci/iov.c) is the one caller of
 * sriov_configure() whose locking the PCI core keeps right for its own
 * release: device_lock(PF), and in 6.1.165+/6.12.75+ pci_rescan_remove_lock
 * around sriov_configure() only, so that a rescan or pciehp walk of the
 * bus never meets VFs half added. Some stable releases took that lock
 * inside sriov_add_vfs() instead, and distribution kernels backport either
 * without their version saying so: a module that takes the lock itself
 * deadlocks on one kernel and races on another. Calling the attribute's
 * store gets whichever the running kernel has, and holds the lock exactly
 * as long as the kernel's writer does. (In-tree, this would be an
 * exported helper made of the store's body; out of tree there is none.)
 *
 * The attribute is found without sysfs or kernfs: every pci_dev has
 * dev.type == &pci_dev_type (pci_alloc_dev(), drivers/pci/probe.c), a
 * static const whose groups (pci_dev_attr_groups, drivers/pci/pci-sysfs.c)
 * hold sriov_pf_dev_attr_group, whose attrs hold the DEVICE_ATTR_RW
 * sriov_numvfs (drivers/pci/iov.c), in 6.1 and 6.12 alike. All of it is
 * built-in, static data: nothing to pin, and nothing that a PF's removal
 * frees (its sysfs directory and kernfs nodes are, which is why they are
 * not used). The store itself needs only what the caller holds: a
 * reference on the PF, which keeps pdev->sriov until pci_release_dev(); it
 * takes device_lock itself, so the caller must not hold it.
 */
#include <linux/device.h>
#include <linux/pci.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "sriov_helper.h"

/* The PCI core's sriov_numvfs attribute, from the PF's device type. */
static struct device_attribute *sriovh_numvfs_attr(struct pci_dev *pdev)
{
	const struct attribute_group *const *grp;
	struct attribute **a;

	if (!pdev->dev.type || !pdev->dev.type->groups)
		return NULL;
	for (grp = pdev->dev.type->groups; *grp; grp++) {
		if ((*grp)->name)	/* a subdirectory, not the device's own */
			continue;
		for (a = (*grp)->attrs; a && *a; a++)
			if (!strcmp((*a)->name, "sriov_numvfs") &&
			    ((*a)->mode & 0200))
				return container_of(*a, struct device_attribute,
						    attr);
	}
	return NULL;
}

/**
 * sriovh_numvfs_write() - write @n to the PF's sriov_numvfs
 * @pdev: the PF, referenced, device_lock not held
 * @n: the count
 *
 * The store's own refusals (no driver, no sriov_configure, VFs enabled)
 * come back as its errno; a driver that enables fewer is warned about by
 * the store and seen by the caller in pci_num_vf().
 *
 * Return: 0, or a negative errno.
 */
int sriovh_numvfs_write(struct pci_dev *pdev, u16 n)
{
	struct device_attribute *attr;
	char buf[8];
	ssize_t ret;
	int len;

	might_sleep();
	if (!pdev->is_physfn)
		return -ENODEV;
	attr = sriovh_numvfs_attr(pdev);
	if (!attr || !attr->store)
		return -EOPNOTSUPP;	/* a PCI core without the attribute */
	len = snprintf(buf, sizeof(buf), "%u", n);
	ret = attr->store(&pdev->dev, attr, buf, len);
	return ret < 0 ? (int)ret : 0;
}
