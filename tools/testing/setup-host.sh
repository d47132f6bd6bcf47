#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# setup-host.sh [demo]
# Install what the test bed needs from Debian's archive, idempotently.
# QEMU with the igb device and Linux 6.12 come from bookworm-backports;
# the mirror is taken from the machine's own apt sources, never hard-coded.
# With "demo", only what make demo needs: QEMU and Debian's 6.12 image and
# headers from backports, a compiler, and what goes into the VM's
# initramfs (busybox, kmod, iproute2); a few minutes on a fresh machine.
set -euo pipefail

what=${1:-all}

# make demo's share: the module and sriovctl built against Debian's 6.12
# (build-essential, rsync for the build's copy of the tree), the VM's
# initramfs (busybox-static, kmod, cpio, iproute2) and vm.sh's QMP helper
# (python3).
DEMO_PKGS="build-essential rsync kmod cpio busybox-static iproute2 pciutils
python3"
# sriovctl's fleet tests: promtool checks the metrics, node_exporter reads
# them with its textfile collector (the test runs its own on a loopback
# port), python3-jsonschema checks the exported Kubernetes objects against
# the operator's CRD schema, ansible-core runs the role in contrib/ansible.
FLEET_PKGS="prometheus prometheus-node-exporter python3-jsonschema python3-yaml
ansible-core"
PKGS="$DEMO_PKGS bc bison flex libelf-dev libssl-dev xz-utils sparse dkms
linux-source-6.12 clang libclang-rt-14-dev libglib2.0-0 libnuma1 libcap-ng0
libsystemd0 debhelper dh-dkms dpkg-dev fakeroot lintian mmdebstrap e2fsprogs
gpg debian-archive-keyring util-linux gcc-aarch64-linux-gnu man-db
groff-base $FLEET_PKGS"
[ "$what" = demo ] && PKGS=$DEMO_PKGS

# Nothing to do when everything is in place: the packages, a QEMU that has
# the igb device (bookworm's own 7.2 has not), and Debian's 6.1 and 6.12
# kernels with their headers (the demo: 6.12 only).
have_all() {
	local p
	for p in $PKGS; do
		dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "ok installed" || return 1
	done
	qemu-system-x86_64 -device help 2>/dev/null | grep -q '"igb"' || return 1
	ls /lib/modules/6.12.*/build/Makefile /boot/vmlinuz-6.12.* >/dev/null 2>&1 || return 1
	[ "$what" = demo ] && return 0
	ls /lib/modules/6.1.*/build/Makefile /boot/vmlinuz-6.1.* >/dev/null 2>&1 || return 1
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
# The demo runs on 6.12 alone.
k61=
if [ "$what" != demo ]; then
	pkg61=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-6/ { print $2; exit }')
	k61="$pkg61 ${pkg61/linux-image-/linux-headers-}"
fi

# shellcheck disable=SC2086 # lists of names
apt-get install -y -q --no-install-recommends $PKGS $k61
apt-get install -y -q --no-install-recommends -t bookworm-backports \
	qemu-system-x86 linux-image-amd64 linux-headers-amd64

have_all || { echo "setup-host: packages installed but the test bed is incomplete" >&2; exit 1; }
