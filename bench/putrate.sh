#!/bin/sh
# bench/putrate.sh OLD_BUILD NEW_BUILD [DOCS [PAIRS]]: the put rate one
# user sees, an older build against a newer one, pair by pair on a noisy
# machine: each build's isad serves its own store (a scale deployment,
# see scaledeploy.sh), and in turn, PAIRS times (default 7), each takes
# DOCS documents (default 300) over one connection.  Prints each pair's
# rates and their ratio (new/old), then the medians.  For issue 19's
# "indexes must not slow the write path".
set -eu
OLD=$(realpath "$1")
NEW=$(realpath "$2")
DOCS=${3:-300}
PAIRS=${4:-7}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/deploy.sh"
bench_workdir
. "$HERE/scaledeploy.sh"
OLDPID=""
trap 'bench_cleanup; [ -n "$OLDPID" ] && kill -KILL "$OLDPID" 2>/dev/null || true' EXIT INT TERM
mkdir old new
(cd old && B=$OLD && scale_deploy)
(cd new && B=$NEW && scale_deploy)
cd old; B=$OLD; start; OLDPID=$PID; PID=""; cd ..
cd new; B=$NEW; start; cd ..
rate() {
	"$1/bench/bench_load" "$2/f/client.conf" docs "$DOCS" user:f "p$3" |
		sed -n 's/.*(\([0-9]*\)\/s)$/\1/p'
}
: > pairs
for i in $(seq "$PAIRS"); do
	o=$(rate "$OLD" old "$i")
	n=$(rate "$NEW" new "$i")
	echo "$o $n" | awk '{ printf "pair %d: old %s/s new %s/s ratio %.2f\n", '"$i"', $1, $2, $2 / $1 }'
	echo "$o $n" >> pairs
done
awk '{ o[NR] = $1; n[NR] = $2; r[NR] = $2 / $1 }
	function med(a, k,   i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }; return a[int((k + 1) / 2)] }
	END { printf "medians: old %d/s, new %d/s; ratio new/old %.2f\n", med(o, NR), med(n, NR), med(r, NR) }' pairs
