/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SRIOV_HELPER_H
#define _SRIOV_HELPER_H

#include <linux/if.h>
#include <linux/if_ether.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/workqueue.h>

#include <sriov_helper/conf.h>

#define SRIOVH_REASON_LEN 128

/* The outcome of one per-VF key over the VFs of a set, in the last pass. */
struct sriovh_vfres {
	int err;		/* the first refusal, 0 when none */
	u16 vf;			/* the VF that refused first */
	u16 failed;		/* how many VFs refused */
	u16 tried;		/* how many VFs it was set on or checked */
	bool nolink;		/* the first refusal came with the PF's link down */
};

/*
 * Why a VF's own netdev does not show the MAC that its PF has for it
 * (vfcfg.c): its driver takes the MAC at probe.
 */
enum sriovh_stale {
	SRIOVH_STALE_NONE,
	SRIOVH_STALE_PF_DOWN,	/* the PF cannot answer it: reloaded at PF up */
	SRIOVH_STALE_IN_USE,	/* its netdev is up or in another namespace */
	SRIOVH_STALE_RELOADED,	/* its driver was reloaded, and still */
};

/* What sriovh_vfdrv_release() kept held for the PF's interface. */
struct sriovh_pf_down {
	unsigned int held;		/* VFs kept until the PF is up */
	char netdev[IFNAMSIZ];		/* the PF's interface */
	char drv[32];			/* the PF's driver */
};

/* The first VF of a set whose own netdev shows another MAC. */
struct sriovh_vfstale {
	enum sriovh_stale why;
	u16 vf;
	u8 has[ETH_ALEN];
	char netdev[IFNAMSIZ];
	char pf_netdev[IFNAMSIZ];
	char vf_drv[32];
};

/*
 * Per-VF settings for VFs first..last of one PF: a configfs vfN or vfN-M
 * directory (on its entry's vf_sets) or a vf= parameter entry (on
 * sriovh_param_vfsets). vfcfg.c owns it: it writes the values (for the
 * stores that configfs_vf.c and params.c forward) and the results, all
 * under sriovh_lock.
 */
struct sriovh_vfset {
	struct list_head node;
	enum sriovh_source source;
	struct sriovh_target pf;
	u16 first;
	u16 last;
	u32 gen;		/* new at every store, never reused (vfcfg.c) */
	struct sriovh_vfvals v;

	/* The last pass of generation gen, for status and the inventory. */
	u32 pass_gen;		/* the generation a pass is collecting for */
	bool done;
	int numvfs;		/* VFs the PF had then; -1: no netdev */
	char drv[32];		/* the PF driver asked */
	struct sriovh_vfres res[SRIOVH_NR_VKEYS];
	struct sriovh_vfstale stale;	/* with res[MAC].err == -EAGAIN */
	bool reloading;		/* a VF's driver is being reloaded for its MAC */
	/* msix: what its refusal names, and what a write gave (vfcfg.c) */
	u32 msix_total;		/* the PF's sriov_vf_total_msix, for -ERANGE */
	char msix_bound[32];	/* the VF's driver, for -EBUSY */
	u16 msix_table;		/* the VF's table size after our write */
};

/* One configured target: "apply @vfs to the PF(s) that @target names". */
struct sriovh_rule {
	struct list_head node;
	struct sriovh_target target;
	enum sriovh_source source;
	bool vfs_set;
	u16 vfs;
	enum sriovh_busrange_policy on_bus_range;
	enum sriovh_irq_mode irq;
	struct sriovh_cpulist irq_cpus;	/* nr == 0: the PF's default set */
	struct sriovh_vfdrv vf_driver;
	enum sriovh_vf_bind vf_bind;
	struct list_head vf_sets;	/* struct sriovh_vfset, configfs only */
};

/* Why the PCI core would refuse a VF count, found before asking it. */
enum sriovh_cause {
	SRIOVH_CAUSE_NONE,
	SRIOVH_CAUSE_BUS_RANGE,		/* VF routing IDs leave the bus window */
	SRIOVH_CAUSE_MMIO,		/* VF BARs unassigned or too small */
	SRIOVH_CAUSE_LAYOUT,		/* VF offset/stride the core refuses */
};

enum sriovh_pf_state {
	SRIOVH_PF_PENDING,
	SRIOVH_PF_APPLIED,
	SRIOVH_PF_FAILED,
};

/* Longest quote of offending input in a message; the rest is elided. */
#define SRIOVH_QUOTE_MAX	64

/* What a queued apply is to do; accumulated in sriovh_pf.todo. */
#define SRIOVH_TODO_COUNT	BIT(0)	/* the VF count, then all below */
#define SRIOVH_TODO_VFS		BIT(1)	/* per-VF settings changed */
#define SRIOVH_TODO_MOVE	BIT(2)	/* vf_driver changed: rebind VFs */
#define SRIOVH_TODO_ADDED	BIT(3)	/* VFs appeared: check and set them */
#define SRIOVH_TODO_CHECK	BIT(4)	/* a VF's netdev changed: check it */
#define SRIOVH_TODO_LINK	BIT(5)	/* a PF's carrier is back: set again */
/* Passes that are news, not requests: they reload no VF driver (vfcfg.c). */
#define SRIOVH_TODO_NEWS	(SRIOVH_TODO_CHECK | SRIOVH_TODO_LINK)

/* A pass that found no memory (only ever seen under fault injection). */
#define SRIOVH_NOMEM_RETRY_MS	1000

/* The highest VF index a set may name while its PF is not there to ask. */
#define SRIOVH_VF_UNKNOWN_LAST	4095

/*
 * One PF that a rule has matched, keyed by its address. The work looks the
 * device up again each time it runs, so a queued item holds no pci_dev
 * reference and a PF that is removed and re-added at the same address is
 * simply found again. Records live until module exit.
 */
struct sriovh_pf {
	struct list_head node;
	struct sriovh_target addr;
	u16 vendor;
	u16 device;
	struct delayed_work work;
	unsigned int todo;
	unsigned int busy_retries;
	u32 added_gen;		/* bumped by every VF added (notify.c) */
	bool reload_spent;	/* VF drivers reloaded since the last request */
	u32 req_gen;		/* bumped by every request (not news) */
	/* jiffies: VFs held for the PF's interface since (0: none) */
	unsigned long pf_down_since;
	struct sriovh_pf_down pf_down;	/* what is held, for status */
	unsigned int wait_ms;	/* the backoff while a device lock is busy */
	unsigned long wait_since;	/* jiffies: waiting for it since */
	bool wait_logged;		/* said in the log */
	char waiting[SRIOVH_REASON_LEN];	/* what a pass waits for */

	/* Result of the last apply, for configfs status. */
	enum sriovh_pf_state state;
	struct sriovh_target from;	/* the rule that decided it */
	enum sriovh_source source;
	u16 requested;
	int enabled;
	int err;
	char reason[SRIOVH_REASON_LEN];
	char vf_note[SRIOVH_REASON_LEN];	/* what keeps VFs from vf_driver */
	u16 vfcfg_failed;			/* sets with a refused setting */

	/* The last fit diagnosis, for the inventory. */
	bool diagnosed;
	u16 fit;
	enum sriovh_cause cause;
};

/* The locking rules are documented at the definition, in rules.c. */
extern struct mutex sriovh_lock;
extern struct list_head sriovh_cfs_rules;
extern struct list_head sriovh_param_rules;
extern struct list_head sriovh_param_vfsets;
extern bool sriovh_stopping;

struct sriovh_diag {
	enum sriovh_cause cause;
	u16 fit;		/* the largest count that would work */
	u16 apply;		/* what to enable: all, fewer (clamp) or 0 */
	int err;		/* for status when apply is 0 */
	char reason[SRIOVH_REASON_LEN];
};

extern struct workqueue_struct *sriovh_wq;

/* diagnose.c */
void sriovh_diagnose(struct pci_dev *pdev, u16 n,
		     enum sriovh_busrange_policy policy, struct sriovh_diag *d);

/* rules.c */
const struct sriovh_rule *sriovh_rule_lookup_locked(struct pci_dev *pdev);
int sriovh_conf_get_locked(struct pci_dev *pdev, struct sriovh_conf *c);
void sriovh_conf_put(struct sriovh_conf *c);
bool sriovh_queue_pdev_locked(struct pci_dev *pdev, unsigned int todo);
void sriovh_queue_bound_pfs_locked(unsigned int todo);
void sriovh_queue_rule_locked(const struct sriovh_rule *rule,
			      unsigned int todo);
void sriovh_rule_gone_locked(const struct sriovh_rule *rule);
struct sriovh_pf *sriovh_pf_find_locked(const struct sriovh_target *addr);
void sriovh_pdev_target(struct pci_dev *pdev, struct sriovh_target *t);
ssize_t sriovh_rule_status_locked(const struct sriovh_rule *rule, char *buf,
				  size_t len);
void sriovh_pf_gone_locked(struct pci_dev *pdev, const char *why);
struct sriovh_vfset *sriovh_vfset_for_locked(struct pci_dev *pf, u16 index);
bool sriovh_vfsets_any_locked(struct pci_dev *pf);
/* Loop with for (s = NULL; (s = sriovh_vfset_next_locked(pf, s)); ). */
struct sriovh_vfset *sriovh_vfset_next_locked(struct pci_dev *pf,
					      struct sriovh_vfset *prev);
u16 sriovh_vf_last_allowed(const struct sriovh_target *pf);
void sriovh_pfs_stop(void);
void sriovh_pfs_free(void);

/* apply.c */
int sriovh_wq_init(void);
void sriovh_wq_exit(void);
void sriovh_apply_work(struct work_struct *work);
void sriovh_pf_queue_locked(struct sriovh_pf *pf, unsigned long delay);
bool sriovh_vf_trylock(struct pci_dev *vf, char *busy, size_t len);
int sriovh_pf_status_locked(const struct sriovh_pf *pf, char *buf,
			    size_t len);

/* params.c */
int sriovh_params_init(void);
void sriovh_params_exit(void);

/* notify.c */
int sriovh_notify_init(void);
void sriovh_notify_exit(void);

/* inventory.c */
void sriovh_inventory_init(void);
void sriovh_inventory_exit(void);

/* irq.c */
int sriovh_irq_init(void);
void sriovh_irq_sources_exit(void);
void sriovh_irq_stop(void);
void sriovh_irq_kick(void);
int sriovh_cpulist_impossible(const struct sriovh_cpulist *l);
void sriovh_irq_allowed(struct pci_dev *pf, const struct sriovh_cpulist *cpus,
			struct cpumask *mask, bool *fallback);
void sriovh_show_vf_irqs(struct seq_file *m, struct pci_dev *vf);

/* inuse.c */
bool sriovh_drv_is_vfio(struct device_driver *drv);
bool sriovh_dev_on_vfio(struct device *dev);
bool sriovh_vf_in_use(struct pci_dev *vf, char *why, size_t len);

/* bind.c */
int sriovh_bind_init(void);
void sriovh_bind_exit(void);
int sriovh_bind_list(struct pci_dev *vf, const char *want,
		     struct list_head *list);
int sriovh_bind_list_reload(struct pci_dev *vf, const char *want,
			    struct list_head *list);
void sriovh_bind_unlist_last(struct list_head *list);
void sriovh_bind_run(struct list_head *list, bool serial);

/* numvfs.c */
int sriovh_numvfs_write(struct pci_dev *pdev, u16 n);

/* vfdrv.c */
/*
 * The driver_override of a VF held from its first probe until its
 * settings are set: no driver has this name, so none matches it.
 */
#define SRIOVH_HOLD	"sriov_helper"
/* Held on until its PF's interface is up (vfdrv.c: who answers VFs then). */
#define SRIOVH_HOLD_PF_DOWN	"sriov_helper_pf_down"

bool sriovh_vfdrv_add(struct pci_dev *vf);
void sriovh_vfdrv_unhold(struct pci_dev *vf);
int sriovh_vfdrv_release(struct pci_dev *pdev, const struct sriovh_conf *conf,
			 struct list_head *bind, bool pf_up_wait,
			 struct sriovh_pf_down *down, char *busy, size_t len);
void sriovh_vfdrv_release_all(void);
int sriovh_vfdrv_list_reload(struct pci_dev *vf, struct list_head *reload);
bool sriovh_vf_there(const char *cur, const struct sriovh_vfdrv *d);
void sriovh_vfdrv_prepare(struct pci_dev *pdev,
			  const struct sriovh_conf *conf);
void sriovh_vfdrv_precheck(struct pci_dev *pdev,
			   const struct sriovh_conf *conf);
int sriovh_vfdrv_move_all(struct pci_dev *pdev,
			  const struct sriovh_conf *conf,
			  struct list_head *reprobe, char *busy, size_t len);
bool sriovh_vfdrv_settle(struct pci_dev *pdev, const struct sriovh_conf *conf,
			 bool report, char *note, size_t nlen, char *busy,
			 size_t len);

/* vfcfg.c */
struct sriovh_vfset *sriovh_vfset_alloc(enum sriovh_source source,
					const struct sriovh_target *pf,
					u16 first, u16 last);
int sriovh_vfset_store_locked(struct sriovh_vfset *s, enum sriovh_vf_key k,
			      const struct sriovh_vfvals *in, bool set,
			      const char **why);
ssize_t sriovh_vfset_status_locked(const struct sriovh_vfset *s, char *buf,
				   size_t len);
const char *sriovh_vfset_state_locked(const struct sriovh_vfset *s);
void sriovh_vfcfg_pending_locked(struct pci_dev *pf);
bool sriovh_vf_netdev_idle(struct pci_dev *vf);
/* What a per-VF pass found, for the PF's record (apply.c writes it). */
struct sriovh_vfcfg_out {
	bool counted;		/* every VF was judged: @failed counts */
	u16 failed;		/* sets with a refused setting */
};

bool sriovh_vfcfg_apply(struct pci_dev *pdev, const struct sriovh_conf *conf,
			bool may_reload, struct list_head *reload,
			struct sriovh_vfcfg_out *out, char *busy, size_t len);
void sriovh_vfcfg_link_up(struct pci_dev *pdev, bool up);
void sriovh_vfcfg_vf_netdev(struct pci_dev *vf);
struct net_device *sriovh_pf_netdev(struct pci_dev *pdev);
void sriovh_pf_netdev_name(struct pci_dev *pdev, char *buf, size_t len);

/* configfs_vf.c */
struct config_group;
struct config_item;
struct config_group *sriovh_make_vf(struct config_group *entry,
				    struct sriovh_rule *rule, const char *name);
void sriovh_drop_vf(struct config_item *item);

/* configfs.c */
int sriovh_cfs_value(const char *page, size_t count, size_t *len,
		     const char **why);
ssize_t sriovh_cfs_invalid(struct config_item *item, const char *attr,
			   const char *page, size_t len, const char *why);
int sriovh_configfs_init(void);
void sriovh_configfs_exit(void);

/*
 * The next VF of @pf after @vf (NULL: the first), with a reference; the
 * reference on @vf is dropped. Loop with
 * for (vf = NULL; (vf = sriovh_next_vf(pf, vf)); ), and leave it early
 * with pci_dev_put(vf).
 *
 * Each VF once, in routing-ID order: pci_get_device() walks the bus's
 * klist (bus_find_device(), drivers/base/bus.c), and when the device it
 * stands on was removed meanwhile, klist_next() starts again from the
 * head, so a walk would meet the VFs before it twice. VFs are added in
 * index order (sriov_add_vfs(), drivers/pci/iov.c) at the tail, and a
 * VF's routing ID is the PF's plus First VF Offset plus VF Stride times
 * its index (pci_iov_virtfn_bus()/_devfn()): an ID not above the last one
 * returned was seen already. The ID, unlike pci_iov_vf_id(), is the VF's
 * own and needs no division by a stride that the PF's next NumVFs may
 * have changed (to 0, even, at NumVFs 0 or 1: sriov_disable() rereads
 * it). What this does not give: VFs re-created under a walk that holds
 * no PF lock may be skipped (their IDs start low again); walks that must
 * see every VF hold the PF's lock, which the count's writer holds too.
 */
static inline struct pci_dev *sriovh_next_vf(struct pci_dev *pf,
					     struct pci_dev *vf)
{
	int last = vf ? pci_dev_id(vf) : -1;

	while ((vf = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, vf)))
		if (vf->is_virtfn && pci_physfn(vf) == pf &&
		    (int)pci_dev_id(vf) > last)
			return vf;
	return NULL;
}

/*
 * The bound driver's name, or NULL. The caller holds device_lock(pdev):
 * only that keeps the driver bound (the driver core unbinds under it), and
 * so its module, and the name, in memory.
 */
static inline const char *sriovh_driver_of(struct pci_dev *pdev)
{
	device_lock_assert(&pdev->dev);
	return pdev->dev.driver ? pdev->dev.driver->name : NULL;
}

static inline const char *sriovh_source_name(enum sriovh_source src)
{
	return src == SRIOVH_SRC_CONFIGFS ? "configfs" : "pf= parameter";
}

#endif /* _SRIOV_HELPER_H */
