#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what the test bed needs from Debian's archive, idempotently.
# QEMU with the igb device and Linux 6.12 come from bookworm-backports;
# the mirror is taken from the machine's own apt sources, never hard-coded.
set -euo pipefail

PKGS="build-essential bc bison flex libelf-dev libssl-dev kmod cpio xz-utils
busybox-static sparse dkms rsync python3 pciutils iproute2 linux-source-6.12
clang libclang-rt-14-dev libglib2.0-0 libnuma1 libcap-ng0 libsystemd0
debhelper dh-dkms dpkg-dev fakeroot lintian mmdebstrap e2fsprogs gpg
debian-archive-keyring util-linux gcc-aarch64-linux-gnu"

# Nothing to do when everything is in place: the packages, a QEMU that has
# the igb device (bookworm's own 7.2 has not), and Debian's 6.1 and 6.12
# kernels with their headers.
have_all() {
	local p
	for p in $PKGS; do
		dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "ok installed" || return 1
	done
	qemu-system-x86_64 -device help 2>/dev/null | grep -q '"igb"' || return 1
	ls /lib/modules/6.1.*/build/Makefile /lib/modules/6.12.*/build/Makefile >/dev/null 2>&1 || return 1
	ls /boot/vmlinuz-6.1.* /boot/vmlinuz-6.12.* >/dev/null 2>&1 || return 1
}
if have_all; then
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "setup-host: must run as root (apt-get)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive

. "$(dirname "$0")/mirror.sh"
uri=$(suite_uri bookworm)
if [ -z "$uri" ]; then
	echo "setup-host: no bookworm entry found in apt sources" >&2
	exit 1
fi

bp=/etc/apt/sources.list.d/sriov-helper-backports.sources
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	backports_sources "$uri" > "$bp"
fi
apt-get update -q

# The 6.1 image and headers: whatever bookworm's own meta package points at.
# Backports is pinned below the release, so the candidate is bookworm's 6.1.
pkg61=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-6/ { print $2; exit }')
hdr61=${pkg61/linux-image-/linux-headers-}

# shellcheck disable=SC2086 # a list of names
apt-get install -y -q --no-install-recommends $PKGS "$pkg61" "$hdr61"
apt-get install -y -q --no-install-recommends -t bookworm-backports \
	qemu-system-x86 linux-image-amd64 linux-headers-amd64

have_all || { echo "setup-host: packages installed but the test bed is incomplete" >&2; exit 1; }
