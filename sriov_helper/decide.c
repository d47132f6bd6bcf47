// SPDX-License-Identifier: GPL-2.0
/*
 * The apply decision, free of locks and devices so that KUnit can walk
 * every case. The order of the checks is sriov_numvfs_store()'s
 * (drivers/pci/iov.c), plus the two things the sysfs writer leaves to the
 * admin: going through 0 to change a non-zero count, and refusing that
 * while a guest or a VM holds a VF (inuse.c).
 */
#include <sriov_helper/decide.h>

enum sriovh_action sriovh_decide(const struct sriovh_pf_facts *f)
{
	if (f->requested > f->total)
		return SRIOVH_ACT_ERR_RANGE;
	if (f->requested == f->current_vfs)
		return SRIOVH_ACT_NONE;
	if (!f->can_configure)
		return SRIOVH_ACT_ERR_NO_CONFIGURE;
	/* Any change from a non-zero count removes the current VFs. */
	if (f->current_vfs && f->in_use)
		return SRIOVH_ACT_ERR_IN_USE;
	if (f->requested == 0)
		return SRIOVH_ACT_DISABLE;
	if (f->current_vfs == 0)
		return SRIOVH_ACT_ENABLE;
	return SRIOVH_ACT_RESET_ENABLE;
}
