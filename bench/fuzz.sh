#!/bin/bash
# bench/fuzz.sh [BUILD_DIR [SECONDS [TARGET...]]]: the fuzzers, one at a
# time, SECONDS each (default 240), from the ctest corpus and the seeds
# (the reliability campaign's fourth figure).  Targets by default: the
# five the campaign ran: fuzz_envelope fuzz_input fuzz_records
# fuzz_policy_load fuzz_auditverify.  BUILD_DIR (default build/check) is
# a clang build with the fuzzers:
#   cmake -S . -B build/check -DCMAKE_C_COMPILER=clang -DISA_SANITIZE=ON -DISA_FUZZ=ON
#   cmake --build build/check --target fuzz_envelope fuzz_input ...
# Options as tests/CMakeLists.txt gives ctest's short runs.  A finding
# (crash, leak, timeout, out of memory) is kept in BUILD_DIR/fuzz-findings.
# Prints each target's runs, coverage and result in one block; exits 1
# on any finding.
set -u
B=$(realpath "${1:-build/check}")
SECS=${2:-240}
shift 2 2> /dev/null || shift $#
TARGETS=${*:-fuzz_envelope fuzz_input fuzz_records fuzz_policy_load fuzz_auditverify}
SEEDS=$(cd "$(dirname "$0")/../tests/fuzz/seeds" && pwd)
OUT=$B/fuzz-findings
mkdir -p "$OUT"
LOG=$(mktemp "${TMPDIR:-/tmp}/isa-fuzz-XXXXXX")
trap 'rm -f "$LOG"' EXIT
RESULTS="" FOUND=0
for t in $TARGETS; do
	mkdir -p "$B/fuzz-corpus/$t"
	seeds=()
	[ -d "$SEEDS/$t" ] && seeds=("$SEEDS/$t")
	"$B/tests/$t" -max_total_time="$SECS" -rss_limit_mb=2048 -timeout=10 \
		-artifact_prefix="$OUT/$t-" "$B/fuzz-corpus/$t" "${seeds[@]}" > "$LOG" 2>&1
	rc=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$LOG")
	cov=$(grep -o 'cov: [0-9]*' "$LOG" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		RESULTS="$RESULTS  $t: ${runs:-?}, $cov, no finding"$'\n'
	else
		FOUND=1
		RESULTS="$RESULTS  $t: exit $rc: FINDING: $(grep -m 1 -E 'ERROR|SUMMARY|deadly' "$LOG")"$'\n'
		cp "$LOG" "$OUT/$t.log"
	fi
done
echo "fuzz.sh: ${SECS} s each, one at a time ($B)"
printf '%s' "$RESULTS"
exit "$FOUND"
