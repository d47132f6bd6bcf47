// SPDX-License-Identifier: GPL-2.0
/*
 * VF interrupt placement for the PFs that sriov_helper manages.
 *
 * The kernel spreads new vectors by count, but nothing puts them back
 * after a CPU goes offline and returns, and nothing confines one PF's VFs
 * to CPUs of the admin's choosing. Every event that can change the
 * picture (a VF driver binding or unbinding, a VF network device going up
 * or down or changing carrier, which is where drivers request, free or
 * re-create vectors, a CPU coming or going, a configfs write) kicks one
 * delayed work on the module's workqueue; the work plans all
 * managed vectors at once (place.c) and pins each with irq_set_affinity().
 *
 * Locking: the kicks take no lock (they run under device_lock, rtnl_lock
 * or the CPU hotplug lock). The work takes sriovh_lock alone to copy the
 * rules, then, one VF at a time, device_lock(VF) (tried: a busy VF is
 * left to a later pass, 1 s, 2 s, ... up to a minute later, and named in
 * the log once) and the VF's MSI descriptor lock, and
 * holds both from reading a vector to setting its affinity. That is
 * what keeps the vector in place: a VF driver frees its vectors
 * (pci_free_irq_vectors(), and the IRQ descriptors with them)
 * under the MSI descriptor lock (kernel/irq/msi.c asserts it in
 * msi_domain_free_locked()), whenever it likes (iavf does from its reset
 * task, under its own lock only); and the descriptor storage itself is
 * device-managed memory, freed at unbind under device_lock
 * (msi_device_data_release()). Neither RTNL nor the CPU hotplug lock is
 * held: a CPU that comes or goes kicks a new pass, which first waits for
 * that hotplug operation to finish, and a target that went offline
 * meanwhile is skipped. Affinity hints are never touched:
 * they belong to the VF's driver (see KERNEL-FACTS: free_irq() warns about
 * stale hints).
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/msi.h>
#include <linux/netdevice.h>
#include <linux/overflow.h>
#include <linux/sched/isolation.h>
#include <linux/slab.h>
#include <linux/topology.h>

#include <sriov_helper/place.h>

#include "sriov_helper.h"

/* A burst of VF binds is one placement; it also lets probes finish. */
#define SRIOVH_IRQ_DELAY_MS	100
/* MSI-X tables hold at most 2048 entries. */
#define SRIOVH_IRQ_MAX_VECS	2048
/* The backoff while a VF's device_lock stays busy. */
#define SRIOVH_IRQ_BUSY_MAX_MS	60000

static struct delayed_work sriovh_irq_dwork;
static bool sriovh_irq_stopped;
/*
 * A VF busy for this long is named in the log (once): a probe holds its
 * lock for seconds (igbvf's, with the PF down), which is no news.
 */
#define SRIOVH_IRQ_BUSY_LOG_MS	10000

/* Only the work (never two at once) writes these; kicks read busy_ms. */
static unsigned int sriovh_irq_busy_ms;
static unsigned long sriovh_irq_busy_since;	/* jiffies */
static bool sriovh_irq_busy_logged;
static char sriovh_irq_busy_vf[16];
static int sriovh_cpuhp_state = -1;

struct sriovh_irq_group {
	struct pci_dev *pf;		/* referenced */
	struct sriovh_cpulist cpus;
	cpumask_var_t allowed;
	bool fallback;
	unsigned int nr_vecs;
	unsigned int pinned;	/* affinities we set, moves or not */
	unsigned int moved;
};

/* Who owns vecs[i]: the VF (referenced) and its vector index. */
struct sriovh_irq_owner {
	struct pci_dev *vf;
	unsigned int index;
};

struct sriovh_irq_pass {
	struct sriovh_irq_group *groups;
	unsigned int nr_groups;
	struct sriovh_vec *vecs;
	struct sriovh_irq_owner *owners;
	unsigned int nr_vecs;
	unsigned int cap_vecs;
	bool busy;	/* a VF's device_lock was held: pass again later */
	char busy_vf[16];	/* the first such VF */
};

/*
 * News: a pass in 100 ms. A burst of kicks is one pass (a pending one is
 * left as it is: kicks that keep coming, a flapping carrier's, never
 * postpone it); only while a backoff for a busy VF has one queued later
 * does a kick bring it forward. sriovh_irq_busy_ms is the work's, read
 * here as a hint.
 */
void sriovh_irq_kick(void)
{
	unsigned long delay = msecs_to_jiffies(SRIOVH_IRQ_DELAY_MS);

	if (READ_ONCE(sriovh_irq_stopped))
		return;
	if (READ_ONCE(sriovh_irq_busy_ms))
		mod_delayed_work(sriovh_wq, &sriovh_irq_dwork, delay);
	else
		queue_delayed_work(sriovh_wq, &sriovh_irq_dwork, delay);
}

/* The first CPU of @l that this machine cannot have, or -1. */
int sriovh_cpulist_impossible(const struct sriovh_cpulist *l)
{
	unsigned int i, cpu;

	for (i = 0; i < l->nr; i++)
		for (cpu = l->r[i].first; cpu <= l->r[i].last; cpu++)
			if (cpu >= nr_cpu_ids || !cpu_possible(cpu))
				return (int)cpu;
	return -1;
}

static void sriovh_housekeeping(struct cpumask *mask)
{
	/* isolcpus= (domain, managed_irq) and nohz_full= CPUs are not ours. */
	cpumask_and(mask, mask, housekeeping_cpumask(HK_TYPE_DOMAIN));
	cpumask_and(mask, mask, housekeeping_cpumask(HK_TYPE_TICK));
	cpumask_and(mask, mask, housekeeping_cpumask(HK_TYPE_MANAGED_IRQ));
}

/**
 * sriovh_irq_allowed() - the CPUs a PF's VF vectors may use
 * @pf: the PF
 * @cpus: the admin's irq_cpus, or an empty list for the default
 * @mask: the result, never empty while a CPU is online
 * @fallback: set when @cpus named CPUs but none of them is online
 *
 * The default is the online CPUs of the PF's NUMA node, less isolated and
 * nohz_full CPUs; all online housekeeping CPUs when the node has none (or
 * the PF has no node); all online CPUs when even that is empty. An
 * explicit list is taken as given, isolated CPUs included: the admin
 * named them. The answer may be stale by a CPU hotplug, whose kick
 * replans.
 */
void sriovh_irq_allowed(struct pci_dev *pf, const struct sriovh_cpulist *cpus,
			struct cpumask *mask, bool *fallback)
{
	int node = dev_to_node(&pf->dev);
	unsigned int i, cpu;

	*fallback = false;
	cpumask_clear(mask);
	for (i = 0; i < cpus->nr; i++)
		for (cpu = cpus->r[i].first; cpu <= cpus->r[i].last; cpu++)
			if (cpu < nr_cpu_ids && cpu_online(cpu))
				cpumask_set_cpu(cpu, mask);
	if (!cpumask_empty(mask))
		return;
	*fallback = cpus->nr > 0;

	if (node != NUMA_NO_NODE)
		cpumask_and(mask, cpumask_of_node(node), cpu_online_mask);
	sriovh_housekeeping(mask);
	if (!cpumask_empty(mask))
		return;
	cpumask_copy(mask, cpu_online_mask);
	sriovh_housekeeping(mask);
	if (cpumask_empty(mask))
		cpumask_copy(mask, cpu_online_mask);
}

/*
 * The one CPU an IRQ is set to go to, or failing that (a wider mask, the
 * kernel's default) the CPU it is delivered to now; -1 when neither.
 */
static int sriovh_irq_cpu(struct irq_data *d, bool *pinned)
{
	const struct cpumask *dest = sriovh_irq_pending_mask(d);
	unsigned int cpu;

	if (!dest)
		dest = irq_data_get_affinity_mask(d);
	*pinned = cpumask_weight(dest) == 1;
	cpu = *pinned ? cpumask_first(dest) :
	      cpumask_first(irq_data_get_effective_affinity_mask(d));
	return cpu < nr_cpu_ids ? (int)cpu : -1;
}

/*
 * May we place this vector? Only what /proc/irq would let an admin move
 * (irq_can_set_affinity_usr(): not kernel-managed, not per-CPU, not
 * IRQF_NOBALANCING, a chip that can move it), and only once its driver has
 * requested it. Called with the VF's MSI descriptor lock held, which keeps
 * the descriptor (and @irq's number) from being freed.
 */
static struct irq_data *sriovh_irq_placeable(unsigned int irq)
{
	struct irq_data *d = irq_get_irq_data(irq);

	if (!d || !irq_has_action(irq) || irqd_affinity_is_managed(d) ||
	    !irqd_can_balance(d) || !d->chip || !d->chip->irq_set_affinity)
		return NULL;
	return d;
}

/* A walk over a VF's vectors: @fn is called for each, see below. */
struct sriovh_vec_walk {
	int (*fn)(struct sriovh_vec_walk *w, struct pci_dev *vf,
		  unsigned int index, unsigned int irq);
};

/*
 * Call @w->fn on each MSI/MSI-X vector of @vf, with the VF's MSI
 * descriptor lock held; the caller holds device_lock(VF). Stops at the
 * first non-zero return, and returns it.
 */
static int sriovh_vf_vectors_locked(struct pci_dev *vf,
				    struct sriovh_vec_walk *w)
{
	struct msi_desc *desc;
	unsigned int i, n = 0;
	int ret = 0;

	device_lock_assert(&vf->dev);
	/* No descriptor storage before the first allocation, none after unbind. */
	if (!vf->dev.msi.data || !(vf->msix_enabled || vf->msi_enabled))
		return 0;
	msi_lock_descs(&vf->dev);
	msi_for_each_desc(desc, &vf->dev, MSI_DESC_ASSOCIATED) {
		/* MSI: one descriptor, nvec_used vectors; MSI-X: one each. */
		for (i = 0; i < desc->nvec_used; i++) {
			if (n++ >= SRIOVH_IRQ_MAX_VECS)
				goto out;
			ret = w->fn(w, vf,
				    vf->msix_enabled ? desc->msi_index : i,
				    desc->irq + i);
			if (ret)
				goto out;
		}
	}
out:
	msi_unlock_descs(&vf->dev);
	return ret;
}

/*
 * The same, taking device_lock(VF); the caller holds a reference. Tried,
 * not waited for: a VF whose removal waits inside vfio for a VM to let go
 * holds its device_lock for as long as the VM runs, and this pass must
 * neither stall every PF's placement on it nor hang rmmod's cancel. A VF
 * that is busy (mostly a probe or remove in progress) is left to the next
 * pass. Return: -EAGAIN when it was busy.
 */
static int sriovh_vf_walk_vectors(struct pci_dev *vf, struct sriovh_vec_walk *w)
{
	int ret;

	if (!device_trylock(&vf->dev))
		return -EAGAIN;
	ret = sriovh_vf_vectors_locked(vf, w);
	device_unlock(&vf->dev);
	return ret;
}

static int sriovh_pass_add(struct sriovh_irq_pass *p, unsigned int group,
			   struct pci_dev *vf, unsigned int index, int irq,
			   int cpu)
{
	if (p->nr_vecs == p->cap_vecs) {
		unsigned int cap = p->cap_vecs ? 2 * p->cap_vecs : 64;
		struct sriovh_vec *v;
		struct sriovh_irq_owner *o;

		v = krealloc_array(p->vecs, cap, sizeof(*v), GFP_KERNEL);
		if (!v)
			return -ENOMEM;
		p->vecs = v;
		o = krealloc_array(p->owners, cap, sizeof(*o), GFP_KERNEL);
		if (!o)
			return -ENOMEM;
		p->owners = o;
		p->cap_vecs = cap;
	}
	p->vecs[p->nr_vecs] = (struct sriovh_vec) {
		.irq = (unsigned int)irq, .group = group, .cur = cpu,
	};
	p->owners[p->nr_vecs] = (struct sriovh_irq_owner) {
		.vf = pci_dev_get(vf), .index = index,
	};
	p->nr_vecs++;
	return 0;
}

struct sriovh_collect {
	struct sriovh_vec_walk walk;
	struct sriovh_irq_pass *p;
	unsigned int group;
};

static int sriovh_collect_vec(struct sriovh_vec_walk *w, struct pci_dev *vf,
			      unsigned int index, unsigned int irq)
{
	struct sriovh_collect *c = container_of(w, struct sriovh_collect, walk);
	struct irq_data *d = sriovh_irq_placeable(irq);
	bool pinned;

	if (!d)
		return 0;
	return sriovh_pass_add(c->p, c->group, vf, index, (int)irq,
			       sriovh_irq_cpu(d, &pinned));
}

/* Copy what the rules say, under sriovh_lock only. */
static int sriovh_pass_groups(struct sriovh_irq_pass *p)
{
	const struct sriovh_rule *rule;
	struct pci_dev *pdev = NULL;
	struct sriovh_irq_group *g;
	unsigned int cap = 0;
	int ret = 0;

	mutex_lock(&sriovh_lock);
	for_each_pci_dev(pdev) {
		if (!pdev->is_physfn || !pci_num_vf(pdev))
			continue;
		rule = sriovh_rule_lookup_locked(pdev);
		if (!rule || rule->irq != SRIOVH_IRQ_SPREAD)
			continue;
		if (p->nr_groups == cap) {
			cap = cap ? 2 * cap : 4;
			g = krealloc_array(p->groups, cap, sizeof(*g),
					   GFP_KERNEL);
			if (!g) {
				pci_dev_put(pdev);
				ret = -ENOMEM;
				break;
			}
			memset(g + p->nr_groups, 0,
			       (cap - p->nr_groups) * sizeof(*g));
			p->groups = g;
		}
		g = &p->groups[p->nr_groups];
		if (!zalloc_cpumask_var(&g->allowed, GFP_KERNEL)) {
			pci_dev_put(pdev);
			ret = -ENOMEM;
			break;
		}
		g->pf = pci_dev_get(pdev);
		g->cpus = rule->irq_cpus;
		p->nr_groups++;
	}
	mutex_unlock(&sriovh_lock);
	return ret;
}

static void sriovh_pass_busy(struct sriovh_irq_pass *p, struct pci_dev *vf)
{
	if (!p->busy)
		strscpy(p->busy_vf, pci_name(vf), sizeof(p->busy_vf));
	p->busy = true;
}

/*
 * Every placeable vector of every managed VF, with where it is now: PF
 * by PF, each VF index once (sriovh_next_vf()), so that a VF removed
 * under the walk does not count the others' vectors twice.
 */
static int sriovh_pass_collect(struct sriovh_irq_pass *p)
{
	struct sriovh_collect c = { .walk.fn = sriovh_collect_vec, .p = p };
	struct pci_dev *vf;
	int ret;

	for (c.group = 0; c.group < p->nr_groups; c.group++) {
		for (vf = NULL; (vf = sriovh_next_vf(p->groups[c.group].pf, vf)); ) {
			ret = sriovh_vf_walk_vectors(vf, &c.walk);
			if (ret == -EAGAIN) {
				sriovh_pass_busy(p, vf);
				continue;
			}
			if (ret) {
				pci_dev_put(vf);
				return ret;
			}
		}
	}
	return 0;
}

static int sriovh_pass_plan(struct sriovh_irq_pass *p)
{
	unsigned int nc = nr_cpu_ids, ng = p->nr_groups, i;
	struct sriovh_plan plan = {
		.vecs = p->vecs,
		.nr_vecs = p->nr_vecs,
		.nr_groups = ng,
		.nr_cpus = nc,
	};
	int ret = -ENOMEM;

	plan.allowed = kcalloc(ng, sizeof(*plan.allowed), GFP_KERNEL);
	plan.load = kcalloc(nc, sizeof(*plan.load), GFP_KERNEL);
	plan.cnt = kcalloc(array_size(ng, nc), sizeof(*plan.cnt), GFP_KERNEL);
	plan.prev = kcalloc(nc, sizeof(*plan.prev), GFP_KERNEL);
	plan.prev_group = kcalloc(nc, sizeof(*plan.prev_group), GFP_KERNEL);
	plan.queue = kcalloc(nc, sizeof(*plan.queue), GFP_KERNEL);
	if (!plan.allowed || !plan.load || !plan.cnt || !plan.prev ||
	    !plan.prev_group || !plan.queue)
		goto out;
	for (i = 0; i < ng; i++) {
		sriovh_irq_allowed(p->groups[i].pf, &p->groups[i].cpus,
				   p->groups[i].allowed, &p->groups[i].fallback);
		plan.allowed[i] = cpumask_bits(p->groups[i].allowed);
	}
	sriovh_plan_run(&plan);
	ret = 0;
out:
	kfree(plan.queue);
	kfree(plan.prev_group);
	kfree(plan.prev);
	kfree(plan.cnt);
	kfree(plan.load);
	kfree(plan.allowed);
	return ret;
}

/* The planned vectors of one VF: vecs[first..last) of the pass. */
struct sriovh_pin {
	struct sriovh_vec_walk walk;
	struct sriovh_irq_pass *p;
	unsigned int first;
	unsigned int last;
};

/*
 * Pin one vector, if it is one we planned: same VF, index and IRQ number,
 * still placeable. The VF's locks are held (sriovh_vf_walk_vectors()),
 * so the vector cannot be freed between this check and the set.
 */
static int sriovh_pin_vec(struct sriovh_vec_walk *w, struct pci_dev *vf,
			  unsigned int index, unsigned int irq)
{
	struct sriovh_pin *pin = container_of(w, struct sriovh_pin, walk);
	struct sriovh_irq_pass *p = pin->p;
	struct irq_data *d;
	unsigned int i;
	bool pinned;
	int cpu, err;

	for (i = pin->first; i < pin->last; i++)
		if (p->owners[i].index == index && p->vecs[i].irq == irq)
			break;
	if (i == pin->last || p->vecs[i].target < 0)
		return 0;
	d = sriovh_irq_placeable(irq);
	if (!d)
		return 0;
	p->groups[p->vecs[i].group].nr_vecs++;
	cpu = sriovh_irq_cpu(d, &pinned);
	if (cpu == p->vecs[i].target && pinned)
		return 0;
	err = irq_set_affinity(irq, cpumask_of(p->vecs[i].target));
	if (err) {
		/* Gone offline since the plan: its hotplug kick replans. */
		if (cpu_online(p->vecs[i].target))
			pci_warn(vf, "sriov_helper: cannot move IRQ %u to CPU %d (%d)\n",
				 irq, p->vecs[i].target, err);
		return 0;
	}
	p->groups[p->vecs[i].group].pinned++;
	if (cpu != p->vecs[i].target)
		p->groups[p->vecs[i].group].moved++;
	return 0;
}

/* Pin every vector to its planned CPU, one VF (and its locks) at a time. */
static void sriovh_pass_apply(struct sriovh_irq_pass *p)
{
	struct sriovh_pin pin = { .walk.fn = sriovh_pin_vec, .p = p };

	while (pin.first < p->nr_vecs) {
		struct pci_dev *vf = p->owners[pin.first].vf;

		for (pin.last = pin.first; pin.last < p->nr_vecs &&
		     p->owners[pin.last].vf == vf; pin.last++)
			;
		if (sriovh_vf_walk_vectors(vf, &pin.walk) == -EAGAIN)
			sriovh_pass_busy(p, vf);
		pin.first = pin.last;
	}
}

static void sriovh_pass_report(struct sriovh_irq_pass *p)
{
	char cpus[SRIOVH_CPULIST_STRLEN];
	unsigned int i;

	for (i = 0; i < p->nr_groups; i++) {
		struct sriovh_irq_group *g = &p->groups[i];

		/* Quiet when nothing changed: the work runs on every kick. */
		if (!g->pinned)
			continue;
		if (g->fallback) {
			sriovh_format_cpulist(&g->cpus, cpus, sizeof(cpus));
			pci_warn(g->pf, "sriov_helper: no CPU of irq_cpus=%s is online; using the default set\n",
				 cpus);
		}
		pci_info(g->pf, "sriov_helper: %u VF IRQs spread over CPUs %*pbl, %u moved\n",
			 g->nr_vecs, cpumask_pr_args(g->allowed), g->moved);
	}
}

static void sriovh_pass_free(struct sriovh_irq_pass *p)
{
	unsigned int i;

	for (i = 0; i < p->nr_vecs; i++)
		pci_dev_put(p->owners[i].vf);
	for (i = 0; i < p->nr_groups; i++) {
		free_cpumask_var(p->groups[i].allowed);
		pci_dev_put(p->groups[i].pf);
	}
	kfree(p->owners);
	kfree(p->vecs);
	kfree(p->groups);
}

static int sriovh_irq_pass(char *busy_vf, size_t len)
{
	struct sriovh_irq_pass p = {};
	int ret;

	/*
	 * A barrier, not a lock held: holding the hotplug lock across
	 * device_lock(VF) could deadlock with a probe that takes it while a
	 * hotplug writer waits between us.
	 */
	cpus_read_lock();
	cpus_read_unlock();
	ret = sriovh_pass_groups(&p);
	if (!ret && p.nr_groups)
		ret = sriovh_pass_collect(&p);
	if (!ret && p.nr_groups)
		ret = sriovh_pass_plan(&p);
	if (!ret && p.nr_groups) {
		sriovh_pass_apply(&p);
		sriovh_pass_report(&p);
	}
	if (!ret && p.busy)
		ret = -EAGAIN;
	if (ret == -EAGAIN)
		strscpy(busy_vf, p.busy_vf, len);
	sriovh_pass_free(&p);
	return ret;
}

/*
 * A VF's lock stayed busy (a probe, an unbind, or an unbind waiting in
 * vfio for a VM to let go): the rest is placed, and the pass comes back
 * for it after 1 s, 2 s, ... up to a minute, saying once which VF it is
 * when the same one has stayed busy for SRIOVH_IRQ_BUSY_LOG_MS.
 */
static unsigned int sriovh_irq_busy_again(const char *vf)
{
	WRITE_ONCE(sriovh_irq_busy_ms, sriovh_irq_busy_ms ?
		   min(2 * sriovh_irq_busy_ms, SRIOVH_IRQ_BUSY_MAX_MS) :
		   SRIOVH_NOMEM_RETRY_MS);
	if (strcmp(sriovh_irq_busy_vf, vf)) {
		strscpy(sriovh_irq_busy_vf, vf, sizeof(sriovh_irq_busy_vf));
		sriovh_irq_busy_since = jiffies;
		sriovh_irq_busy_logged = false;
	}
	if (!sriovh_irq_busy_logged &&
	    time_after_eq(jiffies, sriovh_irq_busy_since +
			  msecs_to_jiffies(SRIOVH_IRQ_BUSY_LOG_MS))) {
		pr_warn("VF IRQ placement: VF %s is busy (its device lock is held); the others are placed, and it is tried again with a backoff\n",
			vf);
		sriovh_irq_busy_logged = true;
	}
	return sriovh_irq_busy_ms;
}

static void sriovh_irq_work(struct work_struct *work)
{
	char busy_vf[sizeof(sriovh_irq_busy_vf)] = "";
	int ret = sriovh_irq_pass(busy_vf, sizeof(busy_vf));
	unsigned int ms = SRIOVH_NOMEM_RETRY_MS;

	if (ret != -EAGAIN) {
		WRITE_ONCE(sriovh_irq_busy_ms, 0);
		sriovh_irq_busy_vf[0] = '\0';
	}
	if (ret == -ENOMEM || ret == -EAGAIN) {
		if (ret == -ENOMEM)
			pr_err("VF IRQ placement: out of memory; trying again in 1 s\n");
		else
			ms = sriovh_irq_busy_again(busy_vf);
		if (!READ_ONCE(sriovh_irq_stopped))
			queue_delayed_work(sriovh_wq, &sriovh_irq_dwork,
					   msecs_to_jiffies(ms));
	} else if (ret) {
		pr_err("VF IRQ placement failed (%d); will retry at the next event\n",
		       ret);
	}
}

/*
 * The vectors of a VF's network device come and go with it; a PF's
 * carrier coming up is news for the per-VF settings.
 */
static int sriovh_netdev_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct device *parent = dev->dev.parent;

	if (!parent || !dev_is_pci(parent))
		return NOTIFY_DONE;
	switch (event) {
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
		/*
		 * A VF driver may take its MAC from its PF in a reset that
		 * changes dev_addr without NETDEV_CHANGEADDR (igbvf_reset(),
		 * from igbvf_down() and its reset task): what the VF has is
		 * checked again (vfcfg.c).
		 */
		if (to_pci_dev(parent)->is_virtfn) {
			sriovh_irq_kick();
			sriovh_vfcfg_vf_netdev(to_pci_dev(parent));
		}
		/*
		 * A PF's carrier came up: its VFs' rates can be set; its
		 * interface came up: it answers its VFs (vfcfg.c).
		 */
		if ((event == NETDEV_CHANGE && netif_carrier_ok(dev)) ||
		    event == NETDEV_UP)
			sriovh_vfcfg_link_up(to_pci_dev(parent),
					     event == NETDEV_UP);
		break;
	case NETDEV_REGISTER:
	case NETDEV_CHANGEADDR:
		if (to_pci_dev(parent)->is_virtfn)
			sriovh_vfcfg_vf_netdev(to_pci_dev(parent));
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block sriovh_netdev_nb = {
	.notifier_call = sriovh_netdev_event,
};

/*
 * Both run in the hotplug thread with the hotplug lock held for writing:
 * only kick. The pass first waits for the operation to end (a
 * cpus_read_lock() it drops at once), so it sees the CPU gone, and the
 * kernel's own evacuation done, or back.
 */
static int sriovh_cpu_online(unsigned int cpu)
{
	sriovh_irq_kick();
	return 0;
}

static int sriovh_cpu_offline(unsigned int cpu)
{
	sriovh_irq_kick();
	return 0;
}

int sriovh_irq_init(void)
{
	int ret;

	INIT_DELAYED_WORK(&sriovh_irq_dwork, sriovh_irq_work);
	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN,
					"sriov_helper:online",
					sriovh_cpu_online, sriovh_cpu_offline);
	if (ret < 0)
		return ret;
	sriovh_cpuhp_state = ret;
	/* Last: it can queue a PF's pass, which only a full init unwinds. */
	ret = register_netdevice_notifier(&sriovh_netdev_nb);
	if (ret) {
		cpuhp_remove_state_nocalls(sriovh_cpuhp_state);
		cancel_delayed_work_sync(&sriovh_irq_dwork);
		return ret;
	}
	return 0;
}

/* Module exit, step one: no more kicks from CPUs or network devices. */
void sriovh_irq_sources_exit(void)
{
	cpuhp_remove_state_nocalls(sriovh_cpuhp_state);
	unregister_netdevice_notifier(&sriovh_netdev_nb);
}

/*
 * Step two, once the bus notifier and the apply work (the other kickers)
 * are gone: cancel_delayed_work_sync() also stops the work requeueing
 * itself. Vectors stay where they were put.
 */
void sriovh_irq_stop(void)
{
	WRITE_ONCE(sriovh_irq_stopped, true);
	cancel_delayed_work_sync(&sriovh_irq_dwork);
}

struct sriovh_show_irqs {
	struct sriovh_vec_walk walk;
	struct seq_file *m;
	const char *sep;
};

/* One "IRQ:CPUS" (or a word for why it is not ours to move). */
static int sriovh_show_vec(struct sriovh_vec_walk *w, struct pci_dev *vf,
			   unsigned int index, unsigned int irq)
{
	struct sriovh_show_irqs *sh = container_of(w, struct sriovh_show_irqs,
						   walk);
	const struct cpumask *pending, *eff;
	struct seq_file *m = sh->m;
	struct irq_data *d = irq_get_irq_data(irq);

	seq_printf(m, "%s%u:", sh->sep, irq);
	sh->sep = ";";
	if (!d) {
		seq_puts(m, "-");
	} else if (irqd_affinity_is_managed(d)) {
		seq_puts(m, "managed");
	} else if (!irqd_can_balance(d)) {
		seq_puts(m, "nobalancing");
	} else if (!irq_has_action(irq)) {
		seq_puts(m, "unrequested");
	} else {
		eff = irq_data_get_effective_affinity_mask(d);
		seq_printf(m, "%*pbl", cpumask_pr_args(eff));
		/* A move to where it already is shows as none. */
		pending = sriovh_irq_pending_mask(d);
		if (pending && !cpumask_equal(pending, eff))
			seq_printf(m, ">%*pbl", cpumask_pr_args(pending));
	}
	return 0;
}

/* One "IRQ:CPUS" per vector for the inventory. Caller holds device_lock(VF). */
void sriovh_show_vf_irqs(struct seq_file *m, struct pci_dev *vf)
{
	struct sriovh_show_irqs sh = {
		.walk.fn = sriovh_show_vec, .m = m, .sep = "",
	};

	seq_puts(m, " irqs=");
	sriovh_vf_vectors_locked(vf, &sh.walk);
	if (!*sh.sep)
		seq_puts(m, "-");
}
