#!/bin/bash
# bench/faults.sh BUILD_DIR [TRIES]: a full disk and a full map, answered
# UNAVAILABLE fast, service kept, recovery without a restart (the
# reliability campaign's second figure).  Needs root (it mounts a tmpfs,
# in a mount namespace of its own: unshare -m) and bench_fault.
#  disk: the data dir on a 24 MiB tmpfs, filled with a file; over one
#   connection (bench_fault) 256 KiB documents (one chunk each) until one
#   is refused (what room data.mdb had left used up), then TRIES (default
#   20) more, each must be refused with exit 5 and "the disk holding
#   DATA_DIR is full (N bytes free)"; the log must say so and not
#   "input/output"; whoami still answers; the file removed, the same
#   upload (isa put, 256 KiB) succeeds and comes back from isa get, from
#   the same isad (no restart).
#  map: map_size 2 MiB, the same filling and TRIES: refused with exit 5
#   and "the store is full"; whoami still answers; a 4 KiB document
#   then goes in (the refused uploads' room is freed) and comes back, from
#   the same isad.
# Times: from PutBegin to the refusal, the whole failing one-chunk upload
# (PutBegin, one PutChunk, PutEnd; handshake not counted): median and max.  Prints the figures in one block; exits 1
# when a try is not refused UNAVAILABLE with the right words, the slowest
# refusal takes 50 ms or more, isad stops serving or the retry fails.
#   cmake --build build/bench --target isad isa bench_fault
#   sudo bench/faults.sh build/bench
set -u
if [ -z "${ISA_FAULTS_NS:-}" ]; then
	ISA_FAULTS_NS=1 exec unshare -m --propagation private "$0" "$@"
fi
B=$(realpath "${1:-build/bench}")
TRIES=${2:-20}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/deploy.sh"
bench_workdir
trap 'bench_cleanup_all' EXIT INT TERM
bench_cleanup_all() {
	[ -n "$PID" ] && kill -KILL "$PID" 2> /dev/null
	mountpoint -q "$DIR/data" && umount -l "$DIR/data"
	cd / && rm -rf "$DIR"
}
FAIL=0
LIMITS='limits = { max_message = 1048576; chunk = 262144; };'

# Median and max of the tries' ms in $1: "median M ms, max X ms".
times() {
	sed -n 's/^try [0-9]*: \([0-9.]*\) ms.*/\1/p' "$1" | sort -n |
		awk '{ v[NR] = $1 } END { printf "median %.1f ms, max %.1f ms", v[int((NR + 1) / 2)], v[NR]; if (v[NR] >= 50) exit 1 }'
}

# Tries in $1 all refused with exit 5 and the words $2?  The kept line: $3.
refused() {
	local n
	n=$(grep -c "^try [0-9]*: [0-9.]* ms exit 5: .*$2" "$1")
	[ "$n" -eq "$TRIES" ] || { echo "only $n of $TRIES tries refused with exit 5 and '$2':" >&2; grep -v "exit 5: .*$2" "$1" | head -3 >&2; FAIL=1; }
	grep -q "^whoami: ok" "$1" || { echo "whoami failed after the fault" >&2; FAIL=1; }
}

# Put file $1 as u and get it back: "ok" or what failed.
put_get() {
	local id
	if ! id=$("$B/isa" put "$1" --title retry --class OFFICIAL --to user:u --config u/client.conf 2> put.err | tail -n 1); then
		echo "put failed: $(cat put.err)"
	elif ! "$B/isa" get "$id" -o back --config u/client.conf > /dev/null 2> get.err; then
		echo "get of $id failed: $(cat get.err)"
	elif ! cmp -s "$1" back; then
		echo "get of $id differs"
	else
		echo ok
	fi
}

# A full disk.
mkdir data
mount -t tmpfs -o size=24m,mode=0700 isa-bench-faults data || { echo "cannot mount a tmpfs (run as root)" >&2; exit 1; }
bench_deploy "$LIMITS"
cat /dev/zero > data/filler 2> /dev/null
FREE=$(df -B1 --output=avail data | tail -n 1 | tr -d ' ')
"$B/bench/bench_fault" u/client.conf 262144 "$TRIES" 262144 > disk.tries
refused disk.tries "the disk holding [^ ]*data is full ([0-9]* bytes free)"
DISK_T=$(times disk.tries) || FAIL=1
DISK_WORDS=$(sed -n 's/^try 1: [0-9.]* ms exit 5: //p' disk.tries)
grep -q "the store cannot commit: the disk holding" isad.log || { echo "the log does not say the disk is full" >&2; FAIL=1; }
IO=$(grep -c "input/output" isad.log)
[ "$IO" -eq 0 ] || FAIL=1
rm data/filler
head -c 262144 /dev/urandom > one
DISK_RETRY=$(put_get one)
[ "$DISK_RETRY" = ok ] || FAIL=1
kill -0 "$PID" 2> /dev/null && [ "$(grep -c 'serving on' isad.log)" -eq 1 ] && DISK_SAME="same isad, pid $PID" || { DISK_SAME="isad restarted or gone"; FAIL=1; }
kill -TERM "$PID"; wait "$PID"; PID=""
DISK_WHO=$(grep -c '^whoami: ok' disk.tries)
DISK_FILLED=$(sed -n 's/^filled: //p' disk.tries)
umount data && mkdir m && cd m

# A full map.
bench_deploy "$LIMITS
map_size = 2097152;"
"$B/bench/bench_fault" u/client.conf 262144 "$TRIES" 262144 > map.tries
refused map.tries "the store is full"
MAP_T=$(times map.tries) || FAIL=1
MAP_WORDS=$(sed -n 's/^try 1: [0-9.]* ms exit 5: //p' map.tries)
head -c 4096 /dev/urandom > small
MAP_RETRY=$(put_get small)
[ "$MAP_RETRY" = ok ] || FAIL=1
kill -0 "$PID" 2> /dev/null && [ "$(grep -c 'serving on' isad.log)" -eq 1 ] && MAP_SAME="same isad, pid $PID" || { MAP_SAME="isad restarted or gone"; FAIL=1; }
kill -TERM "$PID"; wait "$PID"; PID=""

echo "faults.sh: $TRIES refused 256 KiB uploads each, after the room left was used up; timed from PutBegin to the refusal"
echo "  full disk (24 MiB tmpfs, $FREE bytes free after the filler; $DISK_FILLED): $DISK_T"
echo "    told: $DISK_WORDS"
echo "    log lines with input/output: $IO; whoami after: $DISK_WHO ok; file removed, the same upload: $DISK_RETRY ($DISK_SAME)"
echo "  full map (2 MiB map; $(sed -n 's/^filled: //p' map.tries)): $MAP_T"
echo "    told: $MAP_WORDS"
echo "    whoami after: $(grep -c '^whoami: ok' map.tries) ok; a 4 KiB document after: $MAP_RETRY ($MAP_SAME)"
echo "  result: $([ "$FAIL" -eq 0 ] && echo pass || echo FAIL)"
exit "$FAIL"
