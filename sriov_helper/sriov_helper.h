/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SRIOV_HELPER_H
#define _SRIOV_HELPER_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/workqueue.h>

#include <sriov_helper/parse.h>

/* Where a requested count came from; configfs beats the parameter. */
enum sriovh_source {
	SRIOVH_SRC_PARAM,
	SRIOVH_SRC_CONFIGFS,
};

#define SRIOVH_REASON_LEN 128

/*
 * Per-VF settings (configfs <PF>/vfN/), applied through the PF network
 * device's VF operations, as "ip link set PF vf N ..." does. Lives in a
 * configfs rule's vf_cfgs, under sriovh_lock.
 */
struct sriovh_vfcfg {
	struct list_head node;
	u16 index;
	u32 gen;		/* bumped by every store */
	bool mac_set;
	bool vlan_set;
	bool trust_set;
	bool spoofchk_set;
	u8 mac[6];
	u16 vlan;
	bool trust;
	bool spoofchk;
	/* The last apply of generation gen, for vfN/status. */
	bool done;
	int err;
	char result[SRIOVH_REASON_LEN];
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
	struct list_head vf_cfgs;	/* struct sriovh_vfcfg, configfs only */
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

/* A pass that found no memory (only ever seen under fault injection). */
#define SRIOVH_NOMEM_RETRY_MS	1000

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

	/* Result of the last apply, for configfs status. */
	enum sriovh_pf_state state;
	struct sriovh_target from;	/* the rule that decided it */
	enum sriovh_source source;
	u16 requested;
	int enabled;
	int err;
	char reason[SRIOVH_REASON_LEN];
	char vf_note[SRIOVH_REASON_LEN];	/* what keeps VFs from vf_driver */
	u16 vfcfg_failed;			/* per-VF settings refused */

	/* The last fit diagnosis, for the inventory. */
	bool diagnosed;
	u16 fit;
	enum sriovh_cause cause;
};

/* The locking rules are documented at the definition, in rules.c. */
extern struct mutex sriovh_lock;
extern struct list_head sriovh_cfs_rules;
extern struct list_head sriovh_param_rules;
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
void sriovh_queue_pdev_locked(struct pci_dev *pdev, unsigned int todo);
void sriovh_queue_bound_pfs_locked(unsigned int todo);
void sriovh_queue_rule_locked(const struct sriovh_rule *rule,
			      unsigned int todo);
struct sriovh_pf *sriovh_pf_find_locked(const struct sriovh_target *addr);
void sriovh_pdev_target(struct pci_dev *pdev, struct sriovh_target *t);
ssize_t sriovh_rule_status_locked(const struct sriovh_rule *rule, char *buf,
				  size_t len);
void sriovh_pf_gone_locked(struct pci_dev *pdev, const char *why);
void sriovh_pfs_stop(void);
void sriovh_pfs_free(void);

/* apply.c */
int sriovh_wq_init(void);
void sriovh_wq_exit(void);
void sriovh_apply_work(struct work_struct *work);
void sriovh_pf_queue_locked(struct sriovh_pf *pf, unsigned long delay);
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

/* vfdrv.c */
void sriovh_vfdrv_add(struct pci_dev *vf);
void sriovh_vfdrv_prepare(const struct sriovh_vfdrv *d);
void sriovh_vfdrv_precheck(struct pci_dev *pdev, const struct sriovh_vfdrv *d);
void sriovh_vfdrv_settle(struct sriovh_pf *pf, struct pci_dev *pdev,
			 const struct sriovh_vfdrv *d, bool move, bool report);

/* vfcfg.c */
void sriovh_vfcfg_pending_locked(const struct sriovh_rule *rule);
void sriovh_vfcfg_apply(struct sriovh_pf *pf, struct pci_dev *pdev);

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
 */
static inline struct pci_dev *sriovh_next_vf(struct pci_dev *pf,
					     struct pci_dev *vf)
{
	while ((vf = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, vf)))
		if (vf->is_virtfn && pci_physfn(vf) == pf)
			return vf;
	return NULL;
}

/* The bound driver's name, or NULL; dev->driver is read once. */
static inline const char *sriovh_driver_of(struct pci_dev *pdev)
{
	struct device_driver *drv = READ_ONCE(pdev->dev.driver);

	return drv ? drv->name : NULL;
}

static inline const char *sriovh_source_name(enum sriovh_source src)
{
	return src == SRIOVH_SRC_CONFIGFS ? "configfs" : "pf= parameter";
}

#endif /* _SRIOV_HELPER_H */
