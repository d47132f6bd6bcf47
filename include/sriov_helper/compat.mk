# SPDX-License-Identifier: GPL-2.0
# Feature probes for compat.h, included by Kbuild and kunit/Kbuild: what the
# kernel's own headers declare, not which version they claim (stable series
# backport API changes).
sriovh_have = $(shell grep -qs '$(1)' $(srctree)/include/linux/$(2) && echo -D$(3))

# driver_override moved from pci_dev into struct device upstream, and the
# move was backported: Debian's 6.12.95 has it, its 6.1 has not.
ccflags-y += $(call sriovh_have,device_set_driver_override,device.h,SRIOVH_HAVE_DEVICE_DRIVER_OVERRIDE)
