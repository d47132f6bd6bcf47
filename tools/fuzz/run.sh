#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh SECONDS OUTDIR: build the parser fuzzer with Debian's clang
# (libFuzzer, AddressSanitizer, UBSan) and run it for SECONDS from the seeds
# in seeds/ plus the corpus OUTDIR/corpus kept from earlier runs. Prints one
# TAP-style line: executions, corpus size, and crashes (a crash leaves its
# reproducer in OUTDIR and fails the line).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
secs=${1:-600}
out=${2:-$top/out/fuzz}
mkdir -p "$out/corpus"
bin=$out/parse_fuzz

if ! clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Wall -Wextra -Werror -I"$top/include" -I"$top/tools/include" \
	-o "$bin" "$here/parse_fuzz.c" "$top/sriov_helper/parse.c" > "$out/build.log" 2>&1; then
	echo "not ok fuzz/build # see $out/build.log"
	exit 1
fi
echo "ok fuzz/build"

rm -f "$out"/crash-* "$out"/leak-* "$out"/timeout-*
# One job; -max_len covers configfs pages (4 KiB) and long pf= values.
"$bin" -max_total_time="$secs" -max_len=8192 -timeout=10 -print_final_stats=1 \
	-artifact_prefix="$out/" "$out/corpus" "$here/seeds" > "$out/fuzz.log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz.log" | tail -n1)
corpus=$(ls "$out/corpus" | wc -l)
crashes=$(ls "$out"/crash-* "$out"/leak-* "$out"/timeout-* 2>/dev/null | wc -l)
if [ "$rc" = 0 ] && [ "$crashes" = 0 ] && [ -n "$runs" ]; then
	echo "ok fuzz/parser # ${secs}s, $runs executions, corpus $corpus, 0 crashes"
else
	echo "not ok fuzz/parser # exit $rc, $crashes crashes (reproducers in $out), see $out/fuzz.log"
	exit 1
fi
