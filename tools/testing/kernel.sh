#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) the debug test kernel from Debian's linux-source-6.12 with the
# project's config fragment, and print the cache directory that holds it:
#   $dir/build     the O= tree (bzImage, and KDIR for out-of-tree modules)
#   $dir/root      modules_install output
# The cache lives outside the checkout, keyed by the source package version,
# the fragment's hash and RECIPE (bump it when the build steps below change),
# so CI on the same machine reuses it and a fresh machine builds it.
set -euo pipefail

RECIPE=1

here=$(cd "$(dirname "$0")" && pwd)
cache=${SRIOVH_CACHE:-/var/cache/sriov_helper}
frag=$here/config/sriovh-test.config
tarball=/usr/src/linux-source-6.12.tar.xz

[ -f "$tarball" ] || { echo "kernel.sh: $tarball missing (run tools/testing/setup-host.sh)" >&2; exit 1; }
srcver=$(dpkg-query -W -f '${Version}' linux-source-6.12)
key=$( (echo "recipe $RECIPE"; cat "$frag") | sha256sum | cut -c1-12)
dir=$cache/kernel/$srcver-$key
src=$cache/src/linux-source-$srcver

mkdir -p "$cache/kernel" "$cache/src"
exec 9>"$cache/kernel/.lock"
flock 9

if [ -f "$dir/done" ]; then
	echo "$dir"
	exit 0
fi

log() { echo "kernel.sh: $*" >&2; }

if [ ! -f "$src/Makefile" ]; then
	log "extracting $tarball"
	rm -rf "$src.tmp"
	mkdir -p "$src.tmp"
	tar -C "$src.tmp" --strip-components=1 -xf "$tarball"
	mv "$src.tmp" "$src"
fi

rm -rf "$dir"
mkdir -p "$dir/build"
log "configuring in $dir/build"
make -s -C "$src" O="$dir/build" tinyconfig >&2
"$src/scripts/kconfig/merge_config.sh" -m -O "$dir/build" "$dir/build/.config" "$frag" >/dev/null
make -s -C "$src" O="$dir/build" olddefconfig >&2

# merge_config drops unsatisfiable options without failing: refuse that.
missing=0
while read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qx -- "$line" "$dir/build/.config" || { log "not set: $line"; missing=1; }
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		if grep -q "^$opt=" "$dir/build/.config"; then
			log "set but should not be: $opt"
			missing=1
		fi
		;;
	esac
done < "$frag"
[ "$missing" = 0 ] || exit 1

log "building bzImage and modules (about 15-25 minutes on 2 cores)"
make -s -C "$src" O="$dir/build" -j"$(nproc)" bzImage modules >&2
make -s -C "$src" O="$dir/build" INSTALL_MOD_PATH="$dir/root" modules_install >&2
touch "$dir/done"
echo "$dir"
