# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by setup-host.sh and system/system.sh. suite_uri SUITE prints the
# URI of the Debian archive that the machine's own apt sources use for SUITE
# (deb822 .sources files first, then /etc/apt/sources.list), or nothing:
# the mirror is always taken from the machine, never written into the repo.
suite_uri() {
	local suite=$1 f uri
	uri=$(for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v s="$suite" '
			/^URIs:/ { uri = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) { print uri; exit } }
		' "$f"
	done | head -n1)
	if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
		uri=$(awk -v s="$suite" '$1 == "deb" && $3 == s { print $2; exit }' /etc/apt/sources.list)
	fi
	echo "$uri"
}

# backports_sources URI: the deb822 entry setup-host.sh adds for
# bookworm-backports (the same text goes into the system test's image).
backports_sources() {
	cat <<SRC
Types: deb
URIs: $1
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
}
