#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sriovctl against fixture trees (--root), no kernel needed. Prints one
# "ok NAME" or "not ok NAME # why" line per test.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin=${SRIOVCTL:-$here/../sriovctl}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

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

fixture() {
	rm -rf "$T/r"
	mkdir -p "$T/r/sys/module/sriov_helper" "$T/r/sys/kernel/debug/sriov_helper"
	local c=$T/r/sys/kernel/config/sriov_helper
	mkdir -p "$c/0000:01:00.0" "$c/8086:10c9" "$c/02:00.0"
	printf '7\n' > "$c/0000:01:00.0/vfs"
	printf 'clamp\n' > "$c/0000:01:00.0/on_bus_range"
	printf 'spread\n' > "$c/0000:01:00.0/irq"
	printf '0-1,4\n' > "$c/0000:01:00.0/irq_cpus"
	printf 'vfio-pci\n' > "$c/0000:01:00.0/vf_driver"
	printf 'applied 3 (asked 7): bus range: 7 VFs need bus 02, window [bus 01]; 3 fit\n' > "$c/0000:01:00.0/status"
	mkdir -p "$c/0000:01:00.0/vf10" "$c/0000:01:00.0/vf2"
	printf '02:00:00:00:00:10\n' > "$c/0000:01:00.0/vf10/mac"
	printf '100\n' > "$c/0000:01:00.0/vf10/vlan"
	printf '\n' > "$c/0000:01:00.0/vf10/trust"
	printf 'off\n' > "$c/0000:01:00.0/vf10/spoofchk"
	printf 'waiting: VF 10 does not exist (3 VFs)\n' > "$c/0000:01:00.0/vf10/status"
	printf '\n' > "$c/0000:01:00.0/vf2/mac"
	printf '\n' > "$c/0000:01:00.0/vf2/vlan"
	printf 'on\n' > "$c/0000:01:00.0/vf2/trust"
	printf '\n' > "$c/0000:01:00.0/vf2/spoofchk"
	printf 'applied\n' > "$c/0000:01:00.0/vf2/status"
	printf '4\n' > "$c/8086:10c9/vfs"
	printf 'fail\n' > "$c/8086:10c9/on_bus_range"
	printf 'off\n' > "$c/8086:10c9/irq"
	printf '\n' > "$c/8086:10c9/irq_cpus"
	printf 'none\n' > "$c/8086:10c9/vf_driver"
	printf '0000:03:00.0 applied 4\n0000:04:00.0 pending: no driver bound\n' > "$c/8086:10c9/status"
	printf '\n' > "$c/02:00.0/vfs"
	printf 'clamp\n' > "$c/02:00.0/on_bus_range"
	printf 'spread\n' > "$c/02:00.0/irq"
	printf '\n' > "$c/02:00.0/irq_cpus"
	printf 'auto\n' > "$c/02:00.0/vf_driver"
	printf 'unset\n' > "$c/02:00.0/status"
	cat > "$T/r/sys/kernel/debug/sriov_helper/inventory" <<'INV'
# sriov_helper inventory v2
pf 0000:01:00.0 id=8086:1521 driver=igb numa=0 totalvfs=7 numvfs=3 offset=0x180 stride=4 ari=off bus_window=01-01 iov_bars=assigned iommu=yes managed=yes requested=7 source=configfs policy=clamp state=applied enabled=3 err=0 fit=3 cause=bus_range irq=spread irq_cpus=0-1,4 reason=bus range: 7 VFs need bus 02, window [bus 01]; 3 fit
vf 0000:01:10.0 pf=0000:01:00.0 index=0 id=8086:1520 driver=igbvf netdev=eth1 irqs=30:0;31:1>4;32:managed iommu_group=12 group_alone=yes
vf 0000:01:10.4 pf=0000:01:00.0 index=1 id=8086:1520 driver=- netdev=- irqs=- iommu_group=13 group_alone=no
pf 0000:02:00.0 id=1b36:0010 driver=nvme numa=-1 totalvfs=127 numvfs=0 offset=0x1 stride=1 ari=off bus_window=02-02 iov_bars=unassigned iommu=no managed=no requested=- source=- policy=- state=unmanaged enabled=- err=0 fit=- cause=- irq=- irq_cpus=- reason=
INV
}

fixture
check list 0 "$(cat <<'EOF2'
ENTRY          VFS    ON_BUS_RANGE  IRQ     IRQ_CPUS  VF_DRIVER  STATUS
0000:01:00.0   7      clamp         spread  0-1,4     vfio-pci   applied 3 (asked 7): bus range: 7 VFs need bus 02, window [bus 01]; 3 fit
  vf2          mac=- vlan=- trust=on spoofchk=-  applied
  vf10         mac=02:00:00:00:00:10 vlan=100 trust=- spoofchk=off  waiting: VF 10 does not exist (3 VFs)
02:00.0        -      clamp         spread  default   auto       unset
8086:10c9      4      fail          off     default   none       0000:03:00.0 applied 4
                                                                 0000:04:00.0 pending: no driver bound
EOF2
)" "$bin" --root "$T/r" list

check list-json 0 '[{"entry":"0000:01:00.0","vfs":7,"on_bus_range":"clamp","irq":"spread","irq_cpus":"0-1,4","vf_driver":"vfio-pci","status":"applied 3 (asked 7): bus range: 7 VFs need bus 02, window [bus 01]; 3 fit","vf":[{"index":2,"mac":null,"vlan":null,"trust":"on","spoofchk":null,"status":"applied"},{"index":10,"mac":"02:00:00:00:00:10","vlan":"100","trust":null,"spoofchk":"off","status":"waiting: VF 10 does not exist (3 VFs)"}]},{"entry":"02:00.0","vfs":null,"on_bus_range":"clamp","irq":"spread","irq_cpus":null,"vf_driver":"auto","status":"unset","vf":[]},{"entry":"8086:10c9","vfs":4,"on_bus_range":"fail","irq":"off","irq_cpus":null,"vf_driver":"none","status":"0000:03:00.0 applied 4\n0000:04:00.0 pending: no driver bound","vf":[]}]' \
	"$bin" --root "$T/r" --json list

check show 0 "$(cat <<'EOF2'
PF            ID         DRIVER   VFS     REQ  STATE    FIT   CAUSE     IOMMU IRQ_CPUS  REASON
0000:01:00.0  8086:1521  igb      3/7     7    applied  3     bus_range yes   0-1,4     bus range: 7 VFs need bus 02, window [bus 01]; 3 fit
  vf 0000:01:10.0  index 0    igbvf    eth1     group 12 irqs 30:0;31:1>4;32:managed
  vf 0000:01:10.4  index 1    -        -        group 13 (shared) irqs -
0000:02:00.0  1b36:0010  nvme     0/127   -    unmanaged -     -         no    -         
EOF2
)" "$bin" --root "$T/r" show

check show-one-pf 0 "$(cat <<'EOF2'
PF            ID         DRIVER   VFS     REQ  STATE    FIT   CAUSE     IOMMU IRQ_CPUS  REASON
0000:02:00.0  1b36:0010  nvme     0/127   -    unmanaged -     -         no    -         
EOF2
)" "$bin" --root "$T/r" show 02:00.0

# JSON: valid, typed, and the reason with its spaces intact.
if out=$("$bin" --root "$T/r" --json show) &&
   echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["version"] == 2
pf = d["pfs"][0]
assert pf["address"] == "0000:01:00.0" and pf["numvfs"] == 3 and pf["err"] == 0
assert pf["reason"] == "bus range: 7 VFs need bus 02, window [bus 01]; 3 fit"
assert pf["irq_cpus"] == "0-1,4" and pf["iommu"] == "yes"
assert [v["index"] for v in pf["vfs"]] == [0, 1] and pf["vfs"][1]["driver"] is None
assert pf["vfs"][0]["irqs"] == [{"irq": 30, "cpus": "0"}, {"irq": 31, "cpus": "1>4"},
                                {"irq": 32, "cpus": "managed"}]
assert pf["vfs"][1]["irqs"] == [] and pf["vfs"][0]["iommu_group"] == 12
assert pf["vfs"][1]["group_alone"] == "no"
assert d["pfs"][1]["requested"] is None and d["pfs"][1]["vfs"] == []
assert d["pfs"][1]["irq_cpus"] is None
'; then ok show-json; else bad show-json "$out"; fi

check show-not-a-pf 1 "sriovctl: 0000:05:00.0 is not an SR-IOV PF
PF            ID         DRIVER   VFS     REQ  STATE    FIT   CAUSE     IOMMU IRQ_CPUS  REASON" "$bin" --root "$T/r" show 0000:05:00.0

check dump 0 "options sriov_helper pf=0000:01:00.0,vfs=7,irq_cpus=0-1,4,vf_driver=vfio-pci;8086:10c9,vfs=4,on_bus_range=fail,irq=off,vf_driver=none
# per-VF, after load: sriovctl vf 0000:01:00.0 2 trust=on
# per-VF, after load: sriovctl vf 0000:01:00.0 10 mac=02:00:00:00:00:10 vlan=100 spoofchk=off" "$bin" --root "$T/r" dump
check dump-json 0 '{"options":"0000:01:00.0,vfs=7,irq_cpus=0-1,4,vf_driver=vfio-pci;8086:10c9,vfs=4,on_bus_range=fail,irq=off,vf_driver=none"}' "$bin" --root "$T/r" --json dump

# set: canonical name for a new entry; an existing entry under another
# spelling is reused; the policy is written before the count.
c=$T/r/sys/kernel/config/sriov_helper
check set-new 0 "" "$bin" --root "$T/r" set 5:00.1 vfs=2 on_bus_range=fail irq_cpus=3,1-2 vf_driver=vfio-pci
if [ "$(cat "$c/0000:05:00.1/vfs" "$c/0000:05:00.1/on_bus_range" \
	"$c/0000:05:00.1/irq" "$c/0000:05:00.1/irq_cpus" "$c/0000:05:00.1/vf_driver" 2>&1)" = "2
fail
spread
1-3
vfio-pci" ]; then ok set-new-files; else bad set-new-files "$(ls "$c")"; fi
check set-existing 0 "" "$bin" --root "$T/r" set 0000:02:00.0 vfs=5
if [ "$(cat "$c/02:00.0/vfs")" = 5 ] && [ ! -e "$c/0000:02:00.0" ]; then ok set-existing-reused; else bad set-existing-reused "$(ls "$c")"; fi

# Bad input: exit 2, the parser's own words, nothing created.
before=$(ls "$c")
check set-bad-count 2 "sriovctl: invalid: not a decimal number: 'vfs=x'" "$bin" --root "$T/r" set 06:00.0 vfs=x
check set-bad-pf 2 "sriovctl: invalid: bad PCI device (hex 00-1f): '06:40.0'" "$bin" --root "$T/r" set 06:40.0 vfs=1
check set-unknown-key 2 "sriovctl: invalid: unknown key (known: vfs, on_bus_range, irq, irq_cpus, vf_driver): 'vf'" "$bin" --root "$T/r" set 06:00.0 vf=1
check set-no-count 2 "sriovctl: invalid: missing vfs=N: '06:00.0,on_bus_range=fail'" "$bin" --root "$T/r" set 06:00.0 on_bus_range=fail
check set-bad-cpus 2 "sriovctl: invalid: CPU range goes backwards: 'irq_cpus=3-1'" "$bin" --root "$T/r" set 06:00.0 vfs=1 irq_cpus=3-1
check set-bad-irq 2 "sriovctl: invalid: irq must be spread or off: 'irq=on'" "$bin" --root "$T/r" set 06:00.0 vfs=1 irq=on
check set-two-pfs 2 "sriovctl: one PF at a time" "$bin" --root "$T/r" set "06:00.0,vfs=1;07:00.0" vfs=1
check set-bad-driver 2 "sriovctl: invalid: a driver name has only letters, digits, '_' and '-': 'vf_driver=vfio/pci'" "$bin" --root "$T/r" set 06:00.0 vfs=1 vf_driver=vfio/pci
check vf-bad-mac 2 "sriovctl: invalid: multicast address: a VF needs a unicast MAC: 'mac=01:00:00:00:00:01'" "$bin" --root "$T/r" vf 01:00.0 3 mac=01:00:00:00:00:01
check vf-bad-vlan 2 "sriovctl: invalid: VLAN ID must be decimal 0-4094 (0: untagged): 'vlan=5000'" "$bin" --root "$T/r" vf 01:00.0 3 vlan=5000
check vf-bad-key 2 "sriovctl: invalid: unknown per-VF key (known: mac, vlan, trust, spoofchk): 'qos'" "$bin" --root "$T/r" vf 01:00.0 3 qos=1
check vf-bad-index 2 "sriovctl: invalid VF index '03': decimal 0-65534, no leading zeros" "$bin" --root "$T/r" vf 01:00.0 03 trust=on
check vf-no-entry 1 "sriovctl: no configfs entry for 0b:00.0 (sriovctl set 0b:00.0 vfs=N first)" "$bin" --root "$T/r" vf 0b:00.0 0 trust=on
if [ "$(ls "$c")" = "$before" ]; then ok bad-input-changes-nothing; else bad bad-input-changes-nothing "$(ls "$c")"; fi

# vf: the entry under any spelling, vfN made, each value written.
check vf-set 0 "" "$bin" --root "$T/r" vf 01:00.0 3 mac=02:00:00:00:00:33 vlan=7 spoofchk=off trust=
if [ "$(cat "$c/0000:01:00.0/vf3/mac" "$c/0000:01:00.0/vf3/vlan" \
	"$c/0000:01:00.0/vf3/spoofchk" "$c/0000:01:00.0/vf3/trust" 2>&1)" = "02:00:00:00:00:33
7
off" ]; then ok vf-set-files; else bad vf-set-files "$(ls "$c/0000:01:00.0/vf3" 2>&1)"; fi

mkdir "$c/0000:09:00.0"
check unset 0 "" "$bin" --root "$T/r" unset 09:00.0
if [ ! -e "$c/0000:09:00.0" ]; then ok unset-removed; else bad unset-removed "still there"; fi
check unset-missing 1 "sriovctl: no configfs entry for 0a:00.0" "$bin" --root "$T/r" unset 0a:00.0

# Missing module, configfs, debugfs: exit 3 and what to do.
check no-module 3 "sriovctl: sriov_helper is not loaded (modprobe sriov_helper)" "$bin" --root "$T/empty" list
mkdir -p "$T/m/sys/module/sriov_helper"
check no-configfs 3 "sriovctl: configfs is not mounted (mount -t configfs none /sys/kernel/config)" "$bin" --root "$T/m" dump
check no-debugfs 3 "sriovctl: cannot read $T/m/sys/kernel/debug/sriov_helper/inventory: No such file or directory (is debugfs mounted? mount -t debugfs none /sys/kernel/debug)" "$bin" --root "$T/m" show

check usage 2 "$("$bin" --help; true)" sh -c "'$bin' frobnicate 2>&1 | tail -n +2; exit \${PIPESTATUS:-2}"
check help 0 "$("$bin" --help)" "$bin" --help
