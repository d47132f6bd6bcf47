// SPDX-License-Identifier: GPL-2.0
/*
 * The fit predictions of predict.h. No locks, no devices: the caller reads
 * the capability and passes numbers in.
 */
#include <linux/errno.h>
#include <linux/minmax.h>

#include <sriov_helper/predict.h>

/* The bus of VF vf_id (0-based), as pci_iov_virtfn_bus() computes it. */
u32 sriovh_vf_bus(const struct sriovh_bus_geom *g,
		  const struct sriovh_vf_layout *l, u16 vf_id)
{
	/* u32: a carry past bus 0xff must not wrap around to bus 0. */
	return g->bus + ((g->devfn + (u32)l->offset +
			  (u32)l->stride * vf_id) >> 8);
}

/* sriov_enable() refuses offset 0, and stride 0 with more than one VF. */
bool sriovh_layout_valid(const struct sriovh_vf_layout *l, u16 n)
{
	return !n || (l->offset && (n == 1 || l->stride));
}

/* Does the last of n VFs fall inside the PF bus's window? */
bool sriovh_bus_fits(const struct sriovh_bus_geom *g,
		     const struct sriovh_vf_layout *l, u16 n)
{
	return !n || sriovh_vf_bus(g, l, n - 1) <= g->bus_end;
}

/**
 * sriovh_bus_max_fit() - the largest VF count whose routing IDs fit
 * @g: where the PF sits
 * @total: sriov_totalvfs
 * @fn: reads the layout for a given NumVFs
 * @ctx: for @fn
 * @max: the answer, 0 when not even one VF fits
 *
 * Walks down from @total, since offset and stride may change with NumVFs.
 * Return: 0, or the error of @fn.
 */
int sriovh_bus_max_fit(const struct sriovh_bus_geom *g, u16 total,
		       sriovh_layout_fn fn, void *ctx, u16 *max)
{
	struct sriovh_vf_layout l;
	u16 n;
	int ret;

	for (n = total; n > 0; n--) {
		ret = fn(ctx, n, &l);
		if (ret)
			return ret;
		if (sriovh_layout_valid(&l, n) && sriovh_bus_fits(g, &l, n))
			break;
	}
	*max = n;
	return 0;
}

/*
 * The largest VF count whose BARs fit what was assigned. A VF BAR with no
 * assignment fits no VF at all: sriov_enable() refuses any count then.
 */
u16 sriovh_mmio_max_fit(const struct sriovh_iov_bar *bars, int nbars,
			u16 total)
{
	u64 fit = total;
	int i;

	for (i = 0; i < nbars; i++) {
		if (!bars[i].per_vf)
			continue;
		fit = min(fit, bars[i].assigned / bars[i].per_vf);
	}
	return (u16)fit;
}

/*
 * How many VFs to enable when only @fit fit: all that were asked when they
 * fit, the largest count that fits under the clamp policy, 0 (enable
 * nothing) under the fail policy or when nothing fits.
 */
u16 sriovh_clamp(u16 requested, u16 fit, enum sriovh_busrange_policy policy)
{
	if (requested <= fit)
		return requested;
	return policy == SRIOVH_BUSRANGE_CLAMP ? fit : 0;
}
