#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb-versions.sh: one version for the module and its packages. Fails when
# VERSION, dkms.conf's PACKAGE_VERSION and debian/changelog's upstream
# version disagree (debian/rules runs it before every package build; make
# check runs it as deb/versions).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
v=$(cat "$top/VERSION")
dkms=$(sed -n 's/^PACKAGE_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$top/dkms.conf")
deb=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
# The upstream part: no epoch, no Debian revision.
up=${deb#*:}
up=${up%-*}
if [ "$v" != "$dkms" ] || [ "$v" != "$up" ]; then
	echo "deb-versions: VERSION $v, dkms.conf PACKAGE_VERSION ${dkms:-(none)}, debian/changelog $deb (upstream $up) disagree" >&2
	exit 1
fi
echo "deb-versions: $v (VERSION, dkms.conf, debian/changelog $deb)"
