#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dracut module of sriov-helper-dkms: the same as its initramfs-tools hook.
# When sriov_helper is configured (an "options sriov_helper" line in
# modprobe.d), the module and those modprobe.d files go into the image
# (dracut copies modprobe.d only in hostonly mode) and the module is loaded
# before udev starts (rd.driver.pre, what force_drivers does), so that a PF
# whose driver binds in the initramfs gets its VFs there. The image gets the
# same marker as with initramfs-tools:
# /usr/lib/sriov_helper/modprobe.conf.sha256-<sha256 of
# /etc/modprobe.d/sriov_helper.conf>, for `sriovctl dump` (lsinitrd).
#
# When it is not configured, nothing of ours may be in the image: dracut's
# systemd module copies every /usr/lib/modules-load.d file and installs its
# modules (systemd-modules-load copies the files too), ours included, and
# the initramfs would then load the module without options; once loaded,
# the real root's options (a conf written since) could not apply. So this
# module is always included, and takes those two files out again.

sriovh_confs() {
	local f
	for f in /etc/modprobe.d/*.conf /usr/lib/modprobe.d/*.conf /lib/modprobe.d/*.conf; do
		[[ -f $f ]] || continue
		grep -Eq '^[[:space:]]*options[[:space:]]+sriov[-_]helper([[:space:]]|$)' "$f" &&
			echo "$f"
	done
}

check() {
	return 0
}

# rd.driver.pre is handled by 90kernel-modules' cmdline hook.
depends() {
	echo kernel-modules
	return 0
}

installkernel() {
	[[ -z $(sriovh_confs) ]] || hostonly='' instmods sriov_helper
}

install() {
	local f sum conf=/etc/modprobe.d/sriov_helper.conf
	if [[ -z $(sriovh_confs) ]]; then
		rm -f "${initdir}/usr/lib/modules-load.d/sriov_helper.conf" \
			"${initdir}/lib/modules-load.d/sriov_helper.conf"
		find "${initdir}/usr/lib/modules" "${initdir}/lib/modules" -name 'sriov_helper.ko*' \
			-delete 2>/dev/null
		return 0
	fi
	for f in $(sriovh_confs); do
		inst_simple "$f"
	done
	if [[ -f $conf ]]; then
		sum=$(sha256sum "$conf") && sum=${sum%% *}
		mkdir -p "${initdir}/usr/lib/sriov_helper"
		: > "${initdir}/usr/lib/sriov_helper/modprobe.conf.sha256-${sum}"
	fi
	# Loaded by 90kernel-modules' cmdline hook, before udev's coldplug.
	mkdir -p "${initdir}/etc/cmdline.d"
	echo "rd.driver.pre=sriov_helper" > "${initdir}/etc/cmdline.d/90sriov-helper.conf"
}
