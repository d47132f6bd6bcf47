// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/sriov_helper/inventory: every SR-IOV PF, managed or
 * not, what was asked of it and what came of it, and its VFs. One record
 * a line, "key=value" fields in a fixed order, so scripts can split on
 * spaces; only the last field of a pf line, reason=, may hold spaces and
 * runs to the end of the line. Format version 2:
 *
 *   # sriov_helper inventory v2
 *   pf ADDR id=VVVV:DDDD driver=NAME|- numa=N totalvfs=N numvfs=N
 *      offset=0xN stride=N ari=on|off bus_window=BB-BB
 *      iov_bars=assigned|unassigned|none iommu=yes|no managed=yes|no
 *      requested=N|- source=param|configfs|- policy=clamp|fail|-
 *      state=STATE enabled=N|- err=ERRNO fit=N|-
 *      cause=none|bus_range|mmio|layout|- irq=spread|off|-
 *      irq_cpus=CPULIST|- reason=TEXT
 *   vf ADDR pf=ADDR index=N id=VVVV:DDDD driver=NAME|- netdev=NAME|-
 *      irqs=IRQ:CPUS[;IRQ:CPUS...]|- iommu_group=N|- group_alone=yes|no|-
 *
 * STATE is unmanaged, pending, applied or failed. fit is the largest VF
 * count that worked out at the last diagnosis (- before any). irq_cpus is
 * the set the VF IRQs are spread over now (the admin's list as far as it
 * is online, else the default). In irqs, CPUS is the vector's effective
 * CPU list, followed by ">CPUS" while a move waits for the next interrupt,
 * or "managed" (kernel-managed affinity: never touched) or "unrequested"
 * (allocated, no handler yet). group_alone says whether the VF is the
 * only device in its IOMMU group (what VFIO needs to pass it alone).
 * Values hold no kernel pointers.
 *
 * v2 added iommu=, irq=, irq_cpus= on pf lines and irqs=, iommu_group=,
 * group_alone= on vf lines. New fields are only ever added before reason=
 * (pf) or at the end (vf) together with a new version number.
 */
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/iommu.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>

#include "sriov_helper.h"

static struct dentry *sriovh_debugfs_dir;

static const char * const sriovh_cause_names[] = {
	[SRIOVH_CAUSE_NONE] = "none",
	[SRIOVH_CAUSE_BUS_RANGE] = "bus_range",
	[SRIOVH_CAUSE_MMIO] = "mmio",
	[SRIOVH_CAUSE_LAYOUT] = "layout",
};

static const char * const sriovh_state_names[] = {
	[SRIOVH_PF_PENDING] = "pending",
	[SRIOVH_PF_APPLIED] = "applied",
	[SRIOVH_PF_FAILED] = "failed",
};

/* The VF BARs as the PCI core sees them: all placed, some not, or none. */
static const char *sriovh_iov_bar_state(struct pci_dev *pdev)
{
	bool any = false;
	int i;

	for (i = PCI_IOV_RESOURCES; i <= PCI_IOV_RESOURCE_END; i++) {
		const struct resource *res = &pdev->resource[i];

		if (!res->flags)
			continue;
		any = true;
		if (!res->parent)
			return "unassigned";
	}
	return any ? "assigned" : "unassigned";
}

static void sriovh_show_pf(struct seq_file *m, struct pci_dev *pdev,
			   struct cpumask *cpus)
{
	int pos = pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_SRIOV);
	const struct sriovh_rule *rule;
	const struct sriovh_pf *pf;
	struct sriovh_target addr;
	u16 offset = 0, stride = 0;

	if (pos) {
		pci_read_config_word(pdev, pos + PCI_SRIOV_VF_OFFSET, &offset);
		pci_read_config_word(pdev, pos + PCI_SRIOV_VF_STRIDE, &stride);
	}
	bool fallback;

	seq_printf(m, "pf %s id=%04x:%04x driver=%s numa=%d totalvfs=%d numvfs=%d offset=%#x stride=%u ari=%s bus_window=%02llx-%02llx iov_bars=%s iommu=%s",
		   pci_name(pdev), pdev->vendor, pdev->device,
		   sriovh_driver_of(pdev) ?: "-", dev_to_node(&pdev->dev),
		   pci_sriov_get_totalvfs(pdev), pci_num_vf(pdev), offset,
		   stride, pci_ari_enabled(pdev->bus) ? "on" : "off",
		   (unsigned long long)pdev->bus->busn_res.start,
		   (unsigned long long)pdev->bus->busn_res.end,
		   sriovh_iov_bar_state(pdev),
		   device_iommu_mapped(&pdev->dev) ? "yes" : "no");

	sriovh_pdev_target(pdev, &addr);
	rule = sriovh_rule_lookup_locked(pdev);
	pf = sriovh_pf_find_locked(&addr);
	if (!rule) {
		seq_puts(m, " managed=no requested=- source=- policy=- state=unmanaged enabled=- err=0");
	} else {
		seq_printf(m, " managed=yes requested=%u source=%s policy=%s",
			   rule->vfs,
			   rule->source == SRIOVH_SRC_CONFIGFS ? "configfs" : "param",
			   sriovh_policy_name(rule->on_bus_range));
		if (pf)
			seq_printf(m, " state=%s enabled=%d err=%d",
				   sriovh_state_names[pf->state], pf->enabled,
				   pf->err);
		else
			seq_puts(m, " state=pending enabled=- err=0");
	}
	if (pf && pf->diagnosed)
		seq_printf(m, " fit=%u cause=%s", pf->fit,
			   sriovh_cause_names[pf->cause]);
	else
		seq_puts(m, " fit=- cause=-");
	if (rule && rule->irq == SRIOVH_IRQ_SPREAD && cpus) {
		sriovh_irq_allowed(pdev, &rule->irq_cpus, cpus, &fallback);
		seq_printf(m, " irq=spread irq_cpus=%*pbl",
			   cpumask_pr_args(cpus));
	} else {
		seq_printf(m, " irq=%s irq_cpus=-",
			   rule ? sriovh_irq_mode_name(rule->irq) : "-");
	}
	seq_printf(m, " reason=%s\n", pf && rule ? pf->reason : "");
}

static int sriovh_count_dev(struct device *dev, void *data)
{
	(*(unsigned int *)data)++;
	return 0;
}

static void sriovh_show_iommu_group(struct seq_file *m, struct pci_dev *vf)
{
	struct iommu_group *group = iommu_group_get(&vf->dev);
	unsigned int n = 0;

	if (!group) {
		seq_puts(m, " iommu_group=- group_alone=-");
		return;
	}
	iommu_group_for_each_dev(group, &n, sriovh_count_dev);
	seq_printf(m, " iommu_group=%d group_alone=%s", iommu_group_id(group),
		   n == 1 ? "yes" : "no");
	iommu_group_put(group);
}

/*
 * Without sriovh_lock: device_lock(VF) keeps its driver, and so its IRQ
 * vectors, in place while we read them, and a VF probe holds that lock
 * while our bus notifier takes sriovh_lock.
 */
static void sriovh_show_vfs(struct seq_file *m, struct pci_dev *pf)
{
	struct pci_dev *vf = NULL;
	struct net_device *nd;

	for (vf = NULL; (vf = sriovh_next_vf(pf, vf)); ) {
		const char *netdev = "-";

		device_lock(&vf->dev);
		rcu_read_lock();
		for_each_netdev_rcu(&init_net, nd) {
			if (nd->dev.parent == &vf->dev) {
				netdev = nd->name;
				break;
			}
		}
		seq_printf(m, "vf %s pf=%s index=%d id=%04x:%04x driver=%s netdev=%s",
			   pci_name(vf), pci_name(pf), pci_iov_vf_id(vf),
			   vf->vendor, vf->device, sriovh_driver_of(vf) ?: "-",
			   netdev);
		rcu_read_unlock();
		sriovh_show_vf_irqs(m, vf);
		sriovh_show_iommu_group(m, vf);
		seq_putc(m, '\n');
		device_unlock(&vf->dev);
		if (seq_has_overflowed(m)) {
			pci_dev_put(vf);
			break;
		}
	}
}

static int sriovh_inventory_show(struct seq_file *m, void *v)
{
	struct pci_dev *pdev = NULL;
	cpumask_var_t cpus;
	/* Without memory for the mask, irq_cpus alone is left out. */
	bool have_cpus = zalloc_cpumask_var(&cpus, GFP_KERNEL);

	seq_puts(m, "# sriov_helper inventory v2\n");
	for_each_pci_dev(pdev) {
		if (!pdev->is_physfn)
			continue;
		mutex_lock(&sriovh_lock);
		sriovh_show_pf(m, pdev, have_cpus ? cpus : NULL);
		mutex_unlock(&sriovh_lock);
		sriovh_show_vfs(m, pdev);
		/* seq_read() calls us again with a bigger buffer. */
		if (seq_has_overflowed(m)) {
			pci_dev_put(pdev);
			break;
		}
	}
	if (have_cpus)
		free_cpumask_var(cpus);
	return 0;
}

/*
 * A buffer for the whole inventory up front: single_open()'s page would
 * make seq_read() run the show above again for every doubling, about
 * log2(size / 4 KiB) passes over every VF (6 at 508 VFs, by make bench).
 * A line takes about 150 bytes on the VFs here and at most a few hundred
 * with many vectors; too small an estimate costs a retry, not a line.
 */
#define SRIOVH_INVENTORY_LINE	256

static int sriovh_inventory_open(struct inode *inode, struct file *file)
{
	struct pci_dev *pdev = NULL;
	size_t lines = 1;

	for_each_pci_dev(pdev)
		if (pdev->is_physfn || pdev->is_virtfn)
			lines++;
	return single_open_size(file, sriovh_inventory_show, inode->i_private,
				max_t(size_t, PAGE_SIZE,
				      lines * SRIOVH_INVENTORY_LINE));
}

static const struct file_operations sriovh_inventory_fops = {
	.owner = THIS_MODULE,
	.open = sriovh_inventory_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

void sriovh_inventory_init(void)
{
	/* debugfs failures are not fatal, by the debugfs API's design. */
	sriovh_debugfs_dir = debugfs_create_dir("sriov_helper", NULL);
	debugfs_create_file("inventory", 0400, sriovh_debugfs_dir, NULL,
			    &sriovh_inventory_fops);
}

void sriovh_inventory_exit(void)
{
	debugfs_remove_recursive(sriovh_debugfs_dir);
}
