#!/bin/sh
# bench/floodlog.sh BUILD_DIR: what isad writes to its log under a flood of
# refused handshakes of each kind bench_hsflood makes (fresh keys; one
# unenrolled key; a disabled user's key; a wrong server key; no security
# mechanism; garbage bytes and half greetings on the TCP port; fresh keys
# from 199 source addresses), each on a fresh deployment for $SECS seconds
# (default 10): the attempts, and the lines and bytes a second isad's log
# grew by during the flood (lines that are not about refused handshakes are
# counted too).  $KINDS: the kinds to run (default all); "full" runs the
# flood from 199 addresses with the store unable to commit (a test build's
# $ISAD_TEST_COMMIT_FAULT: build/check; a release build commits).
set -eu
B=$(realpath "${1:-build/release}")
SECS=${SECS:-10}
. "$(cd "$(dirname "$0")" && pwd)/deploy.sh"
bench_workdir
TOP=$DIR

# flood NAME KIND [ARG]: a fresh isad with a disabled user "d", the flood,
# then isad's log growth.
flood() {
	name=$1
	shift
	case " ${KINDS:-$name} " in *" $name "*) ;; *) return 0 ;; esac
	mkdir "$TOP/$name"
	cd "$TOP/$name"
	[ "$name" = full ] && export ISAD_TEST_COMMIT_FAULT="$TOP/full/fault"
	bench_deploy "map_size = 4294967296;"
	unset ISAD_TEST_COMMIT_FAULT
	"$B/isa" keygen --out d > dkey.out
	cat > policy.conf <<P
agencies = ( { id = "hcc"; name = "H"; } );
users = ( { id = "u"; name = "U"; agency = "hcc"; clearance = "SC"; key = "$(tail -n 1 key.out)"; },
  { id = "d"; name = "D"; agency = "hcc"; clearance = "SC"; enabled = false; key = "$(tail -n 1 dkey.out)"; } );
P
	[ "$name" = full ] && : > fault	# commits fail from now on
	kill -HUP "$PID"
	until grep -q "policy.conf: reloaded: 2 users" isad.log; do sleep 0.05; done
	before=$(wc -c < isad.log); lbefore=$(wc -l < isad.log)
	"$B/bench/bench_hsflood" "$EP" "$SK" "$1" "$SECS" ${2:-} > out
	sleep 1
	bytes=$(($(wc -c < isad.log) - before)); lines=$(($(wc -l < isad.log) - lbefore))
	echo "$name: $(cat out); isad's log: $lines lines, $((bytes / SECS)) bytes/s"
	tail -n +"$((lbefore + 1))" isad.log | sed 's/[0-9A-Za-z.+=^!\/*?&<>()@%$#-]\{40\}/KEY/g; s/[0-9][0-9]*/N/g' | sort | uniq -c | sort -rn | head -n 5 | sed "s/^/$name:   /"
	kill -KILL "$PID" 2>/dev/null || true
	wait "$PID" 2>/dev/null || true
	PID=""
	cd "$TOP"
}

flood fresh fresh
flood same same
flood disabled key "$TOP/disabled/d/user.key"
flood wrongserver wrongserver
flood plain plain
flood garbage garbage
flood half half
flood addrs addrs 199
flood full addrs 199
