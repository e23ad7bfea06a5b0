#!/bin/sh
# demo.sh — what `make demo` shows: our LoRaWAN node firmware
# (targets/lorawan-node) running for a few simulated minutes on a simulated
# Arduino Uno + Dragino LoRa Shield v1.4, every frame it transmits checked
# against the reference device's session (fixtures/keys), then a summary.
BUILD=${1:-build}
LORAHIL=$BUILD/lorahil
NODE=$BUILD/targets/lorawan-node/lorawan-node.elf
KEYS=fixtures/keys/reference-device-hex.txt
EVENTS=$BUILD/demo-events.jsonl

if [ ! -f "$NODE" ]; then
  echo "lorahil demo: $NODE is not built (make targets)" >&2
  exit 1
fi
echo "== lorahil sim: targets/lorawan-node on the Dragino shield, 3 simulated minutes"
echo "   $LORAHIL sim $NODE --board dragino-shield --keys $KEYS --for 3m --events $EVENTS"
echo
"$LORAHIL" sim "$NODE" --board dragino-shield --keys "$KEYS" --for 3m --events "$EVENTS"
rc=$?
echo
echo "== events written as JSON Lines to $EVENTS ($(wc -l <"$EVENTS") events); the first uplink:"
grep -m 1 '"type":"radio_tx"' "$EVENTS"
exit $rc
