#!/bin/sh
# hil_flash_ports.sh — `lorahil hil --flash` runs avrdude with the command
# line the Arduino IDE uses for an Uno (avrdude 7.1 manual: -p atmega328p
# -c arduino -P PORT -b 115200 -D -U flash:w:FILE:i), here a stand-in
# avrdude on PATH that records its arguments; a failing avrdude stops the
# run with its error line (exit 1); a missing or non-HEX firmware file is
# bad input (exit 2). `lorahil ports` always answers (exit 0).
set -u
H=$(dirname "$LORAHIL")/helpers
[ -x "$H/pty_board" ] || { echo "missing $H/pty_board"; exit 1; }
T=$(mktemp -d)
PIDS=""
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$LORAHIL" ports >"$T/ports" 2>&1 || fail "lorahil ports failed: $(cat "$T/ports")"
cat "$T/ports"
grep -q -e '^no serial ports found' -e '^[0-9]* ports*$' "$T/ports" || fail "ports output"

HEX="$TARGETS/lorawan-node/lorawan-node.hex"
[ -f "$HEX" ] || fail "$HEX not built"
mkdir "$T/bin"
cat >"$T/bin/avrdude" <<EOS
#!/bin/sh
printf '%s\n' "\$@" >"$T/avrdude.args"
[ -f "$T/avrdude.fail" ] || exit 0
echo "avrdude: stk500_recv(): programmer is not responding" >&2
exit 1
EOS
chmod +x "$T/bin/avrdude"

printf 'line booted\ndrain\nsleep 20000\n' >"$T/s"
"$H/pty_board" "$T/s" >"$T/pty" 2>/dev/null &
PIDS="$PIDS $!"
i=0; while ! grep -q '^/dev/' "$T/pty" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
PTY=$(head -n 1 "$T/pty")

PATH="$T/bin:$PATH" "$LORAHIL" hil --port "$PTY" --reset none --flash "$HEX" --for 1s \
  --events "$T/ev.jsonl" >"$T/out" 2>"$T/err"
rc=$?
cat "$T/err"
[ $rc = 0 ] || fail "flash ok: exit $rc"
printf '%s\n' -p atmega328p -c arduino -P "$PTY" -b 115200 -D -U "flash:w:$HEX:i" >"$T/want"
cmp -s "$T/want" "$T/avrdude.args" || { diff "$T/want" "$T/avrdude.args"; fail "avrdude arguments"; }
grep -q "\"type\":\"run_start\".*\"firmware\":\"$HEX\"" "$T/ev.jsonl" || fail "run_start names the firmware"
grep -q '"text":"booted"' "$T/ev.jsonl" || fail "board not read after flashing"

touch "$T/avrdude.fail"
PATH="$T/bin:$PATH" "$LORAHIL" hil --port "$PTY" --reset none --flash "$HEX" --flash-baud 57600 \
  >"$T/out" 2>"$T/err"
rc=$?
cat "$T/err"
[ $rc = 1 ] || fail "flash fails: exit $rc, expected 1"
grep -q 'avrdude failed (exit 1): avrdude: stk500_recv(): programmer is not responding' "$T/err" || fail "avrdude error line"
grep -qx -- 57600 "$T/avrdude.args" || fail "--flash-baud not passed"

"$LORAHIL" hil --port "$PTY" --flash "$T/nope.hex" >"$T/out" 2>"$T/err"
[ $? = 2 ] || fail "missing firmware: expected exit 2"
grep -q "cannot read firmware '$T/nope.hex'" "$T/err" || fail "missing firmware message"
echo "not hex" >"$T/bad.hex"
"$LORAHIL" hil --port "$PTY" --flash "$T/bad.hex" >"$T/out" 2>"$T/err"
[ $? = 2 ] || fail "non-HEX firmware: expected exit 2"
grep -q "is not Intel HEX" "$T/err" || fail "non-HEX message"
echo ok
