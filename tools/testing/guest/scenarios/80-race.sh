# SPDX-License-Identifier: GPL-2.0
# Issue 7: races. Each one ends with the state last asked for and no splat
# (the host fails the VM's clean-log line on any lockdep, KASAN, kmemleak,
# hung-task or WARN report).

RE=$CFS/0000:01:00.0

# 100 load/unload cycles, each unloading while the apply it queued may
# still be pending or running: no hang, no leak, and VFs end up either as
# they were or as asked, never half-made.
# The inventory is read in a loop all along: an open inventory holds the
# module (rmmod says "in use" and is tried again), and one opened as the
# module goes gets ENOENT or ENXIO, never a stale file.
rmmod_in_use() {
	local i err
	for i in $(seq 100); do
		err=$(rmmod sriov_helper 2>&1) && return 0
		case "$err" in
		*"is in use"*) IN_USE=$((IN_USE + 1)); sleep 0.05 ;;
		*) fail "unload failed: $err"; return 1 ;;
		esac
	done
	fail "still in use after 100 tries"
}

special_scenario race_rmmod_pending
t_race_rmmod_pending() {
	local i n reader
	IN_USE=0
	modprobe igb && wait_for 10 test -e "$PFDIR/driver" || { fail "igb did not bind"; return; }
	: > /tmp/reading
	(while [ -e /tmp/reading ]; do
		cat /sys/kernel/debug/sriov_helper/inventory > /dev/null 2>> /tmp/read-errors
	done) &
	reader=$!
	for i in $(seq 100); do
		# The count changes every 25 cycles (re-creating VFs takes
		# seconds here); every other cycle unloads with the apply's
		# check queued or running.
		modprobe sriov_helper pf=01:00.0,vfs=$(( (i / 25) % 2 + 2 )) ||
			{ rm -f /tmp/reading; fail "load $i failed"; return; }
		rmmod_in_use || { rm -f /tmp/reading; return; }
	done
	rm -f /tmp/reading
	wait $reader
	if grep -v 'No such file or directory\|No such device or address' /tmp/read-errors; then
		fail "inventory read: $(grep -v 'No such file or directory\|No such device or address' /tmp/read-errors | head -n1)"
		return
	fi
	n=$(cat "$PFDIR/sriov_numvfs")
	case $n in
	0|2|3) ;;
	*) fail "numvfs $n after the cycles"; return ;;
	esac
	[ "$n" = 0 ] || expect_vfs "$PFDIR" "$n" igbvf || return
	# Still works afterwards.
	modprobe sriov_helper pf=01:00.0,vfs=5 || { fail "final load failed"; return; }
	expect_vfs "$PFDIR" 5 igbvf 60 || return
	RESULT_NOTE="100 cycles, inventory read alongside (rmmod found it open $IN_USE times); $n VFs after them"
}

# The PF driver goes away while an apply is queued, and comes back.
special_scenario race_unbind_pending
t_race_unbind_pending() {
	local i
	modprobe igb && modprobe sriov_helper || { fail "modprobe failed"; return; }
	mkdir "$RE" || { fail "mkdir failed"; return; }
	for i in 1 2 3 4 5; do
		echo $(( i + 1 )) > "$RE/vfs" || { fail "write $i failed"; return; }
		echo $PF > /sys/bus/pci/drivers/igb/unbind
		echo $PF > /sys/bus/pci/drivers/igb/bind
	done
	expect_vfs "$PFDIR" 6 igbvf 60 || return
	wait_for 30 grep -qx "applied 6" "$RE/status" || fail "status: $(cat "$RE/status")"
}

# 8 writers, 1000 writes each, to every attribute of one entry and one vfN,
# with the inventory read in a loop alongside; then one last word each,
# which is what must hold.
special_scenario race_writers
t_race_writers() {
	local w pids= end
	modprobe igb && modprobe sriov_helper || { fail "modprobe failed"; return; }
	# Up, as networking brings it up: the VFs wait for it (igb).
	pf_link_up || { fail "PF link not up"; return; }
	mkdir "$RE" "$RE/vf1" && echo 2 > "$RE/vfs" || { fail "set-up failed"; return; }
	expect_vfs "$PFDIR" 2 igbvf || return
	: > /tmp/writing
	for w in 0 1 2 3 4 5 6 7; do
		(
			i=0
			while [ $i -lt 1000 ]; do
				case $(( (i + w) % 8 )) in
				0) echo $(( i % 2 + 2 )) > "$RE/vfs" ;;
				1) echo clamp > "$RE/on_bus_range" ;;
				2) echo off > "$RE/irq" ;;
				3) echo 0-1 > "$RE/irq_cpus" ;;
				4) echo auto > "$RE/vf_driver" ;;
				5) echo 02:00:00:00:01:$(printf %02x $(( i % 256 ))) > "$RE/vf1/mac" ;;
				6) echo $(( i % 4094 )) > "$RE/vf1/vlan" ;;
				7) echo on > "$RE/vf1/trust" ;;
				esac
				i=$((i + 1))
			done
		) &
		pids="$pids $!"
	done
	(
		while [ -e /tmp/writing ]; do
			cat /sys/kernel/debug/sriov_helper/inventory > /dev/null
		done
	) &
	end=$!
	for w in $pids; do
		wait "$w"
	done
	rm -f /tmp/writing
	wait "$end"
	echo 3 > "$RE/vfs" && echo 02:00:00:00:00:aa > "$RE/vf1/mac" &&
		echo 7 > "$RE/vf1/vlan" && echo spread > "$RE/irq" ||
		{ fail "final writes failed"; return; }
	expect_vfs "$PFDIR" 3 igbvf 120 || return
	wait_for 60 grep -qx "applied 3" "$RE/status" || { fail "status: $(cat "$RE/status")"; return; }
	expect_vf_mac 1 02:00:00:00:00:aa || return
	expect_status_of "$RE/vf1" mac_status 1 02:00:00:00:00:aa "" "vlan: applied" || return
	ip link show dev "$(ls "$PFDIR/net")" | tr -s ' ' | grep -q "vf 1 link/ether 02:00:00:00:00:aa.*vlan 7," ||
		{ fail "ip link: $(ip link show dev "$(ls "$PFDIR/net")" | grep 'vf 1')"; return; }
	RESULT_NOTE="8000 writes, inventory read alongside"
}

# PCI remove and rescan of the PF in a loop, against configfs writes and
# inventory reads; then the entry applies to the PF that came back.
special_scenario race_remove_rescan
t_race_remove_rescan() {
	local i w
	modprobe igb && modprobe sriov_helper || { fail "modprobe failed"; return; }
	mkdir "$RE" || { fail "mkdir failed"; return; }
	(
		i=0
		while [ $i -lt 200 ]; do
			echo $(( i % 3 + 1 )) > "$RE/vfs"
			cat /sys/kernel/debug/sriov_helper/inventory > /dev/null
			i=$((i + 1))
		done
	) &
	w=$!
	for i in 1 2 3 4 5; do
		echo 1 > "$PFDIR/remove"
		echo 1 > /sys/bus/pci/rescan
		wait_for 20 test -e "$PFDIR/driver" || { fail "PF not back after rescan $i"; return; }
	done
	wait "$w"
	echo 4 > "$RE/vfs" || { fail "final write failed"; return; }
	expect_vfs "$PFDIR" 4 igbvf 60 || return
	wait_for 30 grep -qx "applied 4" "$RE/status" || fail "status: $(cat "$RE/status")"
}

# An admin (or a udev rule) writes sriov_numvfs while configfs asks for
# another count: both are served in turn, the last word holds.
special_scenario race_numvfs_direct
t_race_numvfs_direct() {
	local i w
	modprobe igb && modprobe sriov_helper || { fail "modprobe failed"; return; }
	mkdir "$RE" || { fail "mkdir failed"; return; }
	(
		i=0
		while [ $i -lt 6 ]; do
			echo 0 > "$PFDIR/sriov_numvfs" 2>/dev/null
			echo 2 > "$PFDIR/sriov_numvfs" 2>/dev/null
			i=$((i + 1))
		done
	) &
	w=$!
	for i in 1 2 3 4 5 6; do
		echo $(( i % 4 + 1 )) > "$RE/vfs"
		sleep 1
	done
	wait "$w"
	echo 5 > "$RE/vfs" || { fail "final write failed"; return; }
	expect_vfs "$PFDIR" 5 igbvf 60 || return
	wait_for 30 grep -qx "applied 5" "$RE/status" || fail "status: $(cat "$RE/status")"
}

# igb creates 2 VFs by itself (max_vfs=2) while sriov_helper asks for 7:
# ours is applied after igb's own (through 0), and said so.
special_scenario race_igb_max_vfs
t_race_igb_max_vfs() {
	modprobe sriov_helper pf=01:00.0,vfs=7 || { fail "modprobe failed"; return; }
	modprobe igb max_vfs=2 || { fail "modprobe igb failed"; return; }
	expect_vfs "$PFDIR" 7 igbvf 90 || return
	expect_log "begin race_igb_max_vfs" "igb $PF: sriov_helper: 2 VFs disabled before enabling 7"
}

# rmdir of an entry while writes to it and its work are in flight, in a
# loop: no splat, no use after free; the last entry made applies.
special_scenario race_rmdir_store
t_race_rmdir_store() {
	local i w
	modprobe igb && modprobe sriov_helper || { fail "modprobe failed"; return; }
	for i in $(seq 30); do
		mkdir "$RE" 2>/dev/null
		( echo $(( i % 3 + 1 )) > "$RE/vfs"; echo off > "$RE/irq"; echo none > "$RE/vf_driver" ) 2>/dev/null &
		w=$!
		rmdir "$RE" 2>/dev/null
		wait "$w"
	done
	rmdir "$RE" 2>/dev/null
	mkdir "$RE" && echo 4 > "$RE/vfs" || { fail "final entry failed"; return; }
	wait_for 60 numvfs_is "$PFDIR" 4 || { fail "numvfs $(cat "$PFDIR/sriov_numvfs")"; return; }
	wait_for 30 grep -qx "applied 4" "$RE/status" || fail "status: $(cat "$RE/status")"
}

# Issue 21: a walk over a PF's VFs that stands on a VF removed meanwhile
# starts again from the head of the bus's list (klist_next(),
# bus_find_device()): without deduplication by VF index, the inventory
# printed VFs twice. The NVMe PF's VFs (no driver probes them: its
# autoprobe is off) are re-created 60 times between 4 and 1 while the
# inventory is read in a loop; no read may show a VF address twice.
special_scenario race_inventory_walk
t_race_inventory_walk() {
	local i n reader dup ne=$CFS/0000:02:00.0
	modprobe nvme && modprobe sriov_helper && mkdir "$ne" || { fail "set-up failed"; return; }
	: > /tmp/reading
	rm -f /tmp/dups
	(while [ -e /tmp/reading ]; do
		grep '^vf ' /sys/kernel/debug/sriov_helper/inventory |
			cut -d' ' -f2 | sort | uniq -d >> /tmp/dups
	done) &
	reader=$!
	for i in $(seq 60); do
		n=$(( i % 2 * 3 + 1 ))
		echo $n > "$ne/vfs" || { rm -f /tmp/reading; fail "write $i failed"; return; }
		wait_for 30 numvfs_is "$NVMEDIR" $n ||
			{ rm -f /tmp/reading; fail "count $i not reached"; return; }
	done
	rm -f /tmp/reading
	wait $reader
	dup=$(sort -u /tmp/dups | head -n3 | tr '\n' ' ')
	[ -z "$dup" ] || { fail "VFs listed twice in one read: $dup"; return; }
	wait_for 30 grep -qx "applied 1" "$ne/status" || { fail "status: $(cat "$ne/status")"; return; }
	RESULT_NOTE="60 re-creations (4 and 1 VFs) under a reading loop, no VF twice"
}
