#!/bin/sh
# report_cli.sh — `lorahil report` and `lorahil report diff` end to end on
# the hand-written fixture: all five files written, junit.xml valid against
# the Jenkins junit-10.xsd, report.html well-formed and self-contained, no
# key in any output in any spelling, exit codes 0/1/2, one-line errors that
# name the file and line, the truncated-run warning, and flash/RAM from an
# AVR ELF equal to what binutils' avr-size reports for it. POSIX sh.
set -u
LORAHIL=${LORAHIL:?set LORAHIL to the lorahil binary}
FIX=${FIXTURES:-fixtures}
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# run ARGS...: stdout in $T/out, stderr in $T/err, exit code in $rc
run() {
  "$LORAHIL" report "$@" >"$T/out" 2>"$T/err"
  rc=$?
  case $rc in 0|1|2) ;; *) fail "crash or odd exit $rc: report $*"; cat "$T/err" ;; esac
}

printf 'DevAddr 95337738\nNwkSKey AA0F29D39D7AAE3B54CFDF2F2A2355B5\nAppSKey 2F85435B349C80C6A8FA27495A368221\n' >"$T/keys.txt"
run "$FIX/events/small-run.jsonl" --out "$T/r" --keys "$T/keys.txt" --name node-a
[ $rc = 1 ] || fail "exit $rc, expected 1 (a failed check and a fault)"
grep -q '3 frames sent, 16 checks passed, 1 failed, 1 fault' "$T/out" || { cat "$T/out"; fail "summary line"; }
for f in junit.xml report.html report.md frames.pcap metrics.json; do
  [ -s "$T/r/$f" ] || fail "$f missing"
done
ls "$T/r" | grep -q '\.tmp$' && fail "temporary file left behind"
xmllint --noout --schema "$FIX/schemas/junit-10.xsd" "$T/r/junit.xml" 2>"$T/xl" || { cat "$T/xl"; fail "junit.xml not valid"; }
xmllint --noout "$T/r/report.html" 2>"$T/xl" || { cat "$T/xl"; fail "report.html not well-formed"; }
grep -q -i -E 'http:|https:|//|src=|<link|@import|<script' "$T/r/report.html" && fail "report.html references something outside"
grep -q '<testsuite name="node-a"' "$T/r/junit.xml" || fail "--name not used"
# keys: neither key in plain hex (either case) nor in C-array or colon form
for out in "$T/r"/* "$T/out" "$T/err"; do
  for k in AA0F29D39D7AAE3B54CFDF2F2A2355B5 2F85435B349C80C6A8FA27495A368221; do
    lk=$(printf %s "$k" | tr 'A-F' 'a-f')
    grep -q -a -e "$k" -e "$lk" "$out" && fail "key $k in $(basename "$out")"
  done
  grep -q -a -i -e '0x2F, 0x85, 0x43' -e '2F:85:43:5B' "$out" && fail "AppSKey (array form) in $(basename "$out")"
done
grep -q 'DevAddr 95337738' "$T/r/report.md" "$T/r/junit.xml" || fail "DevAddr not shown"

# the same without --keys: the bare and array forms are still masked
run "$FIX/events/small-run.jsonl" --out "$T/nokeys"
grep -q -a -i -r -e AA0F29D39D7AAE3B54CFDF2F2A2355B5 -e '0x2F, 0x85' "$T/nokeys" && fail "keys leaked without --keys"

# deterministic: the same events give the same bytes (no wall time given)
run "$FIX/events/small-run.jsonl" --out "$T/r2" --keys "$T/keys.txt" --name node-a
for f in junit.xml report.html report.md frames.pcap metrics.json; do
  cmp -s "$T/r/$f" "$T/r2/$f" || fail "$f differs between two identical runs"
done

# a passing run exits 0
grep -v '"type":"fault"' "$FIX/events/small-run.jsonl" | sed 's/"ok":false/"ok":true/' >"$T/pass.jsonl"
run "$T/pass.jsonl" --out "$T/pass"
[ $rc = 0 ] || { cat "$T/err"; fail "passing run: exit $rc"; }

# bad input: exit 2, one line naming file and line
printf '{"type":"run_start","t_ns":0,"node":0}\n{"type":"radio_tx","t_ns":1,"payload_hex":"4G"}\n' >"$T/bad.jsonl"
run "$T/bad.jsonl" --out "$T/bad"
[ $rc = 2 ] || fail "bad events: exit $rc"
[ "$(wc -l <"$T/err")" = 1 ] && grep -q "bad.jsonl:2: payload_hex: bad hex digit" "$T/err" || { cat "$T/err"; fail "bad events message"; }
run "$T/missing.jsonl" --out "$T/x"
[ $rc = 2 ] && grep -q 'missing.jsonl: No such file' "$T/err" || fail "missing file: exit $rc"
run "$FIX/events/small-run.jsonl"
[ $rc = 2 ] && grep -q -- '--out DIR is required' "$T/err" || fail "no --out: exit $rc"
run "$FIX/events/small-run.jsonl" --out "$T/x" --bogus
[ $rc = 2 ] || fail "unknown option: exit $rc"
run --help
[ $rc = 0 ] && grep -q 'report diff OLD_DIR NEW_DIR' "$T/out" || fail "--help"

# a run cut mid-line: reported, with a warning
head -c 2000 "$FIX/events/small-run.jsonl" >"$T/cut.jsonl"
run "$T/cut.jsonl" --out "$T/cut"
[ $rc = 0 ] || [ $rc = 1 ] || fail "cut run: exit $rc"
grep -q 'last line is incomplete' "$T/err" || fail "no warning for a cut run"

# diff: unchanged -> 0; a check passing before and failing now -> 1; bad dir -> 2
run diff "$T/r" "$T/r2" --max-flash-growth 1% --max-ram-growth 1% --max-toa-growth 1%
[ $rc = 0 ] && grep -q 'No metric or verdict changed.' "$T/out" || fail "diff of equal reports: exit $rc"
run diff "$T/pass" "$T/nokeys"
[ $rc = 1 ] || fail "diff pass -> fail: exit $rc"
grep -q 'frame2/fcnt | pass | FAIL | pass -> fail | \*\*REGRESSION\*\*' "$T/out" || { cat "$T/out"; fail "diff table"; }
grep -q 'faults.count | 0 | 1 | new' "$T/out" || fail "diff: new fault not listed"
run diff "$T/nokeys" "$T/pass"
[ $rc = 0 ] || fail "diff fail -> pass: exit $rc"
run diff "$T/r" "$T/nonexistent"
[ $rc = 2 ] || fail "diff with a missing dir: exit $rc"
run diff "$T/r" "$T/r2" --max-flash-growth lots
[ $rc = 2 ] || fail "diff with a bad limit: exit $rc"

# flash and RAM of an AVR ELF, against avr-size -A (GNU binutils)
if command -v avr-gcc >/dev/null 2>&1 && command -v avr-size >/dev/null 2>&1; then
  cat >"$T/fw.c" <<'C'
#include <stdint.h>
volatile uint8_t buf[100];           /* .bss */
volatile uint16_t table[5] = {1, 2, 3, 4, 5}; /* .data */
int main(void) { for (uint8_t i = 0; i < 100; i++) buf[i] = (uint8_t)table[i % 5]; return 0; }
C
  avr-gcc -mmcu=atmega328p -Os -o "$T/fw.elf" "$T/fw.c" || fail "avr-gcc"
  text=$(avr-size -A "$T/fw.elf" | awk '$1==".text"{print $2}')
  data=$(avr-size -A "$T/fw.elf" | awk '$1==".data"{print $2}')
  bss=$(avr-size -A "$T/fw.elf" | awk '$1==".bss"{print $2}')
  run "$FIX/events/small-run.jsonl" --out "$T/elf" --elf "$T/fw.elf"
  flash=$(grep -o '"flash_bytes": [0-9]*' "$T/elf/metrics.json" | grep -o '[0-9]*$')
  ram=$(grep -o '"ram_bytes": [0-9]*' "$T/elf/metrics.json" | grep -o '[0-9]*$')
  [ "$flash" = $((text + data)) ] || fail "flash $flash, avr-size .text+.data = $((text + data))"
  [ "$ram" = $((data + bss)) ] || fail "ram $ram, avr-size .data+.bss = $((data + bss))"
  [ "$bss" -ge 100 ] || fail "avr-size .bss $bss < 100"
  run "$FIX/events/small-run.jsonl" --out "$T/elf2" --elf "$T/fw.c"
  [ $rc = 2 ] && grep -q 'not an ELF file' "$T/err" || fail "--elf on a C file: exit $rc"
else
  echo "note: avr-gcc/avr-size missing, ELF check skipped"
fi

[ $fails = 0 ] && echo "report_cli: all checks passed" && exit 0
exit 1
