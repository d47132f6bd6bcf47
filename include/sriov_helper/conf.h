/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SRIOV_HELPER_CONF_H
#define _SRIOV_HELPER_CONF_H

#include <sriov_helper/parse.h>

/* Where a requested count came from; configfs beats the parameter. */
enum sriovh_source {
	SRIOVH_SRC_PARAM,
	SRIOVH_SRC_CONFIGFS,
};

struct sriovh_vfset;

/*
 * One per-VF set as a pass reads it: its values, copied, and which set
 * and generation they came from, so that vfcfg.c can merge its results
 * into the set only if it is still the one in force, unchanged.
 */
struct sriovh_conf_set {
	const struct sriovh_vfset *id;	/* compared, never dereferenced */
	u32 gen;
	u16 first;
	u16 last;
	struct sriovh_vfvals v;
};

/*
 * What is configured for one PF: the rule in force and the per-VF sets,
 * copied by rules.c under sriovh_lock (sriovh_conf_get_locked()) once
 * per pass, and read by each stage of the pass with no lock held. A
 * store made meanwhile queues a pass of its own, which reads it.
 */
struct sriovh_conf {
	bool ruled;			/* a rule names the PF; all else 0 if not */
	struct sriovh_target from;	/* that rule's target */
	enum sriovh_source source;
	u16 vfs;
	enum sriovh_busrange_policy on_bus_range;
	enum sriovh_vf_bind vf_bind;
	struct sriovh_vfdrv vf_driver;	/* the rule's, for VFs no set names */
	unsigned int nr_sets;
	struct sriovh_conf_set *sets;	/* in precedence order: configfs first */
};

const struct sriovh_conf_set *sriovh_conf_set_for(const struct sriovh_conf *c,
						  u16 index);
void sriovh_conf_vfdrv(const struct sriovh_conf *c, u16 index,
		       struct sriovh_vfdrv *d);

#endif /* _SRIOV_HELPER_CONF_H */
