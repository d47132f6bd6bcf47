// SPDX-License-Identifier: GPL-2.0
/*
 * Plan where the VF vectors of the managed PFs go.
 *
 * Goal: within each PF's allowed set, the busiest and the least busy CPU
 * differ by at most one vector, counting every managed vector on those
 * CPUs (PFs may share CPUs); and nothing moves that need not.
 *
 * A vector stays where it is if its CPU is allowed; the others go, in
 * order, to the least loaded CPU they may use. Then, while some CPU A
 * carries two or more vectors more than a CPU B that it can reach, one
 * vector moves along the shortest chain A -> ... -> B, where each step is
 * a vector on one CPU whose PF allows the next: A loses one, B gains one,
 * the CPUs between keep their count. A direct step is the common case;
 * chains matter when PFs share CPUs (one PF confined to CPUs 2-3 must
 * push the other's vectors off them). Each shift lowers the sum of
 * squared loads, so this ends; it ends when no CPU can reach a CPU two
 * below it, and then every PF's set is within one, whenever that is
 * possible at all.
 */
#include <linux/bitmap.h>
#include <linux/find.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/string.h>

#include <sriov_helper/place.h>

static int sriovh_least_loaded(const unsigned long *mask, unsigned int nr_cpus,
			       const unsigned int *load)
{
	unsigned int cpu;
	int best = -1;

	/* Lowest CPU on a tie: plans are reproducible. */
	for_each_set_bit(cpu, mask, nr_cpus)
		if (best < 0 || load[cpu] < load[best])
			best = (int)cpu;
	return best;
}

/*
 * Breadth-first from @src over "a vector on this CPU may go there".
 * Return: the least loaded CPU reached (lowest on a tie), or -1; prev[]
 * and prev_group[] then hold the chain back to @src.
 */
static int sriovh_reach(struct sriovh_plan *p, int src)
{
	unsigned int head = 0, tail = 0, g, cpu;
	int best = -1;

	for (cpu = 0; cpu < p->nr_cpus; cpu++)
		p->prev[cpu] = -2;
	p->prev[src] = -1;
	p->queue[tail++] = src;
	while (head < tail) {
		int u = p->queue[head++];

		if (u != src && (best < 0 || p->load[u] < p->load[best] ||
				 (p->load[u] == p->load[best] && u < best)))
			best = u;
		for (g = 0; g < p->nr_groups; g++) {
			if (!p->cnt[g * p->nr_cpus + u])
				continue;
			for_each_set_bit(cpu, p->allowed[g], p->nr_cpus) {
				if (p->prev[cpu] != -2)
					continue;
				p->prev[cpu] = u;
				p->prev_group[cpu] = (int)g;
				p->queue[tail++] = (int)cpu;
			}
		}
	}
	return best;
}

/* Move one vector of @group from CPU @from to @to: the last one there. */
static void sriovh_move_one(struct sriovh_plan *p, unsigned int group,
			    int from, int to)
{
	unsigned int i = p->nr_vecs;

	while (i--) {
		struct sriovh_vec *v = &p->vecs[i];

		if (v->group != group || v->target != from ||
		    !test_bit(from, p->allowed[group]))
			continue;
		v->target = to;
		p->cnt[group * p->nr_cpus + from]--;
		p->cnt[group * p->nr_cpus + to]++;
		return;
	}
}

/* One improving shift if there is one: busiest CPUs are tried first. */
static bool sriovh_shift(struct sriovh_plan *p)
{
	unsigned int cpu, level = 0;

	for (cpu = 0; cpu < p->nr_cpus; cpu++)
		level = max(level, p->load[cpu]);
	for (; level >= 2; level--) {
		for (cpu = 0; cpu < p->nr_cpus; cpu++) {
			int dst, v;

			if (p->load[cpu] != level)
				continue;
			dst = sriovh_reach(p, (int)cpu);
			if (dst < 0 || p->load[cpu] < p->load[dst] + 2)
				continue;
			for (v = dst; p->prev[v] >= 0; v = p->prev[v])
				sriovh_move_one(p, p->prev_group[v],
						p->prev[v], v);
			p->load[cpu]--;
			p->load[dst]++;
			return true;
		}
	}
	return false;
}

/**
 * sriovh_plan_run() - fill in every vector's target CPU
 * @p: vectors, allowed sets and scratch space
 *
 * A vector whose group allows no CPU at all keeps its CPU and is not
 * counted.
 *
 * Return: the number of vectors whose target differs from where they are.
 */
unsigned int sriovh_plan_run(struct sriovh_plan *p)
{
	unsigned int i, moves = 0;

	memset(p->load, 0, p->nr_cpus * sizeof(*p->load));
	memset(p->cnt, 0, p->nr_groups * p->nr_cpus * sizeof(*p->cnt));

	/* Those already on an allowed CPU stay, for now. */
	for (i = 0; i < p->nr_vecs; i++) {
		struct sriovh_vec *v = &p->vecs[i];

		v->target = -1;
		if (v->cur >= 0 && (unsigned int)v->cur < p->nr_cpus &&
		    test_bit(v->cur, p->allowed[v->group])) {
			v->target = v->cur;
			p->load[v->cur]++;
		}
	}
	/* The rest, in order, to the least loaded CPU they may use. */
	for (i = 0; i < p->nr_vecs; i++) {
		struct sriovh_vec *v = &p->vecs[i];
		int cpu;

		if (v->target >= 0)
			continue;
		cpu = sriovh_least_loaded(p->allowed[v->group], p->nr_cpus,
					  p->load);
		if (cpu < 0) {
			v->target = v->cur;
			continue;
		}
		v->target = cpu;
		p->load[cpu]++;
	}
	for (i = 0; i < p->nr_vecs; i++) {
		const struct sriovh_vec *v = &p->vecs[i];

		if (v->target >= 0 && test_bit(v->target, p->allowed[v->group]))
			p->cnt[v->group * p->nr_cpus + v->target]++;
	}
	/*
	 * Even out. Each shift is a breadth-first search over the CPUs; a
	 * host with thousands of vectors needs thousands of them, and the
	 * work runs in process context with no lock held (irq.c).
	 */
	while (sriovh_shift(p))
		cond_resched();
	for (i = 0; i < p->nr_vecs; i++)
		if (p->vecs[i].target != p->vecs[i].cur)
			moves++;
	return moves;
}
