#!/bin/sh
# run.sh — runs every unit test binary, every integration script and a short
# smoke run of each fuzz target; prints one line per suite and a closing
# "N passed, N failed" line. Integration scripts exit 0 (pass), 77 (skip) or
# anything else (fail); they find the CLI in $LORAHIL and firmware in $TARGETS.
BUILD=${1:-build}
SMOKE=${2:-3}
pass=0; fail=0; skip=0; failed=""
export LORAHIL="$PWD/$BUILD/lorahil" TARGETS="$PWD/$BUILD/targets" FIXTURES="$PWD/fixtures"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
LOGDIR="$BUILD/test-logs"; mkdir -p "$LOGDIR"

record() { # name rc
  if [ "$2" = 0 ]; then pass=$((pass+1)); echo "PASS $1"
  elif [ "$2" = 77 ]; then skip=$((skip+1)); echo "SKIP $1"
  else fail=$((fail+1)); failed="$failed $1"; echo "FAIL $1 (log: $LOGDIR/$1.log)"; fi
}

for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  n=$(basename "$t")
  "$t" >"$LOGDIR/$n.log" 2>&1; rc=$?
  [ $rc = 0 ] || tail -n 30 "$LOGDIR/$n.log"
  record "$n" $rc
done
for t in tests/integration/*.sh; do
  [ -f "$t" ] || continue
  n=$(basename "$t" .sh)
  sh "$t" >"$LOGDIR/$n.log" 2>&1; rc=$?
  [ $rc = 0 ] || [ $rc = 77 ] || tail -n 30 "$LOGDIR/$n.log"
  record "$n" $rc
done
for f in "$BUILD"/fuzz/fuzz_*; do
  [ -x "$f" ] || continue
  n=$(basename "$f")
  seeds="tests/fuzz/seeds/$n"; [ -d "$seeds" ] || seeds=""
  # new inputs go to the first corpus directory: a scratch one, never the
  # committed seeds
  corpus="$BUILD/fuzz/smoke-corpus-$n"; mkdir -p "$corpus"
  "$f" -max_total_time="$SMOKE" "$corpus" $seeds >"$LOGDIR/$n.log" 2>&1; rc=$?
  record "$n-smoke" $rc
done
[ -n "$failed" ] && echo "failed:$failed"
if [ $skip -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"
else echo "$pass passed, $fail failed"; fi
[ $fail = 0 ]
