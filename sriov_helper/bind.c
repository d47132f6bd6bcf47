// SPDX-License-Identifier: GPL-2.0
/*
 * Probing the VFs that a pass moved, let go or reloads, once the PF's
 * lock is let go: vf_bind_jobs of them at once, or one after another for
 * a PF with vf_bind=serial, and again a second later those that the
 * driver core could not attach for lack of memory.
 *
 * The PCI core probes VFs one after another inside the enable
 * (pci_iov_add_virtfn() -> pci_bus_add_device() -> device_attach(), which
 * never probes asynchronously); held, they are probed here, and a VF
 * driver's probe may take seconds (mlx5 sleeps on firmware commands,
 * about 0.5 s per VF; igbvf spins up to 2 s in mailbox timeouts while its
 * PF is down).
 */
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "sriov_helper.h"

/* How many VF probes run at once; 1: one after another. */
static unsigned int sriovh_vf_bind_jobs;
module_param_named(vf_bind_jobs, sriovh_vf_bind_jobs, uint, 0444);
MODULE_PARM_DESC(vf_bind_jobs,
		 "VF probes at once after a pass (default 0: one per online CPU, at most 8; 1: one after another)");

#define SRIOVH_BIND_JOBS_MAX	8

static struct workqueue_struct *sriovh_bind_wq;

/* One probe list, probed at once; its caller waits for all of it. */
struct sriovh_bind_batch {
	atomic_t left;
	struct completion done;
};

/* A VF to probe once the PF's lock is let go. */
struct sriovh_reprobe {
	struct list_head node;
	struct pci_dev *vf;
	char want[SRIOVH_DRIVER_NAME_MAX + 1];	/* "": its default driver */
	int ret;				/* device_reprobe()'s */
	bool reload;				/* only while still idle */
	struct work_struct work;
	struct sriovh_bind_batch *batch;
};

/*
 * VFs whose probe the driver core could not start for lack of memory
 * (device_reprobe() answers -ENOMEM from driver_sysfs_add(), say: a
 * driver's own probe failing is not told, really_probe() keeps it), tried
 * again every second until the core gets that far. The kernel never
 * retries such a probe by itself, and a VF that a pass held would stay
 * unbound for good.
 */
static LIST_HEAD(sriovh_bind_again);
static DEFINE_MUTEX(sriovh_bind_again_lock);
static void sriovh_bind_again_work(struct work_struct *work);
static DECLARE_DELAYED_WORK(sriovh_bind_again_dwork, sriovh_bind_again_work);

int sriovh_bind_init(void)
{
	unsigned int jobs = sriovh_vf_bind_jobs;

	if (!jobs)
		jobs = min(num_online_cpus(), SRIOVH_BIND_JOBS_MAX);
	sriovh_bind_wq = alloc_workqueue("sriov_helper_bind", WQ_UNBOUND,
					 min(jobs, WQ_MAX_ACTIVE));
	return sriovh_bind_wq ? 0 : -ENOMEM;
}

static void sriovh_reprobe_free(struct sriovh_reprobe *r)
{
	pci_dev_put(r->vf);
	kfree(r);
}

/*
 * Try @r's VF once more, unless it got a driver meanwhile (an admin's
 * bind, a later pass): then its device_lock, which device_attach() takes,
 * may be held for as long as a VM holds the VF (an unbind waiting in
 * vfio, inuse.c), and there is nothing left to do. Read unlocked: a
 * driver that comes after the read is found by device_attach()
 * (__device_attach() binds nothing to a bound device).
 */
static int sriovh_bind_again_one(struct sriovh_reprobe *r)
{
	if (READ_ONCE(r->vf->dev.driver))
		return 1;
	return device_attach(&r->vf->dev);
}

/*
 * Module exit, after the passes were stopped (nothing lists a VF any
 * more): VFs still waiting for memory are tried one last time.
 */
void sriovh_bind_exit(void)
{
	struct sriovh_reprobe *r, *tmp;
	int ret;

	cancel_delayed_work_sync(&sriovh_bind_again_dwork);
	list_for_each_entry_safe(r, tmp, &sriovh_bind_again, node) {
		list_del(&r->node);
		ret = sriovh_bind_again_one(r);
		if (ret < 0)
			pci_warn(r->vf, "sriov_helper: cannot probe it at unload (%d): left unbound (echo %s > /sys/bus/pci/drivers_probe)\n",
				 ret, pci_name(r->vf));
		sriovh_reprobe_free(r);
	}
	destroy_workqueue(sriovh_bind_wq);
}

/**
 * sriovh_bind_list() - list a VF for a probe once the PF's lock is let go
 * @vf: the VF
 * @want: its driver_override, "" for its default driver (for the log)
 * @list: the list, probed by sriovh_bind_run()
 *
 * Return: 0, or -ENOMEM.
 */
int sriovh_bind_list(struct pci_dev *vf, const char *want,
		     struct list_head *list)
{
	struct sriovh_reprobe *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return -ENOMEM;
	r->vf = pci_dev_get(vf);
	strscpy(r->want, want, sizeof(r->want));
	list_add_tail(&r->node, list);
	return 0;
}

/*
 * List a VF for a reload of its driver (vfcfg.c: its netdev did not take
 * its MAC), done only if the VF is still idle when its turn comes.
 */
int sriovh_bind_list_reload(struct pci_dev *vf, const char *want,
			    struct list_head *list)
{
	int ret = sriovh_bind_list(vf, want, list);

	if (!ret)
		list_last_entry(list, struct sriovh_reprobe, node)->reload = true;
	return ret;
}

/* Take back the VF sriovh_bind_list() put last on @list. */
void sriovh_bind_unlist_last(struct list_head *list)
{
	struct sriovh_reprobe *r = list_last_entry(list, struct sriovh_reprobe,
						   node);

	list_del(&r->node);
	sriovh_reprobe_free(r);
}

/*
 * One probe. A reload goes ahead only while the VF is idle: its
 * interface may have come up since the check pass listed it.
 */
static int sriovh_reprobe_one(struct sriovh_reprobe *r)
{
	if (r->reload && !sriovh_vf_netdev_idle(r->vf)) {
		pci_info(r->vf, "sriov_helper: not reloaded for its MAC: its interface came up meanwhile\n");
		return 0;
	}
	return device_reprobe(&r->vf->dev);
}

static void sriovh_reprobe_work(struct work_struct *work)
{
	struct sriovh_reprobe *r = container_of(work, struct sriovh_reprobe,
						work);

	r->ret = sriovh_reprobe_one(r);
	if (atomic_dec_and_test(&r->batch->left))
		complete(&r->batch->done);
}

/* A probe that failed: said, and kept for a second try on -ENOMEM. */
static bool sriovh_bind_failed(struct sriovh_reprobe *r)
{
	const char *to = r->want[0] ? r->want : "its default driver";

	if (r->ret != -ENOMEM) {
		pci_err(r->vf, "sriov_helper: cannot probe it on %s (%d)\n",
			to, r->ret);
		return false;
	}
	pci_warn(r->vf, "sriov_helper: cannot probe it on %s: out of memory; trying again in 1 s\n",
		 to);
	mutex_lock(&sriovh_bind_again_lock);
	list_add_tail(&r->node, &sriovh_bind_again);
	queue_delayed_work(sriovh_bind_wq, &sriovh_bind_again_dwork, HZ);
	mutex_unlock(&sriovh_bind_again_lock);
	return true;
}

/**
 * sriovh_bind_run() - probe the VFs that a pass listed
 * @list: the list (VFs moved, let go, or to be reloaded); emptied
 * @serial: one after another, in the list's order (the PF's vf_bind)
 *
 * With no lock of ours held, the PF's least of all: device_reprobe()
 * takes the VF's device_lock to unbind it, and a VF's unbind may wait
 * on its user. Each VF was free a moment ago (sriovh_vfdrv_move()); one
 * that a VM opened since then is waited for here, by this work alone
 * (the window the kernel's own unbind through sysfs has too). A VF
 * removed meanwhile is referenced, and device_attach() skips a dead one
 * (__device_attach(), drivers/base/dd.c).
 *
 * The probes run at once, vf_bind_jobs of them, started in the list's
 * order (VF index order: a workqueue starts its items in the order they
 * were queued); the caller waits for all of them, so that what follows
 * sees the VFs where they went. Which VF gets which kernel name (ethN)
 * or IRQ numbers then depends on which probe gets there first; the
 * predictable names (enp1s0v0) come from the VF's index, and do not.
 *
 * Serial: each probe in the caller's context, the next once it returned,
 * as the PCI core probes VFs inside the enable; for VF drivers that want
 * their VFs probed in index order, one at a time. device_reprobe()
 * returns when the driver's probe did: it ends in device_attach(), that
 * is __device_attach(dev, false), which never probes asynchronously
 * (drivers/base/bus.c and dd.c).
 */
void sriovh_bind_run(struct list_head *list, bool serial)
{
	struct sriovh_bind_batch batch;
	struct sriovh_reprobe *r, *tmp;

	if (list_empty(list))
		return;
	if (serial) {
		list_for_each_entry_safe(r, tmp, list, node) {
			list_del(&r->node);
			r->ret = sriovh_reprobe_one(r);
			if (r->ret >= 0 || !sriovh_bind_failed(r))
				sriovh_reprobe_free(r);
		}
		return;
	}
	atomic_set(&batch.left, 1);
	init_completion(&batch.done);
	list_for_each_entry(r, list, node) {
		r->batch = &batch;
		INIT_WORK(&r->work, sriovh_reprobe_work);
		atomic_inc(&batch.left);
		queue_work(sriovh_bind_wq, &r->work);
	}
	if (!atomic_dec_and_test(&batch.left))
		wait_for_completion(&batch.done);
	list_for_each_entry_safe(r, tmp, list, node) {
		list_del(&r->node);
		if (r->ret >= 0 || !sriovh_bind_failed(r))
			sriovh_reprobe_free(r);
	}
}

/*
 * The second try: device_attach() probes a VF that is still unbound,
 * and unlike device_reprobe() never unbinds one.
 */
static void sriovh_bind_again_work(struct work_struct *work)
{
	struct sriovh_reprobe *r, *tmp;
	LIST_HEAD(todo);
	int ret;

	mutex_lock(&sriovh_bind_again_lock);
	list_splice_init(&sriovh_bind_again, &todo);
	mutex_unlock(&sriovh_bind_again_lock);
	list_for_each_entry_safe(r, tmp, &todo, node) {
		list_del(&r->node);
		ret = sriovh_bind_again_one(r);
		if (ret == -ENOMEM) {
			mutex_lock(&sriovh_bind_again_lock);
			list_add_tail(&r->node, &sriovh_bind_again);
			mutex_unlock(&sriovh_bind_again_lock);
			continue;
		}
		if (ret < 0)
			pci_err(r->vf, "sriov_helper: cannot probe it on %s (%d)\n",
				r->want[0] ? r->want : "its default driver",
				ret);
		sriovh_reprobe_free(r);
	}
	mutex_lock(&sriovh_bind_again_lock);
	if (!list_empty(&sriovh_bind_again))
		queue_delayed_work(sriovh_bind_wq, &sriovh_bind_again_dwork, HZ);
	mutex_unlock(&sriovh_bind_again_lock);
}
