// SPDX-License-Identifier: GPL-2.0
/*
 * The configfs tree: list, set, vf, unset.
 *
 *   /sys/kernel/config/sriov_helper/<entry>/{vfs,on_bus_range,irq,...,vf_bind}
 *   /sys/kernel/config/sriov_helper/<PF address>/vfN[-M]/{mac,...,status}
 *
 * Values are checked with the module's own parser before anything is
 * written, and written in an order the module accepts at every step: it
 * refuses a write that leaves a set conflicting (qos without vlan, ...).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sriovctl.h"

/* The entry names, sorted. */
char **config_entries(const char *dir)
{
	char **v = list_dir(dir, true);

	if (!v)
		die(EX_FAIL, "%s: %s", dir, strerror(errno));
	return v;
}

/* The entry naming the same PF as @t under any spelling: 1 and *name. */
int config_find_entry(const char *dir, const struct sriovh_target *t,
		      char **name)
{
	char **v = config_entries(dir);
	struct sriovh_target e;
	const char *why;
	size_t i;
	int found = 0;

	for (i = 0; v[i] && !found; i++) {
		if (!sriovh_parse_target(v[i], strlen(v[i]), &e, &why) &&
		    sriovh_target_equal(&e, t)) {
			*name = xstrdup(v[i]);
			found = 1;
		}
	}
	free_list(v);
	return found;
}

static char *entry_attr(const char *dir, const char *entry, const char *name)
{
	char *file = xasprintf("%s/%s/%s", dir, entry, name);
	char *val = read_value(file);

	free(file);
	return val;
}

/* Exit 1 naming the file whose value the parser does not take back. */
NORETURN static void unreadable(const char *dir, const char *entry,
				const char *name, const char *val,
				const char *why)
{
	die(EX_FAIL, "%s/%s/%s: cannot read back '%s': %s", dir, entry, name,
	    val, why);
}

/* Parse entry attribute @i (entry_keys[] order) of @e; NULL or why not. */
static const char *parse_entry_attr(size_t i, const char *s,
				    struct sriovh_entry *e)
{
	const char *why = NULL;
	size_t len = strlen(s);
	int bad;

	switch (i) {
	case 0:
		bad = sriovh_parse_u16(s, len, &e->vfs, &why);
		break;
	case 1:
		bad = sriovh_parse_policy(s, len, &e->on_bus_range, &why);
		break;
	case 2:
		bad = sriovh_parse_irq_mode(s, len, &e->irq, &why);
		break;
	case 3:
		bad = sriovh_parse_cpulist(s, len, &e->irq_cpus, &why);
		break;
	case 4:
		bad = sriovh_parse_vf_driver(s, len, &e->vf_driver, &why);
		break;
	default:
		bad = sriovh_parse_vf_bind(s, len, &e->vf_bind, &why);
		break;
	}
	return bad ? why : NULL;
}

static const char * const entry_keys[] = {
	"vfs", "on_bus_range", "irq", "irq_cpus", "vf_driver", "vf_bind",
	"status",
};

/*
 * An entry's request, read back through the shared parser as the module
 * would take it; an empty value is the key's default. Return: 1 when it
 * sets a VF count, 0 when it does not (the module then skips it for the
 * PF's count: it may still hold per-VF sets).
 */
int config_read_entry(const char *dir, const char *name,
		      struct sriovh_entry *e)
{
	const char *why = NULL;
	char *val;
	size_t i;

	memset(e, 0, sizeof(*e));
	if (sriovh_parse_target(name, strlen(name), &e->target, &why))
		die(EX_FAIL, "%s/%s: not an entry name: %s", dir, name, why);
	for (i = 0; i < 6; i++) {
		val = entry_attr(dir, name, entry_keys[i]);
		if (i == 0 && (!val || !*val)) {
			free(val);
			return 0;
		}
		if (val && *val && (why = parse_entry_attr(i, val, e)))
			unreadable(dir, name, entry_keys[i], val, why);
		free(val);
	}
	return 1;
}

static int cmp_sets(const void *a, const void *b)
{
	const struct vfset *x = a, *y = b;

	return x->first != y->first ? (x->first < y->first ? -1 : 1) :
	       (x->last < y->last ? -1 : x->last > y->last);
}

/* The vfN and vfN-M directories of an entry, in VF order, values read. */
struct vfset *config_read_sets(const char *dir, const char *entry, size_t *n)
{
	char *edir = xasprintf("%s/%s", dir, entry);
	char **v = list_dir(edir, true);
	struct vfset *s;
	const char *why;
	size_t i, k;

	if (!v)
		die(EX_FAIL, "%s: %s", edir, strerror(errno));
	s = xcalloc(list_len(v) + 1, sizeof(*s));
	*n = 0;
	for (i = 0; v[i]; i++) {
		struct vfset *set = &s[*n];
		char *sub;

		if (sriovh_parse_vf_dirname(v[i], strlen(v[i]), &set->first,
					    &set->last, &why))
			continue;
		set->name = xstrdup(v[i]);
		sub = xasprintf("%s/%s", entry, v[i]);
		for (k = 0; k < SRIOVH_NR_VKEYS; k++)
			set->text[k] = entry_attr(dir, sub,
						  sriovh_vf_key_name(k));
		set->status = entry_attr(dir, sub, "status");
		free(sub);
		(*n)++;
	}
	free_list(v);
	free(edir);
	qsort(s, *n, sizeof(*s), cmp_sets);
	return s;
}

void config_free_sets(struct vfset *s, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		free(s[i].name);
		for (k = 0; k < SRIOVH_NR_VKEYS; k++)
			free(s[i].text[k]);
		free(s[i].status);
	}
	free(s);
}

/* A set's values through the shared parser; @where names it on failure. */
void vfset_values(const struct vfset *s, const char *where,
		 struct sriovh_vfvals *v)
{
	const char *why;
	size_t k;

	memset(v, 0, sizeof(*v));
	for (k = 0; k < SRIOVH_NR_VKEYS; k++) {
		const char *t = s->text[k];

		if (t && *t && sriovh_parse_vf_value(k, t, strlen(t), v, &why))
			die(EX_FAIL, "%s/%s/%s: cannot read back '%s': %s",
			    where, s->name, sriovh_vf_key_name(k), t, why);
	}
}

/* ---- list ------------------------------------------------------------ */

/* Keys whose values are numbers in JSON; the rest are text. */
static bool vf_key_numeric(size_t k)
{
	return k == SRIOVH_VK_VLAN || k == SRIOVH_VK_QOS ||
	       k == SRIOVH_VK_MIN_TX_RATE || k == SRIOVH_VK_MAX_TX_RATE ||
	       k == SRIOVH_VK_MSIX;
}

static void list_set_text(struct buf *b, const struct vfset *s)
{
	const char *sep = "";
	size_t k;

	buf_printf(b, "  %s  ", s->name);
	for (k = 0; k < SRIOVH_NR_VKEYS; k++) {
		if (!s->text[k] || !*s->text[k])
			continue;
		buf_printf(b, "%s%s=%s", sep, sriovh_vf_key_name(k),
			   s->text[k]);
		sep = " ";
	}
	buf_printf(b, "%s  ", *sep ? "" : "-");
	/* "failed: KEYS" has a line per key under it. */
	split_lines_indent(b, s->status ? s->status : "?", "      ");
}

static void list_set_json(struct buf *b, const struct vfset *s)
{
	size_t k;

	buf_puts(b, "{\"vfs\":");
	buf_json_str(b, s->name + 2);
	buf_printf(b, ",\"first\":%u,\"last\":%u", s->first, s->last);
	for (k = 0; k < SRIOVH_NR_VKEYS; k++) {
		const char *t = s->text[k];

		buf_printf(b, ",\"%s\":", sriovh_vf_key_name(k));
		if (!t || !*t)
			buf_puts(b, "null");
		else if (vf_key_numeric(k))
			buf_json_val(b, t);
		else
			buf_json_str(b, t);
	}
	buf_puts(b, ",\"status\":");
	buf_json_str(b, s->status ? s->status : "");
	buf_puts(b, "}");
}

static void list_sets(struct buf *b, const char *dir, const char *entry)
{
	size_t i, n;
	struct vfset *s = config_read_sets(dir, entry, &n);

	if (opt.json)
		buf_puts(b, ",\"vf\":[");
	for (i = 0; i < n; i++) {
		if (opt.json) {
			buf_puts(b, i ? "," : "");
			list_set_json(b, &s[i]);
		} else {
			list_set_text(b, &s[i]);
		}
	}
	if (opt.json)
		buf_puts(b, "]");
	config_free_sets(s, n);
}

static void list_entry_json(struct buf *b, const char *dir, const char *name,
			    char *const val[7])
{
	buf_puts(b, "{\"entry\":");
	buf_json_str(b, name);
	buf_puts(b, ",\"vfs\":");
	buf_json_val(b, val[0]);
	buf_puts(b, ",\"on_bus_range\":");
	buf_json_val(b, val[1]);
	buf_puts(b, ",\"irq\":");
	buf_json_val(b, val[2]);
	/* A CPU list is text, even when it is one CPU. */
	buf_puts(b, ",\"irq_cpus\":");
	if (val[3] && *val[3])
		buf_json_str(b, val[3]);
	else
		buf_puts(b, "null");
	buf_puts(b, ",\"vf_driver\":");
	buf_json_val(b, val[4]);
	buf_puts(b, ",\"vf_bind\":");
	buf_json_val(b, val[5]);
	buf_puts(b, ",\"status\":");
	buf_json_str(b, val[6] ? val[6] : "");
	list_sets(b, dir, name);
	buf_puts(b, "}");
}

static void list_entry_text(struct buf *b, const char *dir, const char *name,
			    char *const val[7])
{
	buf_printf(b, "%-14s %-6s %-13s %-7s %-9s %-10s %-8s ", name,
		   val[0] && *val[0] ? val[0] : "-", val[1] ? val[1] : "-",
		   val[2] ? val[2] : "-",
		   val[3] && *val[3] ? val[3] : "default",
		   val[4] ? val[4] : "-", val[5] ? val[5] : "-");
	/* An ID entry's status has a line per PF: indent the rest. */
	split_lines_indent(b, val[6] ? val[6] : "?", "                                                                          ");
	list_sets(b, dir, name);
}

int cmd_list(int argc, char **argv)
{
	const char *dir = configfs_dir();
	char **v = config_entries(dir), *val[7];
	size_t i, k;

	(void)argc;
	(void)argv;
	if (opt.json)
		buf_puts(&out, "[");
	else
		buf_printf(&out, "%-14s %-6s %-13s %-7s %-9s %-10s %-8s %s\n",
			   "ENTRY", "VFS", "ON_BUS_RANGE", "IRQ", "IRQ_CPUS",
			   "VF_DRIVER", "VF_BIND", "STATUS");
	for (i = 0; v[i]; i++) {
		for (k = 0; k < 7; k++)
			val[k] = entry_attr(dir, v[i], entry_keys[k]);
		if (opt.json) {
			buf_puts(&out, i ? "," : "");
			list_entry_json(&out, dir, v[i], val);
		} else {
			list_entry_text(&out, dir, v[i], val);
		}
		for (k = 0; k < 7; k++)
			free(val[k]);
	}
	if (opt.json)
		buf_puts(&out, "]\n");
	free_list(v);
	return 0;
}

/* ---- set --------------------------------------------------------------- */

static int write_attr(const char *dir, const char *entry, const char *name,
		      const char *value)
{
	char *file = xasprintf("%s/%s/%s", dir, entry, name);
	int err = write_value(file, value);

	free(file);
	return err;
}

/* mkdir an entry or a set. Return: 0, or -errno with the kernel's refusal told. */
static int make_dir(const char *dir, const char *name)
{
	char *d = xasprintf("%s/%s", dir, name);
	int err = 0;

	if (mkdir(d, 0755)) {
		err = -errno;
		warn("mkdir %s: %s (refused by the kernel: see dmesg)", d,
		     strerror(errno));
	}
	free(d);
	return err;
}

static bool exists_dir(const char *dir, const char *name)
{
	char *d = xasprintf("%s/%s", dir, name);
	bool ret = is_dir(d);

	free(d);
	return ret;
}

/* Undo our own mkdir after a refusal; the refusal is what gets told. */
static void rmdir_quiet(const char *dir, const char *name)
{
	char *d = xasprintf("%s/%s", dir, name);

	if (rmdir(d))
		warn("rmdir %s: %s", d, strerror(errno));
	free(d);
}

static void remove_dir(const char *dir, const char *name)
{
	char *d = xasprintf("%s/%s", dir, name);

	if (rmdir(d))
		die(EX_FAIL, "rmdir %s: %s", d, strerror(errno));
	free(d);
}

/* "PF key=v key=v" is checked as the parameter "PF,key=v,key=v". */
static void parse_set_args(int argc, char **argv, struct sriovh_entry *e)
{
	struct sriovh_parse_error perr;
	struct buf spec = { 0 };
	const char *cursor;
	int i;

	buf_puts(&spec, argv[0]);
	for (i = 1; i < argc; i++)
		buf_printf(&spec, ",%s", argv[i]);
	if (strchr(spec.p, ';'))
		die(EX_USAGE, "one PF at a time");
	cursor = spec.p;
	if (sriovh_parse_next(&cursor, e, &perr) != 1)
		die(EX_USAGE, "invalid: %s: '%.*s'", perr.why,
		    (int)perr.token_len, perr.token);
	buf_free(&spec);
}

int cmd_set(int argc, char **argv)
{
	char cpus[SRIOVH_CPULIST_STRLEN], count[8], *name;
	const char *dir;
	struct sriovh_entry e;
	int err, created = 0;

	parse_set_args(argc, argv, &e);
	dir = configfs_dir();
	if (!config_find_entry(dir, &e.target, &name)) {
		char canon[SRIOVH_TARGET_STRLEN];

		sriovh_format_target(&e.target, canon, sizeof(canon));
		name = xstrdup(canon);
		if (make_dir(dir, name))
			exit(EX_FAIL);
		created = 1;
	}
	/* Everything but the count first: writing vfs applies the entry. */
	sriovh_format_cpulist(&e.irq_cpus, cpus, sizeof(cpus));
	snprintf(count, sizeof(count), "%u", e.vfs);
	err = write_attr(dir, name, "on_bus_range",
			 sriovh_policy_name(e.on_bus_range));
	if (!err)
		err = write_attr(dir, name, "irq", sriovh_irq_mode_name(e.irq));
	if (!err)
		err = write_attr(dir, name, "irq_cpus", cpus);
	if (!err)
		err = write_attr(dir, name, "vf_driver",
				 sriovh_vf_driver_name(&e.vf_driver));
	if (!err)
		err = write_attr(dir, name, "vf_bind",
				 sriovh_vf_bind_name(e.vf_bind));
	if (!err)
		err = write_attr(dir, name, "vfs", count);
	if (err) {
		if (created)
			remove_dir(dir, name);
		die(EX_FAIL, "%s: %s (see dmesg)", name, strerror(-err));
	}
	free(name);
	return 0;
}

/* ---- vf ---------------------------------------------------------------- */

/* What `vf` was asked: per key, NULL (leave), "" (unset) or a value. */
struct vf_request {
	struct sriovh_target pf;
	u16 first;
	u16 last;
	char *want[SRIOVH_NR_VKEYS];	/* canonical text */
};

NORETURN static void unknown_vf_key(const char *arg, size_t klen)
{
	struct buf known = { 0 };
	size_t k;

	for (k = 0; k < SRIOVH_NR_VKEYS; k++)
		buf_printf(&known, "%s%s", k ? ", " : "", sriovh_vf_key_name(k));
	die(EX_USAGE, "invalid: unknown per-VF key (known: %s): '%.*s'",
	    known.p, (int)klen, arg);
}

/* One key=value through the module's parser; the value made canonical. */
static void parse_vf_arg(const char *arg, struct vf_request *r)
{
	const char *eq = strchr(arg, '='), *why;
	char canon[SRIOVH_VF_VALUE_STRLEN];
	struct sriovh_vfvals v = { 0 };
	int k;

	if (!eq)
		die(EX_USAGE, "invalid: expected key=value: '%s'", arg);
	k = sriovh_vf_key_lookup(arg, (size_t)(eq - arg));
	if (k < 0)
		unknown_vf_key(arg, (size_t)(eq - arg));
	if (r->want[k])
		die(EX_USAGE, "invalid: key given twice: '%s'", arg);
	if (!eq[1]) {
		r->want[k] = xstrdup("");	/* unset: back to the driver */
		return;
	}
	if (sriovh_parse_vf_value(k, eq + 1, strlen(eq + 1), &v, &why))
		die(EX_USAGE, "invalid: %s: '%s'", why, arg);
	sriovh_format_vf_value(k, &v, canon, sizeof(canon));
	r->want[k] = xstrdup(canon);
}

static void parse_vf_args(int argc, char **argv, struct vf_request *r)
{
	const char *why;
	int i;

	memset(r, 0, sizeof(*r));
	if (parse_pf(argv[0], &r->pf))
		exit(EX_USAGE);
	if (r->pf.kind != SRIOVH_TARGET_ADDR)
		die(EX_USAGE, "invalid PF '%s': per-VF settings need a PF address ([DOMAIN:]BB:DD.F), not vendor:device",
		    argv[0]);
	if (sriovh_parse_vf_range(argv[1], strlen(argv[1]), &r->first,
				  &r->last, &why))
		die(EX_USAGE, "invalid VF range '%s': %s", argv[1], why);
	for (i = 2; i < argc; i++)
		parse_vf_arg(argv[i], r);
}

/* Key @k of @v set to @text ("" unsets); @text was checked already. */
static void vfvals_put(struct sriovh_vfvals *v, size_t k, const char *text)
{
	const char *why;

	if (!*text)
		v->set &= ~(1u << k);
	else
		sriovh_parse_vf_value(k, text, strlen(text), v, &why);
}

static void vfvals_text(const struct sriovh_vfvals *v, size_t k,
			char buf[SRIOVH_VF_VALUE_STRLEN])
{
	sriovh_format_vf_value(k, v, buf, SRIOVH_VF_VALUE_STRLEN);
}

/* The set's final values; exit 2 when they conflict, before any write. */
static void check_final(const struct vf_request *r, const char *entry,
			const char *set, const struct sriovh_vfvals *cur,
			struct sriovh_vfvals *fin)
{
	char val[SRIOVH_VF_VALUE_STRLEN];
	enum sriovh_vf_key key;
	const char *why;
	size_t k;

	*fin = *cur;
	for (k = 0; k < SRIOVH_NR_VKEYS; k++)
		if (r->want[k])
			vfvals_put(fin, k, r->want[k]);
	why = sriovh_vfvals_conflict(fin, r->first == r->last, &key);
	if (!why)
		return;
	vfvals_text(fin, key, val);
	die(EX_USAGE, "invalid: %s under %s would have %s=%s: %s", set, entry,
	    sriovh_vf_key_name(key), val, why);
}

/*
 * Write the keys that change, one at a time, each when the state it leaves
 * does not conflict: the module refuses a write that would (qos before
 * vlan, vlan unset before qos, min_tx_rate above the current maximum).
 * Some order always works when the final state is clean: unsets of qos and
 * vlan_proto come before vlan's, a rate pair goes max first when the new
 * minimum is above the current maximum and min first otherwise.
 *
 * Return: 0, or -errno with the refusal told.
 */
static int write_set(const char *dir, const char *sub, bool one_vf,
		     struct sriovh_vfvals *state,
		     const struct sriovh_vfvals *fin)
{
	char now[SRIOVH_VF_VALUE_STRLEN], want[SRIOVH_VF_VALUE_STRLEN];
	enum sriovh_vf_key key;
	bool todo[SRIOVH_NR_VKEYS], progress = true, left = true;
	/* A set that conflicts already (not the module's) gets any order. */
	bool dirty = sriovh_vfvals_conflict(state, one_vf, &key) != NULL;
	size_t k;
	int err;

	for (k = 0; k < SRIOVH_NR_VKEYS; k++) {
		vfvals_text(state, k, now);
		vfvals_text(fin, k, want);
		todo[k] = strcmp(now, want) != 0;
	}
	while (left && progress) {
		left = progress = false;
		for (k = 0; k < SRIOVH_NR_VKEYS; k++) {
			struct sriovh_vfvals next = *state;

			if (!todo[k])
				continue;
			vfvals_text(fin, k, want);
			vfvals_put(&next, k, want);
			if (!dirty &&
			    sriovh_vfvals_conflict(&next, one_vf, &key)) {
				left = true;
				continue;
			}
			err = write_attr(dir, sub, sriovh_vf_key_name(k), want);
			if (err) {
				warn("%s/%s=%s: %s (refused by the kernel: see dmesg)",
				     sub, sriovh_vf_key_name(k), want,
				     strerror(-err));
				return err;
			}
			*state = next;
			todo[k] = false;
			progress = true;
		}
	}
	if (left) {
		warn("%s: found no order of writes that the module accepts", sub);
		return -EINVAL;
	}
	return 0;
}

/* The set that shares a VF with the request but is not the same range. */
static const struct vfset *overlapping(const struct vfset *s, size_t n,
				       const struct vf_request *r)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (r->first <= s[i].last && s[i].first <= r->last)
			return &s[i];
	return NULL;
}

static bool request_changes(const struct vf_request *r)
{
	size_t k;

	for (k = 0; k < SRIOVH_NR_VKEYS; k++)
		if (r->want[k] && *r->want[k])
			return true;
	return false;
}

/*
 * Make what is missing and write the changes. What this call made is
 * removed again when a write is refused, so a failure leaves no new set.
 */
static int apply_vf(const char *dir, const char *entry, const char *set,
		    bool new_entry, bool new_set, const struct vf_request *r,
		    struct sriovh_vfvals *cur, const struct sriovh_vfvals *fin)
{
	char *sub = xasprintf("%s/%s", entry, set);
	int err = 0;

	if (new_entry)
		err = make_dir(dir, entry);
	if (!err && new_set) {
		err = make_dir(dir, sub);
		if (!err)
			err = write_set(dir, sub, r->first == r->last, cur, fin);
		if (err && exists_dir(dir, sub))
			rmdir_quiet(dir, sub);
	} else if (!err) {
		err = write_set(dir, sub, r->first == r->last, cur, fin);
	}
	if (err && new_entry && exists_dir(dir, entry))
		rmdir_quiet(dir, entry);
	free(sub);
	return err;
}

int cmd_vf(int argc, char **argv)
{
	char canon[SRIOVH_TARGET_STRLEN], range[16], *entry, *set, *where;
	struct sriovh_vfvals cur = { 0 }, fin;
	struct vf_request r;
	const struct vfset *same = NULL, *other;
	struct vfset *sets;
	bool new_entry = false;
	const char *dir;
	size_t i, n = 0;
	int err = 0;

	parse_vf_args(argc, argv, &r);
	sriovh_format_vf_range(r.first, r.last, range, sizeof(range));
	set = xasprintf("vf%s", range);
	dir = configfs_dir();
	/*
	 * Sets live on the PF's address entry, which need not set a count
	 * (the module then takes the count from pf= or an ID entry).
	 */
	if (!config_find_entry(dir, &r.pf, &entry)) {
		sriovh_format_target(&r.pf, canon, sizeof(canon));
		entry = xstrdup(canon);
		new_entry = true;
	}
	sets = new_entry ? NULL : config_read_sets(dir, entry, &n);
	for (i = 0; i < n; i++)
		if (sets[i].first == r.first && sets[i].last == r.last)
			same = &sets[i];
	if (same) {
		free(set);
		set = xstrdup(same->name);
		where = xasprintf("%s/%s", dir, entry);
		vfset_values(same, where, &cur);
		free(where);
	} else {
		other = overlapping(sets, n, &r);
		if (other)
			die(EX_USAGE, "invalid: %s overlaps %s under %s: a VF has one set of settings (change %s, or sriovctl unset %s %s first)",
			    set, other->name, entry, other->name, entry,
			    other->name + 2);
	}
	check_final(&r, entry, set, &cur, &fin);
	if (same || request_changes(&r))
		err = apply_vf(dir, entry, set, new_entry, !same, &r, &cur,
			       &fin);
	config_free_sets(sets, n);
	for (i = 0; i < SRIOVH_NR_VKEYS; i++)
		free(r.want[i]);
	free(entry);
	free(set);
	return err ? EX_FAIL : 0;
}

/* ---- unset ------------------------------------------------------------- */

/* unset PF RANGE: rmdir that set; its VFs keep what they have. */
static void unset_set(const char *dir, const char *entry, u16 first, u16 last)
{
	struct vfset *sets;
	char range[16];
	size_t i, n;
	int found = 0;

	sets = config_read_sets(dir, entry, &n);
	for (i = 0; i < n && !found; i++) {
		if (sets[i].first == first && sets[i].last == last) {
			char *sub = xasprintf("%s/%s", entry, sets[i].name);

			remove_dir(dir, sub);
			free(sub);
			found = 1;
		}
	}
	config_free_sets(sets, n);
	if (!found) {
		sriovh_format_vf_range(first, last, range, sizeof(range));
		die(EX_FAIL, "no set vf%s under %s", range, entry);
	}
}

int cmd_unset(int argc, char **argv)
{
	struct sriovh_target t;
	struct vfset *sets;
	const char *dir, *why;
	char *name, *sub;
	u16 first, last;
	size_t i, n;

	/* Both arguments checked before anything is looked up or removed. */
	if (parse_pf(argv[0], &t))
		return EX_USAGE;
	if (argc == 2 &&
	    sriovh_parse_vf_range(argv[1], strlen(argv[1]), &first, &last, &why))
		die(EX_USAGE, "invalid VF range '%s': %s", argv[1], why);
	dir = configfs_dir();
	if (!config_find_entry(dir, &t, &name))
		die(EX_FAIL, "no configfs entry for %s", argv[0]);
	if (argc == 2) {
		unset_set(dir, name, first, last);
		free(name);
		return 0;
	}
	/* configfs removes a group only when it is empty: the sets first. */
	sets = config_read_sets(dir, name, &n);
	for (i = 0; i < n; i++) {
		sub = xasprintf("%s/%s", name, sets[i].name);
		remove_dir(dir, sub);
		free(sub);
	}
	config_free_sets(sets, n);
	remove_dir(dir, name);
	free(name);
	return 0;
}
