// SPDX-License-Identifier: GPL-2.0
/*
 * wait: until every PF that sriov_helper manages is ready for network
 * configuration, as sriov-helper-wait.service needs before
 * network-pre.target. Ready means what a service started after it finds:
 *
 * - the PF's count applied (or failed, or no driver will ever bind it);
 * - its VFs' per-VF settings no longer pending;
 * - each VF on the driver chosen for it (vf_driver), unbound for none,
 *   on whatever the kernel chose for auto, or none coming; a VF that the
 *   module holds for its settings (driver_override "sriov_helper") is
 *   late, and one that nothing will bind ends the wait once it has
 *   stayed so for WAIT_STUCK_SECONDS; one held until its PF's interface
 *   is up is ready while that interface is down (network configuration
 *   brings it up after us), and late once it is up;
 * - each VF that a host driver of a network PF holds has its network
 *   device, and udev has processed it (renamed it, by 99-default.link, to
 *   the predictable name that /etc/network/interfaces or a .network file
 *   uses). iavf creates its netdev from a work item after its probe
 *   returns, so a bound VF is not enough.
 *
 * Without --timeout it waits 30 s plus 1 s per VF asked for: VFs are
 * probed one after another (mlx5: about 0.5 s each, 125 VFs about 65 s).
 * On a timeout it names the PFs and the VFs that are late.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sriovctl.h"

/* At most this many late VFs are named per PF; the rest are counted. */
#define WAIT_NAMED_VFS	4
/* How long VFs that nothing will bind must stay so before the wait ends. */
#define WAIT_STUCK_SECONDS	1.0

/* Was @a modified before @b? */
static bool older(const struct stat *a, const struct stat *b)
{
	return a->st_mtim.tv_sec < b->st_mtim.tv_sec ||
	       (a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
		a->st_mtim.tv_nsec < b->st_mtim.tv_nsec);
}

/*
 * Has the udev running now processed the device whose database entry is
 * /run/udev/data/ENTRY, to the end? Return: why that is known, or NULL
 * while it may still be coming.
 *
 * Processed means by the udev running now, and to the end: an
 * initramfs' udev leaves its database in /run to the real root's, whose
 * coldplug processes the device again, with the real root's modules (a
 * NIC driver the initramfs did not carry) and .link files; and udev
 * writes a device's entry before it runs the event's RUN programs, the
 * driver's modprobe among them. udev rewrites the entry for every event
 * it processes, so an entry older than the running udev's control socket
 * is not this udev's answer; and /run/udev/queue exists until every event
 * it has taken is done (what `udevadm settle` waits for).
 */
static const char *udev_done(const char *entry)
{
	char *data = rpath("/run/udev/data/%s", entry);
	char *control = rpath("/run/udev/control");
	char *queue = rpath("/run/udev/queue");
	const char *why = NULL;
	struct stat d, c;
	bool running = !stat(control, &c);

	if (!stat(data, &d) &&
	    (!running || (!older(&d, &c) && !exists(queue))))
		why = "udev has processed it";
	else if (!running)
		why = "udev is not running";
	free(queue);
	free(data);
	free(control);
	return why;
}

/* A PCI device without a driver gets one only from udev (or modprobe). */
static const char *no_driver_coming(const char *addr)
{
	char *entry = xasprintf("+pci:%s", addr);
	const char *why = udev_done(entry);

	free(entry);
	return why;
}

/* Has udev processed network device @name (and so named it)? */
static bool netdev_named(const char *name)
{
	char *file = rpath("/sys/class/net/%s/ifindex", name);
	char *ifindex = read_value(file), *entry;
	bool named;

	free(file);
	if (!ifindex)
		return false;	/* renamed or gone meanwhile: ask again */
	entry = xasprintf("n%s", ifindex);
	named = udev_done(entry);
	free(entry);
	free(ifindex);
	return named;
}

static double now_seconds(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		die(EX_FAIL, "clock_gettime: %s", strerror(errno));
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool is_managed_pf(const struct inv_rec *r)
{
	return inv_is_pf(r) && !strcmp(inv_get(r, "managed"), "yes");
}

enum vf_hold { NOT_HELD, HELD, HELD_PF_DOWN };

/*
 * Is the VF held by the module (its driver_override is a name no driver
 * has)? "sriov_helper": from its first probe until its PF's pass has set
 * it up (SRIOVH_HOLD); "sriov_helper_pf_down": until its PF's interface
 * is up, for a PF driver that answers its VFs only then (igb, ixgbe).
 */
static enum vf_hold vf_held(const char *addr)
{
	char *file = rpath("/sys/bus/pci/devices/%s/driver_override", addr);
	char *v = read_value(file);
	enum vf_hold h = NOT_HELD;

	if (v && !strcmp(v, "sriov_helper"))
		h = HELD;
	else if (v && !strcmp(v, "sriov_helper_pf_down"))
		h = HELD_PF_DOWN;
	free(file);
	free(v);
	return h;
}

/* Is network device @name administratively up (IFF_UP)? */
static bool netdev_up(const char *name)
{
	char *file = rpath("/sys/class/net/%s/flags", name);
	char *v = read_value(file);
	bool up = v && (strtoul(v, NULL, 16) & 0x1);

	free(file);
	free(v);
	return up;
}

/* A driver that serves the VF to userspace, not to the host's network. */
static bool userspace_driver(const char *drv)
{
	return strstr(drv, "vfio") || !strcmp(drv, "pci-stub");
}

/*
 * Why VF @vf (of PF @pf) is not ready yet, in words, or NULL when it is.
 * @stuck is set when it will not become ready by itself (its chosen
 * driver did not take it and nothing else will bind it).
 */
static char *vf_late(const struct inv_rec *pf, const struct inv_rec *vf,
		     bool *stuck)
{
	const char *drv = inv_get(vf, "driver"), *want = inv_get(vf, "vf_driver");
	const char *netdev = inv_get(vf, "netdev"), *why;
	bool bound = strcmp(drv, "-");
	enum vf_hold hold;

	*stuck = false;
	if (!strcmp(drv, "?"))
		return xasprintf("%s busy (its device lock is held)", vf->l.addr);
	hold = bound ? NOT_HELD : vf_held(vf->l.addr);
	if (hold == HELD)
		return xasprintf("%s held by sriov_helper for its settings",
				 vf->l.addr);
	/*
	 * Held until the PF's interface is up: that is network
	 * configuration's to do, which starts after us (network-pre.target);
	 * ifupdown's hook waits again once it has brought the PF up.
	 */
	if (hold == HELD_PF_DOWN)
		return netdev_up(inv_get(pf, "netdev")) ?
		       xasprintf("%s held until %s is up, which it now is",
				 vf->l.addr, inv_get(pf, "netdev")) : NULL;
	if (!strcmp(want, "none"))
		return bound ? xasprintf("%s on %s, not unbound (vf_driver none)",
					 vf->l.addr, drv) : NULL;
	if (strcmp(want, "auto") && strcmp(want, "-") && strcmp(drv, want)) {
		*stuck = !bound && (why = no_driver_coming(vf->l.addr));
		return xasprintf("%s not on %s (driver %s)", vf->l.addr, want,
				 drv);
	}
	if (!bound)	/* auto, and the kernel has not chosen yet */
		return no_driver_coming(vf->l.addr) ? NULL :
		       xasprintf("%s has no driver yet", vf->l.addr);
	/* A network PF's VF on a host driver: its netdev, named. */
	if (!strcmp(inv_get(pf, "netdev"), "-") || userspace_driver(drv))
		return NULL;
	if (!strcmp(netdev, "-"))
		return xasprintf("%s on %s has no network device yet",
				 vf->l.addr, drv);
	if (!netdev_named(netdev))
		return xasprintf("%s's network device %s is not named by udev yet",
				 vf->l.addr, netdev);
	return NULL;
}

/* What one managed PF still lacks. */
struct pf_wait {
	const struct inv_rec *pf;
	unsigned int vfs;		/* its VF lines */
	unsigned int settings;		/* VFs whose settings are pending */
	unsigned int late;		/* VFs not ready */
	unsigned int stuck;		/* of those, VFs none will make ready */
	struct buf named;		/* the first late ones, in words */
};

static void pf_wait_vf(struct pf_wait *w, const struct inv_rec *vf)
{
	bool stuck;
	char *why;

	w->vfs++;
	if (!strcmp(inv_get(vf, "settings"), "pending"))
		w->settings++;
	why = vf_late(w->pf, vf, &stuck);
	if (!why)
		return;
	if (w->late++ < WAIT_NAMED_VFS)
		buf_printf(&w->named, "%s%s", w->late > 1 ? ", " : "", why);
	w->stuck += stuck;
	free(why);
}

/*
 * Is this PF done: failed, no driver will come, or applied with its VFs
 * ready (or stuck where nothing will move them)?
 */
static bool pf_settled(const struct pf_wait *w, bool stuck_ok)
{
	const char *state = inv_get(w->pf, "state");

	if (!strcmp(state, "applied"))
		return !w->settings && w->late == (stuck_ok ? w->stuck : 0);
	if (!strcmp(state, "failed"))
		return true;
	return !strcmp(state, "pending") && !strcmp(inv_get(w->pf, "driver"), "-") &&
	       no_driver_coming(w->pf->l.addr);
}

/* The managed PFs and their VFs, from one read of the inventory. */
static struct pf_wait *pf_waits(const struct inventory *inv, size_t *n)
{
	struct pf_wait *w = xcalloc(inv->n ? inv->n : 1, sizeof(*w));
	size_t i;

	*n = 0;
	for (i = 0; i < inv->n; i++) {
		const struct inv_rec *r = &inv->rec[i];

		if (is_managed_pf(r))
			w[(*n)++].pf = r;
		else if (!inv_is_pf(r) && *n &&
			 !strcmp(inv_get(r, "pf"), w[*n - 1].pf->l.addr))
			pf_wait_vf(&w[*n - 1], r);
	}
	return w;
}

static void pf_waits_free(struct pf_wait *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_free(&w[i].named);
	free(w);
}

/* 30 s, plus 1 s per VF the managed PFs are asked for or have. */
static double default_timeout(const struct inventory *inv)
{
	double t = 30;
	size_t i;

	for (i = 0; i < inv->n; i++) {
		const struct inv_rec *r = &inv->rec[i];
		long asked, have;

		if (!is_managed_pf(r))
			continue;
		asked = strtol(inv_get(r, "requested"), NULL, 10);
		have = strtol(inv_get(r, "numvfs"), NULL, 10);
		t += asked > have ? asked : have;
	}
	return t;
}

static void tell(const struct pf_wait *w, bool timed_out, double timeout)
{
	const struct inv_rec *pf = w->pf;
	const char *state = inv_get(pf, "state"), *reason = inv_get(pf, "reason");
	const char *sep = strcmp(reason, "-") && *reason ? ": " : "";
	const char *more = w->late > WAIT_NAMED_VFS ? ", ..." : "";
	const char *why;

	if (!*sep)
		reason = "";
	if (!strcmp(state, "failed"))
		warn("%s failed%s%s", pf->l.addr, sep, reason);
	else if (!strcmp(state, "applied") && w->settings)
		warn("%s applied; the settings of %u VF%s still pending (timed out after %g s)",
		     pf->l.addr, w->settings, w->settings == 1 ? "" : "s",
		     timeout);
	else if (!strcmp(state, "applied") && w->late && timed_out)
		warn("%s applied; %u of %u VFs not ready (timed out after %g s): %s%s",
		     pf->l.addr, w->late, w->vfs, timeout, w->named.p, more);
	else if (!strcmp(state, "applied"))
		warn("%s applied; %u of %u VFs not on their driver, and none will bind them: %s%s",
		     pf->l.addr, w->late, w->vfs, w->named.p, more);
	else if (!strcmp(state, "pending") && !strcmp(inv_get(pf, "driver"), "-") &&
		 (why = no_driver_coming(pf->l.addr)))
		warn("%s pending, no driver bound and none coming (%s)%s%s",
		     pf->l.addr, why, sep, reason);
	else if (timed_out)
		warn("%s %s (timed out after %g s)%s%s", pf->l.addr, state,
		     timeout, sep, reason);
	else
		warn("%s %s%s%s", pf->l.addr, state, sep, reason);
}

int cmd_wait(int argc, char **argv)
{
	const struct timespec tick = { 0, 100 * 1000 * 1000 };
	double timeout = opt.timeout, deadline = 0, stuck_since = 0;
	struct inventory inv;
	struct pf_wait *w;
	bool timed_out = false;
	size_t i, n, open, unstuck;
	int ret = 0;

	(void)argc;
	(void)argv;
	for (;;) {
		inventory_read(&inv);
		if (!deadline) {
			if (timeout < 0)
				timeout = default_timeout(&inv);
			deadline = now_seconds() + timeout;
		}
		w = pf_waits(&inv, &n);
		for (i = 0, open = 0, unstuck = 0; i < n; i++) {
			open += !pf_settled(&w[i], false);
			unstuck += !pf_settled(&w[i], true);
		}
		if (!open)
			break;
		/*
		 * Left only with VFs that nothing will bind: so for a moment
		 * when the module has just let a held VF go to its driver and
		 * not probed it yet. Believed once it has lasted.
		 */
		if (unstuck) {
			stuck_since = 0;
		} else if (!stuck_since) {
			stuck_since = now_seconds();
		} else if (now_seconds() - stuck_since >= WAIT_STUCK_SECONDS) {
			break;
		}
		if (now_seconds() >= deadline) {
			timed_out = true;
			break;
		}
		pf_waits_free(w, n);
		inventory_free(&inv);
		nanosleep(&tick, NULL);
	}
	for (i = 0; i < n; i++) {
		if (!strcmp(inv_get(w[i].pf, "state"), "applied") &&
		    !w[i].settings && !w[i].late)
			continue;
		tell(&w[i], timed_out, timeout);
		ret = EX_FAIL;
	}
	pf_waits_free(w, n);
	inventory_free(&inv);
	return ret;
}
