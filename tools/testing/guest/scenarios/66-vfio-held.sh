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

special_scenario vfio_held
t_vfio_held() {
	local vf0 t0 t1 nvme=$CFS/0000:02:00.0
	[ -e "$PFDIR/iommu_group" ] || { fail "$PF has no IOMMU group (intel_iommu=on?)"; return; }
	# QEMU's VT-d here has no interrupt remapping. vfio loads type1 at
	# its own init (vfio_container_init()), without options: set it.
	modprobe vfio_iommu_type1 &&
	echo Y > /sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts &&
	modprobe igb && modprobe nvme &&
	modprobe sriov_helper pf=01:00.0,vfs=3,vf_driver=vfio-pci || { fail "modprobe failed"; return; }
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
