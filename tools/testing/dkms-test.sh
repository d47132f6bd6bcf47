#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-test.sh KVER_A KVER_B: in a private DKMS tree, add the module,
# "dkms build" it for kernel A, then "dkms autoinstall" for kernel B (what
# the kernel's postinst hook runs on an upgrade), and check both .ko files
# carry the right vermagic.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
a=$1 b=$2
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
opts=(--dkmstree "$t/dkms" --sourcetree "$t/src" --installtree "$t/install")

mkdir -p "$t/dkms" "$t/src" "$t/install"
rsync -a --exclude /out --exclude /.git --exclude /kunit "$top/" "$t/src/sriov_helper-$ver/"
dkms add -m sriov_helper -v "$ver" "${opts[@]}"
dkms build -m sriov_helper -v "$ver" -k "$a" "${opts[@]}"
dkms autoinstall -k "$b" "${opts[@]}"
dkms status "${opts[@]}"

check() {
	local kver=$1 ko
	ko=$(find "$t/dkms/sriov_helper/$ver/$kver" -name 'sriov_helper.ko*' | head -n1)
	[ -n "$ko" ] || { echo "no module built for $kver"; exit 1; }
	modinfo -F vermagic "$ko" | grep -q "^$kver " ||
		{ echo "wrong vermagic for $kver: $(modinfo -F vermagic "$ko")"; exit 1; }
	echo "built for $kver: $ko"
}
check "$a"
check "$b"
find "$t/install" -name 'sriov_helper.ko*' | grep -q "$b" ||
	{ echo "autoinstall did not install for $b"; exit 1; }
echo "dkms build ($a) and autoinstall ($b): ok"
