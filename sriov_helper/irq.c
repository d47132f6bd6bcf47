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
 * delayed work on the module's ordered workqueue; the work plans all
 * managed vectors at once (place.c) and pins each with irq_set_affinity().
 *
 * Locking: the kicks take no lock (they run under device_lock, rtnl_lock
 * or the CPU hotplug lock). The work takes sriovh_lock alone to copy the
 * rules, then cpus_read_lock() (CPUs stay as planned), rtnl_trylock()
 * (drivers re-create vectors on channel changes under RTNL) and each VF's
 * device_trylock() (drivers free vectors in remove()); any trylock that
 * fails sends the work back to the queue instead of waiting, since the
 * holders (probe, sriov_configure, unbind) may be waiting for things that
 * sit behind us. Affinity hints are never touched: they belong to the
 * VF's driver (see KERNEL-FACTS: free_irq() warns about stale hints).
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/netdevice.h>
#include <linux/overflow.h>
#include <linux/rtnetlink.h>
#include <linux/sched/isolation.h>
#include <linux/slab.h>
#include <linux/topology.h>

#include <sriov_helper/place.h>

#include "sriov_helper.h"

/* A burst of VF binds is one placement; it also lets probes finish. */
#define SRIOVH_IRQ_DELAY_MS	100
#define SRIOVH_IRQ_RETRY_MS	20
/* MSI-X tables hold at most 2048 entries. */
#define SRIOVH_IRQ_MAX_VECS	2048

static struct delayed_work sriovh_irq_dwork;
static bool sriovh_irq_stopped;
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
};

void sriovh_irq_kick(void)
{
	if (!READ_ONCE(sriovh_irq_stopped))
		queue_delayed_work(sriovh_wq, &sriovh_irq_dwork,
				   msecs_to_jiffies(SRIOVH_IRQ_DELAY_MS));
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
 * named them. Callers hold cpus_read_lock() or accept a stale answer.
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

/* The vector count a VF has allocated, 0 when it has none (or INTx). */
static int sriovh_vf_nr_vectors(struct pci_dev *vf)
{
	int n = 0;

	if (vf->msix_enabled)
		n = pci_msix_vec_count(vf);
	else if (vf->msi_enabled)
		n = pci_msi_vec_count(vf);
	return clamp(n, 0, SRIOVH_IRQ_MAX_VECS);
}

/*
 * A VF vector we may place: allocated, requested by its driver, not
 * kernel-managed. Return: its irq_data, or NULL.
 */
static struct irq_data *sriovh_vf_vector(struct pci_dev *vf, unsigned int i,
					 int *irqp)
{
	int irq = pci_irq_vector(vf, i);
	struct irq_data *d;

	if (irq <= 0 || !irq_has_action(irq))
		return NULL;
	d = irq_get_irq_data(irq);
	if (!d || irqd_affinity_is_managed(d))
		return NULL;
	*irqp = irq;
	return d;
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

/* Called with device_lock(VF): its driver cannot free the vectors. */
static int sriovh_collect_vf(struct sriovh_irq_pass *p, unsigned int group,
			     struct pci_dev *vf)
{
	int i, n, irq, ret;
	struct irq_data *d;
	bool pinned;

	if (!vf->dev.driver)
		return 0;
	n = sriovh_vf_nr_vectors(vf);
	for (i = 0; i < n; i++) {
		d = sriovh_vf_vector(vf, i, &irq);
		if (!d)
			continue;
		ret = sriovh_pass_add(p, group, vf, i, irq,
				      sriovh_irq_cpu(d, &pinned));
		if (ret)
			return ret;
	}
	return 0;
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

static int sriovh_group_of(const struct sriovh_irq_pass *p,
			   struct pci_dev *vf)
{
	struct pci_dev *pf = pci_physfn(vf);
	unsigned int i;

	for (i = 0; i < p->nr_groups; i++)
		if (p->groups[i].pf == pf)
			return (int)i;
	return -1;
}

/* Every placeable vector of every managed VF, with where it is now. */
static int sriovh_pass_collect(struct sriovh_irq_pass *p)
{
	struct pci_dev *vf = NULL;
	int group, ret;

	for_each_pci_dev(vf) {
		if (!vf->is_virtfn)
			continue;
		group = sriovh_group_of(p, vf);
		if (group < 0)
			continue;
		if (!device_trylock(&vf->dev)) {
			pci_dev_put(vf);
			return -EAGAIN;
		}
		ret = sriovh_collect_vf(p, group, vf);
		device_unlock(&vf->dev);
		if (ret) {
			pci_dev_put(vf);
			return ret;
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

/*
 * Pin every vector to its planned CPU. The VF was unlocked since we
 * looked, so each vector is checked again: same VF, same index, same
 * IRQ, still requested. Return: -EAGAIN when a VF was busy.
 */
static int sriovh_pass_apply(struct sriovh_irq_pass *p)
{
	struct pci_dev *locked = NULL;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < p->nr_vecs; i++) {
		const struct sriovh_irq_owner *o = &p->owners[i];
		struct sriovh_vec *v = &p->vecs[i];
		struct sriovh_irq_group *g = &p->groups[v->group];
		struct irq_data *d;
		bool pinned;
		int irq, cpu, err;

		if (v->target < 0)
			continue;
		if (o->vf != locked) {
			if (locked)
				device_unlock(&locked->dev);
			locked = NULL;
			if (!device_trylock(&o->vf->dev)) {
				ret = -EAGAIN;
				continue;
			}
			locked = o->vf;
		}
		d = o->vf->dev.driver ? sriovh_vf_vector(o->vf, o->index, &irq) :
		    NULL;
		if (!d || irq != v->irq)
			continue;
		g->nr_vecs++;
		cpu = sriovh_irq_cpu(d, &pinned);
		if (cpu == v->target && pinned)
			continue;
		err = irq_set_affinity(irq, cpumask_of(v->target));
		if (err) {
			pci_warn(o->vf, "sriov_helper: cannot move IRQ %d to CPU %d (%d)\n",
				 irq, v->target, err);
			continue;
		}
		g->pinned++;
		if (cpu != v->target)
			g->moved++;
	}
	if (locked)
		device_unlock(&locked->dev);
	return ret;
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

static int sriovh_irq_pass(void)
{
	struct sriovh_irq_pass p = {};
	int ret;

	ret = sriovh_pass_groups(&p);
	if (ret || !p.nr_groups)
		goto out;

	cpus_read_lock();
	if (!rtnl_trylock()) {
		ret = -EAGAIN;
		goto out_cpus;
	}
	ret = sriovh_pass_collect(&p);
	if (!ret)
		ret = sriovh_pass_plan(&p);
	if (!ret)
		ret = sriovh_pass_apply(&p);
	rtnl_unlock();
	sriovh_pass_report(&p);
out_cpus:
	cpus_read_unlock();
out:
	sriovh_pass_free(&p);
	return ret;
}

static void sriovh_irq_work(struct work_struct *work)
{
	int ret = sriovh_irq_pass();
	unsigned int retry_ms;

	if (ret == -EAGAIN) {
		retry_ms = SRIOVH_IRQ_RETRY_MS;
	} else if (ret == -ENOMEM) {
		pr_err("VF IRQ placement: out of memory; trying again in 1 s\n");
		retry_ms = SRIOVH_NOMEM_RETRY_MS;
	} else {
		if (ret)
			pr_err("VF IRQ placement failed (%d); will retry at the next event\n",
			       ret);
		return;
	}
	if (!READ_ONCE(sriovh_irq_stopped))
		queue_delayed_work(sriovh_wq, &sriovh_irq_dwork,
				   msecs_to_jiffies(retry_ms));
}

/* The vectors of a VF's network device come and go with it. */
static int sriovh_netdev_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct device *parent = dev->dev.parent;

	switch (event) {
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
		if (parent && dev_is_pci(parent) &&
		    to_pci_dev(parent)->is_virtfn)
			sriovh_irq_kick();
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block sriovh_netdev_nb = {
	.notifier_call = sriovh_netdev_event,
};

/*
 * Both run in the hotplug thread with the hotplug lock held for writing:
 * only kick. The work's cpus_read_lock() waits for the operation to end,
 * so it sees the CPU gone (and the kernel's own evacuation done) or back.
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
	ret = register_netdevice_notifier(&sriovh_netdev_nb);
	if (ret)
		return ret;
	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN,
					"sriov_helper:online",
					sriovh_cpu_online, sriovh_cpu_offline);
	if (ret < 0) {
		unregister_netdevice_notifier(&sriovh_netdev_nb);
		return ret;
	}
	sriovh_cpuhp_state = ret;
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

/* One "IRQ:CPUS" per vector for the inventory. Caller holds device_lock(VF). */
void sriovh_show_vf_irqs(struct seq_file *m, struct pci_dev *vf)
{
	int i, n = vf->dev.driver ? sriovh_vf_nr_vectors(vf) : 0;
	const struct cpumask *pending, *eff;
	const char *sep = "";
	struct irq_data *d;
	int irq;

	seq_puts(m, " irqs=");
	for (i = 0; i < n; i++) {
		irq = pci_irq_vector(vf, i);
		if (irq <= 0)
			continue;
		seq_printf(m, "%s%d:", sep, irq);
		sep = ";";
		d = irq_get_irq_data(irq);
		if (!d) {
			seq_puts(m, "-");
		} else if (irqd_affinity_is_managed(d)) {
			seq_puts(m, "managed");
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
	}
	if (!*sep)
		seq_puts(m, "-");
}
