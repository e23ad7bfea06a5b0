#!/bin/sh
# bench.sh — what `make bench` measures, in one run, for each firmware:
#   - speed: simulated seconds per wall second (from `lorahil sim`'s summary,
#     the simulation loop only), and that speed relative to the first row
#     (targets/lorawan-node) — ratios, since the machines are noisy;
#   - peak memory: the process's max RSS (GNU time, %M);
#   - the events file: bytes and lines per simulated minute;
#   - with CALLGRIND=1, host instructions per simulated second (valgrind
#     callgrind, a shorter run minus a 1 ms run for start-up): repeatable.
# Firmware: targets/lorawan-node and targets/e2ee-node for $BENCH_FOR (they
# sleep: slept time is skipped), plus each ELF/HEX in $LMIC_ELF (space
# separated; a busy-polling stack such as an arduino-lmic ttn-abp build) for
# $LMIC_FOR, checked with $LMIC_KEYS (default: the reference device, which
# are also the ttn-abp sketch's keys).
# Prints a table and writes $BUILD/bench.json; events and logs stay in
# $BUILD/bench/. Nothing here asserts a speed: the exit status is 1 only when
# a run fails (non-zero exit of lorahil sim, or no summary), 2 on bad input.
# Usage: tools/bench.sh BUILD_DIR   (make bench [LMIC_ELF=...] [CALLGRIND=1])
set -u
BUILD=${1:-build}
L=$BUILD/lorahil
T=$BUILD/targets
OUT=$BUILD/bench
JSON=$BUILD/bench.json
KEYS=fixtures/keys/reference-device-hex.txt
E2EE_KEY=2B7E151628AED2A6ABF7158809CF4F3C   # targets/e2ee-node's default KEY
BENCH_FOR=${BENCH_FOR:-6h}
LMIC_FOR=${LMIC_FOR:-90s}
LMIC_ELF=${LMIC_ELF:-${LORAHIL_BENCH_FIRMWARE:-}}   # the older name still works
LMIC_KEYS=${LMIC_KEYS:-${LORAHIL_BENCH_KEYS:-$KEYS}}
CALLGRIND=${CALLGRIND:-0}
CG_FOR=${CG_FOR:-5m}            # callgrind runs of our targets
CG_LMIC_FOR=${CG_LMIC_FOR:-1s}  # callgrind runs of $LMIC_ELF (about 20 s each)

say() { echo "bench: $*" >&2; }
now() { date +%s.%N; }

[ -x "$L" ] || { say "$L not built (run make bench)"; exit 2; }
for f in $LMIC_ELF; do
  [ -r "$f" ] || { say "LMIC_ELF: $f: no such file"; exit 2; }
done
[ -r "$LMIC_KEYS" ] || { say "LMIC_KEYS: $LMIC_KEYS: no such file"; exit 2; }
case $CALLGRIND in
  0|'') CALLGRIND=0 ;;
  *) CALLGRIND=1
     # valgrind only for this mode: install it (or say how) like the rest
     sh tools/deps.sh valgrind || exit 2 ;;
esac
TIME=
if [ -x /usr/bin/time ]; then TIME=/usr/bin/time
else say "/usr/bin/time missing (Debian package time): no max RSS"; fi

rm -rf "$OUT"
mkdir -p "$OUT" || exit 2
ROWS=$OUT/rows.tsv
: >"$ROWS"
n=0
failed=0

# speed line of a sim log: "SIM_S WALL_S", or nothing
speed_of() {
  awk '$1 == "speed:" { print $2, $6 }' "$1"
}

# callgrind's instruction total of lorahil sim FIRMWARE --for DUR ARGS...
# into $cg_ir, and the simulated seconds reached into $cg_sim; 1 on failure
# (sh has no locals: every name here starts with cg_, run() uses none)
callgrind_run() { # TAG DUR FIRMWARE ARGS...
  cg_tag=$1 cg_dur=$2 cg_fw=$3
  shift 3
  cg_out=$OUT/$cg_tag.callgrind
  valgrind --tool=callgrind --callgrind-out-file="$cg_out" \
    "$L" sim "$cg_fw" --for "$cg_dur" --quiet "$@" >"$OUT/$cg_tag.log" 2>"$OUT/$cg_tag.vg"
  cg_rc=$?
  cg_ir=$(awk '$1 == "summary:" { print $2 }' "$cg_out" 2>/dev/null)
  cg_sim=$(speed_of "$OUT/$cg_tag.log" | awk '{ print $1 }')
  [ "$cg_rc" = 0 ] && [ -n "$cg_ir" ] && [ -n "$cg_sim" ]
}

# run NAME DURATION FIRMWARE ARGS...: one timed run (and with CALLGRIND=1
# two more under callgrind), appended to $ROWS
run() {
  name=$1 dur=$2 fw=$3
  shift 3
  n=$((n + 1))
  ev=$OUT/$n-$name.jsonl
  log=$OUT/$n-$name.log
  say "$name for $dur simulated ..."
  t0=$(now)
  if [ -n "$TIME" ]; then
    # GNU time puts "Command exited with non-zero status" lines before %M
    $TIME -f %M -o "$OUT/$n.rss" "$L" sim "$fw" --for "$dur" --quiet --events "$ev" "$@" \
      >"$log" 2>&1
  else
    "$L" sim "$fw" --for "$dur" --quiet --events "$ev" "$@" >"$log" 2>&1
  fi
  rc=$?
  t1=$(now)
  rss=-
  [ -n "$TIME" ] && rss=$(tail -n 1 "$OUT/$n.rss" 2>/dev/null | awk '/^[0-9]+$/ { print }')
  [ -n "$rss" ] || rss=-
  sp=$(speed_of "$log")
  if [ "$rc" != 0 ] || [ -z "$sp" ]; then
    say "$name: lorahil sim exited $rc (log: $log)"
    tail -n 5 "$log" >&2
    failed=1
  fi
  [ -n "$sp" ] || sp="- -"
  bytes=$(wc -c <"$ev" 2>/dev/null || echo 0)
  lines=$(wc -l <"$ev" 2>/dev/null || echo 0)
  cgdur=- cgir=- cgbase=- cgsim=-
  if [ "$CALLGRIND" = 1 ]; then
    case $fw in "$T"/*) cgdur=$CG_FOR ;; *) cgdur=$CG_LMIC_FOR ;; esac
    say "$name under callgrind: 1 ms and $cgdur simulated ..."
    if callgrind_run "$n-base" 1ms "$fw" "$@" && cgbase=$cg_ir &&
       callgrind_run "$n-cg" "$cgdur" "$fw" "$@"; then
      cgir=$cg_ir cgsim=$cg_sim
    else
      say "$name: callgrind run failed (logs: $OUT/$n-*.log, $OUT/$n-*.vg)"
      failed=1 cgbase=-
    fi
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$name" "$dur" $sp "$(echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }')" \
    "$rss" "$bytes" "$lines" "$rc" "$cgdur" "$cgsim" "$cgbase" "$cgir" "$fw" >>"$ROWS"
}

node=$T/lorawan-node/lorawan-node.elf
[ -f "$node" ] || { say "$node not built"; exit 2; }
run lorawan-node "$BENCH_FOR" "$node" --keys "$KEYS"
if [ -f "$T/e2ee-node/e2ee-node.elf" ]; then
  run e2ee-node "$BENCH_FOR" "$T/e2ee-node/e2ee-node.elf" --e2ee-key "$E2EE_KEY"
fi
for f in $LMIC_ELF; do
  b=$(basename "$f"); b=${b%.elf}; b=${b%.hex}
  run "$b" "$LMIC_FOR" "$f" --keys "$LMIC_KEYS"
done

CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
CORES=$(nproc 2>/dev/null || echo '?')
DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# what else ran is the main source of noise: show it
LOAD=$(awk '{ print $1, $2, $3 }' /proc/loadavg 2>/dev/null)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo none)

# The table, then the JSON. Speed ratios are against row 1 (lorawan-node).
awk -F'\t' -v date="$DATE" -v cpu="$CPU" -v cores="$CORES" -v commit="$COMMIT" \
    -v json="$JSON" -v cg="$CALLGRIND" \
    -v cgfor="$CG_FOR" -v cglmic="$CG_LMIC_FOR" -v load="$LOAD" '
function num(x) { return x != "-" && x != "" }
function ratio(a, b) { return (num(a) && num(b) && b > 0) ? a / b : "" }
function fmt(x, f) { return x == "" ? "-" : sprintf(f, x) }
function human_ratio(r) {      # 0.00034 -> "1/2941", 0.48 -> "0.48"
  if (r == "") return "-"
  if (r >= 0.1) return sprintf("%.2f", r)
  return sprintf("1/%.0f", 1 / r)
}
function jstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
function jnum(x) { return x == "" || x == "-" ? "null" : x }
{
  name[NR] = $1; dur[NR] = $2; sim[NR] = $3; wall[NR] = $4; proc[NR] = $5
  rss[NR] = $6; bytes[NR] = $7; lines[NR] = $8; rc[NR] = $9
  cgdur[NR] = $10; cgsim[NR] = $11; cgbase[NR] = $12; cgir[NR] = $13; fw[NR] = $14
  speed[NR] = ratio(sim[NR], wall[NR])
  min = num(sim[NR]) ? sim[NR] / 60 : ""
  bpm[NR] = ratio(bytes[NR], min); lpm[NR] = ratio(lines[NR], min)
  ips[NR] = ""
  if (num(cgir[NR]) && num(cgbase[NR]) && cgsim[NR] > 0.001)
    ips[NR] = (cgir[NR] - cgbase[NR]) / (cgsim[NR] - 0.001)
}
END {
  printf "lorahil bench, %s, commit %s, %s cores (%s), load average at the end %s\n", \
         date, commit, cores, cpu, load
  printf "%-20s %8s %8s %12s %9s %9s %10s %9s", "firmware", "sim s", "wall s",
         "sim s/wall s", "vs node", "max RSS", "ev B/min", "ev l/min"
  if (cg) printf " %16s %12s", "host instr/sim s", "cost vs node"
  printf " %s\n", "status"
  for (i = 1; i <= NR; i++) {
    printf "%-20s %8s %8s %12s %9s %9s %10s %9s", name[i], fmt(sim[i], (sim[i] >= 10 ? "%.0f" : "%.3f")),
           fmt(wall[i], "%.3f"), fmt(speed[i], "%.1f"),
           human_ratio(ratio(speed[i], speed[1])),
           num(rss[i]) ? sprintf("%.1f MiB", rss[i] / 1024) : "-",
           fmt(bpm[i], "%.0f"), fmt(lpm[i], "%.1f")
    if (cg) printf " %16s %12s", (ips[i] == "" ? "-" : sprintf("%.4g", ips[i])),
                   (ips[1] == "" || ips[i] == "" ? "-" : sprintf("%.4g", ips[i] / ips[1]))
    printf " %s\n", rc[i] == 0 ? "ok" : "exit " rc[i]
  }
  print "sim s/wall s: simulated seconds per wall second of the simulation loop (= x real time);"
  print "vs node: that speed over lorawan-node'\''s in this run. Wall-clock figures are noisy:"
  print "compare ratios from one run, not numbers across runs or machines."
  if (cg) {
    print "host instr/sim s: host instructions (callgrind) of a " cgfor " run (LMIC_ELF: " cglmic ")"
    print "minus a 1 ms run, per simulated second: repeatable (not wall-clock); cost vs node: over lorawan-node'\''s."
  }

  printf "{\n  \"date\": %s,\n  \"commit\": %s,\n  \"cores\": %s,\n  \"cpu\": %s,\n  \"loadavg\": %s,\n  \"runs\": [\n",
         jstr(date), jstr(commit), jnum(cores), jstr(cpu), jstr(load) > json
  for (i = 1; i <= NR; i++) {
    printf "    {\"name\": %s, \"firmware\": %s, \"sim_for\": %s, \"exit\": %d,\n", \
           jstr(name[i]), jstr(fw[i]), jstr(dur[i]), rc[i] > json
    printf "     \"sim_s\": %s, \"wall_s\": %s, \"process_wall_s\": %s, \"sim_s_per_wall_s\": %s, \"speed_vs_lorawan_node\": %s,\n", \
           jnum(sim[i]), jnum(wall[i]), jnum(proc[i]), jnum(speed[i]), \
           jnum(ratio(speed[i], speed[1])) > json
    printf "     \"max_rss_kb\": %s, \"events_bytes\": %d, \"events_lines\": %d, \"events_bytes_per_sim_min\": %s, \"events_lines_per_sim_min\": %s", \
           jnum(rss[i]), bytes[i], lines[i], jnum(bpm[i]), jnum(lpm[i]) > json
    if (cg)
      printf ",\n     \"callgrind\": {\"sim_for\": %s, \"sim_s\": %s, \"instructions\": %s, \"startup_instructions\": %s, \"instructions_per_sim_s\": %s}", \
             jstr(cgdur[i]), jnum(cgsim[i]), jnum(cgir[i]), jnum(cgbase[i]), \
             (ips[i] == "" ? "null" : sprintf("%.0f", ips[i])) > json
    printf "}%s\n", (i < NR ? "," : "") > json
  }
  printf "  ]\n}\n" > json
}' "$ROWS" || { say "could not write the table or $JSON"; exit 2; }
echo "written: $JSON (events and logs in $OUT/)"
exit $failed
