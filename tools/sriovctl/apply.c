// SPDX-License-Identifier: GPL-2.0
/*
 * apply FILE: bring the running host to a modprobe.d file, the
 * "options sriov_helper pf=... vf=..." lines that dump writes, through
 * configfs, without a reload or a reboot.
 *
 * The file is parsed whole first, by the module's own parser, with the
 * module's checks across lines (a PF given twice, VFs given twice): a bad
 * value changes nothing and is told as the module tells it, with the
 * file's line. Then the plan, against configfs and the parameters given
 * at load:
 *
 * - a configfs entry or set equal to the file's is kept; one the file
 *   has otherwise is rewritten; one the file does not have is removed
 *   (its VFs stay as they are, as with unset);
 * - what the file has and is not in configfs is written there, unless
 *   the parameters given at load already say exactly that;
 * - an entry whose count the file drops is removed and made again
 *   without one (configfs keeps a count once written).
 *
 * Each step is printed as the sriovctl command it runs, nothing when the
 * host is already there (what a configuration tool reports as changed).
 * With --dry-run only printed. The parameters given at load cannot be
 * taken back without a reload: what they set and the file does not is
 * noted on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriovctl.h"

/* ---- the file ------------------------------------------------------------- */

NORETURN static void bad_entry(const char *file, unsigned int line,
			       const char *param,
			       const struct sriovh_parse_error *e)
{
	die(EX_USAGE, "%s:%u: invalid %s= entry '%.*s': %s: '%.*s'", file, line,
	    param, (int)e->entry_len, e->entry, e->why, (int)e->token_len,
	    e->token);
}

/* The whole entry starting at @start, for a message about all of it. */
static void whole_entry(struct sriovh_parse_error *e, const char *start,
			const char *why)
{
	e->entry = start;
	e->entry_len = strcspn(start, ";");
	e->token = start;
	e->token_len = strcspn(start, ",;");
	e->why = why;
}

static void file_pf(const char *file, unsigned int line, const char *val,
		    struct pf_list *l)
{
	struct sriovh_parse_error err;
	struct sriovh_entry e;
	const char *cursor = val, *start = val;
	size_t i;
	int ret;

	while ((ret = sriovh_parse_next(&cursor, &e, &err)) == 1) {
		for (i = 0; i < l->n; i++) {
			if (sriovh_target_equal(&l->v[i].target, &e.target)) {
				whole_entry(&err, start, "PF given twice");
				bad_entry(file, line, "pf", &err);
			}
		}
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 16;
			l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
		}
		l->v[l->n++] = e;
		start = cursor;
	}
	if (ret < 0)
		bad_entry(file, line, "pf", &err);
}

static void file_vf(const char *file, unsigned int line, const char *val,
		    struct vf_list *l)
{
	struct sriovh_parse_error err;
	struct sriovh_vfspec s;
	const char *cursor = val, *start = val;
	size_t i;
	int ret;

	while ((ret = sriovh_parse_vf_next(&cursor, &s, &err)) == 1) {
		for (i = 0; i < l->n; i++) {
			if (sriovh_target_equal(&l->v[i].pf, &s.pf) &&
			    s.first <= l->v[i].last && l->v[i].first <= s.last) {
				whole_entry(&err, start,
					    "VFs given twice (a VF has one set of settings)");
				bad_entry(file, line, "vf", &err);
			}
		}
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 16;
			l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
		}
		l->v[l->n++] = s;
		start = cursor;
	}
	if (ret < 0)
		bad_entry(file, line, "vf", &err);
}

/* One "options sriov_helper ..." line's parameters; other lines are not ours. */
static void file_line(const char *file, unsigned int line, char *text,
		      struct pf_list *pfs, struct vf_list *vfs)
{
	const char *sep = " \t\r";
	char *save = NULL, *w = strtok_r(text, sep, &save);
	size_t n;

	if (!w || *w == '#' || strcmp(w, "options"))
		return;
	w = strtok_r(NULL, sep, &save);
	if (!w || strcmp(w, "sriov_helper"))
		return;
	while ((w = strtok_r(NULL, sep, &save))) {
		char *val = strchr(w, '=');

		if (!val)
			die(EX_USAGE, "%s:%u: unknown parameter '%s': sriov_helper has pf= and vf=",
			    file, line, w);
		*val++ = '\0';
		/* modprobe takes param="value": the quotes are not the value's. */
		n = strlen(val);
		if (n >= 2 && val[0] == '"' && val[n - 1] == '"') {
			val[n - 1] = '\0';
			val++;
		}
		if (!strcmp(w, "pf"))
			file_pf(file, line, val, pfs);
		else if (!strcmp(w, "vf"))
			file_vf(file, line, val, vfs);
		else
			die(EX_USAGE, "%s:%u: unknown parameter '%s': sriov_helper has pf= and vf=",
			    file, line, w);
	}
}

static void read_conf(const char *file, struct pf_list *pfs,
		      struct vf_list *vfs)
{
	char *text = read_file(file, NULL), *line, *p;
	unsigned int n = 0;

	if (!text)
		die(EX_USAGE, "%s: %s", file, strerror(errno));
	for (p = text; (line = strsep(&p, "\n")); )
		file_line(file, ++n, line, pfs, vfs);
	free(text);
}

/* ---- what is there -------------------------------------------------------- */

struct centry {
	char *name;
	struct sriovh_entry e;
	bool counted;		/* sets a VF count */
	struct vfset *sets;
	size_t nsets;
	bool removed;		/* by the plan */
};

static struct centry *read_configfs(const char *dir, size_t *n)
{
	char **v = config_entries(dir);
	struct centry *c = xcalloc(list_len(v) + 1, sizeof(*c));
	size_t i;

	for (i = 0; v[i]; i++) {
		c[i].name = xstrdup(v[i]);
		c[i].counted = config_read_entry(dir, v[i], &c[i].e);
		c[i].sets = config_read_sets(dir, v[i], &c[i].nsets);
	}
	*n = i;
	free_list(v);
	return c;
}

static bool same_entry(const struct sriovh_entry *a,
		       const struct sriovh_entry *b)
{
	char x[512], y[512];

	sriovh_format_entry(a, x, sizeof(x));
	sriovh_format_entry(b, y, sizeof(y));
	return !strcmp(x, y);
}

static bool same_vfspec(const struct sriovh_vfspec *a,
			const struct sriovh_vfspec *b)
{
	char x[1024], y[1024];

	sriovh_format_vfspec(a, x, sizeof(x));
	sriovh_format_vfspec(b, y, sizeof(y));
	return !strcmp(x, y);
}

/* ---- the plan, run step by step ----------------------------------------------- */

struct step {
	bool dry;
	bool changed;
};

/* Print a step; run it unless --dry-run. */
static void run(struct step *st, int (*cmd)(int, char **), int argc,
		char **argv)
{
	int i, ret;

	buf_puts(&out, "sriovctl");
	for (i = 0; i < argc; i++)
		buf_printf(&out, " %s", argv[i]);
	buf_puts(&out, "\n");
	st->changed = true;
	if (st->dry)
		return;
	ret = cmd(argc - 1, argv + 1);
	if (ret)
		exit(ret);
}

static void step_unset(struct step *st, const char *entry, const char *range)
{
	char *argv[] = { "unset", (char *)entry, (char *)range, NULL };

	run(st, cmd_unset, range ? 3 : 2, argv);
}

static void step_set(struct step *st, const struct sriovh_entry *e)
{
	char text[512];
	char *argv[] = { "set", text, NULL };

	sriovh_format_entry(e, text, sizeof(text));
	run(st, cmd_set, 2, argv);
}

/* vf PF RANGE with every key: the file's value, or KEY= to unset it. */
static void step_vf(struct step *st, const struct sriovh_vfspec *s)
{
	char pf[SRIOVH_TARGET_STRLEN], range[16], val[SRIOVH_VF_VALUE_STRLEN];
	char *argv[3 + SRIOVH_NR_VKEYS];
	int k, argc = 3;

	sriovh_format_target(&s->pf, pf, sizeof(pf));
	sriovh_format_vf_range(s->first, s->last, range, sizeof(range));
	argv[0] = "vf";
	argv[1] = pf;
	argv[2] = range;
	for (k = 0; k < SRIOVH_NR_VKEYS; k++) {
		if (!(s->v.set & (1u << k)))
			continue;
		sriovh_format_vf_value(k, &s->v, val, sizeof(val));
		argv[argc++] = xasprintf("%s=%s", sriovh_vf_key_name(k), val);
	}
	/* Unsets after the values: a new set with only unsets makes nothing. */
	for (k = 0; k < SRIOVH_NR_VKEYS; k++)
		if (!(s->v.set & (1u << k)))
			argv[argc++] = xasprintf("%s=", sriovh_vf_key_name(k));
	run(st, cmd_vf, argc, argv);
	while (argc > 3)
		free(argv[--argc]);
}

static const struct sriovh_entry *file_entry(const struct pf_list *f,
					     const struct sriovh_target *t)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (sriovh_target_equal(&f->v[i].target, t))
			return &f->v[i];
	return NULL;
}

static const struct sriovh_vfspec *file_set(const struct vf_list *f,
					    const struct sriovh_target *pf,
					    unsigned int first,
					    unsigned int last)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (sriovh_target_equal(&f->v[i].pf, pf) &&
		    f->v[i].first == first && f->v[i].last == last)
			return &f->v[i];
	return NULL;
}

static bool file_has_sets(const struct vf_list *f,
			  const struct sriovh_target *pf)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (sriovh_target_equal(&f->v[i].pf, pf))
			return true;
	return false;
}

/* Removals first: entries the file drops or uncounts, then sets. */
static void plan_removals(struct step *st, struct centry *c, size_t n,
			  const struct pf_list *fp, const struct vf_list *fv)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct sriovh_entry *want = file_entry(fp, &c[i].e.target);

		if ((c[i].counted && !want) ||
		    (!c[i].counted && !want && !file_has_sets(fv, &c[i].e.target))) {
			step_unset(st, c[i].name, NULL);
			c[i].removed = true;
			continue;
		}
		for (j = 0; j < c[i].nsets; j++) {
			if (file_set(fv, &c[i].e.target, c[i].sets[j].first,
				     c[i].sets[j].last))
				continue;
			step_unset(st, c[i].name, c[i].sets[j].name + 2);
		}
	}
}

static const struct centry *configfs_entry(const struct centry *c, size_t n,
					   const struct sriovh_target *t)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!c[i].removed && sriovh_target_equal(&c[i].e.target, t))
			return &c[i];
	return NULL;
}

/*
 * Is @s one of the parameters given at load, in effect as it is? A
 * configfs set over any of its VFs would be another range (the file's
 * sets do not overlap), which the plan removes.
 */
static bool param_set_has(const struct vf_list *pv,
			  const struct sriovh_vfspec *s)
{
	size_t i;

	for (i = 0; i < pv->n; i++)
		if (same_vfspec(&pv->v[i], s))
			return true;
	return false;
}

/*
 * Is @e one of the parameters given at load, in effect as it is? Not
 * where a configfs vendor:device entry stays, which outranks parameters
 * for the PFs of its ID (which those are is not looked up here: the entry
 * is written, which is at worst a write of what is in force).
 */
static bool param_entry_has(const struct pf_list *pp,
			    const struct sriovh_entry *e,
			    const struct centry *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!c[i].removed && c[i].counted &&
		    c[i].e.target.kind == SRIOVH_TARGET_ID)
			return false;
	for (i = 0; i < pp->n; i++)
		if (same_entry(&pp->v[i], e))
			return true;
	return false;
}

static void plan_writes(struct step *st, const struct centry *c, size_t n,
			const struct pf_list *fp, const struct vf_list *fv,
			const struct pf_list *pp, const struct vf_list *pv)
{
	const struct centry *have;
	size_t i, k;

	for (i = 0; i < fp->n; i++) {
		have = configfs_entry(c, n, &fp->v[i].target);
		if (have && have->counted && same_entry(&have->e, &fp->v[i]))
			continue;
		if (!have && param_entry_has(pp, &fp->v[i], c, n))
			continue;
		step_set(st, &fp->v[i]);
	}
	for (i = 0; i < fv->n; i++) {
		struct sriovh_vfspec cur;
		char *where;

		have = configfs_entry(c, n, &fv->v[i].pf);
		for (k = 0; have && k < have->nsets; k++)
			if (have->sets[k].first == fv->v[i].first &&
			    have->sets[k].last == fv->v[i].last)
				break;
		if (have && k < have->nsets) {
			cur.pf = fv->v[i].pf;
			cur.first = fv->v[i].first;
			cur.last = fv->v[i].last;
			where = xasprintf("%s/%s", configfs_dir(), have->name);
			vfset_values(&have->sets[k], where, &cur.v);
			free(where);
			if (same_vfspec(&cur, &fv->v[i]))
				continue;
		} else if (param_set_has(pv, &fv->v[i])) {
			continue;
		}
		step_vf(st, &fv->v[i]);
	}
}

/* What the parameters given at load set that the file does not. */
static void note_params(const struct pf_list *fp, const struct vf_list *fv,
			const struct pf_list *pp, const struct vf_list *pv,
			const char *file)
{
	char name[1024];
	size_t i;

	for (i = 0; i < pp->n; i++) {
		if (file_entry(fp, &pp->v[i].target))
			continue;
		sriovh_format_target(&pp->v[i].target, name, sizeof(name));
		fprintf(stderr, "sriovctl: note: pf=%s... was given at load and is not in %s: it stays in force until sriov_helper is reloaded\n",
			name, file);
	}
	for (i = 0; i < pv->n; i++) {
		if (file_set(fv, &pv->v[i].pf, pv->v[i].first, pv->v[i].last))
			continue;
		sriovh_format_vfspec(&pv->v[i], name, sizeof(name));
		name[strcspn(name, ",")] = '\0';
		fprintf(stderr, "sriovctl: note: vf=%s... was given at load and is not in %s: it stays in force, where no configfs set covers its VFs, until sriov_helper is reloaded\n",
			name, file);
	}
}

int cmd_apply(int argc, char **argv)
{
	struct pf_list fp = { 0 }, pp = { 0 };
	struct vf_list fv = { 0 }, pv = { 0 };
	struct step st = { .dry = opt.dry_run };
	struct centry *c;
	size_t i, n;

	(void)argc;
	read_conf(argv[0], &fp, &fv);
	c = read_configfs(configfs_dir(), &n);
	config_params(&pp, &pv);
	plan_removals(&st, c, n, &fp, &fv);
	plan_writes(&st, c, n, &fp, &fv, &pp, &pv);
	note_params(&fp, &fv, &pp, &pv, argv[0]);
	for (i = 0; i < n; i++) {
		free(c[i].name);
		config_free_sets(c[i].sets, c[i].nsets);
	}
	free(c);
	free(fp.v);
	free(fv.v);
	free(pp.v);
	free(pv.v);
	return 0;
}
