/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Will N VFs fit? The PCI core's own arithmetic (drivers/pci/iov.c, SR-IOV
 * 1.1 sections 3.3.10-11), free of devices so that KUnit can check it with
 * real cards' numbers. The kernel answers both failures with ENOMEM; these
 * tell them apart before the driver is asked.
 */
#ifndef _SRIOV_HELPER_PREDICT_H
#define _SRIOV_HELPER_PREDICT_H

#include <linux/types.h>

#include <sriov_helper/parse.h>

/* First VF Offset and VF Stride, which a device may change with NumVFs. */
struct sriovh_vf_layout {
	u16 offset;
	u16 stride;
};

/* Reads the layout the device reports for NumVFs = n. */
typedef int (*sriovh_layout_fn)(void *ctx, u16 n, struct sriovh_vf_layout *l);

/* Where a PF sits: its bus, devfn, and the last bus its window allows. */
struct sriovh_bus_geom {
	u8 bus;
	u8 devfn;
	u8 bus_end;
};

u32 sriovh_vf_bus(const struct sriovh_bus_geom *g,
		  const struct sriovh_vf_layout *l, u16 vf_id);
bool sriovh_layout_valid(const struct sriovh_vf_layout *l, u16 n);
bool sriovh_bus_fits(const struct sriovh_bus_geom *g,
		     const struct sriovh_vf_layout *l, u16 n);
int sriovh_bus_max_fit(const struct sriovh_bus_geom *g, u16 total,
		       sriovh_layout_fn fn, void *ctx, u16 *max);

/* One VF BAR: the size each VF needs, and how much was assigned (0: none). */
struct sriovh_iov_bar {
	u64 per_vf;
	u64 assigned;
};

u16 sriovh_mmio_max_fit(const struct sriovh_iov_bar *bars, int nbars,
			u16 total);

u16 sriovh_clamp(u16 requested, u16 fit, enum sriovh_busrange_policy policy);

#endif /* _SRIOV_HELPER_PREDICT_H */
