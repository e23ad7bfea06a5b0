#!/bin/sh
# sim_faults.sh — every way firmware dies ends a `lorahil sim` run with one
# fault event naming the kind, the PC and the ELF symbol it happened in, and
# exit 1; a HEX image (no symbols) reports symbol null. The firmwares are
# targets/faults/*.c, each written to fail in the function named here. POSIX sh.
set -u
LORAHIL=${LORAHIL:?set LORAHIL to the lorahil binary}
FW=${TARGETS:?set TARGETS}/faults
[ -f "$FW/watchdog.elf" ] || { echo "SKIP: $FW not built"; exit 77; }
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect FIRMWARE KIND SYMBOL: exit 1, exactly one fault event, of that kind
# and symbol, and the run_end says "fault"
expect() {
  "$LORAHIL" sim "$1" --for 30s --silent-timeout 2s --quiet --events "$T/ev.jsonl" \
    >"$T/out" 2>"$T/err"
  rc=$?
  [ $rc = 1 ] || { fail "$1: exit $rc, expected 1"; cat "$T/out" "$T/err"; return; }
  n=$(grep -c '"type":"fault"' "$T/ev.jsonl")
  [ "$n" = 1 ] || { fail "$1: $n fault events, expected 1"; cat "$T/ev.jsonl"; return; }
  line=$(grep '"type":"fault"' "$T/ev.jsonl")
  case $line in
    *"\"kind\":\"$2\""*) ;;
    *) fail "$1: fault is not $2: $line"; return ;;
  esac
  case $line in
    *"\"symbol\":$3"*) ;;
    *) fail "$1: symbol is not $3: $line"; return ;;
  esac
  tail -n 1 "$T/ev.jsonl" | grep -q '"type":"run_end".*"reason":"fault"' ||
    fail "$1: last event is not run_end with reason fault"
  grep -q "FAULT *$2" "$T/out" || fail "$1: no FAULT line on stdout"
  echo "ok: $(basename "$1") -> $2 in $3"
}

expect "$FW/illegal_opcode.elf"     illegal_opcode     '"bad_code"'
expect "$FW/jump_outside_flash.elf" jump_outside_flash '"jump_away"'
expect "$FW/stack_overflow.elf"     stack_overflow     '"recurse"'
expect "$FW/watchdog.elf"           watchdog_reset     '"main"'
expect "$FW/reset_loop.elf"         reset_loop         '"__bad_interrupt"'
expect "$FW/silent.elf"             silent             '"main"'
expect "$FW/halted.elf"             halted             '"main"'
expect "$FW/crashed.elf"            crashed            '"wild_write"'
expect "$FW/illegal_opcode.hex"     illegal_opcode     null

# the silent fault comes at the timeout, in simulated time
"$LORAHIL" sim "$FW/silent.elf" --for 1m --silent-timeout 3s --quiet --events "$T/s.jsonl" >/dev/null 2>&1
grep '"kind":"silent"' "$T/s.jsonl" | grep -q '"t_ns":300[0-9]\{7\},' ||
  fail "silent fault not at 3 s: $(grep fault "$T/s.jsonl")"
# and is off with --silent-timeout 0: the run lasts its duration
"$LORAHIL" sim "$FW/silent.elf" --for 20s --silent-timeout 0 --quiet >/dev/null 2>&1
rc=$?
[ $rc = 0 ] || fail "--silent-timeout 0: exit $rc, expected 0"

[ $fails = 0 ] || { echo "$fails failures"; exit 1; }
echo "all fault checks passed"
