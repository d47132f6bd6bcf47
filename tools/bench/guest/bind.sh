# SPDX-License-Identifier: GPL-2.0
# Benchmark 1: from the PF driver's bind to the last of 7 VFs probed by
# igbvf, for four ways of getting VFs at bind:
#   floor         a shell writes sriov_numvfs as soon as the bind returns
#                 and the PF is up (the driver's own enable time)
#   udev_rule     the seed's rule (003_0b4d8bbafe2db00b.txt), run by
#                 Debian's systemd-udevd
#   link_file     a systemd .link file, [Link] SR-IOVVirtualFunctions=7,
#                 applied by the same udevd's net_setup_link
#   sriov_helper  modprobe sriov_helper pf=01:00.0,vfs=7
# Each run starts with the PF unbound and no VFs, writes a marker to
# /dev/kmsg, binds the PF and ends at the kernel's stamp on the last
# "igbvf ...: Intel(R) 82576 Virtual Function" line (printed at the end of
# a VF's probe). Methods take turns run by run, so that drift in the
# emulator's speed touches all of them alike.
#
# In every method's run the PF's interface is brought up right after the
# bind returns (pf_up_now: ip link set dev PF up, with its netdev just
# registered), as a host's network configuration brings a PF up when it
# appears; the floor writes sriov_numvfs after that. The same for all
# methods: igb answers its VFs only while its interface is up, and
# sriov_helper keeps igb's VFs unbound until then (pf_up_wait, 120 s), so
# with the PF left down its figure would be that wait. The udev rule and
# the .link file react to the netdev's uevent on their own: when their
# enable comes before the link-up, their VF probes spin in igbvf's mailbox
# timeouts (about 2 s per VF), and the figure shows it.

. /tests/bench/common.sh

RUNS=${BENCH_RUNS:-6}
METHODS="floor udev_rule link_file sriov_helper"
UDEVD=/lib/systemd/systemd-udevd

udevd_start() {
	rm -rf /run/udev
	"$UDEVD" --daemon --resolve-names=never 2>/dev/null || return 1
	wait_for 30 test -S /run/udev/control || return 1
	udevadm settle -t 30
}

udevd_stop() {
	udevadm settle -t 60
	udevadm control --exit 2>/dev/null
	wait_for 30 sh -c '! pidof systemd-udevd > /dev/null'
}

# The peers' configuration, each on its own.
setup() {
	case "$1" in
	udev_rule)
		mkdir -p /etc/udev/rules.d
		echo 'ACTION=="add", SUBSYSTEM=="net", ENV{ID_NET_DRIVER}=="igb", ATTR{device/sriov_numvfs}="7"' \
			> /etc/udev/rules.d/enp14s0f0.rules
		udevd_start
		;;
	link_file)
		mkdir -p /etc/systemd/network
		printf '[Match]\nDriver=igb\n\n[Link]\nSR-IOVVirtualFunctions=7\n' \
			> /etc/systemd/network/10-sriov.link
		udevd_start
		;;
	sriov_helper)
		modprobe sriov_helper pf=01:00.0,vfs=7
		;;
	esac
}

teardown() {
	case "$1" in
	udev_rule|link_file)
		udevd_stop
		rm -f /etc/udev/rules.d/enp14s0f0.rules /etc/systemd/network/10-sriov.link
		;;
	sriov_helper)
		settle 1
		rmmod sriov_helper
		;;
	esac
	pf_unbind
}

# "REACT ENABLE LAST": seconds from the end of the PF's probe (igb's last
# probe message, "Using MSI-X interrupts") to igb's "7 VFs allocated": how
# long the method took to react to the bind; from the marker to that
# start of the enable; and from the marker to the last VF probe's message
# (the issue's figure, which adds the driver's own time).
bind_time() {
	dmesg | awk -v m="sriovh-bench: bind $1 $2" '
		function ts(l) { sub(/^\[ */, "", l); sub(/\].*/, "", l); return l }
		index($0, m) { on = 1; t0 = ts($0); next }
		on && /igb 0000:01:00.0: Using MSI-X interrupts/ { tb = ts($0) }
		on && /igb 0000:01:00.0: 7 VFs allocated/ { te = ts($0) }
		on && /igbvf 0000:01:.*: Intel\(R\) 82576 Virtual Function/ { t1 = ts($0); n++ }
		END { if (n == 7 && te != "" && tb != "")
			printf "%.6f %.6f %.6f\n", te - tb, te - t0, t1 - t0
		      else exit 1 }'
}

one_run() {
	local m=$1 r=$2 t
	setup "$m" || { echo "$m: set-up failed"; return 1; }
	echo "sriovh-bench: bind $m $r" > /dev/kmsg
	echo "$PF" > /sys/bus/pci/drivers/igb/bind
	pf_up_now || { echo "$m: run $r: the PF's interface did not come up"; teardown "$m"; return 1; }
	[ "$m" = floor ] && echo 7 > "$PFDIR/sriov_numvfs"
	# The driver link appears before probe() runs (really_probe()), so
	# the end is the seventh probe's closing message, not the links.
	if ! wait_for 120 vfs_bound "$PFDIR" 7 igbvf ||
	   ! wait_for 60 bind_time "$m" "$r" > /dev/null; then
		echo "$m: run $r: numvfs=$(cat "$PFDIR/sriov_numvfs" 2>/dev/null), $(dmesg | grep -c 'Intel(R) 82576 Virtual Function') probe messages in all, not 7 VFs probed by igbvf after 180 s"
		teardown "$m"
		return 1
	fi
	t=$(bind_time "$m" "$r")
	bench bind "$m" "$r" $t >&3
	echo "$t" >> "/tmp/bind.$m"
	teardown "$m"
}

exec 3>&1
echo "SRIOVH plan $(for m in $METHODS; do printf 'bind_%s ' "$m"; done)"
reset_all
modprobe igb
modprobe igbvf
pf_unbind
for m in $METHODS; do
	: > "/tmp/bind.$m"
	: > "/tmp/bind.$m.err"
done
r=1
while [ $r -le "$RUNS" ]; do
	for m in $METHODS; do
		[ -s "/tmp/bind.$m.err" ] && continue
		one_run "$m" "$r" > "/tmp/bind.$m.err.new" 2>&1 ||
			cat "/tmp/bind.$m.err.new" >> "/tmp/bind.$m.err"
	done
	r=$((r + 1))
done
for m in $METHODS; do
	if [ -s "/tmp/bind.$m.err" ]; then
		bench_fail "bind_$m" "$(head -n1 "/tmp/bind.$m.err")"
		continue
	fi
	medr=$(cut -d' ' -f1 "/tmp/bind.$m" | median)
	mede=$(cut -d' ' -f2 "/tmp/bind.$m" | median)
	medl=$(cut -d' ' -f3 "/tmp/bind.$m" | median)
	bench bind_median "$m" "$medr" "$mede" "$medl" "$(wc -l < "/tmp/bind.$m")"
	bench_ok "bind_$m" "medians: reacted in ${medr}s, enable at ${mede}s, last VF probed at ${medl}s ($RUNS runs)"
done
