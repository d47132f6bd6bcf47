// SPDX-License-Identifier: GPL-2.0
/*
 * Before asking a driver for N VFs, find out whether the PCI core will
 * refuse them, and why: the kernel's sriov_enable() returns ENOMEM both when
 * the VFs' routing IDs leave the PF's bus range and when the VF BARs have no
 * MMIO space, and the two need different remedies.
 *
 * Called with device_lock(PF) held and VF Enable clear. The one config
 * write is NumVFs: reading the VF layout for a given NumVFs means writing
 * NumVFs, as the PCI core itself
 * does (pci_iov_set_numvfs() in sriov_enable() and compute_max_vf_buses());
 * the original value is restored. While we do, the device is kept resumed
 * (a runtime resume rewrites NumVFs from the core's copy,
 * pci_restore_iov_state()) and user config access (setpci) waits
 * (pci_cfg_access_lock(), taken after device_lock as pci_dev_lock() does).
 */
#include <linux/pci.h>
#include <linux/pm_runtime.h>

#include <sriov_helper/predict.h>

#include "sriov_helper.h"

/* How many bridges with spare bus numbers a message lists. */
#define SRIOVH_MAX_SLOTS	4

struct sriovh_cap {
	struct pci_dev *pdev;
	int pos;
};

static int sriovh_read_layout(void *ctx, u16 n, struct sriovh_vf_layout *l)
{
	const struct sriovh_cap *cap = ctx;

	pci_write_config_word(cap->pdev, cap->pos + PCI_SRIOV_NUM_VF, n);
	pci_read_config_word(cap->pdev, cap->pos + PCI_SRIOV_VF_OFFSET,
			     &l->offset);
	pci_read_config_word(cap->pdev, cap->pos + PCI_SRIOV_VF_STRIDE,
			     &l->stride);
	return 0;
}

/*
 * One VF BAR as the PCI core left it: the size of one VF's BAR and what is
 * assigned to it. The core sized it at enumeration and keeps it in
 * pci_sriov, which is private (pci_iov_resource_size() is not exported in
 * 6.1 or 6.12); while the IOV resource is sized it spans TotalVFs copies
 * of it (sriov_init(): res->end = start + size * total - 1, with the
 * capability's TotalVFs, not a driver's lower limit). A BAR whose
 * assignment failed is reset to nothing (setup-bus.c, reset_resource()),
 * and its size is known to the core alone: it is not sized again here,
 * since that means writing the BAR behind the core's back. Return: false
 * when the core holds nothing for BAR @i.
 */
static bool sriovh_vf_bar(struct pci_dev *pdev, int i, u16 total,
			  struct sriovh_iov_bar *bar, bool *is64)
{
	const struct resource *res = &pdev->resource[PCI_IOV_RESOURCES + i];

	*is64 = false;
	if (!(res->flags & IORESOURCE_MEM) || !total)
		return false;
	*is64 = res->flags & IORESOURCE_MEM_64;
	bar->per_vf = div_u64(resource_size(res), total);
	/* Only a resource in the tree (res->parent) decodes. */
	bar->assigned = res->parent ? resource_size(res) : 0;
	return true;
}

/* Bridges whose secondary bus range could hold the PF and its VFs. */
static int sriovh_spare_slots(struct pci_dev *pf, u32 buses, char *buf,
			      size_t len)
{
	struct pci_dev *dev = NULL;
	int found = 0;
	size_t n = 0;

	buf[0] = '\0';
	for_each_pci_dev(dev) {
		const struct resource *r;

		if (!dev->subordinate || dev == pf->bus->self ||
		    pci_domain_nr(dev->bus) != pci_domain_nr(pf->bus))
			continue;
		r = &dev->subordinate->busn_res;
		if (r->end - r->start + 1 < buses)
			continue;
		if (found == SRIOVH_MAX_SLOTS) {
			n += scnprintf(buf + n, len - n, ", ...");
			pci_dev_put(dev);
			break;
		}
		n += scnprintf(buf + n, len - n, "%s%s %pR", found ? ", " : "",
			       pci_name(dev), r);
		found++;
	}
	return found;
}

static void sriovh_explain_bus_range(struct pci_dev *pdev, u16 n, u32 need,
				     const struct sriovh_vf_layout *l, u16 fit,
				     enum sriovh_busrange_policy policy)
{
	struct pci_dev *up = pdev->bus->self;
	struct pci_bus *owner;
	char slots[192];
	bool ari_cap = pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_ARI);
	bool ari_on = pci_ari_enabled(pdev->bus);

	pci_err(pdev, "sriov_helper: %u VFs need bus %02x (VF offset %#x, stride %u) but the PF's bus window is %pR behind %s%s\n",
		n, need, l->offset, l->stride, &pdev->bus->busn_res,
		up ? pci_name(up) : "the host bridge",
		up ? "" : " (a root bus)");
	owner = pci_find_bus(pci_domain_nr(pdev->bus), need & 0xff);
	if (need > 0xff)
		pci_err(pdev, "sriov_helper:   bus %x is past the last bus number\n",
			need);
	else if (owner && owner->self)
		pci_err(pdev, "sriov_helper:   bus %02x belongs to %s, %pR\n",
			need, pci_name(owner->self), &owner->busn_res);
	else
		pci_err(pdev, "sriov_helper:   bus %02x is not assigned to any bridge\n",
			need);
	pci_err(pdev, "sriov_helper:   ARI is %s on this link%s; at most %u VFs fit here\n",
		ari_on ? "on" : "off",
		ari_cap ? " (the PF supports ARI)" : "", fit);
	if (ari_cap && !ari_on && up)
		pci_err(pdev, "sriov_helper:   remedy: enable ARI forwarding for %s in firmware, so VFs may use function numbers on bus %02x\n",
			pci_name(up), pdev->bus->number);
	if (sriovh_spare_slots(pdev, need - pdev->bus->number + 1, slots,
			       sizeof(slots)))
		pci_err(pdev, "sriov_helper:   remedy: move the card to a slot whose bridge has spare bus numbers: %s\n",
			slots);
	pci_err(pdev, "sriov_helper:   remedy: have firmware reserve bus numbers for SR-IOV under %s\n",
		up ? pci_name(up) : "this host bridge");
	pci_err(pdev, "sriov_helper:   remedy: boot with pci=assign-busses (renumbers buses, so predictable interface names such as enp1s0f0 change)\n");
	if (policy == SRIOVH_BUSRANGE_CLAMP && fit)
		pci_warn(pdev, "sriov_helper: on_bus_range=clamp: enabling %u of %u VFs\n",
			 fit, n);
	else
		pci_err(pdev, "sriov_helper: %s: enabling no VFs\n",
			fit ? "on_bus_range=fail" : "not even one VF fits");
}

/*
 * No VF BAR left in the core at all: every one failed its assignment and
 * was reset (an SR-IOV capability without VF BARs would be useless), as
 * the inventory's iov_bars=unassigned says. Their sizes went with them.
 */
static u16 sriovh_mmio_dropped(struct pci_dev *pdev, u16 n, char *reason,
			       size_t len)
{
	pci_err(pdev, "sriov_helper: not enough MMIO space for %u VFs: the VF BARs are unassigned (no room was found for them at enumeration)\n",
		n);
	scnprintf(reason, len, "MMIO: VF BARs unassigned; try pci=realloc");
	pci_err(pdev, "sriov_helper:   remedy: boot with pci=realloc, or enable SR-IOV support and above-4G decoding in firmware\n");
	return 0;
}

/* @captotal: the capability's TotalVFs; @total: the driver's limit too. */
static u16 sriovh_check_mmio(struct pci_dev *pdev, u16 n, u16 captotal,
			     u16 total, char *reason, size_t len)
{
	struct sriovh_iov_bar bars[PCI_SRIOV_NUM_BARS] = {};
	bool is64, any = false;
	u16 fit;
	int i;

	for (i = 0; i < PCI_SRIOV_NUM_BARS; i++) {
		if (sriovh_vf_bar(pdev, i, captotal, &bars[i], &is64))
			any = true;
		if (is64)
			i++;
	}
	if (!any)
		return sriovh_mmio_dropped(pdev, n, reason, len);
	fit = sriovh_mmio_max_fit(bars, PCI_SRIOV_NUM_BARS, total);
	if (fit >= n)
		return fit;

	/* Name every VF BAR that falls short; status quotes the first. */
	reason[0] = '\0';
	for (i = 0; i < PCI_SRIOV_NUM_BARS; i++) {
		if (!bars[i].per_vf || bars[i].assigned >= bars[i].per_vf * n)
			continue;
		if (bars[i].assigned)
			pci_err(pdev, "sriov_helper: not enough MMIO space for %u VFs: VF BAR %d needs %#llx (%#llx per VF), %#llx is assigned\n",
				n, i, bars[i].per_vf * n, bars[i].per_vf,
				bars[i].assigned);
		else
			pci_err(pdev, "sriov_helper: not enough MMIO space for %u VFs: VF BAR %d needs %#llx (%#llx per VF) and is unassigned\n",
				n, i, bars[i].per_vf * n, bars[i].per_vf);
		if (reason[0])
			continue;
		scnprintf(reason, len, "MMIO: VF BAR %d %s, %u VFs need %#llx; try pci=realloc",
			  i, bars[i].assigned ? "too small" : "unassigned", n,
			  bars[i].per_vf * n);
	}
	if (fit)
		pci_err(pdev, "sriov_helper:   %u VFs fit in the assigned space\n",
			fit);
	pci_err(pdev, "sriov_helper:   remedy: boot with pci=realloc, or enable SR-IOV support and above-4G decoding in firmware\n");
	return fit;
}

/**
 * sriovh_diagnose() - will the PCI core accept @n VFs, and if not, why
 * @pdev: the PF, device_lock held, VFs disabled
 * @n: the count asked for
 * @policy: what to do on a bus-range shortage
 * @d: the verdict
 *
 * Messages go to the kernel log; @d->reason gets the short form for
 * configfs status.
 */
void sriovh_diagnose(struct pci_dev *pdev, u16 n,
		     enum sriovh_busrange_policy policy, struct sriovh_diag *d)
{
	struct sriovh_cap cap = { .pdev = pdev };
	struct sriovh_bus_geom g = {
		.bus = pdev->bus->number,
		.devfn = (u8)pdev->devfn,
		.bus_end = (u8)min_t(resource_size_t, pdev->bus->busn_res.end, 0xff),
	};
	struct sriovh_vf_layout l;
	u16 numvf, total, captotal;
	u32 need;

	memset(d, 0, sizeof(*d));
	d->apply = n;
	cap.pos = pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_SRIOV);
	if (!n || !cap.pos)
		return;
	/* A device that will not resume gets no diagnosis: the core decides. */
	if (pm_runtime_resume_and_get(&pdev->dev) < 0)
		return;
	pci_cfg_access_lock(pdev);

	pci_read_config_word(pdev, cap.pos + PCI_SRIOV_TOTAL_VF, &captotal);
	pci_read_config_word(pdev, cap.pos + PCI_SRIOV_NUM_VF, &numvf);
	total = min_t(u16, captotal, (u16)pci_sriov_get_totalvfs(pdev));

	sriovh_read_layout(&cap, n, &l);
	if (!sriovh_layout_valid(&l, n)) {
		d->cause = SRIOVH_CAUSE_LAYOUT;
		d->apply = 0;
		d->err = -EIO;
		pci_err(pdev, "sriov_helper: the device reports VF offset %#x, stride %u for %u VFs, which the PCI core refuses\n",
			l.offset, l.stride, n);
		scnprintf(d->reason, sizeof(d->reason),
			  "invalid VF offset %#x / stride %u", l.offset, l.stride);
		goto restore;
	}

	if (!sriovh_bus_fits(&g, &l, n)) {
		u16 fit = 0;

		need = sriovh_vf_bus(&g, &l, n - 1);
		sriovh_bus_max_fit(&g, total, sriovh_read_layout, &cap, &fit);
		d->cause = SRIOVH_CAUSE_BUS_RANGE;
		d->fit = fit;
		d->apply = sriovh_clamp(n, fit, policy);
		d->err = d->apply ? 0 : -ENOMEM;
		sriovh_explain_bus_range(pdev, n, need, &l, fit, policy);
		scnprintf(d->reason, sizeof(d->reason),
			  "bus range: %u VFs need bus %02x, window %pR; %u fit",
			  n, need, &pdev->bus->busn_res, fit);
		goto restore;
	}

	d->fit = sriovh_check_mmio(pdev, n, captotal, total, d->reason,
				   sizeof(d->reason));
	if (d->fit < n) {
		d->cause = SRIOVH_CAUSE_MMIO;
		d->apply = 0;
		d->err = -ENOMEM;
	}

restore:
	pci_write_config_word(pdev, cap.pos + PCI_SRIOV_NUM_VF, numvf);
	pci_cfg_access_unlock(pdev);
	pm_runtime_put(&pdev->dev);
}
