#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb-build.sh [OUTDIR]: build the Debian packages (dpkg-buildpackage -us
# -uc -b) in a copy of the tree, so that the checkout stays clean, and copy
# the .debs, .changes and .buildinfo into OUTDIR (default out/deb).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
outdir=${1:-$top/out/deb}
ver=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
up=${ver%-*}
work=$top/out/deb-build
src=$work/sriov-helper-$up

rm -rf "$work" "$outdir"
mkdir -p "$src" "$outdir"
# What git would ship: no build products lying in the tree (.gitignore),
# no out/, no .git.
rsync -a --exclude /out --exclude /.git --filter=':- .gitignore' "$top/" "$src/"
(cd "$src" && dpkg-buildpackage -us -uc -b)
cp "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$outdir/"
ls -l "$outdir"
