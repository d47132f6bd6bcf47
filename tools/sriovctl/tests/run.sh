#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sriovctl against fixture trees (--root), no kernel needed. Prints one
# "ok NAME" or "not ok NAME # why" line per test, nothing else.
#
# A fixture tree stands for one host: its proc/sys/kernel/osrelease names
# the kernel (what sriovctl looks for under lib/modules and boot), so no
# result depends on the machine the tests run on. SRIOVCTL_LSINITRAMFS and
# SRIOVCTL_MODINFO stand in for lsinitramfs and modinfo.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
bin=${SRIOVCTL:-$here/../sriovctl}
fixtures=$here/fixtures
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# Nothing of the host: no initramfs lister, no modinfo unless a test says.
export SRIOVCTL_LSINITRAMFS=
export SRIOVCTL_MODINFO=false
export LC_ALL=C

REL=6.1.0-sriovh-test
VKEYS="mac vlan qos vlan_proto spoofchk trust link_state query_rss min_tx_rate max_tx_rate node_guid port_guid vf_driver msix"
USAGE=$("$bin" --help)

ok() { echo "ok sriovctl/$1"; }
bad() { echo "not ok sriovctl/$1 # $2"; }

# check NAME EXPECTED_RC EXPECTED_OUTPUT CMD...: stdout+stderr and rc exact.
check() {
	local name=$1 want_rc=$2 want=$3 out rc
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" != "$want_rc" ]; then
		bad "$name" "exit $rc, want $want_rc: $(echo "$out" | head -n1)"
	elif [ "$out" != "$want" ]; then
		bad "$name" "output differs: $(diff <(echo "$want") <(echo "$out") | sed -n 2,3p | tr '\n' ' ')"
	else
		ok "$name"
	fi
}

# check_true NAME WHY CMD...: CMD succeeds.
check_true() {
	local name=$1 why=$2
	shift 2
	if "$@"; then ok "$name"; else bad "$name" "$why"; fi
}

# The content of FILE without its final newline, by builtins (forks are
# what makes a test slow).
content() {
	local v=
	IFS= read -r -d '' v < "$1"
	printf '%s' "${v%%$'\n'}"
}

# Each file as NAME=CONTENT, or NAME absent.
files() {
	local f
	for f; do
		if [ -f "$f" ]; then
			printf '%s=%s\n' "${f##*/}" "$(content "$f")"
		else
			printf '%s absent\n' "${f##*/}"
		fi
	done
}

# Every file under DIR with its content: what a test may not change.
snapshot() {
	local f v
	(cd "$1" && find . | LC_ALL=C sort) | while read -r f; do
		if [ -f "$1/$f" ]; then
			v=
			IFS= read -r -d '' v < "$1/$f"
			printf '%s=%s\n' "$f" "$v"
		else
			echo "$f/"
		fi
	done
}

# mkentry DIR VFS ON_BUS_RANGE IRQ IRQ_CPUS VF_DRIVER VF_BIND STATUS: an entry as
# configfs shows one (an empty value is an empty line).
mkentry() {
	local d=$1
	mkdir -p "$d"
	printf '%s\n' "$2" > "$d/vfs"
	printf '%s\n' "$3" > "$d/on_bus_range"
	printf '%s\n' "$4" > "$d/irq"
	printf '%s\n' "$5" > "$d/irq_cpus"
	printf '%s\n' "$6" > "$d/vf_driver"
	printf '%s\n' "$7" > "$d/vf_bind"
	printf '%s\n' "$8" > "$d/status"
}

# mkset DIR STATUS [KEY=VALUE...]: a vfN or vfN-M set, every key's file
# there, empty when unset.
mkset() {
	local d=$1 status=$2 k kv
	shift 2
	mkdir -p "$d"
	for k in $VKEYS; do printf '\n' > "$d/$k"; done
	for kv; do printf '%s\n' "${kv#*=}" > "$d/${kv%%=*}"; done
	printf '%s\n' "$status" > "$d/status"
}

# mkroot DIR: a host with the module loaded, empty parameters, configfs
# and debugfs mounted.
mkroot() {
	rm -rf "$1"
	mkdir -p "$1/proc/sys/kernel" "$1/sys/module/sriov_helper/parameters" \
		"$1/sys/kernel/config/sriov_helper" "$1/sys/kernel/debug/sriov_helper"
	echo "$REL" > "$1/proc/sys/kernel/osrelease"
	printf '\n' > "$1/sys/module/sriov_helper/parameters/pf"
	printf '\n' > "$1/sys/module/sriov_helper/parameters/vf"
}

R=$T/r
c=$R/sys/kernel/config/sriov_helper
inv=$R/sys/kernel/debug/sriov_helper/inventory

fixture() {
	mkroot "$R"
	mkentry "$c/0000:01:00.0" 7 clamp spread 0-1,4 vfio-pci parallel \
		'applied 3 (asked 7): bus range: 7 VFs need bus 02, window [bus 01]; 3 fit'
	mkset "$c/0000:01:00.0/vf10" 'waiting: VF 10 does not exist (3 VFs)' \
		mac=02:00:00:00:00:10 vlan=100 qos=3 vlan_proto=802.1ad spoofchk=off
	mkset "$c/0000:01:00.0/vf7" applied trust=on
	mkset "$c/0000:01:00.0/vf4-6" 'failed: link_state
vf_driver: applied
link_state: igb has no VF link state control (-95) on 3 of 3 VFs, first VF 4
query_rss: applied
min_tx_rate: applied
max_tx_rate: applied' vf_driver=igbvf link_state=disable query_rss=on min_tx_rate=10 max_tx_rate=100
	mkentry "$c/8086:10c9" 4 fail off '' none serial '0000:03:00.0 applied 4
0000:04:00.0 pending: no driver bound'
	mkentry "$c/02:00.0" '' clamp spread '' auto parallel unset
	cat > "$inv" <<'INV'
# sriov_helper inventory v4
pf 0000:01:00.0 id=8086:10c9 driver=igb numa=0 totalvfs=7 numvfs=3 offset=0x180 stride=4 ari=off bus_window=01-01 iov_bars=assigned iommu=yes managed=yes requested=7 source=configfs policy=clamp state=applied enabled=3 err=0 fit=3 cause=bus_range irq=spread irq_cpus=0-1,4 netdev=enp1s0f0 vf_bind=serial reason=bus range: 7 VFs need bus 02, window [bus 01]; 3 fit
vf 0000:01:10.0 pf=0000:01:00.0 index=0 id=8086:10ca driver=vfio-pci netdev=- irqs=30:unrequested iommu_group=12 group_alone=yes vf_driver=vfio-pci settings=unset in_use=yes
vf 0000:01:10.4 pf=0000:01:00.0 index=1 id=8086:10ca driver=igbvf netdev=eth1 irqs=31:0;32:1>4;33:managed;34:nobalancing iommu_group=13 group_alone=no vf_driver=igbvf settings=failed in_use=no
vf 0000:01:11.0 pf=0000:01:00.0 index=2 id=8086:10ca driver=- netdev=- irqs=- iommu_group=- group_alone=- vf_driver=none settings=pending in_use=no
pf 0000:02:00.0 id=1b36:0010 driver=nvme numa=-1 totalvfs=127 numvfs=0 offset=0x1 stride=1 ari=off bus_window=02-02 iov_bars=unassigned iommu=no managed=no requested=- source=- policy=- state=unmanaged enabled=- err=0 fit=- cause=- irq=- irq_cpus=- netdev=- vf_bind=- reason=
INV
	mkdir -p "$R/sys/class/net/eth1"
	echo 5a:da:12:08:ab:52 > "$R/sys/class/net/eth1/address"
}

fixture

# ---- options -------------------------------------------------------------

check version 0 "sriovctl $(cat "$top/VERSION")" "$bin" --version
check version-write-error 1 "sriovctl: writing the output: No space left on device" \
	sh -c "'$bin' --version > /dev/full"
check list-write-error 1 "sriovctl: writing the output: No space left on device" \
	sh -c "'$bin' --root '$R' list > /dev/full"
check version-after-command 0 "sriovctl $(cat "$top/VERSION")" "$bin" list --version
want=$("$bin" --root "$R" --json show)
check options-after-command 0 "$want" "$bin" show --json --root "$R"
check option-equals 0 "$("$bin" --root "$R" list)" "$bin" list --root="$R"
check options-between-args 0 "$("$bin" --root "$R" --json show 02:00.0)" \
	"$bin" show --root "$R" 02:00.0 --json
# After "--" every word is positional: a PF, not the option.
check dashdash 2 "sriovctl: invalid PF '--json': expected [DOMAIN:]BB:DD.F or VVVV:DDDD (hex)" \
	"$bin" --root "$R" show -- --json
check dashdash-pf 0 "$("$bin" --root "$R" show 02:00.0)" "$bin" --root "$R" show -- 02:00.0
check lone-dash 2 "sriovctl: invalid PF '-': expected [DOMAIN:]BB:DD.F or VVVV:DDDD (hex)" \
	"$bin" --root "$R" show -
check option-unknown 2 "sriovctl: unknown option '--frob'
$USAGE" "$bin" --root "$R" list --frob
check option-no-value 2 "sriovctl: option '--root' needs a value
$USAGE" "$bin" list --root
check json-not-for-set 2 "sriovctl: --json applies to list, show and dump, not set
$USAGE" "$bin" --root "$R" set 06:00.0 vfs=1 --json
check timeout-not-for-list 2 "sriovctl: --timeout applies to wait, not list
$USAGE" "$bin" --root "$R" list --timeout 1
check timeout-bad 2 "sriovctl: invalid --timeout '1e3': seconds, as 30 or 0.5" \
	"$bin" --root "$R" wait --timeout 1e3
check wrong-args 2 "sriovctl: wrong arguments for list; usage: sriovctl list" \
	"$bin" --root "$R" list 01:00.0
check no-command 2 "$USAGE" "$bin" --root "$R"
check usage 2 "sriovctl: unknown command 'frobnicate'
$USAGE" "$bin" frobnicate
check help 0 "$USAGE" "$bin" --help
check help-after-command 0 "$USAGE" "$bin" vf -h

# ---- list, show, dump ------------------------------------------------------

check list 0 "$(cat <<'EOF'
ENTRY          VFS    ON_BUS_RANGE  IRQ     IRQ_CPUS  VF_DRIVER  VF_BIND  STATUS
0000:01:00.0   7      clamp         spread  0-1,4     vfio-pci   parallel applied 3 (asked 7): bus range: 7 VFs need bus 02, window [bus 01]; 3 fit
  vf4-6  link_state=disable query_rss=on min_tx_rate=10 max_tx_rate=100 vf_driver=igbvf  failed: link_state
      vf_driver: applied
      link_state: igb has no VF link state control (-95) on 3 of 3 VFs, first VF 4
      query_rss: applied
      min_tx_rate: applied
      max_tx_rate: applied
  vf7  trust=on  applied
  vf10  mac=02:00:00:00:00:10 vlan=100 qos=3 vlan_proto=802.1ad spoofchk=off  waiting: VF 10 does not exist (3 VFs)
02:00.0        -      clamp         spread  default   auto       parallel unset
8086:10c9      4      fail          off     default   none       serial   0000:03:00.0 applied 4
                                                                          0000:04:00.0 pending: no driver bound
EOF
)" "$bin" --root "$R" list

# Every key of a set, null when unset; numbers for vlan, qos, the rates and
# msix.
nulls() {
	local k s=""
	for k in $VKEYS; do s+=",\"$k\":null"; done
	echo "$s"
}
set_json() {
	local s k v
	s="{\"vfs\":\"$1\",\"first\":$2,\"last\":$3$(nulls)"
	shift 3
	while [ $# -gt 1 ]; do
		k=${1%%=*} v=${1#*=}
		s=${s/\"$k\":null/\"$k\":$v}
		shift
	done
	echo "$s,\"status\":$1}"
}
check list-json 0 "[{\"entry\":\"0000:01:00.0\",\"vfs\":7,\"on_bus_range\":\"clamp\",\"irq\":\"spread\",\"irq_cpus\":\"0-1,4\",\"vf_driver\":\"vfio-pci\",\"vf_bind\":\"parallel\",\"status\":\"applied 3 (asked 7): bus range: 7 VFs need bus 02, window [bus 01]; 3 fit\",\"vf\":[$(set_json 4-6 4 6 link_state='"disable"' query_rss='"on"' min_tx_rate=10 max_tx_rate=100 vf_driver='"igbvf"' '"failed: link_state\nvf_driver: applied\nlink_state: igb has no VF link state control (-95) on 3 of 3 VFs, first VF 4\nquery_rss: applied\nmin_tx_rate: applied\nmax_tx_rate: applied"'),$(set_json 7 7 7 trust='"on"' '"applied"'),$(set_json 10 10 10 mac='"02:00:00:00:00:10"' vlan=100 qos=3 vlan_proto='"802.1ad"' spoofchk='"off"' '"waiting: VF 10 does not exist (3 VFs)"')]},{\"entry\":\"02:00.0\",\"vfs\":null,\"on_bus_range\":\"clamp\",\"irq\":\"spread\",\"irq_cpus\":null,\"vf_driver\":\"auto\",\"vf_bind\":\"parallel\",\"status\":\"unset\",\"vf\":[]},{\"entry\":\"8086:10c9\",\"vfs\":4,\"on_bus_range\":\"fail\",\"irq\":\"off\",\"irq_cpus\":null,\"vf_driver\":\"none\",\"vf_bind\":\"serial\",\"status\":\"0000:03:00.0 applied 4\n0000:04:00.0 pending: no driver bound\",\"vf\":[]}]" \
	"$bin" --root "$R" --json list

# Inventory v3: the PF's netdev; each VF's driver choice, whether it is in
# use, the state of its per-VF settings. v4: the PF's vf_bind.
SHOW_VFS="$(cat <<'EOF'
  vf 0000:01:10.0  index 0    vfio-pci -        group 12 vf_driver vfio-pci (in use) settings unset irqs 30:unrequested
  vf 0000:01:10.4  index 1    igbvf    eth1     group 13 (shared) vf_driver igbvf settings failed irqs 31:0;32:1>4;33:managed;34:nobalancing
  vf 0000:01:11.0  index 2    -        -        group - vf_driver none settings pending irqs -
EOF
)"
SHOW_V4="$(cat <<'EOF'
PF            ID         DRIVER   NETDEV   VFS     REQ  STATE    FIT   CAUSE     IOMMU IRQ_CPUS  VF_BIND  REASON
0000:01:00.0  8086:10c9  igb      enp1s0f0 3/7     7    applied  3     bus_range yes   0-1,4     serial   bus range: 7 VFs need bus 02, window [bus 01]; 3 fit
EOF
)
$SHOW_VFS"
check show 0 "$SHOW_V4
0000:02:00.0  1b36:0010  nvme     -        0/127   -    unmanaged -     -         no    -         -        " "$bin" --root "$R" show
check show-one-pf 0 "$(echo "$SHOW_V4" | head -n1)
0000:02:00.0  1b36:0010  nvme     -        0/127   -    unmanaged -     -         no    -         -        " \
	"$bin" --root "$R" show 02:00.0
check show-one-pf-id-spelling 0 "$SHOW_V4" "$bin" --root "$R" show 0:1:0.0
check show-not-a-pf 1 "sriovctl: 0000:05:00.0 is not an SR-IOV PF
$(echo "$SHOW_V4" | head -n1)" "$bin" --root "$R" show 0000:05:00.0

# JSON: valid, typed, and the reason with its spaces intact.
if out=$("$bin" --root "$R" --json show) &&
   echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["version"] == 4
pf = d["pfs"][0]
assert pf["vf_bind"] == "serial" and d["pfs"][1]["vf_bind"] is None
assert pf["address"] == "0000:01:00.0" and pf["numvfs"] == 3 and pf["err"] == 0
assert pf["reason"] == "bus range: 7 VFs need bus 02, window [bus 01]; 3 fit"
assert pf["irq_cpus"] == "0-1,4" and pf["iommu"] == "yes" and pf["netdev"] == "enp1s0f0"
vfs = pf["vfs"]
assert [v["index"] for v in vfs] == [0, 1, 2] and vfs[2]["driver"] is None
assert vfs[0]["irqs"] == [{"irq": 30, "cpus": "unrequested"}]
assert vfs[1]["irqs"] == [{"irq": 31, "cpus": "0"}, {"irq": 32, "cpus": "1>4"},
                          {"irq": 33, "cpus": "managed"}, {"irq": 34, "cpus": "nobalancing"}]
assert vfs[2]["irqs"] == [] and vfs[0]["iommu_group"] == 12 and vfs[2]["iommu_group"] is None
assert vfs[1]["group_alone"] == "no"
assert [v["vf_driver"] for v in vfs] == ["vfio-pci", "igbvf", "none"]
assert [v["in_use"] for v in vfs] == ["yes", "no", "no"]
assert [v["settings"] for v in vfs] == ["unset", "failed", "pending"]
pf = d["pfs"][1]
assert pf["requested"] is None and pf["vfs"] == [] and pf["irq_cpus"] is None
assert pf["netdev"] is None and pf["reason"] == ""
'; then ok show-json; else bad show-json "$out"; fi

# Inventory v2 (a module before per-VF sets) still reads, without the new
# columns; a version this sriovctl does not know is refused.
cp "$inv" "$T/inventory.now"
cat > "$inv" <<'INV'
# sriov_helper inventory v2
pf 0000:01:00.0 id=8086:1521 driver=igb numa=0 totalvfs=7 numvfs=3 offset=0x180 stride=4 ari=off bus_window=01-01 iov_bars=assigned iommu=yes managed=yes requested=7 source=configfs policy=clamp state=applied enabled=3 err=0 fit=3 cause=bus_range irq=spread irq_cpus=0-1,4 reason=bus range: 7 VFs need bus 02, window [bus 01]; 3 fit
vf 0000:01:10.0 pf=0000:01:00.0 index=0 id=8086:1520 driver=igbvf netdev=eth1 irqs=30:0;31:1>4;32:managed iommu_group=12 group_alone=yes
vf 0000:01:10.4 pf=0000:01:00.0 index=1 id=8086:1520 driver=- netdev=- irqs=- iommu_group=13 group_alone=no
pf 0000:02:00.0 id=1b36:0010 driver=nvme numa=-1 totalvfs=127 numvfs=0 offset=0x1 stride=1 ari=off bus_window=02-02 iov_bars=unassigned iommu=no managed=no requested=- source=- policy=- state=unmanaged enabled=- err=0 fit=- cause=- irq=- irq_cpus=- reason=
INV
check show-v2 0 "$(cat <<'EOF'
PF            ID         DRIVER   VFS     REQ  STATE    FIT   CAUSE     IOMMU IRQ_CPUS  REASON
0000:01:00.0  8086:1521  igb      3/7     7    applied  3     bus_range yes   0-1,4     bus range: 7 VFs need bus 02, window [bus 01]; 3 fit
  vf 0000:01:10.0  index 0    igbvf    eth1     group 12 irqs 30:0;31:1>4;32:managed
  vf 0000:01:10.4  index 1    -        -        group 13 (shared) irqs -
0000:02:00.0  1b36:0010  nvme     0/127   -    unmanaged -     -         no    -         
EOF
)" "$bin" --root "$R" show
if out=$("$bin" --root "$R" --json show) &&
   echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["version"] == 2 and "netdev" not in d["pfs"][0]
assert [v["index"] for v in d["pfs"][0]["vfs"]] == [0, 1]
assert "settings" not in d["pfs"][0]["vfs"][0]
'; then ok show-json-v2; else bad show-json-v2 "$out"; fi
# v3 (a module before vf_bind): read, without its column.
sed '1s/v4/v3/; s/ vf_bind=[^ ]*//' "$T/inventory.now" > "$inv"
check show-v3 0 "$(cat <<'EOF'
PF            ID         DRIVER   NETDEV   VFS     REQ  STATE    FIT   CAUSE     IOMMU IRQ_CPUS  REASON
0000:01:00.0  8086:10c9  igb      enp1s0f0 3/7     7    applied  3     bus_range yes   0-1,4     bus range: 7 VFs need bus 02, window [bus 01]; 3 fit
EOF
)
$SHOW_VFS
0000:02:00.0  1b36:0010  nvme     -        0/127   -    unmanaged -     -         no    -         " "$bin" --root "$R" show
sed -i '1s/v3/v5/' "$inv"
check show-v5 1 "sriovctl: $inv: inventory v5 is newer than this sriovctl, which reads v2 to v4: update sriovctl" \
	"$bin" --root "$R" show
# A read error is not the end of the inventory.
rm "$inv" && mkdir "$inv"
check show-read-error 1 "sriovctl: reading $inv: Is a directory" "$bin" --root "$R" show
rmdir "$inv"
cp "$T/inventory.now" "$inv"

DUMP="options sriov_helper pf=0000:01:00.0,vfs=7,irq_cpus=0-1,4,vf_driver=vfio-pci
options sriov_helper pf=8086:10c9,vfs=4,on_bus_range=fail,irq=off,vf_driver=none,vf_bind=serial
options sriov_helper vf=0000:01:00.0/4-6,link_state=disable,query_rss=on,min_tx_rate=10,max_tx_rate=100,vf_driver=igbvf
options sriov_helper vf=0000:01:00.0/7,trust=on
options sriov_helper vf=0000:01:00.0/10,mac=02:00:00:00:00:10,vlan=100,qos=3,vlan_proto=802.1ad,spoofchk=off"
check dump 0 "$DUMP" "$bin" --root "$R" dump
check dump-json 0 '{"pf":["0000:01:00.0,vfs=7,irq_cpus=0-1,4,vf_driver=vfio-pci","8086:10c9,vfs=4,on_bus_range=fail,irq=off,vf_driver=none,vf_bind=serial"],"vf":["0000:01:00.0/4-6,link_state=disable,query_rss=on,min_tx_rate=10,max_tx_rate=100,vf_driver=igbvf","0000:01:00.0/7,trust=on","0000:01:00.0/10,mac=02:00:00:00:00:10,vlan=100,qos=3,vlan_proto=802.1ad,spoofchk=off"]}' \
	"$bin" --root "$R" --json dump

# ---- set -------------------------------------------------------------------

# A canonical name for a new entry; an existing entry under another
# spelling is reused; everything is written before the count.
check set-new 0 "" "$bin" --root "$R" set 5:00.1 vfs=2 on_bus_range=fail irq_cpus=3,1-2 vf_driver=vfio-pci vf_bind=serial
check set-new-files 0 "vfs=2
on_bus_range=fail
irq=spread
irq_cpus=1-3
vf_driver=vfio-pci
vf_bind=serial" files "$c/0000:05:00.1/"{vfs,on_bus_range,irq,irq_cpus,vf_driver,vf_bind}
check set-existing 0 "" "$bin" --root "$R" set 0000:02:00.0 vfs=5
check_true set-existing-reused "$(ls "$c")" test "$(cat "$c/02:00.0/vfs")" = 5 -a ! -e "$c/0000:02:00.0"

# Bad input: exit 2, the parser's own words, nothing created.
before=$(snapshot "$R")
check set-bad-count 2 "sriovctl: invalid: not a decimal number: 'vfs=x'" "$bin" --root "$R" set 06:00.0 vfs=x
check set-bad-pf 2 "sriovctl: invalid: bad PCI device (hex 00-1f): '06:40.0'" "$bin" --root "$R" set 06:40.0 vfs=1
check set-unknown-key 2 "sriovctl: invalid: unknown key (known: vfs, on_bus_range, irq, irq_cpus, vf_driver, vf_bind): 'vf'" "$bin" --root "$R" set 06:00.0 vf=1
check set-no-count 2 "sriovctl: invalid: missing vfs=N: '06:00.0,on_bus_range=fail'" "$bin" --root "$R" set 06:00.0 on_bus_range=fail
check set-bad-cpus 2 "sriovctl: invalid: CPU range goes backwards: 'irq_cpus=3-1'" "$bin" --root "$R" set 06:00.0 vfs=1 irq_cpus=3-1
check set-bad-irq 2 "sriovctl: invalid: irq must be spread or off: 'irq=on'" "$bin" --root "$R" set 06:00.0 vfs=1 irq=on
check set-bad-vf-bind 2 "sriovctl: invalid: vf_bind must be parallel or serial: 'vf_bind=bogus'" "$bin" --root "$R" set 06:00.0 vfs=1 vf_bind=bogus
check set-two-pfs 2 "sriovctl: one PF at a time" "$bin" --root "$R" set "06:00.0,vfs=1;07:00.0" vfs=1
check set-bad-driver 2 "sriovctl: invalid: a driver name has only letters, digits, '_' and '-': 'vf_driver=vfio/pci'" "$bin" --root "$R" set 06:00.0 vfs=1 vf_driver=vfio/pci
check_true set-bad-input-changes-nothing "$(diff <(echo "$before") <(snapshot "$R") | head -n3 | tr '\n' ' ')" \
	test "$before" = "$(snapshot "$R")"

# ---- vf: every key, ranges -------------------------------------------------

vf8_files=()
for k in $VKEYS; do vf8_files+=("$c/0000:01:00.0/vf8/$k"); done
# One VF, every key: each written in canonical form (802.1AD as 802.1ad,
# the MAC in lower case, msix without its leading zero), under the entry's
# own spelling.
check vf-all-keys 0 "" "$bin" --root "$R" vf 01:00.0 8 mac=02:00:00:00:AB:08 vlan=7 qos=5 \
	vlan_proto=802.1AD spoofchk=off trust=on link_state=enable query_rss=on min_tx_rate=10 \
	max_tx_rate=1000 node_guid=00:11:22:33:44:55:66:77 port_guid=00:11:22:33:44:55:66:78 vf_driver=vfio-pci \
	msix=064
check vf-all-keys-files 0 "mac=02:00:00:00:ab:08
vlan=7
qos=5
vlan_proto=802.1ad
spoofchk=off
trust=on
link_state=enable
query_rss=on
min_tx_rate=10
max_tx_rate=1000
node_guid=00:11:22:33:44:55:66:77
port_guid=00:11:22:33:44:55:66:78
vf_driver=vfio-pci
msix=64" files "${vf8_files[@]}"
echo pending > "$c/0000:01:00.0/vf8/status"
VF8='mac=02:00:00:00:ab:08 vlan=7 qos=5 vlan_proto=802.1ad spoofchk=off trust=on link_state=enable query_rss=on min_tx_rate=10 max_tx_rate=1000 node_guid=00:11:22:33:44:55:66:77 port_guid=00:11:22:33:44:55:66:78 vf_driver=vfio-pci msix=64'
check vf-all-keys-list 0 "  vf7  trust=on  applied
  vf8  $VF8  pending
  vf10  mac=02:00:00:00:00:10 vlan=100 qos=3 vlan_proto=802.1ad spoofchk=off  waiting: VF 10 does not exist (3 VFs)" \
	sh -c "'$bin' --root '$R' list | sed -n '/^  vf7 /,/^  vf10 /p'"
if out=$("$bin" --root "$R" --json list) &&
   echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
s = [v for v in d[0]["vf"] if v["vfs"] == "8"][0]
assert s == {"vfs": "8", "first": 8, "last": 8, "mac": "02:00:00:00:ab:08", "vlan": 7,
             "qos": 5, "vlan_proto": "802.1ad", "spoofchk": "off", "trust": "on",
             "link_state": "enable", "query_rss": "on", "min_tx_rate": 10,
             "max_tx_rate": 1000, "node_guid": "00:11:22:33:44:55:66:77",
             "port_guid": "00:11:22:33:44:55:66:78", "vf_driver": "vfio-pci",
             "msix": 64, "status": "pending"}, s
'; then ok vf-all-keys-list-json; else bad vf-all-keys-list-json "$out"; fi
VF8_LINE="0000:01:00.0/8,$(echo "$VF8" | tr ' ' ',')"
check vf-all-keys-dump 0 "options sriov_helper vf=$VF8_LINE" \
	sh -c "'$bin' --root '$R' dump | grep '/8,'"
if out=$("$bin" --root "$R" --json dump) &&
   echo "$out" | VF8_LINE=$VF8_LINE python3 -c '
import json, os, sys
d = json.load(sys.stdin)
assert os.environ["VF8_LINE"] in d["vf"], d["vf"]
'; then ok vf-all-keys-dump-json; else bad vf-all-keys-dump-json "$out"; fi

# A change writes only what changes; unsets come in an order the module
# takes (qos and vlan_proto before vlan).
check vf-change 0 "" "$bin" --root "$R" vf 0000:01:00.0 8 vlan=8 qos= vlan_proto= max_tx_rate=0
check vf-change-files 0 "vlan=8
qos=
vlan_proto=
max_tx_rate=0" files "$c/0000:01:00.0/vf8/"{vlan,qos,vlan_proto,max_tx_rate}
check vf-unset-all 0 "" "$bin" --root "$R" vf 01:00.0 8 mac= vlan= spoofchk= trust= link_state= \
	query_rss= min_tx_rate= max_tx_rate= node_guid= port_guid= vf_driver= msix=
check vf-unset-all-list 0 "  vf8  -  pending" sh -c "'$bin' --root '$R' list | grep '^  vf8 '"

# Ranges: one set for several VFs, made and changed like a vfN.
check vf-range 0 "" "$bin" --root "$R" vf 01:00.0 0-3 vf_driver=vfio-pci
check vf-range-files 0 "vf_driver=vfio-pci" files "$c/0000:01:00.0/vf0-3/vf_driver"
check vf-range-only-asked 0 "status
vf_driver" sh -c "echo pending > '$c/0000:01:00.0/vf0-3/status'; ls '$c/0000:01:00.0/vf0-3'"
check vf-range-change 0 "" "$bin" --root "$R" vf 01:00.0 0-3 trust=off spoofchk=on
check vf-range-change-files 0 "vf_driver=vfio-pci
trust=off
spoofchk=on" files "$c/0000:01:00.0/vf0-3/"{vf_driver,trust,spoofchk}
check vf-range-dump 0 "options sriov_helper vf=0000:01:00.0/0-3,spoofchk=on,trust=off,vf_driver=vfio-pci" \
	sh -c "'$bin' --root '$R' dump | grep '/0-3,'"
# msix names no VF: a range takes it, and gives it back.
check vf-range-msix 0 "" "$bin" --root "$R" vf 01:00.0 0-3 msix=2048
check vf-range-msix-files 0 "msix=2048" files "$c/0000:01:00.0/vf0-3/msix"
check vf-range-msix-dump 0 "options sriov_helper vf=0000:01:00.0/0-3,spoofchk=on,trust=off,vf_driver=vfio-pci,msix=2048" \
	sh -c "'$bin' --root '$R' dump | grep '/0-3,'"
check vf-range-msix-list 0 "  vf0-3  spoofchk=on trust=off vf_driver=vfio-pci msix=2048  pending" \
	sh -c "echo pending > '$c/0000:01:00.0/vf0-3/status'; '$bin' --root '$R' list | grep '^  vf0-3 '"
check vf-range-msix-unset 0 "" "$bin" --root "$R" vf 01:00.0 0-3 msix=
check vf-range-msix-unset-files 0 "msix=" files "$c/0000:01:00.0/vf0-3/msix"
# A hand-made entry named without its domain is the one used.
check vf-entry-spelling 0 "" "$bin" --root "$R" vf 0000:02:00.0 1-2 link_state=auto
check vf-entry-spelling-files 0 "link_state=auto" files "$c/02:00.0/vf1-2/link_state"
check_true vf-entry-spelling-reused "$(ls "$c")" test ! -e "$c/0000:02:00.0"
# A PF without an address entry gets one without a count: its count comes
# from pf= or a vendor:device entry.
check vf-new-entry 0 "" "$bin" --root "$R" vf 0b:00.0 0 trust=on
check vf-new-entry-files 0 "vfs absent
trust=on" files "$c/0000:0b:00.0/vfs" "$c/0000:0b:00.0/vf0/trust"
check vf-new-entry-dump 0 "options sriov_helper vf=0000:0b:00.0/0,trust=on" \
	sh -c "'$bin' --root '$R' dump | grep 0b:00"
# Only unsets on a set that does not exist: nothing to make.
check vf-new-only-unsets 0 "" "$bin" --root "$R" vf 0c:00.0 0 trust=
check_true vf-new-only-unsets-nothing "$(ls "$c")" test ! -e "$c/0000:0c:00.0"

# Bad per-VF input: exit 2, the parser's words, nothing written.
before=$(snapshot "$R")
vfbad() {
	local name=$1 want=$2
	shift 2
	check "vf-bad-$name" 2 "sriovctl: $want" "$bin" --root "$R" vf "$@"
}
vfbad mac "invalid: multicast address: a VF needs a unicast MAC: 'mac=01:00:00:00:00:01'" 01:00.0 3 mac=01:00:00:00:00:01
vfbad mac-zero "invalid: all-zero address (write nothing to leave the MAC to the driver): 'mac=00:00:00:00:00:00'" 01:00.0 3 mac=00:00:00:00:00:00
vfbad vlan "invalid: VLAN ID must be decimal 0-4094 (0: untagged): 'vlan=4095'" 01:00.0 3 vlan=4095
vfbad qos "invalid: qos is the VLAN priority, 0-7: 'qos=8'" 01:00.0 3 vlan=1 qos=8
vfbad vlan-proto "invalid: vlan_proto must be 802.1Q or 802.1ad: 'vlan_proto=802.1x'" 01:00.0 3 vlan=1 vlan_proto=802.1x
vfbad spoofchk "invalid: must be on or off: 'spoofchk=yes'" 01:00.0 3 spoofchk=yes
vfbad trust "invalid: must be on or off: 'trust=1'" 01:00.0 3 trust=1
vfbad link-state "invalid: link_state must be auto, enable or disable: 'link_state=up'" 01:00.0 3 link_state=up
vfbad query-rss "invalid: must be on or off: 'query_rss=true'" 01:00.0 3 query_rss=true
vfbad min-rate "invalid: a rate is decimal Mb/s, 0-4294967295 (0: no limit): 'min_tx_rate=-1'" 01:00.0 3 min_tx_rate=-1
vfbad max-rate "invalid: a rate is decimal Mb/s, 0-4294967295 (0: no limit): 'max_tx_rate=4294967296'" 01:00.0 3 max_tx_rate=4294967296
vfbad node-guid "invalid: a GUID is eight hex octets, as 00:11:22:33:44:55:66:77: 'node_guid=00:11:22:33:44:55:66'" 01:00.0 3 node_guid=00:11:22:33:44:55:66
vfbad port-guid "invalid: a GUID is eight hex octets, as 00:11:22:33:44:55:66:77: 'port_guid=00:11:22:33:44:55:66:7g'" 01:00.0 3 port_guid=00:11:22:33:44:55:66:7g
vfbad vf-driver "invalid: a driver name has only letters, digits, '_' and '-': 'vf_driver=../vfio'" 01:00.0 3 vf_driver=../vfio
vfbad msix-zero "invalid: msix is the VF's MSI-X vector count, decimal 1-2048: 'msix=0'" 01:00.0 3 msix=0
vfbad msix-big "invalid: msix is the VF's MSI-X vector count, decimal 1-2048: 'msix=2049'" 01:00.0 3 msix=2049
vfbad msix-hex "invalid: msix is the VF's MSI-X vector count, decimal 1-2048: 'msix=0x10'" 01:00.0 3 msix=0x10
vfbad msix-negative "invalid: msix is the VF's MSI-X vector count, decimal 1-2048: 'msix=-4'" 01:00.0 3 msix=-4
vfbad msix-range "invalid: msix is the VF's MSI-X vector count, decimal 1-2048: 'msix=8k'" 01:00.0 0-3 msix=8k
vfbad qos-without-vlan "invalid: vf9 under 0000:01:00.0 would have qos=1: qos goes with a VLAN: set vlan too (0 for priority tags only)" 01:00.0 9 qos=1
vfbad proto-without-vlan "invalid: vf9 under 0000:01:00.0 would have vlan_proto=802.1ad: vlan_proto goes with a VLAN: set vlan too" 01:00.0 9 vlan_proto=802.1ad
vfbad vlan-unset-under-qos "invalid: vf10 under 0000:01:00.0 would have qos=3: qos goes with a VLAN: set vlan too (0 for priority tags only)" 01:00.0 10 vlan=
vfbad rates "invalid: vf9 under 0000:01:00.0 would have min_tx_rate=100: min_tx_rate is above max_tx_rate" 01:00.0 9 min_tx_rate=100 max_tx_rate=10
vfbad rate-under-max "invalid: vf4-6 under 0000:01:00.0 would have min_tx_rate=200: min_tx_rate is above max_tx_rate" 01:00.0 4-6 min_tx_rate=200
vfbad range-mac "invalid: vf11-12 under 0000:01:00.0 would have mac=02:00:00:00:00:11: a MAC or GUID names one VF: set it in vfN, not in a range" 01:00.0 11-12 mac=02:00:00:00:00:11
vfbad range-guid "invalid: vf11-12 under 0000:01:00.0 would have node_guid=00:11:22:33:44:55:66:77: a MAC or GUID names one VF: set it in vfN, not in a range" 01:00.0 11-12 node_guid=00:11:22:33:44:55:66:77
vfbad range-overlap "invalid: vf2-5 overlaps vf0-3 under 0000:01:00.0: a VF has one set of settings (change vf0-3, or sriovctl unset 0000:01:00.0 0-3 first)" 01:00.0 2-5 trust=on
vfbad range-backwards "invalid VF range '3-1': VF range goes backwards" 01:00.0 3-1 trust=on
vfbad index "invalid VF range '03': VF indices are decimal 0-65534 without leading zeros, N or N-M" 01:00.0 03 trust=on
vfbad index-max "invalid VF range '65535': VF indices are decimal 0-65534 without leading zeros, N or N-M" 01:00.0 65535 trust=on
vfbad key "invalid: unknown per-VF key (known: ${VKEYS// /, }): 'foo'" 01:00.0 3 foo=1
vfbad no-value "invalid: expected key=value: 'trust'" 01:00.0 3 trust
vfbad twice "invalid: key given twice: 'trust=off'" 01:00.0 3 trust=on trust=off
vfbad id-pf "invalid PF '8086:10c9': per-VF settings need a PF address ([DOMAIN:]BB:DD.F), not vendor:device" 8086:10c9 0 trust=on
vfbad pf "invalid PF '01:00.8': bad PCI function (0-7)" 01:00.8 0 trust=on
check vf-no-keys 2 "sriovctl: wrong arguments for vf; usage: sriovctl vf PF N[-M] KEY=VALUE..." "$bin" --root "$R" vf 01:00.0 3
check_true vf-bad-input-changes-nothing "$(diff <(echo "$before") <(snapshot "$R") | head -n3 | tr '\n' ' ')" \
	test "$before" = "$(snapshot "$R")"

# The module refusing a write (a directory in the file's place refuses it
# here): exit 1, the attribute and the value named.
rm "$c/0000:01:00.0/vf7/vlan" && mkdir "$c/0000:01:00.0/vf7/vlan"
check vf-refused 1 "sriovctl: 0000:01:00.0/vf7/vlan=5: Is a directory (refused by the kernel: see dmesg)" \
	"$bin" --root "$R" vf 01:00.0 7 vlan=5
rmdir "$c/0000:01:00.0/vf7/vlan" && printf '\n' > "$c/0000:01:00.0/vf7/vlan"

# ---- unset -------------------------------------------------------------------

# configfs removes a set with its attributes; a plain directory must be
# empty for rmdir, so the sets removed here have none.
mkdir "$c/0000:01:00.0/vf20-21"
check unset-range 0 "" "$bin" --root "$R" unset 01:00.0 20-21
check_true unset-range-removed "$(ls "$c/0000:01:00.0")" test ! -e "$c/0000:01:00.0/vf20-21" -a -d "$c/0000:01:00.0/vf0-3"
check unset-range-missing 1 "sriovctl: no set vf20 under 0000:01:00.0" "$bin" --root "$R" unset 01:00.0 20
check unset-range-bad 2 "sriovctl: invalid VF range '1-x': VF indices are decimal 0-65534 without leading zeros, N or N-M" \
	"$bin" --root "$R" unset 0a:00.0 1-x
mkdir -p "$c/0000:0d:00.0/vf0" "$c/0000:0d:00.0/vf1-2"
check unset-with-sets 0 "" "$bin" --root "$R" unset 0d:00.0
check_true unset-with-sets-removed "$(ls "$c")" test ! -e "$c/0000:0d:00.0"
mkdir "$c/0000:09:00.0"
check unset 0 "" "$bin" --root "$R" unset 09:00.0
check_true unset-removed "still there" test ! -e "$c/0000:09:00.0"
check unset-missing 1 "sriovctl: no configfs entry for 0a:00.0" "$bin" --root "$R" unset 0a:00.0

# ---- dump: parameters and configfs merged, and read back -------------------

# What dump prints, given to the module as parameters (as
# /sys/module/sriov_helper/parameters shows them: one line, entries joined
# by ';'), gives the same dump: the shared parser reads back every key.
fixture
RT=$T/rt
mkroot "$RT"
sed -n 's/^options sriov_helper pf=//p' <<< "$DUMP" | paste -sd';' > "$RT/sys/module/sriov_helper/parameters/pf"
sed -n 's/^options sriov_helper vf=//p' <<< "$DUMP" | paste -sd';' > "$RT/sys/module/sriov_helper/parameters/vf"
check dump-roundtrip 0 "$DUMP" "$bin" --root "$RT" dump
# With VF 8's every key too.
read -ra vf8 <<< "$VF8"
"$bin" --root "$R" vf 01:00.0 8 "${vf8[@]}" > /dev/null 2>&1
DUMP8=$("$bin" --root "$R" dump)
sed -n 's/^options sriov_helper vf=//p' <<< "$DUMP8" | paste -sd';' > "$RT/sys/module/sriov_helper/parameters/vf"
check dump-roundtrip-all-keys 0 "$DUMP8" "$bin" --root "$RT" dump

# configfs beats the parameters as the module ranks them: the same PF; a
# vendor:device entry over a pf= address of a PF with that ID (sysfs says
# so; a PF not present keeps its entry); a configfs set over the VFs it
# covers (a vf= range is split around it), an empty set included.
mkroot "$RT"
p=$RT/sys/module/sriov_helper/parameters
echo '0000:01:00.0,vfs=2;0000:03:00.0,vfs=1,irq=off;0000:05:00.0,vfs=1;8086:1528,vfs=8' > "$p/pf"
echo '0000:01:00.0/0-9,trust=on;0000:01:00.0/12,mac=02:00:00:00:00:12;0000:02:00.0/0-1,vf_driver=none' > "$p/vf"
mkdir -p "$RT/sys/bus/pci/devices/0000:03:00.0"
echo 0x8086 > "$RT/sys/bus/pci/devices/0000:03:00.0/vendor"
echo 0x10c9 > "$RT/sys/bus/pci/devices/0000:03:00.0/device"
mkentry "$RT/sys/kernel/config/sriov_helper/0000:01:00.0" 7 clamp spread '' auto parallel 'applied 7'
mkset "$RT/sys/kernel/config/sriov_helper/0000:01:00.0/vf2-3" applied vf_driver=vfio-pci
mkset "$RT/sys/kernel/config/sriov_helper/0000:01:00.0/vf7" unset
mkentry "$RT/sys/kernel/config/sriov_helper/8086:10c9" 4 clamp spread '' auto parallel 'applied 4'
mkentry "$RT/sys/kernel/config/sriov_helper/0000:05:00.0" '' clamp spread '' auto parallel unset
mkset "$RT/sys/kernel/config/sriov_helper/0000:05:00.0/vf0" pending spoofchk=off
check dump-merge 0 "options sriov_helper pf=0000:01:00.0,vfs=7
options sriov_helper pf=0000:05:00.0,vfs=1
options sriov_helper pf=8086:10c9,vfs=4
options sriov_helper pf=8086:1528,vfs=8
options sriov_helper vf=0000:01:00.0/0-1,trust=on
options sriov_helper vf=0000:01:00.0/2-3,vf_driver=vfio-pci
options sriov_helper vf=0000:01:00.0/4-6,trust=on
options sriov_helper vf=0000:01:00.0/8-9,trust=on
options sriov_helper vf=0000:01:00.0/12,mac=02:00:00:00:00:12
options sriov_helper vf=0000:02:00.0/0-1,vf_driver=none
options sriov_helper vf=0000:05:00.0/0,spoofchk=off" "$bin" --root "$RT" dump
printf '0000:01:00.0,vfs=2' > "$p/pf"
check dump-param-cut 1 "sriovctl: $p/pf is cut short (18 bytes, no final newline): the module shows at most one page, so the configuration given at load cannot be read in full" \
	"$bin" --root "$RT" dump
echo '0000:01:00.0,vfs=2,foo=1' > "$p/pf"
check dump-param-bad 1 "sriovctl: $p/pf: unknown key (known: vfs, on_bus_range, irq, irq_cpus, vf_driver, vf_bind): 'foo'" \
	"$bin" --root "$RT" dump
mkroot "$RT"
rm "$RT/sys/module/sriov_helper/parameters/vf"
check dump-nothing 0 "# sriov_helper: nothing configured (no pf= or vf= parameter, no configfs entry with a VF count or per-VF settings)" \
	"$bin" --root "$RT" dump
check dump-nothing-json 0 '{"pf":[],"vf":[]}' "$bin" --root "$RT" --json dump

# Issue 17 #12: no fixed buffer. 3000 entries with a set each, about
# 380 KB of dump, every line there and in order.
mkroot "$RT"
big=$T/big.expected
addrs=()
for ((i = 0; i < 3000; i++)); do
	printf -v a '%04x:%02x:%02x.%u' $((i >> 8)) $((i & 255)) $((i >> 3 & 31)) $((i & 7))
	addrs+=("$a")
done
(cd "$RT/sys/kernel/config/sriov_helper" && printf '%s/vf0-1\0' "${addrs[@]}" | xargs -0 mkdir -p)
for a in "${addrs[@]}"; do
	d=$RT/sys/kernel/config/sriov_helper/$a
	echo 7 > "$d/vfs"
	echo 0-1,4 > "$d/irq_cpus"
	echo vfio-pci > "$d/vf_driver"
	echo on > "$d/vf0-1/trust"
done
{
	printf 'options sriov_helper pf=%s,vfs=7,irq_cpus=0-1,4,vf_driver=vfio-pci\n' "${addrs[@]}"
	printf 'options sriov_helper vf=%s/0-1,trust=on\n' "${addrs[@]}"
} > "$big"
if "$bin" --root "$RT" dump > "$T/big.out" 2> "$T/big.err" && [ ! -s "$T/big.err" ] &&
   cmp -s "$big" "$T/big.out" && [ "$(wc -c < "$T/big.out")" -gt 65536 ]; then
	ok dump-many
else
	bad dump-many "$(wc -lc < "$T/big.out") $(head -c 200 "$T/big.err")"
fi
if out=$("$bin" --root "$RT" --json dump) &&
   echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert len(d["pf"]) == 3000 and len(d["vf"]) == 3000
assert len(set(d["pf"])) == 3000 and d["pf"] == sorted(d["pf"])
'; then ok dump-many-json; else bad dump-many-json "$(echo "$out" | head -c 200)"; fi
check list-many 0 6001 sh -c "'$bin' --root '$RT' list | wc -l"
# The note's hash over all of it: the initramfs holds this conf.
mkdir -p "$RT/boot"
printf 'usr/lib/modules/%s/updates/dkms/sriov_helper.ko\nusr/lib/sriov_helper/modprobe.conf.sha256-%s\n' \
	"$REL" "$(sha256sum < "$big" | cut -d' ' -f1)" > "$RT/boot/initrd.img-$REL"
if env SRIOVCTL_LSINITRAMFS=cat "$bin" --root "$RT" dump > "$T/big.out" 2> "$T/big.err" &&
   [ ! -s "$T/big.err" ] && cmp -s "$big" "$T/big.out"; then
	ok dump-many-initramfs-current
else
	bad dump-many-initramfs-current "$(head -c 200 "$T/big.err")"
fi

# ---- dump: the initramfs note ------------------------------------------------

# The hook leaves an empty marker named after the sha256 of
# /etc/modprobe.d/sriov_helper.conf in the image: when it is not the
# sha256 of what dump prints, the image holds another configuration.
# The stand-in lister is cat, the image a listing.
fixture
mkdir -p "$R/boot"
img=$R/boot/initrd.img-$REL
sum=$(printf '%s\n' "$DUMP" | sha256sum | cut -d' ' -f1)
listing() {
	printf '%s\n' . usr usr/lib "usr/lib/modules/$REL/kernel/drivers/net/ethernet/intel/igb/igb.ko" "$@"
}
listing "usr/lib/modules/$REL/updates/dkms/sriov_helper.ko" \
	"usr/lib/sriov_helper/modprobe.conf.sha256-$sum" > "$img"
check initramfs-current 0 "$DUMP" env SRIOVCTL_LSINITRAMFS=cat "$bin" --root "$R" dump
check initramfs-current-json 0 "$("$bin" --root "$R" --json dump)" \
	env SRIOVCTL_LSINITRAMFS=cat "$bin" --root "$R" --json dump
OLDER="sriovctl: note: $img holds an older copy of /etc/modprobe.d/sriov_helper.conf: after writing this file, run update-initramfs -u -k all"
listing "usr/lib/modules/$REL/updates/dkms/sriov_helper.ko.xz" \
	"usr/lib/sriov_helper/modprobe.conf.sha256-$(echo old | sha256sum | cut -d' ' -f1)" > "$img"
check initramfs-older 0 "$OLDER
$DUMP" env SRIOVCTL_LSINITRAMFS=cat "$bin" --root "$R" dump
check initramfs-older-json 0 "$OLDER
$("$bin" --root "$R" --json dump)" env SRIOVCTL_LSINITRAMFS=cat "$bin" --root "$R" --json dump
# The module there but no marker: the image was made without this file.
listing "usr/lib/modules/$REL/updates/dkms/sriov_helper.ko" > "$img"
check initramfs-no-marker 0 "$OLDER
$DUMP" env SRIOVCTL_LSINITRAMFS=cat "$bin" --root "$R" dump
# A marker that only starts with the sum is another one.
listing "usr/lib/modules/$REL/updates/dkms/sriov_helper.ko" \
	"usr/lib/sriov_helper/modprobe.conf.sha256-${sum}0" > "$img"
check initramfs-longer-marker 0 "$OLDER
$DUMP" env SRIOVCTL_LSINITRAMFS=cat "$bin" --root "$R" dump
# Without sriov_helper in the image the module loads from the real root,
# which has the file: nothing to say. Nor without a lister that works.
listing > "$img"
check initramfs-no-module 0 "$DUMP" env SRIOVCTL_LSINITRAMFS=cat "$bin" --root "$R" dump
listing "usr/lib/modules/$REL/updates/dkms/sriov_helper.ko" > "$img"
check initramfs-lister-fails 0 "$DUMP" env SRIOVCTL_LSINITRAMFS=false "$bin" --root "$R" dump
check initramfs-no-lister 0 "$DUMP" env SRIOVCTL_LSINITRAMFS= "$bin" --root "$R" dump
# Another kernel's image is not looked at.
mv "$img" "$R/boot/initrd.img-6.1.0-other"
check initramfs-other-kernel 0 "$DUMP" env SRIOVCTL_LSINITRAMFS=cat "$bin" --root "$R" dump
# dracut: its image name, lsinitrd's ls -l lines, its own command.
rm -f "$R/boot/"*
dimg=$R/boot/initramfs-$REL.img
printf '%s\n' \
	'drwxr-xr-x  12 root     root            0 Nov 22 10:00 usr/lib/dracut' \
	'-rw-r--r--   1 root     root          512 Nov 22 10:00 usr/lib/dracut/modules.txt' \
	"-rw-r--r--   1 root     root        41232 Nov 22 10:00 usr/lib/modules/$REL/extra/sriov_helper.ko.zst" \
	'-rw-r--r--   1 root     root            0 Nov 22 10:00 usr/lib/sriov_helper/modprobe.conf.sha256-0000' > "$dimg"
check initramfs-dracut-older 0 "sriovctl: note: $dimg holds an older copy of /etc/modprobe.d/sriov_helper.conf: after writing this file, run dracut -f --regenerate-all
$DUMP" env SRIOVCTL_LSINITRAMFS=cat "$bin" --root "$R" dump
sed -i "s/sha256-0000/sha256-$sum/" "$dimg"
check initramfs-dracut-current 0 "$DUMP" env SRIOVCTL_LSINITRAMFS=cat "$bin" --root "$R" dump

# ---- the module missing: why, and exit 3 -----------------------------------

M=$T/m
# modroot [MODULE_FILE]: a host without the module loaded; with a
# module file, installed under updates/dkms for $REL.
modroot() {
	rm -rf "$M"
	mkdir -p "$M/proc/sys/kernel" "$M/sys/module/module/parameters" "$M/sys/kernel/security"
	echo "$REL" > "$M/proc/sys/kernel/osrelease"
	echo N > "$M/sys/module/module/parameters/sig_enforce"
	echo '[none] integrity confidentiality' > "$M/sys/kernel/security/lockdown"
	printf '%s\n' \
		'0c4a9b1e I------     1 perm 1f010000     0     0 asymmetri Debian Secure Boot CA: 6ccece7e4c6c0d1f6149f3dd27dfcc5cbb419ea1: X509.rsa 4c6c0d1f []' \
		'3f7e4d2a I------     1 perm 1f010000     0     0 asymmetri Debian Secure Boot Signer 2022 - linux: 14011249c2675ea8e5148542202005810584b25f: X509.rsa 0584b25f []' \
		'1b2c3d4e I--Q---     2 perm 3f030000     0     0 keyring   _ses: 1' > "$M/proc/keys"
	if [ $# -gt 0 ]; then
		mkdir -p "$M/lib/modules/$REL/updates/dkms" "$M/lib/modules/$REL/kernel/drivers/net"
		cp "$1" "$M/lib/modules/$REL/updates/dkms/sriov_helper.ko${2-}"
		printf 'kernel/drivers/net/dummy.ko:\nupdates/dkms/sriov_helper.ko%s:\n' "${2-}" \
			> "$M/lib/modules/$REL/modules.dep"
	fi
}
lockdown() { echo 'none [integrity] confidentiality' > "$M/sys/kernel/security/lockdown"; }
ENROLL="Enroll the key: mokutil --import /var/lib/dkms/mok.pub, reboot, choose Enroll MOK"
ko=$M/lib/modules/$REL/updates/dkms/sriov_helper.ko
ver=$(cat "$top/VERSION")

modroot
check module-not-installed 3 "sriovctl: sriov_helper is not installed for kernel $REL (is linux-headers-$REL installed? dkms status)" \
	"$bin" --root "$M" list
mkdir -p "$M/lib/modules/6.1.0-other/updates/dkms"
echo 'updates/dkms/sriov_helper.ko:' > "$M/lib/modules/6.1.0-other/modules.dep"
check module-installed-for-another-kernel 3 "sriovctl: sriov_helper is not installed for kernel $REL (is linux-headers-$REL installed? dkms status)" \
	"$bin" --root "$M" dump
modroot "$fixtures/unsigned.bin"
NOT_LOADED="sriovctl: sriov_helper is not loaded (modprobe sriov_helper)"
for cmd in list show dump wait "set 01:00.0 vfs=1" "vf 01:00.0 0 trust=on" "unset 01:00.0"; do
	# shellcheck disable=SC2086 # the command and its arguments
	check "module-not-loaded-${cmd%% *}" 3 "$NOT_LOADED" "$bin" --root "$M" $cmd
done
lockdown
check module-unsigned-lockdown 3 "sriovctl: sriov_helper was refused by the kernel: it loads only signed modules (Secure Boot lockdown), and $ko is not signed: install openssl, then rebuild it so that dkms signs it (dkms remove sriov_helper/$ver -k $REL; dkms install sriov_helper/$ver -k $REL). $ENROLL" \
	"$bin" --root "$M" list
modroot "$fixtures/unsigned.bin"
echo Y > "$M/sys/module/module/parameters/sig_enforce"
check module-unsigned-sig-enforce 3 "sriovctl: sriov_helper was refused by the kernel: it loads only signed modules (module.sig_enforce=1), and $ko is not signed: install openssl, then rebuild it so that dkms signs it (dkms remove sriov_helper/$ver -k $REL; dkms install sriov_helper/$ver -k $REL). $ENROLL" \
	"$bin" --root "$M" list
# Signed by the DKMS key, which the kernel does not hold (not enrolled).
modroot "$fixtures/signed-cn.bin"
check module-signed-no-lockdown 3 "$NOT_LOADED" "$bin" --root "$M" list
lockdown
REJECTED="sriovctl: sriov_helper was refused by the kernel: key rejected (Secure Boot lockdown): the module is signed by 'DKMS module signing key', which this kernel does not trust. $ENROLL"
check module-key-rejected 3 "$REJECTED" "$bin" --root "$M" list
check module-key-rejected-wait 3 "$REJECTED" "$bin" --root "$M" wait --timeout 1
echo '2d3e4f50 I------     1 perm 1f010000     0     0 asymmetri DKMS module signing key: 0123456789abcdef0123456789abcdef01234567: X509.rsa 01234567 []' >> "$M/proc/keys"
check module-key-held 3 "$NOT_LOADED" "$bin" --root "$M" list
# Not root: /proc/keys shows no asymmetric key, so it cannot be told.
grep -v asymmetri "$M/proc/keys" > "$T/keys" && cp "$T/keys" "$M/proc/keys"
check module-keys-not-visible 3 "sriovctl: sriov_helper is not loaded, and this kernel loads only modules signed by a key it holds (Secure Boot lockdown): the module is signed by 'DKMS module signing key'; run sriovctl as root to see whether the kernel holds that key, or modprobe sriov_helper and read dmesg" \
	"$bin" --root "$M" list
# sign-file -k: the signer by subject key identifier.
modroot "$fixtures/signed-keyid.bin"
lockdown
skid=$(cat "$fixtures/signed-keyid.skid")
check module-keyid-rejected 3 "sriovctl: sriov_helper was refused by the kernel: key rejected (Secure Boot lockdown): the module is signed by '$skid', which this kernel does not trust. $ENROLL" \
	"$bin" --root "$M" list
echo "2d3e4f50 I------     1 perm 1f010000     0     0 asymmetri DKMS module signing key: $skid: X509.rsa ${skid:0:8} []" >> "$M/proc/keys"
check module-keyid-held 3 "$NOT_LOADED" "$bin" --root "$M" list
# Compressed: modinfo reads the signature.
modroot "$fixtures/unsigned.bin" .xz
lockdown
# shellcheck disable=SC2016 # the stand-in's own $1
printf '#!/bin/sh\nprintf "filename:       %%s\\nsig_id:         PKCS#7\\nsigner:         DKMS module signing key\\nsig_key:        4F:10\\n" "$1"\n' > "$T/modinfo"
chmod +x "$T/modinfo"
check module-compressed-key-rejected 3 "$REJECTED" env SRIOVCTL_MODINFO="$T/modinfo" "$bin" --root "$M" list
# shellcheck disable=SC2016 # the stand-in's own $1
printf '#!/bin/sh\nprintf "filename:       %%s\\nlicense:        GPL\\n" "$1"\n' > "$T/modinfo"
check module-compressed-unsigned 3 "sriovctl: sriov_helper was refused by the kernel: it loads only signed modules (Secure Boot lockdown), and $ko.xz is not signed: install openssl, then rebuild it so that dkms signs it (dkms remove sriov_helper/$ver -k $REL; dkms install sriov_helper/$ver -k $REL). $ENROLL" \
	env SRIOVCTL_MODINFO="$T/modinfo" "$bin" --root "$M" list
# modinfo missing or failing: it cannot be told, and the plain reason stands.
check module-compressed-no-modinfo 3 "$NOT_LOADED" env SRIOVCTL_MODINFO=false "$bin" --root "$M" list

# Loaded, but a filesystem missing.
mkdir -p "$T/nofs/sys/module/sriov_helper"
check no-configfs 3 "sriovctl: configfs is not mounted (mount -t configfs none /sys/kernel/config)" "$bin" --root "$T/nofs" dump
check no-debugfs 3 "sriovctl: cannot read $T/nofs/sys/kernel/debug/sriov_helper/inventory: No such file or directory (is debugfs mounted? mount -t debugfs none /sys/kernel/debug)" \
	"$bin" --root "$T/nofs" show

# ---- wait ----------------------------------------------------------------------

W=$T/w
winv=$W/sys/kernel/debug/sriov_helper/inventory
# wait_inv STATE DRIVER [REASON]: one managed PF, one not managed.
wait_inv() {
	printf '%s\n' '# sriov_helper inventory v3' \
		"pf 0000:01:00.0 id=8086:10c9 driver=$2 numa=0 totalvfs=7 numvfs=0 offset=0x80 stride=2 ari=off bus_window=01-01 iov_bars=assigned iommu=no managed=yes requested=3 source=param policy=clamp state=$1 enabled=- err=0 fit=- cause=- irq=spread irq_cpus=0-3 netdev=- reason=${3-}" \
		'pf 0000:02:00.0 id=1b36:0010 driver=- numa=-1 totalvfs=127 numvfs=0 offset=0x1 stride=1 ari=off bus_window=02-02 iov_bars=unassigned iommu=no managed=no requested=- source=- policy=- state=unmanaged enabled=- err=0 fit=- cause=- irq=- irq_cpus=- netdev=- reason=' \
		> "$winv.new" && mv "$winv.new" "$winv"
}
mkroot "$W"
wait_inv applied igb
check wait-applied 0 "" "$bin" --root "$W" wait --timeout 1
wait_inv failed igb '8 VFs requested, sriov_totalvfs is 7'
check wait-failed 1 "sriovctl: 0000:01:00.0 failed: 8 VFs requested, sriov_totalvfs is 7" \
	"$bin" --root "$W" wait --timeout 5
wait_inv pending igb 'VFs being created'
check wait-timeout 1 "sriovctl: 0000:01:00.0 pending (timed out after 0.3 s): VFs being created" \
	"$bin" --root "$W" wait --timeout 0.3
wait_inv pending - 'no driver bound'
check wait-no-udev 1 "sriovctl: 0000:01:00.0 pending, no driver bound and none coming (udev is not running): no driver bound" \
	"$bin" --root "$W" wait --timeout 5
mkdir -p "$W/run/udev/data"
: > "$W/run/udev/control"
check wait-udev-pending 1 "sriovctl: 0000:01:00.0 pending (timed out after 0.2 s): no driver bound" \
	"$bin" --root "$W" wait --timeout 0.2
: > "$W/run/udev/data/+pci:0000:01:00.0"
check wait-udev-done 1 "sriovctl: 0000:01:00.0 pending, no driver bound and none coming (udev has processed it): no driver bound" \
	"$bin" --root "$W" wait --timeout 5
# Applied while it waits.
wait_inv pending igb 'VFs being created'
(sleep 0.5; wait_inv applied igb) &
check wait-until-applied 0 "" "$bin" --root "$W" wait --timeout 20
wait
# Applied, but a VF's settings are pending: waited for, and named.
wait_inv applied igb
printf '%s\n' 'vf 0000:01:10.0 pf=0000:01:00.0 index=0 id=8086:10ca driver=igbvf netdev=eth1 irqs=- iommu_group=- group_alone=- vf_driver=auto in_use=no settings=pending' \
	'vf 0000:01:10.2 pf=0000:01:00.0 index=1 id=8086:10ca driver=igbvf netdev=eth2 irqs=- iommu_group=- group_alone=- vf_driver=auto in_use=no settings=applied' >> "$winv"
check wait-vf-pending 1 "sriovctl: 0000:01:00.0 applied; the settings of 1 VF still pending (timed out after 0.2 s)" \
	"$bin" --root "$W" wait --timeout 0.2
(sleep 0.5; sed -i 's/settings=pending/settings=applied/' "$winv") &
check wait-until-vf-applied 0 "" "$bin" --root "$W" wait --timeout 20
wait
# Ready means on the chosen driver, and for a network PF's VFs on a host
# driver, a network device that udev has processed (named).
# wait_vfs PF_NETDEV VF_LINE_TAIL...: an applied PF and one VF line each.
wait_vfs() {
	local pfnd=$1 i=0 tail
	shift
	sed "s/netdev=- reason=/netdev=$pfnd reason=/" <<< "$(wait_inv applied igb; cat "$winv")" > "$winv.new"
	for tail in "$@"; do
		printf 'vf 0000:01:1%d.0 pf=0000:01:00.0 index=%d id=8086:10ca %s\n' $i $i "$tail" >> "$winv.new"
		i=$((i + 1))
	done
	mv "$winv.new" "$winv"
}
rm -f "$W/run/udev/data/"*
: > "$W/run/udev/control"
sleep 0.01
wait_vfs enp1s0 'driver=- netdev=- irqs=- iommu_group=- group_alone=- vf_driver=vfio-pci in_use=no settings=unset'
check wait-vf-not-on-driver 1 "sriovctl: 0000:01:00.0 applied; 1 of 1 VFs not ready (timed out after 0.2 s): 0000:01:10.0 not on vfio-pci (driver -)" \
	"$bin" --root "$W" wait --timeout 0.2
# udev has processed the VF and no driver took it: no use waiting.
: > "$W/run/udev/data/+pci:0000:01:10.0"
check wait-vf-stuck 1 "sriovctl: 0000:01:00.0 applied; 1 of 1 VFs not on their driver, and none will bind them: 0000:01:10.0 not on vfio-pci (driver -)" \
	"$bin" --root "$W" wait --timeout 20
# Held by the module until its PF's pass sets it up: not stuck, late.
mkdir -p "$W/sys/bus/pci/devices/0000:01:10.0"
echo sriov_helper > "$W/sys/bus/pci/devices/0000:01:10.0/driver_override"
check wait-vf-held 1 "sriovctl: 0000:01:00.0 applied; 1 of 1 VFs not ready (timed out after 0.2 s): 0000:01:10.0 held by sriov_helper for its settings" \
	"$bin" --root "$W" wait --timeout 0.2
(sleep 0.5; echo vfio-pci > "$W/sys/bus/pci/devices/0000:01:10.0/driver_override"
 wait_vfs enp1s0 'driver=vfio-pci netdev=- irqs=- iommu_group=- group_alone=- vf_driver=vfio-pci in_use=no settings=unset') &
check wait-until-vf-let-go 0 "" "$bin" --root "$W" wait --timeout 20
wait
# Held until its PF's interface is up: ready while it is down (network
# configuration brings it up after sriov-helper-wait.service), late once
# it is up (the module is letting the VF go).
echo sriov_helper_pf_down > "$W/sys/bus/pci/devices/0000:01:10.0/driver_override"
mkdir -p "$W/sys/class/net/enp1s0"
echo 0x1002 > "$W/sys/class/net/enp1s0/flags"
wait_vfs enp1s0 'driver=- netdev=- irqs=- iommu_group=- group_alone=- vf_driver=auto in_use=no settings=unset'
check wait-vf-held-pf-down 0 "" "$bin" --root "$W" wait --timeout 0.2
echo 0x1003 > "$W/sys/class/net/enp1s0/flags"
check wait-vf-held-pf-up 1 "sriovctl: 0000:01:00.0 applied; 1 of 1 VFs not ready (timed out after 0.2 s): 0000:01:10.0 held until enp1s0 is up, which it now is" \
	"$bin" --root "$W" wait --timeout 0.2
rm -rf "$W/sys/bus" "$W/sys/class/net/enp1s0"
wait_vfs enp1s0 'driver=igbvf netdev=eth1 irqs=- iommu_group=- group_alone=- vf_driver=none in_use=no settings=unset' \
	'driver=? netdev=? irqs=? iommu_group=- group_alone=- vf_driver=auto in_use=? settings=unset'
check wait-vf-none-busy 1 "sriovctl: 0000:01:00.0 applied; 2 of 2 VFs not ready (timed out after 0.2 s): 0000:01:10.0 on igbvf, not unbound (vf_driver none), 0000:01:11.0 busy (its device lock is held)" \
	"$bin" --root "$W" wait --timeout 0.2
# A network VF: bound is not enough (iavf makes its netdev later), and its
# netdev must be udev's (named) before network configuration starts.
wait_vfs enp1s0 'driver=igbvf netdev=- irqs=- iommu_group=- group_alone=- vf_driver=auto in_use=no settings=unset'
check wait-vf-no-netdev 1 "sriovctl: 0000:01:00.0 applied; 1 of 1 VFs not ready (timed out after 0.2 s): 0000:01:10.0 on igbvf has no network device yet" \
	"$bin" --root "$W" wait --timeout 0.2
mkdir -p "$W/sys/class/net/enp1s0v0"
echo 7 > "$W/sys/class/net/enp1s0v0/ifindex"
wait_vfs enp1s0 'driver=igbvf netdev=enp1s0v0 irqs=- iommu_group=- group_alone=- vf_driver=auto in_use=no settings=unset'
check wait-vf-not-named 1 "sriovctl: 0000:01:00.0 applied; 1 of 1 VFs not ready (timed out after 0.2 s): 0000:01:10.0's network device enp1s0v0 is not named by udev yet" \
	"$bin" --root "$W" wait --timeout 0.2
(sleep 0.5; : > "$W/run/udev/data/n7") &
check wait-until-vf-named 0 "" "$bin" --root "$W" wait --timeout 20
wait
# An entry the initramfs' udev wrote (older than the running udev) is not
# this udev's answer.
touch -d '1 hour ago' "$W/run/udev/data/n7"
check wait-vf-named-by-initramfs 1 "sriovctl: 0000:01:00.0 applied; 1 of 1 VFs not ready (timed out after 0.2 s): 0000:01:10.0's network device enp1s0v0 is not named by udev yet" \
	"$bin" --root "$W" wait --timeout 0.2
# A VF on vfio-pci has no network device to wait for; the same on a PF
# without a network device (NVMe).
wait_vfs enp1s0 'driver=vfio-pci netdev=- irqs=- iommu_group=- group_alone=- vf_driver=vfio-pci in_use=no settings=unset'
check wait-vf-vfio 0 "" "$bin" --root "$W" wait --timeout 0.2
wait_vfs - 'driver=nvme netdev=- irqs=- iommu_group=- group_alone=- vf_driver=auto in_use=no settings=unset'
check wait-vf-no-netdev-pf 0 "" "$bin" --root "$W" wait --timeout 0.2
rm -rf "$W/run/udev" "$W/sys/class/net"
# Nothing managed: nothing to wait for.
printf '# sriov_helper inventory v3\n' > "$winv"
check wait-nothing 0 "" "$bin" --root "$W" wait --timeout 0

# ---- metrics ---------------------------------------------------------------------

fixture
# VF 1 with configfs settings, VF 2 with a vf= parameter's.
mkset "$c/0000:01:00.0/vf1" applied mac=02:00:00:00:00:01 vlan=5 trust=on
printf '0000:01:00.0/2,trust=off\n' > "$R/sys/module/sriov_helper/parameters/vf"
METRICS=$(cat <<'EOF'
# HELP sriov_helper_module_loaded Whether the sriov_helper module is loaded (1) or not (0; sriovctl metrics says why on stderr).
# TYPE sriov_helper_module_loaded gauge
sriov_helper_module_loaded 1
# HELP sriov_helper_pf_info An SR-IOV physical function: its vendor:device ID, driver and network device (always 1).
# TYPE sriov_helper_pf_info gauge
sriov_helper_pf_info{pf="0000:01:00.0",id="8086:10c9",driver="igb",netdev="enp1s0f0"} 1
sriov_helper_pf_info{pf="0000:02:00.0",id="1b36:0010",driver="nvme",netdev=""} 1
# HELP sriov_helper_pf_managed Whether sriov_helper manages the PF's VF count (1) or not (0).
# TYPE sriov_helper_pf_managed gauge
sriov_helper_pf_managed{pf="0000:01:00.0"} 1
sriov_helper_pf_managed{pf="0000:02:00.0"} 0
# HELP sriov_helper_pf_vfs_requested VFs asked for the PF (pf= or configfs); absent when none are.
# TYPE sriov_helper_pf_vfs_requested gauge
sriov_helper_pf_vfs_requested{pf="0000:01:00.0"} 7
# HELP sriov_helper_pf_vfs_enabled VFs the PF has now (sriov_numvfs).
# TYPE sriov_helper_pf_vfs_enabled gauge
sriov_helper_pf_vfs_enabled{pf="0000:01:00.0"} 3
sriov_helper_pf_vfs_enabled{pf="0000:02:00.0"} 0
# HELP sriov_helper_pf_vfs_max VFs the PF can have (sriov_totalvfs).
# TYPE sriov_helper_pf_vfs_max gauge
sriov_helper_pf_vfs_max{pf="0000:01:00.0"} 7
sriov_helper_pf_vfs_max{pf="0000:02:00.0"} 127
# HELP sriov_helper_pf_vfs_fit The largest VF count that fit at the last diagnosis; absent before any.
# TYPE sriov_helper_pf_vfs_fit gauge
sriov_helper_pf_vfs_fit{pf="0000:01:00.0"} 3
# HELP sriov_helper_pf_state The PF's state: 1 for the one it is in (unmanaged, pending, applied, failed).
# TYPE sriov_helper_pf_state gauge
sriov_helper_pf_state{pf="0000:01:00.0",state="unmanaged"} 0
sriov_helper_pf_state{pf="0000:01:00.0",state="pending"} 0
sriov_helper_pf_state{pf="0000:01:00.0",state="applied"} 1
sriov_helper_pf_state{pf="0000:01:00.0",state="failed"} 0
sriov_helper_pf_state{pf="0000:02:00.0",state="unmanaged"} 1
sriov_helper_pf_state{pf="0000:02:00.0",state="pending"} 0
sriov_helper_pf_state{pf="0000:02:00.0",state="applied"} 0
sriov_helper_pf_state{pf="0000:02:00.0",state="failed"} 0
# HELP sriov_helper_pf_cause What limited the VF count at the last diagnosis: 1 for it (none, bus_range, mmio, layout); absent before any.
# TYPE sriov_helper_pf_cause gauge
sriov_helper_pf_cause{pf="0000:01:00.0",cause="none"} 0
sriov_helper_pf_cause{pf="0000:01:00.0",cause="bus_range"} 1
sriov_helper_pf_cause{pf="0000:01:00.0",cause="mmio"} 0
sriov_helper_pf_cause{pf="0000:01:00.0",cause="layout"} 0
# HELP sriov_helper_pf_irq_vectors VF vectors of the PF that sriov_helper places (not managed, nobalancing or unrequested ones).
# TYPE sriov_helper_pf_irq_vectors gauge
sriov_helper_pf_irq_vectors{pf="0000:01:00.0"} 2
# HELP sriov_helper_pf_irq_spread_vectors Over the CPUs the PF's VF vectors go to (irq_cpus), the most vectors on one CPU less the fewest.
# TYPE sriov_helper_pf_irq_spread_vectors gauge
sriov_helper_pf_irq_spread_vectors{pf="0000:01:00.0"} 1
# HELP sriov_helper_vf_info A VF: its index, the driver bound (empty: none; ?: its device lock was busy), the driver chosen for it (vf_driver), its network device and the MAC that network device has (always 1).
# TYPE sriov_helper_vf_info gauge
sriov_helper_vf_info{vf="0000:01:10.0",pf="0000:01:00.0",index="0",driver="vfio-pci",vf_driver="vfio-pci",netdev="",mac=""} 1
sriov_helper_vf_info{vf="0000:01:10.4",pf="0000:01:00.0",index="1",driver="igbvf",vf_driver="igbvf",netdev="eth1",mac="5a:da:12:08:ab:52"} 1
sriov_helper_vf_info{vf="0000:01:11.0",pf="0000:01:00.0",index="2",driver="",vf_driver="none",netdev="",mac=""} 1
# HELP sriov_helper_vf_in_use Whether a guest or a VFIO user holds the VF (1) or not (0); no sample while it cannot be told (its device lock was busy).
# TYPE sriov_helper_vf_in_use gauge
sriov_helper_vf_in_use{vf="0000:01:10.0",pf="0000:01:00.0"} 1
sriov_helper_vf_in_use{vf="0000:01:10.4",pf="0000:01:00.0"} 0
sriov_helper_vf_in_use{vf="0000:01:11.0",pf="0000:01:00.0"} 0
# HELP sriov_helper_vf_settings_state The state of the VF's per-VF settings: 1 for the one it is in (unset, pending, applied, waiting, failed).
# TYPE sriov_helper_vf_settings_state gauge
sriov_helper_vf_settings_state{vf="0000:01:10.0",pf="0000:01:00.0",state="unset"} 1
sriov_helper_vf_settings_state{vf="0000:01:10.0",pf="0000:01:00.0",state="pending"} 0
sriov_helper_vf_settings_state{vf="0000:01:10.0",pf="0000:01:00.0",state="applied"} 0
sriov_helper_vf_settings_state{vf="0000:01:10.0",pf="0000:01:00.0",state="waiting"} 0
sriov_helper_vf_settings_state{vf="0000:01:10.0",pf="0000:01:00.0",state="failed"} 0
sriov_helper_vf_settings_state{vf="0000:01:10.4",pf="0000:01:00.0",state="unset"} 0
sriov_helper_vf_settings_state{vf="0000:01:10.4",pf="0000:01:00.0",state="pending"} 0
sriov_helper_vf_settings_state{vf="0000:01:10.4",pf="0000:01:00.0",state="applied"} 0
sriov_helper_vf_settings_state{vf="0000:01:10.4",pf="0000:01:00.0",state="waiting"} 0
sriov_helper_vf_settings_state{vf="0000:01:10.4",pf="0000:01:00.0",state="failed"} 1
sriov_helper_vf_settings_state{vf="0000:01:11.0",pf="0000:01:00.0",state="unset"} 0
sriov_helper_vf_settings_state{vf="0000:01:11.0",pf="0000:01:00.0",state="pending"} 1
sriov_helper_vf_settings_state{vf="0000:01:11.0",pf="0000:01:00.0",state="applied"} 0
sriov_helper_vf_settings_state{vf="0000:01:11.0",pf="0000:01:00.0",state="waiting"} 0
sriov_helper_vf_settings_state{vf="0000:01:11.0",pf="0000:01:00.0",state="failed"} 0
# HELP sriov_helper_vf_settings_info The MAC, VLAN and trust asked for the VF (vf= or configfs; empty: not asked); only VFs with per-VF settings (always 1).
# TYPE sriov_helper_vf_settings_info gauge
sriov_helper_vf_settings_info{vf="0000:01:10.4",pf="0000:01:00.0",mac="02:00:00:00:00:01",vlan="5",trust="on"} 1
sriov_helper_vf_settings_info{vf="0000:01:11.0",pf="0000:01:00.0",mac="",vlan="",trust="off"} 1
EOF
)
check metrics 0 "$METRICS" "$bin" --root "$R" metrics
# --output: the same text in the file, world-readable, nothing left over.
mkdir -p "$T/textfile"
check metrics-output 0 "" "$bin" --root "$R" metrics --output "$T/textfile/sriov_helper.prom"
check metrics-output-file 0 "$METRICS" cat "$T/textfile/sriov_helper.prom"
check metrics-output-alone 0 "644 sriov_helper.prom" sh -c "cd '$T/textfile' && stat -c '%a %n' *"
check metrics-output-equals 0 "" "$bin" --root "$R" metrics --output="$T/textfile/sriov_helper.prom"
check metrics-output-no-dir 1 "sriovctl: cannot create a temporary file next to $T/none/x.prom: No such file or directory" \
	"$bin" --root "$R" metrics --output "$T/none/x.prom"
check metrics-output-not-for-list 2 "sriovctl: --output applies to metrics, not list
$USAGE" "$bin" --root "$R" list --output "$T/x"
check metrics-output-empty 2 "sriovctl: option '--output' needs a file name
$USAGE" "$bin" --root "$R" metrics --output=
# A VF whose device lock the module found busy: ? where it could not look,
# and no in_use sample rather than a 0 nobody measured.
sed -i 's/^vf 0000:01:11.0 .*/vf 0000:01:11.0 pf=0000:01:00.0 index=2 id=8086:10ca driver=? netdev=? irqs=? iommu_group=- group_alone=- vf_driver=none settings=pending in_use=?/' "$inv"
check metrics-busy-vf 0 'sriov_helper_vf_info{vf="0000:01:11.0",pf="0000:01:00.0",index="2",driver="?",vf_driver="none",netdev="?",mac=""} 1' \
	sh -c "'$bin' --root '$R' metrics | grep '^sriov_helper_vf_[a-z_]*{vf=\"0000:01:11.0\"' | grep -v settings"
fixture
# Prometheus' conventions: no timestamps (a value and nothing after it),
# gauges only and so no _total, every family with HELP and TYPE before
# its samples, and promtool's own checks.
check_true metrics-no-timestamps "$(grep -v '^#' <<< "$METRICS" | grep -Ev '^[a-z_]+(\{[^}]*\})? [0-9]+$' | head -n1)" \
	test -z "$(grep -v '^#' <<< "$METRICS" | grep -Ev '^[a-z_]+(\{[^}]*\})? [0-9]+$')"
check metrics-no-total 1 "0" grep -cE '_total[{ ]' <<< "$METRICS"
check metrics-families 0 "" python3 -c '
import sys
seen, cur = set(), None
for line in sys.stdin.read().splitlines():
    if line.startswith("# HELP "):
        name = line.split()[2]
        assert name not in seen, name
        seen.add(name)
        cur = name
    elif line.startswith("# TYPE "):
        assert line.split()[2:] == [cur, "gauge"], line
    else:
        name = line.split("{")[0].split(" ")[0]
        assert name == cur, (name, cur)
' <<< "$METRICS"
if command -v promtool > /dev/null; then
	check metrics-promtool 0 "" promtool check metrics < "$T/textfile/sriov_helper.prom"
else
	ok "metrics-promtool # SKIP promtool is not installed (Debian's prometheus package)"
fi
# Debian's node_exporter reads the file with its textfile collector, on a
# loopback port of this machine: no read error, every sample there.
node_exporter=$(command -v prometheus-node-exporter || command -v node_exporter)
if [ -z "$node_exporter" ]; then
	ok "metrics-node-exporter # SKIP prometheus-node-exporter is not installed"
else
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	"$node_exporter" --collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$T/textfile" \
		--web.listen-address="127.0.0.1:$port" > "$T/node_exporter.log" 2>&1 &
	ne_pid=$!
	check metrics-node-exporter 0 "node_textfile_scrape_error 0
$(grep -c '^sriov_helper_' <<< "$METRICS") sriov_helper samples" python3 -c '
import sys, time, urllib.request
for _ in range(100):
    try:
        text = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=5).read().decode()
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("node_exporter did not answer")
lines = text.splitlines()
print([l for l in lines if l.startswith("node_textfile_scrape_error")][0])
print(len([l for l in lines if l.startswith("sriov_helper_")]), "sriov_helper samples")
' "$port"
	kill "$ne_pid"
	wait "$ne_pid" 2> /dev/null
fi
# metrics_grep ERE: the metrics lines that match (none is no failure).
metrics_grep() {
	local m
	m=$("$bin" --root "$R" metrics) || return
	grep -E "$1" <<< "$m"
	return 0
}
# The IRQ spread: over irq_cpus 0-3, three vectors on CPU 0, one on 1 and
# none on 2 and 3 is 3; vectors sriov_helper does not place do not count,
# one waiting to move counts where it is.
sed -i 's/irq_cpus=0-1,4 /irq_cpus=0-3 /; s/irqs=31:0;32:1>4;33:managed;34:nobalancing/irqs=31:0;32:1>2;33:managed;34:nobalancing;35:0;36:0;37:unrequested;38:-/' "$inv"
check metrics-irq-spread 0 'sriov_helper_pf_irq_vectors{pf="0000:01:00.0"} 4
sriov_helper_pf_irq_spread_vectors{pf="0000:01:00.0"} 3' \
	metrics_grep '^sriov_helper_pf_irq'
# An even spread is 0; a PF with irq=off has no irq_cpus and no sample.
sed -i 's/irqs=31:0;32:1>2;[^ ]*/irqs=31:0;32:1;33:2;34:3/' "$inv"
check metrics-irq-even 0 'sriov_helper_pf_irq_spread_vectors{pf="0000:01:00.0"} 0' \
	metrics_grep '^sriov_helper_pf_irq_spread'
sed -i 's/irq_cpus=0-3 /irq_cpus=- /' "$inv"
check metrics-irq-off 0 "" metrics_grep '^sriov_helper_pf_irq'
# Inventory v2: no in use or settings state to tell.
cp "$T/inventory.now" "$inv"
sed -i '1s/v[0-9]*$/v2/; s/ vf_driver=[^ ]* settings=[^ ]* in_use=[^ ]*$//' "$inv"
check metrics-v2 0 "" metrics_grep 'vf_in_use|vf_settings_state'
cp "$T/inventory.now" "$inv"
# Loaded, a filesystem missing: exit 1 (3 would read as "not loaded"),
# the file as it was.
mkdir -p "$T/nofs/sys/module/sriov_helper"
check metrics-no-debugfs 1 "sriovctl: $T/nofs/sys/kernel/debug/sriov_helper/inventory or $T/nofs/sys/kernel/config/sriov_helper is missing (debugfs or configfs not mounted): no metrics written" \
	"$bin" --root "$T/nofs" metrics --output "$T/textfile/sriov_helper.prom"
check metrics-no-debugfs-file 0 "$METRICS" cat "$T/textfile/sriov_helper.prom"
# Not loaded: the file says so (the textfile collector keeps reading it),
# and sriovctl says why, exit 3.
modroot "$fixtures/unsigned.bin"
check metrics-not-loaded 3 "$NOT_LOADED" "$bin" --root "$M" metrics --output "$T/textfile/sriov_helper.prom"
check metrics-not-loaded-file 0 "# HELP sriov_helper_module_loaded Whether the sriov_helper module is loaded (1) or not (0; sriovctl metrics says why on stderr).
# TYPE sriov_helper_module_loaded gauge
sriov_helper_module_loaded 0" cat "$T/textfile/sriov_helper.prom"

# ---- export ----------------------------------------------------------------------

fixture
echo node-1.Example > "$R/proc/sys/kernel/hostname"
check export-refused-driver-none 1 "sriovctl: refused, nothing exported:
0000:01:00.0: VF 2: vf_driver=none: the operator binds the default driver to every VF without one" \
	"$bin" --root "$R" export policy
# VF 2 bound to igbvf as the kernel chose: VF 0 on vfio-pci, VFs 1-2 on
# igbvf, two resources, each selected by the PF's address and its range.
sed -i 's/index=2 id=8086:10ca driver=- netdev=- irqs=- iommu_group=- group_alone=- vf_driver=none/index=2 id=8086:10ca driver=igbvf netdev=eth2 irqs=- iommu_group=- group_alone=- vf_driver=auto/' "$inv"
POLICIES=$(cat <<'EOF'
{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {
      "apiVersion": "sriovnetwork.openshift.io/v1",
      "kind": "SriovNetworkNodePolicy",
      "metadata": {
        "name": "sriov-helper-node-1.example-0000-01-00-0-vfs-0-0"
      },
      "spec": {
        "resourceName": "sriov_helper_0000_01_00_0_vfs_0_0",
        "nodeSelector": {
          "kubernetes.io/hostname": "node-1.example"
        },
        "numVfs": 3,
        "nicSelector": {
          "vendor": "8086",
          "deviceID": "10c9",
          "rootDevices": ["0000:01:00.0"],
          "pfNames": ["enp1s0f0#0-0"]
        },
        "deviceType": "vfio-pci",
        "externallyManaged": true
      }
    },
    {
      "apiVersion": "sriovnetwork.openshift.io/v1",
      "kind": "SriovNetworkNodePolicy",
      "metadata": {
        "name": "sriov-helper-node-1.example-0000-01-00-0-vfs-1-2"
      },
      "spec": {
        "resourceName": "sriov_helper_0000_01_00_0_vfs_1_2",
        "nodeSelector": {
          "kubernetes.io/hostname": "node-1.example"
        },
        "numVfs": 3,
        "nicSelector": {
          "vendor": "8086",
          "deviceID": "10c9",
          "rootDevices": ["0000:01:00.0"],
          "pfNames": ["enp1s0f0#1-2"]
        },
        "deviceType": "netdevice",
        "externallyManaged": true
      }
    }
  ]
}
EOF
)
check export-policy 0 "$POLICIES" "$bin" --root "$R" export policy
DEVICE_PLUGIN=$(cat <<'EOF'
{
  "resourceList": [
    {
      "resourceName": "sriov_helper_0000_01_00_0_vfs_0_0",
      "selectors": {
        "vendors": ["8086"],
        "devices": ["10ca"],
        "drivers": ["vfio-pci"],
        "rootDevices": ["0000:01:00.0"],
        "pfNames": ["enp1s0f0#0-0"]
      }
    },
    {
      "resourceName": "sriov_helper_0000_01_00_0_vfs_1_2",
      "selectors": {
        "vendors": ["8086"],
        "devices": ["10ca"],
        "drivers": ["igbvf"],
        "rootDevices": ["0000:01:00.0"],
        "pfNames": ["enp1s0f0#1-2"]
      }
    }
  ]
}
EOF
)
check export-device-plugin 0 "$DEVICE_PLUGIN" "$bin" --root "$R" export device-plugin
check export-named-pf 0 "$POLICIES" "$bin" --root "$R" export policy 1:00.0

# The policies against the operator's CRD schema, unknown fields refused
# (the schema has no additionalProperties: false; a Kubernetes API server
# prunes unknown fields, which would hide a misspelt one), and the rules
# its admission webhook adds: numVfs above 0 and above every pfNames
# range, a nicSelector that selects, one name#first-last per entry.
crd=$top/../shared/fleet/sriovnetworknodepolicies.crd.yaml
validate_policies() {
	CRD=$crd python3 -c '
import json, os, re, sys, yaml, jsonschema
crd = yaml.safe_load(open(os.environ["CRD"]))
ver = [v for v in crd["spec"]["versions"] if v["name"] == "v1"][0]
schema = ver["schema"]["openAPIV3Schema"]
def closed(s):
    if isinstance(s, dict):
        if "properties" in s and "additionalProperties" not in s:
            s["additionalProperties"] = False
        for v in s.values():
            closed(v)
    elif isinstance(s, list):
        for v in s:
            closed(v)
closed(schema)
schema["properties"]["metadata"] = {"type": "object", "required": ["name"],
    "additionalProperties": False,
    "properties": {"name": {"type": "string",
        "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
        "maxLength": 253}}}
doc = json.load(sys.stdin)
assert doc["apiVersion"] == "v1" and doc["kind"] == "List", doc.keys()
assert doc["items"], "no policy"
group = crd["spec"]["group"]
for p in doc["items"]:
    jsonschema.validate(p, schema)
    assert p["apiVersion"] == group + "/v1" and p["kind"] == crd["spec"]["names"]["kind"]
    s = p["spec"]
    assert s["externallyManaged"] is True and s["numVfs"] > 0
    assert re.fullmatch(r"[a-zA-Z0-9_]+", s["resourceName"]), s["resourceName"]
    sel = s["nicSelector"]
    assert sel.get("pfNames") or sel.get("rootDevices") or sel.get("vendor"), sel
    for name in sel.get("pfNames", []):
        m = re.fullmatch(r"([^#]+)(?:#(\d+)-(\d+))?", name)
        assert m, name
        if m.group(2):
            assert int(m.group(2)) <= int(m.group(3)) < s["numVfs"], name
print(len(doc["items"]))
'
}
if [ ! -f "$crd" ]; then
	ok "export-policy-schema # SKIP $crd is absent (the operator's CRD, kept outside the tree)"
	ok "export-policy-schema-unknown-field # SKIP $crd is absent"
elif ! python3 -c 'import jsonschema, yaml' 2> /dev/null; then
	ok "export-policy-schema # SKIP python3-jsonschema or python3-yaml is not installed"
	ok "export-policy-schema-unknown-field # SKIP python3-jsonschema or python3-yaml is not installed"
else
	check export-policy-schema 0 2 validate_policies <<< "$POLICIES"
	# The check itself refuses a field the CRD does not have.
	if out=$(validate_policies <<< "${POLICIES//\"numVfs\": 3,/\"numVfs\": 3, \"vfCount\": 3,}" 2>&1); then
		bad export-policy-schema-unknown-field "accepted: $out"
	elif [[ $out == *"Additional properties are not allowed ('vfCount' was unexpected)"* ]]; then
		ok export-policy-schema-unknown-field
	else
		bad export-policy-schema-unknown-field "$(tail -n1 <<< "$out")"
	fi
fi
# config.json as the device plugin documents it: resourceList, each with a
# resourceName and a selectors object of known selectors, lists of
# strings; the same resources as the policies.
check export-device-plugin-format 0 "" python3 -c '
import json, re, sys
dp = json.loads(sys.argv[1])
pol = json.loads(sys.argv[2])
assert list(dp) == ["resourceList"], list(dp)
known = {"vendors", "devices", "drivers", "pfNames", "rootDevices", "linkTypes",
         "ddpProfiles", "isRdma", "needVhostNet", "pciAddresses", "acpiIndexes"}
for r in dp["resourceList"]:
    assert set(r) <= {"resourceName", "resourcePrefix", "deviceType", "excludeTopology", "selectors"}, r
    assert re.fullmatch(r"[a-zA-Z0-9_]+", r["resourceName"])
    sel = r["selectors"]
    assert isinstance(sel, dict) and set(sel) <= known, sel
    for k, v in sel.items():
        assert isinstance(v, list) and all(isinstance(x, str) for x in v), (k, v)
    assert all(re.fullmatch(r"[0-9a-f]{4}", x) for x in sel["vendors"] + sel["devices"])
    assert all(re.fullmatch(r"[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]", x) for x in sel["rootDevices"])
    assert all(re.fullmatch(r"[^#]+#\d+-\d+", x) for x in sel.get("pfNames", []))
names = [r["resourceName"] for r in dp["resourceList"]]
assert names == [p["spec"]["resourceName"] for p in pol["items"]], names
for r, p in zip(dp["resourceList"], pol["items"]):
    assert r["selectors"].get("pfNames") == p["spec"]["nicSelector"].get("pfNames")
    vfio = r["selectors"]["drivers"] == ["vfio-pci"]
    assert vfio == (p["spec"]["deviceType"] == "vfio-pci")
' "$DEVICE_PLUGIN" "$POLICIES"

# Every VF of one kind: the whole PF, by its address alone.
sed -i 's/index=0 id=8086:10ca driver=vfio-pci netdev=- irqs=30:unrequested iommu_group=12 group_alone=yes vf_driver=vfio-pci/index=0 id=8086:10ca driver=igbvf netdev=eth0 irqs=30:unrequested iommu_group=12 group_alone=yes vf_driver=auto/' "$inv"
check export-whole-pf 0 '    {
      "resourceName": "sriov_helper_0000_01_00_0_vfs_0_2",
      "selectors": {
        "vendors": ["8086"],
        "devices": ["10ca"],
        "drivers": ["igbvf"],
        "rootDevices": ["0000:01:00.0"]
      }
    }' sh -c "'$bin' --root '$R' export device-plugin | sed '1,2d;\$d' | sed '\$d'"
# Per-VF vlan or trust (vf= or configfs), a VF without a driver: refused,
# every PF and VF named, nothing on stdout.
mkset "$c/0000:01:00.0/vf0" applied vlan=5
printf '0000:01:00.0/1,trust=off\n' > "$R/sys/module/sriov_helper/parameters/vf"
sed -i 's/index=2 id=8086:10ca driver=igbvf/index=2 id=8086:10ca driver=-/' "$inv"
check export-refused-cni 1 "sriovctl: refused, nothing exported:
0000:01:00.0: VF 2: no driver bound: the operator would bind one, the device plugin skips them
0000:01:00.0: VFs 0-1: per-VF vlan or trust set: the SR-IOV CNI sets them for each pod, and sriov_helper would set them back" \
	"$bin" --root "$R" export device-plugin
check export-refused-not-pf 1 "sriovctl: refused, nothing exported:
0000:02:00.0: not managed by sriov_helper
0000:09:00.0: not an SR-IOV PF" "$bin" --root "$R" export policy 02:00.0 0000:09:00.0
check export-what 2 "sriovctl: export what: policy or device-plugin, not 'policies'" \
	"$bin" --root "$R" export policies
check export-bad-pf 2 "sriovctl: invalid PF 'x': expected [DOMAIN:]BB:DD.F or VVVV:DDDD (hex)" \
	"$bin" --root "$R" export policy x
# Two device types on a PF without a netdev: no name to give a range by.
cp "$T/inventory.now" "$inv"
sed -i 's/index=2 id=8086:10ca driver=- netdev=- irqs=- iommu_group=- group_alone=- vf_driver=none/index=2 id=8086:10ca driver=igbvf netdev=eth2 irqs=- iommu_group=- group_alone=- vf_driver=auto/; s/ netdev=enp1s0f0 / netdev=- /' "$inv"
printf '\n' > "$R/sys/module/sriov_helper/parameters/vf"
rm -r "$c/0000:01:00.0/vf0"
check export-no-netdev 1 "sriovctl: refused, nothing exported:
0000:01:00.0: VFs of two device types, and the PF has no netdev to name a range by (pfNames: name#first-last)" \
	"$bin" --root "$R" export policy
cp "$T/inventory.now" "$inv"
sed -i '1s/v[0-9]*$/v2/' "$inv"
check export-v2 1 "sriovctl: export needs inventory v3 (each VF's vf_driver); this module writes v2" \
	"$bin" --root "$R" export policy
cp "$T/inventory.now" "$inv"

# ---- apply -----------------------------------------------------------------------

# configfs removes an item's directory with its attribute files; a plain
# directory must be empty first: a stand-in rmdir for the fixture tree.
if gcc -O2 -Wall -Wextra -Werror -shared -fPIC -o "$T/configfs-rmdir.so" \
	"$here/configfs-rmdir.c" -ldl 2> "$T/cc.log"; then
	ok apply-rmdir-shim-build
else
	bad apply-rmdir-shim-build "$(head -n1 "$T/cc.log")"
fi
apply() { LD_PRELOAD=$T/configfs-rmdir.so "$bin" --root "$R" apply "$@"; }
fixture
conf=$T/sriov_helper.conf
"$bin" --root "$R" dump > "$conf"
# dump's own file: only the empty entry (no count, no sets) goes.
check apply-dump 0 "sriovctl unset 02:00.0" apply "$conf"
check apply-dump-again 0 "" apply "$conf"
check apply-dump-same 0 "$(cat "$conf")" "$bin" --root "$R" dump
# A count changed, an ID entry and a set dropped, a set changed, a set for
# a PF without an entry: each step printed as the command it runs.
sed -i 's/vfs=7/vfs=5/; /8086:10c9/d; /\/7,/d; s/vlan=100/vlan=101/' "$conf"
printf '%s\n' '# the admin' 'options sriov_helper vf="0000:0b:00.0/0,trust=on"' \
	'options igb max_vfs=7' 'blacklist igbvf' >> "$conf"
STEPS="sriovctl unset 0000:01:00.0 7
sriovctl unset 8086:10c9
sriovctl set 0000:01:00.0,vfs=5,irq_cpus=0-1,4,vf_driver=vfio-pci
sriovctl vf 0000:01:00.0 10 mac=02:00:00:00:00:10 vlan=101 qos=3 vlan_proto=802.1ad spoofchk=off trust= link_state= query_rss= min_tx_rate= max_tx_rate= node_guid= port_guid= vf_driver= msix=
sriovctl vf 0000:0b:00.0 0 trust=on mac= vlan= qos= vlan_proto= spoofchk= link_state= query_rss= min_tx_rate= max_tx_rate= node_guid= port_guid= vf_driver= msix="
before=$(snapshot "$R")
check apply-dry-run 0 "$STEPS" apply --dry-run "$conf"
check_true apply-dry-run-changes-nothing "$(diff <(echo "$before") <(snapshot "$R") | head -n3 | tr '\n' ' ')" \
	test "$before" = "$(snapshot "$R")"
check apply-changes 0 "$STEPS" apply "$conf"
check apply-changes-again 0 "" apply "$conf"
check apply-changes-dump 0 "$(grep '^options sriov_helper' "$conf" | tr -d '"')" "$bin" --root "$R" dump
check apply-changes-files 0 "vfs=5
vlan=101
trust=on" files "$c/0000:01:00.0/vfs" "$c/0000:01:00.0/vf10/vlan" "$c/0000:0b:00.0/vf0/trust"
check_true apply-changes-removed "$(ls "$c" "$c/0000:01:00.0")" test ! -e "$c/8086:10c9" -a ! -e "$c/0000:01:00.0/vf7"
# An entry whose count the file drops, with a set it keeps: configfs keeps
# a count once written, so the entry goes and comes back without one.
sed -i '/pf=0000:01:00.0,/d' "$conf"
check apply-uncount 0 "sriovctl unset 0000:01:00.0
sriovctl vf 0000:01:00.0 4-6 link_state=disable query_rss=on min_tx_rate=10 max_tx_rate=100 vf_driver=igbvf mac= vlan= qos= vlan_proto= spoofchk= trust= node_guid= port_guid= msix=
sriovctl vf 0000:01:00.0 10 mac=02:00:00:00:00:10 vlan=101 qos=3 vlan_proto=802.1ad spoofchk=off trust= link_state= query_rss= min_tx_rate= max_tx_rate= node_guid= port_guid= vf_driver= msix=" \
	apply "$conf"
check apply-uncount-files 0 "vfs absent
vf_driver=igbvf" files "$c/0000:01:00.0/vfs" "$c/0000:01:00.0/vf4-6/vf_driver"
check apply-uncount-again 0 "" apply "$conf"

# Bad input: the module's words with the file's line, exit 2, nothing
# changed.
before=$(snapshot "$R")
applybad() {
	local name=$1 want=$2
	printf '%s\n' 'options sriov_helper pf=0000:05:00.0,vfs=2' "$3" > "$T/bad.conf"
	check "apply-bad-$name" 2 "sriovctl: $T/bad.conf:2: $want" apply "$T/bad.conf"
}
applybad count "invalid pf= entry '06:00.0,vfs=x': not a decimal number: 'vfs=x'" \
	'options sriov_helper pf=06:00.0,vfs=x'
applybad pf-twice "invalid pf= entry '5:00.0,vfs=3': PF given twice: '5:00.0'" \
	'options sriov_helper pf=5:00.0,vfs=3'
applybad vfs-twice "invalid vf= entry '0000:05:00.0/1-2,trust=on': VFs given twice (a VF has one set of settings): '0000:05:00.0/1-2'" \
	'options sriov_helper vf=0000:05:00.0/0-1,trust=off;0000:05:00.0/1-2,trust=on'
applybad vlan "invalid vf= entry '05:00.0/0,vlan=4095': VLAN ID must be decimal 0-4094 (0: untagged): 'vlan=4095'" \
	'options sriov_helper vf=05:00.0/0,vlan=4095'
applybad msix "invalid vf= entry '05:00.0/0-1,msix=0': msix is the VF's MSI-X vector count, decimal 1-2048: 'msix=0'" \
	'options sriov_helper vf=05:00.0/0-1,msix=0'
applybad param "unknown parameter 'pfs': sriov_helper has pf= and vf=" \
	'options sriov_helper pfs=05:00.0,vfs=1'
check_true apply-bad-changes-nothing "$(diff <(echo "$before") <(snapshot "$R") | head -n3 | tr '\n' ' ')" \
	test "$before" = "$(snapshot "$R")"
check apply-no-file 2 "sriovctl: $T/none.conf: No such file or directory" apply "$T/none.conf"
check apply-dry-run-not-for-dump 2 "sriovctl: --dry-run applies to apply, not dump
$USAGE" "$bin" --root "$R" dump --dry-run

# What the parameters given at load set as the file does is not written
# again; what they set and the file does not is told (a reload undoes it).
fixture
find "$c" -mindepth 1 -delete
printf '0000:01:00.0,vfs=7;0000:02:00.0,vfs=1\n' > "$R/sys/module/sriov_helper/parameters/pf"
printf '0000:01:00.0/0,trust=on\n' > "$R/sys/module/sriov_helper/parameters/vf"
printf '%s\n' 'options sriov_helper pf=0000:01:00.0,vfs=7' 'options sriov_helper vf=0000:01:00.0/0,trust=on' > "$conf"
check apply-params 0 "sriovctl: note: pf=0000:02:00.0... was given at load and is not in $conf: it stays in force until sriov_helper is reloaded" \
	apply "$conf"
check_true apply-params-nothing-written "$(ls "$c")" test -z "$(ls "$c")"

# ---- bash completion -------------------------------------------------------------

bc=$here/../sriovctl.bash-completion
check completion-syntax 0 "" bash -n "$bc"
# complete_words LINE: what completing LINE (the cursor at its end) offers,
# one per line, as a non-interactive bash runs the function.
complete_words() {
	bash -c '
	. "$1" || exit 1
	COMP_LINE=$2 COMP_POINT=${#2}
	read -ra COMP_WORDS <<< "$2"
	[[ $2 == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_sriovctl sriovctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
	printf "%s\n" "${COMPREPLY[@]}"' bash "$bc" "$1"
}
# shellcheck disable=SC2016 # the inner shell's $1
check completion-registered 0 "complete -F _sriovctl sriovctl" bash -c '. "$1" && complete -p sriovctl' bash "$bc"
check completion-commands 0 "list
show
set
vf
unset
dump
wait
metrics
export
apply" complete_words "sriovctl "
check completion-command-prefix 0 "show
set" complete_words "sriovctl --json s"
check completion-option-after-command 0 "--json" complete_words "sriovctl show --j"
check completion-after-dashdash 0 "" complete_words "sriovctl -- --j"
check completion-vf-key 0 "vlan_proto=" complete_words "sriovctl vf 01:00.0 0 vlan_p"
check completion-vf-keys-left 0 "link_state=" complete_words "sriovctl vf 01:00.0 0-3 vlan=1 link_st"
check completion-vf-values 0 "auto
enable
disable" complete_words "sriovctl vf 01:00.0 0 link_state="
check completion-set-keys 0 "on_bus_range=
irq=
irq_cpus=
vf_driver=
vf_bind=" complete_words "sriovctl set 01:00.0 vfs=3 "
check completion-set-vf-bind 0 "parallel
serial" complete_words "sriovctl set 01:00.0 vfs=3 vf_bind="
fixture
check completion-sets 0 "10
4-6
7" complete_words "sriovctl --root $R unset 01:00.0 "
mkdir -p "$R/sys/bus/pci/devices/0000:01:00.0" "$R/sys/bus/pci/drivers/vfio-pci"
echo 7 > "$R/sys/bus/pci/devices/0000:01:00.0/sriov_totalvfs"
# After '=' (a word break) bash replaces only what follows it.
check completion-vf-driver 0 "vfio-pci" complete_words "sriovctl --root=$R vf 01:00.0 0 vf_driver=v"

mkdir -p "$T/prom"
: > "$T/prom/sriov_helper.prom"
check completion-export 0 "device-plugin" complete_words "sriovctl export d"
check completion-export-pf 0 "01:00.0" complete_words "sriovctl --root $R export policy 01"
check completion-apply 0 "$T/prom/sriov_helper.prom" complete_words "sriovctl apply --dry-run $T/prom/sr"
check completion-output 0 "$T/prom/sriov_helper.prom" complete_words "sriovctl metrics --output $T/prom/s"
# ---- the man page ----------------------------------------------------------------

man8=$here/../sriovctl.8
check_true man-version "$(grep '^\.TH' "$man8")" grep -q "^\.TH SRIOVCTL 8 \"[^\"]*\" \"sriov_helper $ver\"" "$man8"
missing=
for w in list show set vf unset dump wait metrics export policy device-plugin apply --dry-run --json --root --timeout --output --version --help -- $VKEYS \
	vfs on_bus_range irq irq_cpus vf_bind SRIOVCTL_LSINITRAMFS SRIOVCTL_MODINFO; do
	# roff writes a minus sign as \-
	grep -qF -- "${w//-/\\-}" "$man8" || missing+=" $w"
done
check man-documents 0 "" echo -n "${missing# }"
if command -v man > /dev/null; then
	check man-warnings 0 "" sh -c "MANWIDTH=80 man --warnings -l '$man8' 2>&1 > /dev/null"
else
	ok "man-warnings # SKIP man is not installed"
fi

# ---- the Ansible role (contrib/ansible), through this sriovctl ---------------------

SRIOVCTL=$bin "$top/contrib/ansible/tests/run.sh"
