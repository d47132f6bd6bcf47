#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-test.sh KVER_A KVER_B: in a private DKMS tree, add the module,
# "dkms build" it for kernel A, then "dkms autoinstall" for A and for B (what
# the kernel's postinst hook runs on an upgrade: B is the new kernel), and
# check that both modules carry the right vermagic and were installed.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
a=$1 b=$2
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
opts=(--dkmstree "$t/dkms" --sourcetree "$t/src" --installtree "$t/install")

# The install tree stands for /lib/modules: one directory per kernel.
mkdir -p "$t/dkms" "$t/src" "$t/install/$a" "$t/install/$b"
rsync -a --exclude /out --exclude /.git --exclude /kunit "$top/" "$t/src/sriov_helper-$ver/"
dkms add -m sriov_helper -v "$ver" "${opts[@]}"
dkms build -m sriov_helper -v "$ver" -k "$a" "${opts[@]}"
dkms autoinstall -k "$a" "${opts[@]}"
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
for k in "$a" "$b"; do
	find "$t/install/$k" -name 'sriov_helper.ko*' | grep -q . ||
		{ echo "autoinstall did not install for $k"; exit 1; }
done
echo "dkms build ($a), autoinstall ($a, $b): ok"
