#!/bin/sh
# e2ee_sim.sh — targets/e2ee-node under `lorahil sim --e2ee-key`: the correct
# build passes every frame, each broken build (zero IV, reused IV, SEQN going
# backwards, padding over the last byte, padding block cut off) is reported
# with its reason and exit 1, the same seed gives a byte-identical events
# file (the harness can predict every ciphertext), another seed other IVs,
# and `lorahil check --e2ee-key` on the events file agrees with the run.
# Skips (77) when the firmware or `lorahil sim` is not there.
# Env: $LORAHIL, $TARGETS.
set -u
L=${LORAHIL:?LORAHIL not set}
D=${TARGETS:?TARGETS not set}/e2ee-node
K=2B7E151628AED2A6ABF7158809CF4F3C
[ -f "$D/e2ee-node.elf" ] || { echo "SKIP: $D/e2ee-node.elf not built"; exit 77; }
"$L" sim --help >/dev/null 2>&1 || { echo "SKIP: lorahil sim not available"; exit 77; }
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
fails=0

# sim NAME ELF WANT_RC TEXT... (30 simulated seconds: 4 frames at 8 s)
sim() {
  name=$1; elf=$2; want=$3; shift 3
  "$L" sim "$D/$elf" --for 30s --e2ee-key "$K" --events "$T/$name.jsonl" >"$T/$name.out" 2>&1; rc=$?
  if [ "$rc" != "$want" ]; then
    echo "FAIL $name: exit $rc, want $want"; cat "$T/$name.out"; fails=$((fails + 1)); return 1
  fi
  if grep -qi "$K" "$T/$name.out" "$T/$name.jsonl"; then
    echo "FAIL $name: key printed unmasked"; fails=$((fails + 1)); return 1
  fi
  for n in "$@"; do
    if ! grep -qF -- "$n" "$T/$name.out"; then
      echo "FAIL $name: no '$n' in:"; cat "$T/$name.out"; fails=$((fails + 1)); return 1
    fi
  done
  echo "ok   $name"
}

sim good e2ee-node.elf 0 "e2ee: 4 frames, 4 passed, 0 failed" "e2ee-node: boot" "E2EE key 2B7E"
sim zero-iv e2ee-node-zero-iv.elf 1 "iv: the IV is all zeros" "e2ee: 4 frames, 0 passed, 4 failed, iv 4"
sim iv-reused e2ee-node-iv-reused.elf 1 "iv: IV reused: frame 0 had the same IV" "1 passed, 3 failed, iv 3"
sim seqn-backwards e2ee-node-seqn-backwards.elf 1 "seqn: SEQN went backwards: 999 after 1000" "seqn 3"
sim pad-drops-last e2ee-node-pad-drops-last.elf 1 "a '=' is missing at the end" "was dropped" \
    "base64 4, match 4"
sim truncated e2ee-node-truncated.elf 1 "padding: PKCS#7 invalid" \
    "the last block, with the rest and the padding, is missing" "padding 4, match 4"

# determinism: same seed, byte-identical events; another seed, other IVs
"$L" sim "$D/e2ee-node.elf" --for 30s --e2ee-key "$K" --events "$T/again.jsonl" >/dev/null 2>&1
if cmp -s "$T/good.jsonl" "$T/again.jsonl"; then echo "ok   same-seed"; else
    echo "FAIL same-seed: events differ"; fails=$((fails + 1)); fi
"$L" sim "$D/e2ee-node.elf" --for 30s --e2ee-key "$K" --seed 99 --events "$T/seed99.jsonl" >/dev/null 2>&1
grep -o '"IV b64: [^"]*"' "$T/good.jsonl" >"$T/iv1"
grep -o '"IV b64: [^"]*"' "$T/seed99.jsonl" >"$T/iv99"
if [ "$(wc -l <"$T/iv1")" = 4 ] && ! grep -qxFf "$T/iv1" "$T/iv99"; then echo "ok   other-seed"; else
    echo "FAIL other-seed: IVs repeat across seeds"; cat "$T/iv1" "$T/iv99"; fails=$((fails + 1)); fi

# the events file checked offline gives the same verdicts
for v in good iv-reused truncated; do
    "$L" check --e2ee-key "$K" --serial-log "$T/$v.jsonl" >"$T/$v.check" 2>&1; rc=$?
    want=1; [ "$v" = good ] && want=0
    a=$(grep -c '"check":"e2ee","ok":false' "$T/$v.jsonl")
    b=$(grep -c ": FAIL " "$T/$v.check")
    if [ "$rc" = "$want" ] && [ "$a" = "$b" ] && { [ "$want" = 0 ] || [ "$a" -gt 0 ]; }; then
        echo "ok   offline-$v"; else
        echo "FAIL offline-$v: exit $rc (want $want), $a failed verdicts in the run, $b offline"
        cat "$T/$v.check"; fails=$((fails + 1)); fi
done

[ "$fails" = 0 ] && echo "all E2EE sim cases passed"
[ "$fails" = 0 ]
