#!/bin/sh
# hil_sniffer_air.sh — two boards on one simulated air: targets/lorawan-node
# as node 0 and targets/sniffer as node 1 (`lorahil sim NODE --node
# SNIFFER`). The sniffer must print an `rx: <HEX> ...` line for every frame
# the node transmitted, with the very bytes of the node's radio_tx events
# (the expected values come from node 0's radio, the sniffer's lines from
# node 1's firmware reading its own simulated SX1276), in the same order;
# the run is deterministic; the network server still verifies node 0;
# `lorahil hil --sniffer` reading the sniffer's pty turns its lines into
# gateway_rx events with those bytes; --node rejects what it does not know.
set -u
NODE="$TARGETS/lorawan-node/lorawan-node.elf"
SNIFFER="$TARGETS/sniffer/sniffer.elf"
[ -f "$NODE" ] || { echo "FAIL: $NODE not built"; exit 1; }
[ -f "$SNIFFER" ] || { echo "FAIL: $SNIFFER not built"; exit 1; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
KEYS="--devaddr 95337738 --nwkskey AA0F29D39D7AAE3B54CFDF2F2A2355B5 --appskey 2F85435B349C80C6A8FA27495A368221"

run() { # EVENTS OUT [extra args]
  ev=$1; out=$2; shift 2
  "$LORAHIL" sim "$NODE" --node "$SNIFFER" "$@" --for 95s --seed 7 $KEYS --events "$ev" >"$out" 2>&1
}
run "$T/a.jsonl" "$T/a.out"
rc=$?
[ $rc = 0 ] || { cat "$T/a.out"; fail "exit $rc"; }
grep -q '"type":"fault"' "$T/a.jsonl" && fail "a board faulted"

# what node 0 sent, and what node 1's firmware printed
# (the sniffer listens on 868.1 MHz only: the node's frames on its other
# channels must not show up)
grep '"type":"radio_tx"' "$T/a.jsonl" | grep '"node":0' \
  | sed 's/.*"freq_hz":\([0-9]*\),.*"payload_hex":"\([0-9A-F]*\)".*/\1 \2/' >"$T/tx"
awk '$1 > 868099000 && $1 < 868101000 { print $2 }' "$T/tx" >"$T/sent"
others=$(awk '$1 < 868099000 || $1 > 868101000' "$T/tx" | wc -l)
grep '"type":"serial_line"' "$T/a.jsonl" | grep '"node":1' | grep '"text":"rx: ' \
  | sed 's/.*"text":"rx: \([0-9A-Fa-f]*\) .*/\1/' | tr a-f A-F >"$T/heard"
n=$(wc -l <"$T/sent")
[ "$n" -ge 3 ] || fail "expected at least 3 uplinks on 868.1 MHz in 95 s, got $n"
[ "$others" -ge 1 ] || fail "seed 7 used to send a frame on another channel within 95 s"
cmp -s "$T/sent" "$T/heard" || { echo "sent:"; cat "$T/sent"; echo "heard:"; cat "$T/heard";
  fail "the sniffer's rx: lines are not the node's frames"; }
grep '"node":1' "$T/a.jsonl" | grep -q '"text":"sniffer: freq=868100000 sf=7' \
  || fail "no sniffer banner tagged node 1"
grep '"type":"radio_tx"' "$T/a.jsonl" | grep -q '"node":1' && fail "the sniffer transmitted"
# node 0's frames are still checked with its keys; the sniffer is not a node of the session
grep -q '"type":"verdict".*"ok":false' "$T/a.jsonl" && fail "a verdict failed"
[ "$(grep -c '"type":"verdict".*"check":"mic","ok":true' "$T/a.jsonl")" = "$((n + others))" ] \
  || fail "not one passing MIC verdict per uplink"
grep -q '^summary: .* verified, 0 failed, 0 faults' "$T/a.out" || fail "summary: $(grep summary "$T/a.out")"
grep -q 'n1  serial   rx: ' "$T/a.out" || fail "terminal lines not tagged with their node"

# same seed, same events
run "$T/b.jsonl" "$T/b.out"
cmp -s "$T/a.jsonl" "$T/b.jsonl" || fail "same seed, different events files"

# the same two boards as `lorahil hil` sees real ones: node 0's UART (--pty)
# as the board, node 1's (--node ...,pty) as the sniffer; every frame the
# sniffer printed becomes a gateway_rx event with the node's bytes.
# duty_cycle is left out: hil stamps frames with the wall clock, and the
# simulation runs faster than that.
"$LORAHIL" sim "$NODE" --node "$SNIFFER,pty" --pty --for 95s --seed 7 $KEYS \
  --events "$T/sim.jsonl" >"$T/sim.out" 2>"$T/sim.err" &
SIM=$!
i=0
# (cat: the file may not exist yet, and grep -c on stdin always prints a count)
while [ "$(cat "$T/sim.err" 2>/dev/null | grep -c 'UART0 on /dev/')" -lt 2 ] && [ $i -lt 200 ]; do
  sleep 0.05; i=$((i + 1))
done
P0=$(sed -n 's|^lorahil sim: UART0 on \(/dev/[^ ]*\) .*|\1|p' "$T/sim.err")
P1=$(sed -n 's|^lorahil sim: node 1 UART0 on \(/dev/[^ ]*\)$|\1|p' "$T/sim.err")
if [ -n "$P0" ] && [ -n "$P1" ]; then
  "$LORAHIL" hil --port "$P0" --sniffer "$P1" --reset none $KEYS --events "$T/hil.jsonl" \
    >"$T/hil.out" 2>"$T/hil.err"
  hrc=$?
  wait $SIM; src=$?
  [ $src = 0 ] || { cat "$T/sim.err"; fail "sim with ptys: exit $src"; }
  # the simulated board going away at the end is a lost port to hil
  [ $hrc = 1 ] || { cat "$T/hil.err"; fail "hil exit $hrc, expected 1 (port lost at the end)"; }
  grep '"type":"gateway_rx"' "$T/hil.jsonl" | grep '"gateway":"sniffer"' \
    | sed 's/.*"payload_hex":"\([0-9A-F]*\)".*/\1/' >"$T/hil.heard"
  cmp -s "$T/sent" "$T/hil.heard" || { echo "hil heard:"; cat "$T/hil.heard";
    fail "hil --sniffer's gateway_rx events are not the node's 868.1 MHz frames"; }
  grep '"type":"verdict".*"ok":false' "$T/hil.jsonl" | grep -v '"check":"duty_cycle"' \
    && fail "a hil verdict failed"
else
  kill $SIM 2>/dev/null; wait $SIM
  cat "$T/sim.err"; fail "sim did not print both ptys"
fi

# board= names a profile; anything else after the firmware is bad usage
"$LORAHIL" sim "$NODE" --node "$SNIFFER,board=dragino-shield" --for 1s --quiet >"$T/c.out" 2>&1 \
  || { cat "$T/c.out"; fail "--node FW,board=dragino-shield refused"; }
"$LORAHIL" sim "$NODE" --node "$SNIFFER,speed=2" --for 1s >"$T/d.out" 2>&1
[ $? = 2 ] || fail "--node FW,speed=2: expected exit 2"
grep -q -- "--node" "$T/d.out" || fail "no message naming --node"
"$LORAHIL" sim "$NODE" --node "$T/missing.elf" --for 1s >"$T/e.out" 2>&1
[ $? = 2 ] || fail "--node with a missing firmware: expected exit 2"

[ $fails = 0 ] || { echo "$fails failures"; exit 1; }
echo "sniffer heard all $n frames the node sent on 868.1 MHz, byte for byte, and none of its $others others"
