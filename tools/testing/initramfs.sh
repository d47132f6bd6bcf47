#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# initramfs.sh KVER MODROOT OUT [KO...]
# Build a gzip cpio with busybox, Debian's kmod, the kernel's own modules
# that the scenarios use (with their dependencies, from MODROOT's
# lib/modules/KVER), the given out-of-tree modules under extra/, and the
# guest scripts, and SRIOVH_OVERLAY's tree if set.
set -euo pipefail

kver=$1 modroot=$2 out=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

mods="igb igbvf nvme pci-stub pci-pf-stub configfs vfio-pci vfio_iommu_type1"

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc/modprobe.d,lib/modules/"$kver"/extra,tests}

cp /bin/busybox "$stage/bin/busybox"
for a in $(/bin/busybox --list); do
	case "$a" in
	modprobe|insmod|rmmod|lsmod|depmod|modinfo|ip|busybox) ;;
	*) ln -sf busybox "$stage/bin/$a" ;;
	esac
done

# Debian's kmod and the libraries it links.
cp /bin/kmod "$stage/bin/kmod"
for a in modprobe insmod rmmod lsmod depmod modinfo; do
	ln -sf kmod "$stage/bin/$a"
	ln -sf ../bin/kmod "$stage/sbin/$a"
done
# Debian's ip (iproute2): busybox's cannot show or set VF MAC/VLAN.
cp /bin/ip "$stage/bin/ip"
for lib in $( (ldd /bin/kmod; ldd /bin/ip) | grep -o '/[^ ]*' | sort -u); do
	mkdir -p "$stage$(dirname "$lib")"
	cp -L "$lib" "$stage$lib"
done

src=$modroot/lib/modules/$kver
dst=$stage/lib/modules/$kver
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -f "$src/$f" ] && cp "$src/$f" "$dst/"
done
for m in $mods; do
	modprobe -d "$modroot" -S "$kver" --show-depends "$m" 2>/dev/null |
		awk '$1 == "insmod" { print $2 }'
done | sort -u | while read -r path; do
	rel=${path#"$modroot"}
	rel=${rel#/}
	mkdir -p "$stage/$(dirname "$rel")"
	cp "$path" "$stage/$rel"
done
for ko in "$@"; do
	cp "$ko" "$dst/extra/"
done
depmod -b "$stage" "$kver"

cp "$here/guest/init" "$stage/init"
cp "$here/guest/lib.sh" "$stage/tests/"
[ -n "${SRIOVH_SCRIPT:-}" ] && cp "$SRIOVH_SCRIPT" "$stage/tests/script.sh"
[ -f "$here/guest/demo.sh" ] && cp "$here/guest/demo.sh" "$stage/tests/"
# sriovctl, built by run.sh; it needs only libc, copied above with kmod's.
[ -x "${SRIOVH_SRIOVCTL:-}" ] && cp "$SRIOVH_SRIOVCTL" "$stage/tests/sriovctl"
[ -x "${SRIOVH_FAILNTH:-}" ] && cp "$SRIOVH_FAILNTH" "$stage/tests/failnth"
[ -x "${SRIOVH_VFIOHOLD:-}" ] && cp "$SRIOVH_VFIOHOLD" "$stage/tests/vfiohold"
cp -r "$here/guest/scenarios" "$stage/tests/"
# A tree laid over the rest: the benchmarks' peers and scripts (run.sh bench).
[ -n "${SRIOVH_OVERLAY:-}" ] && cp -a "$SRIOVH_OVERLAY/." "$stage/"
chmod +x "$stage/init" "$stage/tests/"*.sh 2>/dev/null || true

(cd "$stage" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out"
