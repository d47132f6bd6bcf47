# SPDX-License-Identifier: GPL-2.0
# Issue 7: bad input. Every malformed module parameter and configfs write
# of the corpus below gets one exact message and changes nothing: the
# module does not load, or every attribute reads back as before.

BAD=$CFS/0000:01:00.0

# The state a refused write must leave as it was: every attribute of the
# entry and of vf0 (file:line for each line), in one process, since a
# fork costs a good part of a second on the debug kernel under TCG.
bad_snapshot() {
	grep -s "" "$BAD"/* "$BAD"/vf0/* "$PFDIR/sriov_numvfs"
	ls "$CFS" "$BAD"
}

# Expand the corpus' shorthand: @7x5000 is 5000 sevens, @17r is a CPU
# list of 17 ranges, @d32 a 32-character driver name.
bad_expand() {
	local s=$1 sevens
	sevens=$(head -c 5000 /dev/zero | tr '\0' 7)
	s=${s//@7x5000/$sevens}
	s=${s//@17r/0,2,4,6,8,10,12,14,16,18,20,22,24,26,28,30,32}
	s=${s//@d32/abcdefghijabcdefghijabcdefghijab}
	printf '%s' "$s"
}

scenario bad_input_corpus stock-6.12-only
t_bad_input_corpus() {
	local kind val msg before n=0 rc
	modprobe igb || { fail "modprobe igb failed"; return; }
	while IFS='|' read -r kind val msg; do
		case $kind in
		''|'#'*) continue ;;
		esac
		n=$((n + 1))
		val=$(bad_expand "$val")
		msg=$(bad_expand "$msg")
		if [ "$kind" = pf ] || [ "$kind" = vf ]; then
			lsmod | grep -q '^sriov_helper ' && rmdir "$BAD/vf0" "$BAD"
			rmmod sriov_helper 2>/dev/null
			mark "bad $n"
			if [ "$kind" = pf ]; then
				modprobe sriov_helper "pf=$val" 2>/dev/null
			else
				modprobe sriov_helper pf=01:00.0,vfs=2 "vf=$val" 2>/dev/null
			fi && { fail "#$n $kind=$val was accepted"; return; }
			lsmod | grep -q '^sriov_helper ' && { fail "#$n loaded"; return; }
			numvfs_is "$PFDIR" 0 || { fail "#$n VFs appeared"; return; }
		else
			if ! lsmod | grep -q '^sriov_helper '; then
				# vf_driver none: no VF driver changes what the VFs
				# show (vf0's MAC status) while the corpus runs.
				modprobe sriov_helper && mkdir "$BAD" "$BAD/vf0" &&
				echo none > "$BAD/vf_driver" &&
				echo 2 > "$BAD/vfs" && echo 02:00:00:00:00:05 > "$BAD/vf0/mac" ||
					{ fail "set-up failed"; return; }
				wait_for 30 overrides_are "$PFDIR" none ||
					{ fail "VFs not left unbound: $(cat "$PFDIR"/virtfn*/driver_override | tr '\n' ' ')"; return; }
				wait_for 20 grep -qx applied "$BAD/vf0/status" ||
					{ fail "vf0: $(cat "$BAD/vf0/status")"; return; }
			fi
			before=$(bad_snapshot)
			mark "bad $n"
			case $kind in
			mkdir) mkdir "$CFS/$val" 2>/dev/null ;;
			mkdirvf) mkdir "$BAD/$val" 2>/dev/null ;;
			*)
				# One write(2) of the whole value, as echo does for
				# short ones (stdio would split a long one in two).
				printf '%b\n' "$val" > /tmp/badval
				dd if=/tmp/badval of="$BAD/$kind" bs=16384 2>/dev/null
				;;
			esac
			rc=$?
			[ $rc != 0 ] || { fail "#$n $kind '$val' was accepted"; return; }
			settle 0.2
			expect_eq "$(bad_snapshot)" "$before" "#$n state after $kind '$val'" || return
		fi
		expect_log "bad $n" "sriov_helper: $msg" 5 || { FAIL_WHY="#$n $FAIL_WHY"; return 1; }
		expect_eq "$(since "bad $n" | grep -F 'sriov_helper' | grep -cv taint)" 1 "#$n messages" || return
	done <<'CORPUS'
# Module parameter (pf=): the load fails with one message.
pf|01:00.0,vfs=-7|invalid pf= entry '01:00.0,vfs=-7': not a decimal number: 'vfs=-7'
pf|01:00.0,vfs=+7|invalid pf= entry '01:00.0,vfs=+7': not a decimal number: 'vfs=+7'
pf|01:00.0,vfs=0x7|invalid pf= entry '01:00.0,vfs=0x7': not a decimal number: 'vfs=0x7'
pf|01:00.0,vfs=65536|invalid pf= entry '01:00.0,vfs=65536': out of range 0-65535: 'vfs=65536'
pf|01:00.0,vfs=|invalid pf= entry '01:00.0,vfs=': missing number: 'vfs='
pf|01:00.0,vfs=1,vfs=2|invalid pf= entry '01:00.0,vfs=1,vfs=2': key given twice: 'vfs=2'
pf|01:00.0,vfs=1,on_bus_range=maybe|invalid pf= entry '01:00.0,vfs=1,on_bus_range=maybe': on_bus_range must be clamp or fail: 'on_bus_range=maybe'
pf|01:00.0,vfs=1,vf_bind=yes|invalid pf= entry '01:00.0,vfs=1,vf_bind=yes': vf_bind must be parallel or serial: 'vf_bind=yes'
pf|01:00.0,vfs=1,irq=yes|invalid pf= entry '01:00.0,vfs=1,irq=yes': irq must be spread or off: 'irq=yes'
pf|01:00.0,vfs=1,irq_cpus=3-1|invalid pf= entry '01:00.0,vfs=1,irq_cpus=3-1': CPU range goes backwards: 'irq_cpus=3-1'
pf|01:00.0,vfs=1,irq_cpus=8192|invalid pf= entry '01:00.0,vfs=1,irq_cpus=8192': bad CPU number (decimal 0-8191, N or N-M, comma-separated): 'irq_cpus=8192'
pf|01:00.0,vfs=1,irq_cpus=|invalid pf= entry '01:00.0,vfs=1,irq_cpus=': empty CPU list: 'irq_cpus='
pf|01:00.0,vfs=1,irq_cpus=@17r|invalid pf= entry '01:00.0,vfs=1,irq_cpus=0,2,4,6,8,10,12,14,16,18,20,22,24,26,28,3...': too many ranges in CPU list (at most 16): 'irq_cpus=0,2,4,6,8,10,12,14,16,18,20,22,24,26,28,30,32'
pf|01:00.0,vfs=1,vf_driver=vfio/pci|invalid pf= entry '01:00.0,vfs=1,vf_driver=vfio/pci': a driver name has only letters, digits, '_' and '-': 'vf_driver=vfio/pci'
pf|01:00.0,vfs=1,vf_driver=@d32|invalid pf= entry '01:00.0,vfs=1,vf_driver=@d32': vf_driver must be auto, none or a driver name of 1-31 characters: 'vf_driver=@d32'
pf|01:00.0,vfs=1;|invalid pf= entry ';': trailing ';': ';'
pf|;01:00.0,vfs=1|invalid pf= entry '': empty entry: ''
pf|01:00.0,vfs=1,|invalid pf= entry '01:00.0,vfs=1,': trailing comma: ','
pf|01:00.0,,vfs=1|invalid pf= entry '01:00.0,,vfs=1': empty key=value: ''
pf|01:00.0,vfs|invalid pf= entry '01:00.0,vfs': expected key=value: 'vfs'
pf|100000000:01:00.0,vfs=1|invalid pf= entry '100000000:01:00.0,vfs=1': bad PCI domain (1-8 hex digits): '100000000:01:00.0'
pf|01:20.0,vfs=1|invalid pf= entry '01:20.0,vfs=1': bad PCI device (hex 00-1f): '01:20.0'
pf|01:00.8,vfs=1|invalid pf= entry '01:00.8,vfs=1': bad PCI function (0-7): '01:00.8'
pf|808:10c9,vfs=1|invalid pf= entry '808:10c9,vfs=1': expected [DOMAIN:]BB:DD.F or VVVV:DDDD (hex): '808:10c9'
pf|01:00.0,vfs=1;0000:01:00.0,vfs=2|invalid pf= entry '0000:01:00.0,vfs=2': PF given twice: '0000:01:00.0'
pf|8086:10c9,vfs=1,VFS=2|invalid pf= entry '8086:10c9,vfs=1,VFS=2': unknown key (known: vfs, on_bus_range, irq, irq_cpus, vf_driver, vf_bind): 'VFS'
pf|01:00.0,vfs=@7x5000|invalid pf= entry '01:00.0,vfs=7777777777777777777777777777777777777777777777777777...': out of range 0-65535: 'vfs=777777777777777777777777777777777777777777777777777777777777...'
# Module parameter (vf=, with pf=01:00.0,vfs=2): the load fails likewise.
vf|01:00.0/0-3,mac=02:00:00:00:00:01|invalid vf= entry '01:00.0/0-3,mac=02:00:00:00:00:01': a MAC or GUID names one VF: set it in vfN, not in a range: '01:00.0/0-3,mac=02:00:00:00:00:01'
vf|01:00.0/0,qos=3|invalid vf= entry '01:00.0/0,qos=3': qos goes with a VLAN: set vlan too (0 for priority tags only): '01:00.0/0,qos=3'
vf|01:00.0/0,vlan=1,vlan_proto=qinq|invalid vf= entry '01:00.0/0,vlan=1,vlan_proto=qinq': vlan_proto must be 802.1Q or 802.1ad: 'vlan_proto=qinq'
vf|01:00.0/0,link_state=down|invalid vf= entry '01:00.0/0,link_state=down': link_state must be auto, enable or disable: 'link_state=down'
vf|01:00.0/0,min_tx_rate=20,max_tx_rate=10|invalid vf= entry '01:00.0/0,min_tx_rate=20,max_tx_rate=10': min_tx_rate is above max_tx_rate: '01:00.0/0,min_tx_rate=20,max_tx_rate=10'
vf|01:00.0/0,max_tx_rate=1e3|invalid vf= entry '01:00.0/0,max_tx_rate=1e3': a rate is decimal Mb/s, 0-4294967295 (0: no limit): 'max_tx_rate=1e3'
vf|01:00.0/0,node_guid=0011223344556677|invalid vf= entry '01:00.0/0,node_guid=0011223344556677': a GUID is eight hex octets, as 00:11:22:33:44:55:66:77: 'node_guid=0011223344556677'
vf|01:00.0/0-3,msix=0|invalid vf= entry '01:00.0/0-3,msix=0': msix is the VF's MSI-X vector count, decimal 1-2048: 'msix=0'
vf|01:00.0/0,vfs=1|invalid vf= entry '01:00.0/0,vfs=1': unknown key (known: mac, vlan, qos, vlan_proto, spoofchk, trust, link_state, query_rss, min_tx_rate, max_tx_rate, node_guid, port_guid, vf_driver, msix): 'vfs'
vf|8086:10c9/0,trust=on|invalid vf= entry '8086:10c9/0,trust=on': per-VF settings need a PF address ([DOMAIN:]BB:DD.F), not vendor:device: '8086:10c9'
vf|01:00.0/1-0,trust=on|invalid vf= entry '01:00.0/1-0,trust=on': VF range goes backwards: '1-0'
vf|01:00.0/0-3,trust=on;01:00.0/3,trust=off|invalid vf= entry '01:00.0/3,trust=off': VFs given twice (a VF has one set of settings): '01:00.0/3'
vf|01:00.0/7,trust=on|invalid vf= entry '01:00.0/7,trust=on': VF 7 is past the last VF this PF can have (6)
vf|01:00.0/0,trust=on,|invalid vf= entry '01:00.0/0,trust=on,': trailing comma: ','
# configfs attributes of 0000:01:00.0 (vfs=2, vf0/mac set): refused, unchanged.
vfs|abc|invalid vfs value 'abc' for 0000:01:00.0: not a decimal number
vfs|-1|invalid vfs value '-1' for 0000:01:00.0: not a decimal number
vfs|2 3|invalid vfs value '2 3' for 0000:01:00.0: not a decimal number
vfs| 2|invalid vfs value ' 2' for 0000:01:00.0: not a decimal number
vfs|1\00002|invalid vfs value '1' for 0000:01:00.0: embedded NUL
vfs|1\n2|invalid vfs value '1\n2' for 0000:01:00.0: not a decimal number
vfs||invalid vfs value '' for 0000:01:00.0: missing number
vfs|65536|invalid vfs value '65536' for 0000:01:00.0: out of range 0-65535
vfs|@7x5000|invalid vfs value '7777777777777777777777777777777777777777777777777777777777777777...' for 0000:01:00.0: out of range 0-65535
on_bus_range|Clamp|invalid on_bus_range value 'Clamp' for 0000:01:00.0: on_bus_range must be clamp or fail
on_bus_range||invalid on_bus_range value '' for 0000:01:00.0: on_bus_range must be clamp or fail
on_bus_range|clamp\n|invalid on_bus_range value 'clamp\n' for 0000:01:00.0: on_bus_range must be clamp or fail
vf_bind|Serial|invalid vf_bind value 'Serial' for 0000:01:00.0: vf_bind must be parallel or serial
vf_bind||invalid vf_bind value '' for 0000:01:00.0: vf_bind must be parallel or serial
irq|spreads|invalid irq value 'spreads' for 0000:01:00.0: irq must be spread or off
irq|0|invalid irq value '0' for 0000:01:00.0: irq must be spread or off
irq|\033[31moff|invalid irq value '\e[31moff' for 0000:01:00.0: irq must be spread or off
irq_cpus|1-|invalid irq_cpus value '1-' for 0000:01:00.0: bad CPU number (decimal 0-8191, N or N-M, comma-separated)
irq_cpus|-1|invalid irq_cpus value '-1' for 0000:01:00.0: bad CPU number (decimal 0-8191, N or N-M, comma-separated)
irq_cpus|4-2|invalid irq_cpus value '4-2' for 0000:01:00.0: CPU range goes backwards
irq_cpus|@17r|invalid irq_cpus value '0,2,4,6,8,10,12,14,16,18,20,22,24,26,28,30,32' for 0000:01:00.0: too many ranges in CPU list (at most 16)
irq_cpus|1;2|invalid irq_cpus value '1;2' for 0000:01:00.0: bad CPU number (decimal 0-8191, N or N-M, comma-separated)
vf_driver|vfio pci|invalid vf_driver value 'vfio pci' for 0000:01:00.0: a driver name has only letters, digits, '_' and '-'
vf_driver||invalid vf_driver value '' for 0000:01:00.0: vf_driver must be auto, none or a driver name of 1-31 characters
vf_driver|../../bin/sh|invalid vf_driver value '../../bin/sh' for 0000:01:00.0: a driver name has only letters, digits, '_' and '-'
vf_driver|@d32|invalid vf_driver value '@d32' for 0000:01:00.0: vf_driver must be auto, none or a driver name of 1-31 characters
vf_driver|vfio-pci\0000|invalid vf_driver value 'vfio-pci' for 0000:01:00.0: embedded NUL
vf0/mac|02:00:00:00:00|invalid mac value '02:00:00:00:00' for 0000:01:00.0/vf0: a MAC address is six hex octets, as 02:00:00:00:00:01
vf0/mac|01:00:5e:00:00:01|invalid mac value '01:00:5e:00:00:01' for 0000:01:00.0/vf0: multicast address: a VF needs a unicast MAC
vf0/mac|ff:ff:ff:ff:ff:ff|invalid mac value 'ff:ff:ff:ff:ff:ff' for 0000:01:00.0/vf0: multicast address: a VF needs a unicast MAC
vf0/mac|00:00:00:00:00:00|invalid mac value '00:00:00:00:00:00' for 0000:01:00.0/vf0: all-zero address (write nothing to leave the MAC to the driver)
vf0/mac|02:00:00:00:00:0g|invalid mac value '02:00:00:00:00:0g' for 0000:01:00.0/vf0: a MAC address is six hex octets, as 02:00:00:00:00:01
vf0/mac|02-00-00-00-00-01|invalid mac value '02-00-00-00-00-01' for 0000:01:00.0/vf0: a MAC address is six hex octets, as 02:00:00:00:00:01
vf0/mac|02:00:00:00:00:01:02|invalid mac value '02:00:00:00:00:01:02' for 0000:01:00.0/vf0: a MAC address is six hex octets, as 02:00:00:00:00:01
vf0/vlan|4095|invalid vlan value '4095' for 0000:01:00.0/vf0: VLAN ID must be decimal 0-4094 (0: untagged)
vf0/vlan|-1|invalid vlan value '-1' for 0000:01:00.0/vf0: VLAN ID must be decimal 0-4094 (0: untagged)
vf0/vlan|1 2|invalid vlan value '1 2' for 0000:01:00.0/vf0: VLAN ID must be decimal 0-4094 (0: untagged)
vf0/vlan|0x10|invalid vlan value '0x10' for 0000:01:00.0/vf0: VLAN ID must be decimal 0-4094 (0: untagged)
vf0/trust|yes|invalid trust value 'yes' for 0000:01:00.0/vf0: must be on or off
vf0/trust|1|invalid trust value '1' for 0000:01:00.0/vf0: must be on or off
vf0/spoofchk|ON|invalid spoofchk value 'ON' for 0000:01:00.0/vf0: must be on or off
vf0/spoofchk|of|invalid spoofchk value 'of' for 0000:01:00.0/vf0: must be on or off
vf0/qos|3|invalid qos value '3' for 0000:01:00.0/vf0: qos goes with a VLAN: set vlan too (0 for priority tags only)
vf0/vlan_proto|802.1ad|invalid vlan_proto value '802.1ad' for 0000:01:00.0/vf0: vlan_proto goes with a VLAN: set vlan too
vf0/link_state|up|invalid link_state value 'up' for 0000:01:00.0/vf0: link_state must be auto, enable or disable
vf0/query_rss|true|invalid query_rss value 'true' for 0000:01:00.0/vf0: must be on or off
vf0/max_tx_rate|-1|invalid max_tx_rate value '-1' for 0000:01:00.0/vf0: a rate is decimal Mb/s, 0-4294967295 (0: no limit)
vf0/min_tx_rate|99999999999|invalid min_tx_rate value '99999999999' for 0000:01:00.0/vf0: a rate is decimal Mb/s, 0-4294967295 (0: no limit)
vf0/port_guid|00:11:22:33:44:55:66:7g|invalid port_guid value '00:11:22:33:44:55:66:7g' for 0000:01:00.0/vf0: a GUID is eight hex octets, as 00:11:22:33:44:55:66:77
vf0/vf_driver|a/b|invalid vf_driver value 'a/b' for 0000:01:00.0/vf0: a driver name has only letters, digits, '_' and '-'
vf0/msix|2049|invalid msix value '2049' for 0000:01:00.0/vf0: msix is the VF's MSI-X vector count, decimal 1-2048
vf0/msix|0x8|invalid msix value '0x8' for 0000:01:00.0/vf0: msix is the VF's MSI-X vector count, decimal 1-2048
# configfs directories.
mkdir|01:00|invalid configfs entry name '01:00': expected [DOMAIN:]BB:DD.F or VVVV:DDDD (hex)
mkdir|zz:00.0|invalid configfs entry name 'zz:00.0': bad PCI bus (1-2 hex digits)
mkdir|01:00.0|configfs entry '01:00.0' names the same PF as an existing entry
mkdir|8086:10c9a|invalid configfs entry name '8086:10c9a': expected [DOMAIN:]BB:DD.F or VVVV:DDDD (hex)
mkdirvf|vf03|invalid entry name 'vf03' in 0000:01:00.0: per-VF entries are named vfN or vfN-M (VF indices, no leading zeros)
mkdirvf|vf65535|invalid entry name 'vf65535' in 0000:01:00.0: per-VF entries are named vfN or vfN-M (VF indices, no leading zeros)
mkdirvf|VF1|invalid entry name 'VF1' in 0000:01:00.0: per-VF entries are named vfN or vfN-M (VF indices, no leading zeros)
mkdirvf|vfx|invalid entry name 'vfx' in 0000:01:00.0: per-VF entries are named vfN or vfN-M (VF indices, no leading zeros)
mkdirvf|vf3-1|invalid entry name 'vf3-1' in 0000:01:00.0: per-VF entries are named vfN or vfN-M (VF indices, no leading zeros)
mkdirvf|vf7|0000:01:00.0/vf7: VF 7 is past the last VF this PF can have (6)
mkdirvf|vf0-1|0000:01:00.0/vf0-1 overlaps 0000:01:00.0/vf0: a VF has one set of settings
CORPUS
	RESULT_NOTE="$n malformed inputs refused, each with one message, nothing changed"
}
