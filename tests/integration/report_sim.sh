#!/bin/sh
# report_sim.sh — `lorahil sim --report DIR` on targets/lorawan-node: the five
# reports written at the end of the run, junit.xml valid against the Jenkins
# schema, report.html well-formed, no key in any report, flash/RAM equal to
# avr-size's section sizes, one uplink per radio_tx of the events file, the
# events file unchanged by --report; and the progress line: drawn on a
# terminal (script(1) gives the run a pty), absent from a redirected stderr.
# Skips (77) when the firmware is not built.
set -u
LORAHIL=${LORAHIL:?set LORAHIL to the lorahil binary}
FIX=${FIXTURES:-fixtures}
ELF=${TARGETS:-build/targets}/lorawan-node/lorawan-node.elf
[ -f "$ELF" ] || { echo "SKIP: $ELF not built"; exit 77; }
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
KEYS=$FIX/keys/reference-device-hex.txt

"$LORAHIL" sim "$ELF" --keys "$KEYS" --for 3m --quiet --events "$T/ev.jsonl" --report "$T/r" \
  >"$T/out" 2>"$T/err"
rc=$?
[ $rc = 0 ] || { cat "$T/out" "$T/err"; fail "sim --report: exit $rc"; }
for f in junit.xml report.html report.md frames.pcap metrics.json; do
  [ -s "$T/r/$f" ] || fail "$f missing"
done
grep -q "report: $T/r/report.html" "$T/out" || fail "report path not printed"
xmllint --noout --schema "$FIX/schemas/junit-10.xsd" "$T/r/junit.xml" 2>"$T/xl" || { cat "$T/xl"; fail "junit.xml not valid"; }
xmllint --noout "$T/r/report.html" 2>"$T/xl" || { cat "$T/xl"; fail "report.html not well-formed"; }
for k in AA0F29D39D7AAE3B54CFDF2F2A2355B5 2F85435B349C80C6A8FA27495A368221; do
  lk=$(printf %s "$k" | tr 'A-F' 'a-f')
  grep -q -a -r -e "$k" -e "$lk" "$T/r" && fail "key $k in a report"
done
# every uplink of the run, and the test can fail: count them independently
tx=$(grep -c '"type":"radio_tx"' "$T/ev.jsonl")
[ "$tx" -gt 0 ] || fail "no uplink in 3 minutes"
grep -q "\"uplinks\": $tx," "$T/r/metrics.json" || fail "metrics uplinks differ from the $tx radio_tx events"
grep -q '"failed": 0' "$T/r/metrics.json" || fail "metrics: failed checks"
grep -q '"sim_s_per_wall_s"' "$T/r/metrics.json" || fail "metrics: no speed"
text=$(avr-size -A "$ELF" | awk '$1==".text"{print $2}')
data=$(avr-size -A "$ELF" | awk '$1==".data"{print $2}')
bss=$(avr-size -A "$ELF" | awk '$1==".bss"{print $2}')
grep -q "\"flash_bytes\": $((text + data))," "$T/r/metrics.json" || fail "flash != avr-size .text+.data ($((text + data)))"
grep -q "\"ram_bytes\": $((data + bss))" "$T/r/metrics.json" || fail "ram != avr-size .data+.bss ($((data + bss)))"

# --report does not change the events file
"$LORAHIL" sim "$ELF" --keys "$KEYS" --for 3m --quiet --events "$T/ev2.jsonl" >/dev/null 2>&1
cmp -s "$T/ev.jsonl" "$T/ev2.jsonl" || fail "events differ with --report"

# progress: nothing in a redirected stderr, a line on a terminal
grep -q -a "$(printf '\r')" "$T/err" && fail "progress line in a non-terminal stderr"
if command -v script >/dev/null 2>&1; then
  script -q -c "'$LORAHIL' sim '$ELF' --keys '$KEYS' --for 3m --quiet" /dev/null >"$T/tty" 2>&1
  grep -q -a "$(printf '\r')  sim [0-9.]* s  frames [0-9]*" "$T/tty" || { cat -A "$T/tty" | head; fail "no progress line on a terminal"; }
fi
# an unwritable report directory: exit 2 with the reason
"$LORAHIL" sim "$ELF" --keys "$KEYS" --for 10s --quiet --report /proc/lorahil-no >/dev/null 2>"$T/err"
rc=$?
[ $rc = 2 ] && grep -q -- '--report: /proc/lorahil-no' "$T/err" || { cat "$T/err"; fail "unwritable --report: exit $rc"; }

[ $fails = 0 ] && echo "report_sim: all checks passed" && exit 0
exit 1
