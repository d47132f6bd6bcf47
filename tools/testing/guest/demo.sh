#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo: the card's command on an emulated Intel 82576, shown the way
# an admin would look at it.
. /tests/lib.sh

say() { printf '\n# %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; sh -c "$*" 2>&1; }

show_vfs() {
	local v addr drv net
	printf '%-14s %-8s %s\n' "VF" "driver" "netdev"
	for v in "$PFDIR"/virtfn*; do
		[ -e "$v" ] || { echo "(no VFs)"; return; }
		addr=$(basename "$(readlink "$v")")
		drv=$(basename "$(readlink "$v/driver" 2>/dev/null)" 2>/dev/null)
		net=$(ls "$v/net" 2>/dev/null | head -n1)
		printf '%-14s %-8s %s\n' "$addr" "${drv:-none}" "${net:--}"
	done
}

modprobe igbvf	# udev's job on a host: the VF driver for new VFs

say "An Intel 82576 (igb) with SR-IOV, at 0000:01:00.0:"
run "cat $PFDIR/vendor $PFDIR/device"
say "Its driver binds (at boot, udev loads igb); igb allows 7 VFs, none yet:"
run "/sbin/modprobe igb"
sleep 1
run "cat $PFDIR/sriov_totalvfs $PFDIR/sriov_numvfs"

say "The card's command:"
run "/sbin/modprobe sriov_helper pf=01:00.0,vfs=7"
wait_for 120 sh -c "dmesg | grep -q 'sriov_helper: 7 VFs enabled'"
run "dmesg | grep sriov_helper: | grep -v taint"
run "cat $PFDIR/sriov_numvfs"
show_vfs
run "cat /sys/module/sriov_helper/parameters/pf"

say "One inventory of PFs and VFs:"
run "cat /sys/kernel/debug/sriov_helper/inventory"

say "The same as a persistent setting: /etc/modprobe.d/sriov_helper.conf"
echo '  options sriov_helper pf=01:00.0,vfs=7'

say "Runtime change through configfs: 3 VFs (goes through 0 first)"
run "mkdir /sys/kernel/config/sriov_helper/0000:01:00.0"
run "echo 3 > /sys/kernel/config/sriov_helper/0000:01:00.0/vfs"
wait_for 120 grep -qx "applied 3" "$CFS/0000:01:00.0/status"
run "cat /sys/kernel/config/sriov_helper/0000:01:00.0/status"
show_vfs

say "VF interrupts: the 3 VFs go up, igbvf requests 3 vectors each, and sriov_helper spreads them over the PF's CPUs (IRQ:CPU in the inventory; >CPU: moving at the next interrupt):"
for n in "$PFDIR"/virtfn*/net/*; do ip link set "${n##*/}" up; done
wait_for 60 sh -c "dmesg | grep -q 'sriov_helper: 9 VF IRQs spread'"
run "dmesg | grep 'VF IRQs spread' | tail -n 1"
run "grep ^vf /sys/kernel/debug/sriov_helper/inventory | cut -d' ' -f2,7,8"

say "All of them to CPU 1, at run time:"
run "echo 1 > /sys/kernel/config/sriov_helper/0000:01:00.0/irq_cpus"
wait_for 60 sh -c "dmesg | grep -q 'spread over CPUs 1,'"
run "dmesg | grep 'VF IRQs spread' | tail -n 1"
run "grep ^vf /sys/kernel/debug/sriov_helper/inventory | cut -d' ' -f2,8"

say "Per-VF MAC and VLAN, set through the PF (what 'ip link set PF vf N ...' does), and set again whenever the VFs are re-created:"
run "mkdir $CFS/0000:01:00.0/vf0"
run "echo 02:00:00:00:00:10 > $CFS/0000:01:00.0/vf0/mac"
run "echo 100 > $CFS/0000:01:00.0/vf0/vlan"
wait_for 30 grep -qx applied "$CFS/0000:01:00.0/vf0/status"
run "cat $CFS/0000:01:00.0/vf0/status"
run "/bin/ip link show dev $(ls "$PFDIR/net") | grep 'vf 0'"

say "VFs meant for VMs or DPDK: no host driver, chosen before the first probe (vf_driver=none; with an IOMMU, vf_driver=vfio-pci):"
run "echo none > $CFS/0000:01:00.0/vf_driver"
wait_for 60 sh -c "! ls $PFDIR/virtfn*/driver >/dev/null 2>&1"
show_vfs
run "cat $PFDIR/virtfn0/driver_override"
run "rmdir $CFS/0000:01:00.0/vf0"

say "A mistake is named, and changes nothing:"
run "echo 9 > /sys/kernel/config/sriov_helper/0000:01:00.0/vfs"
wait_for 30 grep -q "^failed" "$CFS/0000:01:00.0/status"
run "cat /sys/kernel/config/sriov_helper/0000:01:00.0/status"
run "cat $PFDIR/sriov_numvfs"
run "rmdir /sys/kernel/config/sriov_helper/0000:01:00.0 && rmmod sriov_helper"
run "/sbin/modprobe sriov_helper pf=01:00.0,vfz=7"
run "dmesg | tail -n 1"

say "rmmod left the VFs in place:"
run "cat $PFDIR/sriov_numvfs"
