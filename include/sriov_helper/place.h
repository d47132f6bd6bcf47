/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IRQ placement planner: which CPU each VF vector should be on. Pure
 * logic over bitmaps and counts, so KUnit can drive it with any CPU
 * topology on a two-CPU test machine.
 */
#ifndef _SRIOV_HELPER_PLACE_H
#define _SRIOV_HELPER_PLACE_H

#include <linux/types.h>

struct sriovh_vec {
	unsigned int irq;
	unsigned int group;	/* index of its PF's allowed set */
	int cur;		/* the CPU it is on now, or -1 */
	int target;		/* the plan's CPU; cur when it cannot move */
};

struct sriovh_plan {
	struct sriovh_vec *vecs;
	unsigned int nr_vecs;
	const unsigned long **allowed;	/* per group, bitmaps of nr_cpus */
	unsigned int nr_groups;
	unsigned int nr_cpus;
	/* Scratch space, filled in by sriovh_plan_alloc() or the caller. */
	unsigned int *load;		/* nr_cpus: vectors per CPU */
	unsigned int *cnt;		/* nr_groups * nr_cpus: per group */
	int *prev;			/* nr_cpus: search tree, CPU */
	int *prev_group;		/* nr_cpus: search tree, group */
	int *queue;			/* nr_cpus */
};

unsigned int sriovh_plan_run(struct sriovh_plan *p);

#endif /* _SRIOV_HELPER_PLACE_H */
