// SPDX-License-Identifier: GPL-2.0
/*
 * dump: the /etc/modprobe.d lines that reproduce the configuration in
 * effect, the parameters given at load merged with configfs the way the
 * module itself ranks them:
 *
 * - a PF: a configfs entry with a VF count replaces the pf= entry for the
 *   same target; a configfs vendor:device entry also beats a pf= address
 *   entry for a PF of that ID (configfs address, configfs ID, parameter
 *   address, parameter ID);
 * - a VF: a configfs set covering it replaces every vf= set for it, so a
 *   vf= range is split around the configfs sets of its PF.
 *
 * One "options sriov_helper pf=..." line per PF entry and one "vf=" line
 * per set (modprobe joins repeated options; the module joins repeated pf=
 * and vf= like ';'), canonical, sorted. Then, when the running kernel's
 * initramfs carries sriov_helper with another copy of the configuration,
 * a note says to rebuild it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriovctl.h"

/* qsort() wants a base even for no elements: an empty list has none. */
static void sort(void *base, size_t n, size_t size,
		 int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static void pf_add(struct pf_list *l, const struct sriovh_entry *e)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = *e;
}

static void vf_add(struct vf_list *l, const struct sriovh_vfspec *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = *s;
}

/*
 * A parameter as /sys/module/sriov_helper/parameters shows it: one line,
 * entries joined by ';'. A file that does not end in a newline was cut at
 * the page a sysfs read returns: dumping part of it would lose entries.
 * An absent file (a module without vf=) is empty.
 */
static char *read_param(const char *name, char **file)
{
	size_t len;
	char *text;

	*file = rpath("/sys/module/sriov_helper/parameters/%s", name);
	text = read_file(*file, &len);
	if (!text) {
		if (errno != ENOENT)
			die(EX_FAIL, "%s: %s", *file, strerror(errno));
		return xstrdup("");
	}
	if (len && text[len - 1] != '\n') {
		free(text);
		die(EX_FAIL, "%s is cut short (%zu bytes, no final newline): the module shows at most one page, so the configuration given at load cannot be read in full",
		    *file, len);
	}
	while (len && text[len - 1] == '\n')
		text[--len] = '\0';
	return text;
}

NORETURN static void bad_param(const char *file,
			       const struct sriovh_parse_error *err)
{
	die(EX_FAIL, "%s: %s: '%.*s'", file, err->why, (int)err->token_len,
	    err->token);
}

static void param_pfs(struct pf_list *l)
{
	struct sriovh_parse_error err;
	struct sriovh_entry e;
	char *file, *text = read_param("pf", &file);
	const char *cursor = text;
	int ret;

	while ((ret = sriovh_parse_next(&cursor, &e, &err)) == 1)
		pf_add(l, &e);
	if (ret < 0)
		bad_param(file, &err);
	free(text);
	free(file);
}

static void param_vfs(struct vf_list *l)
{
	struct sriovh_parse_error err;
	struct sriovh_vfspec s;
	char *file, *text = read_param("vf", &file);
	const char *cursor = text;
	int ret;

	while ((ret = sriovh_parse_vf_next(&cursor, &s, &err)) == 1)
		vf_add(l, &s);
	if (ret < 0)
		bad_param(file, &err);
	free(text);
	free(file);
}

/* configfs: the entries with a count, and every set of address entries. */
static void configfs_all(struct pf_list *pfs, struct vf_list *vfs)
{
	const char *dir = configfs_dir();
	char **v = config_entries(dir), *where;
	struct sriovh_vfspec spec;
	struct sriovh_entry e;
	struct vfset *sets;
	size_t i, j, n;

	for (i = 0; v[i]; i++) {
		if (config_read_entry(dir, v[i], &e))
			pf_add(pfs, &e);
		if (e.target.kind != SRIOVH_TARGET_ADDR)
			continue;
		sets = config_read_sets(dir, v[i], &n);
		where = xasprintf("%s/%s", dir, v[i]);
		for (j = 0; j < n; j++) {
			memset(&spec, 0, sizeof(spec));
			spec.pf = e.target;
			spec.first = sets[j].first;
			spec.last = sets[j].last;
			vfset_values(&sets[j], where, &spec.v);
			vf_add(vfs, &spec);
		}
		free(where);
		config_free_sets(sets, n);
	}
	free_list(v);
}

static int cmp_target(const struct sriovh_target *a,
		      const struct sriovh_target *b)
{
	unsigned long long x, y;

	if (a->kind != b->kind)
		return a->kind == SRIOVH_TARGET_ADDR ? -1 : 1;
	if (a->kind == SRIOVH_TARGET_ADDR) {
		x = (unsigned long long)a->domain << 16 | a->bus << 8 | a->devfn;
		y = (unsigned long long)b->domain << 16 | b->bus << 8 | b->devfn;
	} else {
		x = (unsigned long long)a->vendor << 16 | a->device;
		y = (unsigned long long)b->vendor << 16 | b->device;
	}
	return x < y ? -1 : x > y;
}

static int cmp_pf(const void *a, const void *b)
{
	return cmp_target(&((const struct sriovh_entry *)a)->target,
			  &((const struct sriovh_entry *)b)->target);
}

static int cmp_vf(const void *a, const void *b)
{
	const struct sriovh_vfspec *x = a, *y = b;
	int c = cmp_target(&x->pf, &y->pf);

	if (c)
		return c;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* The vendor:device of the PF at address @t, from sysfs. Return: 0 or -1. */
static int pci_id(const struct sriovh_target *t, struct sriovh_target *id)
{
	char name[SRIOVH_TARGET_STRLEN], *file, *vendor, *device;
	int ret = -1;

	sriovh_format_target(t, name, sizeof(name));
	file = rpath("/sys/bus/pci/devices/%s/vendor", name);
	vendor = read_value(file);
	free(file);
	file = rpath("/sys/bus/pci/devices/%s/device", name);
	device = read_value(file);
	free(file);
	if (vendor && device) {
		memset(id, 0, sizeof(*id));
		id->kind = SRIOVH_TARGET_ID;
		id->vendor = (u16)strtoul(vendor, NULL, 16);
		id->device = (u16)strtoul(device, NULL, 16);
		ret = 0;
	}
	free(vendor);
	free(device);
	return ret;
}

/*
 * Is parameter entry @p beaten by a configfs entry, as the module ranks
 * them? The same target, or, for a pf= address, a configfs ID entry for
 * the ID of the PF there (a PF that is not present keeps its entry: which
 * ID it will have is not known).
 */
static bool pf_overridden(const struct sriovh_entry *p,
			  const struct pf_list *cfs)
{
	struct sriovh_target id;
	int have_id = 0;	/* 0 not looked up, 1 found, -1 not present */
	size_t i;

	for (i = 0; i < cfs->n; i++) {
		const struct sriovh_target *c = &cfs->v[i].target;

		if (sriovh_target_equal(c, &p->target))
			return true;
		if (c->kind != SRIOVH_TARGET_ID ||
		    p->target.kind != SRIOVH_TARGET_ADDR)
			continue;
		if (!have_id)
			have_id = pci_id(&p->target, &id) ? -1 : 1;
		if (have_id > 0 && sriovh_target_equal(c, &id))
			return true;
	}
	return false;
}

/* The pf= entries in effect: configfs's, then the parameter's not beaten. */
static void merge_pfs(struct pf_list *res, const struct pf_list *param,
		      const struct pf_list *cfs)
{
	size_t i;

	for (i = 0; i < cfs->n; i++)
		pf_add(res, &cfs->v[i]);
	for (i = 0; i < param->n; i++)
		if (!pf_overridden(&param->v[i], cfs))
			pf_add(res, &param->v[i]);
	sort(res->v, res->n, sizeof(*res->v), cmp_pf);
}

/*
 * Parameter set @p less the VFs that configfs sets cover (@cfs is sorted
 * by PF and first VF): the pieces left, each with @p's values. Sets do
 * not overlap within one source, so the pieces are disjoint too.
 */
static void split_param_set(struct vf_list *res,
			    const struct sriovh_vfspec *p,
			    const struct vf_list *cfs)
{
	struct sriovh_vfspec piece = *p;
	unsigned int next = p->first;	/* the first VF not yet placed */
	size_t i;

	for (i = 0; i < cfs->n && next <= p->last; i++) {
		const struct sriovh_vfspec *c = &cfs->v[i];

		if (!sriovh_target_equal(&c->pf, &p->pf) || c->last < next ||
		    c->first > p->last)
			continue;
		if (c->first > next) {
			piece.first = (u16)next;
			piece.last = (u16)(c->first - 1);
			vf_add(res, &piece);
		}
		next = (unsigned int)c->last + 1;
	}
	if (next <= p->last) {
		piece.first = (u16)next;
		piece.last = p->last;
		vf_add(res, &piece);
	}
}

/* The vf= sets in effect; an empty configfs set only takes VFs away. */
static void merge_vfs(struct vf_list *res, const struct vf_list *param,
		      struct vf_list *cfs)
{
	size_t i;

	sort(cfs->v, cfs->n, sizeof(*cfs->v), cmp_vf);
	for (i = 0; i < cfs->n; i++)
		if (cfs->v[i].v.set)
			vf_add(res, &cfs->v[i]);
	for (i = 0; i < param->n; i++)
		split_param_set(res, &param->v[i], cfs);
	sort(res->v, res->n, sizeof(*res->v), cmp_vf);
}

static void add_entry(struct buf *b, const struct sriovh_entry *e)
{
	int n = sriovh_format_entry(e, NULL, 0);
	char *text;

	if (n < 0)
		die(EX_FAIL, "cannot format a pf= entry");
	text = xrealloc(NULL, (size_t)n + 1);
	sriovh_format_entry(e, text, (size_t)n + 1);
	buf_add(b, text, (size_t)n);
	free(text);
}

static void add_vfspec(struct buf *b, const struct sriovh_vfspec *s)
{
	int n = sriovh_format_vfspec(s, NULL, 0);
	char *text;

	if (n < 0)
		die(EX_FAIL, "cannot format a vf= entry");
	text = xrealloc(NULL, (size_t)n + 1);
	sriovh_format_vfspec(s, text, (size_t)n + 1);
	buf_add(b, text, (size_t)n);
	free(text);
}

static void dump_text(struct buf *b, const struct pf_list *pfs,
		      const struct vf_list *vfs)
{
	size_t i;

	for (i = 0; i < pfs->n; i++) {
		buf_puts(b, "options sriov_helper pf=");
		add_entry(b, &pfs->v[i]);
		buf_puts(b, "\n");
	}
	for (i = 0; i < vfs->n; i++) {
		buf_puts(b, "options sriov_helper vf=");
		add_vfspec(b, &vfs->v[i]);
		buf_puts(b, "\n");
	}
	if (!pfs->n && !vfs->n)
		buf_puts(b, "# sriov_helper: nothing configured (no pf= or vf= parameter, no configfs entry with a VF count or per-VF settings)\n");
}

static void dump_json(struct buf *b, const struct pf_list *pfs,
		      const struct vf_list *vfs)
{
	struct buf one = { 0 };
	size_t i;

	buf_puts(b, "{\"pf\":[");
	for (i = 0; i < pfs->n; i++) {
		one.len = 0;
		add_entry(&one, &pfs->v[i]);
		buf_puts(b, i ? "," : "");
		buf_json_str(b, one.p);
	}
	buf_puts(b, "],\"vf\":[");
	for (i = 0; i < vfs->n; i++) {
		one.len = 0;
		add_vfspec(&one, &vfs->v[i]);
		buf_puts(b, i ? "," : "");
		buf_json_str(b, one.p);
	}
	buf_puts(b, "]}\n");
	buf_free(&one);
}

/* ---- the initramfs note ------------------------------------------------ */

#define MARKER	"usr/lib/sriov_helper/modprobe.conf.sha256-"

/* The running kernel's initramfs: Debian's name, then dracut's default. */
static char *initramfs_image(void)
{
	const char *release = kernel_release();
	char *image = rpath("/boot/initrd.img-%s", release);

	if (exists(image))
		return image;
	free(image);
	image = rpath("/boot/initramfs-%s.img", release);
	if (exists(image))
		return image;
	free(image);
	return NULL;
}

/* $SRIOVCTL_LSINITRAMFS, lsinitramfs (initramfs-tools), lsinitrd (dracut). */
static char *initramfs_lister(void)
{
	const char *env = getenv("SRIOVCTL_LSINITRAMFS");
	char *cmd;

	if (env)
		return *env ? xstrdup(env) : NULL;
	cmd = find_in_path("lsinitramfs");
	return cmd ? cmd : find_in_path("lsinitrd");
}

struct image_facts {
	bool module;	/* sriov_helper.ko* is in it */
	bool dracut;	/* dracut built it */
	bool current;	/* a marker with @hex */
};

/* One listing line at a time: lsinitramfs prints paths, lsinitrd ls -l. */
static void scan_listing(char *text, const char *hex, struct image_facts *f)
{
	char *line, *save = NULL, *m;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, "sriov_helper.ko"))
			f->module = true;
		if (strstr(line, "usr/lib/dracut/"))
			f->dracut = true;
		m = strstr(line, MARKER);
		if (m && !strncmp(m + strlen(MARKER), hex, 64) &&
		    strspn(m + strlen(MARKER) + 64, "0123456789abcdef") == 0)
			f->current = true;
	}
}

/*
 * The initramfs hook leaves an empty file MARKER<sha256 of
 * /etc/modprobe.d/sriov_helper.conf> in the image: when what this dump
 * prints hashes otherwise, the image would bring up another configuration
 * at boot than the file about to be written. Silent when there is no
 * image, no lister, or no sriov_helper in the image.
 */
static void initramfs_note(const struct buf *text)
{
	struct image_facts f = { 0 };
	struct buf listing = { 0 };
	char hex[65], *image = initramfs_image(), *lister;
	char *argv[3];

	if (!image)
		return;
	lister = initramfs_lister();
	if (!lister) {
		free(image);
		return;
	}
	argv[0] = lister;
	argv[1] = image;
	argv[2] = NULL;
	sha256_hex(text->p, text->len, hex);
	if (run_capture(argv, &listing) == 0 && listing.p) {
		scan_listing(listing.p, hex, &f);
		if (f.module && !f.current)
			fprintf(stderr, "sriovctl: note: %s holds an older copy of /etc/modprobe.d/sriov_helper.conf: after writing this file, run %s\n",
				image, f.dracut ? "dracut -f --regenerate-all" :
				"update-initramfs -u -k all");
	}
	buf_free(&listing);
	free(lister);
	free(image);
}

/* The pf= and vf= parameters given at load, as they are. */
void config_params(struct pf_list *pfs, struct vf_list *vfs)
{
	param_pfs(pfs);
	param_vfs(vfs);
}

/* The pf= and vf= entries in effect, sorted, as the module ranks them. */
void config_in_effect(struct pf_list *pfs, struct vf_list *vfs)
{
	struct pf_list ppf = { 0 }, cpf = { 0 };
	struct vf_list pvf = { 0 }, cvf = { 0 };

	configfs_all(&cpf, &cvf);
	param_pfs(&ppf);
	param_vfs(&pvf);
	merge_pfs(pfs, &ppf, &cpf);
	merge_vfs(vfs, &pvf, &cvf);
	free(ppf.v);
	free(cpf.v);
	free(pvf.v);
	free(cvf.v);
}

const struct sriovh_vfspec *vf_setting(const struct vf_list *vfs,
				       const struct sriovh_target *pf,
				       unsigned int index)
{
	size_t i;

	for (i = 0; i < vfs->n; i++)
		if (sriovh_target_equal(&vfs->v[i].pf, pf) &&
		    vfs->v[i].first <= index && index <= vfs->v[i].last)
			return &vfs->v[i];
	return NULL;
}

int cmd_dump(int argc, char **argv)
{
	struct pf_list pfs = { 0 };
	struct vf_list vfs = { 0 };
	struct buf text = { 0 };

	(void)argc;
	(void)argv;
	config_in_effect(&pfs, &vfs);
	/* The text form is what goes into the file, --json or not. */
	dump_text(&text, &pfs, &vfs);
	if (opt.json)
		dump_json(&out, &pfs, &vfs);
	else
		buf_add(&out, text.p, text.len);
	initramfs_note(&text);
	buf_free(&text);
	free(pfs.v);
	free(vfs.v);
	return 0;
}
