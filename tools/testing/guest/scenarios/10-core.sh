# SPDX-License-Identifier: GPL-2.0
# Issue 2: VF counts applied at PF driver bind.

# The card's command, loaded before the PF driver.
scenario card_before_igb
t_card_before_igb() {
	modprobe sriov_helper pf=01:00.0,vfs=7 || { fail "modprobe failed"; return; }
	expect_eq "$(cat /sys/module/sriov_helper/parameters/pf)" \
		"0000:01:00.0,vfs=7" "parameters/pf" || return
	numvfs_is "$PFDIR" 0 || { fail "VFs before igb bound"; return; }
	modprobe igb || { fail "modprobe igb failed"; return; }
	expect_vfs "$PFDIR" 7 igbvf || return
	expect_log "begin card_before_igb" \
		"igb $PF: sriov_helper: 7 VFs enabled (driver igb, pf= parameter)"
}

# The PF is bound first: the module finds it at load.
scenario load_after_bind
t_load_after_bind() {
	modprobe igb && wait_for 10 test -e "$PFDIR/driver" || { fail "igb did not bind"; return; }
	settle
	numvfs_is "$PFDIR" 0 || { fail "igb enabled VFs by itself"; return; }
	modprobe sriov_helper pf=0000:01:00.0,vfs=7 || { fail "modprobe failed"; return; }
	expect_vfs "$PFDIR" 7 igbvf
}

# Unbind and bind of the PF driver re-applies, exactly once.
scenario rebind_once
t_rebind_once() {
	modprobe sriov_helper pf=01:00.0,vfs=7 && modprobe igb || { fail "modprobe failed"; return; }
	expect_vfs "$PFDIR" 7 igbvf || return
	expect_log "begin rebind_once" "sriov_helper: 7 VFs enabled" || return
	mark "rebind"
	echo $PF > /sys/bus/pci/drivers/igb/unbind
	numvfs_is "$PFDIR" 0 || { fail "VFs left after unbind"; return; }
	echo $PF > /sys/bus/pci/drivers/igb/bind
	expect_vfs "$PFDIR" 7 igbvf || return
	expect_log rebind "sriov_helper: 7 VFs enabled" || return
	settle 3
	expect_eq "$(count_log rebind 'sriov_helper: 7 VFs enabled')" 1 \
		"applies after one rebind"
}

# configfs: 7, then 3 goes through 0 and ends at 3.
scenario configfs_7_then_3
t_configfs_7_then_3() {
	modprobe igb && modprobe sriov_helper || { fail "modprobe failed"; return; }
	mkdir "$CFS/0000:01:00.0" || { fail "mkdir failed"; return; }
	expect_eq "$(cat "$CFS/0000:01:00.0/status")" "unset" "status before a write" || return
	echo 7 > "$CFS/0000:01:00.0/vfs" || { fail "write 7 failed"; return; }
	expect_vfs "$PFDIR" 7 igbvf || return
	wait_for 10 grep -qx "applied 7" "$CFS/0000:01:00.0/status" ||
		{ fail "status: $(cat "$CFS/0000:01:00.0/status")"; return; }
	mark "to3"
	echo 3 > "$CFS/0000:01:00.0/vfs" || { fail "write 3 failed"; return; }
	expect_vfs "$PFDIR" 3 igbvf || return
	wait_for 10 grep -qx "applied 3" "$CFS/0000:01:00.0/status" ||
		{ fail "status: $(cat "$CFS/0000:01:00.0/status")"; return; }
	expect_log to3 "sriov_helper: 7 VFs disabled before enabling 3" || return
	# Removing the entry leaves the VFs as they are.
	rmdir "$CFS/0000:01:00.0" || { fail "rmdir failed"; return; }
	settle
	numvfs_is "$PFDIR" 3 || fail "rmdir changed the VFs"
}

# A count above sriov_totalvfs is refused and changes nothing.
scenario above_totalvfs
t_above_totalvfs() {
	local total
	modprobe igb && modprobe sriov_helper || { fail "modprobe failed"; return; }
	total=$(cat "$PFDIR/sriov_totalvfs")
	mkdir "$CFS/01:00.0" && echo 2 > "$CFS/01:00.0/vfs" || { fail "configfs failed"; return; }
	expect_vfs "$PFDIR" 2 igbvf || return
	mark "above"
	echo $((total + 1)) > "$CFS/01:00.0/vfs" || { fail "write refused at store"; return; }
	wait_for 10 grep -q "^failed" "$CFS/01:00.0/status" || { fail "status: $(cat "$CFS/01:00.0/status")"; return; }
	expect_eq "$(cat "$CFS/01:00.0/status")" \
		"failed: $((total + 1)) VFs requested, sriov_totalvfs is $total (-34)" status || return
	expect_log above "igb $PF: sriov_helper: cannot enable $((total + 1)) VFs: sriov_totalvfs is $total (configfs)" || return
	numvfs_is "$PFDIR" 2 || fail "count changed"
}

# A PF bound to a driver without sriov_configure gets a message naming it.
scenario no_sriov_configure
t_no_sriov_configure() {
	modprobe -q pci-stub 2>/dev/null
	echo pci-stub > "$PFDIR/driver_override"
	echo $PF > /sys/bus/pci/drivers_probe
	wait_for 10 test -e "$PFDIR/driver" || { fail "pci-stub did not bind"; return; }
	mark "stub"
	modprobe sriov_helper pf=01:00.0,vfs=7 || { fail "modprobe failed"; return; }
	settle
	expect_log stub "pci-stub $PF: sriov_helper: driver pci-stub has no sriov_configure; cannot set 7 VFs" || return
	numvfs_is "$PFDIR" 0 || fail "VFs appeared"
}

# A PF that is not a network device: NVMe.
scenario nvme_pf
t_nvme_pf() {
	modprobe sriov_helper pf=02:00.0,vfs=3 || { fail "modprobe failed"; return; }
	modprobe nvme || { fail "modprobe nvme failed"; return; }
	wait_for 60 numvfs_is "$NVMEDIR" 3 ||
		{ fail "nvme numvfs=$(cat "$NVMEDIR/sriov_numvfs")"; return; }
	expect_log "begin nvme_pf" "nvme $NVME: sriov_helper: 3 VFs enabled (driver nvme, pf= parameter)"
}

# Matching by vendor:device; an address entry beats an ID entry; and the
# /etc/modprobe.d route.
scenario id_and_modprobe_d
t_id_and_modprobe_d() {
	modprobe igb || return
	modprobe sriov_helper pf=8086:10c9,vfs=4 || { fail "modprobe failed"; return; }
	expect_vfs "$PFDIR" 4 igbvf || return
	rmmod sriov_helper || { fail "rmmod failed"; return; }
	numvfs_is "$PFDIR" 4 || { fail "rmmod changed the VFs"; return; }
	echo 0 > "$PFDIR/sriov_numvfs"
	echo "options sriov_helper pf=8086:10c9,vfs=4;01:00.0,vfs=2" > /etc/modprobe.d/sriov_helper.conf
	modprobe sriov_helper || { fail "modprobe with modprobe.d failed"; return; }
	expect_eq "$(cat /sys/module/sriov_helper/parameters/pf)" \
		"8086:10c9,vfs=4;0000:01:00.0,vfs=2" "parameters/pf" || return
	expect_vfs "$PFDIR" 2 igbvf
}

# configfs beats the parameter for the same PF.
scenario configfs_over_param
t_configfs_over_param() {
	modprobe igb && modprobe sriov_helper pf=01:00.0,vfs=7 || { fail "modprobe failed"; return; }
	expect_vfs "$PFDIR" 7 igbvf || return
	mkdir "$CFS/8086:10c9" && echo 1 > "$CFS/8086:10c9/vfs" || { fail "configfs failed"; return; }
	expect_vfs "$PFDIR" 1 igbvf || return
	wait_for 10 grep -qx "$PF applied 1" "$CFS/8086:10c9/status" ||
		fail "status: $(cat "$CFS/8086:10c9/status")"
}

# Malformed values fail the load with one message naming them.
scenario bad_params debug-only
t_bad_params() {
	local v msg n
	modprobe igb || return
	while IFS='|' read -r v msg; do
		mark "bad $v"
		if modprobe sriov_helper "pf=$v" 2>/dev/null; then
			fail "pf=$v was accepted"
			return
		fi
		lsmod | grep -q '^sriov_helper ' && { fail "module loaded with pf=$v"; return; }
		n=$(since "bad $v" | grep -F "sriov_helper: " | grep -cv "taint")
		expect_eq "$n" 1 "messages for pf=$v" || return
		expect_log "bad $v" "sriov_helper: $msg" || return
	done <<'LIST'
01:00.0,vfs=x|invalid pf= entry '01:00.0,vfs=x': not a decimal number: 'vfs=x'
01:00.0|invalid pf= entry '01:00.0': missing ,vfs=N: '01:00.0'
01:00.0,vfs=70000|invalid pf= entry '01:00.0,vfs=70000': out of range 0-65535: 'vfs=70000'
01:00.0,vfs=1;01:00.0,vfs=2|invalid pf= entry '01:00.0,vfs=2': PF given twice: '01:00.0'
01:00.0,vfs=1,color=red|invalid pf= entry '01:00.0,vfs=1,color=red': unknown key (known: vfs, on_bus_range, irq, irq_cpus, vf_driver, vf_bind): 'color'
zz:00.0,vfs=1|invalid pf= entry 'zz:00.0,vfs=1': bad PCI bus (1-2 hex digits): 'zz:00.0'
01:00,vfs=1|invalid pf= entry '01:00,vfs=1': expected [DOMAIN:]BB:DD.F or VVVV:DDDD (hex): '01:00'
01:00.0,vfs=1,vf_driver=vfio.pci|invalid pf= entry '01:00.0,vfs=1,vf_driver=vfio.pci': a driver name has only letters, digits, '_' and '-': 'vf_driver=vfio.pci'
01:00.0,vfs=1,vf_driver=|invalid pf= entry '01:00.0,vfs=1,vf_driver=': vf_driver must be auto, none or a driver name of 1-31 characters: 'vf_driver='
LIST
	numvfs_is "$PFDIR" 0 || fail "VFs changed"
}

# 20 load/unload cycles with the PF bound: VFs stay, nothing leaks.
scenario insmod_rmmod_20 debug-only
t_insmod_rmmod_20() {
	local i
	modprobe igb || return
	for i in $(seq 20); do
		modprobe sriov_helper pf=01:00.0,vfs=7 || { fail "load $i failed"; return; }
		[ "$i" = 1 ] && { expect_vfs "$PFDIR" 7 igbvf || return; }
		rmmod sriov_helper || { fail "unload $i failed"; return; }
		numvfs_is "$PFDIR" 7 || { fail "VFs changed at cycle $i"; return; }
	done
	vfs_bound "$PFDIR" 7 igbvf || fail "VFs not bound after cycles"
}

# A configfs write before the PF is bound waits, then applies at bind.
scenario configfs_before_bind
t_configfs_before_bind() {
	modprobe sriov_helper || { fail "modprobe failed"; return; }
	mkdir "$CFS/0000:01:00.0" && echo 5 > "$CFS/0000:01:00.0/vfs" ||
		{ fail "configfs failed"; return; }
	settle
	expect_eq "$(cat "$CFS/0000:01:00.0/status")" "pending" "status before bind" || return
	modprobe igb || { fail "modprobe igb failed"; return; }
	expect_vfs "$PFDIR" 5 igbvf || return
	wait_for 30 grep -qx "applied 5" "$CFS/0000:01:00.0/status" ||
		{ fail "status: $(cat "$CFS/0000:01:00.0/status")"; return; }
	echo $PF > /sys/bus/pci/drivers/igb/unbind
	expect_eq "$(cat "$CFS/0000:01:00.0/status")" "pending: no driver bound" "status after unbind"
}

# Bad configfs input: a clear error, and nothing changes.
scenario configfs_bad_input debug-only
t_configfs_bad_input() {
	local v
	modprobe igb && modprobe sriov_helper || { fail "modprobe failed"; return; }
	mkdir "$CFS/01:00.0" && echo 2 > "$CFS/01:00.0/vfs" || { fail "configfs failed"; return; }
	expect_vfs "$PFDIR" 2 igbvf || return
	for v in abc -1 +2 0x3 65536 "" "2 3" 99999999999999999999; do
		mark "cfs $v"
		if echo "$v" > "$CFS/01:00.0/vfs" 2>/dev/null; then
			fail "vfs '$v' accepted"
			return
		fi
		expect_log "cfs $v" "sriov_helper: invalid vfs value '$v' for 01:00.0:" 5 || return
	done
	expect_eq "$(cat "$CFS/01:00.0/vfs")" 2 "vfs after bad writes" || return
	numvfs_is "$PFDIR" 2 || { fail "VFs changed"; return; }
	mark "names"
	mkdir "$CFS/01:00" 2>/dev/null && { fail "mkdir 01:00 accepted"; return; }
	expect_log names "sriov_helper: invalid configfs entry name '01:00': expected" 5 || return
	mkdir "$CFS/0000:01:00.0" 2>/dev/null && { fail "second name for one PF accepted"; return; }
	expect_log names "sriov_helper: configfs entry '0000:01:00.0' names the same PF as an existing entry" 5 || return
	# The parameter view is read-only.
	echo "01:00.0,vfs=1" > /sys/module/sriov_helper/parameters/pf 2>/dev/null &&
		{ fail "parameters/pf is writable"; return; }
	numvfs_is "$PFDIR" 2 || fail "VFs changed"
}
