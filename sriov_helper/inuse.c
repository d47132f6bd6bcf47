// SPDX-License-Identifier: GPL-2.0
/*
 * Is a VF in use by someone we must not pull it from?
 *
 * Removing a VF (a count change, a PF unbind) or unbinding it (a
 * vf_driver move) that userspace holds through VFIO does not fail: vfio's
 * remove waits until userspace closes the device (vfio_unregister_group_dev()
 * in drivers/vfio/vfio_main.c), for ever with a VM, with the PF's
 * device_lock and the kernel's sriov_numvfs writer's locks held. So we
 * find out first and refuse.
 *
 * pci_vfs_assigned() counts PCI_DEV_FLAGS_ASSIGNED, which only xen-pciback
 * and a few drivers set; VFIO never does. What VFIO does do, before
 * userspace can reach a device, is claim the DMA ownership of its IOMMU
 * group: VFIO_GROUP_SET_CONTAINER (iommu_group_claim_dma_owner(),
 * drivers/vfio/container.c) or VFIO_DEVICE_BIND_IOMMUFD
 * (iommu_device_claim_dma_owner(), drivers/iommu/iommufd/device.c). A
 * vfio driver is bound with driver_managed_dma, so that binding claims
 * nothing by itself: a claimed group under a VF on a vfio driver means
 * userspace holds it (6.1 and 6.12). In vfio's no-IOMMU mode nothing is
 * claimed and nothing tells an open device from a closed one: such VFs
 * count as in use.
 *
 * The answer can go stale the moment it is given (userspace may open the
 * device right after): it narrows the window to the one the kernel's own
 * sriov_numvfs writer has, it does not close it.
 */
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/pci.h>

#include "sriov_helper.h"

/*
 * vfio-pci and every vfio variant driver (mlx5_vfio_pci, hisi_acc_vfio_pci,
 * virtio_vfio_pci, pds_vfio_pci, qat_vfio_pci, nvgrace_gpu_vfio_pci, ...):
 * they manage DMA themselves, for userspace. pci-stub and host drivers do
 * not set driver_managed_dma.
 */
bool sriovh_drv_is_vfio(struct device_driver *drv)
{
	const struct pci_driver *pdrv = drv ? to_pci_driver(drv) : NULL;

	return pdrv && pdrv->driver_managed_dma;
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
	struct device_driver *drv = vf->dev.driver;
	struct iommu_group *group;
	bool claimed;

	device_lock_assert(&vf->dev);
	if (pci_is_dev_assigned(vf)) {
		snprintf(why, len, "VF %s is assigned to a guest",
			 pci_name(vf));
		return true;
	}
	if (!sriovh_drv_is_vfio(drv))
		return false;
	group = iommu_group_get(&vf->dev);
	/* vfio's no-IOMMU groups have no domain: nothing translates. */
	if (!group || !iommu_get_domain_for_dev(&vf->dev)) {
		iommu_group_put(group);
		snprintf(why, len,
			 "VF %s is on %s without an IOMMU (no-IOMMU mode): whether it is open cannot be told",
			 pci_name(vf), drv->name);
		return true;
	}
	claimed = iommu_group_dma_owner_claimed(group);
	iommu_group_put(group);
	if (claimed)
		snprintf(why, len, "VF %s is open through %s (in use by a VM?)",
			 pci_name(vf), drv->name);
	return claimed;
}
