// SPDX-License-Identifier: GPL-2.0
/*
 * The pf= module parameter. Values are collected as the kernel hands them
 * over (pf= may be repeated) and parsed as a whole in module init, so that
 * a bad value fails the load with one message naming it, duplicates across
 * options are caught, and nothing is applied from a half-parsed list.
 */
#include <linux/cpumask.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "sriov_helper.h"

static char *sriovh_pf_raw;

static int sriovh_pf_set(const char *val, const struct kernel_param *kp)
{
	size_t old = sriovh_pf_raw ? strlen(sriovh_pf_raw) : 0;
	size_t add = strlen(val);
	char *buf;

	if (!add)
		return 0;
	/* Repeated pf= options are joined as if written with ';'. */
	buf = krealloc(sriovh_pf_raw, old + add + 2, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (old)
		buf[old++] = ';';
	memcpy(buf + old, val, add + 1);
	sriovh_pf_raw = buf;
	return 0;
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
		if (len)
			len += scnprintf(buffer + len, PAGE_SIZE - len, ";");
		sriovh_format_entry(&e, buffer + len, PAGE_SIZE - len);
		len += strnlen(buffer + len, PAGE_SIZE - len);
	}
	len += scnprintf(buffer + len, PAGE_SIZE - len, "\n");
	return len;
}

static void sriovh_pf_free(void *arg)
{
	kfree(sriovh_pf_raw);
	sriovh_pf_raw = NULL;
}

static const struct kernel_param_ops sriovh_pf_ops = {
	.set = sriovh_pf_set,
	.get = sriovh_pf_get,
	.free = sriovh_pf_free,
};

module_param_cb(pf, &sriovh_pf_ops, NULL, 0444);
MODULE_PARM_DESC(pf, "VF count per PF: [DOMAIN:]BB:DD.F,vfs=N[,on_bus_range=clamp|fail][,irq=spread|off][,irq_cpus=LIST][,vf_driver=auto|none|DRIVER] or VVVV:DDDD,...; repeat pf= or separate entries with ';'");

static void sriovh_params_free(void)
{
	struct sriovh_rule *rule, *tmp;

	list_for_each_entry_safe(rule, tmp, &sriovh_param_rules, node) {
		list_del(&rule->node);
		kfree(rule);
	}
}

static void sriovh_params_report(const struct sriovh_parse_error *err)
{
	int elen = (int)min_t(size_t, err->entry_len, SRIOVH_QUOTE_MAX);
	int tlen = (int)min_t(size_t, err->token_len, SRIOVH_QUOTE_MAX);

	pr_err("invalid pf= entry '%*pE%s': %s: '%*pE%s'\n",
	       elen, err->entry, elen < err->entry_len ? "..." : "", err->why,
	       tlen, err->token, tlen < err->token_len ? "..." : "");
}

int sriovh_params_init(void)
{
	const char *cursor = sriovh_pf_raw ? sriovh_pf_raw : "";
	struct sriovh_parse_error err;
	struct sriovh_entry e;
	struct sriovh_rule *rule;
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
			ret = -EINVAL;
			goto out_free;
		}
		list_for_each_entry(rule, &sriovh_param_rules, node) {
			if (sriovh_target_equal(&rule->target, &e.target)) {
				err.entry = start;
				err.entry_len = strcspn(start, ";");
				err.token = start;
				err.token_len = strcspn(start, ",;");
				err.why = "PF given twice";
				ret = -EINVAL;
				goto fail;
			}
		}
		rule = kzalloc(sizeof(*rule), GFP_KERNEL);
		if (!rule) {
			ret = -ENOMEM;
			goto out_free;
		}
		rule->target = e.target;
		rule->source = SRIOVH_SRC_PARAM;
		rule->vfs = e.vfs;
		rule->vfs_set = true;
		rule->on_bus_range = e.on_bus_range;
		rule->irq = e.irq;
		rule->irq_cpus = e.irq_cpus;
		rule->vf_driver = e.vf_driver;
		INIT_LIST_HEAD(&rule->vf_cfgs);
		list_add_tail(&rule->node, &sriovh_param_rules);
	}
	if (!ret)
		return 0;
fail:
	sriovh_params_report(&err);
	ret = -EINVAL;
out_free:
	sriovh_params_free();
	return ret;
}

void sriovh_params_exit(void)
{
	sriovh_params_free();
}
