// SPDX-License-Identifier: GPL-2.0
/*
 * Per-VF settings (MAC, port VLAN, trust, spoof check), applied through the
 * PF network device's own VF operations, the ones "ip link set PF vf N"
 * reaches through rtnetlink. They live in the PF driver, not in the VF:
 * they are lost when the VFs are destroyed, so they are applied again
 * whenever VFs appear (the bus notifier queues a pass), and only where
 * the driver's current value differs, since some drivers reset the VF on
 * every set.
 */
#include <linux/etherdevice.h>
#include <linux/if_link.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "sriov_helper.h"

/*
 * The PF's network device. VFs are configured on the PF, which stays in
 * the initial namespace on hosts (it is the VFs that move to containers).
 */
static struct net_device *sriovh_pf_netdev(struct pci_dev *pdev)
{
	struct net_device *dev;

	ASSERT_RTNL();
	for_each_netdev(&init_net, dev)
		if (dev->dev.parent == &pdev->dev)
			return dev;
	return NULL;
}

static void sriovh_vfcfg_result(struct sriovh_vfcfg *c, int err,
				const char *fmt, ...) __printf(3, 4);

static void sriovh_vfcfg_result(struct sriovh_vfcfg *c, int err,
				const char *fmt, ...)
{
	va_list args;

	c->done = true;
	c->err = err;
	va_start(args, fmt);
	vscnprintf(c->result, sizeof(c->result), fmt, args);
	va_end(args);
}

/* Note a refusal by the driver in the log and in vfN/status. */
static void sriovh_vfcfg_refused(struct pci_dev *pdev, struct sriovh_vfcfg *c,
				 const char *what, int err)
{
	const char *drv = dev_driver_string(&pdev->dev);
	char why[SRIOVH_REASON_LEN];

	if (err == -EOPNOTSUPP)
		snprintf(why, sizeof(why), "driver %s cannot set %s on VFs (%d)",
			 drv, what, err);
	else
		snprintf(why, sizeof(why), "driver %s refused %s (%d)", drv,
			 what, err);
	sriovh_vfcfg_result(c, err, "failed: %s", why);
	pci_err(pdev, "sriov_helper: vf %u: %s\n", c->index, why);
}

/* Called with rtnl held; fills in c's result. */
static void sriovh_vfcfg_apply_one(struct pci_dev *pdev, struct net_device *ndev,
				   struct sriovh_vfcfg *c, int numvfs)
{
	const struct net_device_ops *ops = ndev->netdev_ops;
	struct ifla_vf_info ivi = {};
	char what[32];
	bool known;
	int ret;

	if (c->index >= numvfs) {
		sriovh_vfcfg_result(c, -ENOENT, "waiting: VF %u does not exist (%d VFs)",
				    c->index, numvfs);
		return;
	}
	/* What the driver has now: set only what differs. */
	known = ops->ndo_get_vf_config &&
		!ops->ndo_get_vf_config(ndev, c->index, &ivi);

	if (c->mac_set && !(known && ether_addr_equal(ivi.mac, c->mac))) {
		ret = ops->ndo_set_vf_mac ?
		      ops->ndo_set_vf_mac(ndev, c->index, c->mac) : -EOPNOTSUPP;
		if (ret) {
			snprintf(what, sizeof(what), "mac %pM", c->mac);
			sriovh_vfcfg_refused(pdev, c, what, ret);
			return;
		}
	}
	if (c->vlan_set && !(known && ivi.vlan == c->vlan && !ivi.qos)) {
		ret = ops->ndo_set_vf_vlan ?
		      ops->ndo_set_vf_vlan(ndev, c->index, c->vlan, 0,
					   htons(ETH_P_8021Q)) : -EOPNOTSUPP;
		if (ret) {
			snprintf(what, sizeof(what), "vlan %u", c->vlan);
			sriovh_vfcfg_refused(pdev, c, what, ret);
			return;
		}
	}
	if (c->spoofchk_set && !(known && !!ivi.spoofchk == c->spoofchk)) {
		ret = ops->ndo_set_vf_spoofchk ?
		      ops->ndo_set_vf_spoofchk(ndev, c->index, c->spoofchk) :
		      -EOPNOTSUPP;
		if (ret) {
			snprintf(what, sizeof(what), "spoofchk %s",
				 c->spoofchk ? "on" : "off");
			sriovh_vfcfg_refused(pdev, c, what, ret);
			return;
		}
	}
	if (c->trust_set && !(known && !!ivi.trusted == c->trust)) {
		ret = ops->ndo_set_vf_trust ?
		      ops->ndo_set_vf_trust(ndev, c->index, c->trust) :
		      -EOPNOTSUPP;
		if (ret) {
			snprintf(what, sizeof(what), "trust %s",
				 c->trust ? "on" : "off");
			sriovh_vfcfg_refused(pdev, c, what, ret);
			return;
		}
	}
	sriovh_vfcfg_result(c, 0, "applied");
}

/*
 * Copy the rule's per-VF settings, so that rtnl is taken without ours.
 * Out of memory, the pass is queued again: the settings stay what was
 * last asked, only later.
 */
static struct sriovh_vfcfg *sriovh_vfcfg_copy(struct sriovh_pf *pf,
					      struct pci_dev *pdev,
					      unsigned int *nr)
{
	const struct sriovh_rule *rule;
	const struct sriovh_vfcfg *c;
	struct sriovh_vfcfg *copy = NULL;
	unsigned int n = 0;

	mutex_lock(&sriovh_lock);
	rule = sriovh_rule_lookup_locked(pdev);
	if (rule && rule->source == SRIOVH_SRC_CONFIGFS) {
		list_for_each_entry(c, &rule->vf_cfgs, node)
			n++;
		if (n)
			copy = kmalloc_array(n, sizeof(*copy), GFP_KERNEL);
		if (copy) {
			n = 0;
			list_for_each_entry(c, &rule->vf_cfgs, node)
				copy[n++] = *c;
		}
	}
	if (n && !copy) {
		pci_err(pdev, "sriov_helper: out of memory; per-VF settings not applied yet, trying again in 1 s\n");
		pf->todo |= SRIOVH_TODO_VFS;
		sriovh_pf_queue_locked(pf, msecs_to_jiffies(SRIOVH_NOMEM_RETRY_MS));
	}
	mutex_unlock(&sriovh_lock);
	*nr = copy ? n : 0;
	return copy;
}

/* Results back to the settings they came from, unless rewritten since. */
static unsigned int sriovh_vfcfg_store(struct pci_dev *pdev,
				       const struct sriovh_vfcfg *copy,
				       unsigned int nr)
{
	const struct sriovh_rule *rule;
	struct sriovh_vfcfg *c;
	unsigned int i, failed = 0;

	lockdep_assert_held(&sriovh_lock);
	for (i = 0; i < nr; i++)
		if (copy[i].err && copy[i].err != -ENOENT)
			failed++;
	rule = sriovh_rule_lookup_locked(pdev);
	if (!rule)
		return failed;
	list_for_each_entry(c, &rule->vf_cfgs, node) {
		for (i = 0; i < nr; i++) {
			if (copy[i].index != c->index || copy[i].gen != c->gen)
				continue;
			c->done = copy[i].done;
			c->err = copy[i].err;
			strscpy(c->result, copy[i].result, sizeof(c->result));
		}
	}
	return failed;
}

/**
 * sriovh_vfcfg_pending_locked() - the PF's VFs are new: their settings are
 * to be set again
 * @rule: the rule in force for the PF
 *
 * Re-created VFs come back with the driver's defaults: until the pass
 * sets them again, vfN/status says pending, not applied.
 */
void sriovh_vfcfg_pending_locked(const struct sriovh_rule *rule)
{
	struct sriovh_vfcfg *c;

	lockdep_assert_held(&sriovh_lock);
	list_for_each_entry(c, &rule->vf_cfgs, node)
		c->done = false;
}

/**
 * sriovh_vfcfg_apply() - apply the per-VF settings of a PF
 * @pf: its record
 * @pdev: the PF, device_lock held (so its VF count holds still)
 *
 * rtnl is taken after device_lock(PF), the order of the PF drivers' own
 * sriov_configure() (igb takes rtnl inside it).
 */
void sriovh_vfcfg_apply(struct sriovh_pf *pf, struct pci_dev *pdev)
{
	struct sriovh_vfcfg *copy;
	struct net_device *ndev;
	unsigned int nr, i, failed;
	int numvfs = pci_num_vf(pdev);

	copy = sriovh_vfcfg_copy(pf, pdev, &nr);
	if (!copy)
		return;

	rtnl_lock();
	ndev = sriovh_pf_netdev(pdev);
	for (i = 0; i < nr; i++) {
		if (ndev)
			sriovh_vfcfg_apply_one(pdev, ndev, &copy[i], numvfs);
		else
			sriovh_vfcfg_result(&copy[i], -ENODEV,
					    "failed: the PF has no network device (driver %s)",
					    dev_driver_string(&pdev->dev));
	}
	rtnl_unlock();

	mutex_lock(&sriovh_lock);
	failed = sriovh_vfcfg_store(pdev, copy, nr);
	pf->vfcfg_failed = (u16)min_t(unsigned int, failed, U16_MAX);
	mutex_unlock(&sriovh_lock);
	if (!ndev)
		pci_err(pdev, "sriov_helper: no network device on this PF; per-VF settings not applied\n");
	kfree(copy);
}
