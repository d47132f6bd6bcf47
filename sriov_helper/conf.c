// SPDX-License-Identifier: GPL-2.0
/*
 * What a pass reads of its PF's configuration: the copy that rules.c
 * takes (sriovh_conf_get_locked()), asked per VF. Free of locks and
 * devices, so that KUnit can walk the precedence: the first set that
 * covers a VF is the one in force (configfs before vf=, the order
 * sriovh_vfset_for_locked() gives), and a set's vf_driver beats the
 * rule's.
 */
#include <sriov_helper/conf.h>

/* The set in force for VF @index in @c (the first that covers it), or NULL. */
const struct sriovh_conf_set *sriovh_conf_set_for(const struct sriovh_conf *c,
						  u16 index)
{
	unsigned int i;

	for (i = 0; i < c->nr_sets; i++)
		if (index >= c->sets[i].first && index <= c->sets[i].last)
			return &c->sets[i];
	return NULL;
}

/*
 * The driver choice for VF @index in @c: its set's vf_driver when it has
 * one, else the rule's; none (auto, all zero) when no rule names the PF.
 */
void sriovh_conf_vfdrv(const struct sriovh_conf *c, u16 index,
		       struct sriovh_vfdrv *d)
{
	const struct sriovh_conf_set *cs = sriovh_conf_set_for(c, index);

	if (cs && (cs->v.set & (1u << SRIOVH_VK_VF_DRIVER)))
		*d = cs->v.vf_driver;
	else
		*d = c->vf_driver;
}
