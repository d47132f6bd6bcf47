/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SRIOV_HELPER_DECIDE_H
#define _SRIOV_HELPER_DECIDE_H

#include <linux/types.h>

/* What applying a requested VF count to a PF takes, decided in one place. */
enum sriovh_action {
	SRIOVH_ACT_NONE,		/* already at the requested count */
	SRIOVH_ACT_ENABLE,		/* 0 -> N */
	SRIOVH_ACT_DISABLE,		/* N -> 0 */
	SRIOVH_ACT_RESET_ENABLE,	/* M -> 0 -> N: VFs cannot be resized */
	SRIOVH_ACT_ERR_RANGE,		/* N > sriov_totalvfs */
	SRIOVH_ACT_ERR_NO_CONFIGURE,	/* the driver has no sriov_configure */
	SRIOVH_ACT_ERR_IN_USE,		/* removing VFs that guests or VMs hold */
};

struct sriovh_pf_facts {
	u16 current_vfs;	/* pci_num_vf() */
	u16 requested;
	u16 total;		/* pci_sriov_get_totalvfs() */
	u16 in_use;		/* VFs assigned or open through VFIO */
	bool can_configure;	/* driver->sriov_configure != NULL */
};

enum sriovh_action sriovh_decide(const struct sriovh_pf_facts *f);

#endif /* _SRIOV_HELPER_DECIDE_H */
