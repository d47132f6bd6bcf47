# SPDX-License-Identifier: GPL-2.0
# Issue 4: VF IRQ placement. These need the irq topology (vm.sh
# SRIOVH_TOPO=irq): CPUs 0-1 on node 0, 2-3 on node 1, igb 01:00.0 on a
# host bridge without a node and igb 81:00.0 behind an expander on node 1.

# Requested MSI/MSI-X vectors of the VFs of the PFs given: an IRQ whose
# /proc/irq/N has a handler directory. Two processes, however many IRQs:
# these checks are polled under TCG.
vf_irqs() {
	local pf
	ls -d /proc/irq/*/*/ 2>/dev/null | cut -d/ -f4 | sort -u > /tmp/requested
	for pf in "$@"; do
		ls "$pf"/virtfn*/msi_irqs/ 2>/dev/null
	done | awk 'NR == FNR { r[$1] = 1; next } /^[0-9]+$/ && ($1 in r)' /tmp/requested -
}

no_vf_irqs() {
	[ -z "$(vf_irqs "$@")" ]
}

# "IRQ CPU PINNED" per vector. CPU is the one the vector is set to go to:
# smp_affinity_list when it names one CPU (it also shows a move that x86
# MSI defers to the next interrupt), else effective_affinity_list, the
# CPU the kernel picked within a wider mask. PINNED is yes for the first.
irq_where() {
	local files="" i
	for i in $(vf_irqs "$@"); do
		files="$files /proc/irq/$i/smp_affinity_list /proc/irq/$i/effective_affinity_list"
	done
	[ -n "$files" ] || return 0
	awk 'FNR == 1 { split(FILENAME, p, "/")
			if (FILENAME ~ /smp_affinity_list$/) smp[p[4]] = $0
			else eff[p[4]] = $0 }
	     END { for (i in smp)
			if (smp[i] ~ /[-,]/) print i, eff[i], "no"
			else print i, smp[i], "yes" }' $files
}

# wait_secs SECONDS CMD...: poll CMD until it succeeds, by the clock (the
# checks here take a while each under TCG, so a count of tries is no time).
wait_secs() {
	local end=$(($(date +%s) + $1))
	shift
	while :; do
		"$@" && return 0
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.5
	done
}

# Vectors per CPU over "CPUS", e.g. "5/5/5/6" for "0 1 2 3".
irq_dist() {
	local cpus=$1
	shift
	irq_where "$@" | awk -v cpus="$cpus" '
		{ n[$2]++ }
		END { k = split(cpus, c, " "); s = ""
		      for (i = 1; i <= k; i++) s = s (i > 1 ? "/" : "") (n[c[i]] + 0)
		      print s }'
}

# placed "CPUS" N PFDIR...: exactly N VF vectors, every one pinned to a
# CPU of CPUS, and max - min <= 1 over CPUS. Sets PLACED_WHY otherwise.
PLACED_WHY=
placed() {
	local cpus=$1 want=$2
	shift 2
	PLACED_WHY=$(irq_where "$@" | awk -v cpus="$cpus" -v want="$want" '
		BEGIN { k = split(cpus, c, " "); for (i = 1; i <= k; i++) ok[c[i]] = 1 }
		{ tot++; n[$2]++
		  if ($3 != "yes") bad = bad " IRQ " $1 " not pinned (CPU " $2 ")"
		  else if (!($2 in ok)) bad = bad " IRQ " $1 " on CPU " $2 }
		END { lo = -1; hi = 0; d = ""
		      for (i = 1; i <= k; i++) { x = n[c[i]] + 0; d = d (i > 1 ? "/" : "") x
		        if (lo < 0 || x < lo) lo = x; if (x > hi) hi = x }
		      if (tot != want) bad = bad " " tot " vectors, want " want
		      if (hi - lo > 1) bad = bad " unbalanced " d " over CPUs " cpus
		      if (bad != "") print substr(bad, 2) }')
	[ -z "$PLACED_WHY" ]
}

expect_placed() {
	local cpus=$1 want=$2
	shift 2
	wait_secs 30 placed "$cpus" "$want" "$@" ||
		fail "VF IRQs over CPUs $cpus: $PLACED_WHY"
}

# Bring every VF network device of the PFs up: igbvf requests its three
# vectors at open. Failures go to the kernel log, for the record.
vfs_up() {
	local pf n err
	for pf in "$@"; do
		for n in "$pf"/virtfn*/net/*; do
			[ -e "$n" ] || continue
			grep -q up "$n/operstate" 2>/dev/null && continue
			err=$(ip link set "${n##*/}" up 2>&1) || mark "ip link set ${n##*/} up: $err"
		done
	done
	return 0
}

vf_count_is() {
	local want=$1
	shift
	vfs_up "$@"
	[ "$(vf_irqs "$@" | wc -l)" = "$want" ]
}

# all_up N PFDIR...: bring the VF devices up until N vectors are requested.
all_up() {
	local want=$1
	shift
	wait_secs 30 vf_count_is "$want" "$@" ||
		fail "$(vf_irqs "$@" | wc -l) VF vectors requested, want $want"
}

vfs_down() {
	local pf n
	for pf in "$@"; do
		for n in "$pf"/virtfn*/net/*; do
			[ -e "$n" ] && ip link set "${n##*/}" down
		done
	done
	return 0
}

# PCI probes disable CPU hotplug while they run (pci_call_probe()), so
# offlining a CPU while VFs still probe fails with EBUSY: callers wait for
# all VFs to be bound first.
cpu_online() {
	echo "$2" > /sys/devices/system/cpu/cpu"$1"/online ||
		fail "could not set CPU $1 online=$2"
}

# 7 VFs of 01:00.0 up, under the module loaded with "$@".
seven_up() {
	mark "seven_up"
	modprobe sriov_helper "$@" || { fail "modprobe sriov_helper $* failed"; return 1; }
	modprobe igb || return
	expect_vfs "$PFDIR" 7 igbvf || return
	expect_log seven_up "sriov_helper: 7 VFs enabled" || return
	all_up 21 "$PFDIR"
}

# The kernel alone (irq=off), through the hotplug that breaks it. Passes
# when the VFs came up and placement left them alone; the distributions
# go to the result line, for the README's comparison.
special_scenario irq_kernel_default
t_irq_kernel_default() {
	local up back
	seven_up "pf=01:00.0,vfs=7,irq=off" || return
	up=$(irq_dist "0 1 2 3" "$PFDIR")
	cpu_online 2 0 || return
	cpu_online 2 1 || return
	sleep 2
	back=$(irq_dist "0 1 2 3" "$PFDIR")
	irq_where "$PFDIR" | grep -q ' yes$' &&
		{ fail "irq=off, yet VF vectors were pinned"; return; }
	RESULT_NOTE="kernel default: up $up, after CPU 2 off/on $back"
}

# Default set: no node here, so all four CPUs; every vector pinned.
special_scenario irq_spread
t_irq_spread() {
	seven_up "pf=01:00.0,vfs=7" || return
	expect_placed "0 1 2 3" 21 "$PFDIR" || return
	RESULT_NOTE="$(irq_dist "0 1 2 3" "$PFDIR")"
}

special_scenario irq_cpus_param
t_irq_cpus_param() {
	seven_up "pf=01:00.0,vfs=7,irq_cpus=1-2" || return
	expect_eq "$(cat /sys/module/sriov_helper/parameters/pf)" \
		"0000:01:00.0,vfs=7,irq_cpus=1-2" "parameters/pf" || return
	expect_placed "1 2" 21 "$PFDIR" || return
	grep -q "^pf $PF .* irq=spread irq_cpus=1-2 " /sys/kernel/debug/sriov_helper/inventory ||
		fail "inventory: $(grep "^pf $PF" /sys/kernel/debug/sriov_helper/inventory)"
}

# CPU 2 leaves and returns: off it while gone, its share back after.
special_scenario irq_hotplug
t_irq_hotplug() {
	seven_up "pf=01:00.0,vfs=7" || return
	expect_placed "0 1 2 3" 21 "$PFDIR" || return
	cpu_online 2 0 || return
	expect_placed "0 1 3" 21 "$PFDIR" || return
	cpu_online 2 1 || return
	expect_placed "0 1 2 3" 21 "$PFDIR" || return
	RESULT_NOTE="after CPU 2 off/on $(irq_dist "0 1 2 3" "$PFDIR")"
}

# The admin's list with an offline CPU in it, and with all of it offline.
special_scenario irq_cpus_offline
t_irq_cpus_offline() {
	seven_up "pf=01:00.0,vfs=7,irq_cpus=2-3" || return
	expect_placed "2 3" 21 "$PFDIR" || return
	mark "cpu3 off"
	cpu_online 3 0 || return
	expect_placed "2" 21 "$PFDIR" || return
	cpu_online 2 0 || return
	# Nothing of 2-3 online: the default set, and a warning saying so.
	expect_placed "0 1" 21 "$PFDIR" || return
	expect_log "cpu3 off" "sriov_helper: no CPU of irq_cpus=2-3 is online; using the default set" 10 || return
	cpu_online 2 1 || return
	cpu_online 3 1 || return
	expect_placed "2 3" 21 "$PFDIR"
}

# Link down/up frees and requests the vectors again; a VF rebind
# allocates new ones. Both end placed.
special_scenario irq_relink_rebind
t_irq_relink_rebind() {
	local vf
	seven_up "pf=01:00.0,vfs=7,irq_cpus=0-1" || return
	expect_placed "0 1" 21 "$PFDIR" || return
	vfs_down "$PFDIR"
	wait_secs 10 no_vf_irqs "$PFDIR" ||
		{ fail "$(vf_irqs "$PFDIR" | wc -l) vectors still requested after down"; return; }
	all_up 21 "$PFDIR" || return
	expect_placed "0 1" 21 "$PFDIR" || return
	vf=$(basename "$(readlink "$PFDIR/virtfn3")")
	echo "$vf" > /sys/bus/pci/drivers/igbvf/unbind || { fail "unbind $vf"; return; }
	expect_placed "0 1" 18 "$PFDIR" || return
	echo "$vf" > /sys/bus/pci/drivers/igbvf/bind || { fail "bind $vf"; return; }
	all_up 21 "$PFDIR" || return
	expect_placed "0 1" 21 "$PFDIR"
}

# configfs at run time: a narrower set, back to the default, and off.
special_scenario irq_configfs
t_irq_configfs() {
	modprobe sriov_helper || { fail "modprobe failed"; return; }
	mkdir "$CFS/01:00.0" && echo 7 > "$CFS/01:00.0/vfs" || { fail "configfs entry"; return; }
	modprobe igb || return
	expect_vfs "$PFDIR" 7 igbvf || return
	all_up 21 "$PFDIR" || return
	expect_placed "0 1 2 3" 21 "$PFDIR" || return
	echo 3 > "$CFS/01:00.0/irq_cpus" || { fail "irq_cpus=3 refused"; return; }
	expect_eq "$(cat "$CFS/01:00.0/irq_cpus")" 3 "irq_cpus" || return
	expect_placed "3" 21 "$PFDIR" || return
	echo > "$CFS/01:00.0/irq_cpus" || { fail "empty irq_cpus refused"; return; }
	expect_placed "0 1 2 3" 21 "$PFDIR" || return
	mark "bad cpus"
	echo 9 > "$CFS/01:00.0/irq_cpus" 2>/dev/null && { fail "CPU 9 accepted"; return; }
	expect_log "bad cpus" "sriov_helper: invalid irq_cpus value '9' for 01:00.0: CPU 9 does not exist here (possible CPUs: 0-3)" 5 || return
	echo 1-0 > "$CFS/01:00.0/irq_cpus" 2>/dev/null && { fail "1-0 accepted"; return; }
	expect_log "bad cpus" "sriov_helper: invalid irq_cpus value '1-0' for 01:00.0: CPU range goes backwards" 5 || return
	expect_eq "$(cat "$CFS/01:00.0/irq_cpus")" "" "irq_cpus after bad writes" || return
	echo off > "$CFS/01:00.0/irq" || { fail "irq=off refused"; return; }
	grep -q "^pf $PF .* irq=off irq_cpus=- " /sys/kernel/debug/sriov_helper/inventory ||
		{ fail "inventory: $(grep "^pf $PF" /sys/kernel/debug/sriov_helper/inventory)"; return; }
	# Off: a CPU leaving and coming back is the kernel's business again.
	cpu_online 1 0 || return
	cpu_online 1 1 || return
	sleep 2
	irq_where "$PFDIR" | awk '$2 == 1' | grep -q . &&
		{ fail "irq=off, yet CPU 1 got VF vectors back: $(irq_dist "0 1 2 3" "$PFDIR")"; return; }
	return 0
}

# A PF on node 1 stays on node 1's CPUs; a narrower list within it too;
# and the node-less PF shares CPUs 2-3 with it, balanced over all four.
special_scenario irq_numa
t_irq_numa() {
	expect_eq "$(cat "$PF2DIR/numa_node")" 1 "numa_node of $PF2" || return
	modprobe sriov_helper "pf=81:00.0,vfs=7" || { fail "modprobe failed"; return; }
	modprobe igb || return
	expect_vfs "$PF2DIR" 7 igbvf || return
	all_up 21 "$PF2DIR" || return
	expect_placed "2 3" 21 "$PF2DIR" || return
	grep -q "^pf $PF2 .* numa=1 .* irq=spread irq_cpus=2-3 " /sys/kernel/debug/sriov_helper/inventory ||
		{ fail "inventory: $(grep "^pf $PF2" /sys/kernel/debug/sriov_helper/inventory)"; return; }
	mkdir "$CFS/81:00.0" && echo 7 > "$CFS/81:00.0/vfs" &&
		echo 3 > "$CFS/81:00.0/irq_cpus" || { fail "configfs irq_cpus=3"; return; }
	expect_placed "3" 21 "$PF2DIR" || return
	echo > "$CFS/81:00.0/irq_cpus"
	mkdir "$CFS/01:00.0" && echo 7 > "$CFS/01:00.0/vfs" || { fail "configfs 01:00.0"; return; }
	expect_vfs "$PFDIR" 7 igbvf || return
	all_up 42 "$PFDIR" "$PF2DIR" || return
	expect_placed "2 3" 21 "$PF2DIR" || return
	expect_placed "0 1 2 3" 42 "$PFDIR" "$PF2DIR" || return
	RESULT_NOTE="both PFs $(irq_dist "0 1 2 3" "$PFDIR" "$PF2DIR")"
}

# VF drivers unbinding (free_irq) after placement, then rmmod: no
# warning (an affinity hint would make free_irq() warn), vectors stay.
special_scenario irq_unload_clean
t_irq_unload_clean() {
	seven_up "pf=01:00.0,vfs=7,irq_cpus=1" || return
	expect_placed "1" 21 "$PFDIR" || return
	mark "unload"
	rmmod igbvf || { fail "rmmod igbvf"; return; }
	rmmod sriov_helper || { fail "rmmod sriov_helper"; return; }
	modprobe igbvf
	wait_secs 30 vfs_bound "$PFDIR" 7 igbvf || { fail "VFs did not rebind"; return; }
	since unload | grep -E 'WARNING|free_irq|affinity' &&
		{ fail "kernel warned: $(since unload | grep -m1 -E 'WARNING|free_irq|affinity')"; return; }
	return 0
}
