// SPDX-License-Identifier: GPL-2.0
/*
 * The debugfs inventory: show (a table or JSON), wait (until every
 * managed PF has its VFs, or cannot get them), and a snapshot of it for
 * metrics and export.
 *
 *   # sriov_helper inventory v2|v3|v4
 *   pf ADDR key=value ... reason=TEXT TO THE END OF THE LINE
 *   vf ADDR key=value ...
 *
 * v3 adds netdev= on pf lines (before reason=) and vf_driver=, in_use=,
 * settings= at the end of vf lines; v4 vf_bind= on pf lines. Fields are
 * looked up by name, so their order matters only for reason=, which runs
 * to the end of the line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriovctl.h"

#define INV_MIN_VERSION	2
#define INV_MAX_VERSION	4
#define INV_FILE	"/sys/kernel/debug/sriov_helper/inventory"

static int split_line(char *s, struct inv_line *l)
{
	char *p = s, *tok;

	l->nf = 0;
	l->kind = strsep(&p, " ");
	if (!p || (strcmp(l->kind, "pf") && strcmp(l->kind, "vf")))
		return -1;
	l->addr = strsep(&p, " ");
	while (p) {
		char *eq;

		tok = strsep(&p, " ");
		eq = strchr(tok, '=');
		if (!eq)
			continue;
		*eq = '\0';
		if (l->nf == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 32;
			l->f = xrealloc(l->f, l->cap * sizeof(*l->f));
		}
		l->f[l->nf].key = tok;
		l->f[l->nf++].val = eq + 1;
		if (!strcmp(tok, "reason") && p) {
			/* The rest of the line, spaces and all. */
			p[-1] = ' ';
			break;
		}
	}
	return 0;
}

static const char *get(const struct inv_line *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->nf; i++)
		if (!strcmp(l->f[i].key, key))
			return l->f[i].val;
	return "-";
}

/* Open the inventory and read its version line; exit 1 or 3 if unusable. */
static FILE *inv_open(int *version)
{
	char *file, *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int v, end = 0;

	need_module();
	file = rpath(INV_FILE);
	f = fopen(file, "r");
	if (!f)
		die(EX_ABSENT, "cannot read %s: %s (is debugfs mounted? mount -t debugfs none /sys/kernel/debug)",
		    file, strerror(errno));
	n = getline(&line, &cap, f);
	if (n < 0 && ferror(f))
		die(EX_FAIL, "reading %s: %s", file, strerror(errno));
	if (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	if (n <= 0 || sscanf(line, "# sriov_helper inventory v%d%n", &v, &end) != 1 ||
	    line[end])
		die(EX_FAIL, "%s: not an inventory this sriovctl knows (first line '%.64s'; it reads v%d to v%d)",
		    file, n > 0 ? line : "", INV_MIN_VERSION, INV_MAX_VERSION);
	if (v > INV_MAX_VERSION)
		die(EX_FAIL, "%s: inventory v%d is newer than this sriovctl, which reads v%d to v%d: update sriovctl",
		    file, v, INV_MIN_VERSION, INV_MAX_VERSION);
	if (v < INV_MIN_VERSION)
		die(EX_FAIL, "%s: inventory v%d is older than this sriovctl reads (v%d to v%d)",
		    file, v, INV_MIN_VERSION, INV_MAX_VERSION);
	free(line);
	free(file);
	*version = v;
	return f;
}

/*
 * Done reading. getline() ends on an error as on the end of the file: a
 * reader interrupted in the module (its device locks are taken
 * interruptibly) must not pass for the whole inventory.
 */
static void inv_close(FILE *f)
{
	int err = ferror(f) ? errno : 0;
	char *file;

	fclose(f);
	if (!err)
		return;
	file = rpath(INV_FILE);
	die(EX_FAIL, "reading %s: %s", file, strerror(err));
}

/* ---- a snapshot, for metrics and export --------------------------------- */

/* Every pf and vf line, in the inventory's order (a PF's VFs follow it). */
void inventory_read(struct inventory *inv)
{
	char *line = NULL;
	size_t cap = 0, rcap = 0;
	ssize_t n;
	FILE *f = inv_open(&inv->version);

	inv->rec = NULL;
	inv->n = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		struct inv_line l = { 0 };
		char *copy;

		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		copy = xstrdup(line);
		if (split_line(copy, &l)) {
			free(copy);
			free(l.f);
			continue;
		}
		if (inv->n == rcap) {
			rcap = rcap ? rcap * 2 : 64;
			inv->rec = xrealloc(inv->rec, rcap * sizeof(*inv->rec));
		}
		inv->rec[inv->n].text = copy;
		inv->rec[inv->n++].l = l;
	}
	inv_close(f);
	free(line);
}

const char *inv_get(const struct inv_rec *r, const char *key)
{
	return get(&r->l, key);
}

bool inv_is_pf(const struct inv_rec *r)
{
	return !strcmp(r->l.kind, "pf");
}

void inventory_free(struct inventory *inv)
{
	size_t i;

	for (i = 0; i < inv->n; i++) {
		free(inv->rec[i].text);
		free(inv->rec[i].l.f);
	}
	free(inv->rec);
	inv->rec = NULL;
	inv->n = 0;
}

/* ---- show ------------------------------------------------------------- */

/* "30:3;31:2>3;32:managed" as [{"irq":30,"cpus":"3"},...]. */
static void json_irqs(struct buf *b, const char *s)
{
	char *copy = xstrdup(s), *p = copy, *tok;
	const char *sep = "";

	buf_puts(b, "[");
	while (strcmp(s, "-") && (tok = strsep(&p, ";"))) {
		char *colon = strchr(tok, ':');

		if (!colon)
			continue;
		*colon = '\0';
		buf_printf(b, "%s{\"irq\":", sep);
		buf_json_val(b, tok);
		buf_puts(b, ",\"cpus\":");
		buf_json_str(b, colon + 1);
		buf_puts(b, "}");
		sep = ",";
	}
	buf_puts(b, "]");
	free(copy);
}

/* Fields that are text even when they look like numbers. */
static bool text_field(const char *key)
{
	static const char * const text[] = {
		"reason", "id", "bus_window", "irq_cpus", "netdev", "driver",
		"vf_driver",
	};
	size_t k;

	for (k = 0; k < sizeof(text) / sizeof(text[0]); k++)
		if (!strcmp(key, text[k]))
			return true;
	return false;
}

static void json_fields(struct buf *b, const struct inv_line *l)
{
	size_t i;

	buf_puts(b, "{\"address\":");
	buf_json_str(b, l->addr);
	for (i = 0; i < l->nf; i++) {
		buf_printf(b, ",\"%s\":", l->f[i].key);
		if (!strcmp(l->f[i].key, "irqs"))
			json_irqs(b, l->f[i].val);
		else if (text_field(l->f[i].key) && strcmp(l->f[i].val, "-"))
			buf_json_str(b, l->f[i].val);
		else
			buf_json_val(b, l->f[i].val);
	}
}

/* The columns show_pf_text() fills, as the inventory's version has them. */
static void show_header(struct buf *b, int version)
{
	buf_printf(b, "%-13s %-10s %-8s ", "PF", "ID", "DRIVER");
	if (version >= 3)
		buf_printf(b, "%-8s ", "NETDEV");
	buf_printf(b, "%-7s %-4s %-8s %-5s %-9s %-5s %-9s ", "VFS", "REQ",
		   "STATE", "FIT", "CAUSE", "IOMMU", "IRQ_CPUS");
	if (version >= 4)
		buf_printf(b, "%-8s ", "VF_BIND");
	buf_printf(b, "REASON\n");
}

static void show_pf_text(struct buf *b, const struct inv_line *l, int version)
{
	char *vfs = xasprintf("%s/%s", get(l, "numvfs"), get(l, "totalvfs"));

	buf_printf(b, "%-13s %-10s %-8s ", l->addr, get(l, "id"),
		   get(l, "driver"));
	if (version >= 3)
		buf_printf(b, "%-8s ", get(l, "netdev"));
	buf_printf(b, "%-7s %-4s %-8s %-5s %-9s %-5s %-9s ", vfs,
		   get(l, "requested"), get(l, "state"), get(l, "fit"),
		   get(l, "cause"), get(l, "iommu"), get(l, "irq_cpus"));
	if (version >= 4)
		buf_printf(b, "%-8s ", get(l, "vf_bind"));
	buf_printf(b, "%s\n", get(l, "reason"));
	free(vfs);
}

static void show_vf_text(struct buf *b, const struct inv_line *l, int version)
{
	const char *alone = get(l, "group_alone");

	buf_printf(b, "  vf %-13s index %-4s %-8s %-8s group %s%s ", l->addr,
		   get(l, "index"), get(l, "driver"), get(l, "netdev"),
		   get(l, "iommu_group"), !strcmp(alone, "no") ? " (shared)" : "");
	if (version >= 3)
		buf_printf(b, "vf_driver %s%s settings %s ", get(l, "vf_driver"),
			   !strcmp(get(l, "in_use"), "yes") ? " (in use)" : "",
			   get(l, "settings"));
	buf_printf(b, "irqs %s\n", get(l, "irqs"));
}

int cmd_show(int argc, char **argv)
{
	const char *only = argc ? argv[0] : NULL;
	struct sriovh_target want, t;
	struct inv_line l = { 0 };
	int shown = 0, in_pf = 0, first_vf = 1, version;
	char *line = NULL;
	size_t cap = 0;
	const char *why;
	ssize_t n;
	FILE *f;

	if (only && parse_pf(only, &want))
		return EX_USAGE;
	f = inv_open(&version);
	if (opt.json)
		buf_printf(&out, "{\"version\":%d,\"pfs\":[", version);
	else
		show_header(&out, version);
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (split_line(line, &l))
			continue;
		if (!strcmp(l.kind, "pf")) {
			if (in_pf && opt.json)
				buf_puts(&out, "]}");
			in_pf = !only ||
				(!sriovh_parse_target(l.addr, strlen(l.addr), &t, &why) &&
				 sriovh_target_equal(&t, &want));
			if (!in_pf)
				continue;
			if (opt.json) {
				buf_puts(&out, shown ? "," : "");
				json_fields(&out, &l);
				buf_puts(&out, ",\"vfs\":[");
			} else {
				show_pf_text(&out, &l, version);
			}
			shown++;
			first_vf = 1;
		} else if (in_pf) {
			if (opt.json) {
				buf_puts(&out, first_vf ? "" : ",");
				json_fields(&out, &l);
				buf_puts(&out, "}");
			} else {
				show_vf_text(&out, &l, version);
			}
			first_vf = 0;
		}
	}
	inv_close(f);
	free(line);
	free(l.f);
	if (opt.json)
		buf_puts(&out, in_pf ? "]}]}\n" : "]}\n");
	if (only && !shown) {
		warn("%s is not an SR-IOV PF", only);
		return EX_FAIL;
	}
	return 0;
}

