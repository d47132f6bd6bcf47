# SPDX-License-Identifier: GPL-2.0
# Issue 7: the PF hot-unplugged (QEMU device_del of igb "pf0" on its PCIe
# root port; the guest's pciehp removes it 5 s after the attention
# button) while its VFs exist, and while they are being enabled; then
# plugged back, when the rule must apply again. These need the host:
# vm.sh runs tools/testing/hostcmd.py, which turns "SRIOVH host ..." lines
# on the results port into QMP commands. They leave the PF in place as
# they found it, but run in a VM of their own (run.sh group hotplug, on
# Debian's kernels: see run.sh for why not on the debug kernel).

host() {
	echo "SRIOVH host $*" >&3
}

pf_gone() {
	[ ! -e "$PFDIR" ]
}

# The VFs of 01:00.0 live on bus 01 at devices 10 and 11.
no_vfs_left() {
	! ls -d /sys/bus/pci/devices/0000:01:1[01].* > /dev/null 2>&1
}

unplug_pf() {
	host device_del pf0
	wait_for 90 pf_gone || { fail "PF still present 90 s after device_del"; return 1; }
	wait_for 30 no_vfs_left ||
		fail "VFs left after their PF went: $(ls -d /sys/bus/pci/devices/0000:01:1[01].* | tr '\n' ' ')"
}

plug_pf() {
	host device_add igb id=pf0 netdev=n0 bus=rp1
	wait_for 90 test -e "$PFDIR/driver" || fail "PF not back and bound 90 s after device_add"
}

no_pf_line() {
	! grep -q "^pf $PF " /sys/kernel/debug/sriov_helper/inventory
}

special_scenario hotplug_pf_remove
t_hotplug_pf_remove() {
	modprobe sriov_helper pf=01:00.0,vfs=7 || { fail "modprobe sriov_helper failed"; return; }
	mark "hp up"
	modprobe igb
	expect_vfs "$PFDIR" 7 igbvf || return
	expect_log "hp up" "sriov_helper: 7 VFs enabled" || return
	unplug_pf || return
	no_pf_line || { fail "the inventory still lists the removed PF"; return; }
	mark "hp back"
	plug_pf || return
	expect_vfs "$PFDIR" 7 igbvf || return
	expect_log "hp back" "sriov_helper: 7 VFs enabled"
}

# igbvf's probes take about 2 s each here, so the removal (5 s after the
# request) lands while sriov_configure() is still adding VFs: the
# remover waits for our work's device_lock(PF), and nothing may hang.
special_scenario hotplug_pf_remove_enabling
t_hotplug_pf_remove_enabling() {
	modprobe sriov_helper || { fail "modprobe sriov_helper failed"; return; }
	mkdir "$CFS/$PF" && echo 7 > "$CFS/$PF/vfs" || { fail "configfs entry refused"; return; }
	mark "hpe up"
	modprobe igb
	expect_log "hpe up" "igb $PF: 7 VFs allocated" 30 || return
	log_has "hpe up" "sriov_helper: 7 VFs enabled" &&
		{ fail "the enable ended before the removal was asked for"; return; }
	unplug_pf || return
	expect_eq "$(cat "$CFS/$PF/status")" "pending: device not present" "status after removal" || return
	no_pf_line || { fail "the inventory still lists the removed PF"; return; }
	mark "hpe back"
	plug_pf || return
	expect_vfs "$PFDIR" 7 igbvf || return
	expect_log "hpe back" "sriov_helper: 7 VFs enabled" || return
	wait_for 10 grep -qx "applied 7" "$CFS/$PF/status" || fail "status: $(cat "$CFS/$PF/status")"
}
