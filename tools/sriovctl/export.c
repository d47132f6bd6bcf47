// SPDX-License-Identifier: GPL-2.0
/*
 * export policy|device-plugin [PF...]: the VFs sriov_helper made, handed
 * to Kubernetes without a fight, from the live state.
 *
 *   policy         SriovNetworkNodePolicy objects of the SR-IOV network
 *                  operator with externallyManaged: true (the operator
 *                  creates no VFs), as a v1 List for kubectl apply -f
 *   device-plugin  the SR-IOV device plugin's config.json for the same VFs
 *
 * Per PF (the managed PFs with VFs, or those named), each run of VFs
 * with one device type is a resource: vfio-pci when their vf_driver is
 * vfio-pci, netdevice otherwise. A run that is the whole PF is selected by
 * the PF's address (rootDevices), a part of it by its netdev's name with
 * the range (pfNames: name#first-last) as well.
 *
 * Refused, naming the PF and the VFs, with nothing printed: what the
 * other side would undo. The operator binds the default driver to every
 * VF of a PF it selects that has none (vf_driver=none, or no driver
 * bound); the SR-IOV CNI sets a VF's VLAN and trust for each pod, which
 * sriov_helper would set back (per-VF vlan or trust).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriovctl.h"

enum xkind {
	XK_NETDEVICE,
	XK_VFIO,
	/* Refusals, in the order they are told. */
	XK_DRIVER_NONE,
	XK_NO_DRIVER,
	XK_CNI,
	XK_NR,
};

static const char * const refusal[XK_NR] = {
	[XK_DRIVER_NONE] = "vf_driver=none: the operator binds the default driver to every VF without one",
	[XK_NO_DRIVER] = "no driver bound: the operator would bind one, the device plugin skips them",
	[XK_CNI] = "per-VF vlan or trust set: the SR-IOV CNI sets them for each pod, and sriov_helper would set them back",
};

/* One VF of an exported PF, resolved. */
struct xvf {
	const struct inv_rec *r;
	unsigned int index;
	enum xkind kind;
};

/* One resource: a run of VFs of one PF with one device type. */
struct xgroup {
	const struct inv_rec *pf;
	const struct xvf *vf;	/* the first; @n of them follow */
	size_t n;
	bool whole;		/* every VF of the PF */
};

struct xplan {
	const char *host;
	struct xvf *vfs;
	size_t nvfs;
	struct xgroup *groups;
	size_t ngroups;
	struct buf refused;	/* the messages, one a line */
};

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

static enum xkind vf_kind(const struct inv_rec *r, const struct vf_list *cfg)
{
	const char *vfd = inv_get(r, "vf_driver"), *pfa = inv_get(r, "pf");
	const struct sriovh_vfspec *s = NULL;
	struct sriovh_target pf;
	const char *why;

	if (!sriovh_parse_target(pfa, strlen(pfa), &pf, &why))
		s = vf_setting(cfg, &pf,
			       (unsigned int)strtoul(inv_get(r, "index"), NULL, 10));
	if (!strcmp(vfd, "none"))
		return XK_DRIVER_NONE;
	if (s && (s->v.set & ((1u << SRIOVH_VK_VLAN) | (1u << SRIOVH_VK_TRUST))))
		return XK_CNI;
	if (!strcmp(inv_get(r, "driver"), "-"))
		return XK_NO_DRIVER;
	return !strcmp(vfd, "vfio-pci") ? XK_VFIO : XK_NETDEVICE;
}

/* "2,4-6": the indices of @pf's VFs of @kind. */
static void tell_refused(struct xplan *p, const struct inv_rec *pf,
			 const struct xvf *v, size_t n, enum xkind kind)
{
	struct buf list = { 0 };
	size_t i, j;

	for (i = 0; i < n; i = j) {
		if (v[i].kind != kind) {
			j = i + 1;
			continue;
		}
		for (j = i + 1; j < n && v[j].kind == kind &&
		     v[j].index == v[j - 1].index + 1; j++)
			;
		buf_printf(&list, "%s%u", list.len ? "," : "", v[i].index);
		if (j - i > 1)
			buf_printf(&list, "-%u", v[j - 1].index);
	}
	if (list.len)
		buf_printf(&p->refused, "%s: VF%s %s: %s\n", pf->l.addr,
			   strpbrk(list.p, ",-") ? "s" : "", list.p, refusal[kind]);
	buf_free(&list);
}

static void add_group(struct xplan *p, const struct inv_rec *pf,
		      const struct xvf *v, size_t n, bool whole)
{
	p->groups = xrealloc(p->groups, (p->ngroups + 1) * sizeof(*p->groups));
	p->groups[p->ngroups].pf = pf;
	p->groups[p->ngroups].vf = v;
	p->groups[p->ngroups].n = n;
	p->groups[p->ngroups++].whole = whole;
}

/* @pf's VFs (@n from @v), checked, then cut into runs of one kind. */
static void plan_pf(struct xplan *p, const struct inv_rec *pf,
		    const struct xvf *v, size_t n)
{
	const char *numvfs = inv_get(pf, "numvfs");
	size_t i, j, start = p->ngroups;
	int k;

	if (!n || !all_digits(numvfs) || strtoul(numvfs, NULL, 10) != n) {
		buf_printf(&p->refused, "%s: %s VFs enabled, %zu in the inventory: nothing to export\n",
			   pf->l.addr, numvfs, n);
		return;
	}
	for (k = XK_DRIVER_NONE; k < XK_NR; k++)
		tell_refused(p, pf, v, n, k);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j].kind == v[i].kind &&
		     v[j].index == v[j - 1].index + 1; j++)
			;
		if (v[i].kind <= XK_VFIO)
			add_group(p, pf, &v[i], j - i, i == 0 && j == n);
	}
	if (p->ngroups - start > 1 && !strcmp(inv_get(pf, "netdev"), "-"))
		buf_printf(&p->refused, "%s: VFs of two device types, and the PF has no netdev to name a range by (pfNames: name#first-last)\n",
			   pf->l.addr);
}

/* Was @pf named, or (none named) is it a managed PF with VFs? */
static bool selected(const struct inv_rec *pf, int argc, char **argv,
		     bool *named)
{
	struct sriovh_target t, want;
	const char *why;
	int i;

	if (!argc)
		return !strcmp(inv_get(pf, "managed"), "yes") &&
		       strcmp(inv_get(pf, "numvfs"), "0");
	if (sriovh_parse_target(pf->l.addr, strlen(pf->l.addr), &t, &why))
		return false;
	for (i = 0; i < argc; i++) {
		if (!parse_pf(argv[i], &want) && sriovh_target_equal(&t, &want)) {
			named[i] = true;
			return true;
		}
	}
	return false;
}

static void plan(struct xplan *p, const struct inventory *inv,
		 const struct vf_list *cfg, int argc, char **argv)
{
	bool *named = xcalloc((size_t)argc + 1, sizeof(*named));
	size_t i, j, first;
	int a;

	p->vfs = xcalloc(inv->n + 1, sizeof(*p->vfs));
	for (i = 0; i < inv->n; i = j) {
		const struct inv_rec *pf = &inv->rec[i];

		for (j = i + 1; j < inv->n && !inv_is_pf(&inv->rec[j]); j++)
			;
		if (!inv_is_pf(pf) || !selected(pf, argc, argv, named))
			continue;
		if (strcmp(inv_get(pf, "managed"), "yes")) {
			buf_printf(&p->refused, "%s: not managed by sriov_helper\n",
				   pf->l.addr);
			continue;
		}
		first = p->nvfs;
		for (i++; i < j; i++) {
			struct xvf *v = &p->vfs[p->nvfs++];

			v->r = &inv->rec[i];
			v->index = (unsigned int)strtoul(inv_get(v->r, "index"), NULL, 10);
			v->kind = vf_kind(v->r, cfg);
		}
		plan_pf(p, pf, &p->vfs[first], p->nvfs - first);
	}
	for (a = 0; a < argc; a++)
		if (!named[a])
			buf_printf(&p->refused, "%s: not an SR-IOV PF\n", argv[a]);
	free(named);
}

/* ---- names ---------------------------------------------------------------- */

/* @s with every character not in @keep (or alphanumeric) as @sub. */
static void sanitized(struct buf *b, const char *s, const char *keep, char sub,
		      bool lower)
{
	for (; *s; s++) {
		char c = lower ? (char)tolower((unsigned char)*s) : *s;

		if (!isalnum((unsigned char)c) && !strchr(keep, c))
			c = sub;
		buf_add(b, &c, 1);
	}
}

static unsigned int last_index(const struct xgroup *g)
{
	return g->vf[g->n - 1].index;
}

/* sriov_helper_0000_01_00_0_vfs_0_3: the operator wants [a-zA-Z0-9_]. */
static void resource_name(struct buf *b, const struct xgroup *g)
{
	buf_puts(b, "sriov_helper_");
	sanitized(b, g->pf->l.addr, "", '_', false);
	buf_printf(b, "_vfs_%u_%u", g->vf[0].index, last_index(g));
}

/* A DNS subdomain name: lower case, digits, '-' and '.'. */
static void policy_name(struct buf *b, const char *host, const struct xgroup *g)
{
	buf_puts(b, "sriov-helper-");
	sanitized(b, host, ".-", '-', true);
	buf_puts(b, "-");
	sanitized(b, g->pf->l.addr, "", '-', false);
	buf_printf(b, "-vfs-%u-%u", g->vf[0].index, last_index(g));
}

/* "8086:10ca" as its vendor ("8086") or device ("10ca") half. */
static void id_half(struct buf *b, const char *id, bool device)
{
	const char *colon = strchr(id, ':');

	if (!colon)
		die(EX_FAIL, "the inventory has an ID '%s' that is not VVVV:DDDD", id);
	if (device)
		buf_json_str(b, colon + 1);
	else {
		char *v = xstrndup(id, (size_t)(colon - id));

		buf_json_str(b, v);
		free(v);
	}
}

/* The PF by its address, and a part of it by its netdev and the range. */
static void pf_selectors(struct buf *b, const struct xgroup *g,
			 const char *indent)
{
	char *name;

	buf_printf(b, ",\n%s\"rootDevices\": [", indent);
	buf_json_str(b, g->pf->l.addr);
	buf_puts(b, "]");
	if (g->whole)
		return;
	name = xasprintf("%s#%u-%u", inv_get(g->pf, "netdev"), g->vf[0].index,
			 last_index(g));
	buf_printf(b, ",\n%s\"pfNames\": [", indent);
	buf_json_str(b, name);
	buf_puts(b, "]");
	free(name);
}

/* @head, then each group as @one writes it, in a JSON array. */
static void emit_list(struct buf *b, const struct xplan *p, const char *head,
		      void (*one)(struct buf *, const struct xplan *,
				  const struct xgroup *))
{
	size_t i;

	buf_puts(b, head);
	for (i = 0; i < p->ngroups; i++) {
		buf_puts(b, i ? ",\n" : "\n");
		one(b, p, &p->groups[i]);
	}
	buf_puts(b, p->ngroups ? "\n  ]\n}\n" : "]\n}\n");
}

/* ---- policy ----------------------------------------------------------------- */

static void emit_policy(struct buf *b, const struct xplan *p,
			const struct xgroup *g)
{
	const char *host = p->host;
	struct buf name = { 0 };

	buf_puts(b, "    {\n      \"apiVersion\": \"sriovnetwork.openshift.io/v1\",\n      \"kind\": \"SriovNetworkNodePolicy\",\n      \"metadata\": {\n        \"name\": ");
	policy_name(&name, host, g);
	buf_json_str(b, name.p);
	buf_puts(b, "\n      },\n      \"spec\": {\n        \"resourceName\": ");
	name.len = 0;
	resource_name(&name, g);
	buf_json_str(b, name.p);
	buf_puts(b, ",\n        \"nodeSelector\": {\n          \"kubernetes.io/hostname\": ");
	buf_json_str(b, host);
	buf_printf(b, "\n        },\n        \"numVfs\": %s,\n        \"nicSelector\": {\n          \"vendor\": ",
		   inv_get(g->pf, "numvfs"));
	id_half(b, inv_get(g->pf, "id"), false);
	buf_puts(b, ",\n          \"deviceID\": ");
	id_half(b, inv_get(g->pf, "id"), true);
	pf_selectors(b, g, "          ");
	buf_printf(b, "\n        },\n        \"deviceType\": \"%s\",\n        \"externallyManaged\": true\n      }\n    }",
		   g->vf[0].kind == XK_VFIO ? "vfio-pci" : "netdevice");
	buf_free(&name);
}

/* ---- device plugin ------------------------------------------------------------ */

/* The distinct values of VF field @key in @g, as a JSON array. */
static void vf_values(struct buf *b, const struct xgroup *g, const char *key,
		      bool device)
{
	size_t i, j;

	buf_puts(b, "[");
	for (i = 0; i < g->n; i++) {
		const char *v = inv_get(g->vf[i].r, key);

		for (j = 0; j < i && strcmp(inv_get(g->vf[j].r, key), v); j++)
			;
		if (j < i)
			continue;
		buf_puts(b, i ? ", " : "");
		if (!strcmp(key, "id"))
			id_half(b, v, device);
		else
			buf_json_str(b, v);
	}
	buf_puts(b, "]");
}

static void emit_resource(struct buf *b, const struct xplan *p,
			  const struct xgroup *g)
{
	struct buf name = { 0 };

	(void)p;
	resource_name(&name, g);
	buf_puts(b, "    {\n      \"resourceName\": ");
	buf_json_str(b, name.p);
	buf_puts(b, ",\n      \"selectors\": {\n        \"vendors\": ");
	vf_values(b, g, "id", false);
	buf_puts(b, ",\n        \"devices\": ");
	vf_values(b, g, "id", true);
	buf_puts(b, ",\n        \"drivers\": ");
	vf_values(b, g, "driver", false);
	pf_selectors(b, g, "        ");
	buf_puts(b, "\n      }\n    }");
	buf_free(&name);
}

/*
 * The node's name as the kubelet registers it by default, and its
 * kubernetes.io/hostname label: the host name in lower case.
 */
static char *node_name(void)
{
	char *file = rpath("/proc/sys/kernel/hostname");
	char *host = read_value(file), *c;

	if (!host || !*host)
		die(EX_FAIL, "cannot read the host name from %s", file);
	free(file);
	for (c = host; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return host;
}

int cmd_export(int argc, char **argv)
{
	struct inventory inv = { 0 };
	struct pf_list pfs = { 0 };
	struct vf_list cfg = { 0 };
	struct xplan p = { 0 };
	struct sriovh_target t;
	bool policy = !strcmp(argv[0], "policy");
	int i, ret = 0;

	if (!policy && strcmp(argv[0], "device-plugin"))
		die(EX_USAGE, "export what: policy or device-plugin, not '%s'", argv[0]);
	for (i = 1; i < argc; i++)
		if (parse_pf(argv[i], &t))
			return EX_USAGE;
	inventory_read(&inv);
	if (inv.version < 3)
		die(EX_FAIL, "export needs inventory v3 (each VF's vf_driver); this module writes v%d",
		    inv.version);
	config_in_effect(&pfs, &cfg);
	p.host = node_name();
	plan(&p, &inv, &cfg, argc - 1, argv + 1);
	if (p.refused.len) {
		fprintf(stderr, "sriovctl: refused, nothing exported:\n%s", p.refused.p);
		ret = EX_FAIL;
	} else if (policy) {
		emit_list(&out, &p, "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [",
			  emit_policy);
	} else {
		emit_list(&out, &p, "{\n  \"resourceList\": [", emit_resource);
	}
	buf_free(&p.refused);
	free(p.vfs);
	free(p.groups);
	free((char *)p.host);
	inventory_free(&inv);
	free(pfs.v);
	free(cfg.v);
	return ret;
}
