# SPDX-License-Identifier: GPL-2.0
#
# make                 build against the running kernel (or KDIR=, KERNELRELEASE=)
# make install         install the module (then depmod), sriovctl and the man pages
# make demo            boot Debian's own 6.12 in QEMU and show the module at work
#                      (installs only what it needs; builds only the module)
# make check           all tests: builds, KUnit, VM scenarios on three kernels
# make kunit           KUnit alone
# make style / sparse  checkpatch --strict, sparse C=2
# make fuzz            fuzz the shared parser (libFuzzer), FUZZ_SECONDS=600
# make stress          the race scenarios on the debug kernel (about 10 min)
# make bench           sriov_helper against udev, .link, irqbalance, the shell
#                      (Debian's 6.12 in QEMU; writes docs/benchmarks.md's table),
#                      and the IRQ planner's own time at 508 VFs (on the host)
# make deb             Debian packages sriov-helper-dkms, sriov-helper-utils
#                      in out/deb/ (built in a copy of the tree)

KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
PREFIX ?= /usr/local
DESTDIR ?=
TESTS ?=
FUZZ_SECONDS ?= 600

PWD := $(shell pwd)

all: module

module:
	$(MAKE) -C $(KDIR) M=$(PWD) modules

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean 2>/dev/null || true
	$(MAKE) -C tools/sriovctl clean
	$(MAKE) -C $(PWD)/kunit KDIR=$(KDIR) clean 2>/dev/null || true

install: module
	$(MAKE) -C $(KDIR) M=$(PWD) INSTALL_MOD_DIR=updates \
		INSTALL_MOD_PATH=$(DESTDIR) modules_install
	depmod -a -b $(or $(DESTDIR),/) $(KERNELRELEASE)
	$(MAKE) -C tools/sriovctl install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)
	install -D -m 0644 man/sriov_helper.4 $(DESTDIR)$(PREFIX)/share/man/man4/sriov_helper.4

demo:
	tools/testing/run.sh demo

check:
	tools/testing/run.sh check $(TESTS)

kunit:
	tools/testing/run.sh kunit

style:
	tools/testing/style.sh checkpatch

sparse:
	tools/testing/style.sh sparse

stress:
	tools/testing/run.sh check race

bench:
	tools/testing/run.sh bench

deb:
	tools/testing/setup-host.sh
	tools/testing/deb-build.sh

fuzz:
	tools/testing/setup-host.sh
	tools/fuzz/run.sh $(FUZZ_SECONDS)

.PHONY: all module clean install demo check kunit style sparse fuzz stress bench deb
