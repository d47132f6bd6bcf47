// SPDX-License-Identifier: GPL-2.0
/*
 * metrics: the state of every SR-IOV PF and its VFs in Prometheus' text
 * format, for node_exporter's textfile collector (--output FILE writes it
 * atomically: a temporary file in the same directory, fsync, rename).
 *
 * What is read: the debugfs inventory (counts, state, cause, drivers, in
 * use, settings state, IRQ CPUs) and the configuration in effect (the
 * per-VF MAC, VLAN and trust asked for, from vf= and configfs). Both are
 * read once; the families are then written one after the other, as the
 * format wants all samples of a family together.
 *
 * Series: per PF at most 16, per VF 8 (one info, in use, five settings
 * states, and a settings info for VFs that have per-VF settings). Labels
 * are addresses, IDs, driver and device names: nothing that changes with
 * traffic, no free text (the reason stays in `sriovctl show`).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sriovctl.h"

#define PREFIX "sriov_helper_"

static const char * const pf_states[] = {
	"unmanaged", "pending", "applied", "failed",
};

static const char * const pf_causes[] = {
	"none", "bus_range", "mmio", "layout",
};

static const char * const vf_settings_states[] = {
	"unset", "pending", "applied", "waiting", "failed",
};

/* A label value: backslash, double quote and newline escaped. */
static void label(struct buf *b, const char *name, const char *val,
		  const char *sep)
{
	buf_printf(b, "%s%s=\"", sep, name);
	for (; *val; val++) {
		if (*val == '\\' || *val == '"')
			buf_printf(b, "\\%c", *val);
		else if (*val == '\n')
			buf_puts(b, "\\n");
		else
			buf_add(b, val, 1);
	}
	buf_puts(b, "\"");
}

/* An inventory value as a label: "-" (none) is the empty string. */
static const char *lv(const char *v)
{
	return strcmp(v, "-") ? v : "";
}

static void family(struct buf *b, const char *name, const char *help)
{
	buf_printf(b, "# HELP " PREFIX "%s %s\n# TYPE " PREFIX "%s gauge\n",
		   name, help, name);
}

/* One sample of @name for PF @r with the value @val (a decimal). */
static void pf_sample(struct buf *b, const char *name,
		      const struct inv_rec *r, const char *val)
{
	buf_printf(b, PREFIX "%s", name);
	label(b, "pf", r->l.addr, "{");
	buf_printf(b, "} %s\n", val);
}

/* A decimal field of a PF as one sample; nothing when it is "-". */
static void pf_number(struct buf *b, const char *name,
		      const struct inventory *inv, const char *key)
{
	size_t i;

	for (i = 0; i < inv->n; i++) {
		const char *v = inv_get(&inv->rec[i], key);

		if (inv_is_pf(&inv->rec[i]) && strcmp(v, "-") &&
		    strspn(v, "0123456789") == strlen(v) && *v)
			pf_sample(b, name, &inv->rec[i], v);
	}
}

/* An enumerated field as a state set: one series per value, 1 for its own. */
static void state_set(struct buf *b, const char *name, const char *lname,
		      const struct inv_rec *r, const char *key,
		      const char * const *values, size_t nvalues)
{
	const char *v = inv_get(r, key);
	size_t k;

	for (k = 0; k < nvalues; k++) {
		buf_printf(b, PREFIX "%s", name);
		label(b, inv_is_pf(r) ? "pf" : "vf", r->l.addr, "{");
		if (!inv_is_pf(r))
			label(b, "pf", inv_get(r, "pf"), ",");
		label(b, lname, values[k], ",");
		buf_printf(b, "} %d\n", !strcmp(v, values[k]));
	}
}

static void pf_families(struct buf *b, const struct inventory *inv)
{
	size_t i;

	family(b, "pf_info", "An SR-IOV physical function: its vendor:device ID, driver and network device (always 1).");
	for (i = 0; i < inv->n; i++) {
		const struct inv_rec *r = &inv->rec[i];

		if (!inv_is_pf(r))
			continue;
		buf_puts(b, PREFIX "pf_info");
		label(b, "pf", r->l.addr, "{");
		label(b, "id", lv(inv_get(r, "id")), ",");
		label(b, "driver", lv(inv_get(r, "driver")), ",");
		label(b, "netdev", lv(inv_get(r, "netdev")), ",");
		buf_puts(b, "} 1\n");
	}
	family(b, "pf_managed", "Whether sriov_helper manages the PF's VF count (1) or not (0).");
	for (i = 0; i < inv->n; i++)
		if (inv_is_pf(&inv->rec[i]))
			pf_sample(b, "pf_managed", &inv->rec[i],
				  strcmp(inv_get(&inv->rec[i], "managed"), "yes") ? "0" : "1");
	family(b, "pf_vfs_requested", "VFs asked for the PF (pf= or configfs); absent when none are.");
	pf_number(b, "pf_vfs_requested", inv, "requested");
	family(b, "pf_vfs_enabled", "VFs the PF has now (sriov_numvfs).");
	pf_number(b, "pf_vfs_enabled", inv, "numvfs");
	family(b, "pf_vfs_max", "VFs the PF can have (sriov_totalvfs).");
	pf_number(b, "pf_vfs_max", inv, "totalvfs");
	family(b, "pf_vfs_fit", "The largest VF count that fit at the last diagnosis; absent before any.");
	pf_number(b, "pf_vfs_fit", inv, "fit");
	family(b, "pf_state", "The PF's state: 1 for the one it is in (unmanaged, pending, applied, failed).");
	for (i = 0; i < inv->n; i++)
		if (inv_is_pf(&inv->rec[i]))
			state_set(b, "pf_state", "state", &inv->rec[i], "state",
				  pf_states, sizeof(pf_states) / sizeof(pf_states[0]));
	family(b, "pf_cause", "What limited the VF count at the last diagnosis: 1 for it (none, bus_range, mmio, layout); absent before any.");
	for (i = 0; i < inv->n; i++)
		if (inv_is_pf(&inv->rec[i]) &&
		    strcmp(inv_get(&inv->rec[i], "cause"), "-"))
			state_set(b, "pf_cause", "cause", &inv->rec[i], "cause",
				  pf_causes, sizeof(pf_causes) / sizeof(pf_causes[0]));
}

/* ---- IRQ spread ------------------------------------------------------- */

/* The one CPU of an effective CPU list ("3", or "3>5" while moving), or -1. */
static int one_cpu(const char *s, size_t len)
{
	struct sriovh_cpulist l;
	const char *why, *gt = memchr(s, '>', len);

	if (gt)
		len = (size_t)(gt - s);
	if (!len || sriovh_parse_cpulist(s, len, &l, &why) || l.nr != 1 ||
	    l.r[0].first != l.r[0].last)
		return -1;
	return l.r[0].first;
}

/* Count @vf's movable vectors per CPU; return how many there were. */
static unsigned int count_vectors(const struct inv_rec *vf, unsigned int *per_cpu)
{
	char *irqs = xstrdup(inv_get(vf, "irqs")), *p = irqs, *tok;
	unsigned int n = 0;

	while (strcmp(irqs, "-") && (tok = strsep(&p, ";"))) {
		char *colon = strchr(tok, ':');
		int cpu;

		if (!colon)
			continue;
		cpu = one_cpu(colon + 1, strlen(colon + 1));
		if (cpu < 0)
			continue;
		per_cpu[cpu]++;
		n++;
	}
	free(irqs);
	return n;
}

/*
 * Over the CPUs the PF's VF vectors are spread over (its irq_cpus), the
 * most vectors one CPU has less the fewest: 0 or 1 is an even spread.
 * Vectors that are not sriov_helper's to move (managed, nobalancing,
 * unrequested) do not count. Nothing for a PF without irq_cpus (not
 * managed, or irq=off).
 */
static void irq_families(struct buf *b, const struct inventory *inv)
{
	unsigned int *per_cpu = xcalloc(SRIOVH_CPU_MAX + 1, sizeof(*per_cpu));
	struct buf spread = { 0 }, vectors = { 0 };
	size_t i, j, k;

	for (i = 0; i < inv->n; i++) {
		const struct inv_rec *r = &inv->rec[i];
		const char *cpus = inv_get(r, "irq_cpus"), *why;
		unsigned int n = 0, lo = ~0u, hi = 0, c;
		struct sriovh_cpulist l;
		char val[16];

		if (!inv_is_pf(r) || !strcmp(cpus, "-") ||
		    sriovh_parse_cpulist(cpus, strlen(cpus), &l, &why) || !l.nr)
			continue;
		memset(per_cpu, 0, (SRIOVH_CPU_MAX + 1) * sizeof(*per_cpu));
		for (j = i + 1; j < inv->n && !inv_is_pf(&inv->rec[j]); j++)
			n += count_vectors(&inv->rec[j], per_cpu);
		for (k = 0; k < l.nr; k++) {
			for (c = l.r[k].first; c <= l.r[k].last; c++) {
				lo = per_cpu[c] < lo ? per_cpu[c] : lo;
				hi = per_cpu[c] > hi ? per_cpu[c] : hi;
			}
		}
		snprintf(val, sizeof(val), "%u", hi - lo);
		pf_sample(&spread, "pf_irq_spread_vectors", r, val);
		snprintf(val, sizeof(val), "%u", n);
		pf_sample(&vectors, "pf_irq_vectors", r, val);
	}
	family(b, "pf_irq_vectors", "VF vectors of the PF that sriov_helper places (not managed, nobalancing or unrequested ones).");
	if (vectors.len)
		buf_add(b, vectors.p, vectors.len);
	family(b, "pf_irq_spread_vectors", "Over the CPUs the PF's VF vectors go to (irq_cpus), the most vectors on one CPU less the fewest.");
	if (spread.len)
		buf_add(b, spread.p, spread.len);
	buf_free(&spread);
	buf_free(&vectors);
	free(per_cpu);
}

/* ---- VFs ---------------------------------------------------------------- */

/*
 * The MAC a VF's own network device has, as its user sees it (what was
 * asked is vf_settings_info's): NULL without one. A name from the
 * inventory is a kernel netdev name, never a path.
 */
static char *netdev_mac(const char *netdev)
{
	char *file, *mac;

	if (!netdev[0] || !strcmp(netdev, "-") || !strcmp(netdev, "?") ||
	    strchr(netdev, '/'))
		return NULL;
	file = rpath("/sys/class/net/%s/address", netdev);
	mac = read_value(file);
	free(file);
	return mac;
}

static void vf_labels(struct buf *b, const struct inv_rec *r)
{
	label(b, "vf", r->l.addr, "{");
	label(b, "pf", inv_get(r, "pf"), ",");
}

/* MAC, VLAN and trust asked for the VF; nothing when it has no set. */
static void vf_settings_info(struct buf *b, const struct inv_rec *r,
			     const struct vf_list *vfs)
{
	char mac[SRIOVH_VF_VALUE_STRLEN] = "", vlan[SRIOVH_VF_VALUE_STRLEN] = "";
	char trust[SRIOVH_VF_VALUE_STRLEN] = "";
	const struct sriovh_vfspec *s;
	struct sriovh_target pf;
	const char *pfa = inv_get(r, "pf"), *idx = inv_get(r, "index"), *why;

	if (sriovh_parse_target(pfa, strlen(pfa), &pf, &why) ||
	    strspn(idx, "0123456789") != strlen(idx) || !*idx)
		return;
	s = vf_setting(vfs, &pf, (unsigned int)strtoul(idx, NULL, 10));
	if (!s || !(s->v.set & ((1u << SRIOVH_VK_MAC) | (1u << SRIOVH_VK_VLAN) |
				(1u << SRIOVH_VK_TRUST))))
		return;
	if (s->v.set & (1u << SRIOVH_VK_MAC))
		sriovh_format_vf_value(SRIOVH_VK_MAC, &s->v, mac, sizeof(mac));
	if (s->v.set & (1u << SRIOVH_VK_VLAN))
		sriovh_format_vf_value(SRIOVH_VK_VLAN, &s->v, vlan, sizeof(vlan));
	if (s->v.set & (1u << SRIOVH_VK_TRUST))
		sriovh_format_vf_value(SRIOVH_VK_TRUST, &s->v, trust, sizeof(trust));
	buf_puts(b, PREFIX "vf_settings_info");
	vf_labels(b, r);
	label(b, "mac", mac, ",");
	label(b, "vlan", vlan, ",");
	label(b, "trust", trust, ",");
	buf_puts(b, "} 1\n");
}

static void vf_families(struct buf *b, const struct inventory *inv,
			const struct vf_list *vfs)
{
	size_t i;

	family(b, "vf_info", "A VF: its index, the driver bound (empty: none; ?: its device lock was busy), the driver chosen for it (vf_driver), its network device and the MAC that network device has (always 1).");
	for (i = 0; i < inv->n; i++) {
		const struct inv_rec *r = &inv->rec[i];
		char *mac;

		if (inv_is_pf(r))
			continue;
		mac = netdev_mac(inv_get(r, "netdev"));
		buf_puts(b, PREFIX "vf_info");
		vf_labels(b, r);
		label(b, "index", inv_get(r, "index"), ",");
		label(b, "driver", lv(inv_get(r, "driver")), ",");
		label(b, "vf_driver", lv(inv_get(r, "vf_driver")), ",");
		label(b, "netdev", lv(inv_get(r, "netdev")), ",");
		label(b, "mac", mac ? mac : "", ",");
		buf_puts(b, "} 1\n");
		free(mac);
	}
	if (inv->version < 3)
		return;
	family(b, "vf_in_use", "Whether a guest or a VFIO user holds the VF (1) or not (0); no sample while it cannot be told (its device lock was busy).");
	for (i = 0; i < inv->n; i++) {
		const struct inv_rec *r = &inv->rec[i];

		if (inv_is_pf(r) || (strcmp(inv_get(r, "in_use"), "yes") &&
				     strcmp(inv_get(r, "in_use"), "no")))
			continue;
		buf_puts(b, PREFIX "vf_in_use");
		vf_labels(b, r);
		buf_printf(b, "} %d\n", !strcmp(inv_get(r, "in_use"), "yes"));
	}
	family(b, "vf_settings_state", "The state of the VF's per-VF settings: 1 for the one it is in (unset, pending, applied, waiting, failed).");
	for (i = 0; i < inv->n; i++)
		if (!inv_is_pf(&inv->rec[i]))
			state_set(b, "vf_settings_state", "state", &inv->rec[i],
				  "settings", vf_settings_states,
				  sizeof(vf_settings_states) / sizeof(vf_settings_states[0]));
	family(b, "vf_settings_info", "The MAC, VLAN and trust asked for the VF (vf= or configfs; empty: not asked); only VFs with per-VF settings (always 1).");
	for (i = 0; i < inv->n; i++)
		if (!inv_is_pf(&inv->rec[i]))
			vf_settings_info(b, &inv->rec[i], vfs);
}

/* ---- output --------------------------------------------------------------- */

/*
 * @b into @file as a reader sees it: whole or not at all. A temporary
 * file next to it (a name the textfile collector does not read: it reads
 * *.prom), fsync, rename over, fsync the directory.
 */
static int write_atomic(const char *file, const struct buf *b)
{
	char *copy = xstrdup(file), *dir = dirname(copy);
	char *tmp = xasprintf("%s.XXXXXX", file);
	int fd = mkstemp(tmp), dfd, err = 0;
	size_t done = 0;

	if (fd < 0) {
		warn("cannot create a temporary file next to %s: %s", file,
		     strerror(errno));
		free(tmp);
		free(copy);
		return EX_FAIL;
	}
	while (done < b->len && !err) {
		ssize_t n = write(fd, b->p + done, b->len - done);

		if (n < 0 && errno != EINTR)
			err = errno;
		else if (n > 0)
			done += (size_t)n;
	}
	if (!err && (fchmod(fd, 0644) || fsync(fd)))
		err = errno;
	if (close(fd) && !err)
		err = errno;
	if (!err && rename(tmp, file))
		err = errno;
	if (err) {
		warn("writing %s: %s", file, strerror(err));
		unlink(tmp);
	} else if ((dfd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(tmp);
	free(copy);
	return err ? EX_FAIL : 0;
}

/*
 * Loaded, but debugfs or configfs not mounted: exit 1 (sriovctl's other
 * commands say 3 for it, which the metrics service takes for "not
 * loaded"), the file left as it is: its age tells it is stale.
 */
static int sources_missing(void)
{
	char *inv = rpath("/sys/kernel/debug/sriov_helper/inventory");
	char *cfs = rpath("/sys/kernel/config/sriov_helper");
	int ret = 0;

	if (!exists(inv) || !is_dir(cfs)) {
		warn("%s or %s is missing (debugfs or configfs not mounted): no metrics written",
		     inv, cfs);
		ret = EX_FAIL;
	}
	free(inv);
	free(cfs);
	return ret;
}

int cmd_metrics(int argc, char **argv)
{
	const char *file = opt.output;
	char *mod = rpath("/sys/module/sriov_helper");
	struct inventory inv = { 0 };
	struct pf_list pfs = { 0 };
	struct vf_list vfs = { 0 };
	struct buf b = { 0 };
	bool loaded = is_dir(mod);
	int ret;

	(void)argc;
	(void)argv;
	free(mod);
	if (loaded && sources_missing())
		return EX_FAIL;
	family(&b, "module_loaded", "Whether the sriov_helper module is loaded (1) or not (0; sriovctl metrics says why on stderr).");
	buf_printf(&b, PREFIX "module_loaded %d\n", loaded);
	if (loaded) {
		inventory_read(&inv);
		config_in_effect(&pfs, &vfs);
		pf_families(&b, &inv);
		irq_families(&b, &inv);
		vf_families(&b, &inv, &vfs);
	}
	ret = file ? write_atomic(file, &b) : 0;
	if (!file)
		buf_add(&out, b.p, b.len);
	buf_free(&b);
	inventory_free(&inv);
	free(pfs.v);
	free(vfs.v);
	if (!ret && !loaded)
		need_module();	/* exit 3 with the reason */
	return ret;
}
