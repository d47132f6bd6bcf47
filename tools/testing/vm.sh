#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh NAME KERNEL INITRD MODE TESTS OUTDIR [QEMU ARGS...]
# Boot one test VM under TCG with the emulated SR-IOV devices, then print
# one result line per scenario: "ok NAME/TEST" or "not ok NAME/TEST # why",
# plus "NAME/clean-log" (no BUG/WARNING/Oops/lockdep/KASAN/kmemleak/hung
# task in the kernel log) and "NAME/boot" (the guest reached its end).
set -uo pipefail

name=$1 kernel=$2 initrd=$3 mode=$4 tests=$5 outdir=$6
shift 6
here=$(cd "$(dirname "$0")" && pwd)
timeout_s=${SRIOVH_VM_TIMEOUT:-1500}
mkdir -p "$outdir"
console=$outdir/$name.console.log
tap=$outdir/$name.tap.log
rm -f "$console" "$tap"

append="console=ttyS0 panic=-1 oops=panic panic_on_warn=1 hung_task_panic=1"
append="$append softlockup_panic=1 nokaslr printk.time=1 sriovh.mode=$mode"
# No IPv6 in the guests, for an igb race that is not ours: a VF's reset
# message makes igb re-read the PF's multicast list from its interrupt
# handler (igb_msix_other() -> igb_msg_task() -> igb_vf_reset() ->
# igb_set_rx_mode() -> igb_write_mc_addr_list(), drivers/net/ethernet/
# intel/igb/igb_main.c), without netif_addr_lock, sizing its copy with
# netdev_mc_count() and then walking the list. IPv6 joins the PF's
# solicited-node group right after its carrier comes up, which is when
# the VFs held for it are probed: the list grew under the walk, and
# KASAN stopped the debug kernel (slab-out-of-bounds in
# igb_update_mc_addr_list(), 2026-12-06, once the VFs could reach igb).
# The VMs use no IPv6; without it the list is set at the PF's NETDEV_UP
# (IPv4's all-hosts group), before its carrier.
append="$append ipv6.disable=1"
[ -n "$tests" ] && append="$append sriovh.tests=$(echo $tests | tr ' ' ,)"
append="$append ${SRIOVH_APPEND:-}"

# A small NVMe PF by default; SRIOVH_NVME_SRIOV=big gives the 127-VF one
# whose VF BARs do not fit behind a root port without pci=realloc.
nvme_small=sriov_max_vfs=4,max_ioqpairs=16,msix_qsize=32,sriov_vq_flexible=8,sriov_vi_flexible=4
nvme_big=sriov_max_vfs=127,max_ioqpairs=256,msix_qsize=512,sriov_vq_flexible=254,sriov_vi_flexible=127
[ "${SRIOVH_NVME_SRIOV:-}" = big ] && SRIOVH_NVME_SRIOV=$nvme_big

# SRIOVH_TOPO=irq: 4 CPUs in two NUMA nodes (0-1, 2-3) and a second igb
# behind a PCIe expander bridge on node 1 (PF 0000:81:00.0), for the IRQ
# placement scenarios; the first igb's host bridge has no node.
extra=() pre=() accel=tcg
# SRIOVH_TOPO=iommu: QEMU's VT-d (it must come before the devices it
# translates) and intel_iommu=on, so that devices get IOMMU groups and
# vfio-pci can take VFs.
if [ "${SRIOVH_TOPO:-}" = iommu ]; then
	pre=(-device intel-iommu,intremap=off)
	append="$append intel_iommu=on"
fi
# SRIOVH_TOPO=hotplug: QEMU's q35 hot-plugs root ports through ACPI by
# default, which the test kernel does not build (HOTPLUG_PCI_ACPI); this
# gives the guest native PCIe hot-plug (pciehp) for device_del/device_add.
if [ "${SRIOVH_TOPO:-}" = hotplug ]; then
	pre=(-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off)
fi
# SRIOVH_TOPO=scale: four 127-VF NVMe PFs (the default one made big, three
# more behind root ports of their own) and pci=realloc, so that 508 VFs'
# BARs fit (tools/bench/guest/scale.sh).
if [ "${SRIOVH_TOPO:-}" = scale ]; then
	SRIOVH_NVME_SRIOV=$nvme_big
	append="$append pci=realloc"
	for i in 1 2 3; do
		extra+=(-device "pcie-root-port,id=rps$i,chassis=$((10 + i)),slot=$((10 + i))"
			-device "nvme-subsys,id=ss$i"
			-device "nvme,serial=sriovh$i,bus=rps$i,subsys=ss$i,$nvme_big")
	done
fi
if [ "${SRIOVH_TOPO:-}" = irq ]; then
	# One TCG thread for all four vCPUs. With a thread per vCPU on two
	# host cores, QEMU 10 aborted during the guest's PCI enumeration
	# (iotlb_to_section and msix_table_mmio_write assertions: vCPUs
	# racing the memory map while BARs are sized) and a starved vCPU
	# tripped an RCU stall, each in about one boot in six here.
	accel=tcg,thread=single
	# One socket per node: a node split inside a socket (a shared LLC)
	# makes the scheduler WARN at boot.
	SRIOVH_SMP=4,sockets=2,cores=2,threads=1
	mem=${SRIOVH_MEM:-2048}
	extra=(-object "memory-backend-ram,id=m0,size=$((mem / 2))M"
	       -object "memory-backend-ram,id=m1,size=$((mem - mem / 2))M"
	       -numa node,nodeid=0,cpus=0-1,memdev=m0
	       -numa node,nodeid=1,cpus=2-3,memdev=m1
	       -netdev user,id=n1,restrict=on
	       -device pxb-pcie,id=pxb1,bus_nr=0x80,numa_node=1,bus=pcie.0
	       -device pcie-root-port,id=rp3,chassis=3,slot=3,bus=pxb1
	       -device igb,netdev=n1,bus=rp3,mac=52:54:00:12:34:99)
fi

# One VM at a time on this machine, whoever starts it: a TCG guest starved
# of its core by another one trips RCU stall and hung-task detectors.
exec 8>"${SRIOVH_VM_LOCK:-/tmp/sriovh-vm.lock}"
flock 8

# The host side of hot-plug scenarios: QMP commands the guest asks for on
# its results port (hostcmd.py; the igb PF is "pf0" on root port rp1).
# Started once this VM holds the lock: hostcmd.py waits 60 s for QEMU's
# socket, and another run's VMs may hold the lock far longer (its
# device_del was then never sent: "PF still present 90 s after
# device_del").
qmp=$outdir/$name.qmp
rm -f "$qmp" "$outdir/$name.host.log"
# Without the lock's descriptor: a hostcmd.py left behind by a killed run
# must not keep every later VM waiting.
python3 "$here/hostcmd.py" "$qmp" "$tap" "$outdir/$name.host.log" 8>&- &
hostcmd=$!

# No 5-level paging (la57=off), as on most hosts: with it, 6.12's
# identify_cpu() clears boot_cpu_data's capabilities, LA57 included, for
# a moment at boot, and KASAN's shadow bounds (__VIRTUAL_MASK_SHIFT, from
# pgtable_l5_enabled()) shrink with it: a timer interrupt landing then was
# reported as a wild access to its irq_desc's lock (seen once, at 0.3 s).
#
# 2 GiB of RAM, as the system group's VMs, for QEMU 10.0.2's igb (the
# backports build): its VFs are realized before igb_pci_realize() sets
# the VF BAR type (pcie_sriov_pf_init() since QEMU commit cab1398a60eb),
# so pcie_sriov_vf_register_bar() registers them as 32-bit and
# pci_config_get_bar_addr() keeps only a VF BAR's low 32 bits. With more
# than 2.75 GiB, q35 puts RAM above 4 GiB, SeaBIOS moves the 64-bit PCI
# window to 0xc000000000, and the guest places the VF BARs there: every
# igbvf register read hits nothing, the reset handshake never completes
# ("PF still in reset state", a random MAC, PF up or down). With 2 GiB
# they stay below 4 GiB. Fixed by QEMU commit 2e54e5fda779 (in 10.0.6
# and 10.1.2); a real 82576 decodes 64-bit VF BARs.
start=$(date +%s)
timeout --foreground "$timeout_s" qemu-system-x86_64 \
	-M q35 -accel "$accel" -cpu max,la57=off -smp "${SRIOVH_SMP:-2}" -m "${SRIOVH_MEM:-2048}" \
	-display none -monitor none -no-reboot -qmp "unix:$qmp,server=on,wait=off" \
	-kernel "$kernel" -initrd "$initrd" -append "$append" \
	-serial "file:$console" -serial "file:$tap" \
	"${pre[@]}" \
	-netdev user,id=n0,restrict=on \
	-device pcie-root-port,id=rp1,chassis=1,slot=1 \
	-device igb,netdev=n0,bus=rp1,id=pf0 \
	-device pcie-root-port,id=rp2,chassis=2,slot=2 \
	-device nvme-subsys,id=s0 \
	-device "nvme,serial=sriovh0,bus=rp2,subsys=s0,${SRIOVH_NVME_SRIOV:-$nvme_small}" \
	"${extra[@]}" "$@" </dev/null >"$outdir/$name.qemu.log" 2>&1
rc=$?
exec 8>&-
kill "$hostcmd" 2>/dev/null
wait "$hostcmd" 2>/dev/null
echo "# $name: VM ran $(( $(date +%s) - start ))s (qemu exit $rc)" >&2

tr -d '\r' < "$tap" > "$tap.clean" 2>/dev/null || : > "$tap.clean"
times=$(sed -n 's/^SRIOVH time \([^ ]*\) \([0-9]*\)$/\1 \2s,/p' "$tap.clean" | tr '\n' ' ')
[ -z "$times" ] || echo "# $name: seconds per scenario: ${times%, }" >&2
plan=$(sed -n 's/^SRIOVH plan //p' "$tap.clean" | head -n1)

# Every reported result, then every planned scenario that never reported.
sed -n 's/^SRIOVH \(ok\|not ok\) \(.*\)$/\1 '"$name"'\/\2/p' "$tap.clean"
for t in $plan; do
	grep -qE "^SRIOVH (ok|not ok) $t( |$)" "$tap.clean" ||
		echo "not ok $name/$t # no result (VM died or timed out, see $console)"
done

if grep -q '^SRIOVH done' "$tap.clean"; then
	echo "ok $name/boot"
else
	echo "not ok $name/boot # no completion sentinel (exit $rc), see $console"
fi

# lockdep and KASAN reports start with WARNING: or BUG:; kmemleak's with
# "unreferenced object" (printed by the guest after its final scan).
splat='BUG:|WARNING:|Oops|Call Trace|KASAN:|unreferenced object|INFO: task .* blocked|Kernel panic|soft lockup|rcu: INFO|self-detected stall'
if line=$(grep -m1 -E "$splat" "$console"); then
	echo "not ok $name/clean-log # $(echo "$line" | tr -d '\r' | cut -c1-160)"
else
	echo "ok $name/clean-log"
fi
