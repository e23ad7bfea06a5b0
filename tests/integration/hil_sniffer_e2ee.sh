#!/bin/sh
# hil_sniffer_e2ee.sh — the other capture paths of `lorahil hil`, with
# pretend boards on pseudo-terminals (tests/helpers/pty_board):
#  1. --sniffer: a targets/sniffer-style board prints its banner and
#     "rx: <hex> rssi= snr=" lines -> gateway_rx events (gateway "sniffer",
#     radio settings from the banner) checked with the keys, duty cycle
#     included since frequency, SF and bandwidth are known;
#  2. --e2ee-key: an ESP8266 E2EE node's serial log (fixtures/e2ee-logs,
#     written by crypto-js 4.2.0) -> one "e2ee" verdict per frame; the
#     good log passes, the IV-reuse log fails (exit 1).
set -u
H=$(dirname "$LORAHIL")/helpers
[ -x "$H/pty_board" ] || { echo "missing $H/pty_board"; exit 1; }
T=$(mktemp -d)
PIDS=""
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
start_board() { # SCRIPT -> $PTY
  "$H/pty_board" "$1" >"$1.pty" 2>"$1.err" &
  PIDS="$PIDS $!"
  i=0
  while ! grep -q '^/dev/' "$1.pty" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
  PTY=$(head -n 1 "$1.pty")
  [ -n "$PTY" ] || fail "pty_board did not start: $(cat "$1.err")"
}
frame() { awk -F'\t' -v n="$1" '$1==n {print $15}' "$FIXTURES/lorawan/frames.tsv"; }
F0=$(frame up_fcnt0_p1_len1); F1=$(frame up_fcnt1_p2_len16)
KEYS="--devaddr 95337738 --nwkskey AA0F29D39D7AAE3B54CFDF2F2A2355B5 --appskey 2F85435B349C80C6A8FA27495A368221"

# --- 1: sniffer ---------------------------------------------------------
printf 'line node boot\nsleep 20000\n' >"$T/node"
start_board "$T/node"; NODE=$PTY
cat >"$T/snif" <<EOS
line sniffer: freq=868100000 sf=7 bw=125000 cr=5
line rx: $F0 rssi=-57 snr=9.5
line crc error: rssi=-120 snr=-12.25
line rx: $F1 rssi=-61 snr=-2.25
drain
sleep 20000
EOS
start_board "$T/snif"; SNIF=$PTY
"$LORAHIL" hil --port "$NODE" --sniffer "$SNIF" --reset none --for 1500ms $KEYS \
  --events "$T/ev1.jsonl" >"$T/out1" 2>"$T/err1"
rc=$?
cat "$T/err1"
E="$T/ev1.jsonl"
grep -q "\"type\":\"gateway_rx\",\"t_ns\":[0-9]*,\"node\":0,\"gateway\":\"sniffer\",\"freq_hz\":868100000,\"sf\":7,\"bw_hz\":125000,\"cr\":5,\"rssi_dbm\":-57.0,\"snr_db\":9.5,\"channel\":-1,\"payload_hex\":\"$F0\"" "$E" || fail "first sniffer frame"
grep -q "\"rssi_dbm\":-61.0,\"snr_db\":-2.25,\"channel\":-1,\"payload_hex\":\"$F1\"" "$E" || fail "second sniffer frame"
[ "$(grep -c '"type":"gateway_rx"' "$E")" = 2 ] || fail "a crc error line became a frame"
grep -q '"type":"serial_line","t_ns":[0-9]*,"node":1,"text":"crc error: rssi=-120 snr=-12.25"' "$E" || fail "sniffer lines are node 1"
for c in devaddr mic fcnt decrypt; do
  [ "$(grep -c "\"check\":\"$c\",\"ok\":true" "$E")" = 2 ] || fail "expected 2 passing $c verdicts"
done
# two frames 868.1 MHz back to back: the second is inside the first's time-off
grep -q '"check":"duty_cycle","ok":true' "$E" || fail "first duty-cycle verdict"
grep -q '"check":"duty_cycle","ok":false.*too early' "$E" || fail "duty-cycle violation not seen"
[ $rc = 1 ] || fail "exit $rc, expected 1 (duty cycle)"

# --- 2: E2EE -------------------------------------------------------------
K=2B7E151628AED2A6ABF7158809CF4F3C
run_e2ee() { # LOG WANT_RC
  { sed 's/^/line /' "$FIXTURES/e2ee-logs/$1.log"; echo close; } >"$T/$1.script"
  start_board "$T/$1.script"
  "$LORAHIL" hil --port "$PTY" --reset none --e2ee-key $K --events "$T/$1.jsonl" \
    >"$T/$1.out" 2>"$T/$1.err"
  rc=$?
  grep -qi "$K" "$T/$1.out" "$T/$1.err" "$T/$1.jsonl" && fail "$1: key printed unmasked"
  [ $rc = "$2" ] || { cat "$T/$1.err"; fail "$1: exit $rc, expected $2"; }
}
run_e2ee good 1    # ends by a lost port: the log is over
n=$(grep -c '"check":"e2ee","ok":true' "$T/good.jsonl")
[ "$n" = "$(grep -c '^Encrypted data in base64:' "$FIXTURES/e2ee-logs/good.log")" ] || fail "good log: $n passing e2ee verdicts"
grep -q '"check":"e2ee","ok":false' "$T/good.jsonl" && fail "good log: a verdict failed"
grep -q '"kind":"port_lost"' "$T/good.jsonl" || fail "good log: no port_lost"
run_e2ee iv-reused 1
grep -q '"check":"e2ee","ok":false' "$T/iv-reused.jsonl" || fail "iv-reused: no failing verdict"
echo ok
