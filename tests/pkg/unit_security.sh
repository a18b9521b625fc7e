#!/bin/sh
# unit_security.sh: each systemd unit in etc/ is hardened to an exposure of at
# most 2.0 by `systemd-analyze security --offline=true` (README "Install").
# usage: unit_security.sh SOURCE_DIR [MAX]; exit 77 (skipped) without
# systemd-analyze.
set -eu
src=$1
max=${2:-2.0}
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "SKIP: no systemd-analyze on this machine"
	exit 77
fi
fail=0
for unit in "$src"/etc/isad.service "$src"/etc/isad@.service; do
	out=$(systemd-analyze security --offline=true --no-pager "$unit" 2>&1) || {
		echo "FAIL: systemd-analyze security $unit:"
		echo "$out"
		fail=1
		continue
	}
	level=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	if [ -z "$level" ]; then
		echo "FAIL: no exposure level for $unit in:"
		echo "$out"
		fail=1
	elif awk -v l="$level" -v m="$max" 'BEGIN { exit !(l > m) }'; then
		echo "FAIL: $(basename "$unit"): exposure $level is above $max; what is open:"
		printf '%s\n' "$out" | grep '✗' || true
		fail=1
	else
		echo "ok: $(basename "$unit"): exposure $level (at most $max)"
	fi
done
exit $fail
