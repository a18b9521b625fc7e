#!/bin/bash
# bench/valgrind.sh [BUILD_DIR]: isad under valgrind (memcheck, full leak
# check) through a workload (the reliability campaign's third figure):
# puts, get, ls, info, share, audit query and export (verified), a policy
# reload (SIGHUP), a full map (an upload bigger than the 4 MiB map: store
# full, then a whoami and a put that fit) and a clean stop (SIGTERM).
# Prints valgrind's ERROR SUMMARY and leak summary; exits 1 when valgrind
# found errors (definite leaks count as errors) or a step failed.
# BUILD_DIR: a build without sanitizers (default build/gcc):
#   cmake -S . -B build/gcc -DCMAKE_C_COMPILER=gcc && cmake --build build/gcc --target isad isa
# valgrind is a bench tool, not a test dependency: apt-get install valgrind.
set -u
B=$(realpath "${1:-build/gcc}")
command -v valgrind > /dev/null || { echo "valgrind.sh: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/deploy.sh"
bench_workdir
. "$HERE/scaledeploy.sh"
scale_deploy
sed -i 's/^map_size = .*/map_size = 4194304;\nlimits = { max_message = 1048576; chunk = 262144; };/' isad.conf
STEPS=0 FAILED=""
step() {	# step NAME EXPECTED-EXIT COMMAND...: run it, count it, note a failure
	local name=$1 want=$2 rc
	shift 2
	"$@" > step.out 2> step.err
	rc=$?
	STEPS=$((STEPS + 1))
	[ "$rc" -eq "$want" ] || { FAILED="$FAILED $name($rc)"; echo "$name: exit $rc: $(cat step.err)" >&2; }
}
isa_as() { local who=$1; shift; "$B/isa" "$@" --config "$who/client.conf"; }

: > isad.log
valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
	--log-file=vg.log "$B/isad" --config isad.conf 2>> isad.log &
PID=$!
until grep -q "serving on" isad.log; do
	kill -0 "$PID" 2> /dev/null || { echo "isad under valgrind did not start: $(tail -n 3 isad.log)" >&2; exit 1; }
	sleep 0.2
done
EP=$(sed -n 's/.*serving on \(tcp:[^;]*\);.*/\1/p' isad.log)
for who in u f; do
	printf 'server = "%s";\nserver_key = "%s";\nkey_file = "user.key";\ntimeout_ms = 120000;\n' \
		"$EP" "$(tail -n 1 init.out)" > $who/client.conf
done

for i in 1 2 3 4; do head -c $((i * 100000)) /dev/urandom > doc$i; done
step put 0 isa_as f put doc1 --title "vg one" --class OFFICIAL --to user:u
ID1=$(tail -n 1 step.out)
step put 0 isa_as f put doc2 --title "vg two" --class OFFICIAL --to agency:pol
ID2=$(tail -n 1 step.out)
step put 0 isa_as u put doc3 --title "vg three" --class OFFICIAL --to user:f
step get 0 isa_as u get "$ID1" -o back1
cmp -s doc1 back1 || FAILED="$FAILED get-bytes"
step ls 0 isa_as u ls
step info 0 isa_as f info "$ID2"
step share 0 isa_as f share "$ID2" --to user:u --reason "valgrind run"
step whoami 0 isa_as f whoami
step audit 0 isa_as u audit --json
step audit-denied 4 isa_as f audit
step export 0 isa_as u audit export -o audit.jsonl
step verify 0 "$B/isa" audit verify audit.jsonl --key data/audit.pub.pem
kill -HUP "$PID"
n=0
until grep -q "reloaded:" isad.log || [ "$n" -ge 600 ]; do sleep 0.1; n=$((n + 1)); done
grep -q "reloaded:" isad.log || FAILED="$FAILED reload"
step whoami-after-reload 0 isa_as f whoami
head -c 8388608 /dev/urandom > huge
step full-map 5 isa_as f put huge --title "vg huge" --class OFFICIAL --to user:u
grep -q "the store is full" step.err || FAILED="$FAILED full-map-words"
step whoami-after-full 0 isa_as f whoami
step put-after-full 0 isa_as f put doc4 --title "vg four" --class OFFICIAL --to user:f
kill -TERM "$PID"
wait "$PID"
VG=$?
PID=""
echo "valgrind.sh: isad ($B/isad) under valgrind memcheck, $STEPS client steps, a SIGHUP reload, a full map, SIGTERM"
echo "  steps failed: ${FAILED:- none}"
echo "  isad under valgrind exited $VG (99: valgrind found errors)"
sed -n 's/^==[0-9]*== //p' vg.log | grep -E "ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable|All heap blocks" | sed 's/^/  /'
[ -z "$FAILED" ] && [ "$VG" -eq 0 ] && grep -q "ERROR SUMMARY: 0 errors" vg.log
