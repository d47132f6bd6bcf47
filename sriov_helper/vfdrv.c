// SPDX-License-Identifier: GPL-2.0
/*
 * Where VFs go: vf_driver=auto|none|<driver>.
 *
 * A VF is probed as soon as it is added, inside the PF driver's
 * sriov_configure(): rebinding it afterwards (what dpdk-devbind.py and
 * udev rules do) means the host driver ran first, created a netdev, and
 * NetworkManager may already be asking DHCP on it. So the choice is made
 * at BUS_NOTIFY_ADD_DEVICE, before the first probe, by setting the VF's
 * driver_override: the PCI core then matches that driver only, and
 * probes it even when sriov_drivers_autoprobe is 0. "none" is an
 * override that no driver has, so the VF stays unbound until an admin
 * writes its driver_override.
 */
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/kmod.h>
#include <linux/string.h>

#include "sriov_helper.h"

/*
 * The override a VF of a PF with this choice gets; NULL: none at all.
 * "none" is no driver's name, so it matches nothing.
 */
static const char *sriovh_vfdrv_override(const struct sriovh_vfdrv *d)
{
	return d->mode == SRIOVH_VFDRV_AUTO ? NULL : sriovh_vf_driver_name(d);
}

/*
 * vfio-pci and its variant drivers: each VF needs an IOMMU group, and a
 * bound VF may be open by userspace (a VM).
 */
static bool sriovh_is_vfio(const char *name)
{
	return name && !strncmp(name, "vfio", 4);
}

static bool sriovh_vfdrv_is_vfio(const struct sriovh_vfdrv *d)
{
	return d->mode == SRIOVH_VFDRV_NAMED && sriovh_is_vfio(d->name);
}

/*
 * A PF bound to vfio-pci hands its VFs to vfio-pci itself: its own bus
 * notifier sets their override at BUS_NOTIFY_ADD_DEVICE (6.1's replaces
 * ours without freeing it), and a VF of a PF that a VM may own must not
 * go to a host driver. Returns the PF's vfio driver when @d would send
 * its VFs elsewhere, else NULL.
 */
static const char *sriovh_vfdrv_held(struct pci_dev *pf,
				     const struct sriovh_vfdrv *d)
{
	const char *pfdrv = sriovh_driver_of(pf);

	if (!sriovh_is_vfio(pfdrv) || d->mode == SRIOVH_VFDRV_AUTO ||
	    (d->mode == SRIOVH_VFDRV_NAMED && !strcmp(d->name, pfdrv)))
		return NULL;
	return pfdrv;
}

/**
 * sriovh_vfdrv_add() - a VF is being added: choose its driver
 * @vf: the new VF, not yet probed
 *
 * From the bus notifier (BUS_NOTIFY_ADD_DEVICE), with device_lock(PF)
 * held by whoever runs sriov_configure() and no lock of the VF. On
 * kernels where setting the override takes device_lock(VF), that is the
 * parent-then-child order the driver core uses everywhere.
 */
void sriovh_vfdrv_add(struct pci_dev *vf)
{
	struct pci_dev *pf = pci_physfn(vf);
	const struct sriovh_rule *rule;
	struct sriovh_vfdrv d = {};
	const char *name;
	int ret;

	mutex_lock(&sriovh_lock);
	rule = sriovh_rule_lookup_locked(pf);
	if (rule && !sriovh_stopping)
		d = rule->vf_driver;
	mutex_unlock(&sriovh_lock);

	name = sriovh_vfdrv_override(&d);
	/* device_lock(PF) is held: its driver stays. */
	if (!name || sriovh_vfdrv_held(pf, &d))
		return;
	ret = sriovh_set_driver_override(vf, name);
	if (ret)
		pci_err(vf, "sriov_helper: cannot set driver_override to %s (%d); the default driver may take this VF\n",
			name, ret);
}

/**
 * sriovh_vfdrv_prepare() - load the chosen driver before VFs appear
 * @d: the PF's choice
 *
 * A VF whose override names a driver that is not loaded stays unbound
 * until it is. Called from the work before it locks the PF: modprobe may
 * take its time, and the driver's registration walks the bus.
 */
void sriovh_vfdrv_prepare(const struct sriovh_vfdrv *d)
{
	if (d->mode != SRIOVH_VFDRV_NAMED ||
	    driver_find(d->name, &pci_bus_type))
		return;
	/* A failure shows later, as VFs not bound, with the reason. */
	request_module("%s", d->name);
}

/**
 * sriovh_vfdrv_precheck() - say now what will keep VFs from their driver
 * @pdev: the PF, device_lock held
 * @d: its choice
 */
void sriovh_vfdrv_precheck(struct pci_dev *pdev, const struct sriovh_vfdrv *d)
{
	const char *held = sriovh_vfdrv_held(pdev, d);

	if (held)
		pci_warn(pdev, "sriov_helper: the PF is bound to %s, which keeps its VFs for itself: vf_driver=%s is not applied to them\n",
			 held, sriovh_vf_driver_name(d));
	else if (sriovh_vfdrv_is_vfio(d) && !device_iommu_mapped(&pdev->dev))
		pci_warn(pdev, "sriov_helper: vf_driver=%s but no IOMMU translates this PF, so %s will refuse its VFs: enable VT-d/AMD-Vi in the firmware and boot with intel_iommu=on (Intel) or amd_iommu=on (AMD), or load vfio with enable_unsafe_noiommu_mode=1 (no isolation)\n",
			 d->name, d->name);
}

/*
 * Move an existing VF to the PF's choice (vf_driver was changed). auto
 * unbinds nothing: it only lets the kernel probe VFs that have no driver.
 * VFs that a guest or a vfio user may hold are left where they are:
 * unbinding them would wait for userspace with our locks held.
 */
static int sriovh_vfdrv_move(struct pci_dev *vf, const struct sriovh_vfdrv *d)
{
	const char *want = sriovh_vfdrv_override(d);
	const char *cur = sriovh_driver_of(vf);
	bool there;
	int ret;

	if (d->mode == SRIOVH_VFDRV_NONE)
		there = !cur;
	else if (want)
		there = cur && !strcmp(cur, want);
	else
		there = cur;	/* auto: any driver the kernel chose */
	/*
	 * Set even when the VF is there or busy: its next probe (after an
	 * admin unbinds it, say) goes where it should.
	 */
	ret = sriovh_set_driver_override(vf, want ? want : "");
	if (ret || there)
		return ret;
	if (pci_is_dev_assigned(vf) || sriovh_is_vfio(cur))
		return -EBUSY;
	return device_reprobe(&vf->dev);
}

/**
 * sriovh_vfdrv_settle() - check (and on a change, move) the PF's VFs
 * @pf: its record
 * @pdev: the PF, device_lock held
 * @d: its choice
 * @move: vf_driver was changed: rebind existing VFs
 * @report: log the outcome (not on a pass for per-VF settings alone)
 *
 * Records in @pf->vf_note what keeps VFs from the chosen driver.
 */
void sriovh_vfdrv_settle(struct sriovh_pf *pf, struct pci_dev *pdev,
			 const struct sriovh_vfdrv *d, bool move, bool report)
{
	unsigned int total = 0, wrong = 0, busy = 0;
	char note[SRIOVH_REASON_LEN] = "";
	const char *want = sriovh_vfdrv_override(d);
	const char *held = sriovh_vfdrv_held(pdev, d);
	struct pci_dev *vf;
	const char *cur;

	for (vf = NULL; (vf = sriovh_next_vf(pdev, vf)); ) {
		total++;
		if (held)
			continue;
		if (move) {
			int ret = sriovh_vfdrv_move(vf, d);

			if (ret == -EBUSY)
				busy++;
			else if (ret)
				pci_err(vf, "sriov_helper: cannot move to %s (%d)\n",
					want ? want : "the default driver",
					ret);
		}
		cur = sriovh_driver_of(vf);
		if (d->mode == SRIOVH_VFDRV_NONE ? !!cur :
		    d->mode == SRIOVH_VFDRV_NAMED &&
		    (!cur || strcmp(cur, d->name)))
			wrong++;
	}

	if (busy)
		pci_warn(pdev, "sriov_helper: %u VFs left on their vfio driver (may be in use); unbind them to apply vf_driver=%s\n",
			 busy, sriovh_vf_driver_name(d));
	if (held && total) {
		snprintf(note, sizeof(note),
			 "vf_driver %s: not applied: the PF is bound to %s, which keeps its %u VFs",
			 sriovh_vf_driver_name(d), held, total);
	} else if (!wrong) {
		if (report && total && d->mode == SRIOVH_VFDRV_NAMED)
			pci_info(pdev, "sriov_helper: %u VFs bound to %s\n",
				 total, d->name);
	} else if (busy) {
		snprintf(note, sizeof(note),
			 "vf_driver %s: %u of %u VFs left on their vfio driver (unbind them)",
			 sriovh_vf_driver_name(d), busy, total);
	} else if (d->mode == SRIOVH_VFDRV_NONE) {
		snprintf(note, sizeof(note),
			 "vf_driver none: %u of %u VFs have a driver (bound before vf_driver was set)",
			 wrong, total);
	} else if (!driver_find(d->name, &pci_bus_type)) {
		snprintf(note, sizeof(note),
			 "vf_driver %s: %u of %u VFs unbound: no such driver loaded",
			 d->name, wrong, total);
	} else if (sriovh_vfdrv_is_vfio(d) &&
		   !device_iommu_mapped(&pdev->dev)) {
		snprintf(note, sizeof(note),
			 "vf_driver %s: %u of %u VFs unbound: no IOMMU (boot with intel_iommu=on or amd_iommu=on)",
			 d->name, wrong, total);
	} else {
		snprintf(note, sizeof(note),
			 "vf_driver %s: %u of %u VFs not bound to it (see the kernel log)",
			 d->name, wrong, total);
	}
	if (report && note[0])
		pci_warn(pdev, "sriov_helper: %s\n", note);

	mutex_lock(&sriovh_lock);
	strscpy(pf->vf_note, note, sizeof(pf->vf_note));
	mutex_unlock(&sriovh_lock);
}
