# SPDX-License-Identifier: GPL-2.0
# Feature probes for compat.h, included by Kbuild and kunit/Kbuild: what the
# kernel's own headers declare, not which version they claim (stable series
# backport API changes).
sriovh_have = $(shell grep -qs '$(1)' $(srctree)/include/linux/$(2) && echo -D$(3))

# driver_override moved from pci_dev into struct device upstream, and the
# move was backported: Debian's 6.12.95 has it, its 6.1 has not.
ccflags-y += $(call sriovh_have,device_set_driver_override,device.h,SRIOVH_HAVE_DEVICE_DRIVER_OVERRIDE)

# Where sriov_numvfs_store() takes pci_rescan_remove_lock around
# sriov_configure() (6.1.165+, 6.12.75+) or took no rescan lock at all, the
# apply work takes it likewise; 6.1.157-164 and 6.12.54-74 took it inside
# sriov_add_vfs(), where ours would deadlock, and other series are not
# known here. The lock lives in drivers/pci/iov.c, which no header shows:
# this one probe has to go by the release (VERSION, PATCHLEVEL, SUBLEVEL
# from the kernel's Makefile).
sriovh_rescan_ok :=
ifeq ($(VERSION).$(PATCHLEVEL),6.1)
sriovh_rescan_ok := $(shell [ $(SUBLEVEL) -lt 157 ] || [ $(SUBLEVEL) -ge 165 ] && echo y)
endif
ifeq ($(VERSION).$(PATCHLEVEL),6.12)
sriovh_rescan_ok := $(shell [ $(SUBLEVEL) -lt 54 ] || [ $(SUBLEVEL) -ge 75 ] && echo y)
endif
ifeq ($(sriovh_rescan_ok),y)
ccflags-y += -DSRIOVH_RESCAN_LOCK_FOR_CONFIGURE
endif
