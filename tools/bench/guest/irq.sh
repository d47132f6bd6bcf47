# SPDX-License-Identifier: GPL-2.0
# Benchmark 2: where 7 igb VFs' 21 vectors land on 4 CPUs (vm.sh
# SRIOVH_TOPO=irq; the PF 01:00.0 has no NUMA node, so all four CPUs are
# its own), for the kernel's default, irqbalance (Debian's, one pass with
# --oneshot and as a daemon) and sriov_helper:
#   a) right after the VFs' devices are up,
#   b) after CPU 2 went offline and came back,
#   c) with the CPU set 1-2 (irq_cpus=1-2; irqbalance can only ban CPUs
#      for every IRQ of the machine, IRQBALANCE_BANNED_CPULIST=0,3; the
#      kernel has no per-device set).
# Result per cell: the vectors per CPU and max - min over the CPUs of the
# set; for c) also how many vectors sit outside it. Counting is
# irq_where()'s (scenarios/50-irq.sh): a vector counts on the CPU its
# smp_affinity names when that is one CPU (x86 MSI defers a move to the
# next interrupt, so effective_affinity lags), else on its effective CPU.

. /tests/bench/common.sh
. /tests/scenarios/50-irq.sh

IRQBALANCE=/usr/sbin/irqbalance
DAEMON_WAIT=${BENCH_IRQBALANCE_WAIT:-25}

# cell METHOD CASE "CPUS": one result line.
cell() {
	local m=$1 c=$2 cpus=$3 d out
	d=$(irq_dist "$cpus" "$PFDIR")
	out=$(irq_where "$PFDIR" | awk -v cpus="$cpus" '
		BEGIN { k = split(cpus, c, " "); for (i = 1; i <= k; i++) ok[c[i]] = 1 }
		!($2 in ok) { n++ } END { print n + 0 }')
	bench irq "$m" "$c" "$d" "$(echo "$d" | tr / '\n' | sort -n | sed -n '1p;$p' |
		awk 'NR == 1 { lo = $1 } END { print $1 - lo }')" "$out"
}

hotplug() {
	cpu_online 2 0 || return
	sleep 1
	cpu_online 2 1
}

vfs_shell() {
	echo 7 > "$PFDIR/sriov_numvfs" || return
	expect_vfs "$PFDIR" 7 igbvf || return
	all_up 21 "$PFDIR"
}

irqbalance_once() {
	env ${1:+IRQBALANCE_BANNED_CPULIST=$1} "$IRQBALANCE" --oneshot --foreground \
		> /tmp/irqbalance.log 2>&1 ||
		{ fail "irqbalance --oneshot: $(tail -n1 /tmp/irqbalance.log)"; return 1; }
}

m_default() {
	vfs_shell || return
	sleep 2
	cell default a "0 1 2 3"
	hotplug || return
	sleep 2
	cell default b "0 1 2 3"
	bench irq default c - - -
}

m_irqbalance_oneshot() {
	vfs_shell || return
	irqbalance_once || return
	cell irqbalance_oneshot a "0 1 2 3"
	hotplug || return
	irqbalance_once || return
	cell irqbalance_oneshot b "0 1 2 3"
	irqbalance_once 0,3 || return
	cell irqbalance_oneshot c "1 2"
}

m_irqbalance_daemon() {
	local pid
	"$IRQBALANCE" --foreground > /tmp/irqbalance.log 2>&1 &
	pid=$!
	sleep 2
	kill -0 $pid 2>/dev/null || { fail "irqbalance exited: $(tail -n1 /tmp/irqbalance.log)"; return; }
	vfs_shell || { kill $pid; return 1; }
	sleep "$DAEMON_WAIT"
	cell irqbalance_daemon a "0 1 2 3"
	hotplug || { kill $pid; return 1; }
	sleep "$DAEMON_WAIT"
	cell irqbalance_daemon b "0 1 2 3"
	kill $pid
	wait $pid 2>/dev/null
	IRQBALANCE_BANNED_CPULIST=0,3 "$IRQBALANCE" --foreground > /tmp/irqbalance.log 2>&1 &
	pid=$!
	sleep "$DAEMON_WAIT"
	cell irqbalance_daemon c "1 2"
	kill $pid
	wait $pid 2>/dev/null
	return 0
}

m_sriov_helper() {
	seven_up "pf=01:00.0,vfs=7" || return
	expect_placed "0 1 2 3" 21 "$PFDIR" || return
	cell sriov_helper a "0 1 2 3"
	cpu_online 2 0 || return
	expect_placed "0 1 3" 21 "$PFDIR" || return
	cpu_online 2 1 || return
	expect_placed "0 1 2 3" 21 "$PFDIR" || return
	cell sriov_helper b "0 1 2 3"
	# A configfs entry beats the parameter: same count, the CPU set.
	{ mkdir "$CFS/$PF" && echo 7 > "$CFS/$PF/vfs" &&
	  echo 1-2 > "$CFS/$PF/irq_cpus"; } ||
		{ fail "configfs entry with irq_cpus=1-2 refused"; return 1; }
	expect_placed "1 2" 21 "$PFDIR" || return
	cell sriov_helper c "1 2"
}

METHODS="default irqbalance_oneshot irqbalance_daemon sriov_helper"
echo "SRIOVH plan $(for m in $METHODS; do printf 'irq_%s ' "$m"; done)"
for m in $METHODS; do
	FAIL_WHY=
	reset_all
	modprobe igb
	modprobe igbvf
	mark "begin bench irq_$m"
	if "m_$m"; then
		bench_ok "irq_$m"
	else
		bench_fail "irq_$m" "${FAIL_WHY:-failed}"
	fi
	vfs_down "$PFDIR"
done
reset_all
