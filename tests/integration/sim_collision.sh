#!/bin/sh
# sim_collision.sh — two copies of our LoRaWAN node (targets/lorawan-node)
# on one simulated air, seed 1, 3 simulated minutes: they start together and
# some of their uplinks share frequency and SF7/125 kHz while on air at the
# same time. The gateway must not count those as clean receptions: each such
# frame gets a radio_unmodelled fault naming the collision (and lorahil exits
# 1). The expected set of colliding frames is worked out here with awk from
# the radio_tx events (start, toa_ns, freq, sf, bw), not by lorahil.
# POSIX sh.
set -u
LORAHIL=${LORAHIL:?set LORAHIL to the lorahil binary}
NODE=${TARGETS:?set TARGETS}/lorawan-node/lorawan-node.elf
[ -f "$NODE" ] || { echo "SKIP: $NODE not built"; exit 77; }
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$LORAHIL" sim "$NODE" --node "$NODE" --for 3m --seed 1 --events "$T/e.jsonl" \
  >"$T/out" 2>"$T/err"
rc=$?
[ $rc = 1 ] || fail "colliding boards: exit $rc, expected 1"

# frames that overlap one of the other node's: same sf and bw, |df| < bw,
# [start, start+toa) intersecting
want=$(grep '"type":"radio_tx"' "$T/e.jsonl" | sed 's/[{}"]//g' | tr ',' '\n' |
  awk -F: '$1=="type"{n++} {v[n,$1]=$2}
    END {for (i = 1; i <= n; i++) {c = 0
      for (j = 1; j <= n; j++) {
        if (v[i,"node"] == v[j,"node"] || v[i,"sf"] != v[j,"sf"] || v[i,"bw_hz"] != v[j,"bw_hz"]) continue
        df = v[i,"freq_hz"] - v[j,"freq_hz"]; if (df < 0) df = -df
        if (df >= v[i,"bw_hz"]) continue
        if (v[i,"t_ns"] < v[j,"t_ns"] + v[j,"toa_ns"] && v[j,"t_ns"] < v[i,"t_ns"] + v[i,"toa_ns"]) c = 1 }
      k += c }
      print k + 0}')
got=$(grep '"type":"fault"' "$T/e.jsonl" | grep -c 'collision at the gateway')
[ "$want" -ge 2 ] || fail "seed 1 no longer makes the two nodes collide ($want frames); pick another"
[ "$got" = "$want" ] || fail "$got gateway collision faults for $want colliding frames"
grep '"type":"fault"' "$T/e.jsonl" | grep 'collision at the gateway' |
  grep -qv '"kind":"radio_unmodelled"' && fail "collision fault not radio_unmodelled"
# every frame is still reported by the gateway
ntx=$(grep -c '"type":"radio_tx"' "$T/e.jsonl")
ngw=$(grep -c '"type":"gateway_rx"' "$T/e.jsonl")
[ "$ntx" = "$ngw" ] || fail "$ntx frames sent, $ngw gateway_rx"
grep -q 'FAULT    radio_unmodelled.*collision at the gateway' "$T/out" ||
  fail "no collision FAULT line printed"

[ $fails = 0 ] || exit 1
echo "ok: $got colliding frames of $ntx flagged at the gateway"
