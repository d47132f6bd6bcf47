// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/sriov_helper/inventory: every SR-IOV PF, managed or
 * not, what was asked of it and what came of it, and its VFs. One record
 * a line, "key=value" fields in a fixed order, so scripts can split on
 * spaces; only the last field of a pf line, reason=, may hold spaces and
 * runs to the end of the line. Format version 4:
 *
 *   # sriov_helper inventory v4
 *   pf ADDR id=VVVV:DDDD driver=NAME|- numa=N totalvfs=N numvfs=N
 *      offset=0xN stride=N ari=on|off bus_window=BB-BB
 *      iov_bars=assigned|unassigned|none iommu=yes|no managed=yes|no
 *      requested=N|- source=param|configfs|- policy=clamp|fail|-
 *      state=STATE enabled=N|- err=ERRNO fit=N|-
 *      cause=none|bus_range|mmio|layout|- irq=spread|off|-
 *      irq_cpus=CPULIST|- netdev=NAME|- vf_bind=parallel|serial|-
 *      reason=TEXT
 *   vf ADDR pf=ADDR index=N id=VVVV:DDDD driver=NAME|-|? netdev=NAME|-|?
 *      irqs=IRQ:CPUS[;IRQ:CPUS...]|-|? iommu_group=N|-|?
 *      group_alone=yes|no|-|?
 *      vf_driver=auto|none|NAME|- in_use=yes|no|?
 *      settings=unset|pending|applied|waiting|failed|-
 *
 * STATE is unmanaged, pending, applied or failed. fit is the largest VF
 * count that worked out at the last diagnosis (- before any). irq_cpus is
 * the set the VF IRQs are spread over now (the admin's list as far as it
 * is online, else the default). netdev on a pf line is the network device
 * that per-VF settings go through; vf_bind how the VFs a pass held are
 * probed (bind.c). In irqs, CPUS is the vector's effective
 * CPU list, followed by ">CPUS" while a move waits for the next interrupt,
 * or "managed" (kernel-managed affinity), "nobalancing" (its driver asked
 * IRQF_NOBALANCING, or it is per-CPU): never moved, or "unrequested"
 * (allocated, no handler yet). group_alone says whether the VF is the
 * only device in its IOMMU group (what VFIO needs to pass it alone).
 * vf_driver is the choice in force for the VF (its set's, else its
 * entry's; - when the PF is not managed), in_use whether a guest or a VFIO
 * user holds it (inuse.c), settings the state of its per-VF settings.
 * A VF whose device_lock is held by someone else (a probe, an unbind, or
 * a removal waiting for the VM that holds the VF) shows driver=?
 * netdev=? irqs=? iommu_group=? group_alone=? in_use=?: those are read
 * under its lock, which is tried, not waited for. Values hold no kernel pointers.
 *
 * v2 added iommu=, irq=, irq_cpus= on pf lines and irqs=, iommu_group=,
 * group_alone= on vf lines; v3 netdev= on pf lines and vf_driver=,
 * in_use=, settings= on vf lines; v4 vf_bind= on pf lines. New fields are
 * only ever added before reason= (pf) or at the end (vf) together with a
 * new version number.
 *
 * Locks: device_lock(PF) for its line (taken interruptibly, so a reader
 * stuck behind a long probe can be stopped), let go before its VFs; then
 * device_lock(VF) for each VF, tried; then sriovh_lock for what the
 * rules say. The device locks keep each driver (and its name) in place
 * while it is printed. No VF's lock is waited for, and none with the
 * PF's held: a VF's unbind from vfio waits for the VM with it held
 * (apply.c). A PF's config space is read as sysfs reads it: not in
 * D3cold, and without waking an idle PF.
 */
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/iommu.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
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

/* What the PF's config space says, read with its lock held. */
struct sriovh_pf_cfg {
	u16 offset;
	u16 stride;
};

/*
 * VF Offset and Stride, the way the PCI core reads config space from
 * sysfs (pci_config_pm_runtime_get(), drivers/pci/pci-sysfs.c): a PF in
 * D0 to D3hot answers as it is, so an idle PF is not woken; one in D3cold
 * does not answer at all, and waking it (up to a link's training time)
 * is no reader's business: 0 then, as for a PF without the capability.
 * Called with device_lock(PF) held, never with sriovh_lock (which the
 * bus notifier takes for every bind on the host).
 */
static void sriovh_read_pf_cfg(struct pci_dev *pdev, struct sriovh_pf_cfg *c)
{
	int pos = pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_SRIOV);

	memset(c, 0, sizeof(*c));
	if (!pos || READ_ONCE(pdev->current_state) == PCI_D3cold)
		return;
	pci_read_config_word(pdev, pos + PCI_SRIOV_VF_OFFSET, &c->offset);
	pci_read_config_word(pdev, pos + PCI_SRIOV_VF_STRIDE, &c->stride);
}

static void sriovh_show_pf(struct seq_file *m, struct pci_dev *pdev,
			   const struct sriovh_pf_cfg *c, struct cpumask *cpus,
			   const char *netdev)
{
	const struct sriovh_rule *rule;
	const struct sriovh_pf *pf;
	struct sriovh_target addr;
	u16 offset = c->offset, stride = c->stride;
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
	seq_printf(m, " netdev=%s vf_bind=%s reason=%s\n",
		   netdev[0] ? netdev : "-",
		   rule ? sriovh_vf_bind_name(rule->vf_bind) : "-",
		   pf && rule ? pf->reason : "");
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

struct sriovh_nd_name {
	char name[IFNAMSIZ];
};

static int sriovh_vf_netdev(struct device *d, void *arg)
{
	struct sriovh_nd_name *n = arg;

	if (!d->class || strcmp(d->class->name, "net"))
		return 0;
	strscpy(n->name, to_net_dev(d)->name, sizeof(n->name));
	return 1;
}

/*
 * What the configuration says of one VF: its driver choice, from the
 * PF's copy taken with its line (@conf), and its settings' state, which
 * its set keeps.
 */
static void sriovh_show_vf_rules(struct seq_file *m, struct pci_dev *pf,
				 struct pci_dev *vf,
				 const struct sriovh_conf *conf,
				 const char *in_use)
{
	const struct sriovh_vfset *set;
	struct sriovh_vfdrv d;
	int index = pci_iov_vf_id(vf);

	if (conf->ruled && index >= 0) {
		sriovh_conf_vfdrv(conf, (u16)index, &d);
		seq_printf(m, " vf_driver=%s", sriovh_vf_driver_name(&d));
	} else {
		seq_puts(m, " vf_driver=-");
	}
	mutex_lock(&sriovh_lock);
	set = index >= 0 ? sriovh_vfset_for_locked(pf, (u16)index) : NULL;
	seq_printf(m, " in_use=%s settings=%s\n", in_use,
		   set ? sriovh_vfset_state_locked(set) : "unset");
	mutex_unlock(&sriovh_lock);
}

/* One VF's line; its lock is tried, and what it keeps is "?" without. */
static void sriovh_show_vf(struct seq_file *m, struct pci_dev *pf,
			   struct pci_dev *vf, const struct sriovh_conf *conf)
{
	struct sriovh_nd_name nd = { .name = "-" };
	char why[SRIOVH_REASON_LEN];
	const char *in_use = "?";

	seq_printf(m, "vf %s pf=%s index=%d id=%04x:%04x", pci_name(vf),
		   pci_name(pf), pci_iov_vf_id(vf), vf->vendor, vf->device);
	if (device_trylock(&vf->dev)) {
		device_for_each_child(&vf->dev, &nd, sriovh_vf_netdev);
		seq_printf(m, " driver=%s netdev=%s",
			   sriovh_driver_of(vf) ?: "-", nd.name);
		sriovh_show_vf_irqs(m, vf);
		/*
		 * Under the VF's lock: iommu_group_get() reads dev->iommu_group
		 * unlocked, and the VF's removal drops the group's last
		 * reference (__iommu_group_remove_device(),
		 * drivers/iommu/iommu.c) once the VF has left its driver.
		 */
		sriovh_show_iommu_group(m, vf);
		in_use = sriovh_vf_in_use(vf, why, sizeof(why)) ? "yes" : "no";
		device_unlock(&vf->dev);
	} else {
		seq_puts(m, " driver=? netdev=? irqs=? iommu_group=? group_alone=?");
	}
	sriovh_show_vf_rules(m, pf, vf, conf, in_use);
}

/* The PF is referenced, not locked: its VFs are visited each once. */
static void sriovh_show_vfs(struct seq_file *m, struct pci_dev *pf,
			    const struct sriovh_conf *conf)
{
	struct pci_dev *vf;

	for (vf = NULL; (vf = sriovh_next_vf(pf, vf)); ) {
		sriovh_show_vf(m, pf, vf, conf);
		if (seq_has_overflowed(m)) {
			pci_dev_put(vf);
			break;
		}
	}
}

static int sriovh_inventory_show(struct seq_file *m, void *v)
{
	struct pci_dev *pdev = NULL;
	struct sriovh_conf conf = {};
	struct sriovh_pf_cfg cfg;
	char netdev[IFNAMSIZ];
	cpumask_var_t cpus;
	/* Without memory for the mask, irq_cpus alone is left out. */
	bool have_cpus = zalloc_cpumask_var(&cpus, GFP_KERNEL);
	int ret = 0;

	seq_puts(m, "# sriov_helper inventory v4\n");
	for_each_pci_dev(pdev) {
		if (!pdev->is_physfn)
			continue;
		ret = device_lock_interruptible(&pdev->dev);
		if (ret) {
			pci_dev_put(pdev);
			break;
		}
		sriovh_pf_netdev_name(pdev, netdev, sizeof(netdev));
		sriovh_read_pf_cfg(pdev, &cfg);
		mutex_lock(&sriovh_lock);
		sriovh_show_pf(m, pdev, &cfg, have_cpus ? cpus : NULL, netdev);
		/* Its VFs' driver choice, one copy for all of them. */
		ret = sriovh_conf_get_locked(pdev, &conf);
		mutex_unlock(&sriovh_lock);
		device_unlock(&pdev->dev);
		if (!ret)
			sriovh_show_vfs(m, pdev, &conf);
		sriovh_conf_put(&conf);
		/* seq_read() calls us again with a bigger buffer. */
		if (ret || seq_has_overflowed(m)) {
			pci_dev_put(pdev);
			break;
		}
	}
	if (have_cpus)
		free_cpumask_var(cpus);
	return ret;
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
