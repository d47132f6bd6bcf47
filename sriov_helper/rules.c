// SPDX-License-Identifier: GPL-2.0
/*
 * Rules (what admins asked for) and PF records (what was done about it).
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "sriov_helper.h"

/*
 * sriovh_lock protects sriovh_cfs_rules (and the per-VF sets on them),
 * sriovh_pfs, every field of a struct sriovh_pf but its work, the results
 * in every struct sriovh_vfset, and sriovh_stopping. The parameter rules
 * and sets are written once in module init and only read after that
 * (their results excepted).
 *
 * It is never held across device_lock() or sriov_configure(): the PCI bus
 * notifier runs with device_lock() of the device held (and, for VFs, inside
 * the PF driver's sriov_configure() called by our own worker) and takes
 * sriovh_lock, and the apply worker takes it briefly while it holds
 * device_lock(PF): the only order is device_lock -> sriovh_lock. Holders
 * may walk the bus's device klist (pci_get_*, for_each_pci_dev: the
 * klist's spinlock, bus_find_device(), drivers/base/bus.c) and take RCU,
 * nothing that sleeps on a device. The netdev notifier takes it under
 * rtnl (rtnl -> sriovh_lock). The worker takes no pci_rescan_remove_lock itself (the
 * kernel's sriov_numvfs writer does, numvfs.c); where pciehp and PCI
 * rescan hold it, their probes reach our notifier under it: the order is
 * pci_rescan_remove_lock -> device_lock -> sriovh_lock.
 */
DEFINE_MUTEX(sriovh_lock);
LIST_HEAD(sriovh_cfs_rules);
LIST_HEAD(sriovh_param_rules);
LIST_HEAD(sriovh_param_vfsets);
bool sriovh_stopping;
static LIST_HEAD(sriovh_pfs);

static bool sriovh_rule_matches(const struct sriovh_rule *rule,
				struct pci_dev *pdev)
{
	const struct sriovh_target *t = &rule->target;

	if (t->kind == SRIOVH_TARGET_ID)
		return pdev->vendor == t->vendor && pdev->device == t->device;
	return (u32)pci_domain_nr(pdev->bus) == t->domain &&
	       pdev->bus->number == t->bus && pdev->devfn == t->devfn;
}

static const struct sriovh_rule *
sriovh_rule_scan(struct list_head *rules, struct pci_dev *pdev,
		 enum sriovh_target_kind kind)
{
	const struct sriovh_rule *rule;

	list_for_each_entry(rule, rules, node)
		if (rule->vfs_set && rule->target.kind == kind &&
		    sriovh_rule_matches(rule, pdev))
			return rule;
	return NULL;
}

/**
 * sriovh_rule_lookup_locked() - the rule in force for a device
 * @pdev: the device
 *
 * Precedence: configfs address, configfs ID, parameter address, parameter
 * ID. A configfs entry is the admin's latest word, so it beats the
 * parameter; within a source, an address is more specific than an ID.
 *
 * Return: the rule, or NULL when none applies.
 */
const struct sriovh_rule *sriovh_rule_lookup_locked(struct pci_dev *pdev)
{
	const struct sriovh_rule *rule;

	lockdep_assert_held(&sriovh_lock);
	rule = sriovh_rule_scan(&sriovh_cfs_rules, pdev, SRIOVH_TARGET_ADDR);
	if (!rule)
		rule = sriovh_rule_scan(&sriovh_cfs_rules, pdev,
					SRIOVH_TARGET_ID);
	if (!rule)
		rule = sriovh_rule_scan(&sriovh_param_rules, pdev,
					SRIOVH_TARGET_ADDR);
	if (!rule)
		rule = sriovh_rule_scan(&sriovh_param_rules, pdev,
					SRIOVH_TARGET_ID);
	return rule;
}

/*
 * The configfs address entry of a PF, the one that may hold VF sets,
 * whether or not it sets the count.
 */
static struct sriovh_rule *sriovh_cfs_addr_rule_locked(struct pci_dev *pdev)
{
	struct sriovh_rule *rule;

	list_for_each_entry(rule, &sriovh_cfs_rules, node)
		if (rule->target.kind == SRIOVH_TARGET_ADDR &&
		    sriovh_rule_matches(rule, pdev))
			return rule;
	return NULL;
}

static struct sriovh_vfset *sriovh_vfset_scan(struct list_head *sets,
					      const struct sriovh_target *pf,
					      u16 index)
{
	struct sriovh_vfset *set;

	list_for_each_entry(set, sets, node)
		if (index >= set->first && index <= set->last &&
		    (!pf || sriovh_target_equal(&set->pf, pf)))
			return set;
	return NULL;
}

/**
 * sriovh_vfset_for_locked() - the per-VF settings in force for one VF
 * @pf: the PF
 * @index: the VF index, from 0
 *
 * A configfs set covering the VF beats every vf= parameter set: configfs
 * is the admin's latest word, per VF as per PF. The configfs sets live on
 * the PF's address entry, whether or not that entry sets the count.
 *
 * Return: the set, or NULL.
 */
struct sriovh_vfset *sriovh_vfset_for_locked(struct pci_dev *pf, u16 index)
{
	struct sriovh_rule *rule = sriovh_cfs_addr_rule_locked(pf);
	struct sriovh_target addr;
	struct sriovh_vfset *set = NULL;

	lockdep_assert_held(&sriovh_lock);
	if (rule)
		set = sriovh_vfset_scan(&rule->vf_sets, NULL, index);
	if (set)
		return set;
	sriovh_pdev_target(pf, &addr);
	return sriovh_vfset_scan(&sriovh_param_vfsets, &addr, index);
}

/* Has any per-VF set, from configfs or the parameter, been given for @pf? */
bool sriovh_vfsets_any_locked(struct pci_dev *pf)
{
	return sriovh_vfset_next_locked(pf, NULL);
}

/**
 * sriovh_vfset_next_locked() - the per-VF set given for @pf after @prev
 * @pf: the PF
 * @prev: the last one returned, NULL for the first
 *
 * The sets of its configfs address entry, then its vf= parameter sets.
 *
 * Return: the next set, or NULL after the last.
 */
struct sriovh_vfset *sriovh_vfset_next_locked(struct pci_dev *pf,
					      struct sriovh_vfset *prev)
{
	struct sriovh_rule *rule = sriovh_cfs_addr_rule_locked(pf);
	struct sriovh_vfset *s;
	struct sriovh_target addr;

	lockdep_assert_held(&sriovh_lock);
	if (!prev || prev->source == SRIOVH_SRC_CONFIGFS) {
		if (rule) {
			s = prev ? list_next_entry(prev, node) :
			    list_first_entry(&rule->vf_sets,
					     struct sriovh_vfset, node);
			if (!list_entry_is_head(s, &rule->vf_sets, node))
				return s;
		}
		s = list_first_entry(&sriovh_param_vfsets, struct sriovh_vfset,
				     node);
	} else {
		s = list_next_entry(prev, node);
	}
	sriovh_pdev_target(pf, &addr);
	list_for_each_entry_from(s, &sriovh_param_vfsets, node)
		if (sriovh_target_equal(&s->pf, &addr))
			return s;
	return NULL;
}

/**
 * sriovh_conf_get_locked() - what is configured for a PF, copied
 * @pdev: the PF
 * @c: filled in; sriovh_conf_put() frees it, whatever this returns
 *
 * The rule in force (sriovh_rule_lookup_locked()) and the per-VF sets
 * given for the PF, in the order sriovh_vfset_for_locked() gives them
 * precedence: the configfs entry's, then the vf= parameter's. A PF that
 * no rule names gets none of them: nothing is applied to its VFs, and
 * VFs held for it go to the kernel's choice. The copy is what a pass
 * acts on from its start to its end, with no lock held; a store, or an
 * entry's rmdir, made meanwhile queues another pass. A vfN directory's
 * rmdir queues none: the VFs keep what they have (configfs_vf.c).
 *
 * Return: 0; -ENOMEM when the sets could not be copied (the rule's own
 * values are, and @c has no set).
 */
int sriovh_conf_get_locked(struct pci_dev *pdev, struct sriovh_conf *c)
{
	const struct sriovh_rule *rule;
	struct sriovh_vfset *s;
	unsigned int n = 0;

	lockdep_assert_held(&sriovh_lock);
	memset(c, 0, sizeof(*c));
	rule = sriovh_rule_lookup_locked(pdev);
	if (!rule)
		return 0;
	c->ruled = true;
	c->from = rule->target;
	c->source = rule->source;
	c->vfs = rule->vfs;
	c->on_bus_range = rule->on_bus_range;
	c->vf_bind = rule->vf_bind;
	c->vf_driver = rule->vf_driver;

	for (s = NULL; (s = sriovh_vfset_next_locked(pdev, s)); )
		n++;
	if (!n)
		return 0;
	/* A PF may have thousands of VFs, each in a vfN directory. */
	c->sets = kvmalloc_array(n, sizeof(*c->sets), GFP_KERNEL);
	if (!c->sets)
		return -ENOMEM;
	for (s = NULL; (s = sriovh_vfset_next_locked(pdev, s)); ) {
		struct sriovh_conf_set *cs = &c->sets[c->nr_sets++];

		cs->id = s;
		cs->gen = s->gen;
		cs->first = s->first;
		cs->last = s->last;
		cs->v = s->v;
	}
	return 0;
}

void sriovh_conf_put(struct sriovh_conf *c)
{
	kvfree(c->sets);
	c->sets = NULL;
	c->nr_sets = 0;
}

/*
 * The highest VF index a set may name: below the PF's TotalVFs when the PF
 * is there to ask, else a fixed cap, so that what the sets hold stays
 * bounded by what a device can have.
 */
u16 sriovh_vf_last_allowed(const struct sriovh_target *t)
{
	struct pci_dev *pdev;
	int total = -1;

	pdev = pci_get_domain_bus_and_slot((int)t->domain, t->bus, t->devfn);
	if (pdev && pdev->is_physfn)
		total = pci_sriov_get_totalvfs(pdev);
	pci_dev_put(pdev);
	if (total < 0)
		return SRIOVH_VF_UNKNOWN_LAST;
	return total ? (u16)(total - 1) : 0;
}

struct sriovh_pf *sriovh_pf_find_locked(const struct sriovh_target *addr)
{
	struct sriovh_pf *pf;

	lockdep_assert_held(&sriovh_lock);
	list_for_each_entry(pf, &sriovh_pfs, node)
		if (sriovh_target_equal(&pf->addr, addr))
			return pf;
	return NULL;
}

void sriovh_pdev_target(struct pci_dev *pdev, struct sriovh_target *t)
{
	memset(t, 0, sizeof(*t));
	t->kind = SRIOVH_TARGET_ADDR;
	t->domain = (u32)pci_domain_nr(pdev->bus);
	t->bus = pdev->bus->number;
	t->devfn = (u8)pdev->devfn;
}

static struct sriovh_pf *sriovh_pf_get_locked(struct pci_dev *pdev)
{
	struct sriovh_target addr;
	struct sriovh_pf *pf;

	sriovh_pdev_target(pdev, &addr);
	pf = sriovh_pf_find_locked(&addr);
	if (pf)
		return pf;
	pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	if (!pf)
		return NULL;
	pf->addr = addr;
	pf->vendor = pdev->vendor;
	pf->device = pdev->device;
	pf->state = SRIOVH_PF_PENDING;
	INIT_DELAYED_WORK(&pf->work, sriovh_apply_work);
	list_add_tail(&pf->node, &sriovh_pfs);
	return pf;
}

/*
 * A PF's record could not be allocated, in the bus notifier or a configfs
 * store, neither of which can usefully fail: what it was for is kept
 * here, and a catch-up pass a second later queues every bound PF again,
 * until the records can be had. Only ever seen under fault injection.
 */
static unsigned int sriovh_catchup_todo;

static void sriovh_catchup_work(struct work_struct *work)
{
	unsigned int todo;

	mutex_lock(&sriovh_lock);
	todo = sriovh_catchup_todo;
	sriovh_catchup_todo = 0;
	sriovh_queue_bound_pfs_locked(todo);
	mutex_unlock(&sriovh_lock);
}

static DECLARE_DELAYED_WORK(sriovh_catchup, sriovh_catchup_work);

/**
 * sriovh_queue_pdev_locked() - queue an apply for a PF if a rule names it
 * @pdev: a device; only SR-IOV PFs are considered
 * @todo: SRIOVH_TODO_* bits, added to what is already queued
 *
 * Callable from the bus notifier: it only allocates a record and queues.
 *
 * Return: true when a pass is queued for @pdev (or will be, after an
 * allocation failure); false when no rule names it or we are stopping.
 */
bool sriovh_queue_pdev_locked(struct pci_dev *pdev, unsigned int todo)
{
	const struct sriovh_rule *rule;
	struct sriovh_pf *pf;

	lockdep_assert_held(&sriovh_lock);
	if (sriovh_stopping || !pdev->is_physfn)
		return false;
	rule = sriovh_rule_lookup_locked(pdev);
	if (!rule)
		return false;
	pf = sriovh_pf_get_locked(pdev);
	if (!pf) {
		pci_err(pdev, "sriov_helper: out of memory; not applied yet, trying again in 1 s\n");
		sriovh_catchup_todo |= todo;
		queue_delayed_work(sriovh_wq, &sriovh_catchup,
				   msecs_to_jiffies(SRIOVH_NOMEM_RETRY_MS));
		return true;
	}
	if (todo & SRIOVH_TODO_COUNT)
		pf->busy_retries = 0;
	if (todo & SRIOVH_TODO_ADDED)
		pf->added_gen++;
	/*
	 * A request may reload a VF's driver once for its MAC (vfcfg.c); news
	 * (a VF's netdev changed, a PF's carrier came back) may not, or a
	 * driver that never shows the MAC would be reloaded for ever.
	 */
	if (todo & ~SRIOVH_TODO_NEWS) {
		pf->reload_spent = false;
		pf->req_gen++;
	}
	pf->todo |= todo;
	sriovh_pf_queue_locked(pf, 0);
	return true;
}

/* Every bound PF that a rule names: the scan at load, the catch-up pass. */
void sriovh_queue_bound_pfs_locked(unsigned int todo)
{
	struct pci_dev *pdev = NULL;

	lockdep_assert_held(&sriovh_lock);
	for_each_pci_dev(pdev)
		if (pdev->is_physfn && READ_ONCE(pdev->dev.driver))
			sriovh_queue_pdev_locked(pdev, todo);
}

/**
 * sriovh_rule_gone_locked() - a rule was taken off its list (configfs rmdir)
 * @rule: the rule, no longer on any list
 *
 * The PFs it named get a pass of their own, with no rule to look up: VFs
 * held for it are let go to the kernel's choice (apply.c), not left with
 * a driver_override that no driver has. Records are kept (status, and
 * the work that may be queued), as for a PF that lost its driver.
 */
void sriovh_rule_gone_locked(const struct sriovh_rule *rule)
{
	const struct sriovh_target *t = &rule->target;
	struct sriovh_pf *pf;

	lockdep_assert_held(&sriovh_lock);
	list_for_each_entry(pf, &sriovh_pfs, node) {
		if (t->kind == SRIOVH_TARGET_ADDR ?
		    !sriovh_target_equal(&pf->addr, t) :
		    pf->vendor != t->vendor || pf->device != t->device)
			continue;
		pf->todo |= SRIOVH_TODO_ADDED;
		sriovh_pf_queue_locked(pf, 0);
	}
}

/* Queue every present, bound PF that @rule names (after a configfs write). */
void sriovh_queue_rule_locked(const struct sriovh_rule *rule,
			      unsigned int todo)
{
	const struct sriovh_target *t = &rule->target;
	struct pci_dev *pdev = NULL;

	lockdep_assert_held(&sriovh_lock);
	if (t->kind == SRIOVH_TARGET_ADDR) {
		pdev = pci_get_domain_bus_and_slot((int)t->domain, t->bus,
						   t->devfn);
		if (pdev && pdev->dev.driver)
			sriovh_queue_pdev_locked(pdev, todo);
		pci_dev_put(pdev);
		return;
	}
	while ((pdev = pci_get_device(t->vendor, t->device, pdev)))
		if (pdev->dev.driver)
			sriovh_queue_pdev_locked(pdev, todo);
}

/**
 * sriovh_rule_status_locked() - what became of a configfs rule
 * @rule: the rule
 * @buf: a PAGE_SIZE buffer
 * @len: its size
 *
 * An address rule shows its PF's state; an ID rule shows one line per PF
 * that it decided. A PF it has not reached yet is "pending".
 *
 * Return: the length written.
 */
ssize_t sriovh_rule_status_locked(const struct sriovh_rule *rule, char *buf,
				  size_t len)
{
	char name[SRIOVH_TARGET_STRLEN];
	const struct sriovh_pf *pf;
	size_t n = 0;

	lockdep_assert_held(&sriovh_lock);
	list_for_each_entry(pf, &sriovh_pfs, node) {
		if (pf->source != rule->source ||
		    !sriovh_target_equal(&pf->from, &rule->target))
			continue;
		if (rule->target.kind == SRIOVH_TARGET_ADDR)
			return sriovh_pf_status_locked(pf, buf, len);
		sriovh_format_target(&pf->addr, name, sizeof(name));
		n += scnprintf(buf + n, len - n, "%s ", name);
		n += sriovh_pf_status_locked(pf, buf + n, len - n);
	}
	if (!n)
		n = scnprintf(buf, len, "pending\n");
	return n;
}

/**
 * sriovh_pf_gone_locked() - the PF lost its driver or left the bus
 * @pdev: the device
 * @why: what happened, for status
 *
 * Its VFs went with the driver, so "applied N" would be stale. Pending
 * work is left alone: it re-checks the device when it runs.
 */
void sriovh_pf_gone_locked(struct pci_dev *pdev, const char *why)
{
	struct sriovh_target addr;
	struct sriovh_pf *pf;

	lockdep_assert_held(&sriovh_lock);
	sriovh_pdev_target(pdev, &addr);
	pf = sriovh_pf_find_locked(&addr);
	if (!pf)
		return;
	pf->state = SRIOVH_PF_PENDING;
	strscpy(pf->reason, why, sizeof(pf->reason));
	/* Nothing is waited for on a PF that is gone. */
	pf->waiting[0] = '\0';
	pf->wait_ms = 0;
}

/* Module exit: no new work from here on, and none left running. */
void sriovh_pfs_stop(void)
{
	struct sriovh_pf *pf;

	mutex_lock(&sriovh_lock);
	/* Read unlocked by the apply work's lock poll (apply.c). */
	WRITE_ONCE(sriovh_stopping, true);
	mutex_unlock(&sriovh_lock);
	/* It queues nothing once stopping is set. */
	cancel_delayed_work_sync(&sriovh_catchup);

	/*
	 * The list only grows under sriovh_lock, and not once stopping is
	 * set; the work never takes records off it, so walking it unlocked
	 * here is safe, and cancelling must not hold the lock the work takes.
	 */
	list_for_each_entry(pf, &sriovh_pfs, node)
		cancel_delayed_work_sync(&pf->work);
}

void sriovh_pfs_free(void)
{
	struct sriovh_pf *pf, *tmp;

	list_for_each_entry_safe(pf, tmp, &sriovh_pfs, node) {
		list_del(&pf->node);
		kfree(pf);
	}
}
