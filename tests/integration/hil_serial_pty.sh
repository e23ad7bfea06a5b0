#!/bin/sh
# hil_serial_pty.sh — `lorahil hil` reading a pretend board on a
# pseudo-terminal (tests/helpers/pty_board): good frames, garbage bytes, an
# over-long line, a malformed frame line, then the port vanishing; a board
# at the wrong baud rate; a board that never prints; a clean timed run.
# Expected frames are rows of fixtures/lorawan/frames.tsv (lora-packet).
set -u
H=$(dirname "$LORAHIL")/helpers
[ -x "$H/pty_board" ] || { echo "missing $H/pty_board (make builds it)"; exit 1; }
T=$(mktemp -d)
PIDS=""
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

frame() { awk -F'\t' -v n="$1" '$1==n {print $15}' "$FIXTURES/lorawan/frames.tsv"; }
F0=$(frame up_fcnt0_p1_len1); F1=$(frame up_fcnt1_p2_len16)
F255=$(frame up_fcnt255_p100_len17); F256=$(frame up_fcnt256_p223_len51)
[ -n "$F0" ] && [ -n "$F256" ] || fail "frames.tsv rows not found"
KEYS="--devaddr 95337738 --nwkskey AA0F29D39D7AAE3B54CFDF2F2A2355B5 --appskey 2F85435B349C80C6A8FA27495A368221"

# start_board SCRIPT: runs pty_board, sets PTY to the slave's path
start_board() {
  "$H/pty_board" "$1" >"$1.pty" 2>"$1.err" &
  PIDS="$PIDS $!"
  i=0
  while ! grep -q '^/dev/' "$1.pty" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
  PTY=$(head -n 1 "$1.pty")
  [ -n "$PTY" ] || fail "pty_board did not start: $(cat "$1.err")"
}

# --- 1: frames, garbage, long line, bad frame line, port lost -------------
cat >"$T/s1" <<EOS
line lorawan-node pretend board
line tx: fcnt=0 ch=868100000 sf=7 len=14
line frame: $F0
line frame: $F1
drain
raw 00 FF 80 1B
line garbage above
noise 300
line
line frame: $F255
long 3000 A
line frame: $F256
line frame: 40387733950G
close
EOS
start_board "$T/s1"
"$LORAHIL" hil --port "$PTY" --reset none $KEYS --events "$T/ev1.jsonl" >"$T/out1" 2>"$T/err1"
rc=$?
cat "$T/err1"
[ $rc = 1 ] || fail "scenario 1: exit $rc, expected 1 (port lost)"
E="$T/ev1.jsonl"
head -n 1 "$E" | grep -q '"type":"run_start".*"runner":"hil"' || fail "no run_start first"
tail -n 1 "$E" | grep -q '"type":"run_end".*"reason":"port_lost"' || fail "no run_end port_lost last"
grep -q '"type":"fault".*"kind":"port_lost"' "$E" || fail "no port_lost fault"
for f in $F0 $F1 $F255 $F256; do
  grep -q "\"type\":\"radio_tx\".*\"payload_hex\":\"$f\"" "$E" || fail "frame $f missing"
done
[ "$(grep -c '"type":"radio_tx"' "$E")" = 4 ] || fail "expected 4 radio_tx"
# the tx: line before the first frame gave its frequency and SF
grep "\"payload_hex\":\"$F0\"" "$E" | grep -q '"freq_hz":868100000,"sf":7,' || fail "tx: settings not applied"
# check/lw_stream's verdicts for each frame; no duty cycle without frequency and time on air
for c in devaddr mic fcnt decrypt; do
  [ "$(grep -c "\"check\":\"$c\",\"ok\":true" "$E")" = 4 ] || fail "expected 4 passing $c verdicts"
done
grep -q '"check":"duty_cycle"' "$E" && fail "duty cycle checked without radio settings"
[ "$(grep -c '"ok":false' "$E")" = 1 ] || fail "expected one failing verdict (frame_line)"
grep -q '"check":"frame_line","ok":false' "$E" || fail "malformed frame line not reported"
grep -q '"text":"\\\\x00\\\\xff\\\\x80\\\\x1bgarbage above"' "$E" || fail "garbage not kept escaped"
A1024=$(printf '%01024d' 0 | tr 0 A)
grep -q "\"text\":\"$A1024\"" "$E" || fail "long line not truncated to 1024"
grep -q 'longer than 1024 bytes' "$T/err1" || fail "no truncation message"
grep -q 'lost' "$T/err1" || fail "no port lost message"
grep -q 'a burst of non-text bytes after' "$T/err1" || fail "no warning for a noise burst"
# every line of the file is one JSON object
[ "$(grep -vc '^{.*}$' "$E")" = 0 ] || fail "a line of the events file is not an object"

# --- 2: wrong baud rate --------------------------------------------------
printf 'noise 700\nclose\n' >"$T/s2"
start_board "$T/s2"
"$LORAHIL" hil --port "$PTY" --reset none $KEYS --events "$T/ev2.jsonl" >"$T/out2" 2>"$T/err2"
rc=$?
cat "$T/err2"
[ $rc = 2 ] || fail "scenario 2: exit $rc, expected 2 (wrong baud)"
grep -q 'wrong baud rate' "$T/err2" || fail "no wrong-baud message"
grep -q 'try --baud 9600, 57600 or 115200' "$T/err2" || fail "no baud hint"
tail -n 1 "$T/ev2.jsonl" | grep -q '"reason":"wrong_baud"' || fail "no run_end wrong_baud"

# --- 3: a board that never prints ---------------------------------------
printf 'sleep 4000\n' >"$T/s3"
start_board "$T/s3"
"$LORAHIL" hil --port "$PTY" --reset none --silent 1s $KEYS --events "$T/ev3.jsonl" >"$T/out3" 2>"$T/err3"
rc=$?
cat "$T/err3"
[ $rc = 1 ] || fail "scenario 3: exit $rc, expected 1 (silent)"
grep -q 'no byte from the board in 1.0 s' "$T/err3" || fail "no silence message"
grep -q '"kind":"silent"' "$T/ev3.jsonl" || fail "no silent fault"

# --- 4: a good run that ends on time; then a bad MIC --------------------
printf 'line frame: %s\nline frame: %s\ndrain\nsleep 6000\n' "$F0" "$F1" >"$T/s4"
start_board "$T/s4"
"$LORAHIL" hil --port "$PTY" --reset none --for 1500ms $KEYS --events "$T/ev4.jsonl" >"$T/out4" 2>"$T/err4"
rc=$?
cat "$T/err4"
[ $rc = 0 ] || fail "scenario 4: exit $rc, expected 0"
tail -n 1 "$T/ev4.jsonl" | grep -q '"reason":"duration"' || fail "no run_end duration"
[ "$(grep -c '"check":"mic","ok":true' "$T/ev4.jsonl")" = 2 ] || fail "expected 2 passing MICs"
grep -q '"ok":false' "$T/ev4.jsonl" && fail "a verdict failed"

BAD=$(printf '%s' "$F1" | sed 's/.$/4/')   # last MIC nibble 5 -> 4
[ "$BAD" != "$F1" ] || fail "could not corrupt the MIC"
printf 'line frame: %s\nline frame: %s\nclose\n' "$F0" "$BAD" >"$T/s5"
start_board "$T/s5"
"$LORAHIL" hil --port "$PTY" --reset none $KEYS --events "$T/ev5.jsonl" >"$T/out5" 2>"$T/err5"
rc=$?
[ $rc = 1 ] || fail "scenario 5: exit $rc, expected 1"
grep -q '"check":"mic","ok":false' "$T/ev5.jsonl" || fail "bad MIC not reported"
echo "ok"
