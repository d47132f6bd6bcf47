/* SPDX-License-Identifier: GPL-2.0 */
/* <linux/string.h> in user space: the C library's memset() and friends. */
#ifndef _SRIOVH_USER_LINUX_STRING_H
#define _SRIOVH_USER_LINUX_STRING_H

#include <string.h>

#endif
