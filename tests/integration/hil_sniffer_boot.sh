#!/bin/sh
# hil_sniffer_boot.sh — targets/sniffer under `lorahil sim`: it finds the
# SX1276 (RegVersion 0x12), sets it up and prints its banner with the
# compile-time defaults (868.1 MHz, SF7, 125 kHz), then sleeps waiting for
# frames without faulting.
set -u
FW="$TARGETS/sniffer/sniffer.elf"
[ -f "$FW" ] || { echo "FAIL: $FW not built"; exit 1; }
"$LORAHIL" sim --help >/dev/null 2>&1 || { echo "SKIP: lorahil sim not built yet"; exit 77; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
"$LORAHIL" sim "$FW" --for 3s --events "$T/ev.jsonl" >"$T/out" 2>&1
rc=$?
cat "$T/out"
[ $rc = 0 ] || { echo "FAIL: exit $rc"; exit 1; }
grep -q '"type":"serial_line".*"text":"sniffer: freq=868100000 sf=7 bw=125000 cr=5"' "$T/ev.jsonl" \
  || { echo "FAIL: no banner"; exit 1; }
grep -q '"type":"fault"' "$T/ev.jsonl" && { echo "FAIL: fault"; exit 1; }
grep -q 'error' "$T/ev.jsonl" && { echo "FAIL: the sniffer reported an error"; exit 1; }
# the banner is what `lorahil hil --sniffer` remembers as the capture settings
echo ok
