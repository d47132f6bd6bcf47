// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/config/sriov_helper/<PF address>/vfN/ and .../vfN-M/
 *   mac, vlan, qos, vlan_proto, spoofchk, trust, link_state, query_rss,
 *   min_tx_rate, max_tx_rate, node_guid, port_guid, vf_driver,
 *   msix                                                        (rw)
 *   status                                                      (ro)
 *
 * A directory is a set of VFs, one (vf3) or a range (vf0-3), counted from
 * 0 as "ip link set PF vf N" does, with the values ip-link(8) takes; the
 * parser is the vf= parameter's (parse.c). Sets do not overlap, so every
 * VF has at most one, and they end below the PF's TotalVFs (a fixed cap
 * while the PF is not there): what an entry holds stays bounded by what
 * its device can have. mac and the GUIDs name one VF: a range refuses
 * them. An empty write leaves that setting to the driver from then on
 * (the VF keeps its current value); rmdir does the same for all of them.
 * Only under a PF address entry: a vendor:device entry may match several
 * PFs.
 *
 * The values and results belong to struct sriovh_vfset (vfcfg.c): a store
 * here checks the text and hands it over.
 */
#include <linux/configfs.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "sriov_helper.h"

struct sriovh_cfs_vf {
	struct config_group group;
	struct sriovh_rule *rule;	/* of the parent entry, which outlives us */
	struct sriovh_vfset *set;
};

static struct sriovh_cfs_vf *sriovh_to_vf(struct config_item *item)
{
	return container_of(to_config_group(item), struct sriovh_cfs_vf, group);
}

static ssize_t sriovh_vf_show(struct config_item *item, enum sriovh_vf_key k,
			      char *page)
{
	const struct sriovh_vfset *s = sriovh_to_vf(item)->set;
	char val[SRIOVH_VF_VALUE_STRLEN];

	mutex_lock(&sriovh_lock);
	sriovh_format_vf_value(k, &s->v, val, sizeof(val));
	mutex_unlock(&sriovh_lock);
	return sysfs_emit(page, "%s\n", val);
}

static ssize_t sriovh_vf_store(struct config_item *item, enum sriovh_vf_key k,
			       const char *page, size_t count)
{
	struct sriovh_cfs_vf *vf = sriovh_to_vf(item);
	struct sriovh_vfvals in = {};
	unsigned int todo;
	const char *why;
	size_t len;
	int ret;

	if (sriovh_cfs_value(page, count, &len, &why) ||
	    (len && sriovh_parse_vf_value(k, page, len, &in, &why)))
		return sriovh_cfs_invalid(item, sriovh_vf_key_name(k), page,
					  len, why);

	mutex_lock(&sriovh_lock);
	ret = sriovh_vfset_store_locked(vf->set, k, &in, len, &why);
	if (!ret) {
		/*
		 * A new driver choice moves the VFs; the rest is set on them.
		 * An empty write queues a pass too: it sets nothing, but
		 * the set's status is pending until a pass has looked again.
		 */
		todo = k == SRIOVH_VK_VF_DRIVER ? SRIOVH_TODO_MOVE :
		       SRIOVH_TODO_VFS;
		sriovh_queue_rule_locked(vf->rule, todo);
	}
	mutex_unlock(&sriovh_lock);
	if (ret)
		return sriovh_cfs_invalid(item, sriovh_vf_key_name(k), page,
					  len, why);
	return count;
}

/* The key an attribute stands for: its name is the key's name. */
static enum sriovh_vf_key sriovh_vf_key_of(const char *name)
{
	int k = sriovh_vf_key_lookup(name, strlen(name));

	return k < 0 ? SRIOVH_VK_MAC : (enum sriovh_vf_key)k;
}

#define SRIOVH_VF_ATTR(_name)						\
static ssize_t sriovh_vf_##_name##_show(struct config_item *item,	\
					char *page)			\
{									\
	return sriovh_vf_show(item, sriovh_vf_key_of(#_name), page);	\
}									\
static ssize_t sriovh_vf_##_name##_store(struct config_item *item,	\
					 const char *page, size_t count) \
{									\
	return sriovh_vf_store(item, sriovh_vf_key_of(#_name), page,	\
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
SRIOVH_VF_ATTR(qos);
SRIOVH_VF_ATTR(vlan_proto);
SRIOVH_VF_ATTR(spoofchk);
SRIOVH_VF_ATTR(trust);
SRIOVH_VF_ATTR(link_state);
SRIOVH_VF_ATTR(query_rss);
SRIOVH_VF_ATTR(min_tx_rate);
SRIOVH_VF_ATTR(max_tx_rate);
SRIOVH_VF_ATTR(node_guid);
SRIOVH_VF_ATTR(port_guid);
SRIOVH_VF_ATTR(vf_driver);
SRIOVH_VF_ATTR(msix);

static ssize_t sriovh_vf_status_show(struct config_item *item, char *page)
{
	const struct sriovh_vfset *s = sriovh_to_vf(item)->set;
	ssize_t len;

	mutex_lock(&sriovh_lock);
	len = sriovh_vfset_status_locked(s, page, PAGE_SIZE);
	mutex_unlock(&sriovh_lock);
	return len;
}

static struct configfs_attribute sriovh_vf_attr_status = {
	.ca_name = "status",
	.ca_owner = THIS_MODULE,
	.ca_mode = 0400,
	.show = sriovh_vf_status_show,
};

/* In the order of enum sriovh_vf_key, then status. */
static struct configfs_attribute *sriovh_vf_attrs[] = {
	&sriovh_vf_attr_mac,
	&sriovh_vf_attr_vlan,
	&sriovh_vf_attr_qos,
	&sriovh_vf_attr_vlan_proto,
	&sriovh_vf_attr_spoofchk,
	&sriovh_vf_attr_trust,
	&sriovh_vf_attr_link_state,
	&sriovh_vf_attr_query_rss,
	&sriovh_vf_attr_min_tx_rate,
	&sriovh_vf_attr_max_tx_rate,
	&sriovh_vf_attr_node_guid,
	&sriovh_vf_attr_port_guid,
	&sriovh_vf_attr_vf_driver,
	&sriovh_vf_attr_msix,
	&sriovh_vf_attr_status,
	NULL,
};

static void sriovh_vf_release(struct config_item *item)
{
	struct sriovh_cfs_vf *vf = sriovh_to_vf(item);

	kfree(vf->set);
	kfree(vf);
}

static struct configfs_item_operations sriovh_vf_item_ops = {
	.release = sriovh_vf_release,
};

static const struct config_item_type sriovh_vf_type = {
	.ct_item_ops = &sriovh_vf_item_ops,
	.ct_attrs = sriovh_vf_attrs,
	.ct_owner = THIS_MODULE,
};

/* The set of @rule that shares a VF with first..last, or NULL. */
static const struct sriovh_vfset *
sriovh_vf_overlap_locked(const struct sriovh_rule *rule, u16 first, u16 last)
{
	const struct sriovh_vfset *s;

	list_for_each_entry(s, &rule->vf_sets, node)
		if (first <= s->last && s->first <= last)
			return s;
	return NULL;
}

/* Refuse a set that the entry cannot hold; say which entry and why. */
static int sriovh_vf_admissible_locked(struct config_group *entry,
				       const struct sriovh_rule *rule,
				       const char *name, u16 first, u16 last)
{
	const char *ename = config_item_name(&entry->cg_item);
	const struct sriovh_vfset *other;
	char range[16];
	u16 max;

	if (rule->target.kind != SRIOVH_TARGET_ADDR) {
		pr_err("%s: per-VF settings need a PF address entry (as 0000:01:00.0), not vendor:device\n",
		       ename);
		return -EINVAL;
	}
	max = sriovh_vf_last_allowed(&rule->target);
	if (last > max) {
		pr_err("%s/%s: VF %u is past the last VF this PF can have (%u)\n",
		       ename, name, last, max);
		return -ERANGE;
	}
	other = sriovh_vf_overlap_locked(rule, first, last);
	if (other) {
		sriovh_format_vf_range(other->first, other->last, range,
				       sizeof(range));
		pr_err("%s/%s overlaps %s/vf%s: a VF has one set of settings\n",
		       ename, name, ename, range);
		return -EEXIST;
	}
	return 0;
}

/* mkdir <entry>/vfN or <entry>/vfN-M */
struct config_group *sriovh_make_vf(struct config_group *entry,
				    struct sriovh_rule *rule, const char *name)
{
	struct sriovh_cfs_vf *vf;
	const char *why;
	u16 first, last;
	int ret;

	if (sriovh_parse_vf_dirname(name, strlen(name), &first, &last, &why)) {
		pr_err("invalid entry name '%*pE' in %s: %s\n",
		       (int)min_t(size_t, strlen(name), SRIOVH_QUOTE_MAX), name,
		       config_item_name(&entry->cg_item), why);
		return ERR_PTR(-EINVAL);
	}

	vf = kzalloc(sizeof(*vf), GFP_KERNEL);
	if (!vf)
		return ERR_PTR(-ENOMEM);
	vf->set = sriovh_vfset_alloc(SRIOVH_SRC_CONFIGFS, &rule->target, first,
				     last);
	if (!vf->set) {
		kfree(vf);
		return ERR_PTR(-ENOMEM);
	}
	vf->rule = rule;
	mutex_lock(&sriovh_lock);
	ret = sriovh_vf_admissible_locked(entry, rule, name, first, last);
	if (!ret)
		list_add_tail(&vf->set->node, &rule->vf_sets);
	mutex_unlock(&sriovh_lock);
	if (ret) {
		kfree(vf->set);
		kfree(vf);
		return ERR_PTR(ret);
	}

	config_group_init_type_name(&vf->group, name, &sriovh_vf_type);
	return &vf->group;
}

/* rmdir <entry>/vfN: forget the settings; the VFs keep what they have. */
void sriovh_drop_vf(struct config_item *item)
{
	struct sriovh_cfs_vf *vf = sriovh_to_vf(item);

	mutex_lock(&sriovh_lock);
	list_del(&vf->set->node);
	mutex_unlock(&sriovh_lock);
	config_item_put(item);
}
