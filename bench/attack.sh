#!/bin/sh
# bench/attack.sh BUILD_DIR: isad's anonymous memory (RssAnon, from
# /proc/PID/status) under finding 1's attacks of issue 14, each on a fresh
# deployment: 600 put_begins and never a chunk; 60 put_begins with 3 MB
# titles; 300 GetChunk requests sent without reading a reply (a 301 MiB
# document, 1 MiB chunks), and after that client leaves.  For each: isad's
# anonymous memory before, its peak during, while the client is still
# there, and 3 s after it left, and whether isad survived.  The
# bound: growth under 128 MiB whatever a client sends.  Also: six connections
# each sending 10 put_begins of ~4 MB that are millions of empty strings
# (fields); six connections
# each sending 1,500 ls requests of a 200-document listing and reading no
# reply (lsflood).  $WORKERS: isad's workers (default 4); $ATTACKS: the
# names to run (default all).
set -eu
B=$(realpath "${1:-build/release}")
. "$(cd "$(dirname "$0")" && pwd)/deploy.sh"
TOP=$(mktemp -d "${TMPDIR:-/tmp}/isa-bench-XXXXXX")
PID=""
SAMPLER=""
cleanup() {
	[ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null || true
	[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null || true
	rm -rf "$TOP"
}
trap cleanup EXIT INT TERM
anon() { awk '/RssAnon/ { print $2 }' "/proc/$PID/status" 2>/dev/null || echo 0; }
mib() { echo $(($1 / 1024)); }

# attack NAME SETUP ARGS...: a fresh isad, SETUP run in its directory
# (may set $ID), then bench_attack ARGS (with $ID substituted).
attack() {
	name=$1 setup=$2
	shift 2
	case " ${ATTACKS:-$name} " in *" $name "*) ;; *) return 0 ;; esac
	mkdir "$TOP/$name"
	cd "$TOP/$name"
	bench_deploy "workers = ${WORKERS:-4}; map_size = 4294967296;"
	ID=""
	$setup
	sleep 1	# what the set-up left settles
	base=$(anon)
	echo "$base" > peak
	( p=$base; while :; do a=$(anon); [ "$a" -gt "$p" ] && { p=$a; echo "$p" > peak; }; sleep 0.05; done ) &
	SAMPLER=$!
	mkfifo ctl
	"$B/bench/bench_attack" "$EP" "$SK" u/user.key $(echo "$@" | sed "s/@ID@/$ID/") < ctl > out 2>&1 &
	client=$!
	exec 3> ctl
	until grep -q holding out || ! kill -0 "$client" 2>/dev/null; do sleep 0.1; done
	held=$(anon)
	echo >&3
	exec 3>&-
	wait "$client" || true
	sleep 3
	after=$(anon)
	kill "$SAMPLER"
	SAMPLER=""
	peak=$(cat peak)
	if kill -0 "$PID" 2>/dev/null; then alive="isad up"; else alive="isad DIED"; fi
	echo "$name: $(grep -v holding out | tr '\n' ' ')"
	echo "$name: RssAnon $(mib "$base") MiB before; peak $(mib "$peak") MiB (+$(mib $((peak - base)))); with the client there $(mib "$held") MiB; 3 s after it left $(mib "$after") MiB (+$(mib $((after - base)))); $alive"
	refused=$(grep -c "chunks not yet taken\|content in transit" isad.log || true)
	[ "$refused" -gt 0 ] && echo "$name: isad logged $refused chunk refusal notice(s)"
	grep -i "abort\|secure memory" isad.log | head -n 3 | sed "s/^/$name: isad: /" || true
	kill -KILL "$PID" 2>/dev/null || true
	wait "$PID" 2>/dev/null || true
	PID=""
}

no_setup() { :; }
big_doc() {
	head -c $((301 * 1048576)) /dev/zero | tr '\0' 'x' > big
	ID=$("$B/isa" put big --title b --class OFFICIAL --to user:u --config u/client.conf 2>/dev/null | tail -n 1)
	rm -f big
}

attack begins no_setup begins 600
attack titles no_setup titles 60 3000000
attack chunks big_doc chunks @ID@ 300 5
attack putchunks no_setup putchunks 300 1048576
many_docs() {
	i=0
	t=$(head -c 250 /dev/zero | tr '\0' 't')
	while [ $i -lt 200 ]; do
		echo "$i" > d
		"$B/isa" put d --title "$t$i" --class OFFICIAL --to user:u \
		    --config u/client.conf > /dev/null 2>&1
		i=$((i + 1))
	done
}
attack fields no_setup fields 6 10
attack lsflood many_docs lsflood 6 1500
