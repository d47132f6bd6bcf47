/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <linux/types.h> for kernel code built in user space (place.c in
 * tools/bench/plan_bench.c): bool and the fixed-width names. It shadows
 * the UAPI header of the same name, which has neither.
 */
#ifndef _SRIOVH_USER_LINUX_TYPES_H
#define _SRIOVH_USER_LINUX_TYPES_H

#include <sriovh-user-types.h>

#endif
