#!/bin/sh
# bench/transfer.sh BUILD_DIR [MIB]: put and get MIB (default 1024) MiB
# through isad on loopback with CURVE; throughput and peak memory of both
# ends, against bench_curve's plain CURVE bulk ceiling in the same run
# ($WORKERS: isad's workers, default 4).
set -eu
B=$(realpath "${1:-build/release}")
MIB=${2:-1024}
ISA=$B/isa
. "$(cd "$(dirname "$0")" && pwd)/deploy.sh"
DIR=$(mktemp -d "${TMPDIR:-/tmp}/isa-bench-XXXXXX")
PID=""
SAMPLER=""
cleanup() {
	[ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null || true
	[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null || true
	rm -rf "$DIR"
}
trap cleanup EXIT INT TERM
cd "$DIR"
bench_deploy "map_size = 8589934592; workers = ${WORKERS:-4};
limits = { max_document = 4294967296; };"
head -c $((MIB * 1048576)) /dev/urandom > big
sync
anon() { awk '/RssAnon/ { print $2 }' /proc/$PID/status; }
BASE=$(anon)
( peak=0; while :; do a=$(anon); [ "$a" -gt "$peak" ] && { peak=$a; echo $peak > peak; }; sleep 0.05; done ) &
SAMPLER=$!
t0=$(date +%s.%N)
/usr/bin/time -f "%M" -o put.rss "$ISA" put big --title bench --class OFFICIAL --to user:u --config u/client.conf > put.out
t1=$(date +%s.%N)
ID=$(tail -n 1 put.out)
/usr/bin/time -f "%M" -o get.rss "$ISA" get "$ID" -o back --config u/client.conf 2> get.err
t2=$(date +%s.%N)
kill "$SAMPLER"; SAMPLER=""
cmp big back
PEAK=$(cat peak)
echo "isa put: $MIB MiB in $(echo "$t1 - $t0" | bc) s: $(echo "scale=1; $MIB / ($t1 - $t0)" | bc) MiB/s; client peak RSS $(( $(cat put.rss) / 1024 )) MiB"
echo "isa get: $MIB MiB in $(echo "$t2 - $t1" | bc) s: $(echo "scale=1; $MIB / ($t2 - $t1)" | bc) MiB/s; client peak RSS $(( $(cat get.rss) / 1024 )) MiB"
echo "isad anonymous RSS: $((BASE / 1024)) MiB before, $((PEAK / 1024)) MiB peak: growth $(((PEAK - BASE) / 1024)) MiB"
"$B/bench/bench_curve" bulk "$MIB"
kill -TERM "$PID"; wait "$PID"; PID=""
