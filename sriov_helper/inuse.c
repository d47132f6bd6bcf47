// SPDX-License-Identifier: GPL-2.0
/*
 * Is a VF in use by someone we must not pull it from?
 *
 * Removing a VF (a count change, a PF unbind) or unbinding it (a
 * vf_driver move) that userspace holds through VFIO does not fail: vfio's
 * remove waits until userspace lets go of the device
 * (vfio_unregister_group_dev() in drivers/vfio/vfio_main.c), for ever with
 * a VM, with the PF's device_lock and the kernel's sriov_numvfs writer's
 * locks held. So we find out first and refuse.
 *
 * pci_vfs_assigned() counts PCI_DEV_FLAGS_ASSIGNED, which only xen-pciback
 * and a few drivers set; VFIO never does. What tells:
 *
 * - A VF is on a vfio driver when it has a vfio device: every vfio driver,
 *   vfio-pci and each variant (mlx5_vfio_pci, hisi_acc_vfio_pci, ...),
 *   registers a struct vfio_device whose device is a child of the VF in
 *   class "vfio-dev" (vfio_register_group_dev(), drivers/vfio/vfio_main.c;
 *   /sys/class/vfio-dev, Documentation/ABI/testing/sysfs-devices-vfio-dev;
 *   6.1 and 6.12). It is added in the driver's probe and deleted
 *   at the start of its remove, before the remove waits for userspace
 *   (6.12's vfio_unregister_group_dev() calls vfio_device_del() first):
 *   the VF's device_lock, which probe and remove hold, keeps the answer
 *   while it is held, and a VF whose remove is waiting holds that lock,
 *   so callers only try it (apply.c, sriovh_vf_trylock()).
 *
 * - Userspace holds it when its IOMMU group's DMA ownership is claimed by
 *   a user: VFIO_GROUP_SET_CONTAINER (iommu_group_claim_dma_owner(),
 *   drivers/vfio/container.c) or VFIO_DEVICE_BIND_IOMMUFD
 *   (iommu_device_claim_dma_owner(), drivers/iommu/iommufd/device.c), both
 *   before the device can be used. The group's owner count also counts
 *   every bound kernel driver that uses the DMA API (pci_dma_configure(),
 *   drivers/pci/pci-driver.c), and the two exclude each other: a claim is
 *   refused while such a driver is bound in the group, and such a driver
 *   cannot bind while a claim stands (iommu_device_use_default_domain(),
 *   drivers/iommu/iommu.c). So: claimed, and no kernel DMA user in the
 *   group, means a user holds it.
 *
 * - In vfio's no-IOMMU mode nothing is claimed (the group has no domain)
 *   and nothing tells an open device from a closed one: such VFs count as
 *   in use.
 *
 * What stays open: the answer can go stale the moment it is given (a VM
 * may open the device right after), which narrows the window to the one
 * the kernel's own sriov_numvfs writer has without closing it; and a VFIO
 * cdev (/dev/vfio/devices/vfioN, CONFIG_VFIO_DEVICE_CDEV, 6.6+) opened but
 * not yet bound to an iommufd claims nothing yet, so it is not seen.
 */
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include "sriov_helper.h"

/*
 * A PCI driver that serves its devices to userspace through VFIO: every
 * vfio PCI driver sets driver_managed_dma. So do two in-tree drivers that
 * are not vfio ones and never matter here: pci-stub (drivers/pci/pci-stub.c:
 * it binds a device to keep others off it, with no DMA) and pcieport
 * (drivers/pci/pcie/portdrv.c: ports, never a VF). A driver that is bound
 * is better asked with sriovh_dev_on_vfio().
 */
bool sriovh_drv_is_vfio(struct device_driver *drv)
{
	const struct pci_driver *pdrv = drv ? to_pci_driver(drv) : NULL;

	return pdrv && pdrv->driver_managed_dma &&
	       strcmp(drv->name, "pci-stub") && strcmp(drv->name, "pcieport");
}

static int sriovh_is_vfio_dev(struct device *child, void *unused)
{
	return child->class && !strcmp(child->class->name, "vfio-dev");
}

/**
 * sriovh_dev_on_vfio() - is @dev bound to a vfio driver?
 * @dev: the device; the caller keeps its driver (device_lock(@dev), or the
 * driver's own VF creation for a PF)
 *
 * Return: true when a vfio driver has registered @dev with vfio.
 */
bool sriovh_dev_on_vfio(struct device *dev)
{
	struct device *child;

	if (!dev->driver)
		return false;
	child = device_find_child(dev, NULL, sriovh_is_vfio_dev);
	put_device(child);
	return child;
}

/*
 * A device of the group bound to a driver that uses the kernel's DMA API,
 * so that the group's owner count is (also) its. Other devices' drivers
 * are read without their device_lock: the read is under RCU, and a module
 * whose driver was seen bound is not freed before the read side ends
 * (free_module() waits with synchronize_rcu(), kernel/module/main.c), and
 * PCI drivers are static data of their modules or of the kernel.
 */
static int sriovh_kernel_dma_user(struct device *dev, void *unused)
{
	struct device_driver *drv;
	bool kernel = false;

	rcu_read_lock();
	drv = READ_ONCE(dev->driver);
	if (drv)
		kernel = !dev_is_pci(dev) ||
			 !to_pci_driver(drv)->driver_managed_dma;
	rcu_read_unlock();
	return kernel;
}

/**
 * sriovh_vf_in_use() - is @vf assigned to a guest or open through VFIO?
 * @vf: the VF; the caller holds device_lock(@vf), which keeps its driver
 * @why: where to say why, for a message and status
 * @len: its size
 *
 * Return: true when removing or unbinding @vf would wait for its user.
 */
bool sriovh_vf_in_use(struct pci_dev *vf, char *why, size_t len)
{
	struct iommu_group *group;
	bool held;

	device_lock_assert(&vf->dev);
	if (pci_is_dev_assigned(vf)) {
		snprintf(why, len, "VF %s is assigned to a guest",
			 pci_name(vf));
		return true;
	}
	if (!sriovh_dev_on_vfio(&vf->dev))
		return false;
	group = iommu_group_get(&vf->dev);
	/* vfio's no-IOMMU groups have no domain: nothing translates. */
	if (!group || !iommu_get_domain_for_dev(&vf->dev)) {
		iommu_group_put(group);
		snprintf(why, len,
			 "VF %s is on %s without an IOMMU (no-IOMMU mode): whether it is open cannot be told",
			 pci_name(vf), vf->dev.driver->name);
		return true;
	}
	held = iommu_group_dma_owner_claimed(group) &&
	       !iommu_group_for_each_dev(group, NULL, sriovh_kernel_dma_user);
	iommu_group_put(group);
	if (held)
		snprintf(why, len, "VF %s is open through %s (in use by a VM?)",
			 pci_name(vf), vf->dev.driver->name);
	return held;
}
