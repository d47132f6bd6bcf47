# SPDX-License-Identifier: GPL-2.0
# Issue 16: every per-VF key of ip link, one refusal never blocking the
# others, ranges, and per-VF settings kept as module parameters.
#
# What QEMU's 82576 and Linux's igb take (igb_netdev_ops): MAC, VLAN with
# qos over 802.1Q, spoof check, trust, a maximum TX rate while the PF's
# link is up; no link state, no RSS query, no GUIDs (InfiniBand only), no
# 802.1ad (-EPROTONOSUPPORT), no minimum rate (-EINVAL).

# The PF netdev up, with a link (pf_link_up, lib.sh): igb only limits a
# VF's rate then; the first pass after the VFs appear can meet the link
# down (igb_sriov_reinit() resets it), and the carrier coming up queues
# another.
scenario vfkeys_apply
t_vfkeys_apply() {
	modprobe igb && modprobe sriov_helper || { fail "modprobe failed"; return; }
	pf_link_up || { fail "PF link not up"; return; }
	mkdir "$VFE" "$VFE/vf0" "$VFE/vf1" "$VFE/vf2" "$VFE/vf3-4" "$VFE/vf5" ||
		{ fail "mkdir failed"; return; }
	# VF 0: everything igb takes, and two things it has no control for.
	echo 02:00:00:00:00:40 > "$VFE/vf0/mac" && echo 100 > "$VFE/vf0/vlan" &&
	echo 3 > "$VFE/vf0/qos" && echo off > "$VFE/vf0/spoofchk" &&
	echo on > "$VFE/vf0/trust" && echo 100 > "$VFE/vf0/max_tx_rate" &&
	echo disable > "$VFE/vf0/link_state" && echo on > "$VFE/vf0/query_rss" &&
	# VF 1: 802.1ad, which igb refuses for the whole VLAN request.
	echo 200 > "$VFE/vf1/vlan" && echo 802.1ad > "$VFE/vf1/vlan_proto" &&
	echo on > "$VFE/vf1/trust" &&
	# VF 2: a minimum rate, which igb refuses.
	echo 10 > "$VFE/vf2/min_tx_rate" &&
	# VFs 3 and 4: one set for both.
	echo on > "$VFE/vf3-4/trust" && echo off > "$VFE/vf3-4/spoofchk" &&
	echo 300 > "$VFE/vf3-4/vlan" &&
	# VF 5: a GUID, InfiniBand's only.
	echo 00:11:22:33:44:55:66:77 > "$VFE/vf5/node_guid" &&
	echo 6 > "$VFE/vfs" || { fail "configfs writes failed"; return; }
	expect_vf_mac 0 02:00:00:00:00:40 || return
	expect_status_of "$VFE/vf0" mac_status 0 02:00:00:00:00:40 "link_state, query_rss" "vlan: applied
qos: applied
spoofchk: applied
trust: applied
link_state: igb has no VF link state control (-95)
query_rss: igb has no VF RSS query control (-95)
max_tx_rate: applied" || return
	expect_vf_line 0 "link/ether 02:00:00:00:00:40" || return
	expect_vf_line 0 "vlan 100, qos 3" || return
	expect_vf_line 0 "spoof checking off" || return
	expect_vf_line 0 "trust on" || return
	expect_vf_line 0 "max_tx_rate 100Mbps" || return
	expect_status "$VFE/vf1" "failed: vlan, vlan_proto
vlan: igb refused vlan 200 vlan_proto 802.1ad (-93)
vlan_proto: igb refused vlan 200 vlan_proto 802.1ad (-93)
trust: applied" || return
	vf_line_has 1 "vlan 200" && { fail "vf 1 got VLAN 200: $(vf_line 1)"; return; }
	expect_vf_line 1 "trust on" || return
	expect_status "$VFE/vf2" "failed: min_tx_rate
min_tx_rate: igb refused min_tx_rate 10 (-22)" || return
	expect_status "$VFE/vf3-4" applied || return
	expect_vf_line 3 "vlan 300," || return
	expect_vf_line 4 "vlan 300," || return
	expect_vf_line 4 "trust on" || return
	expect_vf_line 4 "spoof checking off" || return
	expect_status "$VFE/vf5" "failed: node_guid
node_guid: igb has no VF GUID control (-95)" || return
	expect_status "$VFE" "applied 6
per-VF settings: 4 failed (see vfN/status)" || return
	grep -q "^vf 0000:01:10.6 .* vf_driver=auto in_use=no settings=applied\$" /sys/kernel/debug/sriov_helper/inventory ||
		{ fail "inventory: $(grep '^vf 0000:01:10.6' /sys/kernel/debug/sriov_helper/inventory)"; return; }
	grep -q "^vf 0000:01:10.0 .* settings=failed\$" /sys/kernel/debug/sriov_helper/inventory ||
		{ fail "inventory: $(grep '^vf 0000:01:10.0' /sys/kernel/debug/sriov_helper/inventory)"; return; }

	# Bad combinations are refused and change nothing.
	mark combos
	echo > "$VFE/vf0/vlan" 2>/dev/null && { fail "vlan unset under qos"; return; }
	expect_log combos "sriov_helper: invalid vlan value '' for 0000:01:00.0/vf0: qos and vlan_proto go with the VLAN: clear them first" || return
	echo 02:00:00:00:00:41 > "$VFE/vf3-4/mac" 2>/dev/null && { fail "mac on a range"; return; }
	expect_log combos "sriov_helper: invalid mac value '02:00:00:00:00:41' for 0000:01:00.0/vf3-4: a MAC or GUID names one VF: set it in vfN, not in a range" || return
	echo 50 > "$VFE/vf0/min_tx_rate" 2>/dev/null && [ "$(cat "$VFE/vf0/min_tx_rate")" = 50 ] ||
		{ fail "min 50 under max 100 refused"; return; }
	echo 40 > "$VFE/vf0/max_tx_rate" 2>/dev/null && { fail "max below min taken"; return; }
	expect_log combos "sriov_helper: invalid max_tx_rate value '40' for 0000:01:00.0/vf0: min_tx_rate is above max_tx_rate" || return
	expect_eq "$(cat "$VFE/vf0/max_tx_rate")" 100 "max_tx_rate after a refused write" || return
	mkdir "$VFE/vf4-5" 2>/dev/null && { fail "overlapping set made"; return; }
	expect_log combos "sriov_helper: 0000:01:00.0/vf4-5 overlaps 0000:01:00.0/vf3-4: a VF has one set of settings" || return
	mkdir "$VFE/vf7" 2>/dev/null && { fail "vf7 of 7 made"; return; }
	expect_log combos "sriov_helper: 0000:01:00.0/vf7: VF 7 is past the last VF this PF can have (6)" || return
	# A PF that is not there: sets up to a fixed cap.
	mkdir "$CFS/0000:05:00.0" "$CFS/0000:05:00.0/vf0-4095" || { fail "cap set refused"; return; }
	rmdir "$CFS/0000:05:00.0/vf0-4095"
	mkdir "$CFS/0000:05:00.0/vf4096" 2>/dev/null && { fail "vf4096 of an absent PF made"; return; }
	expect_log combos "sriov_helper: 0000:05:00.0/vf4096: VF 4096 is past the last VF this PF can have (4095)" || return
	rmdir "$CFS/0000:05:00.0"
	# A re-write of a refused key applies the rest again: the set stays.
	echo auto > "$VFE/vf0/link_state" && echo > "$VFE/vf0/query_rss" ||
		{ fail "writes failed"; return; }
	expect_status_of "$VFE/vf0" mac_status 0 02:00:00:00:00:40 "min_tx_rate, max_tx_rate" "vlan: applied
qos: applied
spoofchk: applied
trust: applied
link_state: applied
min_tx_rate: igb refused min_tx_rate 50 max_tx_rate 100 (-22)
max_tx_rate: igb refused min_tx_rate 50 max_tx_rate 100 (-22)" || return
	# vf0's keys but the MAC, all applied (the MAC's line: mac_status).
	all_applied="vlan: applied
qos: applied
spoofchk: applied
trust: applied
link_state: applied
min_tx_rate: applied
max_tx_rate: applied"
	echo 0 > "$VFE/vf0/min_tx_rate" &&
		expect_status_of "$VFE/vf0" mac_status 0 02:00:00:00:00:40 "" "$all_applied" || return
	# A rate while the PF is down (igb_down() zeroes the link speed that
	# igb_ndo_set_vf_bw() checks): refused, said why, set at carrier-up.
	ip link set dev "$(pf_netdev)" down && echo 200 > "$VFE/vf0/max_tx_rate" ||
		{ fail "PF down or max_tx_rate 200 failed"; return; }
	expect_status_of "$VFE/vf0" mac_status 0 02:00:00:00:00:40 "min_tx_rate, max_tx_rate" "vlan: applied
qos: applied
spoofchk: applied
trust: applied
link_state: applied
min_tx_rate: igb refused min_tx_rate 0 max_tx_rate 200 with the PF's link down; set again when it comes up (-22)
max_tx_rate: igb refused min_tx_rate 0 max_tx_rate 200 with the PF's link down; set again when it comes up (-22)" || return
	pf_link_up || { fail "PF link not up again"; return; }
	expect_status_of "$VFE/vf0" mac_status 0 02:00:00:00:00:40 "" "$all_applied" || return
	expect_vf_line 0 "max_tx_rate 200Mbps"
}

# Per-VF settings written only as module parameters, as /etc/modprobe.d
# holds them: restored after rmmod/modprobe with the VFs re-created, and
# after a PF driver unbind/bind. configfs beats the parameter per VF.
scenario vfparam_persist
t_vfparam_persist() {
	local opts="pf=01:00.0,vfs=4 vf=01:00.0/0,mac=02:00:00:00:00:50,vlan=10,qos=2 vf=01:00.0/1-3,trust=on,spoofchk=off"
	# shellcheck disable=SC2086 # the options, as modprobe.d gives them
	modprobe sriov_helper $opts && modprobe igb || { fail "modprobe failed"; return; }
	expect_eq "$(cat /sys/module/sriov_helper/parameters/vf)" \
		"0000:01:00.0/0,mac=02:00:00:00:00:50,vlan=10,qos=2;0000:01:00.0/1-3,spoofchk=off,trust=on" \
		"parameters/vf" || return
	vfparam_check || return
	# The VFs go (their settings with them, in igb), the module too.
	echo 0 > "$PFDIR/sriov_numvfs" && rmmod sriov_helper || { fail "teardown failed"; return; }
	vf_line 0 >/dev/null 2>&1 && { fail "VFs left"; return; }
	# shellcheck disable=SC2086
	modprobe sriov_helper $opts || { fail "modprobe again failed"; return; }
	expect_vfs "$PFDIR" 4 igbvf || return
	vfparam_check || return
	echo $PF > /sys/bus/pci/drivers/igb/unbind && echo $PF > /sys/bus/pci/drivers/igb/bind ||
		{ fail "rebind failed"; return; }
	expect_vfs "$PFDIR" 4 igbvf || return
	vfparam_check || return
	# configfs for VF 2 only: it replaces the parameter's set there.
	mkdir "$VFE" "$VFE/vf2" && echo off > "$VFE/vf2/trust" || { fail "configfs failed"; return; }
	expect_status "$VFE/vf2" applied || return
	expect_vf_line 2 "trust off" || return
	expect_vf_line 1 "trust on" || return
	expect_vf_line 3 "trust on" || return
	grep -q "^vf 0000:01:10.2 .* settings=applied\$" /sys/kernel/debug/sriov_helper/inventory ||
		fail "inventory: $(grep '^vf 0000:01:10.2' /sys/kernel/debug/sriov_helper/inventory)"
}

vfparam_check() {
	expect_vf_mac 0 02:00:00:00:00:50 || return
	expect_vf_line 0 "link/ether 02:00:00:00:00:50" || return
	expect_vf_line 0 "vlan 10, qos 2" || return
	expect_vf_line 1 "trust on" && expect_vf_line 2 "trust on" && expect_vf_line 3 "trust on" || return
	expect_vf_line 3 "spoof checking off"
}

# The split the SR-IOV operator's pfNames#0-1 makes: VFs 0-1 for VMs on
# vfio-pci, 2-3 for the host on igbvf, each from its first probe.
special_scenario vfdrv_split
t_vfdrv_split() {
	local v
	[ -e "$PFDIR/iommu_group" ] || { fail "$PF has no IOMMU group (intel_iommu=on?)"; return; }
	modprobe igb && modprobe sriov_helper pf=01:00.0,vfs=4 \
		"vf=01:00.0/0-1,vf_driver=vfio-pci;01:00.0/2-3,vf_driver=igbvf" ||
		{ fail "modprobe failed"; return; }
	expect_log "begin vfdrv_split" "sriov_helper: 4 VFs enabled" || return
	for v in 0 1; do
		wait_for 30 driver_is "$PFDIR/virtfn$v" vfio-pci || { fail "virtfn$v: $(drv_of "$PFDIR/virtfn$v")"; return; }
	done
	for v in 2 3; do
		wait_for 30 driver_is "$PFDIR/virtfn$v" igbvf || { fail "virtfn$v: $(drv_of "$PFDIR/virtfn$v")"; return; }
	done
	# Never probed by igbvf, not even for a moment.
	expect_eq "$(since "begin vfdrv_split" | grep -cE 'igbvf 0000:01:10\.[02]')" 0 "igbvf messages for VFs 0-1" || return
	expect_eq "$(cat "$PFDIR/virtfn0/driver_override") $(cat "$PFDIR/virtfn3/driver_override")" \
		"vfio-pci igbvf" "driver_override" || return
	grep -q "^vf 0000:01:10.2 .* vf_driver=vfio-pci in_use=no settings=applied\$" /sys/kernel/debug/sriov_helper/inventory ||
		{ fail "inventory: $(grep '^vf 0000:01:10.2' /sys/kernel/debug/sriov_helper/inventory)"; return; }
	# A change of one set's driver moves just its VFs.
	mkdir "$VFE" "$VFE/vf2-3" && echo vfio-pci > "$VFE/vf2-3/vf_driver" ||
		{ fail "configfs failed"; return; }
	wait_for 30 driver_is "$PFDIR/virtfn3" vfio-pci || { fail "virtfn3: $(drv_of "$PFDIR/virtfn3")"; return; }
	driver_is "$PFDIR/virtfn0" vfio-pci || fail "virtfn0 moved: $(drv_of "$PFDIR/virtfn0")"
}

# msix_count DEV: its MSI-X vector count, the Table Size field plus one
# (what pci_msix_vec_count() reads), from its config space in one read:
# busybox has no lspci, and a fork costs most of a second on the debug
# kernel.
msix_count() {
	local p id ctl
	# shellcheck disable=SC2046 # one word per byte
	set -- $(od -An -tu1 -v -N256 "$1/config")
	p=${53}				# PCI_CAPABILITY_LIST, 0x34 (from 1)
	while [ "${p:-0}" -ne 0 ]; do
		eval "id=\${$((p + 1))}"
		if [ "$id" -eq 17 ]; then	# PCI_CAP_ID_MSIX
			eval "ctl=\$((\${$((p + 3))} + 256 * \${$((p + 4))}))"
			echo $(((ctl & 0x7ff) + 1))
			return 0
		fi
		eval "p=\${$((p + 2))}"
	done
	return 1
}

# Issue 20 item 2: msix, a VF's MSI-X vector count, goes through the PF
# driver's sriov_set_msix_vec_count() while the VF is still held unbound;
# igb has none (mlx5 and ice do). Refused in vf0/status with igb's words,
# every other key of vf0 applied (its MAC in igb's table), the VFs bound
# to igbvf all the same, no hold left behind, the count unchanged. The
# MAC's line tells what the VF's own netdev has (mac_status, lib.sh).
# A count the VFs have already is no write: applied on any PF driver. Bad
# values change nothing; the vf= parameter takes the key too.
scenario vf_msix_igb
t_vf_msix_igb() {
	local have
	modprobe igb && modprobe igbvf && modprobe sriov_helper || { fail "modprobe failed"; return; }
	# The PF up, as on a host: igb answers its VFs only then.
	pf_link_up || { fail "PF link not up"; return; }
	mkdir "$VFE" "$VFE/vf0" "$VFE/vf1-2" &&
	echo 02:00:00:00:00:60 > "$VFE/vf0/mac" && echo 4 > "$VFE/vf0/msix" &&
	echo on > "$VFE/vf1-2/trust" && echo 3 > "$VFE/vfs" ||
		{ fail "configfs writes failed"; return; }
	expect_vfs "$PFDIR" 3 igbvf || return
	expect_vf_mac 0 02:00:00:00:00:60 || return
	expect_status_of "$VFE/vf0" mac_status 0 02:00:00:00:00:60 msix \
		"msix: igb cannot set a VF's MSI-X count (-95)" || return
	expect_vf_line 0 "link/ether 02:00:00:00:00:60" || return
	expect_status "$VFE/vf1-2" applied || return
	expect_status "$VFE" "applied 3
per-VF settings: 1 failed (see vfN/status)" || return
	overrides_are "$PFDIR" "(null)" ||
		{ fail "driver_override after the pass: $(cat "$PFDIR"/virtfn*/driver_override | tr '\n' ' ')"; return; }
	have=$(msix_count "$PFDIR/virtfn0") || { fail "virtfn0 has no MSI-X capability"; return; }
	[ "$have" != 4 ] || { fail "igbvf's VF has 4 vectors already: nothing refused"; return; }
	grep -q "^vf 0000:01:10.0 .* settings=failed\$" /sys/kernel/debug/sriov_helper/inventory ||
		{ fail "inventory: $(grep '^vf 0000:01:10.0' /sys/kernel/debug/sriov_helper/inventory)"; return; }

	# The count the VFs have (3 on QEMU's igbvf): no write, applied.
	echo "$have" > "$VFE/vf1-2/msix" || { fail "msix $have failed"; return; }
	expect_status "$VFE/vf1-2" applied || return
	expect_eq "$(msix_count "$PFDIR/virtfn1")" "$have" "virtfn1's MSI-X count" || return

	# Bad values: refused with the parser's words, the value kept.
	mark msix_bad
	echo 0 > "$VFE/vf0/msix" 2>/dev/null && { fail "msix 0 taken"; return; }
	expect_log msix_bad "sriov_helper: invalid msix value '0' for 0000:01:00.0/vf0: msix is the VF's MSI-X vector count, decimal 1-2048" || return
	echo 2049 > "$VFE/vf0/msix" 2>/dev/null && { fail "msix 2049 taken"; return; }
	expect_log msix_bad "sriov_helper: invalid msix value '2049' for 0000:01:00.0/vf0: msix is the VF's MSI-X vector count, decimal 1-2048" || return
	echo 0x8 > "$VFE/vf1-2/msix" 2>/dev/null && { fail "msix 0x8 taken"; return; }
	expect_log msix_bad "sriov_helper: invalid msix value '0x8' for 0000:01:00.0/vf1-2: msix is the VF's MSI-X vector count, decimal 1-2048" || return
	expect_eq "$(cat "$VFE/vf0/msix") $(cat "$VFE/vf1-2/msix")" "4 $have" "msix after refused writes" || return

	# The vf= parameter: the same key, the same refusal (the inventory
	# tells a parameter's set), the MAC in igb's table.
	rmdir "$VFE/vf0" "$VFE/vf1-2" "$VFE" && rmmod sriov_helper ||
		{ fail "rmdir or rmmod failed"; return; }
	modprobe sriov_helper pf=01:00.0,vfs=2 vf=01:00.0/0,mac=02:00:00:00:00:61,msix=4 ||
		{ fail "modprobe with vf=...,msix=4 failed"; return; }
	expect_eq "$(cat /sys/module/sriov_helper/parameters/vf)" \
		"0000:01:00.0/0,mac=02:00:00:00:00:61,msix=4" "parameters/vf" || return
	expect_vfs "$PFDIR" 2 igbvf || return
	wait_for 30 grep -q "^vf 0000:01:10.0 .* settings=failed\$" /sys/kernel/debug/sriov_helper/inventory ||
		{ fail "inventory: $(grep '^vf 0000:01:10.0' /sys/kernel/debug/sriov_helper/inventory)"; return; }
	expect_vf_line 0 "link/ether 02:00:00:00:00:61"
}
