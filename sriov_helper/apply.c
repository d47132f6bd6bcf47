// SPDX-License-Identifier: GPL-2.0
/*
 * Applying a VF count, the way an admin writing sriov_numvfs would, from
 * our own workqueue: never from the notifier that saw the bind (creating
 * VFs re-enters the PCI notifier chain and the caller holds device_lock).
 *
 * A PF's pass first takes what is configured for the PF, once, under
 * sriovh_lock: rules.c copies the rule in force and the per-VF sets
 * (struct sriovh_conf, sriovh_ask_take()). Every stage below takes that
 * copy and the device and reads no configuration from rules.c again
 * (vfcfg.c looks a set up only to keep its results in it); a store made
 * meanwhile queues a pass of its own. Each stage returns what it found,
 * and this file, which owns the PF's record, keeps it there.
 *
 * The stages, in order: the count (sriovh_apply_count()); then, with the
 * PF's lock, the per-VF settings into the PF's table while new VFs are
 * still held unbound (vfdrv.c holds each from BUS_NOTIFY_ADD_DEVICE),
 * and each held VF's override set to its vf_driver; with no lock, the
 * VFs probed in index order; with the PF's lock again, where the VFs
 * went and the settings checked once more. A pass that stops early lets
 * held VFs go all the same (sriovh_release_held()).
 *
 * Lock order (lockdep checks what it can see; device_lock is a novalidate
 * class, so the order is also kept by construction):
 *
 *   device_lock(PF) -> device_lock(VF) (tried) -> sriovh_lock
 *   device_lock(PF) -> device_lock(VF) (tried) -> rtnl_lock (vfcfg.c: a
 *                      VF's own netdev; a VF driver's probe takes rtnl
 *                      under the VF's lock, register_netdev())
 *   device_lock(PF) -> device_lock(VF) (tried) -> the IOMMU group's mutex
 *   device_lock(PF) -> pci_cfg_access_lock(PF)          (diagnose.c)
 *   device_lock(PF) -> rtnl_lock -> sriovh_lock         (vfcfg.c, inventory.c)
 *   device_lock(PF) -> pci_rescan_remove_lock           (the kernel's
 *                      sriov_numvfs writer, 6.1.165+, 6.12.75+; numvfs.c)
 *   pci_rescan_remove_lock -> device_lock -> sriovh_lock (pciehp, rescan:
 *                      their probes reach our bus notifier)
 *   pci_rescan_remove_lock -> rtnl_lock                 (igb's
 *                      sriov_configure, igb_sriov_reinit(), inside the writer)
 *   rtnl_lock -> sriovh_lock                            (the netdev notifier)
 *   device_lock(VF) (tried) -> msi_lock_descs(VF)       (irq.c)
 *
 * What we never do is wait for a device lock that a third party may hold
 * for ever. A VF's unbind waits inside vfio for as long as a VM holds the
 * VF (vfio_unregister_group_dev(), drivers/vfio/vfio_main.c), with the
 * VF's device_lock held; the kernel's own sriov_numvfs writer removing
 * such a VF waits there with the PF's held. So the PF's lock is polled
 * (sriovh_pf_lock(): a probe or a count write may hold it for seconds)
 * for a second at most, and only while the module is not stopping; a pass
 * that does not get it is given back to the workqueue with a backoff, so
 * that rmmod's cancel never waits for it. With the PF's lock held, a VF's
 * lock is tried (sriovh_vf_trylock()), and a busy VF is left to a later
 * pass, named in status at once and in the log once it has lasted.
 *
 * What remains, each the window the kernel's own sysfs writers have,
 * narrowed to the time between two calls:
 * - the count is written through the kernel's own writer (numvfs.c),
 *   which takes the PF's lock itself: a holder that comes in between our
 *   try and that write is waited for;
 * - a VF that a guest opens between our in-use check and its removal or
 *   move is waited for (inuse.c): the unbind before a removal
 *   (sriovh_vfio_release()) takes the VF's lock with the PF's held;
 * - on 6.1, setting a VF's driver_override takes the VF's lock
 *   (driver_set_override()), with the PF's held in a move: a holder that
 *   comes in after our try is waited for (6.12 takes a spinlock there).
 *
 * The work takes no pci_rescan_remove_lock itself: the count is written
 * through the kernel's own writer, with device_lock released, so that
 * lock is held exactly as long as that writer holds it, and never across
 * the diagnosis, a reprobe, RTNL or the per-VF calls.
 */
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include <sriov_helper/decide.h>

#include "sriov_helper.h"

/* A driver may answer -EBUSY while it settles (e.g. link reset): retry. */
#define SRIOVH_BUSY_RETRY_MS	200
#define SRIOVH_BUSY_RETRIES	5

/*
 * A busy device lock: the PF's is polled for a second (a probe or bind
 * holds it for milliseconds, and BUS_NOTIFY_BOUND_DRIVER queues us while
 * the bind still holds it), then the pass comes back after 1 s, 2 s, 4 s,
 * then every 8 s: a pass that finds the lock still taken costs a second
 * of polling, and the kernel's own sriov_numvfs writer may hold the PF's
 * for a few seconds per VF (igbvf's probes with the PF down), after which
 * the settings should follow soon.
 */
#define SRIOVH_PF_LOCK_POLL_MS	1000
#define SRIOVH_WAIT_FIRST_MS	1000
#define SRIOVH_WAIT_MAX_MS	8000
/*
 * Status says at once what a pass waits for; the log only once the same
 * device has kept it waiting this long: VF probes (igbvf's take 2 s with
 * the PF down) and the kernel's own count writes hold locks for seconds
 * in normal operation, and are no news.
 */
#define SRIOVH_WAIT_LOG_MS	10000

/*
 * How long VFs for a host driver are held while their PF's interface is
 * down, for a PF driver that answers its VFs only while it is up
 * (vfdrv.c): at boot, the network configuration that brings the PF up
 * starts after network-pre.target, and sriov-helper-wait.service ends
 * before it; ifupdown's hook (if-up.d/sriov-helper) then waits for the
 * VFs that the PF's coming up lets go. Past this, the VFs are probed
 * anyway (their driver then takes its MAC when the PF comes up and the
 * VF is idle: vfcfg.c reloads it).
 */
static unsigned int sriovh_pf_up_wait = 120;
module_param_named(pf_up_wait, sriovh_pf_up_wait, uint, 0644);
MODULE_PARM_DESC(pf_up_wait,
		 "Seconds VFs wait, unbound, for their PF's interface to come up where the PF driver answers VFs only then (igb, ixgbe; default 120, 0: never)");

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
	if (pf->waiting[0])
		n += scnprintf(buf + n, len - n,
			       "waiting for %s: its device lock is held (an unbind, a probe or a VF removal waiting for its user); next try in %u s\n",
			       pf->waiting, pf->wait_ms / 1000);
	if (pf->pf_down.held)
		n += scnprintf(buf + n, len - n,
			       "%u VFs held until %s is up: %s answers its VFs only while its interface is up (probed anyway %u s after they were made)\n",
			       pf->pf_down.held, pf->pf_down.netdev,
			       pf->pf_down.drv,
			       READ_ONCE(sriovh_pf_up_wait));
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

/**
 * sriovh_pf_lock() - device_lock(PF), polled rather than waited for
 * @pdev: the PF, referenced
 *
 * Its holder may be a third party that does not let go: the kernel's own
 * sriov_numvfs writer removing a VF that a VM holds sleeps inside vfio
 * with it held. A worker blocked in device_lock() would hang rmmod's
 * cancel_delayed_work_sync() for as long; polled, it gives up when the
 * module is stopping, or after SRIOVH_PF_LOCK_POLL_MS.
 *
 * Return: true with the lock held.
 */
static bool sriovh_pf_lock(struct pci_dev *pdev)
{
	unsigned int ms = 1, waited = 0;

	while (!device_trylock(&pdev->dev)) {
		if (READ_ONCE(sriovh_stopping) ||
		    waited >= SRIOVH_PF_LOCK_POLL_MS)
			return false;
		msleep(ms);
		waited += ms;
		ms = min(2 * ms, 100u);
	}
	return true;
}

/**
 * sriovh_vf_trylock() - device_lock(VF), tried, for a pass on its PF
 * @vf: the VF, referenced
 * @busy: where to name the first VF that was busy ("" until then)
 * @len: its size
 *
 * Called with device_lock(PF) held, which must never wait for a VF's:
 * a VF's unbind from a vfio driver holds it until the VM lets go of the
 * VF, and then every reader of the PF's sriov_numvfs (6.12's
 * sriov_numvfs_show() takes the PF's lock) and rmmod would wait too.
 *
 * Return: true with the VF's lock held.
 */
bool sriovh_vf_trylock(struct pci_dev *vf, char *busy, size_t len)
{
	if (device_trylock(&vf->dev))
		return true;
	if (!busy[0])
		snprintf(busy, len, "VF %s", pci_name(vf));
	return false;
}

/*
 * A device lock was busy: come back for @todo with a backoff, and say
 * which device is waited for: in status at once, in the log once it has
 * lasted SRIOVH_WAIT_LOG_MS.
 */
static void sriovh_pass_wait(struct sriovh_pf *pf, struct pci_dev *pdev,
			     unsigned int todo, const char *what)
{
	bool say = false;

	mutex_lock(&sriovh_lock);
	pf->wait_ms = pf->wait_ms ? min(2 * pf->wait_ms, SRIOVH_WAIT_MAX_MS) :
		      SRIOVH_WAIT_FIRST_MS;
	if (strcmp(pf->waiting, what)) {
		strscpy(pf->waiting, what, sizeof(pf->waiting));
		pf->wait_since = jiffies;
		pf->wait_logged = false;
	}
	if (!pf->wait_logged &&
	    time_after_eq(jiffies, pf->wait_since +
			  msecs_to_jiffies(SRIOVH_WAIT_LOG_MS))) {
		pf->wait_logged = true;
		say = true;
	}
	pf->todo |= todo;
	sriovh_pf_queue_locked(pf, msecs_to_jiffies(pf->wait_ms));
	mutex_unlock(&sriovh_lock);
	if (say)
		pci_warn(pdev, "sriov_helper: waiting for %s: its device lock is held; trying again with a backoff\n",
			 what);
}

/* A pass got every lock it wanted: nothing is waited for. */
static void sriovh_pass_unwait(struct sriovh_pf *pf)
{
	mutex_lock(&sriovh_lock);
	pf->wait_ms = 0;
	pf->waiting[0] = '\0';
	mutex_unlock(&sriovh_lock);
}

/*
 * A PF that was surprise-removed is not written to. A flapping hot-plug
 * slot removes the PF right after its hot-add, when we write on our own;
 * and Debian's 6.12.118 sriov_numvfs_store() takes device_lock(PF) then
 * pci_rescan_remove_lock, where pciehp's and sysfs removal take them the
 * other way round. pci_dev_is_disconnected() is what pciehp sets on a
 * surprise removal (pci_dev_set_disconnected(),
 * drivers/pci/hotplug/pciehp_pci.c) before it removes the device. An
 * orderly removal (the slot's button, sysfs remove) of a card still
 * present sets nothing: it unbinds the PF's driver first, which the pass
 * sees under the PF's lock. A config read (pci_device_is_present()) would
 * also say "gone" for a PF in D3cold or recovering from an error, which
 * are there: not used. This narrows the window; it cannot close it: a
 * removal may start right after the check.
 */
static bool sriovh_pf_leaving(struct pci_dev *pdev)
{
	return pci_dev_is_disconnected(pdev);
}

/*
 * What a pass is to do, and what is configured for its PF, both taken
 * under sriovh_lock once, at its start (sriovh_ask_take()): every stage
 * reads them with no lock held, while it calls into the PF driver.
 */
struct sriovh_ask {
	unsigned int todo;
	u32 req_gen;		/* the PF's requests, counted, at the copy */
	struct sriovh_conf conf;
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
 * holds still. Each VF's lock is tried (sriovh_vf_trylock()).
 * Return: how many VFs are in use; @why says the first; @busy names a VF
 * whose lock was busy, so that the answer is not known.
 */
static u16 sriovh_vfs_in_use(struct pci_dev *pdev, char *why, size_t len,
			     char *busy, size_t blen)
{
	struct pci_dev *vf;
	char one[SRIOVH_REASON_LEN];
	u16 n = 0;

	for (vf = NULL; (vf = sriovh_next_vf(pdev, vf)); ) {
		if (!sriovh_vf_trylock(vf, busy, blen))
			continue;
		if (sriovh_vf_in_use(vf, one, sizeof(one)) && !n++)
			strscpy(why, one, len);
		device_unlock(&vf->dev);
	}
	return n;
}

/*
 * Before VFs are removed: take those on a vfio driver off it, with the
 * PF's lock held and nothing else. None is in use (just checked), so each
 * unbind returns at once. A guest that opened one since the check wins
 * the race: the unbind (device_release_driver() takes the VF's lock, and
 * vfio's remove waits for the guest) then holds up this PF: its
 * sriov_numvfs readers, this work, and rmmod's cancel of it. Removing the
 * VF with it still bound would wait there too, but inside the kernel's
 * sriov_numvfs writer, which holds pci_rescan_remove_lock: every rescan,
 * hot-plug event and other PF's count change on the host would wait
 * with it. A VF whose lock is busy is not removed either: the caller
 * comes back for the whole change.
 *
 * Return: false when a VF's lock was busy (@busy names it).
 */
static bool sriovh_vfio_release(struct pci_dev *pdev, char *busy, size_t len)
{
	struct pci_dev *vf;
	bool on_vfio;

	for (vf = NULL; (vf = sriovh_next_vf(pdev, vf)); ) {
		if (!sriovh_vf_trylock(vf, busy, len)) {
			pci_dev_put(vf);
			return false;
		}
		on_vfio = sriovh_dev_on_vfio(&vf->dev);
		device_unlock(&vf->dev);
		if (on_vfio)
			device_release_driver(&vf->dev);
	}
	return true;
}

enum sriovh_step {
	SRIOVH_STEP_STOP,	/* nothing more to do for the count */
	SRIOVH_STEP_BUSY,	/* a VF's lock was busy: come back */
	SRIOVH_STEP_DONE,	/* the count is what was asked: settle VFs */
	SRIOVH_STEP_WRITE,	/* write plan->n (after 0 if plan->reset) */
};

/* Called with device_lock(PF) held: what it takes to reach ask->conf.vfs. */
static enum sriovh_step sriovh_count_decide(struct sriovh_pf *pf,
					    struct pci_dev *pdev,
					    const struct sriovh_ask *ask,
					    struct sriovh_plan *plan,
					    char *busy, size_t blen)
{
	struct pci_driver *drv = to_pci_driver(pdev->dev.driver);
	struct sriovh_pf_facts facts = {};
	char why[SRIOVH_REASON_LEN] = "";

	if (!drv) {
		sriovh_record(pf, SRIOVH_PF_PENDING, 0, 0, "no driver bound");
		return SRIOVH_STEP_STOP;
	}
	if (sriovh_pf_leaving(pdev)) {
		sriovh_record(pf, SRIOVH_PF_PENDING, 0, 0, "device not present");
		return SRIOVH_STEP_STOP;
	}
	if (!pdev->is_physfn) {
		pci_err(pdev, "sriov_helper: not an SR-IOV physical function; ignoring\n");
		sriovh_record(pf, SRIOVH_PF_FAILED, 0, -ENODEV,
			      "not an SR-IOV physical function");
		return SRIOVH_STEP_STOP;
	}
	strscpy(plan->drv, drv->name, sizeof(plan->drv));
	facts.requested = ask->conf.vfs;
	facts.current_vfs = (u16)pci_num_vf(pdev);
	facts.total = (u16)pci_sriov_get_totalvfs(pdev);
	facts.can_configure = drv->sriov_configure;
	if (facts.current_vfs && facts.requested != facts.current_vfs &&
	    facts.can_configure)
		facts.in_use = sriovh_vfs_in_use(pdev, why, sizeof(why), busy,
						 blen);
	if (busy[0])
		return SRIOVH_STEP_BUSY;
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
			sriovh_source_name(ask->conf.source));
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
		if (!sriovh_vfio_release(pdev, busy, blen))
			return SRIOVH_STEP_BUSY;
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

	sriovh_diagnose(pdev, ask->conf.vfs, ask->conf.on_bus_range, &diag);
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
	sriovh_vfdrv_precheck(pdev, &ask->conf);
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
 * (or as many as fit), so that their driver and settings come next. On
 * false, @busy names a device whose lock was busy, or is empty when
 * there is nothing more to do for now.
 */
static bool sriovh_apply_count(struct sriovh_pf *pf, struct pci_dev *pdev,
			       const struct sriovh_ask *ask, char *busy,
			       size_t blen)
{
	struct sriovh_plan plan = {};
	enum sriovh_step step;
	bool fits;
	int ret, got;

	if (!sriovh_pf_lock(pdev)) {
		strscpy(busy, "the PF", blen);
		return false;
	}
	step = sriovh_count_decide(pf, pdev, ask, &plan, busy, blen);
	device_unlock(&pdev->dev);
	if (step != SRIOVH_STEP_WRITE)
		return step == SRIOVH_STEP_DONE;

	if (plan.reset) {
		ret = sriovh_numvfs_write(pdev, 0);
		if (ret) {
			sriovh_write_failed(pf, pdev, &plan, 0, ret);
			return false;
		}
		if (!ask->conf.vfs) {
			pci_info(pdev, "sriov_helper: VFs disabled (%s)\n",
				 sriovh_source_name(ask->conf.source));
			sriovh_record(pf, SRIOVH_PF_APPLIED, 0, 0, "%s", "");
			return true;
		}
		pci_info(pdev, "sriov_helper: %u VFs disabled before enabling %u\n",
			 plan.from, ask->conf.vfs);
	}

	if (!sriovh_pf_lock(pdev)) {
		strscpy(busy, "the PF", blen);
		return false;
	}
	if (pci_num_vf(pdev)) {
		/* Someone enabled VFs since we looked: start over. */
		device_unlock(&pdev->dev);
		mutex_lock(&sriovh_lock);
		pf->todo |= SRIOVH_TODO_COUNT;
		sriovh_pf_queue_locked(pf, 0);
		mutex_unlock(&sriovh_lock);
		return false;
	}
	if (!pdev->dev.driver || sriovh_pf_leaving(pdev)) {
		device_unlock(&pdev->dev);
		sriovh_record(pf, SRIOVH_PF_PENDING, 0, 0, "%s",
			      pdev->dev.driver ? "device not present" :
			      "no driver bound");
		return false;
	}
	fits = sriovh_count_fit(pf, pdev, ask, &plan);
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
			 got, plan.drv, sriovh_source_name(ask->conf.source));
	sriovh_record(pf, SRIOVH_PF_APPLIED, got, 0, "%s",
		      plan.cause ? plan.why : "");
	return true;
}

/*
 * Take what is to be done, and what is configured (rules.c), under
 * sriovh_lock. @ask->conf has no rule when none names the PF any more
 * (configfs rmdir before we ran). Return: 0, or -ENOMEM when what is
 * configured could not be copied: the pass is queued again, whole.
 */
static int sriovh_ask_take(struct sriovh_pf *pf, struct pci_dev *pdev,
			   struct sriovh_ask *ask)
{
	int ret;

	mutex_lock(&sriovh_lock);
	ask->todo = pf->todo;
	ask->req_gen = pf->req_gen;
	pf->todo = 0;
	ret = sriovh_conf_get_locked(pdev, &ask->conf);
	if (ret) {
		pci_err(pdev, "sriov_helper: out of memory; not applied yet, trying again in 1 s\n");
		pf->todo |= ask->todo;
		sriovh_pf_queue_locked(pf,
				       msecs_to_jiffies(SRIOVH_NOMEM_RETRY_MS));
	} else if (ask->conf.ruled && (ask->todo & SRIOVH_TODO_COUNT)) {
		pf->requested = ask->conf.vfs;
		pf->from = ask->conf.from;
		pf->source = ask->conf.source;
	}
	mutex_unlock(&sriovh_lock);
	return ret;
}

/*
 * May VFs still be held for the PF's interface? Until pf_up_wait seconds
 * after the first pass that held them. Under sriovh_lock.
 */
static bool sriovh_pf_up_wait_on(const struct sriovh_pf *pf)
{
	unsigned int secs = READ_ONCE(sriovh_pf_up_wait);

	lockdep_assert_held(&sriovh_lock);
	if (!secs)
		return false;
	return !pf->pf_down_since ||
	       time_before(jiffies, pf->pf_down_since + secs * HZ);
}

/*
 * Record what the release kept held for the PF's interface, and come
 * back when the wait is over: the PF coming up queues a pass before that
 * (irq.c's netdev notifier, vfcfg.c).
 */
static void sriovh_pf_down_note(struct sriovh_pf *pf,
				const struct sriovh_pf_down *down)
{
	unsigned long end;

	mutex_lock(&sriovh_lock);
	pf->pf_down = *down;
	if (!down->held) {
		pf->pf_down_since = 0;
	} else {
		if (!pf->pf_down_since)
			pf->pf_down_since = jiffies ?: 1;
		end = pf->pf_down_since + READ_ONCE(sriovh_pf_up_wait) * HZ;
		pf->todo |= SRIOVH_TODO_VFS;
		sriovh_pf_queue_locked(pf, time_after(end, jiffies) ?
				       end - jiffies : 0);
	}
	mutex_unlock(&sriovh_lock);
}

/* A pass could not list every VF it moved or let go: come back. */
static void sriovh_vfs_nomem(struct sriovh_pf *pf, unsigned int todo)
{
	mutex_lock(&sriovh_lock);
	pf->todo |= todo;
	sriovh_pf_queue_locked(pf, msecs_to_jiffies(SRIOVH_NOMEM_RETRY_MS));
	mutex_unlock(&sriovh_lock);
}

/*
 * Keep what the per-VF settings' stage found in the PF's record, for
 * status. Under sriovh_lock.
 */
static void sriovh_vfcfg_keep_locked(struct sriovh_pf *pf,
				     const struct sriovh_vfcfg_out *out)
{
	lockdep_assert_held(&sriovh_lock);
	if (out->counted)
		pf->vfcfg_failed = out->failed;
}

/*
 * The VFs exist (or did already), in this order:
 * 1. with the PF's lock held: a vf_driver change sets the VFs' overrides
 *    (vfdrv.c), the per-VF settings go into the PF's table while new VFs
 *    are still held, unbound (vfcfg.c), and the held VFs get their
 *    driver's override (sriovh_vfdrv_release());
 * 2. with no lock held: the VFs moved or let go are probed, in VF index
 *    order (device_reprobe() takes each VF's lock), at once or one after
 *    another as the PF's vf_bind says (the pass's copy);
 * 3. with the PF's lock held again: where each VF went (settle), and the
 *    settings checked against what each VF sees, now that it is bound;
 * 4. with no lock held: the drivers of idle VFs whose own netdev did not
 *    take their MAC are reloaded, once per request (vfcfg.c), and a
 *    check pass follows.
 * Return: false when a device lock was busy (@busy names it).
 */
static bool sriovh_apply_vfs(struct sriovh_pf *pf, struct pci_dev *pdev,
			     const struct sriovh_ask *ask, char *busy,
			     size_t blen)
{
	const struct sriovh_conf *conf = &ask->conf;
	bool serial = conf->vf_bind == SRIOVH_VFBIND_SERIAL;
	unsigned int todo = ask->todo;
	char note[SRIOVH_REASON_LEN];
	struct sriovh_vfcfg_out out;
	struct sriovh_pf_down down;
	bool all = true, up_wait, may_reload, settled = false;
	LIST_HEAD(reload);
	LIST_HEAD(bind);
	u32 gen;
	int ret = 0, err;

	mutex_lock(&sriovh_lock);
	up_wait = sriovh_pf_up_wait_on(pf);
	mutex_unlock(&sriovh_lock);
	if (!sriovh_pf_lock(pdev))
		goto pf_busy;
	if (pdev->dev.driver && pdev->is_physfn) {
		/* Unloading: rmmod's cancel waits for this pass; no moves. */
		if ((todo & SRIOVH_TODO_MOVE) && !READ_ONCE(sriovh_stopping))
			ret = sriovh_vfdrv_move_all(pdev, conf, &bind, busy,
						    blen);
		if (!sriovh_vfcfg_apply(pdev, conf, false, NULL, &out, busy,
					blen))
			all = false;
		mutex_lock(&sriovh_lock);
		sriovh_vfcfg_keep_locked(pf, &out);
		mutex_unlock(&sriovh_lock);
	}
	err = sriovh_vfdrv_release(pdev, conf, &bind, up_wait, &down, busy,
				   blen);
	device_unlock(&pdev->dev);
	sriovh_pf_down_note(pf, &down);
	sriovh_bind_run(&bind, serial);
	if (ret == -EAGAIN || err == -EAGAIN)
		all = false;
	if (ret == -ENOMEM || err == -ENOMEM)
		sriovh_vfs_nomem(pf, ret == -ENOMEM ? SRIOVH_TODO_MOVE :
				 SRIOVH_TODO_VFS);

	if (!sriovh_pf_lock(pdev))
		goto pf_busy;
	mutex_lock(&sriovh_lock);
	gen = pf->added_gen;
	/*
	 * A request made since the copy was taken has its own pass, with
	 * the values this copy lacks: the one reload per request is its.
	 */
	may_reload = !pf->reload_spent && pf->req_gen == ask->req_gen;
	mutex_unlock(&sriovh_lock);
	memset(&out, 0, sizeof(out));
	if (pdev->dev.driver && pdev->is_physfn) {
		settled = true;
		if (!sriovh_vfdrv_settle(pdev, conf,
					 todo & ~(SRIOVH_TODO_VFS | SRIOVH_TODO_NEWS),
					 note, sizeof(note), busy, blen))
			all = false;
		if (!sriovh_vfcfg_apply(pdev, conf, may_reload, &reload, &out,
					busy, blen))
			all = false;
	}
	/*
	 * VFs added before we read the generation, ours or anyone's, were
	 * covered by the pass just done: the pass their adds queued is not
	 * needed. One added since (the kernel does not promise that none is
	 * added while we hold the PF's lock) keeps it, and its hold.
	 */
	mutex_lock(&sriovh_lock);
	if (settled)
		strscpy(pf->vf_note, note, sizeof(pf->vf_note));
	sriovh_vfcfg_keep_locked(pf, &out);
	if (pf->added_gen == gen)
		pf->todo &= ~SRIOVH_TODO_ADDED;
	/*
	 * Reloaded for their MAC: once per request; a check then tells. A
	 * request made meanwhile keeps its own reload.
	 */
	if (!list_empty(&reload)) {
		if (pf->req_gen == ask->req_gen)
			pf->reload_spent = true;
		pf->todo |= SRIOVH_TODO_CHECK;
		sriovh_pf_queue_locked(pf, 0);
	}
	mutex_unlock(&sriovh_lock);
	device_unlock(&pdev->dev);
	sriovh_bind_run(&reload, serial);
	return all;

pf_busy:
	strscpy(busy, "the PF", blen);
	return false;
}

/*
 * A pass that stops before the VFs' stage (the PF lost its driver, the
 * rule was removed, the count failed part way) still lets held VFs go:
 * a hold never outlives the pass that was queued for it. Return: false
 * when a device lock was busy (@busy names it).
 */
static bool sriovh_release_held(struct sriovh_pf *pf, struct pci_dev *pdev,
				const struct sriovh_conf *conf, char *busy,
				size_t blen)
{
	struct sriovh_pf_down down;
	LIST_HEAD(bind);
	int ret;

	if (!sriovh_pf_lock(pdev)) {
		strscpy(busy, "the PF", blen);
		return false;
	}
	ret = sriovh_vfdrv_release(pdev, conf, &bind, false, &down, busy,
				   blen);
	device_unlock(&pdev->dev);
	sriovh_pf_down_note(pf, &down);
	sriovh_bind_run(&bind, conf->vf_bind == SRIOVH_VFBIND_SERIAL);
	if (ret == -ENOMEM)
		sriovh_vfs_nomem(pf, SRIOVH_TODO_ADDED);
	return ret != -EAGAIN;
}

void sriovh_apply_work(struct work_struct *work)
{
	struct sriovh_pf *pf = container_of(to_delayed_work(work),
					    struct sriovh_pf, work);
	char busy[SRIOVH_REASON_LEN] = "";
	struct sriovh_ask ask = {};
	struct pci_dev *pdev;

	pdev = pci_get_domain_bus_and_slot((int)pf->addr.domain, pf->addr.bus,
					   pf->addr.devfn);
	if (!pdev) {
		sriovh_record(pf, SRIOVH_PF_PENDING, 0, 0, "device not present");
		return;
	}
	if (sriovh_ask_take(pf, pdev, &ask))
		goto out;
	if (!ask.conf.ruled || !ask.todo) {
		/*
		 * The rule was removed: VFs it held go to the kernel's choice
		 * (@ask.conf names none); a pass with nothing to do lets go
		 * what it finds held, to the choice in force.
		 */
		if (pdev->is_physfn &&
		    !sriovh_release_held(pf, pdev, &ask.conf, busy,
					 sizeof(busy)))
			sriovh_pass_wait(pf, pdev, SRIOVH_TODO_ADDED, busy);
		goto out;
	}

	/* Load the VFs' drivers first, with no lock held (vfdrv.c). */
	if (ask.todo & (SRIOVH_TODO_COUNT | SRIOVH_TODO_MOVE | SRIOVH_TODO_ADDED))
		sriovh_vfdrv_prepare(pdev, &ask.conf);

	if ((ask.todo & SRIOVH_TODO_COUNT) &&
	    !sriovh_apply_count(pf, pdev, &ask, busy, sizeof(busy))) {
		if (busy[0]) {
			sriovh_pass_wait(pf, pdev, ask.todo, busy);
			goto out;
		}
		if (!sriovh_release_held(pf, pdev, &ask.conf, busy,
					 sizeof(busy))) {
			sriovh_pass_wait(pf, pdev, SRIOVH_TODO_ADDED, busy);
			goto out;
		}
		sriovh_pass_unwait(pf);
		goto out;
	}
	if (!sriovh_apply_vfs(pf, pdev, &ask, busy, sizeof(busy))) {
		/* The count is done: what is left is a pass over the VFs. */
		sriovh_pass_wait(pf, pdev,
				 (ask.todo & ~SRIOVH_TODO_COUNT) | SRIOVH_TODO_VFS,
				 busy[0] ? busy : "the PF");
		goto out;
	}
	sriovh_pass_unwait(pf);
out:
	sriovh_conf_put(&ask.conf);
	pci_dev_put(pdev);
}
