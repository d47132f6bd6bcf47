#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# system.sh DEBDIR OUTDIR: the "system" test group. A real Debian 12 host
# in a VM, installed and configured as an admin does it, with the packages
# from `make deb` (DEBDIR); work files in OUTDIR/system.
#
#   base     mmdebstrap of bookworm (systemd, udev, kmod, dkms, openssl,
#            initramfs-tools, Debian's 6.1 kernel and headers) from the
#            machine's own apt sources, cached under
#            /var/cache/sriov_helper/system/KEY (KEY: a hash of the package
#            lists and of the recipe functions below; openssh-server and
#            python3-apt for the Ansible scenarios), with the .debs of
#            backports' 6.12 kernel and headers downloaded next to it.
#            Its initramfs-tools builds targeted images (MODULES=list and
#            the root's modules, what MODULES=dep picks on this VM): a
#            MODULES=most image takes minutes to build here, and there are
#            four builds per run
#   tree     the base under an overlay (the cache stays as it is);
#            `apt-get install ./*.deb` in a chroot, so that DKMS builds
#            (and signs) the module for the image's kernel
#   host 1   mke2fs -d of the tree, booted twice (one host, two boots;
#            kernel and initrd read from the image each time):
#              noconf    the packages, no configuration (f); then the
#                        module unloaded ("not loaded"), and refused under
#                        Secure Boot's lockdown (g); the admin then writes
#                        /etc/modprobe.d/sriov_helper.conf (vfs=7)
#              first     7 VFs from modprobe.d at boot, before
#                        network-pre.target (a), the module signed (e);
#                        the admin runs sriovctl set vfs=3, sriovctl dump >
#                        the conf, and adds igb and igbvf to
#                        /etc/initramfs-tools/modules
#   host 2   the admin's files from host 1 back in the tree, then as an
#            admin goes on: update-initramfs -u -k all (the README's step
#            after a configuration change), and the upgrade to backports'
#            6.12 kernel and headers with apt (the kernel's postinst runs
#            dkms, then builds its initramfs); mke2fs -d again:
#              upgrade   6.12 booted: DKMS installed for both kernels (d),
#                        the dumped conf's 3 VFs (b), made in the
#                        initramfs before the switch to the real root (c),
#                        the module signed for both kernels (e), what
#                        sriovctl dump says about the initramfs' copy;
#                        then the fleet's way: contrib/ansible's
#                        site.yml run twice from this machine over SSH
#                        (a virtio management NIC, port 22 forwarded to a
#                        loopback port; a key made for the run): 3 VFs and
#                        VF 1's MAC and VLAN, the handler's initramfs
#                        rebuild, then changed=0; then a third run (VF 2
#                        a MAC too, sriov_helper_reboot: true) whose
#                        handlers rebuild the initramfs and reboot the
#                        host, which ends this VM
#              reboot    the same image booted again (its kernel and the
#                        rebuilt initramfs read from it anew), the third
#                        run's reboot module waiting for it on the same
#                        port (sriovctl wait): the role's
#                        file in the initramfs, its 3 VFs made there, VF
#                        1's MAC and VLAN in `ip link`, VFs 1 and 2's own
#                        netdevs with their MACs; the metrics timer's
#                        file scraped from Debian's node_exporter on the
#                        guest's loopback, the values checked and our
#                        families through promtool here
#   purge    apt purge of both packages in the tree, no boot (h)
# The kernel-independent scenarios (b, c) run once, on the upgraded host,
# not on each kernel.
#
# The only test code in the boots is guest/sriovh-report.service and
# guest/report.sh, which report facts on the second serial port and power
# off; every assertion is made here, on those facts and on the disk image.
# Prints "ok system/NAME" or "not ok system/NAME # why" per scenario, and
# "# " lines with what was measured and the time each step took.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
debdir=$(realpath "$1")
outdir=$(realpath -m "$2")
cache=${SRIOVH_CACHE:-/var/cache/sriov_helper}/system
vm_timeout=${SRIOVH_SYSTEM_VM_TIMEOUT:-900}
top=$(cd "$here/../../.." && pwd)

. "$here/../mirror.sh"

# Bump when the base changes in a way the functions below do not show.
RECIPE=2
# zstd: initramfs-tools recommends it (its default compressor), so a
# Debian host has it; without it update-initramfs falls back to gzip.
# openssh-server and python3-apt: a host that Ansible manages (the role's
# apt task needs python3-apt; the report's scrape uses its python3).
# prometheus-node-exporter: a host that Prometheus watches (its textfile
# directory, /var/lib/prometheus/node-exporter, is where
# sriov-helper-metrics.timer writes).
PKGS="systemd-sysv udev kmod dkms openssl initramfs-tools zstd iproute2 pciutils
ifupdown linux-image-amd64 linux-headers-amd64 openssh-server python3-apt
prometheus-node-exporter"
# The kernel upgrade of scenario d, from bookworm-backports.
BPO_PKGS="linux-image-amd64 linux-headers-amd64"
# What MODULES=dep would put in the initramfs for this VM's root (a
# virtio disk, ext4); dep itself cannot tell in a chroot.
ROOT_MODULES="virtio_pci virtio_blk ext4"

log() {
	echo "# system: $*"
}
t0=$(date +%s)
lap=$t0
# timed WHAT: the time since the previous timed step.
timed() {
	local now
	now=$(date +%s)
	log "$1: $((now - lap)) s"
	lap=$now
}

# ---- chroots and overlays, always undone -----------------------------------
mounts=()
chroot_up() {
	local r=$1
	mount -t proc proc "$r/proc"
	mounts+=("$r/proc")
	mount --bind /sys "$r/sys"
	mounts+=("$r/sys")
	mount --bind /dev "$r/dev"
	mounts+=("$r/dev")
	mount --bind /dev/pts "$r/dev/pts"
	mounts+=("$r/dev/pts")
}
chroot_down() {
	local i
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}"
	done
	mounts=()
}
# overlay_up LOWER DIR: DIR (a new directory) is LOWER with the changes
# kept in DIR.upper: no copy of a gigabyte tree, and LOWER is never written.
overlays=()
overlay_up() {
	mkdir -p "$2" "$2.upper" "$2.work"
	mount -t overlay overlay -o "lowerdir=$1,upperdir=$2.upper,workdir=$2.work" "$2"
	overlays+=("$2")
}
# overlay_down DIR: unmounted, its changes deleted.
overlay_down() {
	local i keep=()
	chroot_down
	umount "$1" 2>/dev/null || umount -l "$1"
	for i in "${overlays[@]}"; do
		[ "$i" = "$1" ] || keep+=("$i")
	done
	overlays=("${keep[@]}")
	rm -rf --one-file-system "$1" "$1.upper" "$1.work"
}
# Whatever an interrupted run left mounted under DIR.
umount_under() {
	local m
	{ findmnt -rn -o TARGET | grep -F "$1/" || true; } | sort -r | while read -r m; do
		umount -l "$m" || true
	done
}
# Every scenario reports, even when this script stops half-way.
planned="install dracut purge_clean no_config_quiet lockdown_refused boot_options_7vfs
module_signed_6.1 sriovctl_set_dump kernel_upgrade_6.12 dump_persists_3vfs
initramfs_vfs_before_root module_signed_6.12 dump_initramfs_note ansible_first_run
ansible_second_run_unchanged ansible_third_run_reboots ansible_reboot_applies node_exporter_metrics
node_exporter_promtool ifupdown_vf_at_boot"
reported=" "
finish() {
	local rc=$? t i
	chroot_down
	for ((i = ${#overlays[@]} - 1; i >= 0; i--)); do
		umount "${overlays[i]}" 2>/dev/null || umount -l "${overlays[i]}"
	done
	for t in $planned; do
		[[ "$reported" == *" $t "* ]] ||
			echo "not ok system/$t # no result (system.sh exit $rc, see out/logs/system.log)"
	done
}
trap finish EXIT
# in_chroot ROOT COMMAND...: with a clean environment, as on the host.
in_chroot() {
	local r=$1
	shift
	chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}
# Never follow a bind mount into the host's /dev when deleting a tree.
rmtree() {
	chroot_down
	rm -rf --one-file-system "$@"
}

# ---- the cached base -------------------------------------------------------
# base_debootstrap DIR: bookworm, with -updates and -security where the
# machine's apt sources have them; no documentation, recommends or
# translations (a smaller image is a faster mke2fs); apt's lists kept, so
# that later installs in the chroot need no network; dpkg without fsync
# (the tree becomes an image anyway). Before any package is installed,
# initramfs-tools is told to build targeted images (MODULES=list, the
# root's modules added by base_setup): the kernel's own install then
# builds one in seconds instead of minutes.
base_debootstrap() {
	local uri mirrors=() s u
	uri=$(suite_uri bookworm)
	[ -n "$uri" ] || { echo "system: no bookworm entry in the apt sources" >&2; return 1; }
	mirrors=("deb $uri bookworm main")
	for s in bookworm-updates bookworm-security; do
		u=$(suite_uri "$s")
		[ -z "$u" ] || mirrors+=("deb $u $s main")
	done
	# shellcheck disable=SC2086 # a list of names
	mmdebstrap --variant=minbase --include="$(echo $PKGS | tr ' ' ,)" \
		--skip=cleanup/apt/lists \
		--aptopt='Acquire::Languages "none"' \
		--dpkgopt='force-unsafe-io' \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-include=/usr/share/doc/*/copyright' \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--dpkgopt='path-exclude=/usr/share/info/*' \
		--setup-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" &&
			printf "%s\n" "# The test host: targeted initramfs images (system.sh)." \
				MODULES=list > "$1/etc/initramfs-tools/conf.d/test-host.conf"' \
		bookworm "$1" "${mirrors[@]}"
}
# base_setup DIR: DIR/base made a bootable test host; backports added to
# its apt sources as setup-host.sh adds them to the host's, and the 6.12
# kernel's .debs downloaded into DIR/bpo-debs (outside the tree).
base_setup() {
	local r=$1/base t m
	backports_sources "$(suite_uri bookworm)" \
		> "$r/etc/apt/sources.list.d/sriov-helper-backports.sources"
	echo sriovh-host > "$r/etc/hostname"
	# A fixed machine ID: the first boot is then an ordinary boot (no
	# ConditionFirstBoot units), like every later one.
	echo 5a1b2c3d4e5f60718293a4b5c6d7e8f9 > "$r/etc/machine-id"
	# The console is the kernel's and systemd's: no login prompt on it.
	# The timers only cost CPU under TCG in the first minutes of a boot.
	for t in serial-getty@ttyS0.service apt-daily.timer apt-daily-upgrade.timer \
		 e2scrub_all.timer fstrim.timer; do
		ln -sf /dev/null "$r/etc/systemd/system/$t"
	done
	{
		echo "# The test host's root (system.sh): what MODULES=dep would pick."
		for m in $ROOT_MODULES; do
			echo "$m"
		done
	} >> "$r/etc/initramfs-tools/modules"
	[ -s "$r/etc/resolv.conf" ] || cp -L /etc/resolv.conf "$r/etc/resolv.conf"
	chroot_up "$r"
	in_chroot "$r" update-initramfs -u -k all
	in_chroot "$r" apt-get update -q
	mkdir -p "$r/var/cache/sriovh-bpo/partial"
	# shellcheck disable=SC2086 # a list of names
	in_chroot "$r" apt-get install -y -q --no-install-recommends --download-only \
		-o Dir::Cache::archives=/var/cache/sriovh-bpo/ -t bookworm-backports $BPO_PKGS
	# dracut-core for the dracut module's test (the tool only: the host
	# stays on initramfs-tools).
	mkdir -p "$r/var/cache/sriovh-dracut/partial"
	in_chroot "$r" apt-get install -y -q --no-install-recommends --download-only \
		-o Dir::Cache::archives=/var/cache/sriovh-dracut/ dracut-core
	chroot_down
	mv "$r/var/cache/sriovh-bpo" "$1/bpo-debs"
	mv "$r/var/cache/sriovh-dracut" "$1/dracut-debs"
	rm -rf "$1"/bpo-debs/partial "$1"/bpo-debs/lock "$1"/dracut-debs/partial "$1"/dracut-debs/lock
	ls "$1"/bpo-debs/linux-image-6.12*.deb "$1"/dracut-debs/dracut-core_*.deb > /dev/null
}
# base_image: $base, built if need be. The run keeps a shared lock on the
# cache (fd 9): a run building another recipe's base removes the older
# ones only when no run has one under its overlay.
base_image() {
	local key dir old
	key=$( (echo "recipe $RECIPE"; echo "$PKGS"; echo "$BPO_PKGS"; echo "$ROOT_MODULES"
		declare -f base_debootstrap base_setup) | sha256sum | cut -c1-12)
	dir=$cache/$key
	mkdir -p "$cache"
	exec 9> "$cache/.lock"
	flock -s 9
	if [ ! -f "$dir/done" ]; then
		flock 9
	fi
	if [ ! -f "$dir/done" ]; then
		log "building the base image in $dir (log: $work/base.log)"
		rmtree "$dir.tmp"
		mkdir -p "$dir.tmp"
		if ! { base_debootstrap "$dir.tmp/base" && base_setup "$dir.tmp"; } \
			> "$work/base.log" 2>&1; then
			tail -n 5 "$work/base.log" >&2
			return 1
		fi
		touch "$dir.tmp/done"
		# One base at a time: older recipes' trees are of no further use.
		for old in "$cache"/*/; do
			[ "${old%/}" = "$dir.tmp" ] || rmtree "${old%/}"
		done
		mv "$dir.tmp" "$dir"
	fi
	flock -s 9
	base=$dir
}

# apt in the tree, at host speed: dpkg need not fsync every file of a
# kernel's modules in a tree that becomes an image anyway.
apt_in() {
	local r=$1
	shift
	in_chroot "$r" apt-get -y -q --no-install-recommends \
		-o Dpkg::Options::=--force-unsafe-io "$@"
}

# ---- images and boots ------------------------------------------------------
# mkimage TREE IMG: an ext4 image of TREE with room to spare (the
# initramfs rebuilds and the journal), without loop devices.
mkimage() {
	local mb
	mb=$(du -sm "$1" | cut -f1)
	rm -f "$2"
	mke2fs -q -F -t ext4 -L sriovh-root -d "$1" "$2" "$((mb + 512))M" > /dev/null
}
# The guest powers off with `systemctl poweroff -ff` (no unmount): replay
# the journal, as its next mount would, before reading or writing the image.
fsck_image() {
	local rc=0
	e2fsck -fy "$1" > /dev/null 2>&1 || rc=$?
	[ "$rc" -lt 4 ] || { echo "system: e2fsck $1 exit $rc" >&2; return 1; }
}
# img_get IMG PATH DEST: a file out of the image.
img_get() {
	rm -f "$3"
	debugfs -R "dump -p $2 $3" "$1" 2>/dev/null
	[ -f "$3" ]
}
# initrd_facts DIR: what DIR/initrd.img holds, read on the host (lsinitramfs
# and unmkinitramfs take a while under TCG): DIR/initrd.list, the
# modules it loads early, DIR/initrd.modules (conf/modules), and its copy
# of the conf, DIR/initrd.conf (empty when it has none).
initrd_facts() {
	local t
	lsinitramfs "$1/initrd.img" > "$1/initrd.list"
	t=$(mktemp -d)
	unmkinitramfs "$1/initrd.img" "$t"
	# main/ when an early (microcode) archive comes first.
	cat "$t/main/conf/modules" 2>/dev/null > "$1/initrd.modules" ||
		cat "$t/conf/modules" > "$1/initrd.modules" 2>/dev/null || true
	cat "$t/main/etc/modprobe.d/sriov_helper.conf" 2>/dev/null > "$1/initrd.conf" ||
		cat "$t/etc/modprobe.d/sriov_helper.conf" > "$1/initrd.conf" 2>/dev/null || true
	rm -rf "$t"
}

# boot NAME IMG KVER STAGE [APPEND]: boot the image's own kernel and initrd,
# one VM at a time on the machine (the lock vm.sh takes). The report is
# $work/NAME/report, the initramfs it booted $work/NAME/initrd.*.
# boot_qemu_args: more QEMU arguments; boot_during: a command run (with
# $work/NAME) while the VM runs. Both are reset after each boot.
boot_qemu_args=()
boot_during=
# boot_keep_lock: keep the VM lock after this boot, for the next one (the
# role's reboot: another VM taking the lock in between would make its
# reboot module wait past its timeout); vm_locked: it is held.
boot_keep_lock=
vm_locked=
vm_unlock() {
	exec 8>&-
	vm_locked=
}
boot() {
	local name=$1 img=$2 kver=$3 stage=$4 append=${5:-} d rc start qpid
	d=$work/$name
	mkdir -p "$d"
	fsck_image "$img"
	img_get "$img" "/boot/vmlinuz-$kver" "$d/vmlinuz"
	img_get "$img" "/boot/initrd.img-$kver" "$d/initrd.img"
	initrd_facts "$d"
	if [ -z "$vm_locked" ]; then
		exec 8> "${SRIOVH_VM_LOCK:-/tmp/sriovh-vm.lock}"
		flock 8
	fi
	timed "before boot $name (fsck, kernel and initrd out of the image, lsinitramfs; the VM lock)"
	start=$(date +%s)
	rc=0
	# 2 GiB: the igb VFs' BARs below 4 GiB, where QEMU 10.0.2 decodes
	# them (tools/testing/vm.sh says why).
	timeout --foreground "$vm_timeout" qemu-system-x86_64 \
		-M q35 -accel tcg -cpu max -smp 2 -m 2048 \
		-display none -monitor none -no-reboot \
		-kernel "$d/vmlinuz" -initrd "$d/initrd.img" \
		-append "root=/dev/vda rw console=ttyS0 panic=-1 sriovh.stage=$stage $append" \
		-drive "file=$img,if=virtio,format=raw" \
		-serial "file:$d/console.log" -serial "file:$d/report.raw" \
		-netdev user,id=n0,restrict=on \
		-device pcie-root-port,id=rp1,chassis=1,slot=1 \
		-device igb,netdev=n0,bus=rp1 \
		"${boot_qemu_args[@]}" \
		< /dev/null > "$d/qemu.log" 2>&1 &
	qpid=$!
	[ -z "$boot_during" ] || $boot_during "$d" || true
	wait "$qpid" || rc=$?
	boot_qemu_args=()
	boot_during=
	if [ -n "$boot_keep_lock" ]; then
		vm_locked=1
	else
		vm_unlock
	fi
	boot_keep_lock=
	tr -d '\r' < "$d/report.raw" > "$d/report"
	R=$d/report
	log "boot $name ($kver, stage $stage): VM ran $(($(date +%s) - start)) s, qemu exit $rc; in the guest: /init at $(ts 'kernel: Run /init as init process') s, multi-user.target at $(ts 'Reached target multi-user\.target') s, report from $(fact start.t) s (settled $(fact settled.t) s) to $(fact end.t) s"
	lap=$(date +%s)
	if ! grep -q '^SRIOVH done' "$R"; then
		echo "not ok system/boot-$name # no complete report (qemu exit $rc), see $d/console.log"
		return 1
	fi
}

# ---- reading a report --------------------------------------------------------
R=
# fact KEY: the value of "SRIOVH KEY VALUE" in report $R.
fact() {
	local k=$1
	awk -v k="SRIOVH $k" 'index($0, k " ") == 1 { print substr($0, length(k) + 2); exit }' "$R"
}
# block NAME: the lines of block NAME in report $R.
block() {
	awk -v n="$1" '$0 == "SRIOVH-END " n { p = 0 } p { print } $0 == "SRIOVH-BEGIN " n { p = 1 }' "$R"
}
# The journal without the host name (every line has it).
journal() {
	block journal | sed 's/^\(\[[ 0-9.]*\]\) [^ ]* /\1 /'
}
# ts REGEX: the monotonic time of the first journal line matching REGEX.
ts() {
	{ journal | grep -E -m1 -- "$1" || true; } | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'
}
# before A B: both times known, A earlier than B.
before() {
	[ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'
}
# re STRING: STRING as an extended regular expression matching itself
# (kernel releases have dots and plus signs).
re() {
	sed 's/[][\.*^$+?(){}|/]/\\&/g' <<< "$1"
}
# use_report NAME: read facts from boot NAME's report (empty when that
# boot left none, so that every check of it fails with its reason).
use_report() {
	R=$work/$1/report
	[ -f "$R" ] || : > "$R"
}

# One scenario: begin NAME; need WHY COMMAND...; end.
scen='' why=''
begin() {
	scen=$1
	why=
}
need() {
	local what=$1
	shift
	if ! "$@" > /dev/null 2>&1; then
		why="${why:+$why; }$what"
	fi
}
end() {
	reported="$reported$scen "
	if [ -z "$why" ]; then
		echo "ok system/$scen"
	else
		echo "not ok system/$scen # $why"
	fi
}
eq() {
	[ "$1" = "$2" ]
}
has() {
	grep -qE -- "$1" <<< "$2"
}
lacks() {
	! grep -qE -- "$1" <<< "$2"
}
# n_igbvf: how many of the PF's VFs are bound to igbvf (fact vf_drivers).
n_igbvf() {
	fact vf_drivers | tr ' ' '\n' | grep -c '=igbvf$' || true
}
# signed KVER: the module installed for KVER is DKMS', signed by DKMS' key
# with the kernel's own hash.
signed() {
	eq "$(fact "signer@$1")" "DKMS module signing key" &&
		eq "$(fact "sig_id@$1")" "PKCS#7" &&
		eq "$(fact "sig_hashalgo@$1")" "$(fact "config_hash@$1")" &&
		has "^/lib/modules/$(re "$1")/updates/dkms/sriov_helper\.ko" "$(fact "modfile@$1")"
}
wait_ok() {
	need "sriov-helper-wait.service did not succeed: $(block wait_unit | tr '\n' ' ')" \
		has "^Result=success" "$(block wait_unit)"
	need "sriovctl wait exit $(fact wait.rc)" eq "$(fact wait.rc)" 0
}
inserted_by_modules_load() {
	has "systemd-modules-load\[[0-9]+\]: Inserted module 'sriov_helper'" "$(journal)"
}

# ---- the fleet's way: the Ansible role over SSH --------------------------------
# The host runs contrib/ansible/site.yml (the example playbook) with the
# test's variables against the booted host, through a forwarded port on
# the machine's loopback (QEMU's user network, restricted: nothing leaves
# the machine) to the guest's sshd, as root with a key made for the run,
# the guest's host key known beforehand (read from the tree).
fleet_vars() {
	cat <<'VARS'
sriov_helper_pfs:
  - { pf: "0000:01:00.0", vfs: 3 }
sriov_helper_vfs:
  - { pf: "0000:01:00.0", vfs: 1, settings: { mac: "02:00:00:00:01:01", vlan: 100 } }
VARS
}
# What the role writes from those variables.
fleet_conf='# Written by Ansible (role sriov_helper): changes here are overwritten.
# sriovctl(8): sriovctl dump shows the configuration in effect.
options sriov_helper pf=0000:01:00.0,vfs=3
options sriov_helper vf=0000:01:00.0/1,mac=02:00:00:00:01:01,vlan=100'
# The third run's: VF 2 given a MAC too (one more item of the list that
# fleet_vars ends with), and the role asked to reboot the host when its
# file changed.
fleet_vars_reboot() {
	fleet_vars
	cat <<'VARS'
  - { pf: "0000:01:00.0", vfs: 2, settings: { mac: "02:00:00:00:01:02" } }
sriov_helper_reboot: true
VARS
}
fleet_conf_reboot="$fleet_conf
options sriov_helper vf=0000:01:00.0/2,mac=02:00:00:00:01:02"
# ssh_setup: the run's key in the tree's /root/.ssh, a port on loopback,
# known_hosts with the tree's host key for it.
ssh_setup() {
	local a=$work/ansible
	mkdir -p "$a/tmp" "$a/cp"
	ssh-keygen -q -t ed25519 -N '' -C sriovh-system-test -f "$a/key"
	install -d -m 0700 "$tree/root/.ssh"
	install -m 0600 "$a/key.pub" "$tree/root/.ssh/authorized_keys"
	ssh_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	echo "[127.0.0.1]:$ssh_port $(cut -d' ' -f1,2 "$tree/etc/ssh/ssh_host_ed25519_key.pub")" > "$a/known_hosts"
	cat > "$a/hosts" <<HOSTS
[sriov_hosts]
sriovh-host ansible_host=127.0.0.1 ansible_port=$ssh_port ansible_user=root ansible_become=false ansible_python_interpreter=/usr/bin/python3 ansible_ssh_private_key_file=$a/key ansible_ssh_common_args='-o UserKnownHostsFile=$a/known_hosts -o StrictHostKeyChecking=yes -o ConnectTimeout=20'
HOSTS
	fleet_vars > "$a/vars.yml"
	fleet_vars_reboot > "$a/vars-reboot.yml"
}
# mgmt_nic: the next boot with the management NIC (virtio, the MAC
# report.sh finds it by) on QEMU's user network, the guest's port 22
# forwarded to $ssh_port on the machine's loopback.
mgmt_nic() {
	# shellcheck disable=SC2054 # QEMU's option syntax
	boot_qemu_args=(-netdev "user,id=n1,restrict=on,hostfwd=tcp:127.0.0.1:$ssh_port-:22"
		-device virtio-net-pci,netdev=n1,mac=52:54:00:5e:00:22)
}
guest_ssh() {
	ssh -i "$work/ansible/key" -p "$ssh_port" -o UserKnownHostsFile="$work/ansible/known_hosts" \
		-o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=20 root@127.0.0.1 "$@"
}
# play N VARS [SECONDS]: run N of the role, with the variables of file
# VARS in $work/ansible; its output in runN.log there, the recap
# ("ok=N changed=N unreachable=N failed=N") in runN.recap.
play() {
	local a=$work/ansible rc=0
	env ANSIBLE_ROLES_PATH="$top/contrib/ansible/roles" ANSIBLE_NOCOLOR=1 \
		ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_LOCAL_TEMP="$a/tmp" \
		ANSIBLE_SSH_CONTROL_PATH_DIR="$a/cp" ANSIBLE_PIPELINING=1 LC_ALL=C.UTF-8 \
		timeout "${3:-300}" ansible-playbook -i "$a/hosts" -e "@$a/$2" "$top/contrib/ansible/site.yml" \
		> "$a/run$1.log" 2>&1 || rc=$?
	grep -E '^sriovh-host +:' "$a/run$1.log" | sed 's/^[^:]*: *//; s/ *skipped.*//; s/  */ /g' > "$a/run$1.recap"
	log "ansible run $1 (exit $rc): $(cat "$a/run$1.recap")"
	timed "ansible-playbook run $1"
}
# report_wait DIR REGEX SECONDS: until the running boot's report has a
# line matching REGEX; 1 when the VM (qpid: boot's) ended first or after
# SECONDS.
report_wait() {
	local i
	for i in $(seq "$3"); do
		grep -q "$2" "$1/report.raw" 2> /dev/null && return 0
		kill -0 "$qpid" 2> /dev/null || return 1
		sleep 1
	done
	grep -q "$2" "$1/report.raw" 2> /dev/null
}
# ssh_wait DIR: until the guest's report says its management NIC is up
# and its sshd answers (1 when the VM ended first).
ssh_wait() {
	local i
	report_wait "$1" '^SRIOVH ssh.ready' 600 || kill -0 "$qpid" 2> /dev/null || return 1
	for i in $(seq 30); do
		guest_ssh true 2> "$work/ansible/ssh.err" && break
		sleep 2
	done
	timed "the guest's sshd answering on 127.0.0.1:$ssh_port"
}
# ansible_during DIR: while the upgrade boot waits (report.sh's
# ansible_window), two runs of the role, then the guest told to go on;
# once it has reported, the third run started, in the background: its
# handler reboots the host, which ends this VM (-no-reboot), and waits
# for the next boot (ansible_reboot_during) to answer.
play3=
ansible_during() {
	ssh_wait "$1" || return 1
	play 1 vars.yml
	play 2 vars.yml
	guest_ssh touch /run/sriovh-ansible-done || log "ssh: could not tell the guest to go on"
	report_wait "$1" '^SRIOVH done' 300 || return 1
	# A third run that ends before this VM's guest restarted did not
	# reboot it: powered off then (its console says which). Without the
	# VM lock's descriptor (boot's fd 8), which must go with this script's.
	{
		play 3 vars-reboot.yml 1200
		grep -q 'reboot: Restarting system' "$1/console.log" ||
			guest_ssh systemctl poweroff
	} 8>&- &
	play3=$!
}
# ansible_reboot_during DIR: the boot the third run's handler asked for;
# the guest told to go on once that run has ended (its reboot module saw
# the host back, sriovctl wait included).
ansible_reboot_during() {
	[ -n "$play3" ] || return 1
	wait "$play3"
	play3=
	ssh_wait "$1" || return 1
	guest_ssh touch /run/sriovh-ansible-done || log "ssh: could not tell the guest to go on"
}
recap() {
	cat "$work/ansible/run$1.recap" 2> /dev/null || true
}

# ---- node_exporter's page ------------------------------------------------------
# samples: the samples of the scrape in report $R (block scrape), each as
# NAME{LABELS} VALUE with the labels sorted by name (NAME VALUE without
# labels), so that a check does not rest on the order node_exporter
# writes them in.
samples() {
	block scrape | python3 -c '
import re, sys
for line in sys.stdin:
    m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$", line.rstrip("\n"))
    if not m:
        continue
    labels = sorted(re.findall(r"([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\]|\\.)*)\"", m.group(2) or ""))
    text = ",".join("%s=\"%s\"" % l for l in labels)
    print("%s%s %s" % (m.group(1), "{%s}" % text if labels else "", m.group(3)))
'
}
# sample LINE: LINE is one of $S (samples, read once per scenario).
sample() {
	grep -qxF -- "$1" <<< "$S"
}
# families TEXT: the metric names of TEXT's samples, one each.
families() {
	grep -v '^#' <<< "$1" | sed 's/[{ ].*//' | sort -u
}

# ---- the run -----------------------------------------------------------------
work=$outdir/system
umount_under "$work"
rmtree "$work"
mkdir -p "$work"
base_image || { echo "not ok system/base-image # see $work/base.log"; exit 0; }
timed "base image (cached in $base)"

tree=$work/tree
overlay_up "$base/base" "$tree"
ver=$(awk '/^Version: / { print $2; exit }' "$debdir"/*.changes)
up=${ver%-*}
k61=$(cd "$tree/lib/modules" && ls -d 6.1.* | sort -V | tail -n1)
conf=/etc/modprobe.d/sriov_helper.conf

# The packages, installed as on a host: apt, dkms building in the postinst
# for the kernels that have headers (and signing, with a key it makes).
begin install
mkdir -p "$tree/tmp/debs"
cp "$debdir"/sriov-helper-dkms_*_all.deb "$debdir"/sriov-helper-utils_*_amd64.deb "$tree/tmp/debs/"
chroot_up "$tree"
# (Not --no-download: apt 2.6 then refuses local .debs, "Pathname to
# install is not absolute"; they need nothing from the network anyway.)
if ! apt_in "$tree" install /tmp/debs/sriov-helper-dkms_"$ver"_all.deb \
	/tmp/debs/sriov-helper-utils_"$ver"_amd64.deb > "$work/install.log" 2>&1; then
	why="apt-get install failed, see $work/install.log"
fi
in_chroot "$tree" dkms status > "$work/install.dkms" 2>&1 || true
sriovctl_version=$(in_chroot "$tree" sriovctl --version 2>&1 || true)
chroot_down
rm -rf "$tree/tmp/debs"
need "dkms status has no 'installed' for $k61: $(head -c 200 "$work/install.dkms")" \
	grep -qF "sriov_helper/$up, $k61, x86_64: installed" "$work/install.dkms"
need "no /var/lib/dkms/mok.pub (dkms made no signing key)" test -s "$tree/var/lib/dkms/mok.pub"
need "sriovctl not installed" test -x "$tree/usr/sbin/sriovctl"
need "sriov-helper-wait.service not enabled" \
	test -L "$tree/etc/systemd/system/multi-user.target.wants/sriov-helper-wait.service"
need "no /usr/lib/modules-load.d/sriov_helper.conf" test -f "$tree/usr/lib/modules-load.d/sriov_helper.conf"
need "the packages made $conf" test ! -e "$tree$conf"
need "sriovctl --version says '$sriovctl_version', not $up" has "(^| )$(re "$up")( |$)" "$sriovctl_version"
end
timed "packages installed in the chroot (dkms build for $k61, initramfs trigger)"

# The dracut module, in an overlay of the installed tree with dracut-core
# (the tool alone; the host keeps initramfs-tools). Images of the dracut
# modules that matter here (ours; systemd, which copies every
# /usr/lib/modules-load.d file and instmods its modules, and
# systemd-modules-load; kernel-modules, for rd.driver.pre), without and
# with the admin's conf. --drivers names the root's driver, as for
# initramfs-tools (MODULES=list): kernel-modules' generic set makes a
# 110 MB image in 40 s, this one takes 4 s.
begin dracut
dtree=$work/dracut-tree
overlay_up "$tree" "$dtree"
cp "$base"/dracut-debs/*.deb "$dtree/var/cache/apt/archives/"
chroot_up "$dtree"
apt_in "$dtree" install --no-download dracut-core > "$work/dracut.log" 2>&1 ||
	why="apt-get install dracut-core failed, see $work/dracut.log"
dracut_img() {
	in_chroot "$dtree" dracut -f --no-compress --no-hostonly --kver "$k61" --drivers virtio_blk \
		-m "systemd systemd-modules-load kernel-modules sriov-helper" "/tmp/$1.img" >> "$work/dracut.log" 2>&1 &&
		in_chroot "$dtree" lsinitrd "/tmp/$1.img" > "$work/dracut-$1.list"
}
dracut_img noconf || why="dracut failed, see $work/dracut.log"
echo 'options sriov_helper pf=01:00.0,vfs=7' > "$dtree$conf"
dracut_img conf || why="dracut failed, see $work/dracut.log"
dcmdline=$(in_chroot "$dtree" lsinitrd -f etc/cmdline.d/90sriov-helper.conf /tmp/conf.img 2>&1 || true)
sum=$(sha256sum < "$dtree$conf" | cut -d' ' -f1)
overlay_down "$dtree"
need "without configuration, the image has files of ours: $(grep -E 'sriov_helper' "$work/dracut-noconf.list" | awk '{print $NF}' | tr '\n' ' ')" \
	lacks 'sriov_helper\.ko|modules-load\.d/sriov_helper\.conf|usr/lib/sriov_helper' "$(cat "$work/dracut-noconf.list")"
for f in "updates/dkms/sriov_helper\.ko" "etc/modprobe\.d/sriov_helper\.conf" \
	 "usr/lib/sriov_helper/modprobe\.conf\.sha256-$sum" "etc/cmdline\.d/90sriov-helper\.conf"; do
	need "with configuration, the image lacks $f" grep -qE "[ /]$f\$" "$work/dracut-conf.list"
done
need "the image does not load it early: cmdline.d says '$dcmdline'" eq "$dcmdline" "rd.driver.pre=sriov_helper"
end
timed "dracut module (dracut-core in an overlay of the tree, two images)"

# The test unit, and nothing else of the test, in the image.
install -D -m 0755 "$here/guest/report.sh" "$tree/usr/local/lib/sriovh-test/report.sh"
install -D -m 0644 "$here/guest/sriovh-report.service" "$tree/etc/systemd/system/sriovh-report.service"
ln -s ../sriovh-report.service "$tree/etc/systemd/system/multi-user.target.wants/sriovh-report.service"

ssh_setup

img1=$work/host1.img
mkimage "$tree" "$img1"
timed "image 1 (mke2fs -d, $(du -sm "$tree" | cut -f1) MB tree)"

# f: the packages, no configuration; g: then not loaded, and refused.
if boot noconf "$img1" "$k61" noconf; then
	begin no_config_quiet
	need "module not loaded" eq "$(fact loaded)" yes
	need "not loaded by systemd-modules-load" inserted_by_modules_load
	need "VFs exist: numvfs $(fact numvfs)" eq "$(fact numvfs)" 0
	# Kernel lines naming the module, less the kernel's own taint notes
	# (out-of-tree, and a signature it cannot check without the key).
	lines=$(journal | grep -E '^\[[ 0-9.]*\] kernel: ' | grep -F sriov_helper |
		grep -v -e 'loading out-of-tree module taints kernel' \
			-e 'module verification failed: signature and/or required key missing - tainting kernel' || true)
	nlines=$(grep -c . <<< "$lines" || true)
	log "no_config_quiet: kernel lines of sriov_helper besides the taint notes: $nlines${lines:+: $(head -n3 <<< "$lines" | tr '\n' '|')}"
	need "$nlines kernel lines of sriov_helper: $(head -n3 <<< "$lines" | tr '\n' '|')" test "$nlines" -le 1
	wait_ok
	need "failed units: $(block failed | tr '\n' ' ')" test -z "$(block failed)"
	need "sriov_helper in the initramfs without configuration" \
		lacks 'sriov' "$(cat "$work/noconf/initrd.list" "$work/noconf/initrd.modules")"
	end

	begin lockdown_refused
	log "lockdown_refused: rmmod (exit $(fact rmmod.rc)): $(block rmmod | tr '\n' ' ')"
	log "lockdown_refused: sriovctl list, unloaded (exit $(fact list_unloaded.rc)): $(block list_unloaded | tr '\n' ' ')"
	log "lockdown_refused: lockdown now '$(fact lockdown.after)'; modprobe: $(block modprobe_lockdown | tr '\n' ' ')"
	log "lockdown_refused: modprobe with sig_enforce=$(fact sig_enforce) too: $(block modprobe_enforced | tr '\n' ' ')"
	log "lockdown_refused: kernel then: $(block dmesg_tail | grep -i -e 'rejected' -e 'lockdown' | tail -n2 | tr '\n' ' ')"
	log "lockdown_refused: sriovctl list (exit $(fact list_lockdown.rc)): $(block list_lockdown | tr '\n' ' ')"
	log "lockdown_refused: sriovctl list with sig_enforce (exit $(fact list_enforced.rc)): $(block list_enforced | tr '\n' ' ')"
	# Not loaded: said so, and not mistaken for a refusal.
	need "rmmod sriov_helper exit $(fact rmmod.rc): $(block rmmod | head -n1)" eq "$(fact rmmod.rc)" 0
	need "still loaded after rmmod" eq "$(fact unloaded.loaded)" no
	need "sriovctl list, module unloaded, exit $(fact list_unloaded.rc), not 3" eq "$(fact list_unloaded.rc)" 3
	need "sriovctl list, module unloaded, does not say it is not loaded: $(block list_unloaded | head -n2 | tr '\n' ' ')" \
		has 'not loaded' "$(block list_unloaded)"
	need "sriovctl list, module unloaded, says the kernel refused it" \
		lacks 'refused|rejected|lockdown' "$(block list_unloaded)"
	# Refused: the kernel's own refusals, then what sriovctl says.
	need "lockdown is '$(fact lockdown.after)'" has '\[integrity\]' "$(fact lockdown.after)"
	need "modprobe under lockdown exit $(fact modprobe_lockdown.rc): $(block modprobe_lockdown | head -n1)" \
		has 'Operation not permitted' "$(block modprobe_lockdown)"
	need "no kernel Lockdown line" has 'Lockdown: .*unsigned module loading is restricted' "$(block dmesg_tail)"
	need "modprobe with sig_enforce does not say the key was rejected: $(block modprobe_enforced | head -n1)" \
		has 'Key was rejected by service' "$(block modprobe_enforced)"
	need "the module was loaded" eq "$(fact refused.loaded)" no
	need "sriovctl list exit $(fact list_lockdown.rc), not 3" eq "$(fact list_lockdown.rc)" 3
	need "sriovctl list does not say the kernel refused the key: $(block list_lockdown | head -n2 | tr '\n' ' ')" \
		has 'refused by the kernel.*key rejected.*Secure Boot lockdown' "$(block list_lockdown)"
	need "sriovctl list gives no mokutil remedy" has 'mokutil --import /var/lib/dkms/mok\.pub' "$(block list_lockdown)"
	need "sriovctl list with sig_enforce exit $(fact list_enforced.rc), not 3" eq "$(fact list_enforced.rc)" 3
	need "sriovctl list with sig_enforce does not say the kernel refused the key" \
		has 'refused by the kernel.*key rejected' "$(block list_enforced)"
	need "sriovctl wait exit $(fact wait_lockdown.rc), not 3" eq "$(fact wait_lockdown.rc)" 3
	end
fi

# a, e (6.1): the conf the admin wrote in the previous boot, not in the
# initramfs (not rebuilt since): the module comes from the real root.
if boot first "$img1" "$k61" first; then
	begin boot_options_7vfs
	need "numvfs $(fact numvfs), not 7" eq "$(fact numvfs)" 7
	need "$(n_igbvf) VFs on igbvf, not 7: $(fact vf_drivers)" eq "$(n_igbvf)" 7
	need "not loaded by systemd-modules-load" inserted_by_modules_load
	enabled=$(ts 'kernel: igb 0000:01:00\.0: sriov_helper: 7 VFs enabled')
	netpre=$(ts 'Reached target network-pre\.target')
	networking=$(ts 'Starting networking\.service')
	waited=$(ts 'Finished sriov-helper-wait\.service')
	last_vf=$(journal | grep -E 'kernel: igbvf 0000:01:1[01]\.[0-9]: ' | tail -n1 |
		sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
	log "boot_options_7vfs: '7 VFs enabled' at ${enabled:-never}, sriov-helper-wait.service finished at ${waited:-never}, network-pre.target at ${netpre:-never}, networking.service started at ${networking:-never}, last igbvf line at ${last_vf:-never}"
	need "no '7 VFs enabled' kernel line" test -n "$enabled"
	need "network-pre.target not reached" test -n "$netpre"
	need "VFs enabled at $enabled, not before network-pre.target ($netpre)" before "$enabled" "$netpre"
	need "VFs enabled at $enabled, not before networking.service ($networking)" before "$enabled" "$networking"
	# The ordering is the unit's doing, not the boot's timing: it ends
	# after the VFs are there and before network-pre.target.
	need "sriov-helper-wait.service finished at ${waited:-never}, not after the VFs ($enabled)" before "$enabled" "$waited"
	need "sriov-helper-wait.service finished at ${waited:-never}, not before network-pre.target ($netpre)" before "$waited" "$netpre"
	wait_ok
	end
	# Issue 20: /etc/network/interfaces has the PF, then VF 0
	# (report.sh's admin step), and modprobe.d a MAC for VF 0. The VFs
	# wait, unbound, for the PF's interface (sriov_helper keeps igb's VFs
	# from a PF that cannot answer them), so none is probed before
	# networking.service brings the PF up; the if-up.d hook then waits
	# for them, and VF 0's own stanza brings it up by its predictable
	# name, with its configured MAC on its own netdev (what a service on
	# it sees), and the inventory says applied.
	begin ifupdown_vf_at_boot
	# The whole journal read (no grep -m1): a reader that stops early
	# leaves journal's cat to a SIGPIPE, which pipefail and set -e make
	# this script's end (exit 141, 2026-12-06).
	first_vf=$(journal | grep -E 'kernel: igbvf 0000:01:1[01]\.[0-9]: ' |
		sed -n '1s/^\[ *\([0-9.]*\)\].*/\1/p')
	log "ifupdown_vf_at_boot: networking.service started at ${networking:-never}, first igbvf line at ${first_vf:-never}; VF 0: $(fact vf0.netdev) flags $(fact vf0.flags) MAC $(fact vf0.mac)"
	need "networking.service: $(block networking_unit | tr '\n' ' ')" \
		has "^Result=success" "$(block networking_unit)"
	need "an igbvf probe at ${first_vf:-never}, before networking.service started ($networking)" \
		before "$networking" "$first_vf"
	need "VF 0's netdev is '$(fact vf0.netdev)', not enp1s0v0" eq "$(fact vf0.netdev)" enp1s0v0
	vflags=$(fact vf0.flags)
	need "VF 0 not up: flags ${vflags:-none}" test "$(( ${vflags:-0} & 1 ))" = 1
	need "the PF's table has not VF 0's MAC: $(block pf_link | tr '\n' ' ')" \
		has 'vf 0 .*link/ether 02:00:00:00:00:50' "$(block pf_link)"
	need "VF 0's own netdev has $(fact vf0.mac), not its configured 02:00:00:00:00:50" \
		eq "$(fact vf0.mac)" 02:00:00:00:00:50
	need "VF 0 has its MAC, the inventory does not say applied: $(grep '^vf 0000:01:10\.0 ' <<< "$(block inventory)" || :)" \
		has '^vf 0000:01:10\.0 .* settings=applied$' "$(block inventory)"
	end
	begin module_signed_6.1
	need "module for $k61 not signed by DKMS' key: signer '$(fact "signer@$k61")', sig_id '$(fact "sig_id@$k61")', hash '$(fact "sig_hashalgo@$k61")', file '$(fact "modfile@$k61")'" signed "$k61"
	need "modinfo version '$(fact modversion)', not $up" eq "$(fact modversion)" "$up"
	end
fi

# ---- host 2: the admin's changes, the initramfs rebuilt, the kernel upgraded --
# b, first half: at run time, persisted by sriovctl dump; then the
# initramfs rebuilt as the README says, on the host side in the tree with
# the admin's two files from the image.
begin sriovctl_set_dump
use_report first
need "sriovctl set exit $(fact set.rc)" eq "$(fact set.rc)" 0
need "configfs status '$(fact set.status)'" has '^applied 3' "$(fact set.status)"
need "numvfs $(fact set.numvfs) after set, not 3" eq "$(fact set.numvfs)" 3
need "dump > conf exit $(fact dump_to_conf.rc)" eq "$(fact dump_to_conf.rc)" 0
# The initramfs was built before there was a conf, so it has no
# sriov_helper: the real root's conf applies, and dump has nothing to say.
log "sriovctl_set_dump: sriovctl dump's stderr (initramfs without sriov_helper): $(block dump_to_conf.stderr | tr '\n' ' ')"
fsck_image "$img1"
img_get "$img1" "$conf" "$tree$conf" || why="no $conf in image 1"
img_get "$img1" /etc/initramfs-tools/modules "$tree/etc/initramfs-tools/modules" ||
	why="no /etc/initramfs-tools/modules in image 1"
# And the network configuration the admin wrote with the conf (the PF,
# then VF 0): without it no one brings the PF up on host 2, and its VFs
# wait pf_up_wait for it.
img_get "$img1" /etc/network/interfaces "$tree/etc/network/interfaces" ||
	why="no /etc/network/interfaces in image 1"
rm -f "$img1"
need "the dumped conf has no 'options sriov_helper ... 01:00.0,vfs=3': $(tr '\n' ' ' < "$tree$conf")" \
	grep -qE '^options sriov_helper .*01:00\.0,vfs=3' "$tree$conf"
need "/etc/initramfs-tools/modules lacks igb" grep -qx igb "$tree/etc/initramfs-tools/modules"
chroot_up "$tree"
in_chroot "$tree" update-initramfs -u -k all > "$work/update-initramfs.log" 2>&1 ||
	why="update-initramfs -u -k all failed, see $work/update-initramfs.log"
chroot_down
mkdir -p "$work/rebuilt"
cp "$tree/boot/initrd.img-$k61" "$work/rebuilt/initrd.img"
initrd_facts "$work/rebuilt"
sum=$(sha256sum < "$tree$conf" | cut -d' ' -f1)
need "the rebuilt initramfs lacks sriov_helper.ko" grep -q 'updates/dkms/sriov_helper\.ko' "$work/rebuilt/initrd.list"
need "the rebuilt initramfs lacks the marker of the dumped conf (sha256 $sum)" \
	grep -qx "usr/lib/sriov_helper/modprobe\.conf\.sha256-$sum" "$work/rebuilt/initrd.list"
need "the rebuilt initramfs lacks the conf" grep -qx "etc/modprobe\.d/sriov_helper\.conf" "$work/rebuilt/initrd.list"
need "the rebuilt initramfs does not force-load sriov_helper: $(tr '\n' ' ' < "$work/rebuilt/initrd.modules")" \
	grep -q '^sriov_helper' "$work/rebuilt/initrd.modules"
need "the rebuilt initramfs lacks igb.ko" grep -q '/igb\.ko' "$work/rebuilt/initrd.list"
end
timed "the admin's files back from image 1, update-initramfs -u -k all in the tree"

# d: backports' kernel and headers in one apt run, as an admin does: the
# kernel's postinst hooks run dkms, then update-initramfs.
cp "$base"/bpo-debs/*.deb "$tree/var/cache/apt/archives/"
chroot_up "$tree"
upgrade_ok=1
# shellcheck disable=SC2086 # a list of names
apt_in "$tree" install --no-download -t bookworm-backports $BPO_PKGS \
	> "$work/upgrade.log" 2>&1 || upgrade_ok=
in_chroot "$tree" apt-get clean
in_chroot "$tree" dkms status > "$work/upgrade.dkms" 2>&1 || true
chroot_down
k612=$(cd "$tree/lib/modules" && ls -d 6.12.* 2>/dev/null | sort -V | tail -n1)
timed "6.12 kernel and headers installed in the chroot (dkms build for ${k612:-none}, initramfs)"
img2=$work/host2.img
mkimage "$tree" "$img2"
timed "image 2 (mke2fs -d, $(du -sm "$tree" | cut -f1) MB tree)"

# The upgrade boot ends with the fleet's way: a management NIC (virtio) on
# QEMU's user network with the guest's port 22 forwarded to the machine's
# loopback, and the role run twice from here.
mgmt_nic
boot_during=ansible_during
boot_keep_lock=1
if [ -z "$upgrade_ok" ] || [ -z "$k612" ]; then
	begin kernel_upgrade_6.12
	why="apt-get install of backports' kernel failed, see $work/upgrade.log"
	end
elif boot upgrade "$img2" "$k612" upgrade sriovh.ssh=1; then
	begin kernel_upgrade_6.12
	need "booted $(fact kernel), not $k612" eq "$(fact kernel)" "$k612"
	for k in "$k61" "$k612"; do
		need "dkms status in the booted host has no 'installed' for $k" \
			grep -qF "sriov_helper/$up, $k, x86_64: installed" <<< "$(block dkms)"
	done
	need "the module loaded is not 6.12's" has "^/lib/modules/$(re "$k612")/updates/dkms/" \
		"$(block modinfo | sed -n 's/^filename: *//p')"
	need "no '3 VFs enabled' kernel line" has 'kernel: igb 0000:01:00\.0: sriov_helper: 3 VFs enabled' "$(journal)"
	need "6.12's initramfs lacks sriov_helper.ko (built before dkms?)" \
		grep -q 'updates/dkms/sriov_helper\.ko' "$work/upgrade/initrd.list"
	end

	# b: the reboot after sriovctl dump (kernel-independent: on 6.12).
	begin dump_persists_3vfs
	need "numvfs $(fact numvfs), not 3" eq "$(fact numvfs)" 3
	need "$(n_igbvf) VFs on igbvf, not 3: $(fact vf_drivers)" eq "$(n_igbvf)" 3
	need "the module's pf parameter is not the dumped conf's: $(block param)" has '01:00\.0,vfs=3' "$(block param)"
	wait_ok
	need "failed units: $(block failed | tr '\n' ' ')" test -z "$(block failed)"
	end

	# c: igb forced into the initramfs, the VFs made there.
	begin initramfs_vfs_before_root
	enabled=$(ts 'kernel: igb 0000:01:00\.0: sriov_helper: 3 VFs enabled')
	initrd=$(ts 'kernel: Run /init as init process')
	# initramfs-tools has no systemd: PID 1's first line is the real root's.
	root=$(ts 'systemd\[1\]: ')
	log "initramfs_vfs_before_root: /init at ${initrd:-never}, '3 VFs enabled' at ${enabled:-never}, first systemd[1] line at ${root:-never}"
	need "no '3 VFs enabled' kernel line" test -n "$enabled"
	need "VFs enabled at ${enabled:-never}, not after /init started ($initrd)" before "$initrd" "$enabled"
	need "VFs enabled at ${enabled:-never}, not before the real root's systemd ($root)" before "$enabled" "$root"
	need "systemd-modules-load inserted it, so the initramfs had not" eval '! inserted_by_modules_load'
	need "the initramfs lacks igb.ko" grep -q '/igb\.ko' "$work/upgrade/initrd.list"
	need "the initramfs does not force-load igb: $(tr '\n' ' ' < "$work/upgrade/initrd.modules")" \
		grep -qE '^igb( |$)' "$work/upgrade/initrd.modules"
	end

	begin module_signed_6.12
	for k in "$k61" "$k612"; do
		need "module for $k not signed by DKMS' key: signer '$(fact "signer@$k")', sig_id '$(fact "sig_id@$k")', hash '$(fact "sig_hashalgo@$k")', file '$(fact "modfile@$k")'" signed "$k"
	done
	need "modinfo version '$(fact modversion)', not $up" eq "$(fact modversion)" "$up"
	end

	# b's other half: sriovctl dump notes when the initramfs holds another
	# copy of the conf than the one it prints (the hook's marker), and
	# only then.
	begin dump_initramfs_note
	need "sriovctl dump exit $(fact dump.rc)" eq "$(fact dump.rc)" 0
	need "sriovctl dump does not print the conf's setting: $(block dump | tr '\n' ' ')" \
		has '^options sriov_helper .*01:00\.0,vfs=3' "$(block dump)"
	need "sriovctl dump notes an older copy although the initramfs holds this conf: $(block dump | grep -i initramfs)" \
		lacks 'initramfs|older copy' "$(block dump)"
	note=$(block dump_changed.stderr)
	log "dump_initramfs_note: after sriovctl set vfs=2: $note"
	need "sriovctl set vfs=2 exit $(fact set_changed.rc)" eq "$(fact set_changed.rc)" 0
	need "after sriovctl set vfs=2, sriovctl dump exit $(fact dump_changed.rc)" eq "$(fact dump_changed.rc)" 0
	need "after sriovctl set vfs=2, sriovctl dump does not print it: $(block dump_changed.stdout | tr '\n' ' ')" \
		has '01:00\.0,vfs=2' "$(block dump_changed.stdout)"
	need "after sriovctl set vfs=2, sriovctl dump does not say to run update-initramfs: $note" \
		has 'older copy.*update-initramfs -u -k all' "$note"
	end
fi

# The role, twice, over SSH (during the upgrade boot): the first run brings
# the running host to its variables (from the 2 VFs left by sriovctl set
# above) and writes the file, whose change rebuilds the initramfs images in
# the handler; the second changes nothing.
begin ansible_first_run
use_report upgrade
r1=$(recap 1)
need "first run's recap '$r1', not changed=3 failed=0 (see $work/ansible/run1.log)" \
	has '^ok=[0-9]+ changed=3 unreachable=0 failed=0$' "$r1"
need "the handler did not run (see $work/ansible/run1.log)" \
	grep -q 'RUNNING HANDLER \[sriov_helper : Rebuild the initramfs images\]' "$work/ansible/run1.log"
need "the file the role wrote is not what its variables say: $(block ansible_conf | tr '\n' '|')" \
	eq "$(block ansible_conf)" "$fleet_conf"
need "numvfs $(fact ansible.numvfs) after the role, not 3" eq "$(fact ansible.numvfs)" 3
need "$(fact ansible.vf_drivers | tr ' ' '\n' | grep -c '=igbvf$') VFs on igbvf after the role, not 3: $(fact ansible.vf_drivers)" \
	eq "$(fact ansible.vf_drivers | tr ' ' '\n' | grep -c '=igbvf$')" 3
# VF 1's own netdev takes the role's MAC (its interface is down: the
# module reloads the idle VF's driver, and igbvf reads it at probe), and
# vf1/status says so.
need "VF 1's own netdev has $(fact ansible.vf1.mac) after the role, not 02:00:00:00:01:01" \
	eq "$(fact ansible.vf1.mac)" 02:00:00:00:01:01
vf1_status="./0000:01:00.0/vf1/status:applied "
need "configfs after the role has no vf1 with the MAC and VLAN, and a status that says what VF 1 has ($(fact ansible.vf1.mac)): $(block ansible_configfs | grep vf1 | tr '\n' ' ')" \
	has "^$(re "./0000:01:00.0/vf1/mac:02:00:00:00:01:01 $vf1_status")" \
	"$(block ansible_configfs | grep -E '^\./0000:01:00\.0/vf1/(mac|vlan|status):' | sort | tr '\n' ' ')"
need "configfs after the role has not vf1's VLAN: $(block ansible_configfs | grep vf1 | tr '\n' ' ')" \
	has '\./0000:01:00\.0/vf1/vlan:100 $' \
	"$(block ansible_configfs | grep -E '^\./0000:01:00\.0/vf1/(mac|vlan|status):' | sort | tr '\n' ' ')"
need "VF 1 has not the MAC and VLAN after the role: $(block ansible_link | grep -E '^ *vf 1 ' | tr -s ' ')" \
	has '^ *vf 1 .*link/ether 02:00:00:00:01:01.*vlan 100' "$(block ansible_link)"
end
begin ansible_second_run_unchanged
r2=$(recap 2)
need "second run's recap '$r2', not changed=0 failed=0 (see $work/ansible/run2.log)" \
	has '^ok=[0-9]+ changed=0 unreachable=0 failed=0$' "$r2"
need "the handler ran again" lacks 'RUNNING HANDLER' "$(cat "$work/ansible/run2.log" 2> /dev/null)"
end

timed "the role's checks"

# The role's third run (VF 2 given a MAC, sriov_helper_reboot: true)
# started once the upgrade boot had reported: its handlers rebuilt the
# initramfs images and rebooted the host, which ended that VM
# (-no-reboot). The reboot is a fourth boot of the same image, its kernel
# and the initramfs the handler rebuilt read from the image again (a
# reboot inside QEMU would boot the -initrd file read before the upgrade
# boot), on the same forwarded port: the role's reboot module sees the
# host back and runs sriovctl wait there, then the host reports. What
# the role wrote takes effect at boot: the VFs made in the initramfs from
# its file, VF 1's and VF 2's settings from its vf= lines, read back on
# the host. Then node_exporter's view of the same host.
mgmt_nic
boot_during=ansible_reboot_during
if grep -q '^SRIOVH done' "$work/upgrade/report" 2> /dev/null &&
	boot reboot "$img2" "$k612" reboot sriovh.ssh=1; then
	begin ansible_reboot_applies
	need "booted $(fact kernel), not $k612" eq "$(fact kernel)" "$k612"
	need "the initramfs booted has not the role's file: $(tr '\n' '|' < "$work/reboot/initrd.conf")" \
		eq "$(cat "$work/reboot/initrd.conf")" "$fleet_conf_reboot"
	need "the host's $conf is not the role's: $(block conf | tr '\n' '|')" eq "$(block conf)" "$fleet_conf_reboot"
	need "numvfs $(fact numvfs), not 3" eq "$(fact numvfs)" 3
	need "$(n_igbvf) VFs on igbvf, not 3: $(fact vf_drivers)" eq "$(n_igbvf)" 3
	need "the module's pf parameter is not the role's: $(block param)" has '01:00\.0,vfs=3' "$(block param)"
	need "the module's vf parameter has not VF 1's MAC and VLAN and VF 2's MAC: $(block param_vf)" \
		eq "$(block param_vf)" '0000:01:00.0/1,mac=02:00:00:00:01:01,vlan=100;0000:01:00.0/2,mac=02:00:00:00:01:02'
	enabled=$(ts 'kernel: igb 0000:01:00\.0: sriov_helper: 3 VFs enabled')
	root=$(ts 'systemd\[1\]: ')
	log "ansible_reboot_applies: '3 VFs enabled' at ${enabled:-never}, first systemd[1] line at ${root:-never}"
	need "VFs enabled at ${enabled:-never}, not before the real root's systemd ($root)" before "$enabled" "$root"
	need "VF 1 has not the role's MAC and VLAN after the reboot: $(block link | grep -E '^ *vf 1 ' | tr -s ' ')" \
		has '^ *vf 1 .*link/ether 02:00:00:00:01:01.*vlan 100' "$(block link)"
	need "VF 1's own netdev has $(fact reboot.vf1.mac) after the reboot, not 02:00:00:00:01:01" \
		eq "$(fact reboot.vf1.mac)" 02:00:00:00:01:01
	need "VF 2's own netdev has $(fact reboot.vf2.mac) after the reboot, not 02:00:00:00:01:02" \
		eq "$(fact reboot.vf2.mac)" 02:00:00:00:01:02
	wait_ok
	need "failed units: $(block failed | tr '\n' ' ')" test -z "$(block failed)"
	end

	# The timer's file through Debian's node_exporter (1.5, textfile
	# collector), scraped on the guest's loopback: the values the role's
	# configuration implies.
	begin node_exporter_metrics
	S=$(samples)
	log "node_exporter_metrics: $(block scrape | grep -m1 '^node_exporter_build_info'); the timer's file $(fact metrics.written) s after the VFs settled; $(grep -c '^sriov_helper_' <<< "$S") sriov_helper samples"
	need "node_exporter $(block node_exporter)" eq "$(block node_exporter)" ActiveState=active
	need "sriov-helper-metrics.timer $(block metrics_timer)" eq "$(block metrics_timer)" ActiveState=active
	need "sriov-helper-metrics.service: $(block metrics_service | tr '\n' ' ')" \
		eval 'has "^Result=success$" "$(block metrics_service)" && has "^ExecMainStatus=0$" "$(block metrics_service)"'
	need "the timer wrote no sriov_helper.prom within 60 s (it runs every 15 s)" test "$(fact metrics.written)" -gt 0
	need "the scrape failed (exit $(fact scrape.rc)): $(block scrape | tail -n1)" eq "$(fact scrape.rc)" 0
	need "node_textfile_scrape_error is not 0" sample 'node_textfile_scrape_error 0'
	need "no node_textfile_mtime_seconds for sriov_helper.prom" \
		has '^node_textfile_mtime_seconds\{file="([^"]*/)?sriov_helper\.prom"\} ' "$S"
	need "the scrape's families are not the file's: $(families "$S" | grep '^sriov_helper_' | tr '\n' ' ')" \
		eq "$(families "$S" | grep '^sriov_helper_')" "$(families "$(block prom)")"
	need "no sriov_helper_module_loaded 1" sample 'sriov_helper_module_loaded 1'
	need "no igb PF 01:00.0 in sriov_helper_pf_info: $(grep '^sriov_helper_pf_info' <<< "$S")" \
		has '^sriov_helper_pf_info\{driver="igb",id="8086:10c9",netdev="[^"]+",pf="0000:01:00\.0"\} 1$' "$S"
	need "PF not managed: $(grep '^sriov_helper_pf_managed' <<< "$S")" sample 'sriov_helper_pf_managed{pf="0000:01:00.0"} 1'
	need "VFs requested not 3: $(grep '^sriov_helper_pf_vfs_requested' <<< "$S")" \
		sample 'sriov_helper_pf_vfs_requested{pf="0000:01:00.0"} 3'
	need "VFs enabled not 3: $(grep '^sriov_helper_pf_vfs_enabled' <<< "$S")" \
		sample 'sriov_helper_pf_vfs_enabled{pf="0000:01:00.0"} 3'
	need "PF state not applied: $(grep '^sriov_helper_pf_state.*} 1$' <<< "$S")" \
		sample 'sriov_helper_pf_state{pf="0000:01:00.0",state="applied"} 1'
	vfinfo=$(grep '^sriov_helper_vf_info{' <<< "$S" || true)
	need "not 3 VFs of 01:00.0 on igbvf (vf_driver auto) in sriov_helper_vf_info: $(tr '\n' ' ' <<< "$vfinfo")" \
		eq "$(grep -cE '^sriov_helper_vf_info\{driver="igbvf",index="[012]",mac="[^"]*",netdev="[^"]+",pf="0000:01:00\.0",vf="0000:01:1[01]\.[0-7]",vf_driver="auto"\} 1$' <<< "$vfinfo")" 3
	need "$(grep -c . <<< "$vfinfo") sriov_helper_vf_info samples, not 3" eq "$(grep -c . <<< "$vfinfo")" 3
	# VF 1's address as sysfs has it (virtfn1, the second of vf_drivers).
	vf1=$(fact vf_drivers | cut -d' ' -f2 | cut -d= -f1)
	need "VF 1 is not $vf1 in sriov_helper_vf_info: $(grep 'index="1"' <<< "$vfinfo")" \
		has "^sriov_helper_vf_info\{.*,index=\"1\",.*,vf=\"$(re "$vf1")\"," "$vfinfo"
	vf2=$(fact vf_drivers | cut -d' ' -f3 | cut -d= -f1)
	setinfo=$(grep '^sriov_helper_vf_settings_info{' <<< "$S" | sort || true)
	need "sriov_helper_vf_settings_info is not VF 1's MAC and VLAN and VF 2's MAC alone: $(tr '\n' ' ' <<< "$setinfo")" \
		eq "$setinfo" "sriov_helper_vf_settings_info{mac=\"02:00:00:00:01:01\",pf=\"0000:01:00.0\",trust=\"\",vf=\"$vf1\",vlan=\"100\"} 1
sriov_helper_vf_settings_info{mac=\"02:00:00:00:01:02\",pf=\"0000:01:00.0\",trust=\"\",vf=\"$vf2\",vlan=\"\"} 1"
	end

	# promtool's checks (format and Prometheus' naming conventions) on our
	# families as node_exporter serves them. Only ours: Debian's
	# node_exporter 1.5 page as a whole is not promtool-clean (lint
	# problems in its own families are none of this test's business).
	begin node_exporter_promtool
	ours=$(block scrape | awk '($1 == "#" && $3 ~ /^sriov_helper_/) || /^sriov_helper_/')
	nfam=$(families "$ours" | grep -c . || true)
	ntype=$(grep -c '^# TYPE sriov_helper_[a-z_]* gauge$' <<< "$ours" || true)
	nhelp=$(grep -c '^# HELP sriov_helper_' <<< "$ours" || true)
	prc=0
	pout=$(promtool check metrics <<< "$ours" 2>&1) || prc=$?
	log "node_exporter_promtool: $nfam families, promtool check metrics exit $prc${pout:+: $(tr '\n' '|' <<< "$pout")}"
	need "only $nfam sriov_helper families in the scrape" test "$nfam" -ge 10
	need "$ntype TYPE gauge and $nhelp HELP lines for $nfam families" eval '[ "$ntype" = "$nfam" ] && [ "$nhelp" = "$nfam" ]'
	need "promtool check metrics exit $prc: $(tr '\n' '|' <<< "$pout")" eq "$prc" 0
	need "promtool check metrics says: $(tr '\n' '|' <<< "$pout")" test -z "$pout"
	end
	timed "the reboot's and node_exporter's checks"
fi
# The lock kept for the role's reboot, when that boot did not come.
[ -z "$vm_locked" ] || vm_unlock

# The role's third run, told from its log once it has ended (play3 is
# cleared when the reboot boot saw it end): it is the run that matters
# when the reboot boot fails.
if [ -z "$play3" ] && [ -e "$work/ansible/run3.log" ]; then
	begin ansible_third_run_reboots
	r3=$(recap 3)
	need "third run's recap '$r3', not changed=4 failed=0 (see $work/ansible/run3.log)" \
		has '^ok=[0-9]+ changed=4 unreachable=0 failed=0$' "$r3"
	handlers=$({ grep -o 'RUNNING HANDLER \[sriov_helper : [^]]*\]' "$work/ansible/run3.log" || true; } | tr '\n' '|')
	need "the third run's handlers were '$handlers', not the rebuild, then the reboot" \
		eq "$handlers" 'RUNNING HANDLER [sriov_helper : Rebuild the initramfs images]|RUNNING HANDLER [sriov_helper : Reboot into the configuration]|'
	rh=$({ grep -A1 'RUNNING HANDLER \[sriov_helper : Reboot into the configuration\]' "$work/ansible/run3.log" || true; } | sed -n 2p)
	need "the reboot handler said '$rh', not changed" eq "$rh" 'changed: [sriovh-host]'
	need "the upgrade boot did not end by a reboot: $(grep -m1 -E 'reboot: Restarting|reboot: Power down' "$work/upgrade/console.log" || echo neither)" \
		grep -q 'reboot: Restarting system' "$work/upgrade/console.log"
	end
fi

rm -f "$img2"

# ---- h: purge, in the tree (host 2 as it was installed) -------------------------
begin purge_clean
conf_sum=$(sha256sum < "$tree$conf")
declare -A initrd_before
for f in "$tree"/boot/initrd.img-*; do
	initrd_before[${f##*/}]=$(sha256sum < "$f")
done
chroot_up "$tree"
apt_in "$tree" purge sriov-helper-dkms sriov-helper-utils > "$work/purge.log" 2>&1 ||
	why="apt-get purge failed, see $work/purge.log"
purge_dkms=$(in_chroot "$tree" dkms status 2>&1 || true)
owner=$(in_chroot "$tree" dpkg -S "$conf" 2>&1 || true)
chroot_down
rebuilt=
for f in "$tree"/boot/initrd.img-*; do
	b=${f##*/}
	[ "${initrd_before[$b]}" = "$(sha256sum < "$f")" ] && continue
	rebuilt="$rebuilt ${b#initrd.img-}"
	lsinitramfs "$f" > "$work/purge.lsinitramfs-${b#initrd.img-}" || true
done
log "purge: initramfs images rebuilt by the trigger:${rebuilt:- none}"
left=$(find "$tree/lib/modules" -name 'sriov_helper.ko*')
need "a sriov_helper.ko is left: $(head -n1 <<< "$left")" test -z "$left"
need "dkms status still lists it: $purge_dkms" test -z "$purge_dkms"
need "/var/lib/dkms/sriov_helper is left" test ! -e "$tree/var/lib/dkms/sriov_helper"
need "/usr/src/sriov_helper-* is left" test -z "$(ls -d "$tree"/usr/src/sriov_helper-* 2>/dev/null)"
need "files of ours are left: modules-load.d, hook, dracut module or unit" test -z "$(ls -d \
	"$tree"/usr/lib/modules-load.d/sriov_helper.conf "$tree"/usr/share/initramfs-tools/hooks/sriov* \
	"$tree"/usr/lib/dracut/modules.d/90sriov-helper "$tree"/lib/systemd/system/sriov-helper-wait.service \
	"$tree"/etc/systemd/system/multi-user.target.wants/sriov-helper-wait.service 2>/dev/null)"
need "no initramfs image was rebuilt by the purge" test -n "$rebuilt"
for k in $rebuilt; do
	need "the rebuilt initramfs for $k still has files of ours" \
		lacks 'sriov_helper\.ko|usr/lib/sriov_helper' "$(cat "$work/purge.lsinitramfs-$k")"
done
need "the newest kernel's image ($k612) was not the one rebuilt" eval '[[ " $rebuilt " == *" $k612 "* ]]'
need "the admin's $conf was changed or removed" eq "$conf_sum" "$(sha256sum < "$tree$conf" 2>/dev/null)"
need "a package owns $conf: $owner" has "no path found" "$owner"
end
timed "purge in the chroot"
overlay_down "$tree"
timed "the tree's overlay removed"
log "total $(($(date +%s) - t0)) s"
