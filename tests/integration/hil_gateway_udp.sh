#!/bin/sh
# hil_gateway_udp.sh — `lorahil hil --gateway`: real Semtech packet-forwarder
# datagrams (fixtures/udp/*.dgram, built by hand from PROTOCOL.TXT) sent to
# the listener on 127.0.0.1: the acknowledgements (PULL_ACK, PUSH_ACK, none
# for malformed headers), a gateway_rx event per rxpk checked with the keys,
# malformed datagrams and rxpk reported while the listener keeps running.
set -u
H=$(dirname "$LORAHIL")/helpers
[ -x "$H/pty_board" ] && [ -x "$H/udp_gw" ] || { echo "missing helpers in $H"; exit 1; }
T=$(mktemp -d)
PIDS=""
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$T/err" ] && cat "$T/err"; exit 1; }
U="$FIXTURES/udp"
frame() { awk -F'\t' -v n="$1" '$1==n {print $15}' "$FIXTURES/lorawan/frames.tsv"; }
F0=$(frame up_fcnt0_p1_len1); F1=$(frame up_fcnt1_p2_len16); F255=$(frame up_fcnt255_p100_len17)

# a quiet board: one line, then nothing for a while
printf 'line node up\nsleep 20000\n' >"$T/board"
"$H/pty_board" "$T/board" >"$T/pty" 2>/dev/null &
PIDS="$PIDS $!"
i=0; while ! grep -q '^/dev/' "$T/pty" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
PTY=$(head -n 1 "$T/pty")
[ -n "$PTY" ] || fail "no pty"

"$LORAHIL" hil --port "$PTY" --reset none --silent 0 --for 60s \
  --devaddr 95337738 --nwkskey AA0F29D39D7AAE3B54CFDF2F2A2355B5 \
  --appskey 2F85435B349C80C6A8FA27495A368221 \
  --gateway udp://127.0.0.1:0 --events "$T/ev.jsonl" >"$T/out" 2>"$T/err" &
HIL=$!
PIDS="$PIDS $HIL"
i=0; while ! grep -q 'listening for a packet forwarder on udp://' "$T/err" && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
PORT=$(sed -n 's|.*listening for a packet forwarder on udp://127.0.0.1:\([0-9]*\).*|\1|p' "$T/err")
[ -n "$PORT" ] || fail "listener did not start"

"$H/udp_gw" 127.0.0.1 "$PORT" "$U/pull_data.dgram" "$U/push_rxpk.dgram" "$U/push_stat.dgram" \
  "$U/bad_version.dgram" "$U/short.dgram" "$U/bad_json.dgram" "$U/bad_field.dgram" \
  "$U/push_rxpk2.dgram" >"$T/replies" || fail "udp_gw failed"
cat "$T/replies"
# answers as PROTOCOL.TXT 3.3 and 5.3 define them
printf '%s\n' "reply 02ABCD04" "reply 02123401" "reply 02000101" "no reply" "no reply" \
  "reply 02777701" "reply 02888801" "reply 02567801" >"$T/want"
cmp -s "$T/replies" "$T/want" || { diff "$T/want" "$T/replies"; fail "acknowledgements differ"; }

# gateway_rx events come before the run ends; wait for the last one
i=0; while ! grep -q "\"payload_hex\":\"$F255\"" "$T/ev.jsonl" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
kill -INT $HIL
wait $HIL
rc=$?
cat "$T/err"
[ $rc = 2 ] || fail "exit $rc, expected 2 (malformed datagrams)"
E="$T/ev.jsonl"
grep -q "\"type\":\"gateway_rx\",\"t_ns\":[0-9]*,\"node\":0,\"gateway\":\"AA555A0000000101\",\"freq_hz\":868100000,\"sf\":7,\"bw_hz\":125000,\"cr\":5,\"rssi_dbm\":-57.0,\"snr_db\":9.5,\"channel\":0,\"payload_hex\":\"$F0\"" "$E" || fail "first rxpk event"
grep -q "\"gateway\":\"AA555A0000000101\",\"freq_hz\":867500000,\"sf\":7,\"bw_hz\":125000,\"cr\":5,\"rssi_dbm\":-61.0,\"snr_db\":7.25,\"channel\":2,\"payload_hex\":\"$F1\"" "$E" || fail "second rxpk event"
grep -q "\"freq_hz\":869525000.*\"snr_db\":-2.5,\"channel\":1,\"payload_hex\":\"$F255\"" "$E" || fail "rxpk after the malformed ones"
[ "$(grep -c '"type":"gateway_rx"' "$E")" = 3 ] || fail "expected 3 gateway_rx"
# check/lw_stream's verdicts: devaddr, mic, fcnt, decrypt, duty_cycle per frame, all passing
for c in devaddr mic fcnt decrypt duty_cycle; do
  [ "$(grep -c "\"check\":\"$c\",\"ok\":true" "$E")" = 3 ] || fail "expected 3 passing $c verdicts"
done
grep -q '"ok":false' "$E" && fail "a verdict failed"
tail -n 1 "$E" | grep -q '"reason":"interrupted"' || fail "no run_end interrupted"
grep -q 'PULL_DATA, answered PULL_ACK' "$T/err" || fail "PULL_DATA not noted"
grep -q 'status: rxnb=2 rxok=2 rxfw=2 ackr=100.0 dwnb=2 txnb=2' "$T/err" || fail "stat not shown"
grep -q 'byte 0: protocol version 3' "$T/err" || fail "bad version not named"
grep -q 'datagram of 3 bytes is too short' "$T/err" || fail "short datagram not named"
grep -q 'JSON error at byte' "$T/err" || fail "bad JSON byte not named"
grep -q 'rxpk\[0\].datr "SF13BW125"' "$T/err" || fail "bad field not named"
echo ok
