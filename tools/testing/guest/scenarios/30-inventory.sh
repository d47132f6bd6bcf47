# SPDX-License-Identifier: GPL-2.0
# The debugfs inventory, checked field by field against sysfs.

INV=/sys/kernel/debug/sriov_helper/inventory

# field LINE KEY: the value of KEY= in an inventory line.
field() {
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n1
}

inv_line() {
	grep "^$1 $2 " "$INV"
}

# The IOMMU group of a device in sysfs, or -.
group_of() {
	local g
	g=$(readlink "$1/iommu_group" 2>/dev/null) && basename "$g" || echo -
}

# check_irqs VFDIR LINE: the irqs= field against msi_irqs and /proc/irq.
check_irqs() {
	local v=$1 line=$2 irqs item irq cpus n=0
	irqs=$(field "$line" irqs)
	[ "$irqs" = - ] && irqs=
	for item in $(echo "$irqs" | tr ';' ' '); do
		irq=${item%%:*} cpus=${item#*:}
		n=$((n + 1))
		[ -e "$v/msi_irqs/$irq" ] || { fail "${v##*/}: IRQ $irq is not in msi_irqs"; return; }
		if ls -d /proc/irq/"$irq"/*/ > /dev/null 2>&1; then
			expect_eq "${cpus%%>*}" "$(cat /proc/irq/"$irq"/effective_affinity_list)" "IRQ $irq effective CPUs" || return
			case "$cpus" in
			*">"*) expect_eq "${cpus#*>}" "$(cat /proc/irq/"$irq"/smp_affinity_list)" "IRQ $irq pending CPUs" || return ;;
			esac
		else
			expect_eq "$cpus" unrequested "IRQ $irq" || return
		fi
	done
	expect_eq "$n" "$(ls "$v/msi_irqs" 2>/dev/null | wc -l)" "${v##*/} vector count"
}

drv_of() {
	local d
	d=$(readlink "$1/driver" 2>/dev/null) && basename "$d" || echo -
}

scenario inventory_vs_sysfs
t_inventory_vs_sysfs() {
	local d a line v vf idx net
	modprobe igb && modprobe nvme && modprobe sriov_helper pf=01:00.0,vfs=3 ||
		{ fail "modprobe failed"; return; }
	expect_vfs "$PFDIR" 3 igbvf || return
	wait_for 30 sh -c "grep -q '^pf $PF .*state=applied' $INV" ||
		{ fail "inventory: $(inv_line pf $PF)"; return; }
	# One VF up: its vectors requested, the others' allocated only.
	net=$(ls "$PFDIR/virtfn0/net")
	wait_for 30 sh -c "ip link set $net up; [ \$(ls -d /proc/irq/*/$net/ /proc/irq/*/$net-*/ 2>/dev/null | wc -l) = 3 ]" ||
		{ fail "$net did not request its 3 vectors"; return; }
	sleep 1
	expect_eq "$(head -n1 "$INV")" "# sriov_helper inventory v4" "version line" || return
	expect_eq "$(stat -c %a "$INV")" 400 "inventory mode" || return
	grep -qiE 'ffff[0-9a-f]{12}' "$INV" && { fail "a kernel pointer in the inventory"; return; }
	# Every SR-IOV PF in sysfs has a pf line that agrees with it.
	for d in /sys/bus/pci/devices/*; do
		[ -e "$d/sriov_totalvfs" ] || continue
		a=${d##*/}
		line=$(inv_line pf "$a") || { fail "no pf line for $a"; return; }
		expect_eq "$(field "$line" totalvfs)" "$(cat "$d/sriov_totalvfs")" "$a totalvfs" || return
		expect_eq "$(field "$line" numvfs)" "$(cat "$d/sriov_numvfs")" "$a numvfs" || return
		expect_eq "$(field "$line" driver)" "$(drv_of "$d")" "$a driver" || return
		expect_eq "$(field "$line" id)" "$(sed 's/0x//' "$d/vendor"):$(sed 's/0x//' "$d/device")" "$a id" || return
		expect_eq "$(field "$line" offset)" "$(printf '%#x' "$(cat "$d/sriov_offset")")" "$a offset" || return
		expect_eq "$(field "$line" stride)" "$(cat "$d/sriov_stride")" "$a stride" || return
		expect_eq "$(field "$line" numa)" "$(cat "$d/numa_node")" "$a numa" || return
		v=no
		[ -e "$d/iommu_group" ] && v=yes
		expect_eq "$(field "$line" iommu)" "$v" "$a iommu" || return
		# The netdev VF settings go through: the PF's own.
		net=$(ls "$d/net" 2>/dev/null | head -n1)
		expect_eq "$(field "$line" netdev)" "${net:--}" "$a netdev" || return
		# ... and every VF of it a vf line.
		for v in "$d"/virtfn*; do
			[ -e "$v" ] || continue
			idx=${v##*/virtfn}
			vf=$(basename "$(readlink "$v")")
			line=$(inv_line vf "$vf") || { fail "no vf line for $vf"; return; }
			expect_eq "$(field "$line" pf)" "$a" "$vf pf" || return
			expect_eq "$(field "$line" index)" "$idx" "$vf index" || return
			expect_eq "$(field "$line" driver)" "$(drv_of "$v")" "$vf driver" || return
			net=$(ls "$v/net" 2>/dev/null | head -n1)
			expect_eq "$(field "$line" netdev)" "${net:--}" "$vf netdev" || return
			expect_eq "$(field "$line" iommu_group)" "$(group_of "$v")" "$vf iommu_group" || return
			check_irqs "$v" "$line" || return
			expect_eq "$(field "$line" in_use) $(field "$line" settings)" \
				"no unset" "$vf in_use, settings" || return
		done
	done
	expect_eq "$(grep -c '^vf ' "$INV")" 3 "vf lines" || return
	line=$(inv_line pf $PF)
	expect_eq "$(field "$line" managed) $(field "$line" requested) $(field "$line" source) $(field "$line" enabled) $(field "$line" cause) $(field "$line" fit)" \
		"yes 3 param 3 none 7" "igb managed fields" || return
	expect_eq "$(field "$line" irq) $(field "$line" irq_cpus)" \
		"spread $(cat /sys/devices/system/cpu/online)" "igb IRQ fields" || return
	expect_eq "$(field "$line" vf_bind)" parallel "igb vf_bind" || return
	line=$(inv_line vf "$(basename "$(readlink "$PFDIR/virtfn0")")")
	expect_eq "$(field "$line" irqs | tr ';' '\n' | grep -vc unrequested)" 3 "requested vectors of virtfn0" || return
	expect_eq "$(field "$line" vf_driver)" auto "virtfn0 vf_driver" || return
	line=$(inv_line pf $NVME)
	expect_eq "$(field "$line" managed) $(field "$line" state) $(field "$line" irq) $(field "$line" vf_bind)" \
		"no unmanaged - -" "nvme fields"
}

# With an IOMMU (vm.sh SRIOVH_TOPO=iommu): iommu=yes on the PF, and each
# VF's group and whether it is alone in it, against /sys/kernel/iommu_groups.
special_scenario inventory_iommu
t_inventory_iommu() {
	local v vf g n alone line groups=
	[ -e "$PFDIR/iommu_group" ] || { fail "$PF has no IOMMU group (intel_iommu=on?)"; return; }
	modprobe igb && modprobe sriov_helper pf=01:00.0,vfs=3 || { fail "modprobe failed"; return; }
	expect_vfs "$PFDIR" 3 igbvf || return
	line=$(inv_line pf $PF)
	expect_eq "$(field "$line" iommu)" yes "$PF iommu" || return
	for v in "$PFDIR"/virtfn*; do
		vf=$(basename "$(readlink "$v")")
		g=$(group_of "$v")
		[ "$g" != - ] || { fail "$vf has no IOMMU group"; return; }
		n=$(ls "/sys/kernel/iommu_groups/$g/devices" | wc -l)
		alone=no
		[ "$n" = 1 ] && alone=yes
		line=$(inv_line vf "$vf")
		expect_eq "$(field "$line" iommu_group) $(field "$line" group_alone)" "$g $alone" "$vf group" || return
		groups="$groups $vf:$g($n)"
	done
	RESULT_NOTE="groups (devices):$groups"
}
