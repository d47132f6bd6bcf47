#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# style.sh checkpatch|sparse: the kernel's own checkers, from the test
# kernel's source tree (Debian's linux-source-6.12), on the module and the
# KUnit sources. Exits non-zero on any finding.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
kdir=$("$top/tools/testing/kernel.sh") || exit 1
src=$(readlink -f "$kdir/build/source")
files=$(cd "$top" && ls sriov_helper/*.[ch] include/sriov_helper/*.h kunit/*.c | grep -v "\.mod\.c$")

case "${1:-}" in
checkpatch)
	cd "$top" || exit 1
	rc=0
	for f in $files; do
		"$src/scripts/checkpatch.pl" --strict --no-tree --quiet \
			--show-types -f "$f" || rc=1
	done
	[ $rc = 0 ] && echo "checkpatch --strict: clean ($(echo $files | wc -w) files)"
	exit $rc
	;;
sparse)
	b=$top/out/build-sparse
	rsync -a --delete --exclude /out --exclude /.git "$top/" "$b/"
	make -C "$kdir/build" M="$b" C=2 modules > "$b.log" 2>&1 ||
		{ cat "$b.log"; exit 1; }
	if grep -E "^$b/.*(warning|error):" "$b.log"; then
		exit 1
	fi
	echo "sparse C=2: clean"
	;;
*)
	echo "usage: style.sh checkpatch|sparse" >&2
	exit 2
	;;
esac
