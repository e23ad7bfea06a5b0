#!/bin/sh
# sim_downlink.sh — downlinks the node's radio receives are verified like
# uplinks (check/lw_stream.h: downlink_* verdicts, FCntDown of their own).
# targets/lorawan-node built with CONFIRMED_EVERY=2 sends uplinks 1, 3, ...
# confirmed; with --downlink 1:CAFE the simulated network server sends CAFE
# on FPort 1 after uplink 0 and ACKs uplinks 1 and 3: three downlinks in 2
# simulated minutes, FCntDown 0, 1, 2. The expected payload is the one given
# on the command line, the expected counters the ones the firmware printed
# after decrypting and checking them itself (its own AES, see
# targets/lorawan-node). The network server uses the keys lorahil checks
# with, so a wrong key cannot make a downlink fail here (test_lw_stream_down
# does that with lora-packet's frames); this checks counts and the output.
# A run without downlinks prints no downlink line. POSIX sh.
set -u
LORAHIL=${LORAHIL:?set LORAHIL to the lorahil binary}
FIX=${FIXTURES:-fixtures}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
KEYS=$FIX/keys/reference-device-hex.txt

make -s -C "$SRC/targets/lorawan-node" O="$T/node" CONFIRMED_EVERY=2 >"$T/build.log" 2>&1 ||
  { cat "$T/build.log"; echo "FAIL: cannot build lorawan-node with CONFIRMED_EVERY=2"; exit 1; }
NODE=$T/node/lorawan-node.elf

"$LORAHIL" sim "$NODE" --for 2m --keys "$KEYS" --downlink 1:CAFE \
  --events "$T/dl.jsonl" --report "$T/rep" >"$T/dl.out" 2>"$T/dl.err"
rc=$?
[ $rc = 0 ] || { cat "$T/dl.out" "$T/dl.err"; fail "exit $rc, expected 0"; }

nrx=$(grep '"type":"radio_rx_window"' "$T/dl.jsonl" | grep -c '"result":"rx"')
[ "$nrx" = 3 ] || fail "$nrx frames received in RX windows, expected 3"
for c in devaddr mic fcnt decrypt; do
  n=$(grep -c "\"check\":\"downlink_$c\",\"ok\":true" "$T/dl.jsonl")
  [ "$n" = "$nrx" ] || fail "$n good downlink_$c verdicts for $nrx downlinks"
done
grep -q '"ok":false' "$T/dl.jsonl" && fail "a verdict failed: $(grep '"ok":false' "$T/dl.jsonl")"
grep '"check":"downlink_' "$T/dl.jsonl" | grep -v -q '"frame":-1}' &&
  fail "a downlink verdict carries an uplink frame index"

# the application payload as given to --downlink, once
n=$(grep -c '"check":"downlink_decrypt","ok":true,"detail":"FPort 1: CAFE"' "$T/dl.jsonl")
[ "$n" = 1 ] || fail "$n downlink_decrypt verdicts with FPort 1: CAFE, expected 1"
n=$(grep -c '"check":"downlink_decrypt","ok":true,"detail":"no FPort, no FRMPayload"' "$T/dl.jsonl")
[ "$n" = 2 ] || fail "$n ACKs without FPort, expected 2"

# FCntDown as the firmware decoded it ("down: fcnt=N ...") equals the verdicts'
fw=$(sed -n 's/.*"text":"down: fcnt=\([0-9]*\) .*/\1/p' "$T/dl.jsonl" | tr '\n' ' ')
lh=$(sed -n 's/.*"check":"downlink_fcnt","ok":true,"detail":"FCnt \([0-9]*\) (ok)".*/\1/p' \
  "$T/dl.jsonl" | tr '\n' ' ')
[ "$fw" = "0 1 2 " ] || fail "the firmware decoded FCntDown '$fw', expected '0 1 2 '"
[ "$lh" = "$fw" ] || fail "downlink_fcnt verdicts '$lh', firmware '$fw'"
grep -q '"text":"down: fcnt=0 fport=1 ack=0 data=cafe"' "$T/dl.jsonl" ||
  fail "the node did not print the CAFE downlink"

# terminal: a verdict line after each received frame, uplink summary as before,
# then the downlink line
n=$(grep -c '^ *ok   downlink: devaddr: DevAddr 95337738; mic: MIC ' "$T/dl.out")
[ "$n" = 3 ] || fail "$n downlink verdict lines printed, expected 3"
grep -q '^summary: 4 uplinks, 4 verified, 0 failed, 0 faults; ' "$T/dl.out" ||
  fail "summary line: $(grep summary "$T/dl.out")"
grep -q '^  3 downlinks, 3 verified, 0 failed$' "$T/dl.out" ||
  fail "downlink summary: $(grep downlinks "$T/dl.out")"
[ "$(sed -n '/^summary:/{n;p;}' "$T/dl.out")" = "  3 downlinks, 3 verified, 0 failed" ] ||
  fail "the downlink line does not follow the summary line"

# reports: one testcase per downlink check, named apart from the uplinks'
n=$(grep -c '<testcase name="downlink_mic"' "$T/rep/junit.xml")
[ "$n" = 3 ] || fail "$n downlink_mic testcases in junit.xml, expected 3"
n=$(grep -c '<testcase name="mic frame' "$T/rep/junit.xml")
[ "$n" = 4 ] || fail "$n uplink mic testcases in junit.xml, expected 4"

# --quiet: passing downlinks print nothing but the summary line
"$LORAHIL" sim "$NODE" --for 2m --keys "$KEYS" --downlink 1:CAFE --quiet >"$T/q.out" 2>&1 ||
  fail "--quiet: exit $?"
grep -q 'downlink:' "$T/q.out" && fail "--quiet printed a passing downlink line"
grep -q '^  3 downlinks, 3 verified, 0 failed$' "$T/q.out" || fail "--quiet: no downlink summary"

# nothing received: no downlink line, no downlink verdict
"$LORAHIL" sim "$NODE" --for 20s --keys "$KEYS" --events "$T/no.jsonl" >"$T/no.out" 2>&1 ||
  fail "no downlinks: exit $?"
grep -q '"result":"rx"' "$T/no.jsonl" && fail "a frame was received without confirmed uplinks or --downlink"
grep -q 'downlink' "$T/no.out" "$T/no.jsonl" && fail "downlink output in a run without downlinks"

for k in AA0F29D39D7AAE3B54CFDF2F2A2355B5 2F85435B349C80C6A8FA27495A368221; do
  grep -qi "$k" "$T/dl.out" "$T/dl.err" "$T/dl.jsonl" "$T/q.out" "$T/rep/junit.xml" &&
    fail "key $k printed unmasked"
done

[ $fails = 0 ] || { echo "$fails failures"; exit 1; }
echo "sim_downlink: 3 downlinks verified"
