# SPDX-License-Identifier: GPL-2.0
# Benchmark 5 (issue 20, item 8): from the PF's bind to the last of 7 VFs
# bound to igbvf *with its configured MAC on its own netdev*
# (/sys/class/net/<VF netdev>/address is the MAC configured for that VF,
# 02:00:00:00:01:0N for VF N), for three methods:
#   sriov_helper  modprobe sriov_helper pf=01:00.0,vfs=7 plus
#                 vf=01:00.0/N,mac=... for each VF
#   serial        the shell floor: sriov_numvfs=7 (the kernel probes the
#                 VFs inside the write), ip link set PF vf N mac ... for
#                 each, then, since igbvf reads its MAC at probe, each VF's
#                 driver reloaded (unbind, bind igbvf), one after another
#   parallel      the parallel shell: sriov_drivers_autoprobe=0,
#                 sriov_numvfs=7, ip link set PF vf N mac ... for each,
#                 sriov_drivers_autoprobe=1 again (drivers_probe binds no
#                 VF while it is 0), then every VF written to
#                 /sys/bus/pci/drivers_probe at once (background jobs,
#                 then wait)
# in two cases:
#   boot     the PF's interface is down at the bind, as at boot, and comes
#            up PF_UP_DELAY seconds (default 2) after the bind, from a
#            background job that does nothing else: network configuration
#            starts later in a boot than the PF's bind. sriov_helper is
#            loaded before the bind (modprobe.d at boot); the shells start
#            as soon as the bind returns (a udev rule or unit would), run
#            their steps, then wait for the PF's interface to be up and
#            reload every VF whose netdev does not show its MAC (the
#            serial shell one after another, the parallel one all at
#            once), which is what an admin's script must do to meet the
#            end condition.
#   runtime  the PF is bound and up (with its carrier) before the method
#            starts; the time runs from the method's start.
# The start is a /dev/kmsg marker written right before the bind (boot) or
# the method's first command (runtime). The end is the kernel's stamp on
# each VF's last "igbvf ...: Address: <its configured MAC>" line (printed
# at the end of a probe, after its netdev is registered), the latest of
# the seven, once every VF's netdev shows its MAC in sysfs. Also counted,
# from the kernel log between the run's markers: igbvf's mailbox-timeout
# lines "PF still in reset state" and "Assigning random MAC address".
# Methods take turns run by run, as in bind.sh. 4 runs by default
# (BENCH_RUNS), not bind.sh's 6: 24 runs of up to 20 s each already make
# this the longest benchmark VM but scale's.

. /tests/bench/common.sh

RUNS=${BENCH_RUNS:-4}
DELAY=${PF_UP_DELAY:-2}
METHODS="sriov_helper serial parallel"
CASES="boot runtime"
NVF=7
# The longest a run may take to the end condition: 7 probes with 2 s of
# mailbox timeouts each, then 7 reloads with as much, fit in 90 s.
END_WAIT=90

# VF N's MAC (vfs_have_macs spells it out too).
vf_mac() {
	echo "02:00:00:00:01:0$1"
}

# The PCI address of VF $1.
vf_addr() {
	local l
	l=$(readlink "$PFDIR/virtfn$1") || return 1
	echo "${l##*/}"
}

# Every VF bound (to igbvf: the only driver that gives it a netdev here)
# with its configured MAC on its netdev. Shell builtins only: this polls
# while the probes run, on the same 2 vCPUs.
vfs_have_macs() {
	local i n a
	i=0
	while [ $i -lt $NVF ]; do
		[ -e "$PFDIR/virtfn$i/driver" ] || return 1
		a=
		for n in "$PFDIR/virtfn$i"/net/*/address; do
			[ -e "$n" ] && read -r a < "$n"
		done
		[ "$a" = "02:00:00:00:01:0$i" ] || return 1
		i=$((i + 1))
	done
}

pf_is_up() {
	local n f
	for n in "$PFDIR"/net/*; do
		[ -e "$n/flags" ] || return 1
		read -r f < "$n/flags"
		[ $((f & 1)) = 1 ]
		return
	done
	return 1
}

set_macs() {
	local i nd
	nd=$(ls "$PFDIR/net")
	i=0
	while [ $i -lt $NVF ]; do
		ip link set dev "$nd" vf $i mac "$(vf_mac $i)" || return 1
		i=$((i + 1))
	done
}

# The shells' last step in the boot case: once the PF is up and the VFs'
# probes are over, reload each VF whose netdev lacks its MAC; $1 = serial
# or parallel.
reload_missing() {
	local i a v pids=
	wait_for 60 pf_is_up || return 1
	wait_for 60 vfs_bound "$PFDIR" $NVF igbvf || return 1
	i=0
	while [ $i -lt $NVF ]; do
		a=
		for v in "$PFDIR/virtfn$i"/net/*/address; do
			[ -e "$v" ] && read -r a < "$v"
		done
		if [ "$a" != "$(vf_mac $i)" ]; then
			v=$(vf_addr $i)
			if [ "$1" = serial ]; then
				echo "$v" > /sys/bus/pci/drivers/igbvf/unbind
				echo "$v" > /sys/bus/pci/drivers/igbvf/bind
			else
				{ echo "$v" > /sys/bus/pci/drivers/igbvf/unbind
				  echo "$v" > /sys/bus/pci/drivers/igbvf/bind; } &
				pids="$pids $!"
			fi
		fi
		i=$((i + 1))
	done
	# Not a bare wait: the PF's link-up job is a background job too.
	# shellcheck disable=SC2086
	[ -z "$pids" ] || wait $pids
}

# The methods' own steps, after the marker (and the bind, in the boot case).
run_serial() {
	local i v
	echo $NVF > "$PFDIR/sriov_numvfs" || return 1
	set_macs || return 1
	if [ "$1" = boot ]; then
		reload_missing serial
		return
	fi
	i=0
	while [ $i -lt $NVF ]; do
		v=$(vf_addr $i)
		echo "$v" > /sys/bus/pci/drivers/igbvf/unbind
		echo "$v" > /sys/bus/pci/drivers/igbvf/bind
		i=$((i + 1))
	done
}

run_parallel() {
	local i pids=
	echo 0 > "$PFDIR/sriov_drivers_autoprobe" || return 1
	echo $NVF > "$PFDIR/sriov_numvfs" || return 1
	set_macs || return 1
	# drivers_probe binds a VF only if its PF's autoprobe is on (or the
	# VF has a driver_override): pci_device_can_probe(). Back on, then.
	echo 1 > "$PFDIR/sriov_drivers_autoprobe" || return 1
	i=0
	while [ $i -lt $NVF ]; do
		vf_addr $i > /sys/bus/pci/drivers_probe &
		pids="$pids $!"
		i=$((i + 1))
	done
	# shellcheck disable=SC2086 # the jobs' ids
	wait $pids
	[ "$1" = boot ] && reload_missing parallel
	return 0
}

helper_opts() {
	local i
	printf 'pf=01:00.0,vfs=%d' $NVF
	i=0
	while [ $i -lt $NVF ]; do
		printf ' vf=01:00.0/%d,mac=%s' $i "$(vf_mac $i)"
		i=$((i + 1))
	done
}

# From the kernel log between the run's markers: "T RESET RANDOM", T the
# seconds from the start marker to the latest of each VF's last line
# announcing its configured MAC; with $4 = partial, for a run that did not
# get there, "N RESET RANDOM", N the VFs that announced theirs.
run_figures() {
	local args i a
	args=
	i=0
	while [ $i -lt $NVF ]; do
		a=$(vf_addr $i) || return 1
		args="$args $a=$(vf_mac $i)"
		i=$((i + 1))
	done
	dmesg | awk -v partial="${4:-}" -v m="sriovh-bench: vfmac $1 $2 $3 begin" -v e="sriovh-bench: vfmac $1 $2 $3 end" -v pairs="$args" '
		function ts(l) { sub(/^\[ */, "", l); sub(/\].*/, "", l); return l }
		BEGIN { n = split(pairs, p, " "); for (i = 1; i <= n; i++) { split(p[i], kv, "="); want["igbvf " kv[1] ": Address: " kv[2]] = kv[1] } }
		index($0, m) { on = 1; t0 = ts($0); next }
		on && index($0, e) { on = 0; next }
		!on { next }
		/PF still in reset state/ { reset++ }
		/Assigning random MAC address/ { rnd++ }
		{ for (w in want) if (index($0, w)) last[want[w]] = ts($0) }
		END {
			for (i = 1; i <= n; i++) { split(p[i], kv, "="); if (!(kv[1] in last)) miss++; else if (last[kv[1]] > t1) t1 = last[kv[1]] }
			if (miss && !partial) exit 1
			if (partial) printf "%d %d %d\n", n - miss, reset, rnd
			else printf "%.6f %d %d\n", t1 - t0, reset, rnd
		}'
}

# sriov_helper's own word on each VF at the run's end (the first three
# not "applied"): against the end condition, which reads the VF's netdev.
helper_notes() {
	local inv
	inv=/sys/kernel/debug/sriov_helper/inventory
	[ -r "$inv" ] || return 0
	grep '^vf ' "$inv" | grep -v 'settings=applied' | head -n 3 | while read -r l; do
		bench vfmac_note "$1" "$2" "settings= at the run's end, not applied: $l"
	done
}

one_run() {
	local m=$1 c=$2 r=$3 ok=1 t
	if [ "$c" = runtime ]; then
		echo "$PF" > /sys/bus/pci/drivers/igb/bind && pf_link_up ||
			{ echo "$m $c: run $r: the PF did not come up"; pf_unbind; return 1; }
	elif [ "$m" = sriov_helper ]; then
		# shellcheck disable=SC2046 # the options, as modprobe.d gives them
		modprobe sriov_helper $(helper_opts) || { echo "modprobe failed"; return 1; }
	fi
	echo "sriovh-bench: vfmac $m $c $r begin" > /dev/kmsg
	if [ "$c" = boot ]; then
		echo "$PF" > /sys/bus/pci/drivers/igb/bind
		{ sleep "$DELAY"; pf_up_now; } &
	fi
	case "$m" in
	sriov_helper)
		if [ "$c" = runtime ]; then
			# shellcheck disable=SC2046
			modprobe sriov_helper $(helper_opts) || ok=
		fi
		;;
	serial) run_serial "$c" || ok= ;;
	parallel) run_parallel "$c" || ok= ;;
	esac
	[ -n "$ok" ] && wait_for "$END_WAIT" vfs_have_macs || ok=
	wait
	echo "sriovh-bench: vfmac $m $c $r end" > /dev/kmsg
	if [ -z "$ok" ] || ! t=$(run_figures "$m" "$c" "$r"); then
		echo "$m $c: run $r: not every VF on igbvf with its MAC after ${END_WAIT} s: $(for i in 0 1 2 3 4 5 6; do cat "$PFDIR"/virtfn$i/net/*/address 2>/dev/null || echo -; done | tr '\n' ' ')"
		# What the run got: VFs that announced their MAC, mailbox lines.
		t=$(run_figures "$m" "$c" "$r" partial) && bench vfmac_fail "$m" "$c" "$r" $t >&3
		ok=
	else
		bench vfmac "$m" "$c" "$r" $t >&3
		echo "$t" >> "/tmp/vfmac.$m.$c"
	fi
	if [ "$m" = sriov_helper ]; then
		settle 1
		helper_notes "$m" "$c" >&3
		rmmod sriov_helper
	fi
	echo 1 > "$PFDIR/sriov_drivers_autoprobe"
	pf_unbind
	[ -n "$ok" ]
}

exec 3>&1
plan=
for c in $CASES; do
	for m in $METHODS; do
		plan="$plan vfmac_${m}_$c"
	done
done
echo "SRIOVH plan$plan"
reset_all
modprobe igb
modprobe igbvf
pf_unbind
for c in $CASES; do
	for m in $METHODS; do
		: > "/tmp/vfmac.$m.$c"
		: > "/tmp/vfmac.$m.$c.err"
	done
done
r=1
while [ $r -le "$RUNS" ]; do
	for c in $CASES; do
		for m in $METHODS; do
			[ -s "/tmp/vfmac.$m.$c.err" ] && continue
			one_run "$m" "$c" "$r" > "/tmp/vfmac.err.new" 2>&1 ||
				cat "/tmp/vfmac.err.new" >> "/tmp/vfmac.$m.$c.err"
		done
	done
	r=$((r + 1))
done
for c in $CASES; do
	for m in $METHODS; do
		f=/tmp/vfmac.$m.$c
		if [ -s "$f.err" ]; then
			bench_fail "vfmac_${m}_$c" "$(head -n1 "$f.err")"
			continue
		fi
		med=$(cut -d' ' -f1 "$f" | median)
		reset=$(awk '{ s += $2 } END { print s + 0 }' "$f")
		rnd=$(awk '{ s += $3 } END { print s + 0 }' "$f")
		n=$(wc -l < "$f")
		bench vfmac_median "$m" "$c" "$med" "$reset" "$rnd" "$n" "$DELAY"
		bench_ok "vfmac_${m}_$c" "median ${med}s to 7 VFs with their MAC; $reset 'PF still in reset state', $rnd 'Assigning random MAC address' in $n runs"
	done
done
