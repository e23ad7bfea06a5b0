#!/bin/sh
# sim_usage.sh — `lorahil sim` refuses bad usage and bad input with exit 2
# and one line on stderr that names the file (and line, for HEX and board
# profiles); --help is truthful about options and exit codes. POSIX sh.
set -u
LORAHIL=${LORAHIL:?set LORAHIL to the lorahil binary}
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# bad ARGS... -- PATTERN: exit 2, one stderr line matching PATTERN
bad() {
  pat=$1; shift
  "$LORAHIL" sim "$@" >"$T/out" 2>"$T/err"
  rc=$?
  [ $rc = 2 ] || { fail "sim $*: exit $rc, expected 2"; cat "$T/err"; return; }
  n=$(grep -c . "$T/err")
  grep -q -e "$pat" "$T/err" || fail "sim $*: stderr lacks '$pat': $(cat "$T/err")"
  [ "$n" -le 2 ] || fail "sim $*: $n stderr lines"
}

printf ':100000000C9434000C9446000C9446000C944600AA\n:00000001FF\n' >"$T/cksum.hex"
printf ':100000000C9434000C9446000C9446000C9446006A\n' >"$T/trunc.hex"
printf ':100000000C94340ZZC9446000C9446000C9446006A\n:00000001FF\n' >"$T/digit.hex"
printf 'hello, I am not firmware\n' >"$T/text.bin"
: >"$T/empty.hex"
printf '\177ELF\001\001\001\000' >"$T/short.elf"
printf 'name = x\nmcu = atmega328p\nfreq_hz = 16000000\nnss = PB2\nrst = PQ9\n' >"$T/badpin.board"
printf 'mcu = atmega328p\nfreq_hz = 16000000\nnss = PB2\nrst = PB1\ncolour = blue\n' >"$T/badkey.board"
printf 'DevAddr 95337738\nNwkSKey AA0F29D39D7AAE3B54CFDF2F2A2355\n' >"$T/keys.txt"
GOOD=$T/good.hex
printf ':020000000000FE\n:00000001FF\n' >"$GOOD"

bad 'no firmware given'
bad 'nope.elf' "$T/nope.elf"
bad 'cksum.hex:1: bad checksum' "$T/cksum.hex"
bad 'trunc.hex:1: no end-of-file record' "$T/trunc.hex"
bad 'digit.hex:1: column' "$T/digit.hex"
bad 'neither an ELF file nor Intel HEX' "$T/text.bin"
bad 'empty' "$T/empty.hex"
bad 'short.elf' "$T/short.elf"
bad "unknown board 'atari'" "$GOOD" --board atari
bad 'badpin.board:5: rst' "$GOOD" --board "$T/badpin.board"
bad "badkey.board:5: unknown key 'colour'" "$GOOD" --board "$T/badkey.board"
bad 'no jumper JP9' "$GOOD" --jumper JP9=open
bad "state must be 'open' or 'closed'" "$GOOD" --jumper JP1=ajar
bad "unknown MCU 'atmega999'" "$GOOD" --mcu atmega999
bad '--for' "$GOOD" --for 10
bad '--for' "$GOOD" --for 5parsecs
bad '--silent-timeout' "$GOOD" --silent-timeout soon
bad '--seed' "$GOOD" --seed banana
bad '--freq' "$GOOD" --freq fast
bad 'go together' "$GOOD" --devaddr 95337738
bad '--nwkskey: 30 hex digits' "$GOOD" --devaddr 95337738 --nwkskey AA0F29D39D7AAE3B54CFDF2F2A2355 --appskey 2F85435B349C80C6A8FA27495A368221
bad 'keys.txt' "$GOOD" --keys "$T/keys.txt"
bad '--downlink needs the session keys' "$GOOD" --downlink 1:CAFE
bad "FPort 1..223" "$GOOD" --downlink 0:CAFE
bad 'whole bytes' "$GOOD" --downlink 1:CAF
bad 'unknown option' "$GOOD" --frobnicate
bad 'one firmware file only' "$GOOD" "$GOOD"
bad "$T/no/such/dir" "$GOOD" --events "$T/no/such/dir/ev.jsonl"
NODE=${TARGETS:-/nonexistent}/lorawan-node/lorawan-node.elf
if [ -f "$NODE" ]; then bad 'wrong --mcu' "$NODE" --mcu attiny85; fi

# --help: exit 0, names every option and the exit codes
"$LORAHIL" sim --help >"$T/help" 2>&1 || fail "--help: exit $?"
for o in --board --jumper --mcu --freq --devaddr --nwkskey --appskey --keys --downlink --for --seed \
         --events --silent-timeout --quiet 'Exit status'; do
  grep -q -e "$o" "$T/help" || fail "--help does not mention $o"
done
# the aliases and the default board really exist
for b in dragino-shield dragino-shield-v1.4 rfm95-promini-8mhz mega2560-dragino-shield; do
  "$LORAHIL" sim "$GOOD" --board $b --for 1ms --quiet >"$T/out" 2>&1
  rc=$?
  [ $rc = 0 ] || [ $rc = 1 ] || { fail "--board $b: exit $rc"; cat "$T/out"; }
done
[ $fails = 0 ] || { echo "$fails failures"; exit 1; }
echo "usage checks passed"
