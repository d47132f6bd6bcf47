/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few bitmap operations that sriov_helper/place.c and its user-space
 * benchmark use, with the kernel's names and meaning (non-atomic: the
 * planner works on its own copies).
 */
#ifndef _SRIOVH_USER_LINUX_BITMAP_H
#define _SRIOVH_USER_LINUX_BITMAP_H

#include <linux/types.h>

#define BITS_PER_LONG		(8 * __SIZEOF_LONG__)
#define BIT_WORD(nr)		((nr) / BITS_PER_LONG)
#define BIT_MASK(nr)		(1UL << ((nr) % BITS_PER_LONG))
#define BITS_TO_LONGS(nr)	(((nr) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]

static inline bool test_bit(unsigned long nr, const unsigned long *addr)
{
	return addr[BIT_WORD(nr)] & BIT_MASK(nr);
}

static inline void __set_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}

#endif
