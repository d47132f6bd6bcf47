// SPDX-License-Identifier: GPL-2.0
/*
 * Per-VF settings (MAC, VLAN with priority and protocol, spoof check,
 * trust, link state, RSS query, TX rates, InfiniBand GUIDs), applied
 * through the PF network device's own VF operations: the ones "ip link set
 * PF vf N ..." reaches through rtnetlink (net/core/rtnetlink.c,
 * do_setvfinfo()). They live in the PF driver, not in the VF: they are
 * lost when the VFs are destroyed, so they are applied again whenever VFs
 * appear (the bus notifier queues a pass), and only where the driver's
 * current value differs, since some drivers reset the VF on every set
 * (i40e and ice do on a MAC write; igb asks for the VF driver's reload).
 *
 * This file owns struct sriovh_vfset: the values configfs and the vf=
 * parameter store into it, and the results the passes write.
 *
 * Every key is applied on its own: a driver that lacks an operation or
 * refuses a value fails that key, named in status with the driver and
 * the errno, and every other key of the VF is still set. Keys that one
 * operation carries together fail together: vlan, qos and vlan_proto
 * (ndo_set_vf_vlan), min_tx_rate and max_tx_rate (ndo_set_vf_rate).
 *
 * msix, the VF's MSI-X vector count, is the PCI core's, not the netdev's:
 * it goes through the PF driver's sriov_set_msix_vec_count() while the VF
 * has no driver (sriovh_vf_set_msix()).
 *
 * Rates depend on the PF's link: igb takes a VF rate only with the link up
 * and drops every VF's rate when the link speed changes
 * (igb_ndo_set_vf_bw(), igb_check_vf_rate_limit()), ixgbe checks the rate
 * against the link speed (ixgbe_ndo_set_vf_bw()). Creating VFs resets the
 * link of both (igb_sriov_reinit()), so a pass right after it can be
 * refused: every carrier-up of a PF netdev queues another pass, which sets
 * again whatever differs.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "sriov_helper.h"

#define SRIOVH_VK(k)	(1u << SRIOVH_VK_##k)
#define SRIOVH_VK_VLANS	(SRIOVH_VK(VLAN) | SRIOVH_VK(QOS) | SRIOVH_VK(VLAN_PROTO))
#define SRIOVH_VK_RATES	(SRIOVH_VK(MIN_TX_RATE) | SRIOVH_VK(MAX_TX_RATE))
/* What goes through the PF's netdev; vf_driver and msix: the PCI core's. */
#define SRIOVH_VK_NETDEV	(~(SRIOVH_VK(VF_DRIVER) | SRIOVH_VK(MSIX)) & \
				 ((1u << SRIOVH_NR_VKEYS) - 1))

/* For "igb has no VF <what> control": the operation each key needs. */
static const char * const sriovh_vk_op[SRIOVH_NR_VKEYS] = {
	[SRIOVH_VK_MAC] = "MAC",
	[SRIOVH_VK_VLAN] = "VLAN",
	[SRIOVH_VK_QOS] = "VLAN",
	[SRIOVH_VK_VLAN_PROTO] = "VLAN",
	[SRIOVH_VK_SPOOFCHK] = "spoof check",
	[SRIOVH_VK_TRUST] = "trust",
	[SRIOVH_VK_LINK_STATE] = "link state",
	[SRIOVH_VK_QUERY_RSS] = "RSS query",
	[SRIOVH_VK_MIN_TX_RATE] = "rate limit",
	[SRIOVH_VK_MAX_TX_RATE] = "rate limit",
	[SRIOVH_VK_NODE_GUID] = "GUID",
	[SRIOVH_VK_PORT_GUID] = "GUID",
	[SRIOVH_VK_VF_DRIVER] = "driver",
	[SRIOVH_VK_MSIX] = "MSI-X count",
};

/*
 * A set's generation: new at its allocation and at every store, and
 * never the same for two sets, so that a pass's copy (rules.c), which
 * names a set by its address and generation, cannot take a set made at a
 * freed one's address for it.
 */
static atomic_t sriovh_vfset_gens = ATOMIC_INIT(0);

struct sriovh_vfset *sriovh_vfset_alloc(enum sriovh_source source,
					const struct sriovh_target *pf,
					u16 first, u16 last)
{
	struct sriovh_vfset *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return NULL;
	INIT_LIST_HEAD(&s->node);
	s->source = source;
	s->pf = *pf;
	s->first = first;
	s->last = last;
	s->gen = (u32)atomic_inc_return(&sriovh_vfset_gens);
	return s;
}

/**
 * sriovh_vfset_store_locked() - set or unset one key of a set
 * @s: the set
 * @k: the key
 * @in: where the new value is (ignored when unsetting)
 * @set: set it (true) or leave it to the driver from now on (false)
 * @why: on a refusal, a static description
 *
 * The set must stay one request a driver could take (parse.c,
 * sriovh_vfvals_conflict()); otherwise nothing changes.
 *
 * Return: 0, or -EINVAL with @why set.
 */
int sriovh_vfset_store_locked(struct sriovh_vfset *s, enum sriovh_vf_key k,
			      const struct sriovh_vfvals *in, bool set,
			      const char **why)
{
	struct sriovh_vfvals v = s->v, src = *in;
	enum sriovh_vf_key bad;

	lockdep_assert_held(&sriovh_lock);
	src.set = set ? 1u << k : 0;
	sriovh_vfvals_take(&v, &src, k);
	if (!set && k == SRIOVH_VK_VLAN &&
	    (v.set & (SRIOVH_VK(QOS) | SRIOVH_VK(VLAN_PROTO)))) {
		*why = "qos and vlan_proto go with the VLAN: clear them first";
		return -EINVAL;
	}
	*why = sriovh_vfvals_conflict(&v, s->first == s->last, &bad);
	if (*why)
		return -EINVAL;
	s->v = v;
	s->gen = (u32)atomic_inc_return(&sriovh_vfset_gens);
	s->done = false;
	if (k == SRIOVH_VK_MSIX)
		s->msix_table = 0;	/* what the driver gave for the old count */
	return 0;
}

static unsigned int sriovh_vfset_failed_keys(const struct sriovh_vfset *s)
{
	unsigned int k, mask = 0;

	for (k = 0; k < SRIOVH_NR_VKEYS; k++)
		if ((s->v.set & (1u << k)) && s->res[k].failed)
			mask |= 1u << k;
	return mask;
}

/* unset, pending, applied, waiting or failed: the inventory's word. */
const char *sriovh_vfset_state_locked(const struct sriovh_vfset *s)
{
	lockdep_assert_held(&sriovh_lock);
	if (!s->v.set)
		return "unset";
	if (!s->done)
		return "pending";
	if (sriovh_vfset_failed_keys(s))
		return "failed";
	return (int)s->last >= s->numvfs ? "waiting" : "applied";
}

/* "waiting: VF 9 does not exist (7 VFs)", for VFs of the set not there. */
static int sriovh_vfset_waiting(const struct sriovh_vfset *s, char *buf,
				size_t len)
{
	u16 from = max_t(int, s->first, s->numvfs);

	if (from == s->last)
		return scnprintf(buf, len, "waiting: VF %u does not exist (%d VFs)\n",
				 from, s->numvfs);
	return scnprintf(buf, len, "waiting: VFs %u-%u do not exist (%d VFs)\n",
			 from, s->last, s->numvfs);
}

/* The keys one driver operation carries together with @k. */
static u32 sriovh_vk_group(enum sriovh_vf_key k)
{
	if (SRIOVH_VK_VLANS & (1u << k))
		return SRIOVH_VK_VLANS;
	if (SRIOVH_VK_RATES & (1u << k))
		return SRIOVH_VK_RATES;
	return 1u << k;
}

/* Key @k is set in the PF's table, but the VF's own netdev shows another. */
static bool sriovh_vfres_stale(const struct sriovh_vfset *s,
			       enum sriovh_vf_key k)
{
	return k == SRIOVH_VK_MAC && s->res[k].err == -EAGAIN &&
	       s->stale.why != SRIOVH_STALE_NONE;
}

/* The MAC the PF has for a VF, and what the VF's own netdev shows. */
static int sriovh_stale_why(const struct sriovh_vfset *s, char *buf,
			    size_t len)
{
	const struct sriovh_vfstale *t = &s->stale;
	int n;

	n = scnprintf(buf, len, "%s has %pM for VF %u, but the VF's own %s has %pM",
		      s->drv, s->v.mac, t->vf, t->netdev, t->has);
	switch (t->why) {
	case SRIOVH_STALE_PF_DOWN:
		n += scnprintf(buf + n, len - n,
			       ": %s takes its MAC at probe, and %s answers its VFs only while its interface %s is up; the VF's driver is reloaded when %s comes up, if %s is down then",
			       t->vf_drv, s->drv, t->pf_netdev, t->pf_netdev,
			       t->netdev);
		break;
	case SRIOVH_STALE_IN_USE:
		n += scnprintf(buf + n, len - n,
			       " and is in use (up, or in another network namespace): %s takes its MAC at probe; reload it to take this one (sriov_helper does not disrupt a VF in use)",
			       t->vf_drv);
		break;
	default:
		n += scnprintf(buf + n, len - n,
			       " after its driver %s was reloaded", t->vf_drv);
		break;
	}
	return n;
}

/* Why msix was refused: the refusals of sriovh_vf_set_msix(). */
static int sriovh_msix_why(const struct sriovh_vfset *s, char *buf, size_t len)
{
	switch (s->res[SRIOVH_VK_MSIX].err) {
	case -EOPNOTSUPP:
		return scnprintf(buf, len, "%s cannot set a VF's MSI-X count",
				 s->drv);
	case -ERANGE:
		return scnprintf(buf, len,
				 "%u is above the PF's sriov_vf_total_msix, %u (the vectors %s has for its VFs)",
				 s->v.msix, s->msix_total, s->drv);
	case -EBUSY:
		if (!s->msix_bound[0])
			break;
		return scnprintf(buf, len,
				 "VF is bound to %s; the MSI-X count is set only before its first probe (re-create the VFs, e.g. write 0 then N to vfs)",
				 s->msix_bound);
	}
	return scnprintf(buf, len, "%s refused msix %u", s->drv, s->v.msix);
}

/*
 * Why key @k was refused, in words: "igb has no VF link state control",
 * "igb refused vlan 100 vlan_proto 802.1ad". Told from the errno and the
 * set's values, which are those the pass tried (a store since then
 * discards the results).
 */
static int sriovh_vfres_why(const struct sriovh_vfset *s, enum sriovh_vf_key k,
			    char *buf, size_t len)
{
	u32 keys = sriovh_vk_group(k) & s->v.set;
	char val[SRIOVH_VF_VALUE_STRLEN];
	int err = s->res[k].err;
	unsigned int j;
	int n;

	if (k == SRIOVH_VK_MSIX)
		return sriovh_msix_why(s, buf, len);
	if (err == -ENODEV)
		return scnprintf(buf, len, "the PF has no network device (driver %s)",
				 s->drv);
	if (sriovh_vfres_stale(s, k))
		return sriovh_stale_why(s, buf, len);
	if (k == SRIOVH_VK_VF_DRIVER)
		return scnprintf(buf, len, "not on %s (see the entry's status)",
				 sriovh_vf_driver_name(&s->v.vf_driver));
	if (err == -EOPNOTSUPP)
		return scnprintf(buf, len, "%s has no VF %s control", s->drv,
				 sriovh_vk_op[k]);
	n = scnprintf(buf, len, "%s refused", s->drv);
	for (j = 0; j < SRIOVH_NR_VKEYS; j++) {
		if (!(keys & (1u << j)))
			continue;
		sriovh_format_vf_value(j, &s->v, val, sizeof(val));
		n += scnprintf(buf + n, len - n, " %s %s", sriovh_vf_key_name(j),
			       val);
	}
	if (s->res[k].nolink)
		n += scnprintf(buf + n, len - n,
			       " with the PF's link down; set again when it comes up");
	return n;
}

/**
 * sriovh_vfset_status_locked() - vfN/status
 * @s: the set
 * @buf: a PAGE_SIZE buffer
 * @len: its size
 *
 * One line, unset, pending, applied or waiting: ...; or, when a driver
 * refused something, "failed: KEYS" and then a line per key that is set,
 * "KEY: applied" or "KEY: why (errno)".
 *
 * Return: the length written.
 */
ssize_t sriovh_vfset_status_locked(const struct sriovh_vfset *s, char *buf,
				   size_t len)
{
	unsigned int failed, k;
	const char *sep = "";
	ssize_t n = 0;

	lockdep_assert_held(&sriovh_lock);
	if (!s->v.set)
		return scnprintf(buf, len, "unset\n");
	if (!s->done)
		return scnprintf(buf, len, "pending\n");
	failed = sriovh_vfset_failed_keys(s);
	if (!failed) {
		if ((int)s->last >= s->numvfs)
			return sriovh_vfset_waiting(s, buf, len);
		return scnprintf(buf, len, "applied\n");
	}
	n += scnprintf(buf + n, len - n, "failed: ");
	for (k = 0; k < SRIOVH_NR_VKEYS; k++) {
		if (!(failed & (1u << k)))
			continue;
		n += scnprintf(buf + n, len - n, "%s%s", sep,
			       sriovh_vf_key_name(k));
		sep = ", ";
	}
	n += scnprintf(buf + n, len - n, "\n");
	for (k = 0; k < SRIOVH_NR_VKEYS; k++) {
		const struct sriovh_vfres *r = &s->res[k];

		if (!(s->v.set & (1u << k)))
			continue;
		if (!r->failed) {
			n += scnprintf(buf + n, len - n, "%s: applied\n",
				       sriovh_vf_key_name(k));
			continue;
		}
		n += scnprintf(buf + n, len - n, "%s: ", sriovh_vf_key_name(k));
		n += sriovh_vfres_why(s, k, buf + n, len - n);
		if (!sriovh_vfres_stale(s, k))
			n += scnprintf(buf + n, len - n, " (%d)", r->err);
		if (r->tried > 1)
			n += scnprintf(buf + n, len - n,
				       " on %u of %u VFs, first VF %u",
				       r->failed, r->tried, r->vf);
		n += scnprintf(buf + n, len - n, "\n");
	}
	if ((int)s->last >= s->numvfs)
		n += sriovh_vfset_waiting(s, buf + n, len - n);
	return n;
}

/**
 * sriovh_vfcfg_pending_locked() - the PF's VFs are new
 * @pf: the PF
 *
 * Re-created VFs come back with the driver's defaults: until the pass
 * sets them again, status says pending, not applied.
 */
void sriovh_vfcfg_pending_locked(struct pci_dev *pf)
{
	struct sriovh_vfset *s;

	for (s = NULL; (s = sriovh_vfset_next_locked(pf, s)); )
		s->done = false;
}

/*
 * The PF's network device that VF operations go through: a netdev of the
 * PF (any namespace: it is a child of the PF's device, wherever it lives)
 * that has them. A PF may have several: one per port (mlx4 has two, each
 * with its VFs' settings for that port) and, in switchdev mode,
 * representors, which have no VF operations. The lowest dev_port is
 * taken, the first port. Called with rtnl held, which keeps netdevs
 * registered and their ops in place.
 */
struct sriovh_nd_pick {
	struct net_device *best;
	unsigned int n;
	/* best's, copied while it is referenced (outside rtnl, it can go) */
	unsigned short port;
	char name[IFNAMSIZ];
};

static int sriovh_nd_consider(struct device *d, void *arg)
{
	struct sriovh_nd_pick *p = arg;
	const struct net_device_ops *ops;
	struct net_device *nd;

	if (!d->class || strcmp(d->class->name, "net"))
		return 0;
	nd = to_net_dev(d);
	ops = nd->netdev_ops;
	if (!ops->ndo_get_vf_config && !ops->ndo_set_vf_mac &&
	    !ops->ndo_set_vf_vlan)
		return 0;
	p->n++;
	if (!p->best || nd->dev_port < p->port) {
		p->best = nd;
		p->port = nd->dev_port;
		strscpy(p->name, nd->name, sizeof(p->name));
	}
	return 0;
}

struct net_device *sriovh_pf_netdev(struct pci_dev *pdev)
{
	struct sriovh_nd_pick p = {};

	ASSERT_RTNL();
	device_for_each_child(&pdev->dev, &p, sriovh_nd_consider);
	return p.best;
}

/*
 * Its name, for the inventory. Under rtnl, as for the settings: the
 * netdev's ops may belong to a module other than the PF driver (IPoIB's
 * child netdevs have VF operations), which the PF's device_lock does not
 * keep loaded; rtnl keeps every registered netdev's ops in place. The
 * caller holds device_lock(PF) and not sriovh_lock (the lock order).
 */
void sriovh_pf_netdev_name(struct pci_dev *pdev, char *buf, size_t len)
{
	struct sriovh_nd_pick p = {};

	rtnl_lock();
	device_for_each_child(&pdev->dev, &p, sriovh_nd_consider);
	rtnl_unlock();
	strscpy(buf, p.name, len);
}

/* What one VF's pass found, key by key, before it is merged into its set. */
struct sriovh_vf_outcome {
	int err[SRIOVH_NR_VKEYS];
	u32 tried;
	u32 nolink;	/* keys refused while the PF had no carrier */
	struct sriovh_vfstale stale;	/* err[MAC] is -EAGAIN */
	bool reload;	/* its driver is reloaded for the MAC */
	u32 msix_total;			/* for an msix -ERANGE */
	char msix_bound[32];		/* for an msix -EBUSY */
	u16 msix_table;			/* what our msix write gave */
};

/* Note @err for every key in @keys; status tells it in words. */
static void sriovh_vf_refused(struct sriovh_vf_outcome *o, u32 keys, int err)
{
	unsigned int k;

	for (k = 0; k < SRIOVH_NR_VKEYS; k++)
		if (keys & (1u << k))
			o->err[k] = err;
}

/*
 * What the driver has now, read as rtnetlink does (rtnl_fill_vfinfo()):
 * spoofchk, trusted and rss_query_en preset to -1, "the driver does not
 * report it", so that a value we cannot see is always set.
 */
static bool sriovh_vf_read(struct net_device *nd, int vf,
			   struct ifla_vf_info *ivi)
{
	memset(ivi, 0, sizeof(*ivi));
	ivi->vf = vf;
	ivi->spoofchk = -1;
	ivi->rss_query_en = -1;
	ivi->trusted = -1;
	ivi->linkstate = IFLA_VF_LINK_STATE_AUTO;
	ivi->vlan_proto = htons(ETH_P_8021Q);
	return nd->netdev_ops->ndo_get_vf_config &&
	       !nd->netdev_ops->ndo_get_vf_config(nd, vf, ivi);
}

/* An on/off the driver reported (not -1) and that is already @want. */
static bool sriovh_flag_is(bool known, u32 have, bool want)
{
	return known && have != (u32)-1 && !!have == want;
}

static void sriovh_vf_set_vlan(struct net_device *nd, int vf,
			       const struct sriovh_vfvals *v,
			       const struct ifla_vf_info *ivi, bool known,
			       struct sriovh_vf_outcome *o)
{
	const struct net_device_ops *ops = nd->netdev_ops;
	__be16 proto = htons(v->vlan_proto == SRIOVH_PROTO_8021AD ?
			     ETH_P_8021AD : ETH_P_8021Q);
	int ret;

	if (known && ivi->vlan == v->vlan && ivi->qos == v->qos &&
	    ivi->vlan_proto == proto)
		return;
	ret = ops->ndo_set_vf_vlan ?
	      ops->ndo_set_vf_vlan(nd, vf, v->vlan, v->qos, proto) :
	      -EOPNOTSUPP;
	if (ret)
		sriovh_vf_refused(o, v->set & SRIOVH_VK_VLANS, ret);
}

static void sriovh_vf_set_rate(struct net_device *nd, int vf,
			       const struct sriovh_vfvals *v,
			       const struct ifla_vf_info *ivi, bool known,
			       struct sriovh_vf_outcome *o)
{
	const struct net_device_ops *ops = nd->netdev_ops;
	/* A rate not given stays what the driver has, as ip link does. */
	u32 min = v->set & SRIOVH_VK(MIN_TX_RATE) ? v->min_tx_rate :
		  known ? ivi->min_tx_rate : 0;
	u32 max = v->set & SRIOVH_VK(MAX_TX_RATE) ? v->max_tx_rate :
		  known ? ivi->max_tx_rate : 0;
	int ret;

	if (known && ivi->min_tx_rate == min && ivi->max_tx_rate == max)
		return;
	ret = ops->ndo_set_vf_rate ?
	      ops->ndo_set_vf_rate(nd, vf, (int)min, (int)max) : -EOPNOTSUPP;
	if (!ret)
		return;
	sriovh_vf_refused(o, v->set & SRIOVH_VK_RATES, ret);
	if (ret != -EOPNOTSUPP && !netif_carrier_ok(nd))
		o->nolink |= v->set & SRIOVH_VK_RATES;
}

/* InfiniBand GUIDs, only on InfiniBand netdevs (as rtnetlink checks). */
static void sriovh_vf_set_guid(struct net_device *nd, int vf,
			       const struct sriovh_vfvals *v,
			       struct sriovh_vf_outcome *o)
{
	const struct net_device_ops *ops = nd->netdev_ops;
	struct ifla_vf_guid node = {}, port = {};
	bool known = false;
	int ret;

	if (nd->type != ARPHRD_INFINIBAND || !ops->ndo_set_vf_guid) {
		sriovh_vf_refused(o, v->set & (SRIOVH_VK(NODE_GUID) |
					       SRIOVH_VK(PORT_GUID)), -EOPNOTSUPP);
		return;
	}
	if (ops->ndo_get_vf_guid)
		known = !ops->ndo_get_vf_guid(nd, vf, &node, &port);
	if ((v->set & SRIOVH_VK(NODE_GUID)) &&
	    !(known && node.guid == v->node_guid)) {
		ret = ops->ndo_set_vf_guid(nd, vf, v->node_guid,
					   IFLA_VF_IB_NODE_GUID);
		if (ret)
			sriovh_vf_refused(o, 1u << SRIOVH_VK_NODE_GUID, ret);
	}
	if ((v->set & SRIOVH_VK(PORT_GUID)) &&
	    !(known && port.guid == v->port_guid)) {
		ret = ops->ndo_set_vf_guid(nd, vf, v->port_guid,
					   IFLA_VF_IB_PORT_GUID);
		if (ret)
			sriovh_vf_refused(o, 1u << SRIOVH_VK_PORT_GUID, ret);
	}
}

/* Called with rtnl held: set what differs of @v on VF @vf of @nd. */
static void sriovh_vf_apply(struct net_device *nd, int vf,
			    const struct sriovh_vfvals *v,
			    struct sriovh_vf_outcome *o)
{
	const struct net_device_ops *ops = nd->netdev_ops;
	struct ifla_vf_info ivi;
	bool known = sriovh_vf_read(nd, vf, &ivi);
	int ret;

	if ((v->set & SRIOVH_VK(MAC)) &&
	    !(known && ether_addr_equal(ivi.mac, v->mac))) {
		ret = ops->ndo_set_vf_mac ?
		      ops->ndo_set_vf_mac(nd, vf, (u8 *)v->mac) : -EOPNOTSUPP;
		if (ret)
			sriovh_vf_refused(o, 1u << SRIOVH_VK_MAC, ret);
	}
	if (v->set & SRIOVH_VK(VLAN))
		sriovh_vf_set_vlan(nd, vf, v, &ivi, known, o);
	if ((v->set & SRIOVH_VK(SPOOFCHK)) &&
	    !sriovh_flag_is(known, ivi.spoofchk, v->spoofchk)) {
		ret = ops->ndo_set_vf_spoofchk ?
		      ops->ndo_set_vf_spoofchk(nd, vf, v->spoofchk) :
		      -EOPNOTSUPP;
		if (ret)
			sriovh_vf_refused(o, 1u << SRIOVH_VK_SPOOFCHK, ret);
	}
	if ((v->set & SRIOVH_VK(TRUST)) &&
	    !sriovh_flag_is(known, ivi.trusted, v->trust)) {
		ret = ops->ndo_set_vf_trust ?
		      ops->ndo_set_vf_trust(nd, vf, v->trust) : -EOPNOTSUPP;
		if (ret)
			sriovh_vf_refused(o, 1u << SRIOVH_VK_TRUST, ret);
	}
	if ((v->set & SRIOVH_VK(LINK_STATE)) &&
	    !(known && ivi.linkstate == v->link_state)) {
		ret = ops->ndo_set_vf_link_state ?
		      ops->ndo_set_vf_link_state(nd, vf, v->link_state) :
		      -EOPNOTSUPP;
		if (ret)
			sriovh_vf_refused(o, 1u << SRIOVH_VK_LINK_STATE, ret);
	}
	if ((v->set & SRIOVH_VK(QUERY_RSS)) &&
	    !sriovh_flag_is(known, ivi.rss_query_en, v->query_rss)) {
		ret = ops->ndo_set_vf_rss_query_en ?
		      ops->ndo_set_vf_rss_query_en(nd, vf, v->query_rss) :
		      -EOPNOTSUPP;
		if (ret)
			sriovh_vf_refused(o, 1u << SRIOVH_VK_QUERY_RSS, ret);
	}
	if (v->set & SRIOVH_VK_RATES)
		sriovh_vf_set_rate(nd, vf, v, &ivi, known, o);
	if (v->set & (SRIOVH_VK(NODE_GUID) | SRIOVH_VK(PORT_GUID)))
		sriovh_vf_set_guid(nd, vf, v, o);
}

/*
 * msix: the VF's MSI-X vector count, what its sriov_vf_msix_count
 * attribute sets (sriov_vf_msix_count_store(), drivers/pci/iov.c): the PF
 * driver's sriov_set_msix_vec_count() (mlx5 and ice have one), with the
 * PF's device_lock held (the caller's) and the VF's, and only while the VF
 * has no driver: a VF driver sizes its queues and vectors at probe from
 * the count it finds, so the kernel refuses a bound VF with -EBUSY, as we
 * do. New VFs are held unbound until a pass has been over them once
 * (vfdrv.c, apply.c), which is when this sets them; a VF bound already is
 * not unbound for it: status says how to get there. The bound is the PF's
 * sriov_vf_total_msix (sriov_vf_total_msix_show()). The VF's lock is
 * tried, never waited for (sriovh_vf_trylock()).
 *
 * What the VF has is its MSI-X Table Size (pci_msix_vec_count()), read
 * without a lock as lspci does: equal, nothing is written. ice gives a VF
 * one vector more than asked, for its mailbox
 * (ice_sriov_set_msix_vec_count()), so the size our write gave (@table,
 * remembered by the set) counts as what was asked too.
 *
 * Return: false when the VF's lock was busy: judged in a later pass.
 */
static bool sriovh_vf_set_msix(struct pci_dev *pdev, struct pci_dev *vf,
			       const struct sriovh_vfvals *v, u16 table,
			       struct sriovh_vf_outcome *o, char *busy,
			       size_t len)
{
	struct pci_driver *drv = pdev->driver;
	const char *bound;
	int have, ret;
	u32 total;

	have = pci_msix_vec_count(vf);
	if (have == v->msix || (table && have == table))
		return true;
	if (!drv || !drv->sriov_set_msix_vec_count) {
		sriovh_vf_refused(o, SRIOVH_VK(MSIX), -EOPNOTSUPP);
		return true;
	}
	if (drv->sriov_get_vf_total_msix) {
		total = drv->sriov_get_vf_total_msix(pdev);
		if (v->msix > total) {
			o->msix_total = total;
			sriovh_vf_refused(o, SRIOVH_VK(MSIX), -ERANGE);
			return true;
		}
	}
	if (!sriovh_vf_trylock(vf, busy, len))
		return false;
	bound = sriovh_driver_of(vf);
	if (bound) {
		strscpy(o->msix_bound, bound, sizeof(o->msix_bound));
		ret = -EBUSY;
	} else {
		ret = drv->sriov_set_msix_vec_count(vf, v->msix);
		have = ret ? 0 : pci_msix_vec_count(vf);
		if (have > 0)
			o->msix_table = (u16)have;
	}
	device_unlock(&vf->dev);
	if (ret)
		sriovh_vf_refused(o, SRIOVH_VK(MSIX), ret);
	return true;
}

/*
 * vf_driver of a set: is the VF where it was sent? Called with
 * device_lock(VF), which keeps its driver (and the name) in place.
 */
static void sriovh_vf_check_driver(struct pci_dev *vf,
				   const struct sriovh_vfdrv *d,
				   struct sriovh_vf_outcome *o)
{
	if (!sriovh_vf_there(sriovh_driver_of(vf), d))
		o->err[SRIOVH_VK_VF_DRIVER] = -EBUSY;
}

/* A pass begins: forget the last results of a set of the PF. */
static void sriovh_vfset_begin(struct sriovh_vfset *s,
			       const struct sriovh_vfset *proto)
{
	s->pass_gen = s->gen;
	s->numvfs = proto->numvfs;
	strscpy(s->drv, proto->drv, sizeof(s->drv));
	memset(s->res, 0, sizeof(s->res));
	memset(&s->stale, 0, sizeof(s->stale));
	s->reloading = false;
}

/*
 * A pass ends: results stand for the generation they were collected for.
 * Return: whether the set has a refused setting.
 */
static bool sriovh_vfset_end(struct sriovh_vfset *s)
{
	if (s->pass_gen != s->gen)
		return false;
	/* A VF's driver reloaded for its MAC: the next pass tells. */
	s->done = !s->reloading;
	return s->done && sriovh_vfset_failed_keys(s);
}

/* One VF's outcome into the results of its set, unless it was rewritten. */
static void sriovh_vfset_merge(struct sriovh_vfset *s, u16 index,
			       const struct sriovh_vf_outcome *o)
{
	unsigned int k;

	if (s->pass_gen != s->gen)
		return;
	s->reloading |= o->reload;
	for (k = 0; k < SRIOVH_NR_VKEYS; k++) {
		struct sriovh_vfres *r = &s->res[k];

		if (!(o->tried & (1u << k)))
			continue;
		r->tried++;
		if (!o->err[k])
			continue;
		if (!r->failed++) {
			r->err = o->err[k];
			r->vf = index;
			r->nolink = o->nolink & (1u << k);
			if (k == SRIOVH_VK_MAC && o->err[k] == -EAGAIN)
				s->stale = o->stale;
			if (k == SRIOVH_VK_MSIX) {
				s->msix_total = o->msix_total;
				strscpy(s->msix_bound, o->msix_bound,
					sizeof(s->msix_bound));
			}
		}
	}
	if (o->msix_table)
		s->msix_table = o->msix_table;
}

/* The PF's side of a check pass, read once under rtnl. */
struct sriovh_pf_view {
	char name[IFNAMSIZ];	/* its netdev */
	bool up;		/* netif_running(): it answers its VFs */
	bool may_reload;	/* no reload was spent since the last request */
	struct list_head *reload;	/* NULL: no check (VFs still held) */
};

static int sriovh_nd_of_vf(struct device *d, void *arg)
{
	struct net_device **nd = arg;

	if (!d->class || strcmp(d->class->name, "net"))
		return 0;
	*nd = to_net_dev(d);
	return 1;
}

/* In use: up, or moved into another namespace (a container's). */
static bool sriovh_nd_in_use(struct net_device *nd)
{
	return netif_running(nd) || !net_eq(dev_net(nd), &init_net);
}

/**
 * sriovh_vf_netdev_idle() - may the VF's driver be reloaded now?
 * @vf: the VF
 *
 * Asked again just before a reload that a check pass decided: between
 * the two, with no lock of ours held, the network configuration may have
 * brought the VF's interface up, and a reload would take it down under
 * its user. rtnl keeps the netdev registered while it is read.
 *
 * Return: true when its netdev is down and in the initial namespace.
 */
bool sriovh_vf_netdev_idle(struct pci_dev *vf)
{
	struct net_device *nd = NULL;
	bool idle;

	rtnl_lock();
	device_for_each_child(&vf->dev, &nd, sriovh_nd_of_vf);
	idle = nd && !sriovh_nd_in_use(nd);
	rtnl_unlock();
	return idle;
}

/*
 * Does the VF's own netdev show @mac, the MAC its PF has for it? A VF
 * driver takes it at probe (igbvf asks igb in its reset, which igb
 * answers only while its own interface is up, igb_msg_task(); igb says
 * "Reload the VF driver to make this change effective" on a change):
 * one that does not is reloaded when nobody uses it and its PF can
 * answer, and status says so otherwise. A VF without a driver, or on a
 * vfio driver, reads the PF's table at its (or its guest's) probe: that
 * is what it sees. Called with device_lock(PF) held; the VF's is tried
 * (its driver must stay while its netdev is read) and rtnl taken inside
 * it, the order of the VF drivers' own probes (register_netdev()).
 *
 * Return: false when the VF's lock was busy.
 */
static bool sriovh_vf_mac_seen(struct pci_dev *vf, u16 index, const u8 *mac,
			       const struct sriovh_pf_view *pv,
			       struct sriovh_vf_outcome *o, char *busy,
			       size_t len)
{
	struct sriovh_vfstale *t = &o->stale;
	struct net_device *nd = NULL;

	if (!sriovh_vf_trylock(vf, busy, len))
		return false;
	if (!vf->dev.driver || sriovh_dev_on_vfio(&vf->dev))
		goto out;
	rtnl_lock();
	device_for_each_child(&vf->dev, &nd, sriovh_nd_of_vf);
	if (nd && !ether_addr_equal(nd->dev_addr, mac)) {
		t->vf = index;
		ether_addr_copy(t->has, nd->dev_addr);
		strscpy(t->netdev, nd->name, sizeof(t->netdev));
		strscpy(t->pf_netdev, pv->name, sizeof(t->pf_netdev));
		strscpy(t->vf_drv, vf->dev.driver->name, sizeof(t->vf_drv));
		if (sriovh_nd_in_use(nd))
			t->why = SRIOVH_STALE_IN_USE;
		else if (!pv->up)
			t->why = SRIOVH_STALE_PF_DOWN;
		else if (pv->may_reload &&
			 !sriovh_vfdrv_list_reload(vf, pv->reload))
			o->reload = true;
		else
			t->why = SRIOVH_STALE_RELOADED;
		if (t->why)
			o->err[SRIOVH_VK_MAC] = -EAGAIN;
	}
	rtnl_unlock();
out:
	device_unlock(&vf->dev);
	return true;
}

/*
 * The set that @cs was copied from, if it is still the one in force for
 * VF @index, unchanged (a store gives it a new generation and queues a
 * pass of its own); else NULL. Under sriovh_lock: only then is the set's
 * memory sure, and @cs->id is compared before it is read through.
 */
static struct sriovh_vfset *
sriovh_vfset_live_locked(struct pci_dev *pdev, u16 index,
			 const struct sriovh_conf_set *cs)
{
	struct sriovh_vfset *set = sriovh_vfset_for_locked(pdev, index);

	lockdep_assert_held(&sriovh_lock);
	return set == cs->id && set->gen == cs->gen ? set : NULL;
}

/*
 * Is @s, as it is now, one of the sets the pass copied (@conf)? Called
 * for the PF's live sets in sriovh_vfset_next_locked() order, the order
 * they were copied in, with *@at 0 for the first: sets are only ever
 * added at a list's tail and removed, so the search goes on from the last
 * one found, and a walk costs one pass over the copy.
 */
static bool sriovh_vfset_in_conf(const struct sriovh_conf *conf,
				 const struct sriovh_vfset *s,
				 unsigned int *at)
{
	unsigned int i;

	for (i = *at; i < conf->nr_sets; i++) {
		if (conf->sets[i].id != s)
			continue;
		*at = i + 1;
		return conf->sets[i].gen == s->gen;
	}
	return false;
}

/*
 * One VF: its set's values as the pass copied them (@conf), its driver
 * checked and its MSI-X count set under its own device_lock, the rest set
 * under rtnl, what the VF sees checked, and the outcome merged back into
 * the set if it is still the one in force, at the same generation.
 */
static bool sriovh_vfcfg_one(struct pci_dev *pdev, struct pci_dev *vf,
			     const struct sriovh_conf *conf,
			     const struct sriovh_pf_view *pv, bool *no_netdev,
			     char *busy, size_t len)
{
	const struct sriovh_conf_set *cs;
	struct sriovh_vf_outcome o = {};
	struct sriovh_vfset *set;
	struct sriovh_vfvals v;
	struct net_device *nd;
	int index = pci_iov_vf_id(vf);
	bool all = true;
	u16 table = 0;

	if (index < 0)
		return true;
	cs = sriovh_conf_set_for(conf, (u16)index);
	if (!cs)
		return true;
	v = cs->v;
	/*
	 * What our own write gave, a result the set keeps across passes
	 * while its msix stays (a store of msix clears it): a store of
	 * another key since the copy does not make it write again.
	 */
	if (v.set & SRIOVH_VK(MSIX)) {
		mutex_lock(&sriovh_lock);
		set = sriovh_vfset_for_locked(pdev, (u16)index);
		if (set == cs->id && set->v.msix == v.msix)
			table = set->msix_table;
		mutex_unlock(&sriovh_lock);
	}

	o.tried = v.set;
	/*
	 * The VF's lock is tried, not waited for, with the PF's held: a VF
	 * whose unbind waits in vfio for a VM holds it that long. Its
	 * driver is then not judged in this pass (the caller comes back).
	 */
	if (v.set & SRIOVH_VK(VF_DRIVER)) {
		if (sriovh_vf_trylock(vf, busy, len)) {
			sriovh_vf_check_driver(vf, &v.vf_driver, &o);
			device_unlock(&vf->dev);
		} else {
			o.tried &= ~SRIOVH_VK(VF_DRIVER);
			all = false;
		}
	}
	/* Before the netdev's keys: ice rebuilds the VF's VSI for a count. */
	if ((v.set & SRIOVH_VK(MSIX)) &&
	    !sriovh_vf_set_msix(pdev, vf, &v, table, &o, busy, len)) {
		o.tried &= ~SRIOVH_VK(MSIX);
		all = false;
	}
	if (v.set & SRIOVH_VK_NETDEV) {
		rtnl_lock();
		nd = sriovh_pf_netdev(pdev);
		if (nd)
			sriovh_vf_apply(nd, index, &v, &o);
		rtnl_unlock();
		if (!nd) {
			*no_netdev = true;
			sriovh_vf_refused(&o, v.set & SRIOVH_VK_NETDEV, -ENODEV);
		}
	}
	if ((v.set & SRIOVH_VK(MAC)) && !o.err[SRIOVH_VK_MAC] && pv->reload &&
	    !sriovh_vf_mac_seen(vf, (u16)index, v.mac, pv, &o, busy, len)) {
		o.tried &= ~SRIOVH_VK(MAC);
		all = false;
	}

	mutex_lock(&sriovh_lock);
	set = sriovh_vfset_live_locked(pdev, (u16)index, cs);
	if (set)
		sriovh_vfset_merge(set, (u16)index, &o);
	mutex_unlock(&sriovh_lock);
	return all;
}

/**
 * sriovh_vfcfg_apply() - apply the per-VF settings of a PF
 * @pdev: the PF, device_lock held (so its VFs and their count hold still)
 * @conf: what is configured for it: the sets applied, and the only ones
 *	whose results this pass writes
 * @may_reload: VF drivers may be reloaded for their MAC (once per request)
 * @reload: NULL while new VFs are held unbound (the settings go into the
 *	PF's table before their first probe); else each VF's own view is
 *	checked too, and the VFs whose driver is to be reloaded for their
 *	MAC are listed here, for sriovh_bind_run() once the PF's lock
 *	is let go
 * @out: what the pass found, for the PF's record (apply.c keeps it)
 * @busy: where to name the first VF whose device_lock was busy
 * @len: its size
 *
 * rtnl is taken after device_lock(PF), the order of the PF drivers' own
 * sriov_configure() (igb takes rtnl inside it), and held for one VF at a
 * time.
 *
 * Return: false when a VF's lock was busy: its vf_driver and msix keys,
 * and what it sees, are judged in a later pass.
 */
bool sriovh_vfcfg_apply(struct pci_dev *pdev, const struct sriovh_conf *conf,
			bool may_reload, struct list_head *reload,
			struct sriovh_vfcfg_out *out, char *busy, size_t len)
{
	const char *drv = dev_driver_string(&pdev->dev);
	struct sriovh_vfset proto = { .numvfs = pci_num_vf(pdev) };
	struct sriovh_pf_view pv = { .reload = reload,
				     .may_reload = may_reload };
	struct net_device *nd;
	bool no_netdev = false, all = true;
	unsigned int failed = 0, at = 0;
	struct sriovh_vfset *s;
	struct pci_dev *vf;

	device_lock_assert(&pdev->dev);
	/* No set (the last vfN was removed): none failed. */
	out->counted = true;
	out->failed = 0;
	if (!conf->nr_sets)
		return true;
	strscpy(proto.drv, drv, sizeof(proto.drv));
	/*
	 * A set stored since the copy is left alone: its results are for
	 * the pass that its store queued.
	 */
	mutex_lock(&sriovh_lock);
	for (s = NULL; (s = sriovh_vfset_next_locked(pdev, s)); )
		if (sriovh_vfset_in_conf(conf, s, &at))
			sriovh_vfset_begin(s, &proto);
	mutex_unlock(&sriovh_lock);

	rtnl_lock();
	nd = sriovh_pf_netdev(pdev);
	if (nd) {
		strscpy(pv.name, netdev_name(nd), sizeof(pv.name));
		pv.up = netif_running(nd);
	}
	rtnl_unlock();

	for (vf = NULL; (vf = sriovh_next_vf(pdev, vf)); )
		if (!sriovh_vfcfg_one(pdev, vf, conf, &pv, &no_netdev, busy,
				      len))
			all = false;

	/* With a VF still to be judged, its sets stay pending. */
	at = 0;
	mutex_lock(&sriovh_lock);
	for (s = NULL; all && (s = sriovh_vfset_next_locked(pdev, s)); )
		if (sriovh_vfset_in_conf(conf, s, &at))
			failed += sriovh_vfset_end(s);
	mutex_unlock(&sriovh_lock);
	out->counted = all;
	out->failed = (u16)min_t(unsigned int, failed, U16_MAX);
	if (no_netdev)
		pci_err(pdev, "sriov_helper: no network device on this PF; per-VF settings not applied\n");
	return all;
}

/**
 * sriovh_vfcfg_link_up() - a network device of @pdev came up, or has a
 *	carrier again
 * @pdev: the device the netdev belongs to
 * @up: it came up (NETDEV_UP), rather than its carrier
 *
 * Called from the netdev notifier, so with rtnl held: rtnl -> sriovh_lock
 * is the order the passes keep. The PF gets a pass, also without per-VF
 * settings: VFs may wait for its interface (vfdrv.c, pf_up_wait). It sets
 * what the driver lost or refused while the link was down. Coming up, the
 * PF can answer its VFs: idle VFs that could not take their MAC are
 * reloaded (a new request); a carrier that comes back reloads nothing
 * (igb's own link resets, as when VFs are made, would reload them again).
 */
void sriovh_vfcfg_link_up(struct pci_dev *pdev, bool up)
{
	ASSERT_RTNL();
	if (!pdev->is_physfn)
		return;
	mutex_lock(&sriovh_lock);
	sriovh_queue_pdev_locked(pdev, up ? SRIOVH_TODO_VFS : SRIOVH_TODO_LINK);
	mutex_unlock(&sriovh_lock);
}

/**
 * sriovh_vfcfg_vf_netdev() - a VF's netdev came, or changed its address
 * @vf: the VF
 *
 * From the netdev notifier (rtnl held). What the VF shows is checked
 * again: a driver may take its MAC after its probe returned (iavf makes
 * its netdev from a work item), and status says what the VF has.
 */
void sriovh_vfcfg_vf_netdev(struct pci_dev *vf)
{
	struct pci_dev *pf = pci_physfn(vf);

	ASSERT_RTNL();
	mutex_lock(&sriovh_lock);
	if (sriovh_vfsets_any_locked(pf))
		sriovh_queue_pdev_locked(pf, SRIOVH_TODO_CHECK);
	mutex_unlock(&sriovh_lock);
}
