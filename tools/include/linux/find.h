/* SPDX-License-Identifier: GPL-2.0 */
/*
 * for_each_set_bit() for sriov_helper/place.c in user space. A word at a
 * time, as lib/find_bit.c does, not a bit at a time: the planner's
 * benchmark should time the loop the kernel runs.
 */
#ifndef _SRIOVH_USER_LINUX_FIND_H
#define _SRIOVH_USER_LINUX_FIND_H

#include <limits.h>
#include <linux/bitmap.h>

/* The first set bit at @offset or above, or @size if there is none. */
static inline unsigned long find_next_bit(const unsigned long *addr,
					  unsigned long size,
					  unsigned long offset)
{
	unsigned long idx = BIT_WORD(offset), word;

	if (offset >= size)
		return size;
	word = addr[idx] & (~0UL << (offset % BITS_PER_LONG));
	while (!word) {
		if ((idx + 1) * BITS_PER_LONG >= size)
			return size;
		word = addr[++idx];
	}
	offset = idx * BITS_PER_LONG + (unsigned long)__builtin_ctzl(word);
	return offset < size ? offset : size;
}

static inline unsigned int *__sriovh_bit_start(unsigned int *bit)
{
	*bit = UINT_MAX;	/* so that the first candidate is 0 */
	return bit;
}

static inline bool __sriovh_bit_next(unsigned int *bit,
				     const unsigned long *addr,
				     unsigned long size)
{
	*bit = (unsigned int)find_next_bit(addr, size, *bit + 1U);
	return *bit < size;
}

/*
 * The kernel's loop, with each argument written once (checkpatch's macro
 * rule): the loop variable is reached through a pointer, so @bit must be
 * an unsigned int, as place.c's are. It ends equal to @size.
 */
#define for_each_set_bit(bit, addr, size)				\
	for (unsigned int *__bit = __sriovh_bit_start(&(bit));		\
	     __sriovh_bit_next(__bit, (addr), (size));)

#endif
