// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/config/sriov_helper/<PF address>/vfN/  (mkdir vf3)
 *   mac       (rw) unicast MAC, as 02:00:00:00:00:01
 *   vlan      (rw) port VLAN, 0-4094 (0: untagged)
 *   trust     (rw) on | off
 *   spoofchk  (rw) on | off
 *   status    (ro) unset | pending | applied | waiting: ... | failed: ...
 *
 * N counts from 0, as "ip link set PF vf N" does. An empty write leaves
 * that setting to the driver from then on (the VF keeps its current
 * value); rmdir does the same for all four. Only under a PF address entry:
 * a vendor:device entry may match several PFs, and one MAC on VFs of
 * several PFs would be a duplicate.
 */
#include <linux/configfs.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "sriov_helper.h"

struct sriovh_cfs_vf {
	struct config_group group;
	struct sriovh_rule *rule;	/* of the parent entry, which outlives us */
	struct sriovh_vfcfg cfg;
};

enum sriovh_vf_attr {
	SRIOVH_VF_MAC,
	SRIOVH_VF_VLAN,
	SRIOVH_VF_TRUST,
	SRIOVH_VF_SPOOFCHK,
};

static const char * const sriovh_vf_attr_names[] = {
	[SRIOVH_VF_MAC] = "mac",
	[SRIOVH_VF_VLAN] = "vlan",
	[SRIOVH_VF_TRUST] = "trust",
	[SRIOVH_VF_SPOOFCHK] = "spoofchk",
};

static struct sriovh_cfs_vf *sriovh_to_vf(struct config_item *item)
{
	return container_of(to_config_group(item), struct sriovh_cfs_vf, group);
}

static ssize_t sriovh_vf_show(struct config_item *item, enum sriovh_vf_attr a,
			      char *page)
{
	const struct sriovh_vfcfg *c = &sriovh_to_vf(item)->cfg;
	ssize_t len;

	mutex_lock(&sriovh_lock);
	switch (a) {
	case SRIOVH_VF_MAC:
		len = c->mac_set ? sysfs_emit(page, "%pM\n", c->mac) :
				   sysfs_emit(page, "\n");
		break;
	case SRIOVH_VF_VLAN:
		len = c->vlan_set ? sysfs_emit(page, "%u\n", c->vlan) :
				    sysfs_emit(page, "\n");
		break;
	case SRIOVH_VF_TRUST:
		len = sysfs_emit(page, "%s\n", !c->trust_set ? "" :
				 c->trust ? "on" : "off");
		break;
	default:
		len = sysfs_emit(page, "%s\n", !c->spoofchk_set ? "" :
				 c->spoofchk ? "on" : "off");
		break;
	}
	mutex_unlock(&sriovh_lock);
	return len;
}

static int sriovh_vf_parse(enum sriovh_vf_attr a, const char *page,
			   size_t len, struct sriovh_vfcfg *in,
			   const char **why)
{
	switch (a) {
	case SRIOVH_VF_MAC:
		return sriovh_parse_mac(page, len, in->mac, why);
	case SRIOVH_VF_VLAN:
		return sriovh_parse_vlan(page, len, &in->vlan, why);
	case SRIOVH_VF_TRUST:
		return sriovh_parse_onoff(page, len, &in->trust, why);
	default:
		return sriovh_parse_onoff(page, len, &in->spoofchk, why);
	}
}

static ssize_t sriovh_vf_store(struct config_item *item, enum sriovh_vf_attr a,
			       const char *page, size_t count)
{
	struct sriovh_cfs_vf *vf = sriovh_to_vf(item);
	struct sriovh_vfcfg in = {};
	struct sriovh_vfcfg *c = &vf->cfg;
	const char *why;
	size_t len;
	bool set;

	if (sriovh_cfs_value(page, count, &len, &why) ||
	    (len && sriovh_vf_parse(a, page, len, &in, &why)))
		return sriovh_cfs_invalid(item, sriovh_vf_attr_names[a], page,
					  len, why);
	set = len;

	mutex_lock(&sriovh_lock);
	switch (a) {
	case SRIOVH_VF_MAC:
		c->mac_set = set;
		memcpy(c->mac, in.mac, sizeof(c->mac));
		break;
	case SRIOVH_VF_VLAN:
		c->vlan_set = set;
		c->vlan = in.vlan;
		break;
	case SRIOVH_VF_TRUST:
		c->trust_set = set;
		c->trust = in.trust;
		break;
	default:
		c->spoofchk_set = set;
		c->spoofchk = in.spoofchk;
		break;
	}
	c->gen++;
	c->done = false;
	c->err = 0;
	c->result[0] = '\0';
	if (set && vf->rule->vfs_set)
		sriovh_queue_rule_locked(vf->rule, SRIOVH_TODO_VFS);
	mutex_unlock(&sriovh_lock);
	return count;
}

static enum sriovh_vf_attr sriovh_vf_attr_index(const char *name)
{
	int i = match_string(sriovh_vf_attr_names,
			     ARRAY_SIZE(sriovh_vf_attr_names), name);

	return i < 0 ? SRIOVH_VF_MAC : (enum sriovh_vf_attr)i;
}

#define SRIOVH_VF_ATTR(_name)						\
static ssize_t sriovh_vf_##_name##_show(struct config_item *item,	\
					char *page)			\
{									\
	return sriovh_vf_show(item, sriovh_vf_attr_index(#_name), page); \
}									\
static ssize_t sriovh_vf_##_name##_store(struct config_item *item,	\
					 const char *page, size_t count) \
{									\
	return sriovh_vf_store(item, sriovh_vf_attr_index(#_name), page, \
			       count);					\
}									\
static struct configfs_attribute sriovh_vf_attr_##_name = {		\
	.ca_name = #_name,						\
	.ca_owner = THIS_MODULE,					\
	.ca_mode = 0600,						\
	.show = sriovh_vf_##_name##_show,				\
	.store = sriovh_vf_##_name##_store,				\
}

SRIOVH_VF_ATTR(mac);
SRIOVH_VF_ATTR(vlan);
SRIOVH_VF_ATTR(trust);
SRIOVH_VF_ATTR(spoofchk);

static ssize_t sriovh_vf_status_show(struct config_item *item, char *page)
{
	const struct sriovh_vfcfg *c = &sriovh_to_vf(item)->cfg;
	ssize_t len;

	mutex_lock(&sriovh_lock);
	if (!c->mac_set && !c->vlan_set && !c->trust_set && !c->spoofchk_set)
		len = sysfs_emit(page, "unset\n");
	else if (!c->done)
		len = sysfs_emit(page, "pending\n");
	else
		len = sysfs_emit(page, "%s\n", c->result);
	mutex_unlock(&sriovh_lock);
	return len;
}

static struct configfs_attribute sriovh_vf_attr_status = {
	.ca_name = "status",
	.ca_owner = THIS_MODULE,
	.ca_mode = 0400,
	.show = sriovh_vf_status_show,
};

static struct configfs_attribute *sriovh_vf_attrs[] = {
	&sriovh_vf_attr_mac,
	&sriovh_vf_attr_vlan,
	&sriovh_vf_attr_trust,
	&sriovh_vf_attr_spoofchk,
	&sriovh_vf_attr_status,
	NULL,
};

static void sriovh_vf_release(struct config_item *item)
{
	kfree(sriovh_to_vf(item));
}

static struct configfs_item_operations sriovh_vf_item_ops = {
	.release = sriovh_vf_release,
};

static const struct config_item_type sriovh_vf_type = {
	.ct_item_ops = &sriovh_vf_item_ops,
	.ct_attrs = sriovh_vf_attrs,
	.ct_owner = THIS_MODULE,
};

/* mkdir <entry>/vfN */
struct config_group *sriovh_make_vf(struct config_group *entry,
				    struct sriovh_rule *rule, const char *name)
{
	struct sriovh_cfs_vf *vf;
	const char *why;
	u16 index;

	if (sriovh_parse_vf_name(name, strlen(name), &index, &why)) {
		pr_err("invalid entry name '%*pE' in %s: %s\n",
		       (int)min_t(size_t, strlen(name), SRIOVH_QUOTE_MAX), name,
		       config_item_name(&entry->cg_item), why);
		return ERR_PTR(-EINVAL);
	}
	if (rule->target.kind != SRIOVH_TARGET_ADDR) {
		pr_err("%s: per-VF settings need a PF address entry (as 0000:01:00.0), not vendor:device\n",
		       config_item_name(&entry->cg_item));
		return ERR_PTR(-EINVAL);
	}

	vf = kzalloc(sizeof(*vf), GFP_KERNEL);
	if (!vf)
		return ERR_PTR(-ENOMEM);
	vf->rule = rule;
	vf->cfg.index = index;
	mutex_lock(&sriovh_lock);
	list_add_tail(&vf->cfg.node, &rule->vf_cfgs);
	mutex_unlock(&sriovh_lock);

	config_group_init_type_name(&vf->group, name, &sriovh_vf_type);
	return &vf->group;
}

/* rmdir <entry>/vfN: forget the settings; the VF keeps what it has. */
void sriovh_drop_vf(struct config_item *item)
{
	struct sriovh_cfs_vf *vf = sriovh_to_vf(item);

	mutex_lock(&sriovh_lock);
	list_del(&vf->cfg.node);
	mutex_unlock(&sriovh_lock);
	config_item_put(item);
}
