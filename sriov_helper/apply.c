// SPDX-License-Identifier: GPL-2.0
/*
 * Applying a VF count, the way sriov_numvfs_store() does, from our own
 * workqueue: never from the notifier that saw the bind (creating VFs
 * re-enters the PCI notifier chain and the caller holds device_lock).
 */
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/string.h>

#include <sriov_helper/decide.h>

#include "sriov_helper.h"

/* device_lock() is busy while a probe or a sysfs writer runs: come back. */
#define SRIOVH_LOCK_RETRY_MS	20
/* A driver may answer -EBUSY while it settles (e.g. link reset): retry. */
#define SRIOVH_BUSY_RETRY_MS	200
#define SRIOVH_BUSY_RETRIES	5

struct workqueue_struct *sriovh_wq;

int sriovh_wq_init(void)
{
	/* Ordered: one PF at a time, as an admin typing would. */
	sriovh_wq = alloc_ordered_workqueue("sriov_helper", 0);
	return sriovh_wq ? 0 : -ENOMEM;
}

void sriovh_wq_exit(void)
{
	destroy_workqueue(sriovh_wq);
}

void sriovh_pf_queue_locked(struct sriovh_pf *pf, unsigned long delay)
{
	lockdep_assert_held(&sriovh_lock);
	if (sriovh_stopping)
		return;
	if (pf->todo & SRIOVH_TODO_COUNT) {
		pf->state = SRIOVH_PF_PENDING;
		pf->reason[0] = '\0';
	}
	queue_delayed_work(sriovh_wq, &pf->work, delay);
}

static int sriovh_pf_count_status_locked(const struct sriovh_pf *pf, char *buf,
					 size_t len)
{
	switch (pf->state) {
	case SRIOVH_PF_APPLIED:
		if (pf->enabled < pf->requested && pf->reason[0])
			return scnprintf(buf, len, "applied %d (asked %u): %s\n",
					 pf->enabled, pf->requested,
					 pf->reason);
		if (pf->enabled < pf->requested)
			return scnprintf(buf, len, "applied %d (asked %u)\n",
					 pf->enabled, pf->requested);
		return scnprintf(buf, len, "applied %d\n", pf->enabled);
	case SRIOVH_PF_FAILED:
		return scnprintf(buf, len, "failed: %s (%d)\n", pf->reason,
				 pf->err);
	case SRIOVH_PF_PENDING:
		break;
	}
	if (pf->reason[0])
		return scnprintf(buf, len, "pending: %s\n", pf->reason);
	return scnprintf(buf, len, "pending\n");
}

/* The count's state, then what went wrong with the VFs' driver or settings. */
int sriovh_pf_status_locked(const struct sriovh_pf *pf, char *buf, size_t len)
{
	int n;

	lockdep_assert_held(&sriovh_lock);
	n = sriovh_pf_count_status_locked(pf, buf, len);
	if (pf->vf_note[0])
		n += scnprintf(buf + n, len - n, "%s\n", pf->vf_note);
	if (pf->vfcfg_failed)
		n += scnprintf(buf + n, len - n,
			       "per-VF settings: %u failed (see vfN/status)\n",
			       pf->vfcfg_failed);
	return n;
}

static void sriovh_record(struct sriovh_pf *pf, enum sriovh_pf_state state,
			  int enabled, int err, const char *fmt, ...)
	__printf(5, 6);

/* @why: set when fewer VFs than asked were enabled on purpose (clamp). */
static void sriovh_record_applied(struct sriovh_pf *pf, int enabled,
				  const char *why)
{
	mutex_lock(&sriovh_lock);
	pf->state = SRIOVH_PF_APPLIED;
	pf->enabled = enabled;
	pf->err = 0;
	strscpy(pf->reason, why ? why : "", sizeof(pf->reason));
	mutex_unlock(&sriovh_lock);
}

static void sriovh_record(struct sriovh_pf *pf, enum sriovh_pf_state state,
			  int enabled, int err, const char *fmt, ...)
{
	va_list args;

	mutex_lock(&sriovh_lock);
	pf->state = state;
	pf->enabled = enabled;
	pf->err = err;
	va_start(args, fmt);
	vscnprintf(pf->reason, sizeof(pf->reason), fmt, args);
	va_end(args);
	mutex_unlock(&sriovh_lock);
}

/* vfio-pci's answer when it was loaded without enable_sriov=1. */
static bool sriovh_vfio_sriov_off(const struct pci_driver *drv, int ret)
{
	return ret == -ENOENT && !strcmp(drv->name, "vfio-pci");
}

/* Called with device_lock(PF) held; returns the configure result. */
static int sriovh_configure(struct pci_dev *pdev, struct pci_driver *drv,
			    u16 n)
{
	int ret = drv->sriov_configure(pdev, n);

	if (sriovh_vfio_sriov_off(drv, ret))
		pci_err(pdev, "sriov_helper: vfio-pci refused %u VFs: it creates VFs only when loaded with enable_sriov=1 (modprobe vfio-pci enable_sriov=1, or write 1 to /sys/module/vfio_pci/parameters/enable_sriov and bind the PF again)\n",
			n);
	else if (ret < 0)
		pci_err(pdev, "sriov_helper: driver %s failed to set %u VFs (%d)\n",
			drv->name, n, ret);
	return ret;
}

/*
 * What the rule asked, copied under sriovh_lock: the work runs without it
 * while it calls into the PF driver.
 */
struct sriovh_ask {
	u16 vfs;
	enum sriovh_busrange_policy policy;
	enum sriovh_source source;
	struct sriovh_vfdrv vf_driver;
};

/*
 * Set the VF count. Return: true when the PF has the VFs it should have
 * (or as many as fit), so that their driver and settings come next.
 */
static bool sriovh_apply_count(struct sriovh_pf *pf, struct pci_dev *pdev,
			       struct pci_driver *drv,
			       const struct sriovh_ask *ask)
{
	enum sriovh_busrange_policy policy = ask->policy;
	enum sriovh_source source = ask->source;
	struct sriovh_pf_facts facts = {};
	struct sriovh_diag diag;
	int ret;

	facts.requested = ask->vfs;
	facts.current_vfs = (u16)pci_num_vf(pdev);
	facts.total = (u16)pci_sriov_get_totalvfs(pdev);
	facts.assigned = (u16)pci_vfs_assigned(pdev);
	facts.can_configure = drv->sriov_configure;

	switch (sriovh_decide(&facts)) {
	case SRIOVH_ACT_NONE:
		sriovh_record_applied(pf, facts.current_vfs, NULL);
		return true;
	case SRIOVH_ACT_ERR_RANGE:
		pci_err(pdev, "sriov_helper: cannot enable %u VFs: sriov_totalvfs is %u (%s)\n",
			facts.requested, facts.total, sriovh_source_name(source));
		sriovh_record(pf, SRIOVH_PF_FAILED, facts.current_vfs, -ERANGE,
			      "%u VFs requested, sriov_totalvfs is %u",
			      facts.requested, facts.total);
		return false;
	case SRIOVH_ACT_ERR_NO_CONFIGURE:
		pci_err(pdev, "sriov_helper: driver %s has no sriov_configure; cannot set %u VFs (bind the device's own driver or pci-pf-stub)\n",
			drv->name, facts.requested);
		sriovh_record(pf, SRIOVH_PF_FAILED, facts.current_vfs, -ENOENT,
			      "driver %s has no sriov_configure", drv->name);
		return false;
	case SRIOVH_ACT_ERR_ASSIGNED:
		pci_err(pdev, "sriov_helper: %u of %u VFs are assigned to guests; not changing the count to %u\n",
			facts.assigned, facts.current_vfs, facts.requested);
		sriovh_record(pf, SRIOVH_PF_FAILED, facts.current_vfs, -EBUSY,
			      "%u VFs assigned to guests", facts.assigned);
		return false;
	case SRIOVH_ACT_RESET_ENABLE:
	case SRIOVH_ACT_DISABLE:
		/* VFs cannot be resized: the spec's NumVFs changes at 0 only. */
		ret = sriovh_configure(pdev, drv, 0);
		if (ret < 0)
			goto failed;
		if (!facts.requested) {
			pci_info(pdev, "sriov_helper: VFs disabled (%s)\n",
				 sriovh_source_name(source));
			sriovh_record_applied(pf, 0, NULL);
			return true;
		}
		pci_info(pdev, "sriov_helper: %u VFs disabled before enabling %u\n",
			 facts.current_vfs, facts.requested);
		fallthrough;
	case SRIOVH_ACT_ENABLE:
		/* Name the cause before the PCI core answers ENOMEM to both. */
		sriovh_diagnose(pdev, facts.requested, policy, &diag);
		mutex_lock(&sriovh_lock);
		pf->diagnosed = true;
		pf->fit = diag.fit;
		pf->cause = diag.cause;
		mutex_unlock(&sriovh_lock);
		if (!diag.apply) {
			sriovh_record(pf, SRIOVH_PF_FAILED, pci_num_vf(pdev),
				      diag.err, "%s", diag.reason);
			return false;
		}
		sriovh_vfdrv_precheck(pdev, &ask->vf_driver);
		ret = sriovh_configure(pdev, drv, diag.apply);
		if (ret < 0)
			goto failed;
		break;
	}

	if (ret < diag.apply)
		pci_warn(pdev, "sriov_helper: %u VFs requested; only %d enabled\n",
			 diag.apply, ret);
	else
		pci_info(pdev, "sriov_helper: %d VFs enabled (driver %s, %s)\n",
			 ret, drv->name, sriovh_source_name(source));
	sriovh_record_applied(pf, ret, diag.cause ? diag.reason : NULL);
	return true;

failed:
	if (ret == -EBUSY) {
		mutex_lock(&sriovh_lock);
		if (pf->busy_retries < SRIOVH_BUSY_RETRIES) {
			pf->busy_retries++;
			pf->todo |= SRIOVH_TODO_COUNT;
			sriovh_pf_queue_locked(pf, msecs_to_jiffies(SRIOVH_BUSY_RETRY_MS));
			snprintf(pf->reason, sizeof(pf->reason),
				 "driver %s busy, retry %u", drv->name,
				 pf->busy_retries);
			mutex_unlock(&sriovh_lock);
			return false;
		}
		mutex_unlock(&sriovh_lock);
	}
	if (sriovh_vfio_sriov_off(drv, ret))
		sriovh_record(pf, SRIOVH_PF_FAILED, pci_num_vf(pdev), ret,
			      "vfio-pci creates VFs only with enable_sriov=1");
	else
		sriovh_record(pf, SRIOVH_PF_FAILED, pci_num_vf(pdev), ret,
			      "driver %s could not set %u VFs", drv->name,
			      facts.requested);
	return false;
}

static void sriovh_apply_locked(struct sriovh_pf *pf, struct pci_dev *pdev)
{
	const struct sriovh_rule *rule;
	struct sriovh_ask ask = {};
	struct pci_driver *drv;
	unsigned int todo;

	mutex_lock(&sriovh_lock);
	todo = pf->todo;
	pf->todo = 0;
	rule = sriovh_rule_lookup_locked(pdev);
	if (rule) {
		ask.vfs = rule->vfs;
		ask.policy = rule->on_bus_range;
		ask.source = rule->source;
		ask.vf_driver = rule->vf_driver;
		if (todo & SRIOVH_TODO_COUNT) {
			pf->requested = rule->vfs;
			pf->from = rule->target;
			pf->source = rule->source;
		}
	}
	mutex_unlock(&sriovh_lock);

	/* The rule went away (configfs rmdir) before we ran: nothing asked. */
	if (!rule || !todo)
		return;

	drv = to_pci_driver(pdev->dev.driver);
	if (!drv) {
		if (todo & SRIOVH_TODO_COUNT)
			sriovh_record(pf, SRIOVH_PF_PENDING, 0, 0,
				      "no driver bound");
		return;
	}
	if (!pdev->is_physfn) {
		pci_err(pdev, "sriov_helper: not an SR-IOV physical function; ignoring\n");
		sriovh_record(pf, SRIOVH_PF_FAILED, 0, -ENODEV,
			      "not an SR-IOV physical function");
		return;
	}

	if ((todo & SRIOVH_TODO_COUNT) &&
	    !sriovh_apply_count(pf, pdev, drv, &ask))
		return;
	/* The VFs exist now (or did already): their driver, then settings. */
	sriovh_vfdrv_settle(pf, pdev, &ask.vf_driver, todo & SRIOVH_TODO_MOVE,
			    todo != SRIOVH_TODO_VFS);
	sriovh_vfcfg_apply(pf, pdev);

	/*
	 * VFs added while we held device_lock(PF) were ours (creating VFs
	 * takes that lock): the pass they queued has just been done.
	 */
	mutex_lock(&sriovh_lock);
	pf->todo &= ~SRIOVH_TODO_ADDED;
	mutex_unlock(&sriovh_lock);
}

void sriovh_apply_work(struct work_struct *work)
{
	struct sriovh_pf *pf = container_of(to_delayed_work(work),
					    struct sriovh_pf, work);
	const struct sriovh_rule *rule;
	struct sriovh_vfdrv d = {};
	struct pci_dev *pdev;
	bool rescan;

	pdev = pci_get_domain_bus_and_slot((int)pf->addr.domain, pf->addr.bus,
					   pf->addr.devfn);
	if (!pdev) {
		sriovh_record(pf, SRIOVH_PF_PENDING, 0, 0, "device not present");
		return;
	}

	/* Load the VFs' driver first, with no lock held (vfdrv.c). */
	mutex_lock(&sriovh_lock);
	rule = sriovh_rule_lookup_locked(pdev);
	if (rule && (pf->todo & (SRIOVH_TODO_COUNT | SRIOVH_TODO_MOVE)))
		d = rule->vf_driver;
	mutex_unlock(&sriovh_lock);
	sriovh_vfdrv_prepare(&d);

	/*
	 * VFs are added under pci_rescan_remove_lock where the kernel's own
	 * sriov_numvfs_store() does so (compat.h): a PF plugged in and
	 * enabled at once otherwise races pciehp's walk of its bus, which
	 * added a half-added VF a second time ("proc_dir_entry '01/10.4'
	 * already registered", hotplug_pf_remove_enabling on 6.12.95). It
	 * comes before device_lock, the order of the rescan and removal
	 * paths; no lock of ours is held while we wait for it.
	 *
	 * device_lock is only tried, and we come back rather than sleep on
	 * it: its holder may be a probe or a removal waiting for something
	 * of ours, or a sriov_numvfs writer waiting for the rescan lock.
	 */
	rescan = sriovh_rescan_lock_for_configure();
	if (rescan)
		pci_lock_rescan_remove();
	if (!device_trylock(&pdev->dev)) {
		mutex_lock(&sriovh_lock);
		sriovh_pf_queue_locked(pf, msecs_to_jiffies(SRIOVH_LOCK_RETRY_MS));
		mutex_unlock(&sriovh_lock);
	} else {
		sriovh_apply_locked(pf, pdev);
		device_unlock(&pdev->dev);
	}
	if (rescan)
		pci_unlock_rescan_remove();
	pci_dev_put(pdev);
}
