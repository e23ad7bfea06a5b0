#!/bin/sh
# report.sh — what `make report` does: runs the bundled scenarios under
# `lorahil sim` and writes each one's reports (lorahil report) into
# reports/out/<short commit>/<scenario>/, ready for
# `lorahil report diff reports/out/<parent> reports/out/<commit>`.
# A scenario whose checks fail still gets its report (that is what the diff
# is for); only a report that cannot be written fails this script.
# Usage: tools/report.sh BUILD_DIR [OUT_DIR]
BUILD=${1:-build}
LORAHIL=$BUILD/lorahil
T=$BUILD/targets
ID=$(git rev-parse --short HEAD 2>/dev/null || echo nocommit)
OUT=${2:-reports/out/$ID}
KEYS=fixtures/keys/reference-device-hex.txt
E2EE_KEY=2B7E151628AED2A6ABF7158809CF4F3C   # targets/e2ee-node's default KEY
fails=0

now() { date +%s.%N; }

# scenario NAME ELF SIM_ARGS...: run, then report with the ELF's sizes
scenario() {
  name=$1 elf=$2
  shift 2
  if [ ! -f "$elf" ]; then
    echo "report: $name: $elf not built, skipped"
    return
  fi
  dir=$OUT/$name
  # raw events and logs stay in the build dir: a report directory holds
  # only reports, whose text is masked
  work=$BUILD/report-work/$name
  mkdir -p "$dir" "$work"
  ev=$work/events.jsonl
  t0=$(now)
  "$LORAHIL" sim "$elf" --quiet --events "$ev" "$@" >"$work/sim.log" 2>&1
  simrc=$?
  t1=$(now)
  wall=$(echo "$t0 $t1" | awk '{printf "%.3f", $2 - $1}')
  "$LORAHIL" report "$ev" --out "$dir" --elf "$elf" --name "$name" --keys "$KEYS" \
    --wall-s "$wall" >"$work/report.log" 2>&1
  rc=$?
  if [ $rc = 2 ] || [ ! -s "$dir/metrics.json" ]; then
    echo "report: $name: could not write the report:"; cat "$work/report.log"
    fails=$((fails + 1))
    return
  fi
  case $simrc in 0) res="all checks passed" ;; 1) res="a check failed or the firmware faulted" ;;
                 *) res="sim exit $simrc (see $work/sim.log)" ;; esac
  echo "report: $name: $res -> $dir/report.html"
}

[ -x "$LORAHIL" ] || { echo "report: $LORAHIL is not built" >&2; exit 2; }
mkdir -p "$OUT" || exit 2
scenario lorawan-node "$T/lorawan-node/lorawan-node.elf" --board dragino-shield --keys "$KEYS" --for 10m
scenario e2ee-node "$T/e2ee-node/e2ee-node.elf" --for 2m --e2ee-key "$E2EE_KEY"
echo "report: $OUT"
[ $fails = 0 ]
