#!/bin/sh
# bench/ui.sh BUILD_DIR [MIB] [DOCS] [ROUNDS]: isa ui in headless Chromium
# (bench/ui_browser.py).  (a) A document of MIB MiB (default 1024)
# downloaded through the browser: isa ui's peak memory (VmHWM, and VmRSS
# sampled during it) against `isa get` of the same document in the same
# run (the CLI's ceiling; the bound is 64 MiB).  (b) DOCS documents
# (default 1000) the user may see: the documents page's load time, from
# navigation start to its table filled, median of ROUNDS loads (default
# 5), against `isa ls` of the same user, median of ROUNDS.
set -eu
B=$(realpath "${1:-build/bench}")
MIB=${2:-1024}
DOCS=${3:-1000}
ROUNDS=${4:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
ISA=$B/isa
. "$HERE/deploy.sh"
bench_workdir
bench_deploy "map_size = 8589934592;
limits = { max_document = 4294967296; };"
now() { date +%s.%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# isa ui --no-browser for u, its pid in $UI and its URL in $URL.
start_ui() {
	: > ui.out
	"$ISA" ui --no-browser --config u/client.conf > ui.out 2> ui.err &
	UI=$!
	until grep -q "/login?token=" ui.out; do sleep 0.05; done
	URL=$(head -n 1 ui.out)
}
stop_ui() { kill -TERM "$UI"; wait "$UI"; UI=""; }
kib() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$UI/status"; }

# (a) the download
head -c $((MIB * 1048576)) /dev/urandom > big
ID=$("$ISA" put big --title bench --class OFFICIAL --to user:u --config u/client.conf 2>/dev/null | tail -n 1)
/usr/bin/time -f "%M" -o get.rss "$ISA" get "$ID" -o back --config u/client.conf 2> get.err
cmp big back
rm back
start_ui
BASE=$(kib VmRSS)
echo "$BASE" > peak
( p=$BASE; while :; do a=$(kib VmRSS); [ "$a" -gt "$p" ] && { p=$a; echo "$p" > peak; }; sleep 0.05; done ) &
SAMPLER=$!
mkdir into
SECS=$(/usr/bin/python3 "$HERE/ui_browser.py" download "$URL" "$ID" "$DIR/into" $((MIB * 1048576)))
kill "$SAMPLER"; SAMPLER=""
HWM=$(kib VmHWM)
cmp big into/big
rm -rf big into
stop_ui
GET=$(cat get.rss)
SAMPLED=$(cat peak)
PEAK=$((HWM > SAMPLED ? HWM : SAMPLED))	# the kernel syncs RSS counters lazily
echo "isa ui, $MIB MiB through Chromium in $SECS s ($(echo "scale=1; $MIB / $SECS" | bc) MiB/s): VmRSS $((BASE / 1024)) MiB before; VmRSS sampled $((SAMPLED / 1024)) MiB, VmHWM $((HWM / 1024)) MiB at most"
echo "isa get, the same document: peak RSS $((GET / 1024)) MiB"
awk -v a="$PEAK" -v b="$GET" 'BEGIN { printf "isa ui / isa get peak: %.1f / %.1f MiB = %.2f (bound: under 64 MiB)\n", a / 1024, b / 1024, a / b }'

# (b) the documents page
t0=$(now)
i=0
while [ "$i" -lt "$DOCS" ]; do
	echo "$i" > d
	"$ISA" put d --title "Bench document $i" --class OFFICIAL --to user:u \
	    --config u/client.conf > /dev/null 2>&1
	i=$((i + 1))
done
t1=$(now)
echo "$DOCS documents put in $(echo "$t1 - $t0" | bc) s"
: > ls.times
r=0
while [ "$r" -lt "$ROUNDS" ]; do
	r=$((r + 1))
	t0=$(now)
	"$ISA" ls --config u/client.conf > ls.out
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }' >> ls.times
done
echo "isa ls ($(($(wc -l < ls.out) - 1)) documents): ms $(tr '\n' ' ' < ls.times)"
start_ui
/usr/bin/python3 "$HERE/ui_browser.py" docs "$URL" "$ROUNDS" > page.times
stop_ui
echo "documents page: ms to the table filled: $(cut -d ' ' -f 1 page.times | tr '\n' ' ')($(cut -d ' ' -f 2 page.times | head -n 1) rows shown)"
LS=$(median < ls.times)
PAGE=$(cut -d ' ' -f 1 page.times | median)
awk -v p="$PAGE" -v l="$LS" 'BEGIN { printf "median of %d: page %.0f ms, isa ls %.0f ms: ratio %.1f\n", '"$ROUNDS"', p, l, p / l }'
kill -TERM "$PID"; wait "$PID"; PID=""
