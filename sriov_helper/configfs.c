// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/config/sriov_helper/<PF address or vendor:device>/
 *   vfs           (rw) the requested VF count; a write applies at once
 *                      when the PF is bound, otherwise when its driver binds
 *   on_bus_range  (rw) clamp | fail
 *   irq           (rw) spread | off: whether we place the VF IRQs
 *   irq_cpus      (rw) CPU list for them; empty for the default (the PF's
 *                      NUMA node, less isolated CPUs)
 *   vf_driver     (rw) auto | none | <driver>: where new VFs are probed
 *                      (vfdrv.c); a change moves the VFs that exist
 *   vf_bind       (rw) parallel | serial: how the VFs a pass held are
 *                      probed (bind.c); read at the next pass
 *   vfN/          per-VF MAC, VLAN, trust, spoofchk (configfs_vf.c)
 *   status        (ro) pending | applied N | failed: <reason> (<errno>),
 *                      then a line for VFs kept from vf_driver and one for
 *                      refused per-VF settings, when there are any
 *
 * Removing an entry forgets the request and leaves the VFs as they are.
 */
#include <linux/configfs.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "sriov_helper.h"

struct sriovh_cfs_entry {
	struct config_group group;
	struct sriovh_rule rule;
};

static struct sriovh_cfs_entry *sriovh_to_entry(struct config_item *item)
{
	return container_of(to_config_group(item), struct sriovh_cfs_entry,
			    group);
}

/*
 * The text of a write: echo's one trailing newline dropped, an embedded NUL
 * refused. Return: 0 with *len set, or -EINVAL with *why set.
 */
int sriovh_cfs_value(const char *page, size_t count, size_t *len,
		     const char **why)
{
	if (strnlen(page, count) != count) {
		*why = "embedded NUL";
		*len = strnlen(page, count);
		return -EINVAL;
	}
	*len = count;
	if (*len && page[*len - 1] == '\n')
		(*len)--;
	return 0;
}

static const struct config_item_type sriovh_entry_type;

/*
 * Name the attribute, the entry (ENTRY/vfN for a per-VF one) and the
 * offending text; change nothing.
 */
ssize_t sriovh_cfs_invalid(struct config_item *item, const char *attr,
			   const char *page, size_t len, const char *why)
{
	bool vf = item->ci_type != &sriovh_entry_type;

	pr_err("invalid %s value '%*pE%s' for %s%s%s: %s\n", attr,
	       (int)min_t(size_t, len, SRIOVH_QUOTE_MAX), page,
	       len > SRIOVH_QUOTE_MAX ? "..." : "",
	       vf ? config_item_name(item->ci_parent) : "", vf ? "/" : "",
	       config_item_name(item), why);
	return -EINVAL;
}

static ssize_t sriovh_vfs_show(struct config_item *item, char *page)
{
	struct sriovh_rule *rule = &sriovh_to_entry(item)->rule;
	ssize_t len;

	mutex_lock(&sriovh_lock);
	if (rule->vfs_set)
		len = sysfs_emit(page, "%u\n", rule->vfs);
	else
		len = sysfs_emit(page, "\n");
	mutex_unlock(&sriovh_lock);
	return len;
}

static ssize_t sriovh_vfs_store(struct config_item *item, const char *page,
				size_t count)
{
	struct sriovh_rule *rule = &sriovh_to_entry(item)->rule;
	const char *why;
	size_t len;
	u16 vfs;

	if (sriovh_cfs_value(page, count, &len, &why) ||
	    sriovh_parse_u16(page, len, &vfs, &why))
		return sriovh_cfs_invalid(item, "vfs", page, len, why);

	mutex_lock(&sriovh_lock);
	rule->vfs = vfs;
	rule->vfs_set = true;
	sriovh_queue_rule_locked(rule, SRIOVH_TODO_COUNT);
	mutex_unlock(&sriovh_lock);
	return count;
}

static ssize_t sriovh_on_bus_range_show(struct config_item *item, char *page)
{
	struct sriovh_rule *rule = &sriovh_to_entry(item)->rule;
	ssize_t len;

	mutex_lock(&sriovh_lock);
	len = sysfs_emit(page, "%s\n", sriovh_policy_name(rule->on_bus_range));
	mutex_unlock(&sriovh_lock);
	return len;
}

static ssize_t sriovh_on_bus_range_store(struct config_item *item,
					 const char *page, size_t count)
{
	struct sriovh_rule *rule = &sriovh_to_entry(item)->rule;
	enum sriovh_busrange_policy policy;
	const char *why;
	size_t len;

	if (sriovh_cfs_value(page, count, &len, &why) ||
	    sriovh_parse_policy(page, len, &policy, &why))
		return sriovh_cfs_invalid(item, "on_bus_range", page, len, why);

	mutex_lock(&sriovh_lock);
	if (rule->on_bus_range != policy) {
		rule->on_bus_range = policy;
		if (rule->vfs_set)
			sriovh_queue_rule_locked(rule, SRIOVH_TODO_COUNT);
	}
	mutex_unlock(&sriovh_lock);
	return count;
}

static ssize_t sriovh_vf_bind_show(struct config_item *item, char *page)
{
	struct sriovh_rule *rule = &sriovh_to_entry(item)->rule;
	ssize_t len;

	mutex_lock(&sriovh_lock);
	len = sysfs_emit(page, "%s\n", sriovh_vf_bind_name(rule->vf_bind));
	mutex_unlock(&sriovh_lock);
	return len;
}

/*
 * Nothing to queue: the choice only says how the next pass probes the
 * VFs it lets go, and VFs already bound stay where they are.
 */
static ssize_t sriovh_vf_bind_store(struct config_item *item,
				    const char *page, size_t count)
{
	struct sriovh_rule *rule = &sriovh_to_entry(item)->rule;
	enum sriovh_vf_bind bind;
	const char *why;
	size_t len;

	if (sriovh_cfs_value(page, count, &len, &why) ||
	    sriovh_parse_vf_bind(page, len, &bind, &why))
		return sriovh_cfs_invalid(item, "vf_bind", page, len, why);

	mutex_lock(&sriovh_lock);
	rule->vf_bind = bind;
	mutex_unlock(&sriovh_lock);
	return count;
}

static ssize_t sriovh_irq_show(struct config_item *item, char *page)
{
	struct sriovh_rule *rule = &sriovh_to_entry(item)->rule;
	ssize_t len;

	mutex_lock(&sriovh_lock);
	len = sysfs_emit(page, "%s\n", sriovh_irq_mode_name(rule->irq));
	mutex_unlock(&sriovh_lock);
	return len;
}

static ssize_t sriovh_irq_store(struct config_item *item, const char *page,
				size_t count)
{
	struct sriovh_rule *rule = &sriovh_to_entry(item)->rule;
	enum sriovh_irq_mode mode;
	const char *why;
	size_t len;

	if (sriovh_cfs_value(page, count, &len, &why) ||
	    sriovh_parse_irq_mode(page, len, &mode, &why))
		return sriovh_cfs_invalid(item, "irq", page, len, why);

	mutex_lock(&sriovh_lock);
	rule->irq = mode;
	mutex_unlock(&sriovh_lock);
	/* Turning it off leaves the vectors where they are. */
	sriovh_irq_kick();
	return count;
}

static ssize_t sriovh_irq_cpus_show(struct config_item *item, char *page)
{
	struct sriovh_rule *rule = &sriovh_to_entry(item)->rule;
	char cpus[SRIOVH_CPULIST_STRLEN];

	mutex_lock(&sriovh_lock);
	sriovh_format_cpulist(&rule->irq_cpus, cpus, sizeof(cpus));
	mutex_unlock(&sriovh_lock);
	return sysfs_emit(page, "%s\n", cpus);
}

static ssize_t sriovh_irq_cpus_store(struct config_item *item,
				     const char *page, size_t count)
{
	struct sriovh_rule *rule = &sriovh_to_entry(item)->rule;
	struct sriovh_cpulist cpus = {};
	const char *why;
	size_t len;
	int cpu;

	if (sriovh_cfs_value(page, count, &len, &why) ||
	    (len && sriovh_parse_cpulist(page, len, &cpus, &why)))
		return sriovh_cfs_invalid(item, "irq_cpus", page, len, why);
	cpu = sriovh_cpulist_impossible(&cpus);
	if (cpu >= 0) {
		pr_err("invalid irq_cpus value '%*pE' for %s: CPU %d does not exist here (possible CPUs: %*pbl)\n",
		       (int)min_t(size_t, len, SRIOVH_QUOTE_MAX), page,
		       config_item_name(item), cpu,
		       cpumask_pr_args(cpu_possible_mask));
		return -EINVAL;
	}

	/* An empty write (echo > irq_cpus) goes back to the default set. */
	mutex_lock(&sriovh_lock);
	rule->irq_cpus = cpus;
	mutex_unlock(&sriovh_lock);
	sriovh_irq_kick();
	return count;
}

static ssize_t sriovh_vf_driver_show(struct config_item *item, char *page)
{
	struct sriovh_rule *rule = &sriovh_to_entry(item)->rule;
	ssize_t len;

	mutex_lock(&sriovh_lock);
	len = sysfs_emit(page, "%s\n", sriovh_vf_driver_name(&rule->vf_driver));
	mutex_unlock(&sriovh_lock);
	return len;
}

static ssize_t sriovh_vf_driver_store(struct config_item *item,
				      const char *page, size_t count)
{
	struct sriovh_rule *rule = &sriovh_to_entry(item)->rule;
	struct sriovh_vfdrv d;
	const char *why;
	size_t len;

	if (sriovh_cfs_value(page, count, &len, &why) ||
	    sriovh_parse_vf_driver(page, len, &d, &why))
		return sriovh_cfs_invalid(item, "vf_driver", page, len, why);

	/* VFs that exist move now; new ones are probed there from the start. */
	mutex_lock(&sriovh_lock);
	if (!sriovh_vfdrv_equal(&rule->vf_driver, &d)) {
		rule->vf_driver = d;
		if (rule->vfs_set)
			sriovh_queue_rule_locked(rule, SRIOVH_TODO_MOVE);
	}
	mutex_unlock(&sriovh_lock);
	return count;
}

static ssize_t sriovh_status_show(struct config_item *item, char *page)
{
	struct sriovh_rule *rule = &sriovh_to_entry(item)->rule;
	ssize_t len;

	mutex_lock(&sriovh_lock);
	if (!rule->vfs_set)
		len = sysfs_emit(page, "unset\n");
	else
		len = sriovh_rule_status_locked(rule, page, PAGE_SIZE);
	mutex_unlock(&sriovh_lock);
	return len;
}

/* Root only: these change and reveal host PCI configuration. */
static struct configfs_attribute sriovh_attr_vfs = {
	.ca_name = "vfs",
	.ca_owner = THIS_MODULE,
	.ca_mode = 0600,
	.show = sriovh_vfs_show,
	.store = sriovh_vfs_store,
};

static struct configfs_attribute sriovh_attr_on_bus_range = {
	.ca_name = "on_bus_range",
	.ca_owner = THIS_MODULE,
	.ca_mode = 0600,
	.show = sriovh_on_bus_range_show,
	.store = sriovh_on_bus_range_store,
};

static struct configfs_attribute sriovh_attr_vf_bind = {
	.ca_name = "vf_bind",
	.ca_owner = THIS_MODULE,
	.ca_mode = 0600,
	.show = sriovh_vf_bind_show,
	.store = sriovh_vf_bind_store,
};

static struct configfs_attribute sriovh_attr_irq = {
	.ca_name = "irq",
	.ca_owner = THIS_MODULE,
	.ca_mode = 0600,
	.show = sriovh_irq_show,
	.store = sriovh_irq_store,
};

static struct configfs_attribute sriovh_attr_irq_cpus = {
	.ca_name = "irq_cpus",
	.ca_owner = THIS_MODULE,
	.ca_mode = 0600,
	.show = sriovh_irq_cpus_show,
	.store = sriovh_irq_cpus_store,
};

static struct configfs_attribute sriovh_attr_vf_driver = {
	.ca_name = "vf_driver",
	.ca_owner = THIS_MODULE,
	.ca_mode = 0600,
	.show = sriovh_vf_driver_show,
	.store = sriovh_vf_driver_store,
};

static struct configfs_attribute sriovh_attr_status = {
	.ca_name = "status",
	.ca_owner = THIS_MODULE,
	.ca_mode = 0400,
	.show = sriovh_status_show,
};

static struct configfs_attribute *sriovh_entry_attrs[] = {
	&sriovh_attr_vfs,
	&sriovh_attr_on_bus_range,
	&sriovh_attr_irq,
	&sriovh_attr_irq_cpus,
	&sriovh_attr_vf_driver,
	&sriovh_attr_vf_bind,
	&sriovh_attr_status,
	NULL,
};

static void sriovh_entry_release(struct config_item *item)
{
	kfree(sriovh_to_entry(item));
}

static struct configfs_item_operations sriovh_entry_item_ops = {
	.release = sriovh_entry_release,
};

static struct config_group *sriovh_make_entry_vf(struct config_group *group,
						 const char *name)
{
	return sriovh_make_vf(group, &sriovh_to_entry(&group->cg_item)->rule,
			      name);
}

static void sriovh_drop_entry_vf(struct config_group *group,
				 struct config_item *item)
{
	sriovh_drop_vf(item);
}

/* Per-VF settings: mkdir <entry>/vfN (configfs_vf.c). */
static struct configfs_group_operations sriovh_entry_group_ops = {
	.make_group = sriovh_make_entry_vf,
	.drop_item = sriovh_drop_entry_vf,
};

static const struct config_item_type sriovh_entry_type = {
	.ct_item_ops = &sriovh_entry_item_ops,
	.ct_group_ops = &sriovh_entry_group_ops,
	.ct_attrs = sriovh_entry_attrs,
	.ct_owner = THIS_MODULE,
};

static struct config_group *sriovh_make_entry(struct config_group *parent,
					      const char *name)
{
	struct sriovh_cfs_entry *entry;
	struct sriovh_target target;
	const struct sriovh_rule *other;
	const char *why;

	if (sriovh_parse_target(name, strlen(name), &target, &why)) {
		pr_err("invalid configfs entry name '%*pE': %s\n",
		       (int)min_t(size_t, strlen(name), SRIOVH_QUOTE_MAX), name,
		       why);
		return ERR_PTR(-EINVAL);
	}

	entry = kzalloc(sizeof(*entry), GFP_KERNEL);
	if (!entry)
		return ERR_PTR(-ENOMEM);
	entry->rule.target = target;
	entry->rule.source = SRIOVH_SRC_CONFIGFS;
	INIT_LIST_HEAD(&entry->rule.vf_sets);

	/* "01:00.0" and "0000:01:00.0" are different names for one PF. */
	mutex_lock(&sriovh_lock);
	list_for_each_entry(other, &sriovh_cfs_rules, node) {
		if (sriovh_target_equal(&other->target, &target)) {
			mutex_unlock(&sriovh_lock);
			pr_err("configfs entry '%s' names the same PF as an existing entry\n",
			       name);
			kfree(entry);
			return ERR_PTR(-EEXIST);
		}
	}
	list_add_tail(&entry->rule.node, &sriovh_cfs_rules);
	mutex_unlock(&sriovh_lock);

	config_group_init_type_name(&entry->group, name, &sriovh_entry_type);
	return &entry->group;
}

static void sriovh_drop_entry(struct config_group *group,
			      struct config_item *item)
{
	struct sriovh_cfs_entry *entry = sriovh_to_entry(item);

	mutex_lock(&sriovh_lock);
	list_del(&entry->rule.node);
	sriovh_rule_gone_locked(&entry->rule);
	mutex_unlock(&sriovh_lock);
	/* Its VFs' IRQs stay put; PFs sharing their CPUs may rebalance. */
	sriovh_irq_kick();
	config_item_put(item);
}

static struct configfs_group_operations sriovh_root_group_ops = {
	.make_group = sriovh_make_entry,
	.drop_item = sriovh_drop_entry,
};

static const struct config_item_type sriovh_root_type = {
	.ct_group_ops = &sriovh_root_group_ops,
	.ct_owner = THIS_MODULE,
};

static struct configfs_subsystem sriovh_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf = "sriov_helper",
			.ci_type = &sriovh_root_type,
		},
	},
};

int sriovh_configfs_init(void)
{
	config_group_init(&sriovh_subsys.su_group);
	mutex_init(&sriovh_subsys.su_mutex);
	return configfs_register_subsystem(&sriovh_subsys);
}

void sriovh_configfs_exit(void)
{
	configfs_unregister_subsystem(&sriovh_subsys);
}
