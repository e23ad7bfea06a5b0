#!/bin/sh
# report_hil.sh — `lorahil hil --report DIR`: the simulator as the board
# (`lorahil sim --pty`, as in hil_sim_pty.sh), hil reads it and writes the
# reports at the end: junit.xml valid against the Jenkins schema with the
# lost port as an <error>, runner "hil" in metrics.json, one uplink per
# radio_tx of hil's own events file, no key in any report. Skips (77) when
# the firmware is not built or sim has no --pty.
set -u
LORAHIL=${LORAHIL:?set LORAHIL to the lorahil binary}
FIX=${FIXTURES:-fixtures}
FW=${TARGETS:-build/targets}/lorawan-node/lorawan-node.elf
[ -f "$FW" ] || { echo "SKIP: $FW not built"; exit 77; }
"$LORAHIL" sim --help 2>/dev/null | grep -q -- '--pty' || { echo "SKIP: no lorahil sim --pty"; exit 77; }
T=$(mktemp -d) || exit 1
SIM=""
cleanup() { [ -n "$SIM" ] && kill "$SIM" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
KEYS="$FIX/keys/reference-device-hex.txt"

"$LORAHIL" sim "$FW" --for 95s --seed 3 --keys "$KEYS" --pty >"$T/sim.out" 2>"$T/sim.err" &
SIM=$!
i=0; while ! grep -q 'UART0 on /dev/' "$T/sim.err" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
PTY=$(sed -n 's|.*UART0 on \(/dev/[^ ]*\) .*|\1|p' "$T/sim.err")
[ -n "$PTY" ] || { cat "$T/sim.err"; echo "FAIL: sim did not print its pty"; exit 1; }
"$LORAHIL" hil --port "$PTY" --reset none --keys "$KEYS" --events "$T/hil.jsonl" --report "$T/r" \
  >"$T/hil.out" 2>"$T/hil.err"
hrc=$?
wait $SIM
SIM=""
# the simulated board going away at the end is a lost port: a fault, exit 1
[ $hrc = 1 ] || { cat "$T/hil.err"; fail "hil exit $hrc, expected 1"; }
grep -q "report in $T/r/report.html" "$T/hil.err" || fail "report path not printed"
for f in junit.xml report.html report.md frames.pcap metrics.json; do
  [ -s "$T/r/$f" ] || fail "$f missing"
done
xmllint --noout --schema "$FIX/schemas/junit-10.xsd" "$T/r/junit.xml" 2>"$T/xl" || { cat "$T/xl"; fail "junit.xml not valid"; }
grep -q '<error type="port_lost"' "$T/r/junit.xml" || fail "port_lost not an error in junit.xml"
grep -q '"runner": "hil"' "$T/r/metrics.json" || fail "runner is not hil"
tx=$(grep -c '"type":"radio_tx"' "$T/hil.jsonl")
[ "$tx" -ge 3 ] || fail "expected at least 3 uplinks in 95 s, hil saw $tx"
grep -q "\"uplinks\": $tx," "$T/r/metrics.json" || fail "metrics uplinks differ from hil's $tx radio_tx events"
for k in AA0F29D39D7AAE3B54CFDF2F2A2355B5 2F85435B349C80C6A8FA27495A368221; do
  lk=$(printf %s "$k" | tr 'A-F' 'a-f')
  grep -q -a -r -e "$k" -e "$lk" "$T/r" && fail "key $k in a report"
done
[ $fails = 0 ] && echo "report_hil: all checks passed" && exit 0
exit 1
