// SPDX-License-Identifier: GPL-2.0
/*
 * Applying a VF count, the way an admin writing sriov_numvfs would, from
 * our own workqueue: never from the notifier that saw the bind (creating
 * VFs re-enters the PCI notifier chain and the caller holds device_lock).
 *
 * Lock order (lockdep checks what it can see; device_lock is a novalidate
 * class, so the order is also kept by construction):
 *
 *   device_lock(PF) -> device_lock(VF) -> sriovh_lock
 *   device_lock(PF) -> device_lock(VF) -> the IOMMU group's mutex (inuse.c)
 *   device_lock(PF) -> pci_cfg_access_lock(PF)          (diagnose.c)
 *   device_lock(PF) -> rtnl_lock -> sriovh_lock         (vfcfg.c, inventory.c)
 *   device_lock(VF) (tried) -> msi_lock_descs(VF)       (irq.c)
 *
 * The work blocks on device_lock(PF): every holder (a probe, an unbind,
 * the kernel's sriov_numvfs writer) finishes without waiting for us, since
 * nothing of ours that they meet (the bus notifier) takes more than
 * sriovh_lock, and sriovh_lock is never held across anything that sleeps
 * on a device. It takes no other PCI core lock: the count itself is
 * written through the kernel's own writer (numvfs.c), with device_lock
 * released, so pci_rescan_remove_lock is held exactly as long as that
 * writer holds it, and never across the diagnosis, a reprobe, RTNL or
 * the per-VF calls.
 */
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/string.h>

#include <sriov_helper/decide.h>

#include "sriov_helper.h"

/* A driver may answer -EBUSY while it settles (e.g. link reset): retry. */
#define SRIOVH_BUSY_RETRY_MS	200
#define SRIOVH_BUSY_RETRIES	5

struct workqueue_struct *sriovh_wq;

int sriovh_wq_init(void)
{
	/*
	 * Not ordered: one PF's apply may take seconds (a driver's
	 * sriov_configure, a device_lock held by a probe) and must not hold
	 * up the others. A work item never runs twice at once (workqueue.c
	 * keeps an item on the worker already running it), so one PF's
	 * applies stay in order.
	 */
	sriovh_wq = alloc_workqueue("sriov_helper", WQ_UNBOUND, 0);
	return sriovh_wq ? 0 : -ENOMEM;
}

void sriovh_wq_exit(void)
{
	destroy_workqueue(sriovh_wq);
}

/*
 * Queue @pf's apply in @delay jiffies. A request for now shortens a
 * pending retry (mod_delayed_work); a retry never postpones a request
 * that is already queued sooner (queue_delayed_work leaves it).
 */
void sriovh_pf_queue_locked(struct sriovh_pf *pf, unsigned long delay)
{
	lockdep_assert_held(&sriovh_lock);
	if (sriovh_stopping)
		return;
	if (pf->todo & SRIOVH_TODO_COUNT) {
		pf->state = SRIOVH_PF_PENDING;
		pf->reason[0] = '\0';
	}
	if (delay)
		queue_delayed_work(sriovh_wq, &pf->work, delay);
	else
		mod_delayed_work(sriovh_wq, &pf->work, 0);
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

/*
 * What the rule asked, copied under sriovh_lock: the work runs without it
 * while it calls into the PF driver.
 */
struct sriovh_ask {
	unsigned int todo;
	u16 vfs;
	enum sriovh_busrange_policy policy;
	enum sriovh_source source;
};

/* What the locked steps found, for the writes that follow unlocked. */
struct sriovh_plan {
	u16 from;		/* VFs before */
	u16 n;			/* the count to write after any 0 */
	bool reset;		/* write 0 first */
	enum sriovh_cause cause;
	char why[SRIOVH_REASON_LEN];	/* clamped on purpose: the reason */
	char drv[32];		/* the PF's driver, for messages */
};

/*
 * A count change that removes VFs must not meet one that its user would
 * have to let go of first. Called with device_lock(PF) held: its VF list
 * holds still. Return: how many VFs are in use; @why says the first.
 */
static u16 sriovh_vfs_in_use(struct pci_dev *pdev, char *why, size_t len)
{
	struct pci_dev *vf;
	char one[SRIOVH_REASON_LEN];
	u16 n = 0;

	for (vf = NULL; (vf = sriovh_next_vf(pdev, vf)); ) {
		device_lock(&vf->dev);
		if (sriovh_vf_in_use(vf, one, sizeof(one)) && !n++)
			strscpy(why, one, len);
		device_unlock(&vf->dev);
	}
	return n;
}

enum sriovh_step {
	SRIOVH_STEP_STOP,	/* nothing more to do for the count */
	SRIOVH_STEP_DONE,	/* the count is what was asked: settle VFs */
	SRIOVH_STEP_WRITE,	/* write plan->n (after 0 if plan->reset) */
};

/* Called with device_lock(PF) held: what it takes to reach ask->vfs. */
static enum sriovh_step sriovh_count_decide(struct sriovh_pf *pf,
					    struct pci_dev *pdev,
					    const struct sriovh_ask *ask,
					    struct sriovh_plan *plan)
{
	struct pci_driver *drv = to_pci_driver(pdev->dev.driver);
	struct sriovh_pf_facts facts = {};
	char why[SRIOVH_REASON_LEN] = "";

	if (!drv) {
		sriovh_record(pf, SRIOVH_PF_PENDING, 0, 0, "no driver bound");
		return SRIOVH_STEP_STOP;
	}
	if (!pdev->is_physfn) {
		pci_err(pdev, "sriov_helper: not an SR-IOV physical function; ignoring\n");
		sriovh_record(pf, SRIOVH_PF_FAILED, 0, -ENODEV,
			      "not an SR-IOV physical function");
		return SRIOVH_STEP_STOP;
	}
	strscpy(plan->drv, drv->name, sizeof(plan->drv));
	facts.requested = ask->vfs;
	facts.current_vfs = (u16)pci_num_vf(pdev);
	facts.total = (u16)pci_sriov_get_totalvfs(pdev);
	facts.can_configure = drv->sriov_configure;
	if (facts.current_vfs && facts.requested != facts.current_vfs &&
	    facts.can_configure)
		facts.in_use = sriovh_vfs_in_use(pdev, why, sizeof(why));
	plan->from = facts.current_vfs;
	plan->n = facts.requested;

	switch (sriovh_decide(&facts)) {
	case SRIOVH_ACT_NONE:
		sriovh_record(pf, SRIOVH_PF_APPLIED, facts.current_vfs, 0, "%s",
			      "");
		return SRIOVH_STEP_DONE;
	case SRIOVH_ACT_ERR_RANGE:
		pci_err(pdev, "sriov_helper: cannot enable %u VFs: sriov_totalvfs is %u (%s)\n",
			facts.requested, facts.total,
			sriovh_source_name(ask->source));
		sriovh_record(pf, SRIOVH_PF_FAILED, facts.current_vfs, -ERANGE,
			      "%u VFs requested, sriov_totalvfs is %u",
			      facts.requested, facts.total);
		return SRIOVH_STEP_STOP;
	case SRIOVH_ACT_ERR_NO_CONFIGURE:
		pci_err(pdev, "sriov_helper: driver %s has no sriov_configure; cannot set %u VFs (bind the device's own driver or pci-pf-stub)\n",
			drv->name, facts.requested);
		sriovh_record(pf, SRIOVH_PF_FAILED, facts.current_vfs, -ENOENT,
			      "driver %s has no sriov_configure", drv->name);
		return SRIOVH_STEP_STOP;
	case SRIOVH_ACT_ERR_IN_USE:
		pci_err(pdev, "sriov_helper: %s: not destroying it (%u of %u VFs in use; the count stays %u)\n",
			why, facts.in_use, facts.current_vfs,
			facts.current_vfs);
		sriovh_record(pf, SRIOVH_PF_FAILED, facts.current_vfs, -EBUSY,
			      "%s", why);
		return SRIOVH_STEP_STOP;
	case SRIOVH_ACT_RESET_ENABLE:
	case SRIOVH_ACT_DISABLE:
		/* VFs cannot be resized: the spec's NumVFs changes at 0 only. */
		plan->reset = true;
		return SRIOVH_STEP_WRITE;
	case SRIOVH_ACT_ENABLE:
		break;
	}
	return SRIOVH_STEP_WRITE;
}

/*
 * Called with device_lock(PF) held and no VFs: name the cause before the
 * PCI core answers ENOMEM to both, and say what will keep VFs from their
 * driver. Return: false when nothing is to be enabled.
 */
static bool sriovh_count_fit(struct sriovh_pf *pf, struct pci_dev *pdev,
			     const struct sriovh_ask *ask,
			     struct sriovh_plan *plan)
{
	struct sriovh_diag diag;

	sriovh_diagnose(pdev, ask->vfs, ask->policy, &diag);
	mutex_lock(&sriovh_lock);
	pf->diagnosed = true;
	pf->fit = diag.fit;
	pf->cause = diag.cause;
	mutex_unlock(&sriovh_lock);
	if (!diag.apply) {
		sriovh_record(pf, SRIOVH_PF_FAILED, pci_num_vf(pdev), diag.err,
			      "%s", diag.reason);
		return false;
	}
	plan->n = diag.apply;
	plan->cause = diag.cause;
	if (diag.cause)
		strscpy(plan->why, diag.reason, sizeof(plan->why));
	sriovh_vfdrv_precheck(pdev);
	return true;
}

/* vfio-pci's answer when it was loaded without enable_sriov=1. */
static bool sriovh_vfio_sriov_off(const struct sriovh_plan *plan, int ret)
{
	return ret == -ENOENT && !strcmp(plan->drv, "vfio-pci");
}

/* A refused write: come back for a busy driver, else say what it said. */
static void sriovh_write_failed(struct sriovh_pf *pf, struct pci_dev *pdev,
				const struct sriovh_plan *plan, u16 n, int ret)
{
	if (ret == -EBUSY) {
		mutex_lock(&sriovh_lock);
		if (pf->busy_retries < SRIOVH_BUSY_RETRIES) {
			pf->busy_retries++;
			pf->todo |= SRIOVH_TODO_COUNT;
			sriovh_pf_queue_locked(pf, msecs_to_jiffies(SRIOVH_BUSY_RETRY_MS));
			snprintf(pf->reason, sizeof(pf->reason),
				 "driver %s busy, retry %u", plan->drv,
				 pf->busy_retries);
			mutex_unlock(&sriovh_lock);
			return;
		}
		mutex_unlock(&sriovh_lock);
	}
	if (sriovh_vfio_sriov_off(plan, ret)) {
		pci_err(pdev, "sriov_helper: vfio-pci refused %u VFs: it creates VFs only when loaded with enable_sriov=1 (modprobe vfio-pci enable_sriov=1, or write 1 to /sys/module/vfio_pci/parameters/enable_sriov and bind the PF again)\n",
			n);
		sriovh_record(pf, SRIOVH_PF_FAILED, pci_num_vf(pdev), ret,
			      "vfio-pci creates VFs only with enable_sriov=1");
		return;
	}
	pci_err(pdev, "sriov_helper: driver %s failed to set %u VFs (%d)\n",
		plan->drv, n, ret);
	sriovh_record(pf, SRIOVH_PF_FAILED, pci_num_vf(pdev), ret,
		      "driver %s could not set %u VFs", plan->drv, n);
}

/*
 * Set the VF count. Return: true when the PF has the VFs it should have
 * (or as many as fit), so that their driver and settings come next.
 */
static bool sriovh_apply_count(struct sriovh_pf *pf, struct pci_dev *pdev,
			       const struct sriovh_ask *ask)
{
	struct sriovh_plan plan = {};
	enum sriovh_step step;
	bool fits;
	int ret, got;

	device_lock(&pdev->dev);
	step = sriovh_count_decide(pf, pdev, ask, &plan);
	device_unlock(&pdev->dev);
	if (step != SRIOVH_STEP_WRITE)
		return step == SRIOVH_STEP_DONE;

	if (plan.reset) {
		ret = sriovh_numvfs_write(pdev, 0);
		if (ret) {
			sriovh_write_failed(pf, pdev, &plan, 0, ret);
			return false;
		}
		if (!ask->vfs) {
			pci_info(pdev, "sriov_helper: VFs disabled (%s)\n",
				 sriovh_source_name(ask->source));
			sriovh_record(pf, SRIOVH_PF_APPLIED, 0, 0, "%s", "");
			return true;
		}
		pci_info(pdev, "sriov_helper: %u VFs disabled before enabling %u\n",
			 plan.from, ask->vfs);
	}

	device_lock(&pdev->dev);
	if (pci_num_vf(pdev)) {
		/* Someone enabled VFs since we looked: start over. */
		device_unlock(&pdev->dev);
		mutex_lock(&sriovh_lock);
		pf->todo |= SRIOVH_TODO_COUNT;
		sriovh_pf_queue_locked(pf, 0);
		mutex_unlock(&sriovh_lock);
		return false;
	}
	fits = pdev->dev.driver && sriovh_count_fit(pf, pdev, ask, &plan);
	device_unlock(&pdev->dev);
	if (!fits)
		return false;

	ret = sriovh_numvfs_write(pdev, plan.n);
	if (ret) {
		sriovh_write_failed(pf, pdev, &plan, plan.n, ret);
		return false;
	}
	got = pci_num_vf(pdev);
	if (got < plan.n)
		pci_warn(pdev, "sriov_helper: %u VFs requested; only %d enabled\n",
			 plan.n, got);
	else
		pci_info(pdev, "sriov_helper: %d VFs enabled (driver %s, %s)\n",
			 got, plan.drv, sriovh_source_name(ask->source));
	sriovh_record(pf, SRIOVH_PF_APPLIED, got, 0, "%s",
		      plan.cause ? plan.why : "");
	return true;
}

/* Take what is to be done, and what the rule asks, under sriovh_lock. */
static bool sriovh_ask_take(struct sriovh_pf *pf, struct pci_dev *pdev,
			    struct sriovh_ask *ask)
{
	const struct sriovh_rule *rule;

	mutex_lock(&sriovh_lock);
	ask->todo = pf->todo;
	pf->todo = 0;
	rule = sriovh_rule_lookup_locked(pdev);
	if (rule) {
		ask->vfs = rule->vfs;
		ask->policy = rule->on_bus_range;
		ask->source = rule->source;
		if (ask->todo & SRIOVH_TODO_COUNT) {
			pf->requested = rule->vfs;
			pf->from = rule->target;
			pf->source = rule->source;
		}
	}
	mutex_unlock(&sriovh_lock);
	/* The rule went away (configfs rmdir) before we ran: nothing asked. */
	return rule && ask->todo;
}

void sriovh_apply_work(struct work_struct *work)
{
	struct sriovh_pf *pf = container_of(to_delayed_work(work),
					    struct sriovh_pf, work);
	struct sriovh_ask ask = {};
	struct pci_dev *pdev;

	pdev = pci_get_domain_bus_and_slot((int)pf->addr.domain, pf->addr.bus,
					   pf->addr.devfn);
	if (!pdev) {
		sriovh_record(pf, SRIOVH_PF_PENDING, 0, 0, "device not present");
		return;
	}
	if (!sriovh_ask_take(pf, pdev, &ask))
		goto out;

	/* Load the VFs' drivers first, with no lock held (vfdrv.c). */
	if (ask.todo & (SRIOVH_TODO_COUNT | SRIOVH_TODO_MOVE))
		sriovh_vfdrv_prepare(pdev);

	if ((ask.todo & SRIOVH_TODO_COUNT) && !sriovh_apply_count(pf, pdev, &ask))
		goto out;

	/* The VFs exist now (or did already): their driver, then settings. */
	device_lock(&pdev->dev);
	if (pdev->dev.driver && pdev->is_physfn) {
		sriovh_vfdrv_settle(pf, pdev, ask.todo & SRIOVH_TODO_MOVE,
				    ask.todo != SRIOVH_TODO_VFS);
		sriovh_vfcfg_apply(pf, pdev);
	}
	/*
	 * VFs added before we took device_lock(PF), ours or anyone's, were
	 * covered by the pass just done, and none can be added while we
	 * hold it: the pass their adds queued is not needed.
	 */
	mutex_lock(&sriovh_lock);
	pf->todo &= ~SRIOVH_TODO_ADDED;
	mutex_unlock(&sriovh_lock);
	device_unlock(&pdev->dev);
out:
	pci_dev_put(pdev);
}
