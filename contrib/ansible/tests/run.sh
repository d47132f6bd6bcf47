#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Ansible role (contrib/ansible) with Debian's ansible-core: the
# example playbook's syntax, then the role run on this machine (-c local)
# against a fixture tree (--root): the file written and the fixture's
# configfs brought to it, a second run that changes nothing, check mode
# that changes nothing and says what would change, a bad value that fails
# with the module's message and changes nothing, the initramfs rebuilt
# only when the file changed. Prints "ok NAME" / "not ok NAME # why".
# SRIOVCTL names the sriovctl binary (default: the tree's).
set -uo pipefail
[ -n "${ANSIBLE_TEST_DEBUG-}" ] && set -x

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
bin=${SRIOVCTL:-$top/tools/sriovctl/sriovctl}
ok() { echo "ok ansible/$1"; }
bad() { echo "not ok ansible/$1 # $2"; }

if ! command -v ansible-playbook > /dev/null; then
	ok "all # SKIP ansible-playbook is not installed (Debian's ansible-core)"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export ANSIBLE_ROLES_PATH=$here/../roles ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 \
	ANSIBLE_LOCAL_TEMP=$T/tmp ANSIBLE_REMOTE_TMP=$T/tmp ANSIBLE_HOST_KEY_CHECKING=0 \
	ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 LC_ALL=C.UTF-8

if out=$(ansible-playbook -i localhost, --syntax-check "$here/../site.yml" 2>&1); then
	ok syntax-site
else
	bad syntax-site "$(tail -n1 <<< "$out")"
fi

# The fixture: the module loaded, configfs empty, no parameters.
R=$T/root
c=$R/sys/kernel/config/sriov_helper
mkdir -p "$R/proc/sys/kernel" "$R/sys/module/sriov_helper/parameters" "$c" "$R/etc/modprobe.d"
echo 6.1.0-sriovh-test > "$R/proc/sys/kernel/osrelease"
printf '\n' > "$R/sys/module/sriov_helper/parameters/pf"
printf '\n' > "$R/sys/module/sriov_helper/parameters/vf"
# configfs removes an item's directory with its attribute files in it.
env=""
if gcc -O2 -shared -fPIC -o "$T/configfs-rmdir.so" "$top/tools/sriovctl/tests/configfs-rmdir.c" -ldl; then
	env="LD_PRELOAD: $T/configfs-rmdir.so"
fi
conf=$R/etc/modprobe.d/sriov_helper.conf

# vars FILE VFS VLAN: the test's variables.
vars() {
	cat > "$1" <<VARS
sriov_helper_install_packages: false
sriov_helper_load_module: false
sriov_helper_sriovctl: $bin
sriov_helper_root: $R
sriov_helper_conf: $conf
sriov_helper_initramfs_command: sh -c 'echo rebuilt >> $T/initramfs.log'
sriov_helper_environment: { $env }
sriov_helper_pfs:
  - { pf: "0000:01:00.0", vfs: $2, irq_cpus: "0-3" }
  - { pf: "8086:10c9", vfs: 4, on_bus_range: fail, vf_bind: serial }
sriov_helper_vfs:
  - { pf: "0000:01:00.0", vfs: "0-3", settings: { vf_driver: vfio-pci } }
  - { pf: "0000:01:00.0", vfs: 4, settings: { mac: "02:00:00:00:01:04", vlan: $3, trust: true } }
VARS
}

# play WHAT [ARGS...]: run the role; $out holds the output, $recap the
# counts ("ok=N changed=N unreachable=N failed=N").
play() {
	shift
	out=$(ansible-playbook -c local -i localhost, "$@" "$here/local.yml" 2>&1)
	recap=$(grep -E '^localhost +:' <<< "$out" | sed 's/^localhost *: *//; s/ *skipped.*//; s/  */ /g')
}
# expect NAME WANT GOT
expect() {
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "want '$2', got '$3'"; fi
}
rebuilds() { [ -f "$T/initramfs.log" ] && wc -l < "$T/initramfs.log" || echo 0; }
state() { (cd "$c" && find . -type f | LC_ALL=C sort | while read -r f; do printf '%s=%s\n' "$f" "$(cat "$f")"; done); }

vars "$T/v1.yml" 7 100
play first -e "@$T/v1.yml"
expect first-recap "ok=7 changed=3 unreachable=0 failed=0" "$recap"
expect first-conf "# Written by Ansible (role sriov_helper): changes here are overwritten.
# sriovctl(8): sriovctl dump shows the configuration in effect.
options sriov_helper pf=0000:01:00.0,vfs=7,irq_cpus=0-3
options sriov_helper pf=8086:10c9,vfs=4,on_bus_range=fail,vf_bind=serial
options sriov_helper vf=0000:01:00.0/0-3,vf_driver=vfio-pci
options sriov_helper vf=0000:01:00.0/4,mac=02:00:00:00:01:04,vlan=100,trust=on" "$(cat "$conf" 2>&1)"
expect first-configfs "./0000:01:00.0/irq=spread
./0000:01:00.0/irq_cpus=0-3
./0000:01:00.0/on_bus_range=clamp
./0000:01:00.0/vf0-3/vf_driver=vfio-pci
./0000:01:00.0/vf4/mac=02:00:00:00:01:04
./0000:01:00.0/vf4/trust=on
./0000:01:00.0/vf4/vlan=100
./0000:01:00.0/vf_bind=parallel
./0000:01:00.0/vf_driver=auto
./0000:01:00.0/vfs=7
./8086:10c9/irq=spread
./8086:10c9/irq_cpus=
./8086:10c9/on_bus_range=fail
./8086:10c9/vf_bind=serial
./8086:10c9/vf_driver=auto
./8086:10c9/vfs=4" "$(state)"
expect first-initramfs 1 "$(rebuilds)"
expect first-dump "$(grep ^options "$conf")" "$("$bin" --root "$R" dump 2>&1)"

play second -e "@$T/v1.yml"
expect second-unchanged "ok=6 changed=0 unreachable=0 failed=0" "$recap"
expect second-initramfs 1 "$(rebuilds)"

before=$(cat "$conf"; state)
vars "$T/v2.yml" 5 100
play check --check --diff -e "@$T/v2.yml"
expect check-recap "ok=6 changed=2 unreachable=0 failed=0" "$recap"
expect check-plan 1 "$(grep -c 'sriovctl set 0000:01:00.0,vfs=5,irq_cpus=0-3' <<< "$out")"
expect check-changes-nothing "$before" "$(cat "$conf"; state)"
expect check-initramfs 1 "$(rebuilds)"

vars "$T/v3.yml" 7 4095
play bad -e "@$T/v3.yml"
expect bad-recap "ok=3 changed=0 unreachable=0 failed=1" "$recap"
expect bad-message 1 "$(grep -c "invalid vf= entry '0000:01:00.0/4,mac=02:00:00:00:01:04,vlan=4095,trust=on': VLAN ID must be decimal 0-4094 (0: untagged): 'vlan=4095'" <<< "$out")"
expect bad-changes-nothing "$before" "$(cat "$conf"; state)"
expect bad-initramfs 1 "$(rebuilds)"

play change -e "@$T/v2.yml"
expect change-recap "ok=7 changed=3 unreachable=0 failed=0" "$recap"
expect change-configfs "./0000:01:00.0/vfs=5" "$(state | grep '/vfs=' | grep 01:00)"
expect change-initramfs 2 "$(rebuilds)"
play change-again -e "@$T/v2.yml"
expect change-again-unchanged "ok=6 changed=0 unreachable=0 failed=0" "$recap"
