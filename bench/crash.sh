#!/bin/bash
# bench/crash.sh BUILD_DIR [ROUNDS [WRITERS]]: kill -9 rounds under
# concurrent writers (the reliability campaign's first figure).  Each of
# ROUNDS (default 200) rounds starts isad on the same store, WRITERS
# (default 4) loops of real `isa put` (documents of 1 byte to 64 KiB of
# random bytes) and an auditor's `isa audit export`, then kills isad with
# SIGKILL at a random moment (0.2 to 2.2 s after that export's end) and
# restarts it.  After the
# restart: a second export; each export must pass `isa audit verify
# --key audit.pub.pem --since` the checkpoint kept the round before; and
# every document acknowledged before the kill (isa put exited 0 with its
# id) must come back from `isa get` with the same bytes.  At the end every
# acknowledged id must still be in `isa ls`.  Prints the figures in one
# block; exits 1 when a document is lost or an export does not verify.
# (200 rounds: about 13 minutes on 2 shared cores.)
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
WP=()
trap 'touch stop; stop_writers; bench_cleanup; trap - EXIT; exit 1' INT TERM
trap 'touch stop; stop_writers; bench_cleanup' EXIT
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

# As scaledeploy.sh's start, but the script ends when isad exits or
# does not serve within 60 s; u's and f's requests time out after 20 s.
start_bounded() {
	local n=0 who
	: > isad.log
	"$B/isad" --config isad.conf 2>> isad.log &
	PID=$!
	until grep -q "serving on" isad.log; do
		if ! kill -0 "$PID" 2> /dev/null || [ "$n" -ge 6000 ]; then
			echo "isad did not start: $(tail -n 3 isad.log)" >&2
			exit 1
		fi
		n=$((n + 1))
		sleep 0.01
	done
	EP=$(sed -n 's/.*serving on \(tcp:[^;]*\);.*/\1/p' isad.log)
	for who in u f; do
		printf 'server = "%s";\nserver_key = "%s";\nkey_file = "user.key";\ntimeout_ms = 20000;\n' \
			"$EP" "$(tail -n 1 init.out)" > $who/client.conf
	done
}

# After ./stop: kill each writer's running isa (by the pid it wrote)
# until every writer has seen ./stop and ended.
stop_writers() {
	local w live=1
	while [ "$live" -eq 1 ]; do
		live=0
		for w in "${!WP[@]}"; do
			kill -0 "${WP[$w]}" 2> /dev/null || continue
			live=1
			[ -s "pid.$((w + 1))" ] && kill -KILL "$(cat "pid.$((w + 1))")" 2> /dev/null
		done
		[ "$live" -eq 1 ] && sleep 0.05
	done
	[ "${#WP[@]}" -gt 0 ] && wait "${WP[@]}"
	WP=()
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
	start_bounded
	for w in $(seq "$WRITERS"); do
		writer "$w" "$r" 2> /dev/null &
		WP+=($!)
	done
	export_verify "$r.a"
	sleep "$(printf '0.%03d' $((RANDOM % 1000)))"
	sleep "$(printf '0.%03d' $((RANDOM % 1000 + 200)))"
	kill -KILL "$PID"
	wait "$PID" 2> /dev/null
	PID=""
	touch stop
	stop_writers
	[ -e failed ] && FAILED=$((FAILED + $(wc -l < failed)))
	start_bounded
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
start_bounded
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
