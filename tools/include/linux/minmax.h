/* SPDX-License-Identifier: GPL-2.0 */
/*
 * min() and max() for kernel code built in user space. Each argument is
 * evaluated once, and mixing types fails the build (-Werror) as the
 * kernel's own checks would.
 */
#ifndef _SRIOVH_USER_LINUX_MINMAX_H
#define _SRIOVH_USER_LINUX_MINMAX_H

#define __sriovh_cmp(a, b, op) ({			\
	typeof(a) __x = (a);				\
	typeof(b) __y = (b);				\
	(void)(&__x == &__y);				\
	__x op __y ? __x : __y; })

#define min(a, b)	__sriovh_cmp(a, b, <)
#define max(a, b)	__sriovh_cmp(a, b, >)

#endif
