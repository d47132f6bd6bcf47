# SPDX-License-Identifier: GPL-2.0
# sriovctl against the real module: set, vf, list, show, dump, unset, and
# the dump fed back through /etc/modprobe.d restoring the same VFs and
# per-VF settings.

SRIOVCTL=/tests/sriovctl

scenario sriovctl_roundtrip debug-only
t_sriovctl_roundtrip() {
	local opts rc
	modprobe igb && modprobe sriov_helper || { fail "modprobe failed"; return; }
	# Up, as networking brings it up: the VFs wait for it (igb).
	pf_link_up || { fail "PF link not up"; return; }
	$SRIOVCTL set 01:00.0 vfs=3 irq_cpus=1 || { fail "sriovctl set failed"; return; }
	expect_vfs "$PFDIR" 3 igbvf || return
	wait_for 30 grep -qx "applied 3" "$CFS/0000:01:00.0/status" ||
		{ fail "status: $(cat "$CFS/0000:01:00.0/status")"; return; }
	$SRIOVCTL vf 01:00.0 1 mac=02:00:00:00:00:21 trust=on || { fail "sriovctl vf failed"; return; }
	# VF 1's interface is down: its driver is reloaded to take the MAC.
	expect_vf_mac 1 02:00:00:00:00:21 || return
	expect_status_of "$CFS/0000:01:00.0/vf1" mac_status 1 02:00:00:00:00:21 "" "trust: applied" || return
	expect_eq "$($SRIOVCTL list | sed -n 2p)" \
		"0000:01:00.0   3      clamp         spread  1         auto       parallel applied 3" "sriovctl list" || return
	expect_eq "$($SRIOVCTL list | grep '^  vf1 ')" \
		"  vf1  mac=02:00:00:00:00:21 trust=on  $(mac_status 1 02:00:00:00:00:21 "" "trust: applied" | head -n1)" "sriovctl list" || return
	ip link show dev "$(ls "$PFDIR/net")" | grep -q "vf 1 .*link/ether 02:00:00:00:00:21" ||
		{ fail "ip link: $(ip link show dev "$(ls "$PFDIR/net")" | tr '\n' '|')"; return; }
	$SRIOVCTL --json show 01:00.0 | grep -q '"numvfs":3,' ||
		{ fail "show: $($SRIOVCTL --json show 01:00.0)"; return; }
	expect_eq "$($SRIOVCTL show 01:00.0 | grep -c '^  vf ')" 3 "VFs shown" || return
	# Bad input: exit 2 and nothing changes.
	$SRIOVCTL set 01:00.0 vfs=x 2>/dev/null
	rc=$?
	expect_eq "$rc" 2 "exit code for vfs=x" || return
	numvfs_is "$PFDIR" 3 || { fail "bad input changed the VFs"; return; }
	opts=$($SRIOVCTL dump)
	expect_eq "$opts" "options sriov_helper pf=0000:01:00.0,vfs=3,irq_cpus=1
options sriov_helper vf=0000:01:00.0/1,mac=02:00:00:00:00:21,trust=on" "dump" || return
	# Persistence: unset, unload, clear; the dumped line brings it back.
	$SRIOVCTL unset 01:00.0 || { fail "unset failed"; return; }
	rmmod sriov_helper || { fail "rmmod failed"; return; }
	echo 0 > "$PFDIR/sriov_numvfs"
	echo "$opts" > /etc/modprobe.d/sriov_helper.conf
	modprobe sriov_helper || { fail "modprobe with the dumped line failed"; return; }
	expect_vfs "$PFDIR" 3 igbvf || return
	expect_eq "$(cat /sys/module/sriov_helper/parameters/pf)" \
		"0000:01:00.0,vfs=3,irq_cpus=1" "parameters/pf after restore" || return
	expect_eq "$(cat /sys/module/sriov_helper/parameters/vf)" \
		"0000:01:00.0/1,mac=02:00:00:00:00:21,trust=on" "parameters/vf after restore" || return
	expect_vf_line 1 "link/ether 02:00:00:00:00:21" || return
	expect_vf_line 1 "trust on" || return
	rmmod sriov_helper || { fail "rmmod failed"; return; }
	$SRIOVCTL list 2>/dev/null
	rc=$?
	expect_eq "$rc" 3 "exit code without the module"
}
