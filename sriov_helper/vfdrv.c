// SPDX-License-Identifier: GPL-2.0
/*
 * Where VFs go: vf_driver=auto|none|<driver>, per PF (the entry) and per
 * VF (a vfN or vfN-M set, which beats the entry for its VFs).
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
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/kmod.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "sriov_helper.h"

/* Distinct drivers a PF's choices can name that are loaded ahead. */
#define SRIOVH_PREPARE_MAX	8

/*
 * The override a VF with this choice gets; NULL: none at all.
 * "none" is no driver's name, so it matches nothing.
 */
static const char *sriovh_vfdrv_override(const struct sriovh_vfdrv *d)
{
	return d->mode == SRIOVH_VFDRV_AUTO ? NULL : sriovh_vf_driver_name(d);
}

struct sriovh_drv_query {
	const char *name;
	bool found;
	bool vfio;
};

/*
 * bus_for_each_drv() holds each driver's klist node while the callback
 * runs, and a driver's removal waits for that (klist_remove()): the
 * driver can be read here even if its module is on its way out.
 */
static int sriovh_drv_match(struct device_driver *drv, void *arg)
{
	struct sriovh_drv_query *q = arg;

	if (strcmp(drv->name, q->name))
		return 0;
	q->found = true;
	q->vfio = sriovh_drv_is_vfio(drv);
	return 1;
}

/* Is a PCI driver of that name loaded, and is it a vfio driver? */
static bool sriovh_drv_lookup(const char *name, bool *vfio)
{
	struct sriovh_drv_query q = { .name = name };

	bus_for_each_drv(&pci_bus_type, NULL, &q, sriovh_drv_match);
	if (vfio)
		*vfio = q.vfio;
	return q.found;
}

/*
 * The PF's driver when it is a vfio driver that keeps the PF's VFs for
 * itself and @d would send them elsewhere, else NULL. Every vfio-pci-core
 * driver registers a bus notifier for its PF (vfio_pci_core_register_device())
 * that sets each new VF's driver_override to itself at
 * BUS_NOTIFY_ADD_DEVICE (6.1's replaces ours without freeing it), and a VF
 * of a PF that a VM may own must not go to a host driver. The caller keeps
 * the PF's driver in place: it holds device_lock(PF), or it runs inside
 * the PF driver's own VF creation.
 */
static const char *sriovh_vfdrv_held(struct pci_dev *pf,
				     const struct sriovh_vfdrv *d)
{
	struct device_driver *drv = pf->dev.driver;

	if (!sriovh_dev_on_vfio(&pf->dev) || d->mode == SRIOVH_VFDRV_AUTO ||
	    (d->mode == SRIOVH_VFDRV_NAMED && !strcmp(d->name, drv->name)))
		return NULL;
	return drv->name;
}

/* The choice @conf makes for @vf; none (auto) for a VF it cannot place. */
static void sriovh_vfdrv_choice(const struct sriovh_conf *conf,
				struct pci_dev *vf, struct sriovh_vfdrv *d)
{
	int index = pci_iov_vf_id(vf);

	if (index < 0)
		memset(d, 0, sizeof(*d));
	else
		sriovh_conf_vfdrv(conf, (u16)index, d);
}

/**
 * sriovh_vfdrv_add() - a VF is being added: hold it from its first probe
 * @vf: the new VF, not yet probed
 *
 * From the bus notifier (BUS_NOTIFY_ADD_DEVICE), inside
 * pci_iov_add_virtfn(): pci_bus_add_device() probes the VF right after
 * (drivers/pci/bus.c), inside the PF driver's sriov_configure(). A VF of
 * a PF that a rule names is held: its driver_override is set to
 * SRIOVH_HOLD, which no driver has, so that no driver probes it before
 * its per-VF settings are in the PF's table (igbvf, mlx5 and others read
 * their MAC at probe, and i40e and ice reset a bound VF on every MAC
 * write). The PF's pass gives each held VF its settings, then its driver
 * (sriovh_vfdrv_release()). On 6.1 setting the override takes
 * device_lock(VF), which nobody holds yet.
 *
 * Return: true when the VF is held; the caller must then queue the PF's
 * pass, or let the VF go (sriovh_vfdrv_unhold()) if it cannot.
 */
bool sriovh_vfdrv_add(struct pci_dev *vf)
{
	struct pci_dev *pf = pci_physfn(vf);
	bool ruled;
	int ret;

	/* Held until its PF's pass, whatever the choice: it has settings. */
	mutex_lock(&sriovh_lock);
	ruled = !sriovh_stopping && sriovh_rule_lookup_locked(pf);
	mutex_unlock(&sriovh_lock);
	if (!ruled)
		return false;
	/*
	 * A PF on a vfio driver captures its VFs itself, whatever the choice
	 * (sriovh_vfdrv_held()), even when it names that same driver: 6.1's
	 * capture (vfio_pci_bus_notifier()) overwrites pdev->driver_override
	 * without freeing it, so an override of ours would leak there.
	 */
	if (sriovh_dev_on_vfio(&pf->dev))
		return false;
	ret = sriovh_set_driver_override(vf, SRIOVH_HOLD);
	if (ret) {
		pci_err(vf, "sriov_helper: cannot hold this VF for its settings (%d); its driver may probe it first\n",
			ret);
		return false;
	}
	return true;
}

/**
 * sriovh_vfdrv_unhold() - let a held VF go at once, to its default driver
 * @vf: the VF, from the notifier that held it (before its first probe)
 *
 * For a VF whose PF no rule names any more by the time its pass was to be
 * queued (configfs rmdir in between), or when the module is stopping.
 */
void sriovh_vfdrv_unhold(struct pci_dev *vf)
{
	sriovh_set_driver_override(vf, "");
}

struct sriovh_names {
	unsigned int n;
	char name[SRIOVH_PREPARE_MAX][SRIOVH_DRIVER_NAME_MAX + 1];
};

static void sriovh_names_add(struct sriovh_names *nm,
			     const struct sriovh_vfdrv *d)
{
	unsigned int i;

	if (d->mode != SRIOVH_VFDRV_NAMED)
		return;
	for (i = 0; i < nm->n; i++)
		if (!strcmp(nm->name[i], d->name))
			return;
	if (nm->n < SRIOVH_PREPARE_MAX)
		strscpy(nm->name[nm->n++], d->name, sizeof(nm->name[0]));
}

/* The drivers that a PF's rule and per-VF sets name. */
static void sriovh_names_of(const struct sriovh_conf *conf,
			    struct sriovh_names *nm)
{
	unsigned int i;

	if (!conf->ruled)
		return;
	sriovh_names_add(nm, &conf->vf_driver);
	for (i = 0; i < conf->nr_sets; i++)
		if (conf->sets[i].v.set & (1u << SRIOVH_VK_VF_DRIVER))
			sriovh_names_add(nm, &conf->sets[i].v.vf_driver);
}

/**
 * sriovh_vfdrv_prepare() - load the chosen drivers before VFs appear
 * @pdev: the PF, no lock held
 * @conf: what is configured for it
 *
 * A VF whose override names a driver that is not loaded stays unbound
 * until it is. Called from the work before it locks the PF: modprobe may
 * take its time, and the driver's registration walks the bus.
 */
void sriovh_vfdrv_prepare(struct pci_dev *pdev,
			  const struct sriovh_conf *conf)
{
	struct sriovh_names nm = {};
	unsigned int i;

	sriovh_names_of(conf, &nm);
	/* A failure shows later, as VFs not bound, with the reason. */
	for (i = 0; i < nm.n; i++)
		if (!sriovh_drv_lookup(nm.name[i], NULL))
			request_module("%s", nm.name[i]);
}

/* How to turn on an IOMMU: x86, arm64, anything else. */
static const char * const sriovh_iommu_advice_text[] = {
	"enable VT-d/AMD-Vi in the firmware and boot with intel_iommu=on (Intel) or amd_iommu=on (AMD)",
	"enable the SMMU in the firmware (ACPI IORT or device tree) and load its driver (arm-smmu-v3)",
	"enable the platform's IOMMU in the firmware and the kernel",
};

static const char *sriovh_iommu_advice(void)
{
	if (IS_ENABLED(CONFIG_X86))
		return sriovh_iommu_advice_text[0];
	if (IS_ENABLED(CONFIG_ARM64))
		return sriovh_iommu_advice_text[1];
	return sriovh_iommu_advice_text[2];
}

/**
 * sriovh_vfdrv_precheck() - say now what will keep VFs from their driver
 * @pdev: the PF, device_lock held
 * @conf: what is configured for it
 */
void sriovh_vfdrv_precheck(struct pci_dev *pdev,
			   const struct sriovh_conf *conf)
{
	char held_for[SRIOVH_DRIVER_NAME_MAX + 1] = "";
	struct sriovh_names nm = {};
	const char *held = NULL;
	struct sriovh_vfdrv d;
	unsigned int i;
	bool vfio;

	sriovh_names_of(conf, &nm);
	if (conf->ruled && conf->vf_driver.mode == SRIOVH_VFDRV_NONE) {
		held = sriovh_vfdrv_held(pdev, &conf->vf_driver);
		strscpy(held_for, "none", sizeof(held_for));
	}

	for (i = 0; i < nm.n; i++) {
		d.mode = SRIOVH_VFDRV_NAMED;
		strscpy(d.name, nm.name[i], sizeof(d.name));
		if (!held) {
			held = sriovh_vfdrv_held(pdev, &d);
			strscpy(held_for, d.name, sizeof(held_for));
		}
		if (sriovh_drv_lookup(d.name, &vfio) && vfio &&
		    !device_iommu_mapped(&pdev->dev))
			pci_warn(pdev, "sriov_helper: vf_driver=%s but no IOMMU translates this PF, so %s will refuse its VFs: %s, or load vfio with enable_unsafe_noiommu_mode=1 (no isolation)\n",
				 d.name, d.name, sriovh_iommu_advice());
	}
	if (held)
		pci_warn(pdev, "sriov_helper: the PF is bound to %s, which keeps its VFs for itself: vf_driver=%s is not applied to them\n",
			 held, held_for);
}

/* What became of one VF, for the entry's note. */
enum sriovh_vf_verdict {
	SRIOVH_VF_THERE,	/* on its chosen driver */
	SRIOVH_VF_HELD,		/* its PF's vfio driver keeps it */
	SRIOVH_VF_BUSY,		/* left where it is: in use */
	SRIOVH_VF_BOUND,	/* none asked, a driver was bound before */
	SRIOVH_VF_UNLOADED,	/* the chosen driver is not loaded */
	SRIOVH_VF_NO_IOMMU,	/* a vfio driver without an IOMMU */
	SRIOVH_VF_ELSEWHERE,	/* bound elsewhere or unbound otherwise */
	SRIOVH_VF_WAITING,	/* held for its PF's interface: status says so */
	SRIOVH_NR_VF_VERDICTS,
};

struct sriovh_settle {
	unsigned int total;
	unsigned int count[SRIOVH_NR_VF_VERDICTS];
	/* The choice of the first VF of each verdict, for the note. */
	struct sriovh_vfdrv first[SRIOVH_NR_VF_VERDICTS];
	char held_by[32];
};

/**
 * sriovh_vf_there() - is a VF bound as its vf_driver choice asks?
 * @cur: its driver's name, NULL when unbound (read under its device_lock)
 * @d: the choice
 *
 * Return: true when it is (for auto, whatever the kernel chose, or none).
 */
bool sriovh_vf_there(const char *cur, const struct sriovh_vfdrv *d)
{
	if (d->mode == SRIOVH_VFDRV_NONE)
		return !cur;
	if (d->mode == SRIOVH_VFDRV_NAMED)
		return cur && !strcmp(cur, d->name);
	return true;	/* auto: whatever the kernel chose, or nothing yet */
}

/*
 * Move one VF to @d (vf_driver was changed): set its override now, and
 * list it for a reprobe unless it is there already or its user would
 * have to let go of it first (unbinding a VF that a VM holds through
 * VFIO waits for the VM, inuse.c). auto unbinds nothing: it only lets
 * the kernel probe a VF that has no driver. Called with device_lock(PF)
 * held; the VF's is only tried.
 *
 * Return: 0, or -EAGAIN when the VF's lock was busy (@busy names it).
 */
static int sriovh_vfdrv_move(struct pci_dev *vf, const struct sriovh_vfdrv *d,
			     struct list_head *reprobe, char *busy, size_t len)
{
	const char *want = sriovh_vfdrv_override(d);
	char why[SRIOVH_REASON_LEN];
	bool there, in_use;
	int ret;

	if (!sriovh_vf_trylock(vf, busy, len))
		return -EAGAIN;
	there = d->mode == SRIOVH_VFDRV_AUTO ? !!vf->dev.driver :
		sriovh_vf_there(sriovh_driver_of(vf), d);
	in_use = !there && sriovh_vf_in_use(vf, why, sizeof(why));
	device_unlock(&vf->dev);
	/*
	 * Set even when the VF is there or in use: its next probe (after an
	 * admin unbinds it, say) goes where it should. Not under the VF's
	 * device_lock: 6.1's driver_set_override() takes it (a holder that
	 * came in since the try above is waited for there: that window
	 * stays).
	 */
	ret = sriovh_set_driver_override(vf, want ? want : "");
	if (ret)
		pci_err(vf, "sriov_helper: cannot set driver_override to %s (%d)\n",
			want ? want : "(none)", ret);
	if (in_use)
		pci_warn(vf, "sriov_helper: %s: not moving it to %s\n", why,
			 want ? want : "its default driver");
	if (there || in_use)
		return 0;
	return sriovh_bind_list(vf, want ? want : "", reprobe);
}

/**
 * sriovh_vfdrv_list_reload() - list a VF for a reload of its driver
 * @vf: the VF, device_lock held (its driver stays where it is named)
 * @reload: the list, for sriovh_bind_run() once the PF's lock is
 *	let go
 *
 * Return: 0, or -ENOMEM.
 */
int sriovh_vfdrv_list_reload(struct pci_dev *vf, struct list_head *reload)
{
	device_lock_assert(&vf->dev);
	return sriovh_bind_list_reload(vf, sriovh_driver_of(vf) ?: "", reload);
}

/**
 * sriovh_vfdrv_move_all() - a vf_driver was changed: move the PF's VFs
 * @pdev: the PF, device_lock held (so its VFs and its driver stay)
 * @conf: what is configured for it
 * @reprobe: where the VFs to reprobe are listed, for
 *	sriovh_bind_run() once the PF's lock is let go
 * @busy: where to name the first VF whose lock was busy
 * @len: its size
 *
 * Return: 0; -EAGAIN when a VF was busy, -ENOMEM: come back for the rest.
 */
int sriovh_vfdrv_move_all(struct pci_dev *pdev,
			  const struct sriovh_conf *conf,
			  struct list_head *reprobe, char *busy, size_t len)
{
	struct sriovh_vfdrv d;
	struct pci_dev *vf;
	int ret = 0, err;

	device_lock_assert(&pdev->dev);
	for (vf = NULL; (vf = sriovh_next_vf(pdev, vf)); ) {
		sriovh_vfdrv_choice(conf, vf, &d);
		if (sriovh_vfdrv_held(pdev, &d))
			continue;
		err = sriovh_vfdrv_move(vf, &d, reprobe, busy, len);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

/*
 * PF drivers that answer their VFs only while their own interface is up:
 * igb and ixgbe request the interrupt that carries VF mailbox messages in
 * their ndo_open (igb_request_irq() from __igb_open(), igb_msg_task()
 * from igb_msix_other(); ixgbe_request_msix_irqs() from ixgbe_open(),
 * ixgbe_msg_task() from ixgbe_msix_other()). With it down, a VF driver's
 * probe (igbvf, ixgbevf) spins in mailbox timeouts, about 2 s for
 * igbvf ("PF still in reset state"), and takes a random MAC. i40e, ice
 * and mlx5 serve their VFs from the admin queue or the firmware, whatever
 * the PF's interface does.
 */
static const char * const sriovh_pf_up_only[] = { "igb", "ixgbe" };

/*
 * Does @pdev answer its VFs only while its interface is up, and is that
 * interface down now? Called with device_lock(PF) held (its driver
 * stays); rtnl is taken inside it (the order of sriov_configure()).
 */
static bool sriovh_pf_down_now(struct pci_dev *pdev,
			       struct sriovh_pf_down *down)
{
	const char *drv = sriovh_driver_of(pdev);
	struct net_device *nd;
	bool is_down = false;
	unsigned int i;

	if (!drv)
		return false;
	for (i = 0; i < ARRAY_SIZE(sriovh_pf_up_only); i++)
		if (!strcmp(drv, sriovh_pf_up_only[i]))
			break;
	if (i == ARRAY_SIZE(sriovh_pf_up_only))
		return false;
	rtnl_lock();
	nd = sriovh_pf_netdev(pdev);
	if (nd && !netif_running(nd)) {
		is_down = true;
		strscpy(down->netdev, netdev_name(nd), sizeof(down->netdev));
		strscpy(down->drv, drv, sizeof(down->drv));
	}
	rtnl_unlock();
	return is_down;
}

/* A choice that gives the VF a host driver, which talks to its PF. */
static bool sriovh_vfdrv_to_host(const struct sriovh_vfdrv *d)
{
	bool vfio = false;

	if (d->mode == SRIOVH_VFDRV_NONE)
		return false;
	if (d->mode == SRIOVH_VFDRV_NAMED &&
	    sriovh_drv_lookup(d->name, &vfio) && vfio)
		return false;
	return true;
}

/* Is @vf held, for its settings or for its PF's interface? */
static bool sriovh_vf_held(struct pci_dev *vf)
{
	return sriovh_driver_override_is(vf, SRIOVH_HOLD) ||
	       sriovh_driver_override_is(vf, SRIOVH_HOLD_PF_DOWN);
}

/* What becomes of one VF at a pass's release, decided under its lock. */
enum sriovh_hold_step {
	SRIOVH_HOLD_NONE,	/* not held (bound, or not ours) */
	SRIOVH_HOLD_KEEP,	/* held for its PF's interface already */
	SRIOVH_HOLD_PF,		/* to be held for its PF's interface */
	SRIOVH_HOLD_LET_GO,	/* to its choice, and probed */
};

/*
 * Decide for one VF, with device_lock(VF) held, under which 6.1's
 * override is read and nothing probes the VF. A held VF goes to the
 * choice @conf makes (@want: its override, "" for none of it: auto, or
 * no rule names its PF any more), unless @pf_down and the VF is for a
 * host driver: then it stays held until its PF's interface is up
 * (SRIOVH_HOLD_PF_DOWN).
 */
static enum sriovh_hold_step sriovh_hold_decide(const struct sriovh_conf *conf,
						struct pci_dev *vf,
						bool pf_down, char *want,
						size_t len)
{
	struct sriovh_vfdrv d;
	const char *w;

	if (vf->dev.driver || !sriovh_vf_held(vf))
		return SRIOVH_HOLD_NONE;
	sriovh_vfdrv_choice(conf, vf, &d);
	w = sriovh_vfdrv_override(&d);
	if (pf_down && sriovh_vfdrv_to_host(&d))
		return sriovh_driver_override_is(vf, SRIOVH_HOLD_PF_DOWN) ?
		       SRIOVH_HOLD_KEEP : SRIOVH_HOLD_PF;
	strscpy(want, w ? w : "", len);
	return SRIOVH_HOLD_LET_GO;
}

/*
 * Act on it, with the VF's lock let go: 6.1's driver_set_override()
 * takes it (6.12's takes a spinlock). An admin's driver_override write
 * in between is overwritten: the window a move has too.
 *
 * Return: 1 when kept held for the PF, 0 when let go (listed on @bind)
 * or not held, -ENOMEM when it could not be listed or its override set:
 * it stays held and the pass comes back, except at module exit
 * (@stopping), where it is let go unprobed.
 */
static int sriovh_hold_act(struct pci_dev *vf, enum sriovh_hold_step step,
			   const char *want, struct list_head *bind,
			   bool stopping)
{
	int listed, ret;

	switch (step) {
	case SRIOVH_HOLD_NONE:
		return 0;
	case SRIOVH_HOLD_KEEP:
		return 1;
	case SRIOVH_HOLD_PF:
		/* Failed, it stays held as SRIOVH_HOLD: the same to a probe. */
		sriovh_set_driver_override(vf, SRIOVH_HOLD_PF_DOWN);
		return 1;
	case SRIOVH_HOLD_LET_GO:
		break;
	}
	listed = sriovh_bind_list(vf, want, bind);
	if (listed && !stopping)
		return listed;
	ret = sriovh_set_driver_override(vf, want);
	if (ret && !stopping) {
		sriovh_bind_unlist_last(bind);
		return ret;
	}
	if (ret)
		pci_warn(vf, "sriov_helper: cannot let it go at unload (%d): its driver_override stays %s (echo > /sys/bus/pci/devices/%s/driver_override)\n",
			 ret, SRIOVH_HOLD, pci_name(vf));
	else if (listed)
		pci_warn(vf, "sriov_helper: out of memory at unload: let go, but not probed (echo %s > /sys/bus/pci/drivers_probe)\n",
			 pci_name(vf));
	return ret ?: listed;
}

/**
 * sriovh_vfdrv_release() - give the PF's held VFs their driver
 * @pdev: the PF, device_lock held (so its VFs stay)
 * @conf: what is configured for it (no rule: the kernel's choice)
 * @bind: where the VFs to probe are listed, in VF index order, for
 *	sriovh_bind_run() once the PF's lock is let go
 * @pf_up_wait: keep VFs for a host driver held while the PF's interface
 *	is down, if its driver answers VFs only while it is up
 * @down: what was kept held for the PF's interface
 * @busy: where to name the first VF whose lock was busy
 * @len: its size
 *
 * Called once the VFs' settings are in the PF's table, on every path of
 * a pass that is not coming back (the PF lost its driver, the rule was
 * removed, the count failed part way): the hold never outlives the pass.
 *
 * Return: 0; -EAGAIN when a VF's lock was busy, -ENOMEM when a VF could
 * not be listed (it stays held): the caller comes back for it.
 */
int sriovh_vfdrv_release(struct pci_dev *pdev, const struct sriovh_conf *conf,
			 struct list_head *bind, bool pf_up_wait,
			 struct sriovh_pf_down *down, char *busy, size_t len)
{
	char want[SRIOVH_DRIVER_NAME_MAX + 1];
	enum sriovh_hold_step step;
	bool pf_down;
	struct pci_dev *vf;
	int ret = 0, err;

	device_lock_assert(&pdev->dev);
	memset(down, 0, sizeof(*down));
	pf_down = pf_up_wait && pdev->is_physfn && sriovh_pf_down_now(pdev, down);
	for (vf = NULL; (vf = sriovh_next_vf(pdev, vf)); ) {
		if (!sriovh_vf_trylock(vf, busy, len)) {
			ret = ret ?: -EAGAIN;
			continue;
		}
		step = sriovh_hold_decide(conf, vf, pf_down, want,
					  sizeof(want));
		device_unlock(&vf->dev);
		err = sriovh_hold_act(vf, step, want, bind, false);
		if (err > 0)
			down->held++;
		else
			ret = ret ?: err;
	}
	return ret;
}

/* device_lock(VF), polled for up to a second (module exit only). */
static bool sriovh_vf_lock_briefly(struct pci_dev *vf)
{
	unsigned int waited = 0;

	while (!device_trylock(&vf->dev)) {
		if (waited >= 1000) {
			pci_warn(vf, "sriov_helper: device lock busy at unload: a hold of ours (driver_override %s) is not looked for on this VF\n",
				 SRIOVH_HOLD);
			return false;
		}
		msleep(20);
		waited += 20;
	}
	return true;
}

/**
 * sriovh_vfdrv_release_all() - module exit: let every held VF go
 *
 * After the passes were cancelled and before the rules are freed: a VF
 * whose pass never ran gets its choice and its probe now. Each VF's lock
 * is polled for a moment, never waited for: a bound VF's may be held for
 * as long as a VM holds it (an unbind waiting in vfio), and a held VF,
 * which has no driver, is locked only by a probe that finds no match or
 * a sysfs write. The VFs of a PF with vf_bind=serial are probed one
 * after another, after the others, in the order for_each_pci_dev()
 * walks them: a PF's in VF index order (sriov_add_vfs() adds them so,
 * and bus_add_device() appends each to the bus's list).
 */
void sriovh_vfdrv_release_all(void)
{
	char want[SRIOVH_DRIVER_NAME_MAX + 1];
	struct sriovh_conf conf = {};
	struct pci_dev *of = NULL;
	enum sriovh_hold_step step;
	struct pci_dev *vf = NULL;
	LIST_HEAD(serial);
	LIST_HEAD(bind);
	bool one;

	for_each_pci_dev(vf) {
		if (!vf->is_virtfn)
			continue;
		/*
		 * What is configured for its PF, taken again when the PF
		 * changes (a PF's VFs are mostly walked one after another);
		 * @of is referenced, so a PF removed meanwhile is not taken
		 * for a new one at its address. Out of memory, its sets are
		 * left out: the rule's choice holds.
		 */
		if (pci_physfn(vf) != of) {
			pci_dev_put(of);
			of = pci_dev_get(pci_physfn(vf));
			sriovh_conf_put(&conf);
			mutex_lock(&sriovh_lock);
			if (sriovh_conf_get_locked(of, &conf))
				pci_warn(of, "sriov_helper: out of memory at unload: VFs held by per-VF sets get the PF's vf_driver\n");
			mutex_unlock(&sriovh_lock);
		}
		if (!sriovh_vf_lock_briefly(vf))
			continue;
		step = sriovh_hold_decide(&conf, vf, false, want, sizeof(want));
		device_unlock(&vf->dev);
		one = conf.vf_bind == SRIOVH_VFBIND_SERIAL;
		sriovh_hold_act(vf, step, want, one ? &serial : &bind, true);
	}
	pci_dev_put(of);
	sriovh_conf_put(&conf);
	sriovh_bind_run(&bind, false);
	sriovh_bind_run(&serial, true);
}

/*
 * Classify one VF, its driver read under its device_lock (tried).
 * Return: false when the lock was busy.
 */
static bool sriovh_vf_judge(struct pci_dev *pf, struct pci_dev *vf,
			    const struct sriovh_vfdrv *d,
			    enum sriovh_vf_verdict *v, char *busy, size_t len)
{
	char why[SRIOVH_REASON_LEN];
	bool vfio, there, in_use;

	if (!sriovh_vf_trylock(vf, busy, len))
		return false;
	if (!vf->dev.driver && sriovh_vf_held(vf)) {
		device_unlock(&vf->dev);
		*v = SRIOVH_VF_WAITING;
		return true;
	}
	there = sriovh_vf_there(sriovh_driver_of(vf), d);
	in_use = !there && sriovh_vf_in_use(vf, why, sizeof(why));
	device_unlock(&vf->dev);
	if (there)
		*v = SRIOVH_VF_THERE;
	else if (in_use)
		*v = SRIOVH_VF_BUSY;
	else if (d->mode == SRIOVH_VFDRV_NONE)
		*v = SRIOVH_VF_BOUND;
	else if (!sriovh_drv_lookup(d->name, &vfio))
		*v = SRIOVH_VF_UNLOADED;
	else if (vfio && !device_iommu_mapped(&pf->dev))
		*v = SRIOVH_VF_NO_IOMMU;
	else
		*v = SRIOVH_VF_ELSEWHERE;
	return true;
}

/* The note for status: what keeps the first VFs from their driver. */
static void sriovh_settle_note(const struct sriovh_settle *st, char *note,
			       size_t len)
{
	const struct sriovh_vfdrv *d;
	unsigned int v;

	note[0] = '\0';
	if (st->count[SRIOVH_VF_HELD]) {
		snprintf(note, len,
			 "vf_driver %s: not applied: the PF is bound to %s, which keeps its %u VFs",
			 sriovh_vf_driver_name(&st->first[SRIOVH_VF_HELD]),
			 st->held_by, st->total);
		return;
	}
	for (v = SRIOVH_VF_BUSY; v < SRIOVH_NR_VF_VERDICTS; v++)
		if (st->count[v])
			break;
	if (v == SRIOVH_NR_VF_VERDICTS)
		return;
	d = &st->first[v];
	switch (v) {
	case SRIOVH_VF_BUSY:
		snprintf(note, len,
			 "vf_driver %s: %u of %u VFs left where they are: in use through VFIO or by a guest",
			 sriovh_vf_driver_name(d), st->count[v], st->total);
		break;
	case SRIOVH_VF_BOUND:
		snprintf(note, len,
			 "vf_driver none: %u of %u VFs have a driver (bound before vf_driver was set)",
			 st->count[v], st->total);
		break;
	case SRIOVH_VF_UNLOADED:
		snprintf(note, len,
			 "vf_driver %s: %u of %u VFs unbound: no such driver loaded",
			 d->name, st->count[v], st->total);
		break;
	case SRIOVH_VF_NO_IOMMU:
		snprintf(note, len,
			 "vf_driver %s: %u of %u VFs unbound: no IOMMU (%s)",
			 d->name, st->count[v], st->total,
			 IS_ENABLED(CONFIG_X86) ?
			 "boot with intel_iommu=on or amd_iommu=on" :
			 "enable the IOMMU");
		break;
	default:
		snprintf(note, len,
			 "vf_driver %s: %u of %u VFs not bound to it (see the kernel log)",
			 d->name, st->count[v], st->total);
		break;
	}
}

/**
 * sriovh_vfdrv_settle() - check the PF's VFs against their chosen driver
 * @pdev: the PF, device_lock held (so its VFs and its driver stay)
 * @conf: what is configured for it
 * @report: log the outcome (not on a pass for per-VF settings alone)
 * @note: where to say what keeps VFs from their chosen driver ("" when
 *	nothing does), for the PF's record (apply.c keeps it)
 * @nlen: its size
 * @busy: where to name the first VF whose lock was busy
 * @len: its size
 *
 * A VF whose device_lock is held is not waited for (its holder may be
 * an unbind waiting inside vfio for a VM, for as long as the VM runs):
 * it is left out of the note, and the caller comes back for it.
 *
 * Return: false when a VF was busy.
 */
bool sriovh_vfdrv_settle(struct pci_dev *pdev, const struct sriovh_conf *conf,
			 bool report, char *note, size_t nlen, char *busy,
			 size_t len)
{
	struct sriovh_settle st = {};
	enum sriovh_vf_verdict v;
	unsigned int named = 0;
	bool all = true;
	const char *held;
	struct sriovh_vfdrv d;
	struct pci_dev *vf;

	device_lock_assert(&pdev->dev);
	for (vf = NULL; (vf = sriovh_next_vf(pdev, vf)); ) {
		sriovh_vfdrv_choice(conf, vf, &d);
		held = sriovh_vfdrv_held(pdev, &d);
		if (held) {
			v = SRIOVH_VF_HELD;
			strscpy(st.held_by, held, sizeof(st.held_by));
		} else if (!sriovh_vf_judge(pdev, vf, &d, &v, busy, len)) {
			all = false;
			continue;
		}
		if (v == SRIOVH_VF_WAITING)
			continue;
		st.total++;
		if (!st.count[v]++)
			st.first[v] = d;
		/* "7 VFs bound to vfio-pci" only when they all went there. */
		if (v == SRIOVH_VF_THERE && d.mode == SRIOVH_VFDRV_NAMED &&
		    sriovh_vfdrv_equal(&d, &st.first[v]))
			named++;
	}

	sriovh_settle_note(&st, note, nlen);
	if (report && note[0])
		pci_warn(pdev, "sriov_helper: %s\n", note);
	else if (report && all && named && named == st.total &&
		 st.first[SRIOVH_VF_THERE].mode == SRIOVH_VFDRV_NAMED)
		pci_info(pdev, "sriov_helper: %u VFs bound to %s\n", named,
			 st.first[SRIOVH_VF_THERE].name);
	return all;
}
