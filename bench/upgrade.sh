#!/bin/sh
# bench/upgrade.sh OLD_BUILD NEW_BUILD [DOCS [RECORDS]]: how long isad
# takes to bring a store made before issue 19 (schema 2) up to date: the
# old isad fills a store with DOCS documents (default 100000) and RECORDS
# more audit records (default 0), then the new isad starts on it, builds
# every index once, and says how long each took; then `isad check --deep`
# compares every index with the records; last, how long a rekey (every
# data key rewrapped, as isad does in its writer after destructions)
# takes for that many documents.  OLD_BUILD: a release build of
# a commit before issue 19 (e.g. git worktree add /tmp/old d62c7c8).
set -eu
OLD=$(realpath "$1")
NEW=$(realpath "$2")
DOCS=${3:-100000}
RECORDS=${4:-0}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/deploy.sh"
bench_workdir
. "$HERE/scaledeploy.sh"
B=$OLD
scale_deploy
start
"$B/bench/bench_load" -j 8 f/client.conf docs "$DOCS" user:f fill
[ "$RECORDS" -gt 0 ] && "$B/bench/bench_load" -j 8 f/client.conf records "$RECORDS"
stop
echo "schema-2 store: $(du -sh data | cut -f1), $DOCS documents"
B=$NEW
start
echo "the new isad served after $MS ms; its log:"
sed -n 's/^.*isad: //p' isad.log | grep -E 'upgrad|indexed|indexes'
stop
"$B/isad" check --deep --config isad.conf | grep -E "^index |every index"
t0=$(date +%s%N)
"$B/isad" rekey --config isad.conf | tail -n 1
echo "rekey of $DOCS documents: $((($(date +%s%N) - t0) / 1000000)) ms"
