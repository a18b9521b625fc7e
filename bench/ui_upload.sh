#!/bin/sh
# bench/ui_upload.sh BUILD_DIR [MIB]: a file of MIB MiB (default 1024)
# uploaded through isa ui's API (bench/ui_upload.py: POST /api/upload as the
# upload page makes it, streamed from disk): isa ui's peak memory (VmHWM,
# and VmRSS sampled during it) against `isa put` of a file of the same size
# in the same run (isa put's ceiling: its window of chunks, at most 32 MiB).
set -eu
B=$(realpath "${1:-build/bench}")
MIB=${2:-1024}
HERE=$(cd "$(dirname "$0")" && pwd)
ISA=$B/isa
. "$HERE/deploy.sh"
bench_workdir
bench_deploy "map_size = 8589934592;
limits = { max_document = 4294967296; };"
kib() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$UI/status"; }

# Two files of the same size (isad refuses content it already holds).
head -c $((MIB * 1048576)) /dev/urandom > viaput
head -c $((MIB * 1048576)) /dev/urandom > viaui
t0=$(date +%s.%N)
/usr/bin/time -f "%M" -o put.rss "$ISA" put viaput --title bench-put --class OFFICIAL \
    --to user:u --config u/client.conf > put.out 2> put.err
t1=$(date +%s.%N)
PUTSECS=$(echo "$t1 - $t0" | bc)

: > ui.out
"$ISA" ui --no-browser --config u/client.conf > ui.out 2> ui.err &
UI=$!
until grep -q "/login?token=" ui.out; do sleep 0.05; done
URL=$(head -n 1 ui.out)
BASE=$(kib VmRSS)
echo "$BASE" > peak
( p=$BASE; while :; do a=$(kib VmRSS); [ "$a" -gt "$p" ] && { p=$a; echo "$p" > peak; }; sleep 0.05; done ) &
SAMPLER=$!
set -- $(/usr/bin/python3 "$HERE/ui_upload.py" "$URL" "$DIR/viaui" bench-ui)
SECS=$1
ANSWER=$2
kill "$SAMPLER"; SAMPLER=""
HWM=$(kib VmHWM)
kill -TERM "$UI"; wait "$UI"; UI=""
ID=$(echo "$ANSWER" | sed -n 's/.*"id":"\([A-Z2-7]*\)".*/\1/p')
SIZE=$("$ISA" info "$ID" --json --config u/client.conf | sed -n 's/.*"size":\([0-9]*\).*/\1/p')
[ "$SIZE" = $((MIB * 1048576)) ] || { echo "stored $SIZE bytes, not $((MIB * 1048576))" >&2; exit 1; }
PUT=$(cat put.rss)
SAMPLED=$(cat peak)
PEAK=$((HWM > SAMPLED ? HWM : SAMPLED))	# the kernel syncs RSS counters lazily
echo "isa ui, $MIB MiB uploaded through its API in $SECS s ($(echo "scale=1; $MIB / $SECS" | bc) MiB/s): VmRSS $((BASE / 1024)) MiB before; VmRSS sampled $((SAMPLED / 1024)) MiB, VmHWM $((HWM / 1024)) MiB at most"
echo "isa put, a file of the same size in $PUTSECS s: peak RSS $((PUT / 1024)) MiB"
awk -v a="$PEAK" -v b="$PUT" 'BEGIN { printf "isa ui / isa put peak: %.1f / %.1f MiB = %.2f\n", a / 1024, b / 1024, a / b }'
kill -TERM "$PID"; wait "$PID"; PID=""
