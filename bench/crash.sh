#!/bin/bash
# bench/crash.sh BUILD_DIR [ROUNDS [WRITERS]]: kill -9 rounds under
# concurrent writers (the reliability campaign's first figure).  Each of
# ROUNDS (default 200) rounds starts isad on the same store, WRITERS
# (default 4) loops of real `isa put` (documents of 1 byte to 64 KiB of
# random bytes) and an auditor's `isa audit export`, then kills isad with
# SIGKILL at a random moment (0.2 to 2 s in) and restarts it.  After the
# restart: a second export; each export must pass `isa audit verify
# --key audit.pub.pem --since` the checkpoint kept the round before; and
# every document acknowledged before the kill (isa put exited 0 with its
# id) must come back from `isa get` with the same bytes.  At the end every
# acknowledged id must still be in `isa ls`.  Prints the figures in one
# block; exits 1 when a document is lost or an export does not verify.
# Run with a Release build:
#   cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release
#   cmake --build build/bench --target isad isa && bench/crash.sh build/bench
set -u
B=$(realpath "${1:-build/bench}")
ROUNDS=${2:-200}
WRITERS=${3:-4}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/deploy.sh"
bench_workdir
. "$HERE/scaledeploy.sh"
trap 'touch stop; for w in $(seq "$WRITERS"); do [ -s pid.$w ] && kill -KILL "$(cat pid.$w)" 2>/dev/null; done; bench_cleanup' EXIT INT TERM
scale_deploy
mkdir docs
: > acked.all
ACKED=0 LOST=0 VERIFIED=0 BAD=0 FAILED=0 CP=""
T0=$(date +%s.%N)

# Writer $1 of round $2: puts until ./stop; acknowledged "ID FILE" lines
# in acked.$1; the running isa's pid in pid.$1 (killed after the kill).
writer() {
	local n=0 f
	while [ ! -e stop ]; do
		n=$((n + 1))
		f=docs/$2.$1.$n
		head -c $((RANDOM * 2 + 1)) /dev/urandom > "$f"
		"$B/isa" put "$f" --title "crash $2 $1 $n" --class OFFICIAL \
			--to user:u --config f/client.conf > "$f.out" 2> /dev/null &
		echo $! > "pid.$1"
		if wait $!; then
			echo "$(tail -n 1 "$f.out") $f" >> "acked.$1"
		else
			echo x >> failed
		fi
	done
}

# Export the audit log as u; verify it since the last kept checkpoint.
export_verify() {
	local x=export.$1 since=()
	[ -n "$CP" ] && since=(--since "$CP")
	if "$B/isa" audit export -o "$x" --config u/client.conf > /dev/null 2> "$x.err" &&
		"$B/isa" audit verify "$x" --key data/audit.pub.pem "${since[@]}" \
			> /dev/null 2>> "$x.err"; then
		VERIFIED=$((VERIFIED + 1))
		rm -f "$x" "$x.err"
	else
		BAD=$((BAD + 1))
		echo "round $1: export does not verify: $(cat "$x.err")" >&2
	fi
}

for r in $(seq "$ROUNDS"); do
	rm -f stop failed pid.* acked.[0-9]*
	start
	for w in $(seq "$WRITERS"); do writer "$w" "$r" 2> /dev/null & done
	export_verify "$r.a"
	sleep "$(printf '0.%03d' $((RANDOM % 1000)))"
	sleep "$(printf '0.%03d' $((RANDOM % 1000 + 200)))"
	kill -KILL "$PID"
	wait "$PID" 2> /dev/null
	PID=""
	touch stop
	for w in $(seq "$WRITERS"); do
		[ -s pid.$w ] && kill -KILL "$(cat pid.$w)" 2> /dev/null
	done
	wait
	[ -e failed ] && FAILED=$((FAILED + $(wc -l < failed)))
	start
	export_verify "$r.b"
	"$B/isa" audit checkpoint --config u/client.conf > cp.$r && CP=cp.$r
	cat acked.[0-9]* 2> /dev/null > acked.round
	while read -r id f; do
		ACKED=$((ACKED + 1))
		if ! "$B/isa" get "$id" -o back --config f/client.conf 2> /dev/null > /dev/null ||
			! cmp -s "$f" back; then
			LOST=$((LOST + 1))
			echo "round $r: $id ($f) lost or changed" >&2
		fi
		rm -f back
	done < acked.round
	cat acked.round >> acked.all
	rm -rf docs && mkdir docs
	stop
	[ $((r % 20)) -eq 0 ] && echo "round $r: $ACKED acknowledged, $LOST lost, $VERIFIED exports verified" >&2
done
start
"$B/isa" ls --config f/client.conf | cut -f 1 | sort > ls.ids
cut -d ' ' -f 1 acked.all | sort > acked.ids
MISSING=$(comm -23 acked.ids ls.ids | wc -l)
stop
T1=$(date +%s.%N)
echo "crash.sh: $ROUNDS rounds of kill -9 under $WRITERS concurrent isa put writers"
echo "  acknowledged documents: $ACKED (puts cut off by the kill, not counted: $FAILED)"
echo "  lost or changed after the restart that followed: $LOST"
echo "  acknowledged ids missing from isa ls at the end: $MISSING"
echo "  audit exports verified (--since the checkpoint kept): $VERIFIED; not verified: $BAD"
echo "  time: $(echo "$T1 - $T0" | bc | cut -d . -f 1) s"
[ "$LOST" -eq 0 ] && [ "$MISSING" -eq 0 ] && [ "$BAD" -eq 0 ] && [ "$ACKED" -gt 0 ]
