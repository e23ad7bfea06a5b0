#!/bin/sh
# bench.sh — what `make bench` measures: simulation speed, in simulated
# seconds per wall second, as `lorahil sim` reports it in its summary.
#   - targets/lorawan-node for 1 simulated hour: a sleeping firmware, where
#     slept time is skipped;
#   - every ELF/HEX in $LORAHIL_BENCH_FIRMWARE (space separated; e.g. an
#     arduino-lmic ttn-abp build, which busy-polls) for 2 simulated minutes,
#     with the keys in $LORAHIL_BENCH_KEYS if set.
# Numbers depend on the machine; nothing here asserts a speed.
BUILD=${1:-build}
L=$BUILD/lorahil
KEYS=fixtures/keys/reference-device-hex.txt

bench() { # NAME ARGS...
  name=$1; shift
  line=$("$L" sim "$@" --quiet 2>&1 | grep 'speed:')
  printf '%-40s %s\n' "$name" "${line:-  (no speed line: run failed)}"
}

echo "lorahil bench: lorahil sim speed (simulated s per wall s)"
bench "lorawan-node, 1 h (sleeps)" "$BUILD/targets/lorawan-node/lorawan-node.elf" \
  --keys "$KEYS" --for 1h
for f in ${LORAHIL_BENCH_FIRMWARE:-}; do
  if [ -n "${LORAHIL_BENCH_KEYS:-}" ]; then
    bench "$(basename "$f"), 2 min" "$f" --for 2m --keys "$LORAHIL_BENCH_KEYS"
  else
    bench "$(basename "$f"), 2 min" "$f" --for 2m
  fi
done
