# SPDX-License-Identifier: GPL-2.0
# Helpers for the benchmark scripts (tools/bench/guest/*.sh), which run in
# the test VM as /tests/script.sh with stdout on the results port.
#
# Times come from the kernel's own log clock: a marker line written to
# /dev/kmsg is stamped in microseconds, and so are the driver messages a
# benchmark ends on. busybox's date has no sub-second clock.

. /tests/lib.sh

# Results: "SRIOVH bench KEY VALUE..." lines, gathered by tools/bench/report.sh;
# "SRIOVH ok|not ok NAME" lines, so that a peer that could not run fails
# the benchmark run loudly.
bench() {
	echo "SRIOVH bench $*"
}

bench_ok() {
	echo "SRIOVH ok $1${2:+ # $2}"
}

bench_fail() {
	echo "SRIOVH not ok $1 # $2"
}

# Kernel log time of the marker written now, in seconds. The sequence
# number lives in a file: stamp runs in command substitutions, whose
# variables die with them.
stamp() {
	local n
	n=$(($(cat /tmp/bench.seq 2>/dev/null || echo 0) + 1))
	echo $n > /tmp/bench.seq
	echo "sriovh-bench: stamp $n" > /dev/kmsg
	dmesg | awk -v m="sriovh-bench: stamp $n" '
		index($0, m) && substr($0, length($0) - length(m) + 1) == m {
			sub(/^\[ */, ""); sub(/\].*/, ""); print; exit }'
}

# Seconds between two stamps, to the microsecond.
elapsed() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f\n", b - a }'
}

# Median of the numbers on stdin.
median() {
	sort -n | awk '{ v[NR] = $1 }
		END { if (NR == 0) exit 1
		      if (NR % 2) print v[(NR + 1) / 2]
		      else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The igb PF back to no VFs and no driver.
pf_unbind() {
	[ -e "$PFDIR/driver" ] || return 0
	echo 0 > "$PFDIR/sriov_numvfs"
	echo "$PF" > /sys/bus/pci/drivers/igb/unbind
}

# The PF's interface up, as a host's network configuration brings it up
# when it appears (ifupdown's allow-hotplug, NetworkManager): at once,
# with no wait for its carrier. With shell builtins only until the ip
# command itself (a fork is the costly part under emulation). igb answers
# its VFs' mailbox only while its interface is up (igb_open() requests
# the interrupt that carries the VFs' messages). Tried again with the
# name read anew if systemd-udevd renamed the interface in between.
pf_up_now() {
	local n try=0
	while [ $try -lt 5 ]; do
		for n in "$PFDIR"/net/*; do
			[ -e "$n" ] && ip link set dev "${n##*/}" up 2>/dev/null && return 0
		done
		try=$((try + 1))
		sleep 0.1
	done
	return 1
}
