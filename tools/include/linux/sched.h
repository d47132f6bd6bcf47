/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cond_resched() for kernel code built in user space: the scheduler
 * preempts a process there, so it has nothing to do.
 */
#ifndef _SRIOVH_USER_LINUX_SCHED_H
#define _SRIOVH_USER_LINUX_SCHED_H

static inline int cond_resched(void)
{
	return 0;
}

#endif
