#!/bin/sh
# bench/timing.sh BUILD_DIR [RUNS]: rule 2 in time.  Runs the timing-leak
# test (tests/integration/test_timing.c) of BUILD_DIR against its own isad
# RUNS times (default 3) and prints its figures: per-request round trips
# of a refused Info on an off-list document (1, 64, 8,000 entries) and of a
# refused Decide on an invisible share request (its document 8,000
# entries), each against a missing id, interleaved, 800 pairs a run; the
# medians, the paired difference (order effect cancelled) and its limit.
set -eu
B=$(realpath "${1:-build/release}")
RUNS=${2:-3}
r=0
while [ "$r" -lt "$RUNS" ]; do
	r=$((r + 1))
	echo "run $r:"
	ISAD_BIN="$B/isad" ISA_BIN="$B/isa" "$B/tests/integ_test_timing" 2>&1 |
	    grep -E 'median|FAILED  \]' || true
done
