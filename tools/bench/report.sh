#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# report.sh LOGDIR KVER OUT.md [DOC]
# Turn the "SRIOVH bench ..." lines of the benchmark VMs (LOGDIR/bench-*.tap.log.clean)
# and of the IRQ planner's run on the host (tools/bench/plan_bench, whose
# lines run.sh puts in LOGDIR/bench-plan.tap.log.clean) into Markdown
# tables, with the date, the guest kernel and the QEMU version; with
# DOC (docs/benchmarks.md), also replace the part of it between the lines
# "<!-- bench:begin -->" and "<!-- bench:end -->".
set -euo pipefail

logs=$1 kver=$2 out=$3 doc=${4:-}
qemu=$(qemu-system-x86_64 --version | sed -n '1s/^QEMU emulator version //p')
host_cpus=$(nproc)
# The planner's table is in absolute times on the host: say on what.
host_model=$(sed -n '/^model name/{s/^model name[[:space:]]*: //p;q}' /proc/cpuinfo)
host_gcc=$(gcc -dumpfullversion 2>/dev/null || echo unknown)

cat "$logs"/bench-*.tap.log.clean 2>/dev/null | sed -n 's/^SRIOVH bench //p' > "$out.raw"
# The benchmarks of this run (SRIOVH_BENCH may pick some): a section of
# one that did not run is carried over from DOC, with its date.
ran=" "
for f in "$logs"/bench-*.tap.log.clean; do
	[ -e "$f" ] || continue
	f=${f##*/bench-}
	ran="$ran${f%.tap.log.clean} "
done

awk -v date="$(date -u +%Y-%m-%d)" -v kver="$kver" -v qemu="$qemu" -v cpus="$host_cpus" \
	-v model="${host_model:-unknown CPU}" -v gccv="$host_gcc" -v ran="$ran" '
function ratio(a, b) { return (b <= 0) ? "-" : (a / b >= 0.1) ? sprintf("%.2fx", a / b) : sprintf("%.4fx", a / b) }
function ms(s) { return sprintf("%.1f ms", s * 1000) }
function us(s) { return sprintf("%.1f us", s * 1e6) }
$1 == "bind_median" { bindr[$2] = $3; binde[$2] = $4; bind[$2] = $5; bindn[$2] = $6 }
$1 == "irq" { irq[$2, $3] = ($4 == "-") ? "no such control" : sprintf("%s (%s)", $4, $5); out[$2, $3] = $6 }
$1 == "apply_median" { apply[$2] = $3 }
$1 == "inventory" { inv[$2] = $3; walk[$2] = $4; invn[++ni] = $2 }
$1 == "memory" { msize = $2; mvfs = $3 }
$1 == "memory_round" { nmr++; msh[nmr] = $3; mmod[nmr] = $4 }
$1 == "notifier_median" { notif[$2] = $3 }
$1 == "plan" { for (i = 3; i <= NF; i++) { split($i, kv, "="); plan[$2, kv[1]] = kv[2] } }
$1 == "vfmac_median" { vm[$2, $3] = $4; vmr[$2, $3] = $5; vmx[$2, $3] = $6; vmn[$2, $3] = $7; vmd = $8 }
# A run that never had every VF with its MAC: how many had it, its lines.
$1 == "vfmac_fail" { vf[$2, $3]++; vfw[$2, $3] = $5; vfr[$2, $3] += $6; vfx[$2, $3] += $7 }
# A benchmark that did not run: a line report.sh replaces with the
# section of the last run that had it.
function carry(sec, what) { if (index(ran, " " what " ")) return 0; printf "@@carry %d@@\n", sec; return 1 }
END {
	printf "Measured by `make bench` on %s: Debian kernel %s in QEMU %s (TCG, %d host cores). Under emulation only ratios between methods in the same VM run mean anything.\n\n", date, kver, qemu, cpus
	if (!carry(1, "bind")) bind_table()
	if (!carry(2, "irq")) irq_table()
	if (!carry(3, "scale")) scale_table()
	if (!carry(4, "plan")) plan_table()
	if (!carry(5, "vfmac")) vfmac_table()
}
function vfmac_table(   m, i, c, cs, cn, line) {
	printf "**5. From the PF'"'"'s bind to 7 VFs with their configured MAC** on their own netdev (igb/igbvf, 2 vCPUs; medians over the runs, methods taking turns; tools/bench/guest/vfmac.sh). From a /dev/kmsg marker to the kernel'"'"'s stamp on the last VF'"'"'s \"Address: <its MAC>\" line, once /sys/class/net/<VF>/address shows every VF'"'"'s MAC. *Boot*: the PF'"'"'s interface down at the bind and brought up %s s after it, by a job of its own; the marker is before the bind; the shells start when the bind returns and, once the PF is up, reload the VFs that lack their MAC. *Run time*: the PF bound and up first; the marker is before the method'"'"'s first command. *Mailbox lines*: igbvf'"'"'s \"PF still in reset state\" (a mailbox timeout) / \"Assigning random MAC address\" (also printed, with no timeout, when a VF probes before its MAC is set), summed over the runs.\n\n", (vmd != "") ? vmd : "2"
	print "| method | boot | vs the parallel shell | mailbox lines | run time | vs the parallel shell | mailbox lines |"
	print "|---|---|---|---|---|---|---|"
	split("sriov_helper serial parallel", m, " ")
	split("boot runtime", cs, " ")
	cn["sriov_helper"] = "sriov_helper, pf= and vf=N,mac= at modprobe"
	cn["serial"] = "serial shell: sriov_numvfs, ip link set vf mac, reload each VF (floor)"
	cn["parallel"] = "parallel shell: autoprobe off, sriov_numvfs, ip link set vf mac, autoprobe on, drivers_probe all at once"
	for (i = 1; i <= 3; i++) {
		line = "| " cn[m[i]]
		for (c = 1; c <= 2; c++) {
			if ((m[i], cs[c]) in vm)
				line = line sprintf(" | %.2f s | %s | %d / %d in %d run%s", vm[m[i], cs[c]], ((("parallel", cs[c]) in vm) ? ratio(vm[m[i], cs[c]], vm["parallel", cs[c]]) : "-"), vmr[m[i], cs[c]], vmx[m[i], cs[c]], vmn[m[i], cs[c]], (vmn[m[i], cs[c]] == 1) ? "" : "s")
			else if ((m[i], cs[c]) in vf)
				line = line sprintf(" | not reached: %d of 7 VFs with their MAC after 90 s | - | %d / %d in %d run%s", vfw[m[i], cs[c]], vfr[m[i], cs[c]], vfx[m[i], cs[c]], vf[m[i], cs[c]], (vf[m[i], cs[c]] == 1) ? "" : "s")
			else
				line = line " | FAILED | - | -"
		}
		print line " |"
	}
	print ""
}
function bind_table(   m, name, i) {
	print "**1. From the PF driver bind to the VFs** (igb/igbvf, 2 vCPUs; median of 6 runs, methods taking turns). From kernel log stamps: *reaction* is from the end of igb'"'"'s probe (its \"Using MSI-X interrupts\" line) to its \"7 VFs allocated\" (the enable starts); *enable* and *last VF* are from a /dev/kmsg marker written before the bind to that line and to the last igbvf probe message. In every run the PF'"'"'s interface is brought up right after the bind returns (as a host'"'"'s network configuration brings a PF up when it appears); the floor writes sriov_numvfs after that.\n"
	print "| method | reaction | vs the floor | enable | last VF probed | vs the floor |"
	print "|---|---|---|---|---|---|"
	split("floor udev_rule link_file sriov_helper", m, " ")
	name["floor"] = "shell writes sriov_numvfs right after the bind (floor)"
	name["udev_rule"] = "udev rule (the seed'"'"'s, under systemd-udevd 252)"
	name["link_file"] = "systemd .link file, SR-IOVVirtualFunctions=7"
	name["sriov_helper"] = "sriov_helper, pf=01:00.0,vfs=7"
	for (i = 1; i <= 4; i++) {
		if (m[i] in bind)
			printf "| %s | %s | %s | %.3f s | %.2f s | %s |\n", name[m[i]], ms(bindr[m[i]]), ratio(bindr[m[i]], bindr["floor"]), binde[m[i]], bind[m[i]], ratio(bind[m[i]], bind["floor"])
		else
			printf "| %s | FAILED | - | FAILED | FAILED | - |\n", name[m[i]]
	}
	print ""
}
function irq_table(   q, qn, i, c) {
	print "**2. VF IRQ placement**: 7 igb VFs up, 21 vectors, 4 vCPUs in 2 NUMA nodes (the PF has no node). Vectors per CPU (max - min); for c) the set is CPUs 1-2, and the count outside it follows.\n"
	print "| method | a) after the VFs come up | b) after CPU 2 offline and back | c) CPU set 1-2 |"
	print "|---|---|---|---|"
	split("default irqbalance_oneshot irqbalance_daemon sriov_helper", q, " ")
	qn["default"] = "kernel default"; qn["irqbalance_oneshot"] = "irqbalance --oneshot (1.9.2)"
	qn["irqbalance_daemon"] = "irqbalance daemon (25 s per step)"; qn["sriov_helper"] = "sriov_helper"
	for (i = 1; i <= 4; i++) {
		c = ((q[i], "c") in irq) ? irq[q[i], "c"] : "FAILED"
		if (((q[i], "c") in out) && out[q[i], "c"] != "-") c = c ", " out[q[i], "c"] " outside"
		printf "| %s | %s | %s | %s |\n", qn[q[i]], ((q[i], "a") in irq) ? irq[q[i], "a"] : "FAILED", ((q[i], "b") in irq) ? irq[q[i], "b"] : "FAILED", c
	}
	print "\nirqbalance bans CPUs for every IRQ of the machine (IRQBALANCE_BANNED_CPULIST=0,3); sriov_helper'"'"'s set is per PF (irq_cpus=1-2).\n"
}
function scale_table(   fl, am, an, i, n, slope, rounds, dsum, noise) {
	print "**3. Scale**: 4 NVMe PFs x 127 VFs (508 VFs, pci=realloc, VF autoprobe off), 2 vCPUs; medians of 3 runs.\n"
	print "| what | sriov_helper | peer | ratio |"
	print "|---|---|---|---|"
	fl = ("floor" in apply) ? sprintf("%.2f s", apply["floor"]) : "FAILED"
	split("param configfs", am, " ")
	an["param"] = "pf= at modprobe"; an["configfs"] = "four configfs entries"
	for (i = 1; i <= 2; i++)
		printf "| create all 508 VFs, %s | %s | shell writing sriov_numvfs: %s | %s |\n", an[am[i]], (am[i] in apply) ? sprintf("%.2f s", apply[am[i]]) : "FAILED", fl, ((am[i] in apply) && fl != "FAILED") ? ratio(apply[am[i]], apply["floor"]) : "-"
	for (i = 1; i <= ni; i++) {
		n = invn[i]
		# Small reads are mostly the start of cat itself: the slope only
		# from the smallest to the largest count.
		slope = (i == ni && i > 1) ? sprintf(", %s per VF more than at %d", us((inv[n] - inv[invn[1]]) / (n - invn[1])), invn[1]) : ""
		printf "| read the inventory (cat), %d VFs | %s%s | sysfs walk (busybox sh), same facts: %s | %s |\n", n, ms(inv[n]), slope, ms(walk[n]), ratio(inv[n], walk[n])
	}
	if (ni == 0) print "| read the inventory | FAILED | | |"
	if (("with" in notif) && ("without" in notif))
		printf "| bind + unbind 508 VFs of PFs it does not manage (pci-stub) | module loaded: %.2f s | not loaded: %.2f s | %s |\n", notif["with"], notif["without"], ratio(notif["with"], notif["without"])
	else
		print "| bind + unbind 508 VFs of PFs it does not manage (pci-stub) | FAILED | FAILED | - |"
	if (msize != "" && nmr > 0) {
		rounds = ""; dsum = 0
		for (i = 1; i <= nmr; i++) {
			rounds = rounds sprintf("%s%d KiB vs %d KiB", (i > 1) ? "; " : "", msh[i] / 1024, mmod[i] / 1024)
			dsum += mmod[i] - msh[i]
		}
		noise = (nmr > 1) ? sprintf("; the shell'"'"'s own rounds differ by %.0f B per VF", (msh[1] > msh[2] ? msh[1] - msh[2] : msh[2] - msh[1]) / mvfs) : ""
		printf "| memory | module %d KiB (/proc/modules) | slab growth for %d VFs, shell vs module, per round: %s | %+.0f B per VF (mean%s) |\n", msize / 1024, mvfs, rounds, dsum / nmr / mvfs, noise
	} else {
		print "| memory | FAILED | | |"
	}
	print ""
}
function plan_table(   runs, pn, pd, i, t) {
	runs = ("first_508", "runs") in plan ? plan["first_508", "runs"] + 0 : 101
	printf "**4. IRQ planner, 508 VFs**: sriov_helper/place.c alone (tools/bench/plan_bench.c), built with gcc %s -O2 and run on the host (%s), not in QEMU: the planner is pure logic, and the module runs it with no lock held (no RTNL, no CPU hotplug lock), so its cost is this CPU time alone. 1524 vectors (4 PFs x 127 VFs x 3), 64 CPUs in two nodes; PF 0-1 may use CPUs 0-31, PF 2-3 CPUs 32-63. Median of %d runs; each plan is checked first (the loads over each PF'"'"'s CPUs within one where its set allows it, no needless move), and a broken one fails the run. Absolute times, with no ratio: no peer plans placements per PF like this (irqbalance places by interrupt load, machine-wide).\n\n", gccv, model, runs
	print "| pass | vectors moved | planner time |"
	print "|---|---|---|"
	split("first_508 steady_508 hotplug_508 overlap_508", pn, " ")
	pd["first_508"] = "first placement: all 1524 vectors start on CPU 0"
	pd["steady_508"] = "steady state: all where the first placement put them (a carrier change, a VF bind)"
	pd["hotplug_508"] = "CPU 5 offline: gone from PF 0-1'"'"'s set"
	pd["overlap_508"] = "overlapping sets: from the steady state, PF 0 may use CPUs 0-63, PF 1 only 2-3"
	for (i = 1; i <= 4; i++) {
		if (!((pn[i], "median_us") in plan)) {
			printf "| %s | FAILED | FAILED |\n", pd[pn[i]]
			continue
		}
		t = plan[pn[i], "median_us"]
		printf "| %s | %d | %s |\n", pd[pn[i]], plan[pn[i], "moves"], (t >= 100) ? sprintf("%.0f us", t) : sprintf("%.1f us", t)
	}
	print ""
}' "$out.raw" > "$out.new"

# Carried sections: from DOC's table, each "**N. " paragraph up to the
# next one, its date from the table's first line or its own carry note
# (at the section's end).
awk -v doc="$doc" '
	function flush() {
		sub(/\n+$/, "\n", text)
		if (cur != "") { body[cur] = text; when[cur] = (cd != "") ? cd : date }
		cur = ""; text = ""; cd = ""
	}
	BEGIN {
		while (doc != "" && (getline l < doc) > 0) {
			if (l == "<!-- bench:begin -->") { on = 1; continue }
			if (l == "<!-- bench:end -->") { on = 0; continue }
			if (!on) continue
			if (l ~ /^Measured by `make bench` on /) { date = l; sub(/^Measured by `make bench` on /, "", date); sub(/:.*/, "", date); continue }
			if (l ~ /^\*\*[0-9]+\.\*\* Not run/) { flush(); continue }
			if (l ~ /^\*\*[0-9]+\. /) { flush(); cur = l; sub(/^\*\*/, "", cur); sub(/\..*/, "", cur) }
			if (l ~ /^\(Not run in this `make bench`: the figures of /) { cd = l; sub(/^\(Not run in this `make bench`: the figures of /, "", cd); sub(/[ ,.].*/, "", cd); continue }
			if (cur != "") text = text l "\n"
		}
		flush()
	}
	/^@@carry [0-9]+@@$/ {
		n = $2; sub(/@@$/, "", n)
		if (n in body) {
			printf "%s\n(Not run in this `make bench`: the figures of %s, the last run that had them.)\n\n", body[n], when[n]
		} else
			printf "**%d.** Not run in this `make bench` (SRIOVH_BENCH).\n\n", n
		next
	}
	{ print }' "$out.new" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' > "$out"
rm -f "$out.new"

if [ -n "$doc" ]; then
	awk -v f="$out" '
		/^<!-- bench:begin -->$/ { print; while ((getline l < f) > 0) print l; skip = 1; next }
		/^<!-- bench:end -->$/ { skip = 0 }
		!skip' "$doc" > "$doc.new"
	grep -q '^<!-- bench:begin -->$' "$doc.new" || { rm -f "$doc.new"; echo "report: no bench markers in $doc" >&2; exit 1; }
	mv "$doc.new" "$doc"
fi
