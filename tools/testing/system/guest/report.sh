#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The only test code in the system test's boots (tools/testing/system/),
# run by sriovh-report.service once multi-user.target is reached. It writes
# facts about the booted host to the second serial port (ttyS1), does what
# an admin does at this point of the boot's stage (sriovh.stage= on the
# kernel command line), and powers off. It asserts nothing: system.sh reads
# the report on the host, and the initramfs there too (faster than here).
#
# Report lines: "SRIOVH key value" for a fact, and a command's output
# between "SRIOVH-BEGIN name" and "SRIOVH-END name", followed by the facts
# "name.rc" (its exit code) and "name.t" (the uptime when it ended, to see
# where a boot's time goes). "SRIOVH done" ends a complete report.
set -uo pipefail

exec > /dev/ttyS1 2>&1

pf=/sys/bus/pci/devices/0000:01:00.0
cfs=/sys/kernel/config/sriov_helper
conf=/etc/modprobe.d/sriov_helper.conf
stage=$(sed -n 's/.*sriovh\.stage=\([^ ]*\).*/\1/p' /proc/cmdline)
export SYSTEMD_PAGER='' SYSTEMD_COLORS=0 LC_ALL=C

fact() {
	echo "SRIOVH $1 $2"
}

uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

# block NAME COMMAND...: the command's output (stdout and stderr) and exit code.
block() {
	local name=$1 rc
	shift
	echo "SRIOVH-BEGIN $name"
	"$@" 2>&1
	rc=$?
	echo "SRIOVH-END $name"
	fact "$name.rc" "$rc"
	fact "$name.t" "$(uptime_s)"
}

numvfs() {
	cat "$pf/sriov_numvfs" 2>/dev/null || echo none
}

# "ADDR=driver" for each VF of the PF, from sysfs ("ADDR=" when unbound).
vf_drivers() {
	local v out=
	for v in "$pf"/virtfn*; do
		[ -e "$v" ] || continue
		out="$out $(basename "$(readlink "$v")")=$(basename "$(readlink "$v/driver" 2>/dev/null)" 2>/dev/null)"
	done
	echo "${out# }"
}

# Until every VF has a driver (igbvf probes take seconds each under TCG),
# at most 120 s: the report is about the settled state.
settle() {
	local bound
	udevadm settle -t 60
	for _ in $(seq 120); do
		bound=$(ls -d "$pf"/virtfn*/driver 2>/dev/null | wc -l)
		[ "$bound" -ge "$(numvfs)" ] 2>/dev/null && return
		sleep 1
	done
}

pf_netdev() {
	ls "$pf/net" 2>/dev/null | head -n1
}

# vf_mac N: the MAC VF N's own netdev shows (nothing when it has none).
vf_mac() {
	cat "$pf/virtfn$1"/net/*/address 2>/dev/null
}

# ssh_window: the management NIC (virtio, the MAC system.sh gives it) on
# QEMU's user network, where the host's forwarded loopback port reaches
# sshd; then the host's "done" (its runs of the role) waited for, at most
# 10 minutes.
ssh_window() {
	local n dev=
	for n in /sys/class/net/*; do
		[ "$(cat "$n/address" 2>/dev/null)" = 52:54:00:5e:00:22 ] && dev=${n##*/}
	done
	fact mgmt.dev "$dev"
	ip addr add 10.0.2.15/24 dev "$dev" && ip link set "$dev" up
	block sshd systemctl show -p ActiveState ssh.service
	fact ssh.ready "$(uptime_s)"
	for _ in $(seq 600); do
		[ -e /run/sriovh-ansible-done ] && break
		sleep 1
	done
	fact ansible.t "$(uptime_s)"
}

# ansible_window: the role's first two runs, then the state they left.
ansible_window() {
	ssh_window
	settle
	fact ansible.numvfs "$(numvfs)"
	fact ansible.vf_drivers "$(vf_drivers)"
	fact ansible.vf1.mac "$(vf_mac 1)"
	block ansible_conf cat "$conf"
	block ansible_configfs sh -c "cd $cfs && grep -r . ."
	block ansible_link ip -d link show "$(pf_netdev)"
}

loaded() {
	[ -d /sys/module/sriov_helper ] && echo yes || echo no
}

# node_exporter (Debian's prometheus-node-exporter, on its default port)
# with the file sriov-helper-metrics.timer keeps in its textfile
# directory: the first file the timer writes after the VFs settled (at
# most 60 s: it runs every 15 s), then one scrape on the loopback, of
# which the report keeps the sriov_helper_* families, node_textfile_* and
# node_exporter_build_info (the whole page is a thousand lines).
metrics() {
	local prom=/var/lib/prometheus/node-exporter/sriov_helper.prom since
	since=$(date +%s)
	for _ in $(seq 60); do
		[ "$(stat -c %Y "$prom" 2>/dev/null || echo 0)" -gt "$since" ] && break
		sleep 1
	done
	fact metrics.written "$(($(stat -c %Y "$prom" 2>/dev/null || echo 0) - since))"
	block metrics_timer systemctl show -p ActiveState sriov-helper-metrics.timer
	block metrics_service systemctl show -p Result -p ExecMainStatus sriov-helper-metrics.service
	block node_exporter systemctl show -p ActiveState prometheus-node-exporter.service
	block prom cat "$prom"
	block scrape python3 -c '
import sys, time, urllib.request
for _ in range(60):
    try:
        page = urllib.request.urlopen("http://127.0.0.1:9100/metrics", timeout=20).read().decode()
        break
    except OSError:
        time.sleep(1)
else:
    sys.exit("node_exporter did not answer on 127.0.0.1:9100")
keep = ("sriov_helper_", "node_textfile_", "node_exporter_build_info")
for line in page.splitlines():
    name = line.split()[2] if line.startswith("# ") and len(line.split()) > 2 else line
    if name.startswith(keep):
        print(line)
'
}

facts() {
	fact start.t "$(uptime_s)"
	settle
	fact settled.t "$(uptime_s)"
	fact stage "$stage"
	fact kernel "$(uname -r)"
	fact cmdline "$(cat /proc/cmdline)"
	fact numvfs "$(numvfs)"
	fact vf_drivers "$(vf_drivers)"
	fact loaded "$(loaded)"
	fact lockdown "$(cat /sys/kernel/security/lockdown 2>/dev/null)"
	fact modversion "$(modinfo -F version sriov_helper 2>/dev/null)"
	local k
	for k in /lib/modules/*; do
		k=${k##*/}
		fact "modfile@$k" "$(modinfo -k "$k" -n sriov_helper 2>/dev/null)"
		fact "signer@$k" "$(modinfo -k "$k" -F signer sriov_helper 2>/dev/null)"
		fact "sig_id@$k" "$(modinfo -k "$k" -F sig_id sriov_helper 2>/dev/null)"
		fact "sig_hashalgo@$k" "$(modinfo -k "$k" -F sig_hashalgo sriov_helper 2>/dev/null)"
		fact "config_hash@$k" "$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"/\1/p' "/boot/config-$k")"
	done
	block lsmod lsmod
	block modinfo modinfo sriov_helper
	# dkms status is slow under TCG (a large shell script): where it counts.
	[ "$stage" != upgrade ] || block dkms dkms status
	block param cat /sys/module/sriov_helper/parameters/pf
	block inventory cat /sys/kernel/debug/sriov_helper/inventory
	block list sriovctl list
	block show sriovctl show
	# sriovctl dump lists the initramfs (lsinitramfs: seconds under
	# TCG): where it counts.
	[ "$stage" != upgrade ] || block dump sriovctl dump
	# VF 0 as its user sees it: its own netdev, whether it is up (what
	# ifupdown made of its stanza), its MAC; the PF's table beside it.
	local vnd
	vnd=$(ls "$pf/virtfn0/net" 2>/dev/null | head -n1)
	fact vf0.netdev "$vnd"
	fact vf0.flags "$(cat "/sys/class/net/$vnd/flags" 2>/dev/null)"
	fact vf0.mac "$(cat "/sys/class/net/$vnd/address" 2>/dev/null)"
	block pf_link ip link show "$(pf_netdev)"
	block networking_unit systemctl show -p ActiveState -p Result networking.service
	block wait sriovctl wait --timeout 5
	block wait_unit systemctl show -p ActiveState -p Result -p ExecMainStatus sriov-helper-wait.service
	block modules_load systemctl show -p ActiveState -p Result systemd-modules-load.service
	block failed systemctl --failed --no-legend --plain
	block conf cat "$conf"
	block journal journalctl -b -o short-monotonic --no-pager
}

facts
case "$stage" in
noconf)
	# "Not loaded" and "refused by the kernel" on the same host, each as
	# sriovctl tells it. The module is unloaded (nothing configured,
	# nothing to undo); then the kernel is locked down as Secure Boot locks
	# it (the lockdown LSM's integrity level, raised at run time: the same
	# check as with lockdown from boot refuses the unenrolled DKMS key),
	# then signatures are enforced as IMA's arch policy enforces them on a
	# Secure Boot kernel.
	block rmmod rmmod sriov_helper
	fact unloaded.loaded "$(loaded)"
	block list_unloaded sriovctl list
	block lockdown_set sh -c 'echo integrity > /sys/kernel/security/lockdown'
	fact lockdown.after "$(cat /sys/kernel/security/lockdown 2>/dev/null)"
	block modprobe_lockdown modprobe sriov_helper
	block list_lockdown sriovctl list
	block wait_lockdown sriovctl wait --timeout 5
	echo 1 > /sys/module/module/parameters/sig_enforce
	fact sig_enforce "$(cat /sys/module/module/parameters/sig_enforce)"
	block modprobe_enforced modprobe sriov_helper
	block list_enforced sriovctl list
	fact refused.loaded "$(loaded)"
	block dmesg_tail sh -c 'dmesg | tail -n 10'
	# The admin configures the card, by hand (as the README says): 7
	# VFs, VF 0 with a MAC of its own; and the network, as an admin
	# writes it: the PF first (igb answers its VFs only while its
	# interface is up, and sriov_helper keeps them unbound until then),
	# then VF 0, by its predictable name.
	printf '%s\n' 'options sriov_helper pf=01:00.0,vfs=7' \
		'options sriov_helper vf=01:00.0/0,mac=02:00:00:00:00:50' > "$conf"
	block conf_written cat "$conf"
	printf '\n%s\n' 'auto enp1s0' 'iface enp1s0 inet manual' '' \
		'auto enp1s0v0' 'iface enp1s0v0 inet manual' >> /etc/network/interfaces
	block interfaces_written cat /etc/network/interfaces
	;;
first)
	# At run time through sriovctl, then persisted with sriovctl dump.
	block set sriovctl set 01:00.0 vfs=3
	for _ in $(seq 120); do
		grep -q '^applied 3' "$cfs/0000:01:00.0/status" 2>/dev/null && break
		sleep 1
	done
	settle
	fact set.status "$(head -n1 "$cfs/0000:01:00.0/status" 2>/dev/null)"
	fact set.numvfs "$(numvfs)"
	fact set.vf_drivers "$(vf_drivers)"
	sriovctl dump > "$conf" 2> /tmp/dump.err
	fact dump_to_conf.rc $?
	block dump_to_conf.stderr cat /tmp/dump.err
	block conf_dumped cat "$conf"
	# The PF's driver into the initramfs, as for a network root. The
	# admin's update-initramfs -u -k all runs on the host side, in the
	# tree (seconds there, a minute here), before the kernel upgrade.
	printf 'igb\nigbvf\n' >> /etc/initramfs-tools/modules
	;;
upgrade)
	# A change at run time that the initramfs does not have yet: what
	# sriovctl dump says about it (the conf itself is left alone).
	block set_changed sriovctl set 01:00.0 vfs=2
	sriovctl dump > /tmp/dump.out 2> /tmp/dump.err
	fact dump_changed.rc $?
	block dump_changed.stdout cat /tmp/dump.out
	block dump_changed.stderr cat /tmp/dump.err
	# The fleet's way next: the host runs the Ansible role over SSH
	# (sriovh.ssh=1), then says it is done.
	grep -qw 'sriovh.ssh=1' /proc/cmdline && ansible_window
	;;
reboot)
	# The host booted again after the role's run: what its file and the
	# initramfs images it rebuilt made of the boot, and what node_exporter
	# says about it.
	# The role's third run rebooted the host: it waits for it (sriovctl
	# wait over SSH) before the host reports.
	grep -qw 'sriovh.ssh=1' /proc/cmdline && ssh_window
	block param_vf cat /sys/module/sriov_helper/parameters/vf
	block link ip -d link show "$(pf_netdev)"
	fact reboot.vf1.mac "$(vf_mac 1)"
	fact reboot.vf2.mac "$(vf_mac 2)"
	metrics
	;;
esac
fact end.t "$(uptime_s)"
sync
echo "SRIOVH done"
# Reported; the role's third run (the host told this one to go on) now
# reboots the host, which ends this VM: powered off only if that does not
# come.
if [ "$stage" = upgrade ] && [ -e /run/sriovh-ansible-done ]; then
	sleep 600
fi
systemctl poweroff -ff
