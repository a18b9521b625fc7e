#!/bin/bash
# bench/campaign.sh: the whole reliability campaign, one part at a time
# (about 35 minutes on 2 cores): crash.sh (200 kill -9 rounds), faults.sh
# (a full disk and a full map), valgrind.sh, fuzz.sh (five fuzzers, 4
# minutes each).  Run from the top of the source tree as root (faults.sh
# mounts a tmpfs); it builds what each part needs first:
#   build/bench (Release: crash, faults), build/gcc (valgrind),
#   build/check (clang, sanitizers, fuzzers).
# Prints each part's block; exits 1 when any part failed its bound.
set -u
cd "$(dirname "$0")/.."
BENCH=${CAMPAIGN_BENCH:-build/bench} GCC=${CAMPAIGN_GCC:-build/gcc} CHECK=${CAMPAIGN_CHECK:-build/check}
FUZZERS="fuzz_envelope fuzz_input fuzz_records fuzz_policy_load fuzz_auditverify"
L="-DCMAKE_C_COMPILER_LAUNCHER=ccache"
set -e
cmake -S . -B "$BENCH" -DCMAKE_BUILD_TYPE=Release $L > /dev/null
cmake --build "$BENCH" -j2 --target isad isa bench_fault > /dev/null
cmake -S . -B "$GCC" -DCMAKE_C_COMPILER=gcc $L > /dev/null
cmake --build "$GCC" -j2 --target isad isa > /dev/null
cmake -S . -B "$CHECK" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DISA_SANITIZE=ON -DISA_FUZZ=ON $L > /dev/null
cmake --build "$CHECK" -j2 --target $FUZZERS > /dev/null
set +e
FAIL=""
bench/crash.sh "$BENCH" 200 4 || FAIL="$FAIL crash"
bench/faults.sh "$BENCH" 20 || FAIL="$FAIL faults"
bench/valgrind.sh "$GCC" || FAIL="$FAIL valgrind"
bench/fuzz.sh "$CHECK" 240 $FUZZERS || FAIL="$FAIL fuzz"
echo "campaign.sh: ${FAIL:+failed:}${FAIL:-every part within its bounds}"
[ -z "$FAIL" ]
