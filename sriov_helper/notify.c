// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI bus notifier: on every driver bind of an SR-IOV PF, queue an
 * apply; on every VF added, hold it from its first probe and queue the
 * pass that sets it up and lets it go to its driver. The callback only filters and queues (see
 * apply.c for why).
 */
#include <linux/device.h>
#include <linux/notifier.h>

#include "sriov_helper.h"

static int sriovh_bus_notify(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	struct pci_dev *pdev = to_pci_dev(data);
	bool held, queued;

	/*
	 * VFs bind inside sriov_configure(), in our worker, with
	 * device_lock(PF) held: only kick the IRQ placement, which takes no
	 * lock here and runs later.
	 */
	if (pdev->is_virtfn) {
		switch (action) {
		case BUS_NOTIFY_ADD_DEVICE:
			/* Before its first probe: hold it (vfdrv.c). */
			held = sriovh_vfdrv_add(pdev);
			/*
			 * VFs were (re)created, by us or by a sriov_numvfs
			 * write: their settings are to be (re)applied once
			 * the PF's lock is free again, and then they go to
			 * their driver. The hold comes first, so that the
			 * pass cannot miss it; a rule removed in between
			 * queues no pass, and the VF goes at once. Until the
			 * pass has set them again, their sets' status says
			 * pending (vfcfg.c).
			 */
			mutex_lock(&sriovh_lock);
			queued = sriovh_queue_pdev_locked(pci_physfn(pdev),
							  SRIOVH_TODO_ADDED);
			if (queued)
				sriovh_vfcfg_pending_locked(pci_physfn(pdev));
			mutex_unlock(&sriovh_lock);
			if (held && !queued)
				sriovh_vfdrv_unhold(pdev);
			break;
		case BUS_NOTIFY_BOUND_DRIVER:
		case BUS_NOTIFY_UNBOUND_DRIVER:
			sriovh_irq_kick();
			break;
		}
		return NOTIFY_DONE;
	}
	if (!pdev->is_physfn)
		return NOTIFY_DONE;

	switch (action) {
	case BUS_NOTIFY_BOUND_DRIVER:
		mutex_lock(&sriovh_lock);
		sriovh_queue_pdev_locked(pdev, SRIOVH_TODO_COUNT);
		mutex_unlock(&sriovh_lock);
		break;
	case BUS_NOTIFY_UNBOUND_DRIVER:
		/* Never wait for our work here: it may want this device_lock. */
		mutex_lock(&sriovh_lock);
		sriovh_pf_gone_locked(pdev, "no driver bound");
		mutex_unlock(&sriovh_lock);
		break;
	case BUS_NOTIFY_DEL_DEVICE:
		mutex_lock(&sriovh_lock);
		sriovh_pf_gone_locked(pdev, "device not present");
		mutex_unlock(&sriovh_lock);
		break;
	}

	/* Never an error: that would stop later notifiers (IOMMU, vfio). */
	return NOTIFY_DONE;
}

static struct notifier_block sriovh_bus_nb = {
	.notifier_call = sriovh_bus_notify,
};

int sriovh_notify_init(void)
{
	int ret;

	ret = bus_register_notifier(&pci_bus_type, &sriovh_bus_nb);
	if (ret)
		return ret;

	/*
	 * The bus notifier replays nothing: PFs bound before the module was
	 * loaded are found here. A bind racing with this scan queues the same
	 * record twice, and a queued work is only queued once.
	 */
	mutex_lock(&sriovh_lock);
	sriovh_queue_bound_pfs_locked(SRIOVH_TODO_COUNT);
	mutex_unlock(&sriovh_lock);
	return 0;
}

void sriovh_notify_exit(void)
{
	/* Waits for callbacks in flight (the chain's rwsem). */
	bus_unregister_notifier(&pci_bus_type, &sriovh_bus_nb);
}
