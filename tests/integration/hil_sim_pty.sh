#!/bin/sh
# hil_sim_pty.sh — the simulator as the board: `lorahil sim --pty` runs
# targets/lorawan-node and exposes its UART as a pseudo-terminal;
# `lorahil hil --port` reads it like a real board. For the same firmware
# and seed the two paths must agree: the same serial lines, the same frames
# in the same order, and the same frame verdicts (devaddr, mic, fcnt,
# decrypt, mac). Duty cycle is left out: the node prints the frequency and
# SF but not the bandwidth, so hil cannot know the time on air, and hil's
# clock is the wall clock while the simulation runs faster.
set -u
FW="$TARGETS/lorawan-node/lorawan-node.elf"
[ -f "$FW" ] || { echo "FAIL: $FW not built"; exit 1; }
"$LORAHIL" sim --help 2>/dev/null | grep -q -- '--pty' || { echo "SKIP: no lorahil sim --pty"; exit 77; }
T=$(mktemp -d)
SIM=""
cleanup() { [ -n "$SIM" ] && kill "$SIM" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; for f in "$T"/*.err; do echo "== $f"; cat "$f"; done; exit 1; }
KEYS="--devaddr 95337738 --nwkskey AA0F29D39D7AAE3B54CFDF2F2A2355B5 --appskey 2F85435B349C80C6A8FA27495A368221"

"$LORAHIL" sim "$FW" --for 125s --seed 7 $KEYS --events "$T/sim.jsonl" --pty \
  >"$T/sim.out" 2>"$T/sim.err" &
SIM=$!
i=0; while ! grep -q 'UART0 on /dev/' "$T/sim.err" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
PTY=$(sed -n 's|.*UART0 on \(/dev/[^ ]*\) .*|\1|p' "$T/sim.err")
[ -n "$PTY" ] || fail "sim did not print its pty"

"$LORAHIL" hil --port "$PTY" --reset none $KEYS --events "$T/hil.jsonl" >"$T/hil.out" 2>"$T/hil.err"
hrc=$?
wait $SIM
src=$?
SIM=""
cat "$T/hil.err"
[ $src = 0 ] || fail "sim exit $src"
# the simulated board going away at the end of the run is a lost port to hil
[ $hrc = 1 ] || fail "hil exit $hrc, expected 1 (port lost at the end of the simulation)"
tail -n 1 "$T/hil.jsonl" | grep -q '"reason":"port_lost"' || fail "hil run did not end by port_lost"
grep -q '"type":"verdict".*"ok":false' "$T/hil.jsonl" && fail "a hil verdict failed"

lines() { grep '"type":"serial_line"' "$1" | sed 's/.*"text":"\(.*\)"}$/\1/'; }
frames() { grep '"type":"radio_tx"' "$1" | sed 's/.*"payload_hex":"\([0-9A-F]*\)".*/\1/'; }
verdicts() { grep '"type":"verdict"' "$1" | grep -v '"check":"duty_cycle"' \
  | sed 's/.*"check":\("[a-z_]*"\),"ok":\([a-z]*\),"detail":\(.*\),"frame":\(-*[0-9]*\)}$/\1 \2 \3 \4/'; }
lines "$T/sim.jsonl" >"$T/sim.lines"; lines "$T/hil.jsonl" >"$T/hil.lines"
frames "$T/sim.jsonl" >"$T/sim.frames"; frames "$T/hil.jsonl" >"$T/hil.frames"
verdicts "$T/sim.jsonl" >"$T/sim.verdicts"; verdicts "$T/hil.jsonl" >"$T/hil.verdicts"
[ "$(wc -l <"$T/sim.frames")" -ge 4 ] || fail "expected at least 4 uplinks in 125 s"
[ "$(wc -l <"$T/sim.verdicts")" -ge 16 ] || fail "expected verdicts for every uplink"
cmp -s "$T/sim.lines" "$T/hil.lines" || { diff "$T/sim.lines" "$T/hil.lines" | head; fail "serial lines differ"; }
cmp -s "$T/sim.frames" "$T/hil.frames" || { diff "$T/sim.frames" "$T/hil.frames"; fail "frames differ"; }
cmp -s "$T/sim.verdicts" "$T/hil.verdicts" || { diff "$T/sim.verdicts" "$T/hil.verdicts"; fail "verdicts differ"; }
# the hil events feed the same report writers (the lost port is a fault there too)
if "$LORAHIL" report --help >/dev/null 2>&1; then
  "$LORAHIL" report "$T/hil.jsonl" --out "$T/report" >"$T/report.out" 2>&1
  rc=$?
  [ $rc = 1 ] || { cat "$T/report.out"; fail "report: exit $rc, expected 1 (the port_lost fault)"; }
  [ -s "$T/report/junit.xml" ] && [ -s "$T/report/report.html" ] || fail "report files missing"
else
  echo "note: no 'lorahil report' in this build; report step not tried"
fi
echo "ok: $(wc -l <"$T/sim.frames") frames, $(wc -l <"$T/sim.verdicts") verdicts, $(wc -l <"$T/sim.lines") lines agree"
