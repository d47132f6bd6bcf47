# SPDX-License-Identifier: GPL-2.0
# Issue 7: allocation failures, injected with failslab (the debug kernel's
# CONFIG_FAILSLAB) into the module's load and parsing, configfs, the bus
# notifier's queueing and the work. A failure either refuses the request
# with ENOMEM and changes nothing, or is taken up again until the state is
# what was last asked. The host fails the VM on any splat or leak report.

FN=/tests/failnth
FS=/sys/kernel/debug/failslab
FE=$CFS/0000:01:00.0
KO=/lib/modules/$(uname -r)/extra/sriov_helper.ko

fault_setup() {
	[ -x $FN ] || { fail "no failnth helper in the guest"; return 1; }
	[ -d $FS ] || { fail "no $FS (CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS)"; return 1; }
	# GFP_KERNEL allocations are sites too; one line per failure, no
	# stack dump (a dump is what the host's splat check looks for).
	echo N > $FS/ignore-gfp-wait && echo 1 > $FS/verbose &&
		echo 0 > $FS/probability && echo -1 > $FS/times &&
		fault_only all ||
		{ fail "failslab set-up failed"; return 1; }
}

# fault_only WHAT [BUT]: sites are allocations with WHAT's code on the
# stack (a module, "modules", or "all"), and none of BUT's (a module).
fault_only() {
	local r
	if [ "$1" = all ]; then
		echo 0 > $FS/require-start && echo 18446744073709551615 > $FS/require-end
	else
		r=$($FN range "$1") || return 1
		echo "${r% *}" > $FS/require-start && echo "${r#* }" > $FS/require-end
	fi || return 1
	if [ -n "${2:-}" ]; then
		r=$($FN range "$2") || return 1
		echo "${r% *}" > $FS/reject-start && echo "${r#* }" > $FS/reject-end
	else
		echo 0 > $FS/reject-start && echo 0 > $FS/reject-end
	fi
}

# fault_each MAX CHECK OP...: run OP with its first, second, ... site
# failed until it meets no more; after each failure CHECK SITE RESULT must
# hold. FAULT_SITES: how many there were; FAULT_LAST: the clean result.
fault_each() {
	local max=$1 check=$2 n=1 r rc
	shift 2
	while [ $n -le "$max" ]; do
		r=$($FN $n "$@")
		rc=$?
		case $rc in
		0) "$check" $n "$r" || return 1 ;;
		3) FAULT_SITES=$((n - 1)) FAULT_LAST=$r; return 0 ;;
		*) fail "failnth $n $*: $r"; return 1 ;;
		esac
		n=$((n + 1))
	done
	fail "$* still meets sites after $max"
}

# Load and init, with pf= parsed: every failure unwinds to nothing.
# Allocations of the module's init (any module's code on the stack: at
# that point the module has no range of its own yet), igb not loaded so
# that nothing is applied on the way.
FAULT_NONFATAL=0
load_refused() {
	case "$2" in
	"injected errno=ENOMEM") ;;
	"injected ret=0")
		# Absorbed below us (kmemleak's metadata pool), or not fatal
		# by the kernel's rules (debugfs): the load must have worked.
		FAULT_NONFATAL=$((FAULT_NONFATAL + 1))
		[ -d $CFS ] || { fail "site $1: loaded without configfs"; return 1; }
		rmmod sriov_helper || { fail "site $1: unload failed"; return 1; }
		return 0 ;;
	*) fail "site $1: $2 (want ENOMEM)"; return 1 ;;
	esac
	lsmod | grep -q '^sriov_helper ' && { fail "site $1: module loaded"; return 1; }
	[ -e $CFS ] && { fail "site $1: configfs subsystem left behind"; return 1; }
	[ -e /sys/kernel/debug/sriov_helper ] && { fail "site $1: debugfs left behind"; return 1; }
	return 0
}

special_scenario fault_load
t_fault_load() {
	fault_setup && fault_only modules || { fail "fault set-up"; return; }
	fault_each 400 load_refused load "$KO" \
		"pf=01:00.0,vfs=3,irq_cpus=0-1,vf_driver=igbvf;8086:10d3,vfs=1" || return
	fault_only all
	[ "$FAULT_LAST" = "clean ret=0" ] || { fail "last load: $FAULT_LAST"; return; }
	[ "$FAULT_SITES" -ge 5 ] || { fail "only $FAULT_SITES sites in load and init"; return; }
	expect_eq "$(cat /sys/module/sriov_helper/parameters/pf)" \
		"0000:01:00.0,vfs=3,irq_cpus=0-1,vf_driver=igbvf;8086:10d3,vfs=1" "pf after the load" || return
	modprobe igb || { fail "modprobe igb failed"; return; }
	expect_vfs "$PFDIR" 3 igbvf 60 || return
	RESULT_NOTE="$FAULT_SITES sites in init, each failed once: ENOMEM and nothing left, or ($FAULT_NONFATAL) absorbed and loaded"
}

# configfs: mkdir of an entry and of a vfN fails whole; a store whose
# record allocation fails still succeeds, and the work catches up.
# A site may also be absorbed below us (kmemleak's own metadata falls
# back to its pool; kvmalloc() to vmalloc()): then the call must have
# worked.
FAULT_ABSORBED=0
mkdir_refused() {
	case "$2" in
	"injected errno=ENOMEM")
		[ -e "$FAULT_DIR" ] && { fail "site $1: $FAULT_DIR exists"; return 1; }
		return 0 ;;
	"injected ret=0")
		FAULT_ABSORBED=$((FAULT_ABSORBED + 1))
		[ -f "$FAULT_DIR/status" ] || { fail "site $1: $FAULT_DIR without status"; return 1; }
		rmdir "$FAULT_DIR" || { fail "site $1: rmdir $FAULT_DIR failed"; return 1; } ;;
	*) fail "site $1 of mkdir $FAULT_DIR: $2"; return 1 ;;
	esac
}

read_refused() {
	case "$2" in
	"injected errno=ENOMEM") ;;
	"injected ret=0") FAULT_ABSORBED=$((FAULT_ABSORBED + 1)) ;;
	*) fail "site $1 of the inventory read: $2"; return 1 ;;
	esac
}

special_scenario fault_configfs
t_fault_configfs() {
	local s1 s2 s3 r
	fault_setup || return
	modprobe igb && modprobe sriov_helper || { fail "modprobe failed"; return; }
	wait_for 10 test -e "$PFDIR/driver" || { fail "igb did not bind"; return; }
	fault_only sriov_helper || { fail "no range for sriov_helper"; return; }
	FAULT_DIR=$FE
	fault_each 50 mkdir_refused mkdir "$FE" || return
	s1=$FAULT_SITES
	FAULT_DIR=$FE/vf1
	fault_each 50 mkdir_refused mkdir "$FE/vf1" || return
	s2=$FAULT_SITES
	[ "$s1" -ge 1 ] && [ "$s2" -ge 1 ] || { fail "no sites in mkdir ($s1, $s2)"; return; }
	# Every allocation of the mkdir, configfs's own after ours too: its
	# failures undo our make_group through drop_item.
	rmdir "$FE/vf1" "$FE" && fault_only all || { fail "rmdir failed"; return; }
	FAULT_DIR=$FE
	fault_each 100 mkdir_refused mkdir "$FE" || return
	s3=$FAULT_SITES
	[ "$s3" -gt "$s1" ] || { fail "mkdir met $s3 sites in all, $s1 of ours"; return; }
	fault_only sriov_helper
	mark "fault store"
	r=$($FN 1 write "$FE/vfs" 3)
	expect_eq "$r" "injected ret=0" "vfs write with the PF record failing" || return
	expect_log "fault store" "igb $PF: sriov_helper: out of memory; not applied yet, trying again in 1 s" || return
	expect_vfs "$PFDIR" 3 igbvf 60 || return
	wait_for 30 grep -qx "applied 3" "$FE/status" || { fail "status: $(cat "$FE/status")"; return; }
	# Every allocation of the open and read: ours is reached through a
	# tail call (no frame of ours on the stack).
	fault_only all
	fault_each 100 read_refused read /sys/kernel/debug/sriov_helper/inventory || return
	[ "$FAULT_SITES" -ge 2 ] || { fail "only $FAULT_SITES sites in the inventory read"; return; }
	RESULT_NOTE="mkdir: $s1 sites with our code, $s3 in all; vfN: $s2; inventory read: $FAULT_SITES; $FAULT_ABSORBED absorbed below us, the rest refused with ENOMEM, nothing left"
}

# The bus notifier cannot fail a bind: its record allocation failing is
# said, and the catch-up pass applies the count a second later.
special_scenario fault_bind
t_fault_bind() {
	local r
	fault_setup || return
	modprobe sriov_helper pf=01:00.0,vfs=2 && modprobe igb || { fail "modprobe failed"; return; }
	expect_vfs "$PFDIR" 2 igbvf 60 || return
	# The record exists now; a PF it has never seen needs one.
	rmmod sriov_helper && echo $PF > /sys/bus/pci/drivers/igb/unbind &&
		modprobe sriov_helper pf=01:00.0,vfs=4 || { fail "reload failed"; return; }
	fault_only sriov_helper || { fail "no range for sriov_helper"; return; }
	mark "fault bind"
	r=$($FN 1 write /sys/bus/pci/drivers/igb/bind $PF)
	fault_only all
	expect_eq "$r" "injected ret=0" "bind with the PF record failing" || return
	expect_log "fault bind" "igb $PF: sriov_helper: out of memory; not applied yet, trying again in 1 s" || return
	expect_vfs "$PFDIR" 4 igbvf 60 || return
	expect_log "fault bind" "igb $PF: sriov_helper: 4 VFs enabled (driver igb, pf= parameter)"
}

# The work itself, with one allocation of ours in three failing (its own
# and the kernel's below it, but not igb's: a PF driver failing is
# another test), while VFs, settings and CPUs change; then injection
# stops, and with no further write the state comes to what was asked.
special_scenario fault_work
t_fault_work() {
	local failed
	fault_setup || return
	modprobe igb && modprobe sriov_helper || { fail "modprobe failed"; return; }
	wait_for 10 test -e "$PFDIR/driver" || { fail "igb did not bind"; return; }
	# Up, as networking brings it up: the VFs wait for it (igb).
	pf_link_up || { fail "PF link not up"; return; }
	mkdir "$FE" "$FE/vf1" && echo 02:00:00:00:01:01 > "$FE/vf1/mac" &&
		echo 2 > "$FE/vfs" || { fail "set-up failed"; return; }
	expect_vfs "$PFDIR" 2 igbvf 60 || return
	vfs_up "$PFDIR"
	fault_only sriov_helper igb || { fail "no ranges"; return; }
	mark "fault work"
	echo 3 > $FS/interval && echo 100 > $FS/probability || { fail "failslab on"; return; }
	echo 4 > "$FE/vfs" && echo 02:00:00:00:01:04 > "$FE/vf1/mac" &&
		echo 0-1 > "$FE/irq_cpus" || { fail "writes failed"; return; }
	# Through the enable, then the passes after it (per-VF settings,
	# IRQ placement, kicked again by a CPU going and coming back).
	wait_for 90 numvfs_is "$PFDIR" 4
	echo 0 > /sys/devices/system/cpu/cpu1/online
	echo 1 > /sys/devices/system/cpu/cpu1/online
	sleep 5
	echo 0 > $FS/probability && echo 1 > $FS/interval
	fault_only all
	failed=$(count_log "fault work" "FAULT_INJECTION: forcing a failure")
	[ "$failed" -ge 1 ] || { fail "no allocation failed while injecting"; return; }
	expect_vfs "$PFDIR" 4 igbvf 90 || return
	wait_for 60 grep -qx "applied 4" "$FE/status" || { fail "status: $(cat "$FE/status")"; return; }
	expect_status_of "$FE/vf1" mac_status 1 02:00:00:00:01:04 || return
	ip link show "$(ls "$PFDIR/net")" | grep -q "vf 1 .*02:00:00:00:01:04" ||
		{ fail "vf 1 MAC: $(ip link show "$(ls "$PFDIR/net")" | grep 'vf 1')"; return; }
	vfs_up "$PFDIR"
	expect_placed "0 1" 12 "$PFDIR" || return
	RESULT_NOTE="$failed allocations failed; 4 VFs, vf1's MAC and the IRQ spread reached afterwards"
}
