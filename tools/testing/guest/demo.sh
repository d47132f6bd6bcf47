#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo: the card's command on an emulated Intel 82576, shown the way
# an admin would look at it. Every change the module makes is asynchronous
# (a work item, then the drivers' probes), so each step waits, with a
# bound, until status and sysfs show what was asked before listing: a
# listing is never taken half-way. A step that does not settle in time
# says so as a result line, which fails make demo.
. /tests/lib.sh

say() { printf '\n# %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; sh -c "$*" 2>&1; }
E=$CFS/0000:01:00.0

# await SECONDS WHAT CMD...: wait for CMD; if it never holds, say what
# was awaited (vm.sh turns the line into a failed result).
await() {
	local s=$1 what=$2
	shift 2
	wait_for "$s" "$@" && return 0
	echo "SRIOVH not ok demo # not settled after ${s}s: $what"
	return 1
}

# vfs_settled N DRIVER: exactly N VFs, each bound to DRIVER ("none": to no
# driver), and each with a network device exactly when it has a driver:
# an unbind takes the netdev away, a probe makes one.
vfs_settled() {
	local n=0 v drv
	for v in "$PFDIR"/virtfn*; do
		[ -e "$v" ] || continue
		drv=$(basename "$(readlink "$v/driver" 2>/dev/null)" 2>/dev/null)
		[ "${drv:-none}" = "$2" ] || return 1
		if [ "$2" = none ]; then
			[ -z "$(ls "$v/net" 2>/dev/null)" ] || return 1
		else
			[ -n "$(ls "$v/net" 2>/dev/null)" ] || return 1
		fi
		n=$((n + 1))
	done
	[ "$n" = "$1" ] && numvfs_is "$PFDIR" "$1"
}

# show_vfs: each VF, its driver, its own network device and that
# device's MAC (what the VF's driver uses, /sys/class/net/X/address).
show_vfs() {
	local v addr drv net mac
	printf '%-14s %-8s %-8s %s\n' "VF" "driver" "netdev" "MAC (the VF's own netdev)"
	for v in "$PFDIR"/virtfn*; do
		[ -e "$v" ] || { echo "(no VFs)"; return; }
		addr=$(basename "$(readlink "$v")")
		drv=$(basename "$(readlink "$v/driver" 2>/dev/null)" 2>/dev/null)
		net=$(ls "$v/net" 2>/dev/null | head -n1)
		mac=-
		[ -n "$net" ] && mac=$(cat "/sys/class/net/$net/address")
		printf '%-14s %-8s %-8s %s\n' "$addr" "${drv:-none}" "${net:--}" "$mac"
	done
}

modprobe igbvf	# udev's job on a host: the VF driver for new VFs

say "An Intel 82576 (igb) with SR-IOV, at 0000:01:00.0:"
run "cat $PFDIR/vendor $PFDIR/device"
say "Its driver binds (at boot, udev loads igb); igb allows 7 VFs, none yet:"
run "/sbin/modprobe igb"
await 30 "igb's network device on the PF" sh -c "ls $PFDIR/net/* >/dev/null 2>&1"
run "cat $PFDIR/sriov_totalvfs $PFDIR/sriov_numvfs"
PFNET=$(ls "$PFDIR/net")

say "The card's command:"
run "/sbin/modprobe sriov_helper pf=01:00.0,vfs=7"
await 120 "the kernel message '7 VFs enabled'" \
	sh -c "dmesg | grep -q 'sriov_helper: 7 VFs enabled'"
await 60 "7 VFs waiting, unbound" vfs_settled 7 none
say "They wait, unbound, for the PF's interface: igb answers its VFs only while it is up, and a VF probed before would spin 2 s in mailbox timeouts and take a random MAC:"
show_vfs
run "cat $PFDIR/virtfn0/driver_override"
say "The PF's interface up, as networking brings it up at boot: the VFs go to igbvf:"
run "/bin/ip link set $PFNET up"
await 120 "7 VFs on igbvf, each with its netdev" vfs_settled 7 igbvf
run "dmesg | grep sriov_helper: | grep -v taint"
run "cat $PFDIR/sriov_numvfs"
show_vfs
run "cat /sys/module/sriov_helper/parameters/pf"

say "One inventory of PFs and VFs:"
run "cat /sys/kernel/debug/sriov_helper/inventory"

say "The same as a persistent setting: /etc/modprobe.d/sriov_helper.conf"
echo '  options sriov_helper pf=01:00.0,vfs=7'

say "Runtime change through configfs: 3 VFs (goes through 0 first)"
run "mkdir $E"
run "echo 3 > $E/vfs"
await 120 "status 'applied 3'" grep -qx "applied 3" "$E/status"
await 120 "3 VFs on igbvf, each with its netdev" vfs_settled 3 igbvf
run "cat $E/status"
show_vfs

say "VF interrupts: the 3 VFs go up, igbvf requests 3 vectors each, and sriov_helper spreads them over the PF's CPUs (IRQ:CPU in the inventory; >CPU: moving at the next interrupt):"
for n in "$PFDIR"/virtfn*/net/*; do ip link set "${n##*/}" up; done
await 60 "the kernel message '9 VF IRQs spread'" \
	sh -c "dmesg | grep -q 'sriov_helper: 9 VF IRQs spread'"
run "dmesg | grep 'VF IRQs spread' | tail -n 1"
run "grep ^vf /sys/kernel/debug/sriov_helper/inventory | cut -d' ' -f2,7,8"

say "All of them to CPU 1, at run time:"
run "echo 1 > $E/irq_cpus"
await 60 "the kernel message 'spread over CPUs 1,'" \
	sh -c "dmesg | grep -q 'spread over CPUs 1,'"
run "dmesg | grep 'VF IRQs spread' | tail -n 1"
run "grep ^vf /sys/kernel/debug/sriov_helper/inventory | cut -d' ' -f2,8"

say "Per-VF MAC and VLAN, set through the PF (what 'ip link set PF vf N ...' does), and set again whenever the VFs are re-created:"
run "mkdir $E/vf0"
run "echo 02:00:00:00:00:10 > $E/vf0/mac"
run "echo 100 > $E/vf0/vlan"
await 30 "the PF's record of VF 0's MAC" \
	sh -c "/bin/ip link show dev $PFNET | grep -q 'vf 0 .*02:00:00:00:00:10'"
await 30 "vf0/status on what VF 0 itself has" grep -q "^mac: igb has" "$E/vf0/status"
say "igbvf takes its MAC at probe, and VF 0 is up (in use): its own netdev keeps the MAC it has, and status says so, not 'applied':"
run "cat $E/vf0/status"
run "/bin/ip link show dev $PFNET"
show_vfs
VF0NET=$(ls "$PFDIR/virtfn0/net")
say "VF 0's interface down (its user is done with it), and the MAC written again: sriov_helper reloads the idle VF's driver, which takes the MAC at its probe: VF 0's own netdev shows it, and status says applied."
run "/bin/ip link set $VF0NET down"
run "echo 02:00:00:00:00:10 > $E/vf0/mac"
await 60 "VF 0's own netdev with 02:00:00:00:00:10" \
	sh -c "grep -qx 02:00:00:00:00:10 $PFDIR/virtfn0/net/*/address"
await 60 "vf0/status 'applied'" grep -qx applied "$E/vf0/status"
run "cat $E/vf0/status"
run "cat $PFDIR/virtfn0/net/*/address"
show_vfs

say "VFs meant for VMs or DPDK: no host driver, chosen before the first probe (vf_driver=none; with an IOMMU, vf_driver=vfio-pci):"
run "echo none > $E/vf_driver"
await 60 "3 VFs without a driver or a netdev" vfs_settled 3 none
await 60 "status without a move in progress" sh -c "! grep -q pending $E/status"
run "cat $E/status"
show_vfs
run "cat $PFDIR/virtfn0/driver_override"
run "rmdir $E/vf0"

say "A mistake is named, and changes nothing:"
run "echo 9 > $E/vfs"
await 30 "status 'failed: ...'" grep -q "^failed" "$E/status"
run "cat $E/status"
run "cat $PFDIR/sriov_numvfs"
run "rmdir $E && rmmod sriov_helper"
run "/sbin/modprobe sriov_helper pf=01:00.0,vfz=7"
run "dmesg | tail -n 1"

say "rmmod left the VFs in place:"
run "cat $PFDIR/sriov_numvfs"
