#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# peers.sh ROOT
# Put the peers the benchmarks run in the guest under ROOT, as an overlay
# for the initramfs (tools/testing/initramfs.sh SRIOVH_OVERLAY): Debian's
# systemd-udevd with its net_setup_link rules, and Debian's irqbalance,
# each with the shared libraries it links.
#
# The packages are unpacked from the archive (apt-get download) into
# /var/cache/sriov_helper/peers, not installed: installing irqbalance
# would start it on the host. Their libraries come from Debian packages
# that setup-host.sh installs. Idempotent: a version already unpacked is
# reused.
set -euo pipefail

root=$1
cache=/var/cache/sriov_helper/peers
mkdir -p "$cache"

# unpack PKG: print the directory holding the candidate version's files.
unpack() {
	local pkg=$1 ver dir tmp
	ver=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || { echo "peers: no candidate for $pkg in apt's sources" >&2; return 1; }
	dir=$cache/${pkg}_${ver//[:~]/_}
	if [ ! -f "$dir/.done" ]; then
		tmp=$(mktemp -d)
		# apt downloads as _apt, which must be able to write here.
		id _apt > /dev/null 2>&1 && chown _apt "$tmp"
		(cd "$tmp" && apt-get download -q "$pkg=$ver" > /dev/null) ||
			{ echo "peers: apt-get download $pkg=$ver failed" >&2; rm -rf "$tmp"; return 1; }
		rm -rf "$dir"
		mkdir -p "$dir"
		dpkg-deb -x "$tmp"/*.deb "$dir"
		rm -rf "$tmp"
		touch "$dir/.done"
	fi
	echo "$dir"
}

udev=$(unpack udev)
irqb=$(unpack irqbalance)

rm -rf "$root"
mkdir -p "$root"/{bin,usr/sbin,lib/systemd,lib/udev/rules.d,etc/udev/rules.d,etc/systemd/network,run}
cp "$udev/bin/udevadm" "$root/bin/udevadm"
ln -s /bin/udevadm "$root/lib/systemd/systemd-udevd"
# Debian's network device path through udev: names (75), then the
# net_setup_link builtin (80), which sets ID_NET_DRIVER and applies .link
# files, with the default .link as the fallback.
cp "$udev/lib/udev/rules.d/75-net-description.rules" \
   "$udev/lib/udev/rules.d/80-net-setup-link.rules" "$root/lib/udev/rules.d/"
mkdir -p "$root/lib/systemd/network"
cp "$udev/lib/systemd/network/99-default.link" "$root/lib/systemd/network/"
cp "$irqb/usr/sbin/irqbalance" "$root/usr/sbin/irqbalance"

for bin in "$root/bin/udevadm" "$root/usr/sbin/irqbalance"; do
	if ldd "$bin" | grep -q 'not found'; then
		echo "peers: $bin: $(ldd "$bin" | grep 'not found' | head -n1)" >&2
		exit 1
	fi
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done
echo "peers: udev $(basename "$udev"), irqbalance $(basename "$irqb")"
