// SPDX-License-Identifier: GPL-2.0
/*
 * The pf= and vf= module parameters. Values are collected as the kernel
 * hands them over (each may be repeated, as modprobe does with several
 * "options" lines) and parsed as a whole in module init, so that a bad
 * value fails the load with one message naming it, duplicates across
 * options are caught, and nothing is applied from a half-parsed list.
 *
 * Reading /sys/module/sriov_helper/parameters/{pf,vf} runs our get() under
 * kernel_param_lock() only (kernel/params.c, param_attr_show()), and the
 * files exist from before init until after exit: the lists it walks are
 * published and taken down under that lock.
 */
#include <linux/cpumask.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "sriov_helper.h"

static char *sriovh_pf_raw;
static char *sriovh_vf_raw;

/* Repeated options are joined as if written with ';'. */
static int sriovh_param_set(const char *val, const struct kernel_param *kp)
{
	char **raw = kp->arg;
	size_t old = *raw ? strlen(*raw) : 0;
	size_t add = strlen(val);
	char *buf;

	if (!add)
		return 0;
	buf = krealloc(*raw, old + add + 2, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (old)
		buf[old++] = ';';
	memcpy(buf + old, val, add + 1);
	*raw = buf;
	return 0;
}

static void sriovh_param_free(void *arg)
{
	char **raw = arg;

	kfree(*raw);
	*raw = NULL;
}

/* Shows the effective configuration, canonical, as pf= would take it. */
static int sriovh_pf_get(char *buffer, const struct kernel_param *kp)
{
	const struct sriovh_rule *rule;
	struct sriovh_entry e;
	int len = 0;

	list_for_each_entry(rule, &sriovh_param_rules, node) {
		e.target = rule->target;
		e.vfs = rule->vfs;
		e.on_bus_range = rule->on_bus_range;
		e.irq = rule->irq;
		e.irq_cpus = rule->irq_cpus;
		e.vf_driver = rule->vf_driver;
		e.vf_bind = rule->vf_bind;
		if (len)
			len += scnprintf(buffer + len, PAGE_SIZE - len, ";");
		sriovh_format_entry(&e, buffer + len, PAGE_SIZE - len);
		len += strnlen(buffer + len, PAGE_SIZE - len);
	}
	len += scnprintf(buffer + len, PAGE_SIZE - len, "\n");
	return len;
}

/* The same for vf=: the per-VF sets, canonical. */
static int sriovh_vf_get(char *buffer, const struct kernel_param *kp)
{
	const struct sriovh_vfset *s;
	struct sriovh_vfspec spec;
	int len = 0;

	list_for_each_entry(s, &sriovh_param_vfsets, node) {
		spec.pf = s->pf;
		spec.first = s->first;
		spec.last = s->last;
		spec.v = s->v;
		if (len)
			len += scnprintf(buffer + len, PAGE_SIZE - len, ";");
		sriovh_format_vfspec(&spec, buffer + len, PAGE_SIZE - len);
		len += strnlen(buffer + len, PAGE_SIZE - len);
	}
	len += scnprintf(buffer + len, PAGE_SIZE - len, "\n");
	return len;
}

static const struct kernel_param_ops sriovh_pf_ops = {
	.set = sriovh_param_set,
	.get = sriovh_pf_get,
	.free = sriovh_param_free,
};

static const struct kernel_param_ops sriovh_vf_ops = {
	.set = sriovh_param_set,
	.get = sriovh_vf_get,
	.free = sriovh_param_free,
};

module_param_cb(pf, &sriovh_pf_ops, &sriovh_pf_raw, 0444);
MODULE_PARM_DESC(pf, "VF count per PF: [DOMAIN:]BB:DD.F,vfs=N[,on_bus_range=clamp|fail][,irq=spread|off][,irq_cpus=LIST][,vf_driver=auto|none|DRIVER][,vf_bind=parallel|serial] or VVVV:DDDD,...; repeat pf= or separate entries with ';'");
module_param_cb(vf, &sriovh_vf_ops, &sriovh_vf_raw, 0444);
MODULE_PARM_DESC(vf, "per-VF settings: [DOMAIN:]BB:DD.F/N[-M],key=value,... with keys mac, vlan, qos, vlan_proto, spoofchk, trust, link_state, query_rss, min_tx_rate, max_tx_rate, node_guid, port_guid, vf_driver, msix; repeat vf= or separate entries with ';'");

static void sriovh_params_free(struct list_head *rules, struct list_head *sets)
{
	struct sriovh_rule *rule, *rtmp;
	struct sriovh_vfset *s, *stmp;

	list_for_each_entry_safe(rule, rtmp, rules, node) {
		list_del(&rule->node);
		kfree(rule);
	}
	list_for_each_entry_safe(s, stmp, sets, node) {
		list_del(&s->node);
		kfree(s);
	}
}

static void sriovh_params_report(const char *param,
				 const struct sriovh_parse_error *err)
{
	int elen = (int)min_t(size_t, err->entry_len, SRIOVH_QUOTE_MAX);
	int tlen = (int)min_t(size_t, err->token_len, SRIOVH_QUOTE_MAX);

	pr_err("invalid %s= entry '%*pE%s': %s: '%*pE%s'\n", param,
	       elen, err->entry, elen < err->entry_len ? "..." : "", err->why,
	       tlen, err->token, tlen < err->token_len ? "..." : "");
}

/* The entry that starts at @start, for a message about all of it. */
static void sriovh_whole_entry(struct sriovh_parse_error *err,
			       const char *start, const char *why)
{
	err->entry = start;
	err->entry_len = strcspn(start, ";");
	err->token = start;
	err->token_len = strcspn(start, ",;");
	err->why = why;
}

static int sriovh_params_pf(struct list_head *rules)
{
	const char *cursor = sriovh_pf_raw ? sriovh_pf_raw : "";
	struct sriovh_parse_error err;
	struct sriovh_rule *rule;
	struct sriovh_entry e;
	const char *start;
	int ret, cpu;

	for (;;) {
		start = cursor;
		ret = sriovh_parse_next(&cursor, &e, &err);
		if (ret <= 0)
			break;
		cpu = sriovh_cpulist_impossible(&e.irq_cpus);
		if (cpu >= 0) {
			pr_err("invalid pf= entry '%*pE': CPU %d does not exist here (possible CPUs: %*pbl)\n",
			       (int)min_t(size_t, strcspn(start, ";"),
					  SRIOVH_QUOTE_MAX),
			       start, cpu, cpumask_pr_args(cpu_possible_mask));
			return -EINVAL;
		}
		list_for_each_entry(rule, rules, node) {
			if (sriovh_target_equal(&rule->target, &e.target)) {
				sriovh_whole_entry(&err, start, "PF given twice");
				ret = -EINVAL;
				goto fail;
			}
		}
		rule = kzalloc(sizeof(*rule), GFP_KERNEL);
		if (!rule)
			return -ENOMEM;
		rule->target = e.target;
		rule->source = SRIOVH_SRC_PARAM;
		rule->vfs = e.vfs;
		rule->vfs_set = true;
		rule->on_bus_range = e.on_bus_range;
		rule->irq = e.irq;
		rule->irq_cpus = e.irq_cpus;
		rule->vf_driver = e.vf_driver;
		rule->vf_bind = e.vf_bind;
		INIT_LIST_HEAD(&rule->vf_sets);
		list_add_tail(&rule->node, rules);
	}
	if (!ret)
		return 0;
fail:
	sriovh_params_report("pf", &err);
	return -EINVAL;
}

/* A second vf= entry for some of the same VFs, or NULL. */
static const struct sriovh_vfset *
sriovh_params_overlap(struct list_head *sets, const struct sriovh_vfspec *sp)
{
	const struct sriovh_vfset *s;

	list_for_each_entry(s, sets, node)
		if (sriovh_target_equal(&s->pf, &sp->pf) &&
		    sp->first <= s->last && s->first <= sp->last)
			return s;
	return NULL;
}

static int sriovh_params_vf(struct list_head *sets)
{
	const char *cursor = sriovh_vf_raw ? sriovh_vf_raw : "";
	struct sriovh_parse_error err;
	struct sriovh_vfspec spec;
	struct sriovh_vfset *s;
	const char *start;
	u16 max;
	int ret;

	for (;;) {
		start = cursor;
		ret = sriovh_parse_vf_next(&cursor, &spec, &err);
		if (ret <= 0)
			break;
		max = sriovh_vf_last_allowed(&spec.pf);
		if (spec.last > max) {
			pr_err("invalid vf= entry '%*pE': VF %u is past the last VF this PF can have (%u)\n",
			       (int)min_t(size_t, strcspn(start, ";"),
					  SRIOVH_QUOTE_MAX),
			       start, spec.last, max);
			return -EINVAL;
		}
		if (sriovh_params_overlap(sets, &spec)) {
			sriovh_whole_entry(&err, start,
					   "VFs given twice (a VF has one set of settings)");
			ret = -EINVAL;
			goto fail;
		}
		s = sriovh_vfset_alloc(SRIOVH_SRC_PARAM, &spec.pf, spec.first,
				       spec.last);
		if (!s)
			return -ENOMEM;
		s->v = spec.v;
		list_add_tail(&s->node, sets);
	}
	if (!ret)
		return 0;
fail:
	sriovh_params_report("vf", &err);
	return -EINVAL;
}

int sriovh_params_init(void)
{
	LIST_HEAD(rules);
	LIST_HEAD(sets);
	int ret;

	ret = sriovh_params_pf(&rules);
	if (!ret)
		ret = sriovh_params_vf(&sets);
	if (ret) {
		sriovh_params_free(&rules, &sets);
		return ret;
	}
	kernel_param_lock(THIS_MODULE);
	list_splice_tail(&rules, &sriovh_param_rules);
	list_splice_tail(&sets, &sriovh_param_vfsets);
	kernel_param_unlock(THIS_MODULE);
	return 0;
}

void sriovh_params_exit(void)
{
	LIST_HEAD(rules);
	LIST_HEAD(sets);

	kernel_param_lock(THIS_MODULE);
	list_splice_init(&sriovh_param_rules, &rules);
	list_splice_init(&sriovh_param_vfsets, &sets);
	kernel_param_unlock(THIS_MODULE);
	sriovh_params_free(&rules, &sets);
}
