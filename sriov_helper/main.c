// SPDX-License-Identifier: GPL-2.0
/*
 * sriov_helper: per-PF VF counts applied when the PF's driver binds, from
 * module parameters and configfs.
 */
#include <linux/module.h>

#include "sriov_helper.h"

static int __init sriovh_init(void)
{
	int ret;

	/* Parse everything first: a bad value must change nothing. */
	ret = sriovh_params_init();
	if (ret)
		return ret;

	ret = sriovh_wq_init();
	if (ret)
		goto err_params;

	ret = sriovh_bind_init();
	if (ret)
		goto err_wq;

	ret = sriovh_irq_init();
	if (ret)
		goto err_bind;

	sriovh_inventory_init();

	ret = sriovh_configfs_init();
	if (ret)
		goto err_inventory;

	/* Last: from here on, binds queue work. */
	ret = sriovh_notify_init();
	if (ret)
		goto err_configfs;

	return 0;

err_configfs:
	sriovh_configfs_exit();
err_inventory:
	sriovh_inventory_exit();
	sriovh_irq_sources_exit();
	/* A PF's carrier coming up has queued a pass since irq_init (vfcfg.c). */
	sriovh_pfs_stop();
	sriovh_irq_stop();
err_bind:
	sriovh_bind_exit();
err_wq:
	sriovh_wq_exit();
	sriovh_pfs_free();
err_params:
	sriovh_params_exit();
	return ret;
}

/*
 * The reverse of init, with the work stopped between the notifiers and the
 * workqueue: no callback can queue once the notifiers are gone, the apply
 * work (which may kick the IRQ work) is cancelled before the IRQ work,
 * and no work is left to run after that. VFs and their IRQs stay as they
 * are, except VFs still held for a pass that will not run: they go to
 * their driver.
 */
static void __exit sriovh_exit(void)
{
	sriovh_notify_exit();
	sriovh_irq_sources_exit();
	sriovh_pfs_stop();
	sriovh_irq_stop();
	/* No pass runs now; the rules, which name the VFs' drivers, remain. */
	sriovh_vfdrv_release_all();
	sriovh_bind_exit();
	sriovh_wq_exit();
	sriovh_inventory_exit();
	sriovh_configfs_exit();
	sriovh_pfs_free();
	sriovh_params_exit();
}

module_init(sriovh_init);
module_exit(sriovh_exit);

MODULE_DESCRIPTION("SR-IOV helper: VF counts applied at PF driver bind, VF IRQs spread");
MODULE_AUTHOR("The sriov_helper authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(SRIOVH_VERSION);
