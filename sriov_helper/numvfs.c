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
 * deadlocks on one kernel and races on another. Going through the
 * attribute gets whichever the running kernel has, and holds the lock
 * exactly as long as the kernel's writer does.
 *
 * The attribute is found the way sysfs itself finds it: the kernfs node
 * of a sysfs file carries its struct attribute in ->priv
 * (fs/sysfs/file.c, sysfs_add_file_mode_ns()), and sriov_numvfs is a
 * DEVICE_ATTR_RW of the PF's device (drivers/pci/iov.c, 6.1 and 6.12).
 * The caller holds a reference on the PF, which keeps its pci_sriov until
 * pci_release_dev(); the store takes device_lock itself, so the caller
 * must not hold it.
 */
#include <linux/device.h>
#include <linux/kernfs.h>
#include <linux/pci.h>
#include <linux/sysfs.h>

#include "sriov_helper.h"

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
	struct kernfs_node *kn;
	char buf[8];
	ssize_t ret;
	int len;

	might_sleep();
	kn = sysfs_get_dirent(pdev->dev.kobj.sd, "sriov_numvfs");
	if (!kn)
		return -ENODEV;	/* not a PF, or its sysfs files are gone */
	if (kernfs_type(kn) != KERNFS_FILE) {
		kernfs_put(kn);
		return -ENODEV;
	}
	attr = container_of((struct attribute *)kn->priv,
			    struct device_attribute, attr);
	len = snprintf(buf, sizeof(buf), "%u", n);
	ret = attr->store ? attr->store(&pdev->dev, attr, buf, len) : -EPERM;
	kernfs_put(kn);
	return ret < 0 ? (int)ret : 0;
}
