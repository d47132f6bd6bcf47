# SPDX-License-Identifier: GPL-2.0
# Benchmark 3: scale, with four NVMe PFs of 127 VFs each (508 VFs; vm.sh
# SRIOVH_TOPO=scale boots with pci=realloc so that their VF BARs fit). VF
# autoprobe is off on every PF (sriov_drivers_autoprobe=0): NVMe VFs'
# controllers are offline until configured, and the figures are about
# creating VFs, not probing them.
#   apply      all 508 VFs: a shell writing sriov_numvfs on each PF (the
#              floor), modprobe sriov_helper with four pf= rules, and four
#              configfs entries; from a /dev/kmsg stamp to the last
#              "sriov_helper: 127 VFs enabled" (the shell: a stamp after
#              its last write returned)
#   inventory  one read of the debugfs inventory at 8, 64 and 508 VFs,
#              against a shell walking sysfs for the same facts per VF
#              (address, driver, IOMMU group); the mean of 10 reads
#   memory     the module's size, and SUnreclaim growth per VF when the
#              module created the 508 VFs, less that of the shell's
#   notifier   binding the 508 VFs to pci-stub and unbinding them, with the
#              module loaded (rules for other PFs only) and without

. /tests/bench/common.sh

RUNS=${BENCH_RUNS:-3}
INV=/sys/kernel/debug/sriov_helper/inventory
PFS=

find_pfs() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/sriov_totalvfs" 2>/dev/null)" = 127 ] && PFS="$PFS ${d##*/}"
	done
	PFS=${PFS# }
}

all_numvfs() {
	local p
	for p in $PFS; do
		numvfs_is "/sys/bus/pci/devices/$p" "$1" || return 1
	done
}

all_zero() {
	local p
	for p in $PFS; do
		echo 0 > "/sys/bus/pci/devices/$p/sriov_numvfs" || return 1
	done
}

rules() {
	local p s=
	for p in $PFS; do
		s="$s${s:+;}$p,vfs=$1"
	done
	echo "$s"
}

# Stamp of the last "VFs enabled" message of the module after mark $1.
last_enabled() {
	dmesg | awk -v m="sriovh-bench: $1" -v n="$2" '
		index($0, m) { on = 1; next }
		on && /sriov_helper: [0-9]+ VFs enabled/ {
			t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t); k++ }
		END { if (k == n) print t; else exit 1 }'
}

apply_floor() {
	local t0 t1 p
	t0=$(stamp)
	for p in $PFS; do
		echo 127 > "/sys/bus/pci/devices/$p/sriov_numvfs" || return 1
	done
	t1=$(stamp)
	elapsed "$t0" "$t1"
}

# apply_module param|configfs RUN
apply_module() {
	local t0 t1 p
	t0=$(stamp)
	echo "sriovh-bench: apply $1 $2" > /dev/kmsg
	if [ "$1" = param ]; then
		modprobe sriov_helper "pf=$(rules 127)" || return 1
	else
		modprobe sriov_helper || return 1
		for p in $PFS; do
			mkdir "$CFS/$p" && echo 127 > "$CFS/$p/vfs" || return 1
		done
	fi
	wait_for 300 all_numvfs 127 || return 1
	wait_for 60 last_enabled "apply $1 $2" 4 > /dev/null || return 1
	t1=$(last_enabled "apply $1 $2" 4)
	elapsed "$t0" "$t1"
}

module_off() {
	local d
	for d in "$CFS"/*/; do
		[ -d "$d" ] && rmdir "$d"
	done
	settle 1
	rmmod sriov_helper
}

bench_apply() {
	local r=1 m t
	: > /tmp/apply.floor; : > /tmp/apply.param; : > /tmp/apply.configfs
	while [ $r -le "$RUNS" ]; do
		t=$(apply_floor) && all_numvfs 127 || { bench_fail apply_floor "shell could not enable 127 VFs on$PFS"; return 1; }
		echo "$t" >> /tmp/apply.floor; bench apply floor "$r" "$t"
		all_zero
		for m in param configfs; do
			t=$(apply_module "$m" "$r") ||
				{ bench_fail "apply_$m" "no 127 VFs on every PF ($(for p in $PFS; do cat /sys/bus/pci/devices/$p/sriov_numvfs; done | tr '\n' ' '))"; return 1; }
			echo "$t" >> "/tmp/apply.$m"; bench apply "$m" "$r" "$t"
			module_off
			all_zero
		done
		r=$((r + 1))
	done
	for m in floor param configfs; do
		bench apply_median "$m" "$(median < "/tmp/apply.$m")"
	done
	bench_ok apply "floor $(median < /tmp/apply.floor)s, pf= $(median < /tmp/apply.param)s, configfs $(median < /tmp/apply.configfs)s"
}

# The sysfs walk an admin's script does for the same facts per VF.
sysfs_walk() {
	local p v
	for p in $PFS; do
		echo "pf $p $(basename "$(readlink "/sys/bus/pci/devices/$p/driver")") $(cat "/sys/bus/pci/devices/$p/sriov_numvfs")"
		for v in /sys/bus/pci/devices/$p/virtfn*; do
			[ -e "$v" ] || continue
			echo "vf $(basename "$(readlink "$v")") $(basename "$(readlink "$v/driver" 2>/dev/null)") $(basename "$(readlink "$v/iommu_group" 2>/dev/null)")"
		done
	done
}

# read_time CMD...: mean seconds of one of 10 runs of CMD.
read_time() {
	local t0 t1 i=0
	t0=$(stamp)
	while [ $i -lt 10 ]; do
		"$@" > /dev/null
		i=$((i + 1))
	done
	t1=$(stamp)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", (b - a) / 10 }'
}

# Per PF counts for N VFs in all: 8 and 64 on the first PF, 508 on all.
bench_inventory() {
	local n p rule lines
	for n in 8 64 508; do
		if [ $n = 508 ]; then
			rule=$(rules 127)
		else
			rule="${PFS%% *},vfs=$n"
		fi
		modprobe sriov_helper "pf=$rule" || { bench_fail inventory "modprobe at $n VFs"; return 1; }
		if ! wait_for 300 sh -c "[ \$(grep -c '^vf ' $INV) = $n ]"; then
			bench_fail inventory "inventory shows $(grep -c '^vf ' $INV) vf lines, want $n"
			return 1
		fi
		lines=$(grep -c '^vf ' "$INV")
		bench inventory "$n" "$(read_time cat "$INV")" "$(read_time sysfs_walk)" "$lines"
		module_off
		all_zero
	done
	bench_ok inventory
}

# Bytes in use in every slab cache (active objects x object size), after
# dropping what can be dropped. SUnreclaim alone moved by a few MB between
# identical runs here (partial slabs, deferred frees); this sum does not.
slab_bytes() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	sleep 2
	awk 'NR > 2 { s += $2 * $4 } END { printf "%d\n", s }' /proc/slabinfo
}

# Per round: slab growth when the shell creates the 508 VFs, and when the
# module does (four configfs entries; the module loaded, without rules,
# before the first reading).
bench_memory() {
	local r=1 a b c d size
	modprobe sriov_helper || { bench_fail memory "modprobe"; return 1; }
	size=$(awk '$1 == "sriov_helper" { print $2 }' /proc/modules)
	rmmod sriov_helper
	while [ $r -le 2 ]; do
		a=$(slab_bytes)
		apply_floor > /dev/null
		b=$(slab_bytes)
		all_zero
		modprobe sriov_helper || { bench_fail memory "modprobe"; return 1; }
		c=$(slab_bytes)
		apply_module configfs "mem $r" > /dev/null || { bench_fail memory "module apply"; return 1; }
		d=$(slab_bytes)
		module_off
		all_zero
		bench memory_round "$r" $((b - a)) $((d - c))
		r=$((r + 1))
	done
	bench memory "$size" 508
	bench_ok memory "module $size bytes"
}

# bind_all DRIVER|-: every VF to pci-stub, or unbound.
bind_all() {
	local p v
	for p in $PFS; do
		for v in /sys/bus/pci/devices/$p/virtfn*; do
			if [ "$1" = - ]; then
				echo "$(basename "$(readlink "$v")")" > "$v/driver/unbind"
			else
				echo "$1" > "$v/driver_override"
				echo "$(basename "$(readlink "$v")")" > /sys/bus/pci/drivers_probe
			fi
		done
	done
}

bind_round() {
	local t0 t1
	t0=$(stamp)
	bind_all pci-stub
	bind_all -
	t1=$(stamp)
	elapsed "$t0" "$t1"
}

bench_notifier() {
	local r=1 t
	modprobe pci-stub
	apply_floor > /dev/null
	: > /tmp/not.without; : > /tmp/not.with
	while [ $r -le "$RUNS" ]; do
		t=$(bind_round); echo "$t" >> /tmp/not.without; bench notifier without "$r" "$t"
		modprobe sriov_helper pf=0000:01:00.0,vfs=0 || { bench_fail notifier "modprobe"; return 1; }
		t=$(bind_round); echo "$t" >> /tmp/not.with; bench notifier with "$r" "$t"
		settle 1
		rmmod sriov_helper
		r=$((r + 1))
	done
	if [ "$(ls -d /sys/bus/pci/drivers/pci-stub/0000:* 2>/dev/null | wc -l)" != 0 ]; then
		bench_fail notifier "VFs left on pci-stub"
		return 1
	fi
	all_zero
	bench notifier_median without "$(median < /tmp/not.without)"
	bench notifier_median with "$(median < /tmp/not.with)"
	bench_ok notifier
}

echo "SRIOVH plan apply inventory memory notifier"
reset_all
find_pfs
set -- $PFS
if [ $# != 4 ]; then
	for t in apply inventory memory notifier; do
		bench_fail $t "want 4 NVMe PFs with 127 VFs, found $#: $PFS"
	done
	exit 0
fi
modprobe nvme
for p in $PFS; do
	wait_for 60 test -e "/sys/bus/pci/devices/$p/driver" ||
		{ bench_fail apply "nvme did not bind $p"; exit 0; }
	echo 0 > "/sys/bus/pci/devices/$p/sriov_drivers_autoprobe"
done
bench_apply
bench_inventory
bench_memory
bench_notifier
