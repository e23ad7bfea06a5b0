#!/bin/sh
# sim_fcnt32.sh — a session whose uplink counter is above 65535: frames carry
# only the low 16 bits of FCnt, the MIC and encryption use all 32 (LoRaWAN
# 1.0.x 4.3.1.5 and 4.4). targets/lorawan-node built with FCNT_START=70000
# (its frame builder matches lora-packet's rows for FCnt 65536 and 70000, see
# tests/unit/test_target_aes.c) verifies only when lorahil sim is told the
# session's last counter with --fcnt-last; without it every MIC fails.
# POSIX sh.
set -u
LORAHIL=${LORAHIL:?set LORAHIL to the lorahil binary}
FIX=${FIXTURES:-fixtures}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

make -s -C "$SRC/targets/lorawan-node" O="$T/node" FCNT_START=70000 >"$T/build.log" 2>&1 ||
  { cat "$T/build.log"; echo "FAIL: cannot build lorawan-node with FCNT_START=70000"; exit 1; }
NODE=$T/node/lorawan-node.elf
KEYS=$FIX/keys/reference-device-hex.txt

"$LORAHIL" sim "$NODE" --for 2m --quiet --keys "$KEYS" --fcnt-last 69999 \
  --events "$T/ok.jsonl" >"$T/ok.out" 2>&1
rc=$?
[ $rc = 0 ] || { cat "$T/ok.out"; fail "--fcnt-last 69999: exit $rc, expected 0"; }
grep -q '"check":"fcnt","ok":true,"detail":"FCnt 70000 ' "$T/ok.jsonl" ||
  fail "no verdict for FCnt 70000"
grep -q '"ok":false' "$T/ok.jsonl" && fail "a failed verdict with --fcnt-last"

"$LORAHIL" sim "$NODE" --for 2m --quiet --keys "$KEYS" >"$T/bad.out" 2>&1
rc=$?
[ $rc = 1 ] || fail "without --fcnt-last: exit $rc, expected 1 (MIC with the upper 16 bits as 0)"
grep -q "MIC" "$T/bad.out" || fail "without --fcnt-last: no MIC failure reported"

"$LORAHIL" sim "$NODE" --fcnt-last 4294967296 >"$T/usage.out" 2>&1
rc=$?
[ $rc = 2 ] || fail "--fcnt-last 2^32: exit $rc, expected 2"
[ "$(wc -l <"$T/usage.out")" = 1 ] || fail "--fcnt-last 2^32: expected one line, got: $(cat "$T/usage.out")"

[ $fails = 0 ] && echo "sim_fcnt32: all passed"
[ $fails = 0 ]
