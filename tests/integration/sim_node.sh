#!/bin/sh
# sim_node.sh — our LoRaWAN node (targets/lorawan-node) on the simulated
# Dragino shield: with the reference device's keys every frame verifies and
# lorahil exits 0; with a wrong NwkSKey every MIC fails and it exits 1;
# opening jumper JP1 takes DIO1 (RxTimeout) away from the AVR; a confirmed
# uplink gets the network server's ACK in RX1. Keys never appear unmasked.
# POSIX sh.
set -u
LORAHIL=${LORAHIL:?set LORAHIL to the lorahil binary}
FIX=${FIXTURES:-fixtures}
NODE=${TARGETS:?set TARGETS}/lorawan-node/lorawan-node.elf
[ -f "$NODE" ] || { echo "SKIP: $NODE not built"; exit 77; }
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
NWK=AA0F29D39D7AAE3B54CFDF2F2A2355B5
APP=2F85435B349C80C6A8FA27495A368221

nokeys() { # FILES...: no session key in full, either case
  for k in $NWK $APP; do
    lk=$(printf %s "$k" | tr 'A-F' 'a-f')
    if grep -q -e "$k" -e "$lk" "$@"; then fail "key $k printed unmasked in $*"; fi
  done
}

# 1. reference keys: >= 5 uplinks in 3 simulated minutes, all verified
"$LORAHIL" sim "$NODE" --for 3m --keys "$FIX/keys/reference-device-hex.txt" \
  --events "$T/ok.jsonl" >"$T/ok.out" 2>"$T/ok.err"
rc=$?
[ $rc = 0 ] || { fail "reference keys: exit $rc"; tail -n 20 "$T/ok.out" "$T/ok.err"; }
ntx=$(grep -c '"type":"radio_tx"' "$T/ok.jsonl")
[ "$ntx" -ge 5 ] || fail "only $ntx uplinks in 3 minutes"
nmic=$(grep '"type":"verdict"' "$T/ok.jsonl" | grep -c '"check":"mic","ok":true')
[ "$nmic" = "$ntx" ] || fail "$nmic good MICs for $ntx uplinks"
grep -q '"ok":false' "$T/ok.jsonl" && fail "a verdict failed with the right keys"
grep -q "summary: $ntx uplinks, $ntx verified, 0 failed, 0 faults" "$T/ok.out" ||
  fail "summary line: $(grep summary "$T/ok.out")"
grep -q 'gateway' "$T/ok.out" || fail "no gateway lines printed"
nokeys "$T/ok.out" "$T/ok.err" "$T/ok.jsonl"

# 2. the same keys given as flags, in the LMIC C form file: same verdicts
"$LORAHIL" sim "$NODE" --for 1m --devaddr 95337738 --nwkskey $NWK --appskey $APP \
  --quiet >"$T/f.out" 2>&1 || fail "keys as flags: exit $?"
nokeys "$T/f.out"
"$LORAHIL" sim "$NODE" --for 1m --keys "$FIX/keys/reference-device.txt" --quiet \
  >"$T/c.out" 2>&1 || fail "LMIC-form keys file: exit $?"

# 3. a wrong NwkSKey: every MIC fails, exit 1
"$LORAHIL" sim "$NODE" --for 2m --devaddr 95337738 \
  --nwkskey AA0F29D39D7AAE3B54CFDF2F2A2355B6 --appskey $APP \
  --events "$T/bad.jsonl" >"$T/bad.out" 2>&1
rc=$?
[ $rc = 1 ] || fail "wrong key: exit $rc, expected 1"
grep -q '"check":"mic","ok":false' "$T/bad.jsonl" || fail "wrong key: no failed MIC verdict"
grep -q 'FAIL' "$T/bad.out" || fail "wrong key: no FAIL line printed"

# 4. JP1 open: DIO1 (RxTimeout) never reaches PD6, so the node cannot learn of
#    the RX1 timeout at the radio's instant; it finds out later (by polling
#    RegIrqFlags, or by its own deadline). With JP1 closed it wakes at once.
"$LORAHIL" sim "$NODE" --for 5s --keys "$FIX/keys/reference-device-hex.txt" \
  --events "$T/jc.jsonl" >/dev/null 2>&1
"$LORAHIL" sim "$NODE" --for 5s --keys "$FIX/keys/reference-device-hex.txt" \
  --jumper JP1=open --events "$T/jo.jsonl" >/dev/null 2>&1
t_rx1() { grep '"text":"rx1: timeout"' "$1" | head -n 1 | sed 's/.*"t_ns":\([0-9]*\).*/\1/'; }
tc=$(t_rx1 "$T/jc.jsonl"); to=$(t_rx1 "$T/jo.jsonl")
if [ -z "$tc" ] || [ -z "$to" ]; then fail "no 'rx1: timeout' line (closed '$tc', open '$to')"
elif [ "$to" -le "$tc" ]; then fail "JP1 open: rx1 timeout seen at $to ns, not after $tc ns"
fi

# 5. a confirmed uplink is ACKed in RX1 by the simulated network server
if make -s -C "$SRC/targets/lorawan-node" O="$T/node-c" CONFIRMED_EVERY=1 >"$T/make.log" 2>&1; then
  "$LORAHIL" sim "$T/node-c/lorawan-node.elf" --for 40s \
    --keys "$FIX/keys/reference-device-hex.txt" --events "$T/cf.jsonl" >"$T/cf.out" 2>&1 ||
    fail "confirmed node: exit $?"
  grep '"type":"radio_rx_window"' "$T/cf.jsonl" | grep -q '"result":"rx"' ||
    fail "no downlink received in an RX window"
  grep -q '"text":"ack: received"' "$T/cf.jsonl" || fail "the node did not see the ACK"
else
  fail "could not build the confirmed-uplink node"; cat "$T/make.log"
fi

# 6. a queued application downlink (--downlink) reaches the node in RX1 of
#    the next uplink, once: the node prints what it decrypted
"$LORAHIL" sim "$NODE" --for 70s --keys "$FIX/keys/reference-device-hex.txt" \
  --downlink 7:C0FFEE --events "$T/dl.jsonl" >"$T/dl.out" 2>&1 || fail "downlink run: exit $?"
grep -q '"text":"down: fcnt=0 fport=7 ack=0 data=c0ffee"' "$T/dl.jsonl" ||
  fail "the node did not receive the downlink: $(grep -i down "$T/dl.out")"
n=$(grep '"type":"radio_rx_window"' "$T/dl.jsonl" | grep -c '"result":"rx"')
[ "$n" = 1 ] || fail "$n downlinks received, expected 1"

[ $fails = 0 ] || { echo "$fails failures"; exit 1; }
echo "node checks passed ($ntx uplinks verified)"
