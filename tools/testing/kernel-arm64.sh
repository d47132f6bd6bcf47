#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare (once) Debian's linux-source-6.12 for cross-building out-of-tree
# modules for arm64, and print the cache directory that holds it:
#   $dir/build     the O= tree, KDIR for "make ARCH=arm64
#                  CROSS_COMPILE=aarch64-linux-gnu- M=..."
# The config is arm64's defconfig with config/sriovh-arm64.config merged on
# top, and the tree gets "make modules_prepare" only: no kernel is built, so
# this takes about a minute and a half on 2 cores, where defconfig's vmlinux
# and its modules would take far longer.
#
# Without a kernel build there is no Module.symvers (the kernel says so:
# Documentation/kbuild/modules.rst, on modules_prepare). It is the list of
# what vmlinux and the in-tree modules export, and modpost needs it to check
# a module's imports (exported at all, GPL-only, namespace) and to record
# their CRCs and the module's dependencies. Against this tree modpost warns
# that it is missing and reports every import as undefined, an error unless
# KBUILD_MODPOST_WARN=1 (Documentation/kbuild/kbuild.rst). So run.sh builds
# with KBUILD_MODPOST_WARN=1 and accepts exactly those lines: the imports
# are checked for real by the x86 builds against complete trees, and the
# rest of modpost (section mismatches, W=1's extra checks) still runs on the
# arm64 objects, where its warnings fail the build like the compiler's.
#
# The cache is keyed like the test kernel's (kernel.sh), by the source
# package version, RECIPE (bump it when the steps below change), the
# fragment, and the cross compiler's version: olddefconfig records what the
# compiler supports (CONFIG_CC_*, CONFIG_GCC_VERSION), and external module
# builds never re-run it.
set -euo pipefail

RECIPE=1

here=$(cd "$(dirname "$0")" && pwd)
cache=${SRIOVH_CACHE:-/var/cache/sriov_helper}
frag=$here/config/sriovh-arm64.config
tarball=/usr/src/linux-source-6.12.tar.xz
cross=aarch64-linux-gnu-

log() { echo "kernel-arm64.sh: $*" >&2; }

[ -f "$tarball" ] || { log "$tarball missing (run tools/testing/setup-host.sh)"; exit 1; }
command -v "${cross}gcc" >/dev/null ||
	{ log "${cross}gcc missing (run tools/testing/setup-host.sh)"; exit 1; }
srcver=$(dpkg-query -W -f '${Version}' linux-source-6.12)
key=$( (echo "recipe $RECIPE"; "${cross}gcc" --version | head -n1; cat "$frag") |
	sha256sum | cut -c1-12)
dir=$cache/kernel-arm64/$srcver-$key
src=$cache/src/linux-source-$srcver

mkdir -p "$cache/kernel" "$cache/kernel-arm64" "$cache/src"
exec 9>"$cache/kernel-arm64/.lock"
flock 9

if [ -f "$dir/done" ]; then
	echo "$dir"
	exit 0
fi

# The extracted source is shared with kernel.sh, which extracts it under
# its own lock: take that lock to extract, never to read. The tree appears
# by rename, complete, and the O= builds leave it untouched.
if [ ! -f "$src/Makefile" ]; then
	exec 8>"$cache/kernel/.lock"
	flock 8
	if [ ! -f "$src/Makefile" ]; then
		log "extracting $tarball"
		rm -rf "$src.tmp"
		mkdir -p "$src.tmp"
		tar -C "$src.tmp" --strip-components=1 -xf "$tarball"
		mv "$src.tmp" "$src"
	fi
	exec 8>&-
fi

kmake() {
	make -s -C "$src" O="$dir/build" ARCH=arm64 CROSS_COMPILE="$cross" "$@" >&2
}

rm -rf "$dir"
mkdir -p "$dir/build"
log "configuring in $dir/build"
kmake defconfig
"$src/scripts/kconfig/merge_config.sh" -m -O "$dir/build" "$dir/build/.config" "$frag" >/dev/null
kmake olddefconfig

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

log "make modules_prepare"
kmake -j"$(nproc)" modules_prepare
touch "$dir/done"
echo "$dir"
