# SPDX-License-Identifier: GPL-2.0
# Issue 6: where VFs go (vf_driver), and per-VF MAC/VLAN/trust/spoofchk.

VFE=$CFS/0000:01:00.0

# with_entry DRIVER N: igb, the module, and a configfs entry for the PF
# with vf_driver DRIVER, then vfs N (which applies it).
with_entry() {
	modprobe igb && modprobe sriov_helper || { fail "modprobe failed"; return; }
	mkdir "$VFE" && echo "$1" > "$VFE/vf_driver" && echo "$2" > "$VFE/vfs" ||
		fail "configfs writes failed"
}

# vfs_unbound DIR N: exactly N VFs, none of them bound to a driver.
vfs_unbound() {
	local n=0 v
	for v in "$1"/virtfn*; do
		[ -e "$v" ] || continue
		[ -e "$v/driver" ] && return 1
		n=$((n + 1))
	done
	[ $n = "$2" ]
}

# Every VF of DIR has driver_override WANT ("(null)" when unset).
overrides_are() {
	local v
	for v in "$1"/virtfn*; do
		[ "$(cat "$v/driver_override")" = "$2" ] || return 1
	done
}


# vf_line N: the "vf N" line of "ip link show" on the PF (Debian's ip).
vf_line() {
	ip link show dev "$(pf_netdev)" | tr -s ' ' | grep "^ vf $1 "
}

vf_line_has() {
	vf_line "$1" | grep -qF -- "$2"
}

expect_vf_line() {
	wait_for 20 vf_line_has "$1" "$2" ||
		fail "ip link: vf $1 has no '$2': $(ip link show dev "$(pf_netdev)" | tr -s ' ' | tr '\n' '|')"
}

# status of ENTRY must become exactly TEXT (several lines: use $'..').
# The text goes through the environment: it may hold quotes.
expect_status() {
	export SRIOVH_STATUS_FILE="$1/status" SRIOVH_STATUS_TEXT="$2"
	wait_for "${3:-20}" sh -c '[ "$(cat "$SRIOVH_STATUS_FILE")" = "$SRIOVH_STATUS_TEXT" ]' ||
		fail "$1/status: expected '$2', got '$(cat "$1/status")'"
}

# none: VFs are created without a driver; their override is "none".
scenario vfdrv_none
t_vfdrv_none() {
	modprobe sriov_helper pf=01:00.0,vfs=3,vf_driver=none && modprobe igb ||
		{ fail "modprobe failed"; return; }
	expect_eq "$(cat /sys/module/sriov_helper/parameters/pf)" \
		"0000:01:00.0,vfs=3,vf_driver=none" "parameters/pf" || return
	expect_log "begin vfdrv_none" "sriov_helper: 3 VFs enabled" || return
	wait_for 10 vfs_unbound "$PFDIR" 3 || { fail "VFs bound: $(ls -l "$PFDIR"/virtfn*/driver 2>&1)"; return; }
	# Held for their settings first ("sriov_helper"), then none.
	wait_for 30 overrides_are "$PFDIR" none || { fail "driver_override: $(cat "$PFDIR"/virtfn*/driver_override)"; return; }
	# Never probed by igbvf, not even for a moment.
	expect_eq "$(since "begin vfdrv_none" | grep -c 'igbvf 0000:01')" 0 "igbvf messages" || return
	settle 2
	vfs_unbound "$PFDIR" 3 || fail "a VF got a driver later"
}

# A change of vf_driver moves the VFs that exist: none -> auto -> none.
scenario vfdrv_move
t_vfdrv_move() {
	with_entry none 3 || return
	expect_status "$VFE" "applied 3" || return
	wait_for 10 vfs_unbound "$PFDIR" 3 || { fail "VFs bound with none"; return; }
	echo auto > "$VFE/vf_driver" || { fail "write auto failed"; return; }
	expect_eq "$(cat "$VFE/vf_driver")" auto "vf_driver" || return
	expect_vfs "$PFDIR" 3 igbvf 30 || return
	overrides_are "$PFDIR" "(null)" || { fail "override left: $(cat "$PFDIR"/virtfn*/driver_override)"; return; }
	echo none > "$VFE/vf_driver" || { fail "write none failed"; return; }
	wait_for 30 vfs_unbound "$PFDIR" 3 || { fail "VFs still bound after none"; return; }
	numvfs_is "$PFDIR" 3 || fail "the count changed"
}

# A named driver that is not loaded is loaded (request_module) and gets
# the VFs at their first probe.
scenario vfdrv_named
t_vfdrv_named() {
	rmmod pci-stub 2>/dev/null
	modprobe igb && modprobe sriov_helper pf=01:00.0,vfs=2,vf_driver=pci-stub ||
		{ fail "modprobe failed"; return; }
	expect_vfs "$PFDIR" 2 pci-stub 60 || return
	expect_log "begin vfdrv_named" "igb $PF: sriov_helper: 2 VFs bound to pci-stub" || return
	overrides_are "$PFDIR" pci-stub || { fail "driver_override: $(cat "$PFDIR"/virtfn*/driver_override)"; return; }
	expect_eq "$(since "begin vfdrv_named" | grep -c 'igbvf 0000:01')" 0 "igbvf messages"
}

# vfio-pci with no IOMMU: said before the VFs are created, and in status.
scenario vfdrv_vfio_no_iommu
t_vfdrv_vfio_no_iommu() {
	[ -e "$PFDIR/iommu_group" ] && { fail "this VM has an IOMMU"; return; }
	with_entry vfio-pci 2 || return
	expect_log "begin vfdrv_vfio_no_iommu" "igb $PF: sriov_helper: vf_driver=vfio-pci but no IOMMU translates this PF, so vfio-pci will refuse its VFs: enable VT-d/AMD-Vi in the firmware and boot with intel_iommu=on (Intel) or amd_iommu=on (AMD), or load vfio with enable_unsafe_noiommu_mode=1 (no isolation)" || return
	expect_status "$VFE" "applied 2
vf_driver vfio-pci: 2 of 2 VFs unbound: no IOMMU (boot with intel_iommu=on or amd_iommu=on)" || return
	vfs_unbound "$PFDIR" 2 || fail "a VF is bound"
}

# A driver that does not exist: VFs wait unbound, and status says why.
scenario vfdrv_missing debug-only
t_vfdrv_missing() {
	with_entry no_such_drv 2 || return
	expect_status "$VFE" "applied 2
vf_driver no_such_drv: 2 of 2 VFs unbound: no such driver loaded" || return
	vfs_unbound "$PFDIR" 2 || fail "a VF is bound"
}

# With QEMU's VT-d (vm.sh SRIOVH_TOPO=iommu): vfio-pci, loaded on demand,
# gets every VF at its first probe; each VF has its own group and device.
special_scenario vfdrv_vfio
t_vfdrv_vfio() {
	local v g
	[ -e "$PFDIR/iommu_group" ] || { fail "$PF has no IOMMU group (intel_iommu=on?)"; return; }
	rmmod vfio-pci 2>/dev/null
	modprobe igb && modprobe sriov_helper pf=01:00.0,vfs=3,vf_driver=vfio-pci ||
		{ fail "modprobe failed"; return; }
	expect_vfs "$PFDIR" 3 vfio-pci 60 || return
	expect_log "begin vfdrv_vfio" "igb $PF: sriov_helper: 3 VFs bound to vfio-pci" || return
	expect_eq "$(since "begin vfdrv_vfio" | grep -c 'igbvf 0000:01')" 0 "igbvf messages" || return
	expect_eq "$(since "begin vfdrv_vfio" | grep -c 'no IOMMU')" 0 "IOMMU warnings" || return
	for v in "$PFDIR"/virtfn*; do
		g=$(basename "$(readlink "$v/iommu_group")")
		[ -c "/dev/vfio/$g" ] || { fail "no /dev/vfio/$g for $(basename "$(readlink "$v")")"; return; }
	done
	# VFs on vfio-pci that nobody holds open are free to go: a change
	# to none unbinds them (vfio_held covers the ones a VM holds).
	mark none
	mkdir "$VFE" && echo vfio-pci > "$VFE/vf_driver" && echo 3 > "$VFE/vfs" &&
	echo none > "$VFE/vf_driver" || { fail "configfs writes failed"; return; }
	wait_for 30 vfs_unbound "$PFDIR" 3 || { fail "VFs still bound: $(ls -l "$PFDIR"/virtfn*/driver 2>&1 | tr '\n' ' ')"; return; }
	expect_status "$VFE" "applied 3" || return
	wait_for 30 overrides_are "$PFDIR" none || { fail "driver_override: $(cat "$PFDIR"/virtfn*/driver_override)"; return; }
	# auto lets the kernel probe the unbound VFs: igbvf, the default.
	echo auto > "$VFE/vf_driver" || { fail "write auto failed"; return; }
	expect_vfs "$PFDIR" 3 igbvf 60 || return
	# A write is a wish, not a step: 0 then 3 at once would coalesce
	# into "no change". Wait for 0 to be applied.
	echo 0 > "$VFE/vfs" && expect_status "$VFE" "applied 0" &&
		echo 3 > "$VFE/vfs" || { fail "re-create failed"; return; }
	expect_vfs "$PFDIR" 3 igbvf 60
}

# MAC, VLAN, spoof check and trust through the PF, read back with ip and
# from each VF's own netdev. Applied at creation and again after the PF
# driver is unbound and bound, both with the PF's interface down, as at
# boot before networking: the VFs wait, unbound, for it to come up (igb
# answers its VFs only then), and take their MAC at their first probe,
# without a mailbox timeout. Again after someone else re-creates the VFs
# through sysfs with the PF up. Then without the wait (pf_up_wait=0): the
# VFs come up with igbvf's random MAC, status says so, and the PF coming
# up reloads them.
scenario vfcfg_apply
t_vfcfg_apply() {
	local round
	netcfg_off
	modprobe igb && modprobe sriov_helper || { fail "modprobe failed"; return; }
	mkdir "$VFE" "$VFE/vf0" "$VFE/vf1" "$VFE/vf2" || { fail "mkdir failed"; return; }
	echo 02:00:00:00:00:10 > "$VFE/vf0/mac" &&
	echo 100 > "$VFE/vf1/vlan" && echo off > "$VFE/vf1/spoofchk" &&
	echo on > "$VFE/vf2/trust" && echo 02:00:00:00:00:12 > "$VFE/vf2/mac" ||
		{ fail "configfs writes failed"; return; }
	expect_eq "$(cat "$VFE/vf0/status")" pending "vf0/status before vfs" || return
	mark "vfcfg created"
	echo 3 > "$VFE/vfs" || { fail "write vfs failed"; return; }
	for round in created rebound recreated nowait; do
		case $round in
		created|rebound)
			expect_vfs_held_pf_down 3 || return
			# Not probed while the PF could not answer them.
			expect_eq "$(since "vfcfg $round" | grep -c 'igbvf 0000:01:1')" 0 \
				"igbvf lines before the PF is up ($round)" || return
			pf_link_up || { fail "PF link not up ($round)"; return; }
			;;
		nowait)
			expect_vfs "$PFDIR" 3 igbvf || return
			expect_mac_stale_pf_down 0 02:00:00:00:00:10 || return
			pf_link_up || { fail "PF link not up ($round)"; return; }
			;;
		esac
		expect_vfs "$PFDIR" 3 igbvf || return
		expect_vf_mac 0 02:00:00:00:00:10 || return
		expect_vf_mac 2 02:00:00:00:00:12 || return
		# Only nowait's VFs were probed while the PF was down.
		[ $round = nowait ] || expect_no_mbx_timeout "vfcfg $round" || return
		expect_status_of "$VFE/vf0" mac_status 0 02:00:00:00:00:10 || return
		expect_status "$VFE/vf1" applied || return
		expect_status_of "$VFE/vf2" mac_status 2 02:00:00:00:00:12 "" "trust: applied" || return
		expect_vf_line 0 "link/ether 02:00:00:00:00:10" || return
		expect_vf_line 1 ", vlan 100," || return
		expect_vf_line 1 "spoof checking off" || return
		expect_vf_line 2 "link/ether 02:00:00:00:00:12" || return
		expect_vf_line 2 "trust on" || return
		vf_line_has 0 "vlan" && { fail "vf 0 has a VLAN: $(vf_line 0)"; return; }
		overrides_are "$PFDIR" "(null)" ||
			{ fail "driver_override after the pass ($round): $(cat "$PFDIR"/virtfn*/driver_override | tr '\n' ' ')"; return; }
		case $round in
		created)
			mark "vfcfg rebound"
			echo $PF > /sys/bus/pci/drivers/igb/unbind
			vf_line 0 >/dev/null 2>&1 && { fail "VFs left after unbind"; return; }
			echo $PF > /sys/bus/pci/drivers/igb/bind
			;;
		rebound)
			# Not through us: an admin's or a script's sysfs writes.
			mark "vfcfg recreated"
			echo 0 > "$PFDIR/sriov_numvfs" && echo 3 > "$PFDIR/sriov_numvfs" ||
				{ fail "sriov_numvfs writes failed"; return; }
			;;
		recreated)
			mark "vfcfg nowait"
			echo 0 > /sys/module/sriov_helper/parameters/pf_up_wait &&
			ip link set dev "$(pf_netdev)" down &&
			echo 0 > "$PFDIR/sriov_numvfs" && echo 3 > "$PFDIR/sriov_numvfs" ||
				{ fail "writes for nowait failed"; return; }
			;;
		esac
	done
	expect_status_of "$VFE" entry_status 3
}

# Bad per-VF values are refused with a message and change nothing; a VF
# that does not exist waits; a PF without a netdev fails in status.
scenario vfcfg_errors debug-only
t_vfcfg_errors() {
	local n
	modprobe igb && modprobe nvme && modprobe sriov_helper || { fail "modprobe failed"; return; }
	mkdir "$VFE" "$VFE/vf0" || { fail "mkdir failed"; return; }
	echo 02:00:00:00:00:20 > "$VFE/vf0/mac" || { fail "good mac refused"; return; }
	mark badmac
	echo 01:00:5e:00:00:01 > "$VFE/vf0/mac" 2>/dev/null && { fail "multicast MAC taken"; return; }
	expect_log badmac "sriov_helper: invalid mac value '01:00:5e:00:00:01' for 0000:01:00.0/vf0: multicast address: a VF needs a unicast MAC" || return
	expect_eq "$(cat "$VFE/vf0/mac")" 02:00:00:00:00:20 "mac after a refused write" || return
	mark badvlan
	echo 4095 > "$VFE/vf0/vlan" 2>/dev/null && { fail "vlan 4095 taken"; return; }
	expect_log badvlan "sriov_helper: invalid vlan value '4095' for 0000:01:00.0/vf0: VLAN ID must be decimal 0-4094 (0: untagged)" || return
	expect_eq "$(cat "$VFE/vf0/vlan")" "" "vlan after a refused write" || return
	mark badtrust
	echo yes > "$VFE/vf0/trust" 2>/dev/null && { fail "trust yes taken"; return; }
	expect_log badtrust "sriov_helper: invalid trust value 'yes' for 0000:01:00.0/vf0: must be on or off" || return
	mark badname
	mkdir "$VFE/vf03" 2>/dev/null && { fail "vf03 made"; return; }
	expect_log badname "sriov_helper: invalid entry name 'vf03' in 0000:01:00.0: per-VF entries are named vfN or vfN-M (VF indices, no leading zeros)" || return
	mark idvf
	mkdir "$CFS/8086:10c9" || { fail "mkdir ID entry failed"; return; }
	mkdir "$CFS/8086:10c9/vf0" 2>/dev/null && { fail "vf0 under an ID entry made"; return; }
	expect_log idvf "sriov_helper: 8086:10c9: per-VF settings need a PF address entry (as 0000:01:00.0), not vendor:device" || return
	rmdir "$CFS/8086:10c9"
	mark baddrv
	echo "vfio pci" > "$VFE/vf_driver" 2>/dev/null && { fail "bad vf_driver taken"; return; }
	expect_log baddrv "sriov_helper: invalid vf_driver value 'vfio pci' for 0000:01:00.0: a driver name has only letters, digits, '_' and '-'" || return
	expect_eq "$(cat "$VFE/vf_driver")" auto "vf_driver after a refused write" || return

	# vf5 of 2 VFs waits; the entry is otherwise applied.
	mkdir "$VFE/vf5" && echo on > "$VFE/vf5/trust" || { fail "vf5 failed"; return; }
	echo 2 > "$VFE/vfs" || { fail "write vfs failed"; return; }
	expect_status "$VFE/vf5" "waiting: VF 5 does not exist (2 VFs)" || return
	expect_status_of "$VFE/vf0" mac_status 0 02:00:00:00:00:20 || return
	expect_status_of "$VFE" entry_status 2 || return

	# The NVMe PF has no network device to set VF MACs through.
	mkdir "$CFS/0000:02:00.0" "$CFS/0000:02:00.0/vf0" &&
	echo 02:00:00:00:00:30 > "$CFS/0000:02:00.0/vf0/mac" &&
	echo 1 > "$CFS/0000:02:00.0/vfs" || { fail "nvme entry failed"; return; }
	expect_status "$CFS/0000:02:00.0/vf0" "failed: mac
mac: the PF has no network device (driver nvme) (-19)" 60 || return
	expect_status "$CFS/0000:02:00.0" "applied 1
per-VF settings: 1 failed (see vfN/status)" || return
	n=$(ls "$CFS/0000:02:00.0/vf0" | tr '\n' ' ')
	expect_eq "$n" "link_state mac max_tx_rate min_tx_rate msix node_guid port_guid qos query_rss spoofchk status trust vf_driver vlan vlan_proto " "vf0 attributes"
}

# drv_of: 30-inventory.sh.
driver_is() {
	[ "$(drv_of "$1")" = "$2" ]
}

# vfio-pci takes a second SR-IOV PF (the NVMe) while sriov_helper is
# enabling the igb's 7 VFs: each PF gets what it can have, vfio-pci's
# refusal is named, and the VFs of a PF on vfio-pci stay with vfio-pci
# (its own notifier captures them; a VF of a PF that a VM may own must not
# go to a host driver), whatever vf_driver says.
special_scenario vfio_second_pf
t_vfio_second_pf() {
	local added
	modprobe igb && modprobe vfio-pci && wait_for 10 test -e "$PFDIR/driver" ||
		{ fail "modprobe failed"; return; }
	modprobe sriov_helper "pf=01:00.0,vfs=7;02:00.0,vfs=2,vf_driver=pci-stub" ||
		{ fail "modprobe sriov_helper failed"; return; }
	# During the enable: its first VF is there, not yet the last
	# (sriov_numvfs would wait for device_lock, held until the end).
	wait_for 60 test -e "$PFDIR/virtfn0" || { fail "no igb VF appeared"; return; }
	added=$(ls -d "$PFDIR"/virtfn* | wc -l)
	[ "$added" -lt 7 ] || { fail "the igb enable was over before the bind"; return; }
	echo vfio-pci > "$NVMEDIR/driver_override" && echo $NVME > /sys/bus/pci/drivers_probe ||
		{ fail "binding $NVME to vfio-pci failed"; return; }
	wait_for 10 driver_is "$NVMEDIR" vfio-pci || { fail "$NVME not on vfio-pci"; return; }
	expect_vfs "$PFDIR" 7 igbvf 120 || return
	expect_log "begin vfio_second_pf" "vfio-pci $NVME: sriov_helper: vfio-pci refused 2 VFs: it creates VFs only when loaded with enable_sriov=1 (modprobe vfio-pci enable_sriov=1, or write 1 to /sys/module/vfio_pci/parameters/enable_sriov and bind the PF again)" || return
	grep -q "^pf $NVME .* state=failed enabled=0 err=-2 .* reason=vfio-pci creates VFs only with enable_sriov=1\$" \
		/sys/kernel/debug/sriov_helper/inventory ||
		{ fail "inventory: $(grep "^pf $NVME" /sys/kernel/debug/sriov_helper/inventory)"; return; }
	numvfs_is "$NVMEDIR" 0 || { fail "NVMe numvfs $(cat "$NVMEDIR/sriov_numvfs")"; return; }
	echo 1 > /sys/module/vfio_pci/parameters/enable_sriov || { fail "enable_sriov"; return; }
	mark "vfio enable_sriov"
	echo $NVME > /sys/bus/pci/drivers/vfio-pci/unbind && echo $NVME > /sys/bus/pci/drivers_probe ||
		{ fail "rebinding $NVME failed"; return; }
	expect_vfs "$NVMEDIR" 2 vfio-pci 60 || return
	expect_log "vfio enable_sriov" "vfio-pci $NVME: sriov_helper: the PF is bound to vfio-pci, which keeps its VFs for itself: vf_driver=pci-stub is not applied to them" || return
	expect_log "vfio enable_sriov" "vfio-pci $NVME: sriov_helper: vf_driver pci-stub: not applied: the PF is bound to vfio-pci, which keeps its 2 VFs" || return
	expect_eq "$(count_log "vfio enable_sriov" "Captured SR-IOV VF")" 2 "vfio-pci captures" || return
	vfs_bound "$PFDIR" 7 igbvf || { fail "the igb's VFs changed"; return; }
	RESULT_NOTE="vfio-pci bound with $added of the igb's 7 VFs added"
}

# expect_vfs_held_pf_down N: N VFs, unbound, held until the PF's interface
# is up, which the entry's status says.
expect_vfs_held_pf_down() {
	wait_for 30 vfs_unbound "$PFDIR" "$1" || { fail "not $1 unbound VFs: $(ls -l "$PFDIR"/virtfn*/driver 2>&1 | tr '\n' ' ')"; return; }
	wait_for 30 overrides_are "$PFDIR" sriov_helper_pf_down ||
		{ fail "driver_override while the PF is down: $(cat "$PFDIR"/virtfn*/driver_override | tr '\n' ' ')"; return; }
	expect_status "$VFE" "applied $1
$1 VFs held until $(pf_netdev) is up: igb answers its VFs only while its interface is up (probed anyway 120 s after they were made)"
}

# expect_mac_stale_pf_down N MAC: vfN/status says that igb has MAC for VF
# N, what the VF's own netdev has instead, and why (the PF is down).
expect_mac_stale_pf_down() {
	local nd has pfnd
	wait_for 30 test -n "$(vf_netdev "$1")" || { fail "virtfn$1 has no netdev"; return; }
	nd=$(vf_netdev "$1") has=$(vf_mac "$1") pfnd=$(pf_netdev)
	[ "$has" != "$2" ] || { fail "virtfn$1 took $2 from a PF that is down"; return; }
	expect_status "$VFE/vf$1" "failed: mac
mac: igb has $2 for VF $1, but the VF's own $nd has $has: igbvf takes its MAC at probe, and igb answers its VFs only while its interface $pfnd is up; the VF's driver is reloaded when $pfnd comes up, if $nd is down then" 60
}

# Issue 20: VFs are held from their first probe until their settings are
# in the PF's table: igb has each VF's MAC before igbvf probes that VF
# (the order of the kernel's own lines), at creation and after a
# re-creation through sysfs by someone else; status tells what each VF's
# own netdev has; the hold is never left in driver_override.
scenario vf_mac_at_probe
t_vf_mac_at_probe() {
	local round v
	modprobe igb && modprobe igbvf && modprobe sriov_helper || { fail "modprobe failed"; return; }
	pf_link_up || { fail "PF link not up"; return; }
	mkdir "$VFE" "$VFE/vf0" "$VFE/vf1" &&
	echo 02:00:00:00:00:40 > "$VFE/vf0/mac" &&
	echo 02:00:00:00:00:41 > "$VFE/vf1/mac" || { fail "configfs writes failed"; return; }
	for round in created recreated; do
		mark "vf_mac $round"
		case $round in
		created) echo 2 > "$VFE/vfs" || { fail "write vfs failed"; return; } ;;
		recreated)
			echo 0 > "$PFDIR/sriov_numvfs" && echo 2 > "$PFDIR/sriov_numvfs" ||
				{ fail "sriov_numvfs writes failed"; return; }
			;;
		esac
		expect_vfs "$PFDIR" 2 igbvf || return
		for v in 0 1; do
			first_line_before "vf_mac $round" "igb $PF: setting MAC 02:00:00:00:00:4$v on VF $v" \
				"igbvf 0000:01:10.$((2 * v)): " || return
		done
		expect_vf_mac 0 02:00:00:00:00:40 && expect_vf_mac 1 02:00:00:00:00:41 &&
			expect_no_mbx_timeout "vf_mac $round" || return
		expect_status "$VFE/vf0" applied && expect_status "$VFE/vf1" applied || return
		overrides_are "$PFDIR" "(null)" ||
			{ fail "driver_override after the pass ($round): $(cat "$PFDIR"/virtfn*/driver_override | tr '\n' ' ')"; return; }
	done
	# The entry removed: VFs made afterwards are nobody's to hold.
	rmdir "$VFE/vf0" "$VFE/vf1" "$VFE" || { fail "rmdir failed"; return; }
	echo 0 > "$PFDIR/sriov_numvfs" && echo 1 > "$PFDIR/sriov_numvfs" ||
		{ fail "sriov_numvfs writes after rmdir failed"; return; }
	expect_vfs "$PFDIR" 1 igbvf || return
	overrides_are "$PFDIR" "(null)" ||
		fail "driver_override without an entry: $(cat "$PFDIR"/virtfn*/driver_override)"
}

# first_line_before MARK A B: since MARK, a kernel line containing A comes
# before the first one containing B, and both are there.
first_line_before() {
	local a b
	a=$(since "$1" | grep -nF -- "$2" | head -n1 | cut -d: -f1)
	b=$(since "$1" | grep -nF -- "$3" | head -n1 | cut -d: -f1)
	[ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ] ||
		fail "since '$1': '$2' (line ${a:-none}) not before '$3' (line ${b:-none})"
}

# line_of MARK TEXT: the number of the first kernel line since MARK that
# holds TEXT, empty when none does.
line_of() {
	since "$1" | grep -nF -- "$2" | head -n1 | cut -d: -f1
}

# vf_bind=serial on the igb PF: the VFs its pass held are probed one after
# another in VF index order, each probe starting (pci_enable_device()'s
# "enabling device") after the one before it ended (igbvf's last probe
# line, "Address:"); by default two would run at once on the VM's two
# CPUs. A bad value is refused, named, and changes nothing.
scenario vf_bind_serial
t_vf_bind_serial() {
	local k a b
	modprobe igb && modprobe igbvf && modprobe sriov_helper || { fail "modprobe failed"; return; }
	pf_link_up || { fail "PF link not up"; return; }
	mkdir "$VFE" && echo serial > "$VFE/vf_bind" || { fail "configfs writes failed"; return; }
	expect_eq "$(cat "$VFE/vf_bind")" serial "vf_bind read back" || return
	mark "vf_bind serial"
	echo 3 > "$VFE/vfs" || { fail "write vfs failed"; return; }
	expect_vfs "$PFDIR" 3 igbvf || return
	for k in 0 1 2; do
		expect_log "vf_bind serial" "igbvf 0000:01:10.$((2 * k)): Address:" || return
	done
	for k in 0 1; do
		a=$(line_of "vf_bind serial" "igbvf 0000:01:10.$((2 * k)): Address:")
		b=$(line_of "vf_bind serial" "igbvf 0000:01:10.$((2 * k + 2)): enabling device")
		[ -n "$b" ] && [ "$a" -lt "$b" ] ||
			{ fail "VF $((k + 1)) probed (line ${b:-none}) before VF $k's probe ended (line $a)"; return; }
	done
	overrides_are "$PFDIR" "(null)" ||
		{ fail "driver_override after the pass: $(cat "$PFDIR"/virtfn*/driver_override | tr '\n' ' ')"; return; }
	mark "vf_bind bogus"
	echo bogus > "$VFE/vf_bind" 2>/dev/null && { fail "vf_bind=bogus accepted"; return; }
	expect_log "vf_bind bogus" "sriov_helper: invalid vf_bind value 'bogus' for 0000:01:00.0: vf_bind must be parallel or serial" 5 || return
	expect_eq "$(count_log "vf_bind bogus" "sriov_helper:")" 1 "messages for the bad value" || return
	expect_eq "$(cat "$VFE/vf_bind")" serial "vf_bind after the bad value" || return
	grep -q "^pf $PF .* vf_bind=serial reason=" /sys/kernel/debug/sriov_helper/inventory ||
		{ fail "inventory: $(grep "^pf $PF " /sys/kernel/debug/sriov_helper/inventory)"; return; }
	vfs_bound "$PFDIR" 3 igbvf || fail "the VFs changed after the bad value"
}

# Issue 20: VFs for a host driver wait, unbound, while the igb PF's
# interface is down; the wait never outlives what it was for: the entry
# removed, the module unloaded, pf_up_wait's bound. The PF's interface
# coming up is vfcfg_apply's.
scenario vf_wait_pf_up
t_vf_wait_pf_up() {
	netcfg_off
	modprobe igb && modprobe sriov_helper || { fail "modprobe failed"; return; }
	mkdir "$VFE" && echo 2 > "$VFE/vfs" || { fail "configfs writes failed"; return; }
	expect_vfs_held_pf_down 2 || return
	mark "wait rmdir"
	rmdir "$VFE" || { fail "rmdir failed"; return; }
	expect_vfs "$PFDIR" 2 igbvf 60 || return
	overrides_are "$PFDIR" "(null)" ||
		{ fail "driver_override after rmdir: $(cat "$PFDIR"/virtfn*/driver_override | tr '\n' ' ')"; return; }
	# Held again (from pf=), then the module unloaded.
	rmmod sriov_helper && echo 0 > "$PFDIR/sriov_numvfs" &&
	modprobe sriov_helper pf=01:00.0,vfs=2 || { fail "reload failed"; return; }
	wait_for 30 vfs_unbound "$PFDIR" 2 && wait_for 30 overrides_are "$PFDIR" sriov_helper_pf_down ||
		{ fail "not held from pf=: $(cat "$PFDIR"/virtfn*/driver_override | tr '\n' ' ')"; return; }
	rmmod sriov_helper || { fail "rmmod failed"; return; }
	expect_vfs "$PFDIR" 2 igbvf 60 || return
	overrides_are "$PFDIR" "(null)" ||
		{ fail "driver_override after rmmod: $(cat "$PFDIR"/virtfn*/driver_override | tr '\n' ' ')"; return; }
	# The bound: probed anyway, pf_up_wait seconds after the VFs were made.
	echo 0 > "$PFDIR/sriov_numvfs" &&
	modprobe sriov_helper pf_up_wait=3 pf=01:00.0,vfs=2 || { fail "modprobe pf_up_wait=3 failed"; return; }
	wait_for 30 overrides_are "$PFDIR" sriov_helper_pf_down || { fail "not held with pf_up_wait=3"; return; }
	expect_vfs "$PFDIR" 2 igbvf 60 || return
	overrides_are "$PFDIR" "(null)" ||
		fail "driver_override after pf_up_wait: $(cat "$PFDIR"/virtfn*/driver_override | tr '\n' ' ')"
}
