#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh check [TESTS...]   everything, or the named tests/groups
# run.sh kunit              KUnit alone
# run.sh demo               the module at work in a VM on Debian's own 6.12,
#                           as an admin sees it (no kernel to build)
# run.sh bench              the benchmarks against the peers (tools/bench/)
#
# TESTS words: build, dkms, style, tool, docs, fuzz, kunit, mmio, iommu,
# hotplug, fault, irq, race, deb, system (groups), a scenario name (e.g.
# card_before_igb), or a kernel (debug, stock-6.12, stock-6.1). The docs
# group checks sriov_helper(4) against the sources (man-check.py).
# The deb group builds the Debian packages (make deb) and checks them
# (lintian, one version); the system group installs them in a Debian 12
# image made with mmdebstrap and boots it under QEMU with systemd as init
# (tools/testing/system/system.sh), deb included.
# Scenarios run on every kernel unless a kernel is named. The mmio group
# runs on the debug kernel with a 127-VF NVMe, without pci=realloc (in
# the fault group's VM) and with it (a VM of its own; Debian's kernels
# reassign VF BARs by themselves). The iommu
# group boots it with QEMU's VT-d and intel_iommu=on. The hotplug group
# boots Debian's kernels for PF hot-unplug and plug through QEMU's monitor
# (device_del/device_add, tools/testing/hostcmd.py). The fault group
# boots it for the fault_* scenarios (failslab, guest/failnth.c), with
# the 127-VF NVMe for mmio_diagnosed. The race group (only
# when named: make stress) boots it for the race_* scenarios. The irq
# group boots every kernel once more with 4 CPUs in two NUMA nodes and a
# second igb on node 1 (vm.sh SRIOVH_TOPO=irq) for the irq_* scenarios
# (on the debug kernel, those that race; see want_irq); naming irq_*
# scenarios runs just those, on every kernel.
#
# Order: the test kernel builds in the background while the host's own
# groups, the VMs on Debian's kernels and the deb and system groups run;
# then everything on the test kernel.
#
# Prints TAP ("ok N - name") and ends with "N passed, N failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tools/testing
out=$top/out
mode=${1:-check}
shift || true
words=" $* "
mkdir -p "$out/logs"

n=0 passed=0 failed=0
emit() {
	local line=$1
	n=$((n + 1))
	case "$line" in
	"not ok "*)
		failed=$((failed + 1))
		echo "not ok $n - ${line#not ok }"
		;;
	"ok "*)
		passed=$((passed + 1))
		echo "ok $n - ${line#ok }"
		;;
	esac
}
summary() {
	echo "1..$n"
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
}
log() { echo "# $*"; }

scenario_words= irq_words=
for w in $*; do
	case "$w" in
	build|dkms|style|tool|docs|fuzz|kunit|mmio|iommu|hotplug|fault|irq|race|deb|system|debug|stock-6.12|stock-6.1) ;;
	irq_*) irq_words="$irq_words $w" ;;
	*) scenario_words="$scenario_words $w" ;;
	esac
done
irq_scenarios=$(sed -n 's/^special_scenario \(irq_[a-z0-9_]*\)$/\1/p' \
	"$here/guest/scenarios/50-irq.sh" | tr '\n' ' ')
debug_irq_scenarios="irq_hotplug irq_relink_rebind irq_unload_clean"
race_scenarios=$(sed -n 's/^special_scenario \(race_[a-z0-9_]*\)$/\1/p' \
	"$here/guest/scenarios/80-race.sh" | tr '\n' ' ')
fault_scenarios=$(sed -n 's/^special_scenario \(fault_[a-z0-9_]*\)$/\1/p' \
	"$here/guest/scenarios/90-fault.sh" | tr '\n' ' ')
# Debian's kernels run the scenarios whose outcome can differ between
# kernels; "scenario NAME debug-only" ones run on the debug kernel alone.
stock_scenarios=$(sed -n 's/^scenario \([a-z0-9_]*\)$/\1/p' \
	"$here"/guest/scenarios/*.sh | tr '\n' ' ')
# Debian's 6.12 leaves out the longest of those whose outcome rests on our
# own logic (rebinds, configfs over parameters, per-VF passes): the debug
# kernel runs them on 6.12 and Debian's 6.1 on the kernel we claim first.
stock612_skip=" rebind_once configfs_7_then_3 configfs_over_param vfcfg_apply vfparam_persist vf_mac_at_probe vf_wait_pf_up vf_bind_serial vf_msix_igb "
stock612_scenarios=
for sc in $stock_scenarios; do
	[[ "$stock612_skip" == *" $sc "* ]] || stock612_scenarios="$stock612_scenarios $sc"
done
# "scenario NAME stock-6.12-only": Debian's 6.12 alone. The bad-input
# corpus (70-badinput.sh) forks a dozen processes for each of its 80
# values, and a fork costs most of a second on the debug kernel under TCG
# (4 minutes there, against 40 s on Debian's 6.12); the parser it reaches
# runs under KASAN in KUnit's cases and under the fuzzer's sanitizers,
# and its messages do not depend on the kernel.
stock612_scenarios="$stock612_scenarios $(sed -n 's/^scenario \([a-z0-9_]*\) stock-6.12-only$/\1/p' \
	"$here"/guest/scenarios/*.sh | tr '\n' ' ')"
# The debug kernel: every scenario but those.
debug_scenarios=$(sed -n 's/^scenario \([a-z0-9_]*\)\( debug-only\)\{0,1\}$/\1/p' \
	"$here"/guest/scenarios/*.sh | tr '\n' ' ')
# want GROUP: run it when no words were given or the group is named.
want() {
	[ -z "${words// /}" ] || [[ "$words" == *" $1 "* ]]
}
# kernel_named K: K was named, or no kernel was.
kernel_named() {
	[[ "$words" == *" $1 "* ]] || ! [[ "$words" =~ " "(debug|stock-6.12|stock-6.1)" " ]]
}
# want_kernel K: scenarios on kernel K.
want_kernel() {
	[ -z "${words// /}" ] && return 0
	[[ "$words" == *" $1 "* ]] && [ -z "${irq_words// /}" ] &&
		! [[ "$words" == *" irq "* ]] && return 0
	# Named scenarios without a kernel: all kernels.
	[ -n "${scenario_words// /}" ] && kernel_named "$1"
}
# want_irq K: the irq VM on kernel K. All irq_* scenarios on Debian's
# 6.1; on the debug kernel, whose 4-vCPU VM on one TCG thread is five
# times slower, the ones that race the placement against CPU hotplug, a
# VF driver's rebind and rmmod (debug_irq_scenarios), unless named.
# Debian's 6.12 only when named: the debug kernel is a 6.12 too.
want_irq() {
	[ "$1" = stock-6.12 ] && ! [[ "$words" == *" stock-6.12 "* ]] && return 1
	[ -z "${words// /}" ] && return 0
	{ want irq || [ -n "${irq_words// /}" ]; } && kernel_named "$1"
}

# ---- set-up: packages and the test kernel ------------------------------
# The demo needs a small part of the test bed (setup-host.sh demo).
setup_what=all
[ "$mode" = demo ] && setup_what=demo
log "installing packages if missing (log: out/setup.log)"
if ! "$here/setup-host.sh" "$setup_what" > "$out/setup.log" 2>&1; then
	tail -n 20 "$out/setup.log"
	emit "not ok setup # tools/testing/setup-host.sh failed, see out/setup.log"
	summary
	exit 1
fi
# The demo and the benchmarks run Debian's own kernel only: no test kernel
# for them, nor for the docs, deb and system groups alone.
no_test_kernel='' kdir='' dbg_kver=''
if [ -n "${words// /}" ]; then
	no_test_kernel=1
	for w in $*; do
		case "$w" in
		docs|deb|system) ;;
		*) no_test_kernel= ;;
		esac
	done
fi
# The test kernel builds in the background (nice 19: the VMs on Debian's
# kernels come first) while the groups that do not need it run;
# test_kernel waits for it where it is needed. Cached, it is there at once.
kernel_pid='' kernel_state=none
if [ "$mode" != bench ] && [ "$mode" != demo ] && [ -z "$no_test_kernel" ]; then
	log "test kernel (log: out/kernel.log; about 15 minutes on 2 cores when not cached, in the background)"
	nice -n 19 "$here/kernel.sh" > "$out/kernel.dir" 2> "$out/kernel.log" &
	kernel_pid=$!
	kernel_state=building
fi
# test_kernel: wait for it; false, after one "not ok", if it failed.
test_kernel() {
	case $kernel_state in
	ready) return 0 ;;
	failed|none) return 1 ;;
	esac
	if wait "$kernel_pid" && kdir=$(cat "$out/kernel.dir") && [ -n "$kdir" ]; then
		dbg_kver=$(cat "$kdir/build/include/config/kernel.release")
		kernel_state=ready
		return 0
	fi
	tail -n 20 "$out/kernel.log"
	emit "not ok test-kernel # tools/testing/kernel.sh failed, see out/kernel.log"
	kernel_state=failed
	return 1
}
# Only make check has work to do meanwhile.
if [ "$mode" != check ] && [ "$kernel_state" = building ] && ! test_kernel; then
	summary
	exit 1
fi
# Debian's kernels we claim: bookworm's 6.1 and backports' 6.12.
k61=$(ls /lib/modules | grep '^6\.1\.' | sort -V | tail -n1)
k612=$(ls /lib/modules | grep '^6\.12\.' | sort -V | tail -n1)

# build_module NAME KDIR [MAKE ARGS]: a private copy of the tree per kernel,
# since kbuild writes objects next to the sources.
build_module() {
	local name=$1 kd=$2
	shift 2
	local b=$out/build-$name
	rsync -a --delete --exclude /out --exclude /.git "$top/" "$b/"
	make -C "$kd" M="$b" "$@" modules > "$out/logs/build-$name.log" 2>&1
}

# ---- builds: zero warnings with W=1 against every kernel we claim -------
# build_w1 NAME KDIR (the test kernel's comes once it is built).
build_w1() {
	local name=$1 kd=$2 w
	if ! build_module "$name" "$kd" W=1; then
		emit "not ok build/$name-W=1 # build failed, see out/logs/build-$name.log"
	elif w=$(grep -iE 'warning:|error:' "$out/logs/build-$name.log" | head -n1) && [ -n "$w" ]; then
		emit "not ok build/$name-W=1 # $w"
	else
		emit "ok build/$name-W=1"
	fi
}
if [ "$mode" = check ] && want build; then
	for spec in "6.1:/lib/modules/$k61/build" "6.12:/lib/modules/$k612/build"; do
		build_w1 "${spec%%:*}" "${spec#*:}"
	done
	# arm64: cross-built against Debian's 6.12 source prepared for arm64
	# (kernel-arm64.sh: defconfig plus config/sriovh-arm64.config, then
	# modules_prepare only). That tree has no Module.symvers, so modpost
	# cannot check the module's imports: it says the file is missing and
	# reports each import as undefined, made warnings by KBUILD_MODPOST_WARN=1.
	# Exactly those lines are accepted (the x86 builds above check the
	# imports against complete trees); any other warning or error, the
	# compiler's or modpost's own ("WARNING:", in capitals), fails it.
	if ! karm=$("$here/kernel-arm64.sh" 2> "$out/logs/kernel-arm64.log"); then
		emit "not ok build/arm64-W=1 # tools/testing/kernel-arm64.sh failed, see out/logs/kernel-arm64.log"
	elif ! build_module arm64 "$karm/build" ARCH=arm64 \
			CROSS_COMPILE=aarch64-linux-gnu- W=1 KBUILD_MODPOST_WARN=1; then
		emit "not ok build/arm64-W=1 # build failed, see out/logs/build-arm64.log"
	elif w=$(grep -iE 'warning:|error:' "$out/logs/build-arm64.log" |
		 grep -vE -e '^WARNING: Module\.symvers is missing\.$' \
			  -e '^WARNING: modpost: "[^"]+" \[[^]]*\] undefined!$' \
			  -e '^WARNING: modpost: suppressed [0-9]+ unresolved symbol warnings because there were too many\)$' |
		 head -n1); [ -n "$w" ]; then
		emit "not ok build/arm64-W=1 # $w"
	else
		emit "ok build/arm64-W=1"
	fi
fi

# ---- DKMS: build for one kernel, autoinstall for the other --------------
if [ "$mode" = check ] && want dkms; then
	if "$here/dkms-test.sh" "$k61" "$k612" > "$out/logs/dkms.log" 2>&1; then
		emit "ok dkms/build-and-autoinstall-$k61-$k612"
	else
		emit "not ok dkms/build-and-autoinstall-$k61-$k612 # $(tail -n1 "$out/logs/dkms.log")"
	fi
fi

# ---- sriovctl: built with -Werror, then against fixture trees -------------
# The VMs carry it too (sriovctl_roundtrip), so it is built whenever they run.
sriovctl_bin=$out/sriovctl
if make -s -C "$top/tools/sriovctl" clean > /dev/null &&
   make -s -C "$top/tools/sriovctl" > "$out/logs/build-sriovctl.log" 2>&1 &&
   cp "$top/tools/sriovctl/sriovctl" "$sriovctl_bin"; then
	sriovctl_ok=1
else
	sriovctl_ok=
fi
make -s -C "$top/tools/sriovctl" clean > /dev/null
if [ "$mode" = check ] && want tool; then
	if [ -z "$sriovctl_ok" ]; then
		emit "not ok sriovctl/build # see out/logs/build-sriovctl.log"
	else
		emit "ok sriovctl/build"
		while read -r line; do
			emit "$line"
		done < <(SRIOVCTL=$sriovctl_bin "$top/tools/sriovctl/tests/run.sh")
	fi
fi
export SRIOVH_SRIOVCTL=$sriovctl_bin
# ---- docs: sriov_helper(4) against the sources, both man pages rendered ----
# man-check.py reads the names from the sources (module parameters,
# configfs attributes, pf= and vf= keys, inventory fields): every one must
# be in the page and the page must name no other.
if [ "$mode" = check ] && want docs; then
	if python3 "$here/man-check.py" "$top" > "$out/logs/docs.log" 2>&1; then
		while read -r line; do
			emit "$line"
		done < <(grep -E '^(not )?ok ' "$out/logs/docs.log")
	else
		emit "not ok docs/man-check # tools/testing/man-check.py failed, see out/logs/docs.log"
	fi
fi
# The guest's fault injector (the fault_* scenarios).
if gcc -O2 -Wall -Wextra -Werror -o "$out/failnth" "$here/guest/failnth.c" \
	> "$out/logs/build-failnth.log" 2>&1; then
	export SRIOVH_FAILNTH=$out/failnth
else
	emit "not ok failnth/build # see out/logs/build-failnth.log"
fi
# The guest's VFIO holder, a VM's grip on a VF (the vfio_held scenario).
if gcc -O2 -Wall -Wextra -Werror -o "$out/vfiohold" "$here/guest/vfiohold.c" \
	> "$out/logs/build-vfiohold.log" 2>&1; then
	export SRIOVH_VFIOHOLD=$out/vfiohold
else
	emit "not ok vfiohold/build # see out/logs/build-vfiohold.log"
fi

# ---- the shared parser under libFuzzer (make fuzz runs it for longer) -----
if [ "$mode" = check ] && want fuzz; then
	log "fuzzing the parser for ${SRIOVH_FUZZ_SECONDS:-60}s (log: out/fuzz/fuzz.log)"
	while read -r line; do
		emit "$line"
	done < <("$top/tools/fuzz/run.sh" "${SRIOVH_FUZZ_SECONDS:-60}" "$out/fuzz")
fi

# run_vm NAME KERNEL KVER MODROOT MODE TESTS KO...
run_vm() {
	local name=$1 kernel=$2 kver=$3 modroot=$4 vmmode=$5 tests=$6
	shift 6
	local initrd=$out/initrd-$name.gz line
	if ! "$here/initramfs.sh" "$kver" "$modroot" "$initrd" "$@" > "$out/logs/initrd-$name.log" 2>&1; then
		emit "not ok $name/initramfs # see out/logs/initrd-$name.log"
		return
	fi
	log "booting $name ($kver) under TCG"
	while read -r line; do
		case "$line" in
		"# "*) echo "$line" ;;
		*) emit "$line" ;;
		esac
	done < <("$here/vm.sh" "$name" "$kernel" "$initrd" "$vmmode" "$tests" "$out/logs" 2>&1)
}

# irq_vm NAME KVER KDIR KERNEL MODROOT: the irq VM (4 CPUs, two NUMA
# nodes, a second igb on node 1) on one kernel, if wanted there.
irq_vm() {
	local name=$1 kv=$2 kd=$3 kimg=$4 mroot=$5 bname=${1#stock-}
	local tests=$irq_scenarios
	want_irq "$name" || return 0
	[ -n "${irq_words// /}" ] && tests=$irq_words
	[ "$name" = debug ] && [ -z "${irq_words// /}" ] && tests=$debug_irq_scenarios
	if build_module "$bname" "$kd"; then
		SRIOVH_TOPO=irq run_vm "$name-irq" "$kimg" "$kv" "$mroot" check \
			"$tests" "$out/build-$bname/sriov_helper.ko"
	else
		emit "not ok $name-irq/module-build # see out/logs/build-$bname.log"
	fi
}

# ---- VM scenarios on Debian's kernels (while the test kernel builds) ----
if [ "$mode" = check ]; then
	for spec in "stock-6.12:$k612" "stock-6.1:$k61"; do
		name=${spec%%:*} kv=${spec#*:}
		want_kernel "$name" || continue
		bname=${name#stock-}
		list=$stock_scenarios
		[ "$name" = stock-6.12 ] && list=$stock612_scenarios
		if build_module "$bname" "/lib/modules/$kv/build"; then
			run_vm "$name" "/boot/vmlinuz-$kv" "$kv" / check \
				"${scenario_words:-$list}" \
				"$out/build-$bname/sriov_helper.ko"
		else
			emit "not ok $name/module-build # see out/logs/build-$bname.log"
		fi
	done
	# PF hot-unplug and plug through QEMU's monitor, on Debian's kernels:
	# the debug kernel's pciehp reports a lock order inversion of its own
	# on every removal (reset_lock against pci_rescan_remove_lock inside
	# pciehp_unconfigure_device, the same with sriov_helper not loaded),
	# which fails the clean log and turns lockdep off for the rest of the
	# boot. Hung-task panic is on here too, so a deadlock still fails.
	for spec in "stock-6.12:$k612" "stock-6.1:$k61"; do
		name=${spec%%:*} kv=${spec#*:}
		{ want hotplug && kernel_named "$name"; } || continue
		bname=${name#stock-}
		if build_module "$bname" "/lib/modules/$kv/build"; then
			SRIOVH_TOPO=hotplug run_vm "$name-hotplug" "/boot/vmlinuz-$kv" "$kv" / check \
				"hotplug_pf_remove hotplug_pf_remove_enabling" "$out/build-$bname/sriov_helper.ko"
		else
			emit "not ok $name-hotplug/module-build # see out/logs/build-$bname.log"
		fi
	done
	irq_vm stock-6.12 "$k612" "/lib/modules/$k612/build" "/boot/vmlinuz-$k612" /
	irq_vm stock-6.1 "$k61" "/lib/modules/$k61/build" "/boot/vmlinuz-$k61" /
fi

# ---- Debian packages, and a real Debian host booted with them --------------
# deb: the packages built (make deb, in a copy of the tree), lintian (no
# error or warning), one version in VERSION, dkms.conf and debian/changelog.
# system: a Debian 12 image (mmdebstrap, cached), the packages installed
# with apt in a chroot, booted under QEMU with systemd as init (three
# boots; the last one also takes the Ansible role over SSH): the
# scenarios of tools/testing/system/system.sh (about 7 minutes with deb,
# 9 when the image is built).
if [ "$mode" = check ] && { want deb || want system; }; then
	if "$here/deb-versions.sh" > "$out/logs/deb-versions.log" 2>&1; then
		emit "ok deb/versions"
	else
		emit "not ok deb/versions # $(tail -n1 "$out/logs/deb-versions.log")"
	fi
	log "building the Debian packages (log: out/logs/deb-build.log)"
	if "$here/deb-build.sh" "$out/deb" > "$out/logs/deb-build.log" 2>&1; then
		emit "ok deb/build"
		lintian -i "$out"/deb/*.changes > "$out/logs/deb-lintian.log" 2>&1
		if line=$(grep -m1 -E '^[EW]: ' "$out/logs/deb-lintian.log"); then
			emit "not ok deb/lintian # $line"
		else
			emit "ok deb/lintian"
		fi
		if want system; then
			log "system: a Debian 12 host in QEMU (log: out/logs/system.log, files in out/system)"
			while read -r line; do
				case "$line" in
				"# "*) echo "$line" ;;
				*) emit "$line" ;;
				esac
			done < <("$here/system/system.sh" "$out/deb" "$out" 2> "$out/logs/system.log")
		fi
	else
		emit "not ok deb/build # $(tail -n1 "$out/logs/deb-build.log")"
	fi
fi

# ---- the test kernel's groups: the build against it, the style checks
# (sparse builds against it), KUnit and the VMs on the debug kernel --------
if { [ "$mode" = check ] || [ "$mode" = kunit ]; } && [ "$kernel_state" != none ] &&
	test_kernel; then
	if [ "$mode" = check ] && want build; then
		build_w1 debug "$kdir/build"
	fi

	# ---- style: checkpatch --strict and sparse C=2 ---------------------------
	if [ "$mode" = check ] && want style; then
		for what in checkpatch sparse; do
			if "$here/style.sh" "$what" > "$out/logs/style-$what.log" 2>&1; then
				emit "ok style/$what"
			else
				emit "not ok style/$what # $(grep -m1 -E 'WARNING|ERROR|CHECK|warning|error' "$out/logs/style-$what.log")"
			fi
		done
	fi

	# ---- KUnit ----------------------------------------------------------------
	if [ "$mode" = kunit ] || { [ "$mode" = check ] && want kunit; }; then
		rsync -a --delete --exclude /out --exclude /.git "$top/" "$out/build-kunit/"
		if ! make -C "$kdir/build" M="$out/build-kunit/kunit" W=1 modules > "$out/logs/build-kunit.log" 2>&1; then
			emit "not ok kunit/build # see out/logs/build-kunit.log"
		else
			run_vm kunit "$kdir/build/arch/x86/boot/bzImage" "$dbg_kver" "$kdir/root" kunit "" \
				"$out/build-kunit/kunit/sriov_helper_kunit.ko"
		fi
	fi

	# ---- VM scenarios on the debug kernel -----------------------------------
	if [ "$mode" = check ]; then
		if want_kernel debug; then
			if build_module debug "$kdir/build"; then
				run_vm debug "$kdir/build/arch/x86/boot/bzImage" "$dbg_kver" "$kdir/root" check \
					"${scenario_words:-$debug_scenarios}" "$out/build-debug/sriov_helper.ko"
			else
				emit "not ok debug/module-build # see out/logs/build-debug.log"
			fi
		fi
		if want iommu && build_module debug "$kdir/build"; then
			SRIOVH_TOPO=iommu run_vm debug-iommu "$kdir/build/arch/x86/boot/bzImage" \
				"$dbg_kver" "$kdir/root" check \
				"inventory_iommu vfdrv_vfio vfio_second_pf vfdrv_split vfio_held vfio_unbind_held vfio_zero_held" \
				"$out/build-debug/sriov_helper.ko"
		fi
		# Allocation failures injected with failslab (the debug kernel
		# only), in the VM with the 127-VF NVMe whose VF BARs do not fit
		# (mmio_diagnosed): one boot of the debug kernel (and its
		# kmemleak scan) costs about two minutes under TCG, and the
		# fault_* scenarios use the igb only.
		fm_tests=
		want fault && fm_tests=$fault_scenarios
		want mmio && fm_tests="$fm_tests mmio_diagnosed"
		if [ -n "${fm_tests// /}" ] && build_module debug "$kdir/build"; then
			SRIOVH_NVME_SRIOV=big run_vm debug-fault "$kdir/build/arch/x86/boot/bzImage" \
				"$dbg_kver" "$kdir/root" check "$fm_tests" "$out/build-debug/sriov_helper.ko"
		fi
		# Races and soaks: about 10 minutes on the debug kernel, so only
		# when named (make stress, or make check TESTS=race).
		if [[ "$words" == *" race "* ]] && build_module debug "$kdir/build"; then
			run_vm debug-race "$kdir/build/arch/x86/boot/bzImage" "$dbg_kver" "$kdir/root" \
				check "$race_scenarios" "$out/build-debug/sriov_helper.ko"
		fi
		if want mmio && build_module debug "$kdir/build"; then
			SRIOVH_NVME_SRIOV=big SRIOVH_APPEND=pci=realloc run_vm debug-realloc \
				"$kdir/build/arch/x86/boot/bzImage" "$dbg_kver" "$kdir/root" check mmio_realloc \
				"$out/build-debug/sriov_helper.ko"
		fi
		irq_vm debug "$dbg_kver" "$kdir/build" "$kdir/build/arch/x86/boot/bzImage" "$kdir/root"
	fi
fi

# ---- benchmarks against the peers, on Debian's 6.12 ------------------------
# Four VMs: bind and vfmac (igb, 2 vCPUs), irq (4 vCPUs in two NUMA
# nodes), scale (four 127-VF NVMe PFs). Each guest script prints "SRIOVH
# bench" figures and a result line per peer; report.sh turns the figures
# into the table in docs/benchmarks.md (keeping, with their date, the
# sections of benchmarks not run this time). Before them, on the host:
# plan, the IRQ planner's own time at 508 VFs (tools/bench/plan_bench.c).
# SRIOVH_BENCH picks some of "plan bind irq scale vfmac".
if [ "$mode" = bench ]; then
	bench_root=$out/bench/root
	if ! "$top/tools/bench/peers.sh" "$bench_root" > "$out/logs/bench-peers.log" 2>&1; then
		emit "not ok bench/peers # $(tail -n1 "$out/logs/bench-peers.log")"
		summary
		exit 1
	fi
	mkdir -p "$bench_root/tests/bench"
	cp "$top"/tools/bench/guest/*.sh "$bench_root/tests/bench/"
	rm -f "$out"/logs/bench-*.tap.log.clean
	benches=${SRIOVH_BENCH:-plan bind irq scale vfmac}
	# The planner (sriov_helper/place.c) is pure logic: no kernel call and
	# no lock, so the host runs it as the kernel would, where TCG would
	# time the emulator; and before the VMs, which would compete for the
	# host's CPUs. Its figures join the VMs' for report.sh, in a file
	# named like theirs, so that the rm above clears stale ones too.
	if [[ " $benches " == *" plan "* ]]; then
		if ! gcc -O2 -Wall -Wextra -Werror -I"$top/include" -I"$top/tools/include" \
			-o "$out/plan_bench" "$top/tools/bench/plan_bench.c" "$top/sriov_helper/place.c" \
			> "$out/logs/build-plan_bench.log" 2>&1; then
			emit "not ok bench/plan-build # see out/logs/build-plan_bench.log"
		elif "$out/plan_bench" > "$out/logs/bench-plan.tap.log.clean" 2> "$out/logs/bench-plan.log"; then
			emit "ok bench/plan"
		else
			emit "not ok bench/plan # $(tail -n1 "$out/logs/bench-plan.log")"
		fi
	fi
	if build_module 6.12 "/lib/modules/$k612/build"; then
		for b in $benches; do
			[ "$b" = plan ] && continue
			topo=
			case "$b" in bind|vfmac) ;; *) topo=$b ;; esac
			SRIOVH_TOPO=$topo SRIOVH_OVERLAY=$bench_root \
				SRIOVH_SCRIPT=$top/tools/bench/guest/$b.sh SRIOVH_VM_TIMEOUT=2400 \
				run_vm "bench-$b" "/boot/vmlinuz-$k612" "$k612" / script "" \
				"$out/build-6.12/sriov_helper.ko"
		done
	else
		emit "not ok bench/module-build # see out/logs/build-6.12.log"
	fi
	if "$top/tools/bench/report.sh" "$out/logs" "$k612" "$out/bench/results.md" "$top/docs/benchmarks.md"; then
		log "results: out/bench/results.md (and docs/benchmarks.md)"
		sed 's/^/# /' "$out/bench/results.md"
	else
		emit "not ok bench/report # tools/bench/report.sh failed"
	fi
	summary
	exit
fi

# ---- demo ------------------------------------------------------------------
# On Debian's own 6.12 (the kernel users run, installed as a package):
# only the module is built. demo.sh waits for each step to settle and
# reports a step that does not as a failed result line.
if [ "$mode" = demo ]; then
	log "building the module against Debian's $k612 (log: out/logs/build-6.12.log)"
	build_module 6.12 "/lib/modules/$k612/build" ||
		{ echo "module build failed: out/logs/build-6.12.log"; exit 1; }
	"$here/initramfs.sh" "$k612" / "$out/initrd-demo.gz" "$out/build-6.12/sriov_helper.ko" \
		> "$out/logs/initrd-demo.log" 2>&1 || { echo "initramfs failed: out/logs/initrd-demo.log"; exit 1; }
	log "booting Debian's $k612 with an emulated Intel 82576 (igb) under QEMU (TCG: about a minute)"
	"$here/vm.sh" demo "/boot/vmlinuz-$k612" "$out/initrd-demo.gz" demo "" "$out/logs" > "$out/logs/demo.result"
	sed -e '/^SRIOVH /d' -e 's/\r$//' "$out/logs/demo.tap.log"
	if grep -q '^not ok' "$out/logs/demo.result"; then
		echo
		grep '^not ok' "$out/logs/demo.result"
		exit 1
	fi
	exit 0
fi

summary
