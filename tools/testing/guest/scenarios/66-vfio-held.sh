# SPDX-License-Identifier: GPL-2.0
# Issue 17: a VF that a VM holds through VFIO. A count change that would
# remove it is refused at once and names it; nothing waits on the holder;
# other PFs go on; sriov_numvfs stays readable; rmmod works; once the
# holder lets go, a new write applies. Needs the iommu VM (QEMU's VT-d).

# Hold VF ADDR in the background, as QEMU does (guest/vfiohold.c).
vfio_hold() {
	rm -f /tmp/vfiohold.fifo /tmp/vfiohold.out
	mkfifo /tmp/vfiohold.fifo
	/tests/vfiohold "$1" /tmp/vfiohold.fifo > /tmp/vfiohold.out 2>&1 &
	wait_for 10 grep -qx "held $1" /tmp/vfiohold.out ||
		fail "vfiohold: $(cat /tmp/vfiohold.out)"
}

vfio_release() {
	echo go > /tmp/vfiohold.fifo
	wait_for 10 grep -q "^released" /tmp/vfiohold.out
}

# A command that must come back within SECONDS.
within() {
	local secs=$1 pid n
	shift
	"$@" > /tmp/within.out 2>&1 &
	pid=$!
	n=$((secs * 10))
	while kill -0 $pid 2>/dev/null; do
		[ $n -gt 0 ] || { kill $pid; return 1; }
		sleep 0.1
		n=$((n - 1))
	done
	wait $pid
}

# VFIO as a guest's host has it: the type1 IOMMU driver, igb and nvme,
# and sriov_helper with ARGS.
vfio_setup() {
	[ -e "$PFDIR/iommu_group" ] || { fail "$PF has no IOMMU group (intel_iommu=on?)"; return; }
	# QEMU's VT-d here has no interrupt remapping. vfio loads type1 at
	# its own init (vfio_container_init()), without options: set it.
	modprobe vfio_iommu_type1 &&
	echo Y > /sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts &&
	modprobe igb && modprobe nvme &&
	modprobe sriov_helper "$@" || fail "modprobe failed"
}

# The status line of a pass waiting for a busy device lock.
waiting_re() {
	echo "^waiting for $1: its device lock is held (an unbind, a probe or a VF removal waiting for its user); next try in [0-9]* s\$"
}

special_scenario vfio_held
t_vfio_held() {
	local vf0 t0 t1 nvme=$CFS/0000:02:00.0
	vfio_setup pf=01:00.0,vfs=3,vf_driver=vfio-pci || return
	expect_vfs "$PFDIR" 3 vfio-pci 60 || return
	vf0=$(basename "$(readlink "$PFDIR/virtfn0")")
	vfio_hold "$vf0" || return
	grep -q "^vf $vf0 .* in_use=yes " /sys/kernel/debug/sriov_helper/inventory ||
		{ fail "inventory: $(grep "^vf $vf0" /sys/kernel/debug/sriov_helper/inventory)"; return; }
	mark held
	mkdir "$VFE" "$nvme" && echo vfio-pci > "$VFE/vf_driver" || { fail "configfs failed"; return; }
	t0=$(date +%s)
	echo 1 > "$VFE/vfs" || { fail "write 1 failed"; return; }
	expect_status "$VFE" "failed: VF $vf0 is open through vfio-pci (in use by a VM?) (-16)" 1 || return
	expect_log held "igb $PF: sriov_helper: VF $vf0 is open through vfio-pci (in use by a VM?): not destroying it (1 of 3 VFs in use; the count stays 3)" 5 || return
	# Another PF is not held up, and the PF's own files stay readable.
	echo 2 > "$nvme/vfs" || { fail "nvme write failed"; return; }
	expect_status "$nvme" "applied 2" 10 || return
	within 2 cat "$PFDIR/sriov_numvfs" || { fail "sriov_numvfs blocked"; return; }
	expect_eq "$(cat /tmp/within.out)" 3 "sriov_numvfs" || return
	t1=$(date +%s)
	# A vf_driver move would unbind it too: left where it is.
	mark move
	echo none > "$VFE/vf_driver" || { fail "vf_driver write failed"; return; }
	expect_log move "vfio-pci $vf0: sriov_helper: VF $vf0 is open through vfio-pci (in use by a VM?): not moving it to none" 10 || return
	driver_is "$PFDIR/virtfn0" vfio-pci || { fail "held VF moved"; return; }
	# The VFs nobody holds were free to go.
	wait_for 20 sh -c "[ ! -e $PFDIR/virtfn1/driver ] && [ ! -e $PFDIR/virtfn2/driver ]" ||
		{ fail "free VFs not unbound"; return; }
	grep -q "vf_driver none: 1 of 3 VFs left where they are: in use through VFIO or by a guest" "$VFE/status" ||
		{ fail "status: $(cat "$VFE/status")"; return; }
	within 2 grep -q . /sys/kernel/debug/sriov_helper/inventory || { fail "inventory blocked"; return; }
	# rmmod works while the holder holds.
	rmdir "$VFE" "$nvme" && within 10 rmmod sriov_helper || { fail "rmmod failed"; return; }
	numvfs_is "$PFDIR" 3 || { fail "VFs changed"; return; }
	vfio_release || { fail "holder did not let go: $(cat /tmp/vfiohold.out)"; return; }
	# Let go: the same write applies.
	modprobe sriov_helper && mkdir "$VFE" && echo 1 > "$VFE/vfs" || { fail "write after release failed"; return; }
	expect_status "$VFE" "applied 1" 60 || return
	RESULT_NOTE="refused and the other PF applied within $((t1 - t0)) s"
}

# Issue 21: a tool unbinds a VF that a VM holds (driverctl, dpdk-devbind, a
# racing libvirt detach): the unbind sleeps inside vfio with the VF's
# device_lock held until the VM lets go. A pass on its PF must not wait
# for that lock with the PF's held: sriov_numvfs stays readable, the
# inventory too, status and the log (once) name the VF, rmmod returns at
# once, and when the holder lets go the VFs become what was asked.
special_scenario vfio_unbind_held
t_vfio_unbind_held() {
	local vf0 unbind re
	vfio_setup pf=01:00.0,vfs=3,vf_driver=vfio-pci || return
	expect_vfs "$PFDIR" 3 vfio-pci 60 || return
	vf0=$(basename "$(readlink "$PFDIR/virtfn0")")
	vfio_hold "$vf0" || return
	mark unbind
	echo "$vf0" > /sys/bus/pci/drivers/vfio-pci/unbind &
	unbind=$!
	# vfio deletes the vfio-dev child first, then waits for the holder.
	wait_for 10 sh -c "[ ! -e /sys/bus/pci/devices/$vf0/vfio-dev ]" ||
		{ fail "the unbind did not start"; return; }
	mkdir "$VFE" && echo spread > "$VFE/irq" && echo 3 > "$VFE/vfs" &&
		echo vfio-pci > "$VFE/vf_driver" ||
		{ fail "configfs failed"; return; }
	re=$(waiting_re "VF $vf0")
	wait_for 20 grep -q "$re" "$VFE/status" || { fail "status: $(cat "$VFE/status")"; return; }
	within 2 cat "$PFDIR/sriov_numvfs" || { fail "sriov_numvfs blocked"; return; }
	expect_eq "$(cat /tmp/within.out)" 3 "sriov_numvfs" || return
	within 2 grep "^vf $vf0 " /sys/kernel/debug/sriov_helper/inventory ||
		{ fail "inventory blocked"; return; }
	grep -q " driver=? netdev=? irqs=? .* in_use=? " /tmp/within.out ||
		{ fail "inventory: $(cat /tmp/within.out)"; return; }
	# In the log once it has lasted 10 s (passes at 1, 3, 7, 15 s...).
	expect_log unbind "igb $PF: sriov_helper: waiting for VF $vf0: its device lock is held; trying again with a backoff" 40 || return
	expect_log unbind "sriov_helper: VF IRQ placement: VF $vf0 is busy (its device lock is held); the others are placed, and it is tried again with a backoff" 40 || return
	# Passes come back (every 8 s): each says so in status, once in the log.
	sleep 10
	expect_eq "$(count_log unbind "waiting for VF $vf0")" 1 "log lines naming the busy VF" || return
	expect_eq "$(count_log unbind "VF IRQ placement: VF $vf0 is busy")" 1 "IRQ log lines naming the busy VF" || return
	rmdir "$VFE" && within 10 rmmod sriov_helper || { fail "rmmod blocked or failed: $(cat /tmp/within.out)"; return; }
	# Back, and waiting again; then the holder lets go.
	modprobe sriov_helper && mkdir "$VFE" && echo 3 > "$VFE/vfs" &&
		echo vfio-pci > "$VFE/vf_driver" || { fail "configfs after reload failed"; return; }
	wait_for 20 grep -q "$re" "$VFE/status" || { fail "status after reload: $(cat "$VFE/status")"; return; }
	vfio_release || { fail "holder did not let go: $(cat /tmp/vfiohold.out)"; return; }
	wait $unbind
	# The tool's unbind is done; the pass that comes back binds VF 0 where
	# it was asked to go, and the waiting line is gone.
	expect_vfs "$PFDIR" 3 vfio-pci 70 || return
	expect_status "$VFE" "applied 3" 70 || return
}

# Issue 21: an admin writes 0 to sriov_numvfs while a VM holds a VF: the
# kernel's own writer sleeps inside vfio with the PF's device_lock held.
# A configfs write queued meanwhile must not leave our work blocked on
# that lock: status says what it waits for, rmmod returns at once, and
# after the holder lets go a new write applies.
special_scenario vfio_zero_held
t_vfio_zero_held() {
	local vf0 writer
	vfio_setup || return
	mkdir "$VFE" && echo vfio-pci > "$VFE/vf_driver" && echo 3 > "$VFE/vfs" ||
		{ fail "configfs failed"; return; }
	expect_vfs "$PFDIR" 3 vfio-pci 60 || return
	vf0=$(basename "$(readlink "$PFDIR/virtfn0")")
	vfio_hold "$vf0" || return
	mark zero
	echo 0 > "$PFDIR/sriov_numvfs" &
	writer=$!
	wait_for 10 sh -c "[ ! -e /sys/bus/pci/devices/$vf0/vfio-dev ]" ||
		{ fail "the removal did not reach VF 0"; return; }
	echo 2 > "$VFE/vfs" || { fail "write 2 failed"; return; }
	wait_for 20 grep -q "$(waiting_re "the PF")" "$VFE/status" ||
		{ fail "status: $(cat "$VFE/status")"; return; }
	expect_log zero "igb $PF: sriov_helper: waiting for the PF: its device lock is held; trying again with a backoff" 40 || return
	rmdir "$VFE" && within 10 rmmod sriov_helper || { fail "rmmod blocked or failed: $(cat /tmp/within.out)"; return; }
	vfio_release || { fail "holder did not let go: $(cat /tmp/vfiohold.out)"; return; }
	wait $writer
	numvfs_is "$PFDIR" 0 || { fail "numvfs $(cat "$PFDIR/sriov_numvfs") after the admin's 0"; return; }
	modprobe sriov_helper && mkdir "$VFE" && echo 2 > "$VFE/vfs" || { fail "write after release failed"; return; }
	expect_status "$VFE" "applied 2" 60 || return
}
