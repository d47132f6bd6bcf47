# SPDX-License-Identifier: GPL-2.0
# Helpers for the guest scenarios. A scenario is a shell function t_NAME
# that returns 0 or calls fail, which records why and returns 1.

PF=0000:01:00.0
PFDIR=/sys/bus/pci/devices/$PF
NVME=0000:02:00.0
NVMEDIR=/sys/bus/pci/devices/$NVME
# Only in the irq topology (vm.sh SRIOVH_TOPO=irq): an igb on NUMA node 1.
PF2=0000:81:00.0
PF2DIR=/sys/bus/pci/devices/$PF2
CFS=/sys/kernel/config/sriov_helper
ALL_TESTS=

# Debian's kmod, as on a host: busybox's shell would otherwise run its own
# applets, whose insmod retries init_module() after finit_module() fails.
modprobe() { /sbin/modprobe "$@"; }
insmod() { /sbin/insmod "$@"; }
rmmod() { /sbin/rmmod "$@"; }
lsmod() { /sbin/lsmod "$@"; }
# Debian's ip (iproute2): busybox's applet shows no VF MAC/VLAN lines.
ip() { /bin/ip "$@"; }

# Register a scenario: order of registration is the order of the run.
# "scenario NAME debug-only": it tests nothing that differs between
# kernels (the parser, messages, sriovctl, leaks under kmemleak), so
# run.sh runs it on the debug kernel only; "stock-6.12-only": on Debian's
# 6.12 only (where a fork is cheap; see run.sh).
scenario() {
	ALL_TESTS="$ALL_TESTS $1"
}

# A scenario that needs other hardware or boot options than the default VM:
# run.sh boots a VM of its own for it and names it in sriovh.tests.
special_scenario() {
	:
}

FAIL_WHY=
fail() {
	FAIL_WHY="$*"
	echo "sriovh-test: FAIL: $*" > /dev/kmsg
	return 1
}

mark() {
	echo "sriovh-test: $*" > /dev/kmsg
}

# Kernel messages since the last mark "$1".
since() {
	dmesg | sed -n "/sriovh-test: $1\$/,\$p"
}

# wait_for SECONDS CMD...: poll until CMD succeeds.
wait_for() {
	local n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

numvfs_is() {
	[ "$(cat "$1/sriov_numvfs" 2>/dev/null)" = "$2" ]
}

# vfs_bound DIR N DRIVER: exactly N VFs, each bound to DRIVER.
vfs_bound() {
	local n=0 v
	for v in "$1"/virtfn*; do
		[ -e "$v" ] || continue
		[ "$(basename "$(readlink "$v/driver" 2>/dev/null)")" = "$3" ] || return 1
		n=$((n + 1))
	done
	[ $n = "$2" ]
}

expect_vfs() {
	wait_for "${4:-60}" vfs_bound "$1" "$2" "$3" ||
		fail "expected $2 VFs bound to $3 on $(basename "$1"), have numvfs=$(cat "$1/sriov_numvfs")"
}

expect_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}

log_has() {
	since "$1" | grep -qF -- "$2"
}

# The kernel log since mark $1 must come to contain the fixed string $2.
# Polls: a PF driver's sriov_configure() may go on (igb reinitialises its
# queues) well after the VFs have appeared and bound.
expect_log() {
	wait_for "${3:-60}" log_has "$1" "$2" || fail "no kernel message '$2'"
}

count_log() {
	since "$1" | grep -cF -- "$2"
}

settle() {
	# Let queued work run: the module's workqueue, then the VF probes.
	sleep "${1:-1}"
}

# Back to a known state: no module, no configfs entries, PFs unbound.
reset_all() {
	local d
	for d in "$CFS"/*/vf*/ "$CFS"/*/; do
		[ -d "$d" ] && rmdir "$d"
	done
	rmmod sriov_helper 2>/dev/null
	rm -f /etc/modprobe.d/sriov_helper.conf
	for d in /sys/devices/system/cpu/cpu*/online; do
		[ "$(cat "$d")" = 1 ] || echo 1 > "$d"
	done
	for d in "$PFDIR" "$NVMEDIR" "$PF2DIR"; do
		[ -e "$d" ] || continue
		[ -e "$d/driver" ] && [ -e "$d/sriov_numvfs" ] &&
			echo 0 > "$d/sriov_numvfs" 2>/dev/null
		[ -e "$d/driver" ] && echo "${d##*/}" > "$d/driver/unbind"
		echo > "$d/driver_override"
	done
	for d in igbvf igb nvme vfio-pci pci-stub; do
		rmmod $d 2>/dev/null
	done
	echo 0 > "$NVMEDIR/sriov_drivers_autoprobe" 2>/dev/null
	lsmod | grep -q '^sriov_helper ' && return 1
	return 0
}

# netcfg_start: what a host's network configuration does for the PFs it
# has a stanza for (ifupdown's allow-hotplug, NetworkManager): bring an
# SR-IOV PF's interface up when it appears (at igb's bind, a rebind, a
# hot-add), once; an interface taken down later stays down. From netlink
# events (ip monitor), with shell builtins only: a fork costs most of a
# second on the debug kernel. A scenario that needs its PF down calls
# netcfg_off (for the rest of the scenario).
netcfg_start() {
	/bin/ip -o monitor link 2>/dev/null | {
		seen=
		while read -r idx name rest; do
			name=${name%:}
			name=${name%@*}
			[ -e "/sys/class/net/$name/device/sriov_totalvfs" ] || continue
			[ -e /tmp/netcfg-off ] && continue
			case " $seen " in
			*" $idx "*) continue ;;
			esac
			seen="$seen $idx"
			/bin/ip link set dev "$name" up
		done
	} &
}

netcfg_off() {
	: > /tmp/netcfg-off
}

# A scenario may set RESULT_NOTE: figures for its result line.
run_scenario() {
	FAIL_WHY=
	RESULT_NOTE=
	rm -f /tmp/netcfg-off
	# Reset first: it waits for the previous scenario's work (device_lock,
	# rmmod), so that its late messages land before this one's mark.
	if ! reset_all; then
		echo "SRIOVH not ok $1 # reset failed" >&3
		return
	fi
	# On a host, udev loads the VF driver for a new VF's modalias; there
	# is no udev here, so load it up front.
	modprobe igbvf
	mark "begin $1"
	t0=$(cut -d' ' -f1 /proc/uptime)
	if "t_$1"; then
		echo "SRIOVH ok $1${RESULT_NOTE:+ # $RESULT_NOTE}" >&3
	else
		echo "SRIOVH not ok $1 # ${FAIL_WHY:-failed}" >&3
	fi
	# Where a VM's time goes (vm.sh prints it as a comment line).
	echo "SRIOVH time $1 $(awk -v a="$t0" '{ printf "%d", $1 - a + 0.5 }' /proc/uptime)" >&3
	mark "end $1"
}

kmemleak_clear() {
	[ -e /sys/kernel/debug/kmemleak ] && echo clear > /sys/kernel/debug/kmemleak
}

# Unreferenced objects go to the console, where the host's log check
# fails the run on them.
kmemleak_report() {
	[ -e /sys/kernel/debug/kmemleak ] || return 0
	echo scan > /sys/kernel/debug/kmemleak
	sleep 6
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > /tmp/leaks
	if [ -s /tmp/leaks ]; then
		echo "kmemleak: reports follow"
		cat /tmp/leaks
	fi > /dev/console
}

# One result line per KUnit case, leaves only: a parameterized case's
# summary line and a suite's are aggregates of lines already reported.
# KTAP nests by indentation; "# Subtest: X" at indent i+4 announces the
# aggregate that closes as "ok N X" at indent i.
ktap_leaves() {
	awk '
	{ sub(/\r$/, ""); match($0, /^ */); ind = RLENGTH; line = substr($0, ind + 1) }
	line ~ /^# Subtest: / { open[ind] = substr(line, 12); next }
	line ~ /^(not )?ok [0-9]+ / {
		st = (line ~ /^not /) ? "not ok" : "ok"
		d = line
		sub(/^(not )?ok [0-9]+ /, "", d)
		if ((ind + 4) in open && open[ind + 4] == d) { delete open[ind + 4]; next }
		p = ""
		for (h = 0; h <= ind; h += 4)
			if (h in open)
				p = p open[h] "/"
		print "SRIOVH " st " " p d
	}'
}

run_kunit() {
	local m r n=0
	for m in /lib/modules/*/extra/sriov_helper_kunit.ko; do
		insmod "$m" || echo "SRIOVH not ok kunit/load # insmod failed" >&3
	done
	for r in /sys/kernel/debug/kunit/sriovh_*/results; do
		[ -f "$r" ] && ktap_leaves < "$r"
	done > /tmp/kunit.tap
	cat /tmp/kunit.tap >&3
	# A run that executed nothing must not pass.
	n=$(grep -c . /tmp/kunit.tap)
	if [ "$n" -lt 30 ]; then
		echo "SRIOVH not ok kunit/ran # only $n cases reported" >&3
	fi
}

pf_netdev() {
	ls "$PFDIR/net" 2>/dev/null | head -n1
}

# pf_link_up: the igb PF's interface up, with its carrier, as a host's
# network configuration brings it up. igb answers its VFs' mailbox only
# then (igb_msg_task() runs from the interrupt igb_open() requests): with
# it down, each igbvf probe spins 2 s in mailbox timeouts and takes a
# random MAC.
pf_link_up() {
	local nd
	wait_for 10 test -n "$(pf_netdev)" || return 1
	nd=$(pf_netdev)
	ip link set dev "$nd" up && wait_for 20 grep -qx 1 "/sys/class/net/$nd/carrier"
}

# vf_netdev N: VF N's own network device, if it has one.
vf_netdev() {
	ls "$PFDIR/virtfn$1/net" 2>/dev/null | head -n1
}

# vf_mac N: the MAC VF N's own netdev shows (nothing when it has none).
vf_mac() {
	local nd
	nd=$(vf_netdev "$1")
	[ -z "$nd" ] || cat "/sys/class/net/$nd/address"
}

# is_up NETDEV: administratively up (IFF_UP in its flags).
is_up() {
	[ $(( $(cat "/sys/class/net/$1/flags") & 1 )) = 1 ]
}

# mac_line N MAC: the line of vfN/status for its MAC, told from what VF N
# itself has now (sriov_helper(4), Per-VF status): applied when it has no
# host netdev (unbound: its driver reads the PF's table at probe) or its
# netdev shows MAC; else what it has and why. Tests that know what the VF
# must have assert it first with expect_vf_mac: this line only checks
# that status tells the truth about it.
mac_line() {
	local nd has pfnd
	nd=$(vf_netdev "$1")
	has=$(vf_mac "$1")
	if [ -z "$nd" ] || [ "$has" = "$2" ]; then
		echo "mac: applied"
		return
	fi
	pfnd=$(pf_netdev)
	if is_up "$nd"; then
		echo "mac: igb has $2 for VF $1, but the VF's own $nd has $has and is in use (up, or in another network namespace): igbvf takes its MAC at probe; reload it to take this one (sriov_helper does not disrupt a VF in use)"
	elif ! is_up "$pfnd"; then
		echo "mac: igb has $2 for VF $1, but the VF's own $nd has $has: igbvf takes its MAC at probe, and igb answers its VFs only while its interface $pfnd is up; the VF's driver is reloaded when $pfnd comes up, if $nd is down then"
	else
		echo "mac: igb has $2 for VF $1, but the VF's own $nd has $has after its driver igbvf was reloaded"
	fi
}

# vf_has_mac N MAC: VF N's own netdev exists and shows MAC.
vf_has_mac() {
	[ "$(vf_mac "$1")" = "$2" ]
}

# expect_vf_mac N MAC [SECONDS]: VF N's own netdev, the one a container or
# a host service uses, comes to show MAC (not only igb's table for it).
expect_vf_mac() {
	local nd
	wait_for "${3:-60}" vf_has_mac "$1" "$2" && return
	nd=$(vf_netdev "$1")
	fail "virtfn$1's own netdev ${nd:-(none)} has $(vf_mac "$1"), want $2"
}

# expect_no_mbx_timeout MARK: since MARK, no VF probe spun in igbvf's
# mailbox timeouts (igbvf_probe(): "PF still in reset state").
expect_no_mbx_timeout() {
	local n
	n=$(since "$1" | grep -c 'PF still in reset state')
	expect_eq "$n" 0 "igbvf mailbox-timeout lines since '$1'"
}

# mac_status N MAC [FAILED OTHER_LINES]: all of vfN/status for a set with
# a MAC (first, in key order) and other keys: FAILED are the other keys a
# driver refused ("link_state, query_rss"), OTHER_LINES their lines.
mac_status() {
	local ml failed
	ml=$(mac_line "$1" "$2")
	if [ "$ml" = "mac: applied" ] && [ -z "$3" ]; then
		echo applied
		return
	fi
	failed=$3
	[ "$ml" = "mac: applied" ] || failed="mac${failed:+, $failed}"
	if [ -n "$4" ]; then
		printf 'failed: %s\n%s\n%s\n' "$failed" "$ml" "$4"
	else
		printf 'failed: %s\n%s\n' "$failed" "$ml"
	fi
}

# expect_status_of ENTRY CMD...: ENTRY/status must come to be what CMD
# prints, CMD run again at every poll (what a VF has can change).
expect_status_of() {
	local f=$1
	shift
	wait_for 60 sh_status_is "$f" "$@" ||
		fail "$f/status: expected '$("$@")', got '$(cat "$f/status")'"
}

sh_status_is() {
	local f=$1
	shift
	[ "$(cat "$f/status")" = "$("$@")" ]
}

# entry_status N: the first lines of $VFE/status for N VFs applied, with
# the count of its per-VF sets whose status says failed (a VF that does
# not show its MAC is one: mac_line).
entry_status() {
	local n=0 d
	for d in "$VFE"/vf*/; do
		[ -e "$d/status" ] || continue
		case $(head -n1 "$d/status") in
		failed*) n=$((n + 1)) ;;
		esac
	done
	echo "applied $1"
	[ $n = 0 ] || echo "per-VF settings: $n failed (see vfN/status)"
}
