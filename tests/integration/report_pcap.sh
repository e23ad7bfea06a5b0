#!/bin/sh
# report_pcap.sh — frames.pcap decoded by tshark (Wireshark 4.0, Debian): the
# LoRaTap header dissected with the fixture's channel and radio values, every
# frame dissected as LoRaWAN, and, given the session keys in Wireshark's
# LoRaWAN key table, every MIC reported good ("lorawan.mic.status" 1) and
# every FRMPayload decrypted to the plaintext of fixtures/lorawan/frames.tsv
# (lora-packet 0.9.3). Skips (77) when tshark is missing.
set -u
LORAHIL=${LORAHIL:?set LORAHIL to the lorahil binary}
FIX=${FIXTURES:-fixtures}
command -v tshark >/dev/null 2>&1 || { echo "SKIP: tshark not installed"; exit 77; }
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$LORAHIL" report "$FIX/events/small-run.jsonl" --out "$T/r" >"$T/out" 2>&1
rc=$?
[ $rc = 1 ] || { cat "$T/out"; fail "lorahil report exit $rc, expected 1 (the fixture has a failed check)"; }
[ -s "$T/r/frames.pcap" ] || { echo "FAIL: no frames.pcap"; exit 1; }

# Wireshark 4.0's LoRaWAN key table (UAT "encryption_keys_lorawan": DevAddr,
# NwkSKey, AppSKey, AppEUI) reads DevAddr as bytes and compares them with the
# frame's little-endian field, so DevAddr 95337738 is given in wire order.
UAT='uat:encryption_keys_lorawan:"38773395","AA0F29D39D7AAE3B54CFDF2F2A2355B5","2F85435B349C80C6A8FA27495A368221","0000000000000000"'
tshark -r "$T/r/frames.pcap" -o "$UAT" -T fields -E separator=, \
  -e frame.time_epoch -e loratap.version -e loratap.header_length \
  -e loratap.channel.frequency -e loratap.channel.bandwidth -e loratap.channel.sf \
  -e loratap.rssi.packet -e loratap.rssi.snr -e loratap.syncword \
  -e lorawan.mhdr.mtype -e lorawan.fhdr.devaddr -e lorawan.fport \
  -e lorawan.mic.status -e lorawan.frmpayload_decrypted >"$T/fields" 2>"$T/tshark.err"
rc=$?
[ $rc = 0 ] || { cat "$T/tshark.err"; fail "tshark exit $rc"; }
# expected, by hand: fixtures/events/README.md (times, channels, RSSI/SNR as
# LoRaTap v0 encodes them) and frames.tsv (mtype, DevAddr, FPort, plaintext)
cat >"$T/want" <<'W'
1.000000000,0,15,868100000,1,7,59,38,0x34,2,0x95337738,0x01,1,01
61.000000000,0,15,868300000,1,7,106,227,0x34,2,0x95337738,0x02,1,01264b7197bde30a31587fa7cff71f48
62.063816000,0,15,868300000,1,7,255,0,0x34,3,0x95337738,0x01,1,01
121.000000000,0,15,868500000,1,7,44,8,0x34,2,0x95337738,0x01,1,01
W
if ! diff "$T/want" "$T/fields" >"$T/diff"; then
  cat "$T/diff"; fail "tshark fields differ from the expected values"
fi
n=$(grep -c ',1,[0-9a-f]*$' "$T/fields")
[ "$n" = 4 ] || fail "MIC status good in $n of 4 frames"

# the test can fail: with a wrong NwkSKey no MIC is good
BAD='uat:encryption_keys_lorawan:"38773395","AA0F29D39D7AAE3B54CFDF2F2A2355B6","2F85435B349C80C6A8FA27495A368221","0000000000000000"'
tshark -r "$T/r/frames.pcap" -o "$BAD" -T fields -e lorawan.mic.status >"$T/bad" 2>/dev/null
grep -q '^1$' "$T/bad" && fail "a MIC verified with a wrong NwkSKey"
[ "$(grep -c '^0$' "$T/bad")" = 4 ] || fail "wrong key: expected 4 bad MICs, got $(cat "$T/bad" | tr '\n' ' ')"

[ $fails = 0 ] && echo "report_pcap: tshark decoded 4 frames, 4 MICs good" && exit 0
exit 1
