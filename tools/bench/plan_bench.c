// SPDX-License-Identifier: GPL-2.0
/*
 * plan_bench: the IRQ placement planner's own CPU time at 508 VFs, with
 * sriov_helper/place.c compiled in as is.
 *
 * The planner is pure logic over bitmaps and counts. irq.c runs it on its
 * own copies with no lock held (no RTNL, no CPU hotplug lock), so its cost
 * is CPU time alone, and that is what this measures. make bench builds it
 * with gcc -O2 and runs it on the host (tools/testing/run.sh): the host
 * CPU runs it as the kernel would, while under QEMU's TCG, where the VM
 * benchmarks run, it would time the emulator instead.
 *
 * The machine: 4 PFs of 127 VFs with 3 vectors each (igbvf's count), 1524
 * vectors on 64 CPUs in two nodes of 32. Four passes, as the module meets
 * them; each prints one line for tools/bench/report.sh,
 *
 *   SRIOVH bench plan NAME median_us=N moves=N runs=N
 *
 * the median of RUNS runs over the same input (the planner reads cur and
 * writes target only, so every run does the same work), and the vectors
 * that plan moves. Every plan is checked first against what place.c
 * promises, and must come out the same in every run: a broken plan is
 * reported on stderr and not timed, and the exit status is 1.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/bitmap.h>
#include <linux/find.h>
#include <linux/minmax.h>
#include <sriov_helper/place.h>

#define N_CPUS		64
#define N_PFS		4
#define VFS_PER_PF	127
#define VECS_PER_VF	3
#define N_VECS		(N_PFS * VFS_PER_PF * VECS_PER_VF)
/* Odd, for a true median; enough that one slow run cannot move it. */
#define RUNS		101
#define MASK_BYTES	(BITS_TO_LONGS(N_CPUS) * sizeof(long))

static unsigned long *masks[N_PFS];	/* the PFs' allowed sets */
/* Per PF, the CPUs whose loads the plan must keep within one. */
static unsigned long *even[N_PFS];

static const char *pass;	/* the pass being checked, for messages */

/* Say what is wrong with the plan; the last line is make bench's reason. */
static int broken(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "plan_bench: %s: ", pass);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static void *zalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p) {
		perror("plan_bench");
		exit(2);
	}
	return p;
}

/* Scratch space shaped as irq.c's sriovh_pass_plan() allocates it. */
static void plan_init(struct sriovh_plan *p)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->nr_vecs = N_VECS;
	p->nr_groups = N_PFS;
	p->nr_cpus = N_CPUS;
	p->vecs = zalloc(N_VECS, sizeof(*p->vecs));
	p->allowed = zalloc(N_PFS, sizeof(*p->allowed));
	p->load = zalloc(N_CPUS, sizeof(*p->load));
	p->cnt = zalloc(N_PFS * N_CPUS, sizeof(*p->cnt));
	p->prev = zalloc(N_CPUS, sizeof(*p->prev));
	p->prev_group = zalloc(N_CPUS, sizeof(*p->prev_group));
	p->queue = zalloc(N_CPUS, sizeof(*p->queue));
	for (i = 0; i < N_PFS; i++) {
		masks[i] = zalloc(1, MASK_BYTES);
		even[i] = zalloc(1, MASK_BYTES);
		p->allowed[i] = masks[i];
	}
	/* The order irq.c collects them in: by PF, then VF, then vector. */
	for (i = 0; i < N_VECS; i++) {
		p->vecs[i].irq = 100 + i;
		p->vecs[i].group = i / (VFS_PER_PF * VECS_PER_VF);
	}
}

/* @mask becomes CPUs @first..@last, except @skip (-1: none). */
static void cpus(unsigned long *mask, unsigned int first, unsigned int last,
		 int skip)
{
	unsigned int cpu;

	memset(mask, 0, MASK_BYTES);
	for (cpu = first; cpu <= last; cpu++)
		if ((int)cpu != skip)
			__set_bit(cpu, mask);
}

/* Breadth-first from CPU @a over "a vector on this CPU may go there". */
static int check_reach(const struct sriovh_plan *p, const unsigned int *load,
		       unsigned int (*on)[N_CPUS], unsigned int a)
{
	unsigned int queue[N_CPUS], head = 0, tail = 0, g, u, w;
	bool seen[N_CPUS] = { false };

	seen[a] = true;
	queue[tail++] = a;
	while (head < tail) {
		u = queue[head++];
		if (load[a] >= load[u] + 2)
			return broken("CPU %u (%u) can pass to CPU %u (%u)",
				      a, load[a], u, load[u]);
		for (g = 0; g < N_PFS; g++) {
			if (!on[g][u])
				continue;
			for_each_set_bit(w, p->allowed[g], N_CPUS) {
				if (seen[w])
					continue;
				seen[w] = true;
				queue[tail++] = w;
			}
		}
	}
	return 0;
}

/*
 * The plan's end condition, checked apart from place.c's own search: no
 * CPU can pass a vector to one carrying two fewer, directly or along a
 * chain of vectors whose PFs allow the next CPU.
 */
static int check_chains(const struct sriovh_plan *p, const unsigned int *load,
			unsigned int (*on)[N_CPUS])
{
	unsigned int a;

	for (a = 0; a < N_CPUS; a++)
		if (check_reach(p, load, on, a))
			return -1;
	return 0;
}

/*
 * What place.c promises: every vector inside its PF's set; the loads
 * within one over each PF's @even CPUs (its whole set, unless another PF
 * confined to part of it must crowd that part); no improving chain left;
 * and the moves it reports are the targets that differ, exactly
 * @want_moves of them when that is known (-1: not).
 */
static int check_plan(const struct sriovh_plan *p, unsigned int moves,
		      int want_moves)
{
	static unsigned int on[N_PFS][N_CPUS];
	unsigned int load[N_CPUS] = { 0 };
	unsigned int i, g, cpu, lo, hi, differ = 0;

	memset(on, 0, sizeof(on));
	for (i = 0; i < p->nr_vecs; i++) {
		const struct sriovh_vec *v = &p->vecs[i];

		if (v->target < 0 || v->target >= N_CPUS ||
		    !test_bit(v->target, p->allowed[v->group]))
			return broken("vector %u: CPU %d outside PF %u's set",
				      i, v->target, v->group);
		load[v->target]++;
		on[v->group][v->target]++;
		if (v->target != v->cur)
			differ++;
	}
	if (moves != differ)
		return broken("the planner says %u moves, its targets %u",
			      moves, differ);
	if (want_moves >= 0 && moves != (unsigned int)want_moves)
		return broken("%u moves where %d are needed", moves,
			      want_moves);
	for (g = 0; g < N_PFS; g++) {
		lo = N_VECS;
		hi = 0;
		for_each_set_bit(cpu, even[g], N_CPUS) {
			lo = min(lo, load[cpu]);
			hi = max(hi, load[cpu]);
		}
		if (hi > lo + 1)
			return broken("PF %u: loads %u..%u over its CPUs",
				      g, lo, hi);
	}
	return check_chains(p, load, on);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double elapsed_us(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e6 +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e3;
}

/*
 * One pass: planned once and checked (which also warms the caches, as a
 * pass after the collection of the vectors would find them), then timed.
 */
static int time_pass(struct sriovh_plan *p, const char *name, int want_moves)
{
	static int targets[N_VECS];
	struct timespec t0, t1;
	double us[RUNS];
	unsigned int moves, i, r;

	pass = name;
	moves = sriovh_plan_run(p);
	if (check_plan(p, moves, want_moves))
		return -1;
	for (i = 0; i < p->nr_vecs; i++)
		targets[i] = p->vecs[i].target;
	for (r = 0; r < RUNS; r++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		sriovh_plan_run(p);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		us[r] = elapsed_us(&t0, &t1);
	}
	for (i = 0; i < p->nr_vecs; i++)
		if (p->vecs[i].target != targets[i])
			return broken("vector %u planned for CPU %d, then %d",
				      i, targets[i], p->vecs[i].target);
	qsort(us, RUNS, sizeof(*us), cmp_double);
	printf("SRIOVH bench plan %s median_us=%.1f moves=%u runs=%u\n",
	       name, us[RUNS / 2], moves, RUNS);
	fflush(stdout);
	return 0;
}

int main(void)
{
	static struct sriovh_plan plan;
	static int steady[N_VECS];
	unsigned int i, g, on5 = 0;
	int ret = 0;

	plan_init(&plan);

	/*
	 * 1. The first placement, and the slowest: every vector on CPU 0,
	 * as if the kernel had put them all there. PF 2-3's vectors must
	 * all go; PF 0-1's stay on CPU 0 for now and leave it one shift
	 * at a time, each shift a search and a scan of all vectors.
	 */
	cpus(masks[0], 0, 31, -1);
	cpus(masks[1], 0, 31, -1);
	cpus(masks[2], 32, 63, -1);
	cpus(masks[3], 32, 63, -1);
	for (g = 0; g < N_PFS; g++)
		memcpy(even[g], masks[g], MASK_BYTES);
	for (i = 0; i < N_VECS; i++)
		plan.vecs[i].cur = 0;
	if (time_pass(&plan, "first_508", -1))
		return 1;
	for (i = 0; i < N_VECS; i++)
		steady[i] = plan.vecs[i].target;

	/*
	 * 2. Steady state: everything where the first plan put it, the
	 * pass that every carrier change and VF bind kicks. Nothing moves.
	 */
	for (i = 0; i < N_VECS; i++)
		plan.vecs[i].cur = steady[i];
	ret |= time_pass(&plan, "steady_508", 0);

	/*
	 * 3. CPU 5 goes offline: gone from PF 0-1's sets, the hotplug pass.
	 * Only its own vectors need to move, and only they may.
	 */
	cpus(masks[0], 0, 31, 5);
	cpus(masks[1], 0, 31, 5);
	memcpy(even[0], masks[0], MASK_BYTES);
	memcpy(even[1], masks[1], MASK_BYTES);
	for (i = 0; i < N_VECS; i++)
		on5 += steady[i] == 5;
	ret |= time_pass(&plan, "hotplug_508", (int)on5);

	/*
	 * 4. Overlapping sets, from the steady state: PF 0 may use every
	 * CPU and PF 1 only CPUs 2-3 (an admin's irq_cpus=2-3). PF 1's 381
	 * vectors crowd CPUs 2-3, so PF 0's must leave them: directly, or
	 * along a chain when the busier of the two holds PF 1's alone (one
	 * of PF 1's to the other, one of PF 0's on from there). PF 0 is
	 * even over CPUs 0-1 and 4-31 only: 2-3 are PF 1's, and 32-63
	 * carry PF 2-3's 762 vectors, which may not leave them.
	 */
	cpus(masks[0], 0, 63, -1);
	cpus(masks[1], 2, 3, -1);
	cpus(even[0], 4, 31, -1);
	__set_bit(0, even[0]);
	__set_bit(1, even[0]);
	memcpy(even[1], masks[1], MASK_BYTES);
	ret |= time_pass(&plan, "overlap_508", -1);

	return ret ? 1 : 0;
}
