#!/bin/sh
# e2ee_check.sh — `lorahil check --e2ee-key --serial-log` on the sample logs
# of fixtures/e2ee-logs/ (written by crypto-js 4.2.0, fixtures/gen/
# gen-cryptojs.js): the correct node passes, each classic bug is reported
# with its reason and exit 1, bad input exits 2 with one line naming the
# file (and line), the key is never printed, and the --pattern option reads
# another log format. Env: $LORAHIL, $FIXTURES.
set -u
L=${LORAHIL:?LORAHIL not set}
F=${FIXTURES:?FIXTURES not set}/e2ee-logs
K=2B7E151628AED2A6ABF7158809CF4F3C
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
fails=0

# run NAME WANT_RC ARGS... ; output in $T/out, stderr in $T/err
run() {
  name=$1; want=$2; shift 2
  "$L" check "$@" >"$T/out" 2>"$T/err"; rc=$?
  if [ "$rc" != "$want" ]; then
    echo "FAIL $name: exit $rc, want $want"; cat "$T/out" "$T/err"; fails=$((fails + 1)); return 1
  fi
  if grep -qi "$K" "$T/out" "$T/err"; then
    echo "FAIL $name: the key was printed unmasked"; fails=$((fails + 1)); return 1
  fi
  return 0
}
has() { # name file text...
  name=$1; file=$2; shift 2
  for n in "$@"; do
    if ! grep -qF -- "$n" "$file"; then
      echo "FAIL $name: no '$n' in:"; cat "$file"; fails=$((fails + 1)); return 1
    fi
  done
  echo "ok   $name"
}
log() { # name want_rc text...
  name=$1; want=$2; shift 2
  run "$name" "$want" --e2ee-key "$K" --serial-log "$F/$name.log" && has "$name" "$T/out" "$@"
}

log good 0 "6 frames: 6 passed, 0 failed" "key 2B7E"
log zero-iv 1 "frame 0: FAIL iv: the IV is all zeros" "4 frames: 0 passed, 4 failed (iv 4)"
log iv-reused 1 "frame 1: FAIL iv: IV reused: frame 0 had the same IV" "(iv 3)"
log seqn-backwards 1 "frame 1: FAIL seqn: SEQN went backwards: 9 after 10 (frame 0)" "(seqn 3)"
log pad-drops-last 1 "FAIL base64: the plaintext is not canonical base64" "a '=' is missing at the end" \
    "encrypted only the first 59: the last one, '=', was dropped"
log truncated 1 "FAIL padding: PKCS#7 invalid" "the last block, with the rest and the padding, is missing"
log unannounced-reset 1 "frame 3: FAIL seqn: unannounced reset" "2 restarts seen"
log announced-reset 0 "5 frames: 5 passed, 0 failed"
log replay 1 "frame 3: FAIL iv: IV reused: frame 2" "replay: SEQN 3 again, frame 2 had it"
log capture-b 1 "75 characters, not a multiple of 4" "accept it: 55 bytes" "keeps only the complete 4-character groups: 54 bytes"

# one line per frame, then the summary
n=$(grep -c "^line [0-9]* frame [0-9]*: " "$T/out")
[ "$n" = 1 ] || { echo "FAIL capture-b: $n verdict lines"; fails=$((fails + 1)); }

# verbose: every rule under each frame
run verbose 1 --e2ee-key "$K" --serial-log "$F/seqn-backwards.log" -v &&
    has verbose "$T/out" "    padding    ok PKCS#7 valid" "    seqn       FAIL SEQN went backwards"

# another format through --pattern
sed -e 's/^IV b64: /iv=/' -e 's/^Encrypted data in base64: /ct=/' -e '/^Message in B64/d' \
    "$F/good.log" >"$T/other.log"
run pattern-default 2 --e2ee-key "$K" --serial-log "$T/other.log" &&
    has pattern-default "$T/err" "no E2EE frame" "$T/other.log"
run pattern 0 --e2ee-key "$K" --serial-log "$T/other.log" --pattern 'iv=^iv=(.*)' --pattern 'ct=^ct=(.*)' &&
    has pattern "$T/out" "6 frames: 6 passed"

# an events file (JSON Lines) with the same lines
i=0
while IFS= read -r l; do
    i=$((i + 1))
    printf '{"type":"serial_line","t_ns":%d000000,"node":2,"text":"%s"}\n' "$i" "$l"
done <"$F/good.log" >"$T/run.jsonl"
run events 0 --e2ee-key "$K" --serial-log "$T/run.jsonl" && has events "$T/out" "node 2 frame 5: ok" "events file"
printf '{"type":"serial_line","t_ns":1,"node":0,"text":"x"}\n{"type":"serial_line",\n' >"$T/broken.jsonl"
run events-broken 2 --e2ee-key "$K" --serial-log "$T/broken.jsonl" && has events-broken "$T/err" "broken.jsonl:2:"
[ -s "$T/out" ] && { echo "FAIL events-broken: something on stdout"; fails=$((fails + 1)); }

# bad input: one line on stderr, exit 2, nothing on stdout
run missing 2 --e2ee-key "$K" --serial-log "$T/nope.log" && has missing "$T/err" "nope.log: No such file"
run key-short 2 --e2ee-key 2B7E15 --serial-log "$F/good.log" && has key-short "$T/err" "6 hex digits, expected 32"
run key-hex 2 --e2ee-key "${K%?}G" --serial-log "$F/good.log" && has key-hex "$T/err" "character 32 is not a hex digit"
run no-log 2 --e2ee-key "$K" && has no-log "$T/err" "needs --serial-log"
run bad-kind 2 --e2ee-key "$K" --serial-log "$F/good.log" --pattern 'x=y' && has bad-kind "$T/err" "unknown kind 'x'"
run bad-regex 2 --e2ee-key "$K" --serial-log "$F/good.log" --pattern 'ct=(' && has bad-regex "$T/err" "ct pattern"
awk 'BEGIN { s = "IV b64: "; for (i = 0; i < 70000; i++) s = s "A"; print "hello"; print s }' >"$T/long.log"
run long-line 2 --e2ee-key "$K" --serial-log "$T/long.log" && has long-line "$T/err" "long.log:2: line of more than"
for f in "$T"/err; do
    [ "$(wc -l <"$f")" -le 1 ] || { echo "FAIL: more than one line on stderr"; fails=$((fails + 1)); }
done

# a 48-hex key is read but fails the key rule
run aes192 1 --e2ee-key "${K}0011223344556677" --serial-log "$F/good.log" && has aes192 "$T/out" "the key is 24 bytes"

[ "$fails" = 0 ] && echo "all E2EE check cases passed"
[ "$fails" = 0 ]
