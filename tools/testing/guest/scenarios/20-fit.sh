# SPDX-License-Identifier: GPL-2.0
# Issue 3: bus-range and MMIO failures named before they happen.

# The policy knob: parameter key and configfs attribute.
scenario on_bus_range_policy debug-only
t_on_bus_range_policy() {
	modprobe igb || return
	modprobe sriov_helper "pf=01:00.0,vfs=7,on_bus_range=fail" || { fail "modprobe failed"; return; }
	expect_eq "$(cat /sys/module/sriov_helper/parameters/pf)" \
		"0000:01:00.0,vfs=7,on_bus_range=fail" "parameters/pf" || return
	# 7 VFs fit the 82576's bus: the policy changes nothing here.
	expect_vfs "$PFDIR" 7 igbvf || return
	rmmod sriov_helper && modprobe sriov_helper || { fail "reload failed"; return; }
	mkdir "$CFS/01:00.0" || { fail "mkdir failed"; return; }
	expect_eq "$(cat "$CFS/01:00.0/on_bus_range")" clamp "default policy" || return
	echo fail > "$CFS/01:00.0/on_bus_range" || { fail "write fail refused"; return; }
	expect_eq "$(cat "$CFS/01:00.0/on_bus_range")" fail "policy after write" || return
	mark "bogus"
	echo sometimes > "$CFS/01:00.0/on_bus_range" 2>/dev/null && { fail "bogus policy accepted"; return; }
	expect_log bogus "sriov_helper: invalid on_bus_range value 'sometimes' for 01:00.0: on_bus_range must be clamp or fail" 5 || return
	expect_eq "$(cat "$CFS/01:00.0/on_bus_range")" fail "policy after a bad write"
}

# 127 NVMe VFs behind a root port on a kernel without automatic realloc:
# the VF BAR got no space at boot. Named as MMIO, with the remedy, before
# the PCI core's own "not enough MMIO resources" ENOMEM.
special_scenario mmio_diagnosed
t_mmio_diagnosed() {
	local want
	grep -q 'pci=realloc' /proc/cmdline && { fail "booted with pci=realloc"; return; }
	expect_eq "$(cat "$NVMEDIR/sriov_totalvfs")" 127 "nvme totalvfs" || return
	modprobe nvme && modprobe sriov_helper || { fail "modprobe failed"; return; }
	mkdir "$CFS/02:00.0" && echo 127 > "$CFS/02:00.0/vfs" || { fail "configfs failed"; return; }
	want="failed: MMIO: VF BARs unassigned; try pci=realloc (-12)"
	wait_for 60 grep -qx -- "$want" "$CFS/02:00.0/status" ||
		{ fail "status: $(cat "$CFS/02:00.0/status")"; return; }
	expect_log "begin mmio_diagnosed" "nvme $NVME: sriov_helper: not enough MMIO space for 127 VFs: the VF BARs are unassigned (no room was found for them at enumeration)" || return
	expect_log "begin mmio_diagnosed" "nvme $NVME: sriov_helper:   remedy: boot with pci=realloc, or enable SR-IOV support and above-4G decoding in firmware" || return
	# We never asked the driver, so the PCI core's own ENOMEM never came.
	log_has "begin mmio_diagnosed" "not enough MMIO resources for SR-IOV" &&
		{ fail "the PCI core was asked anyway"; return; }
	numvfs_is "$NVMEDIR" 0 || { fail "VFs appeared"; return; }
	# The cause is in the inventory too, not only in dmesg.
	line=$(grep "^pf $NVME " /sys/kernel/debug/sriov_helper/inventory)
	expect_eq "$(echo "$line" | sed 's/.* iov_bars=\([^ ]*\) .* state=\(.*\)$/\1 \2/')" \
		"unassigned failed enabled=0 err=-12 fit=0 cause=mmio irq=spread irq_cpus=$(cat /sys/devices/system/cpu/online) netdev=- vf_bind=parallel reason=MMIO: VF BARs unassigned; try pci=realloc" \
		"inventory line"
}

# The same machine booted with pci=realloc: all 127 VFs.
special_scenario mmio_realloc
t_mmio_realloc() {
	grep -q 'pci=realloc' /proc/cmdline || { fail "not booted with pci=realloc"; return; }
	modprobe nvme && modprobe sriov_helper || { fail "modprobe failed"; return; }
	mkdir "$CFS/02:00.0" && echo 127 > "$CFS/02:00.0/vfs" || { fail "configfs failed"; return; }
	wait_for 300 grep -qx "applied 127" "$CFS/02:00.0/status" ||
		{ fail "status: $(cat "$CFS/02:00.0/status")"; return; }
	numvfs_is "$NVMEDIR" 127 || fail "numvfs $(cat "$NVMEDIR/sriov_numvfs")"
}
