#!/bin/sh
# check_cli.sh — `lorahil check` end to end: the lora-packet README frame
# compared field by field with lora-packet's own decode
# (fixtures/lorawan/readme-frame.txt), every frames.tsv row verified, tampered
# copies rejected (exit 1), every kind of bad input refused with exit 2 and
# one line on stderr, keys files in LMIC C form and plain hex, --help.
# Keys must never appear unmasked in any output. POSIX sh.
set -u
LORAHIL=${LORAHIL:?set LORAHIL to the lorahil binary}
FIX=${FIXTURES:-fixtures}
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
fails=0
checks=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }

# run ARGS...: stdout in $T/out, stderr in $T/err, exit code in $rc
run() {
  "$LORAHIL" check "$@" >"$T/out" 2>"$T/err"
  rc=$?
  case $rc in 0|1|2) ;; *) fail "crash or odd exit $rc: check $*"; cat "$T/err" ;; esac
  # no key of any fixture, in either case, may be printed in full
  for k in AA0F29D39D7AAE3B54CFDF2F2A2355B5 2F85435B349C80C6A8FA27495A368221 \
           44024241ED4CE9A68C6A8BC055233FD3 EC925802AE430CA77FD3DD73CB2CC588 \
           2B7E151628AED2A6ABF7158809CF4F3C 000102030405060708090A0B0C0D0E0F \
           00000000000000000000000000000000 FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF; do
    lk=$(printf %s "$k" | tr 'A-F' 'a-f')
    if grep -q -e "$k" -e "$lk" "$T/out" "$T/err"; then fail "key $k printed unmasked: check $*"; fi
  done
}

# field NAME: the value after "  NAME:" in lorahil's output
field() { sed -n "s/^  $1: *//p" "$T/out" | head -n 1; }

# ---------------------------------------------------------------- README frame
RF="$FIX/lorawan/readme-frame.txt"
# lp NAME [N]: the N-th (default 1st) "NAME = value" of lora-packet-decode with keys (section 2)
lp() {
  sed -n '/^=== 2:/,/^=== 3:/p' "$RF" | awk -v name="$1" -v n="${2:-1}" '
    { line = $0; sub(/^ +/, "", line) }
    index(line, name " = ") == 1 { if (++seen == n) { print substr(line, length(name) + 4); exit } }'
}
run --nwkskey 44024241ed4ce9a68c6a8bc055233fd3 --appskey ec925802ae430ca77fd3dd73cb2cc588 \
    --devaddr 49BE7DF1 40F17DBE4900020001954378762B11FF0D
[ $rc = 0 ] || fail "README frame: exit $rc"; ok
same() { # label ours theirs
  if [ "$2" = "$3" ]; then ok; else fail "README frame $1: lorahil '$2', lora-packet '$3'"; fi
}
same PHYPayload "$(field PHYPayload)" "$(lp PHYPayload)"
same MHDR "$(field MHDR)" "$(lp MHDR)"
same MACPayload "$(field MACPayload)" "$(lp MACPayload)"
same FHDR "$(field FHDR)" "$(lp FHDR)"
same "Message Type" "$(field 'Message Type')" "$(lp 'Message Type' 2)"
same Direction "$(field Direction)" "$(lp Direction)"
same DevAddr "$(field DevAddr | cut -d' ' -f1)" "$(lp DevAddr | cut -d' ' -f1)"
same FCtrl "$(field FCtrl | cut -d' ' -f1)" "$(lp FCtrl)"
same "FCnt (wire)" "$(field FCnt | cut -d' ' -f1)" "$(lp FCnt 1 | cut -d' ' -f1)"
same "FCnt (32-bit)" "$(field FCnt | sed -n 's/.* \([0-9]*\) as 32-bit counter.*/\1/p')" "$(lp FCnt 2)"
same FPort "$(field FPort)" "$(printf %d "0x$(lp FPort)")"
same FRMPayload "$(field FRMPayload | cut -d' ' -f1)" "$(lp FRMPayload)"
same MIC "$(field MIC)" "$(lp MIC | sed 's/ (OK)/ ok/')"
same Plaintext "$(field Plaintext)" "$(lp Plaintext | sed "s/ ('\(.*\)')/ '\1'/")"
for flag in ADR ADRACKReq ACK; do
  want=$(lp "FCtrl.$flag"); [ "$want" = false ] && want=0 || want=1
  same "FCtrl.$flag" "$(field FCtrl | sed -n "s/.*[(,] *$flag \([01]\).*/\1/p")" "$want"
done
# the README's own check lines (section 3)
grep -q '^MIC check=OK$' "$RF" && grep -q "^calculated MIC=2b11ff0d$" "$RF" || fail "readme-frame.txt changed"
same "calculated MIC" "$(field MIC | cut -d' ' -f1 | tr 'A-F' 'a-f')" 2b11ff0d

# the same frame as base64 (coreutils base64 of the hex), and from a keys file
run --keys "$FIX/keys/lora-packet-readme.txt" QPF9vkkAAgABlUN4disR/w0=
[ $rc = 0 ] && [ "$(field Plaintext)" = "74657374 'test'" ] || fail "README frame as base64 via --keys: exit $rc"; ok

# ---------------------------------------------------------------- frames.tsv
# columns: name dir confirmed devaddr nwkskey appskey fcnt adr adrackreq ack fpending fopts fport payload phypayload mic
rows=0
grep -v '^#' "$FIX/lorawan/frames.tsv" | tail -n +2 > "$T/rows"
while IFS='	' read -r name dir conf da nwk app fcnt adr ackreq ack fpend fopts fport payload phy mic; do
  rows=$((rows + 1))
  last=""
  [ "$fcnt" -gt 0 ] && last="--fcnt-last $((fcnt - 1))"
  # shellcheck disable=SC2086
  run --devaddr "$da" --nwkskey "$nwk" --appskey "$app" $last "$phy"
  case $name in
    # MAC commands cut short on purpose in the fixture (see tests/unit/test_lw_frame.c)
    *_truncated_mac)
      [ $rc = 1 ] && grep -q "MAC command error: offset" "$T/out" || fail "$name: exit $rc, expected 1 (truncated MAC command)" ;;
    *) [ $rc = 0 ] || { fail "$name: exit $rc"; sed -n 's/^  Result: *//p' "$T/out"; } ;;
  esac
  [ "$(field MIC)" = "$mic ok" ] || fail "$name: MIC line '$(field MIC)'"
  [ "$(field DevAddr | cut -d' ' -f1)" = "$da" ] || fail "$name: DevAddr"
  fc=$(field FCnt | sed -n 's/.* \([0-9]*\) as 32-bit counter.*/\1/p')
  [ "$fc" = "$fcnt" ] || fail "$name: FCnt $fc, expected $fcnt"
  [ "$(field FPort)" = "$( [ "$fport" = - ] && echo none || echo "$fport")" ] || fail "$name: FPort"
  if [ "$payload" != - ]; then
    [ "$(field Plaintext | cut -d' ' -f1)" = "$payload" ] || fail "$name: Plaintext '$(field Plaintext)'"
  fi
  if [ "$fopts" != - ]; then
    [ "$(field FOpts | cut -d' ' -f1)" = "$fopts" ] || fail "$name: FOpts"
  fi
  case $dir in up) want="Unconfirmed Data Up"; [ "$conf" = 1 ] && want="Confirmed Data Up" ;;
               *) want="Unconfirmed Data Down"; [ "$conf" = 1 ] && want="Confirmed Data Down" ;; esac
  [ "$(field 'Message Type')" = "$want" ] || fail "$name: Message Type"
  ok

  # tampered copies: the last MIC digit, and one digit of the FCnt
  n=${#phy}
  head=$(printf %s "$phy" | cut -c1-$((n - 1)))
  tail=$(printf %s "$phy" | cut -c$n)
  case $tail in 0) t2=1 ;; *) t2=0 ;; esac
  run --devaddr "$da" --nwkskey "$nwk" --appskey "$app" $last "$head$t2"
  [ $rc = 1 ] && grep -q '^  MIC: .* BAD (expected' "$T/out" || fail "$name: MIC-tampered copy exit $rc"
  a=$(printf %s "$phy" | cut -c1-12); c=$(printf %s "$phy" | cut -c13); b=$(printf %s "$phy" | cut -c14-)
  case $c in 0) c2=8 ;; *) c2=0 ;; esac
  run --devaddr "$da" --nwkskey "$nwk" --appskey "$app" $last "$a$c2$b"
  [ $rc = 1 ] || fail "$name: FCnt-tampered copy exit $rc"
  ok
done < "$T/rows"
[ $rows -ge 50 ] || fail "only $rows rows in frames.tsv"

# replay, DevAddr, FCnt across frames in order
R1=4038773395000000019B4FB80A37            # up_fcnt0_p1_len1
R2=40387733950001000271986568BE45BA06E51056ED9BDE8BEA379BDB25  # up_fcnt1_p2_len16
run --keys "$FIX/keys/reference-device.txt" "$R1" "$R2"
[ $rc = 0 ] && grep -q '^2 frames: 2 passed, 0 failed$' "$T/out" || fail "two frames in order: exit $rc"; ok
run --keys "$FIX/keys/reference-device.txt" "$R2" "$R1"
[ $rc = 1 ] || fail "frames out of order: exit $rc"; ok
run --keys "$FIX/keys/reference-device-hex.txt" "$R1" "$R2" "$R2"
[ $rc = 1 ] && grep -q 'REPLAY' "$T/out" && grep -q '^3 frames: 2 passed, 1 failed$' "$T/out" || fail "replay: exit $rc"; ok
run --keys "$FIX/keys/reference-device.txt" --devaddr 95337739 "$R1"
[ $rc = 1 ] && grep -q '^  DevAddr: *95337738 BAD' "$T/out" || fail "wrong DevAddr: exit $rc"; ok
run --keys "$FIX/keys/reference-device.txt" --fcnt-last 70000 "$R2"
[ $rc = 1 ] || fail "--fcnt-last above the frame: exit $rc"; ok
grep -q 'NwkSKey AA0F…55B5, AppSKey 2F85…8221' "$T/out" || fail "session line does not show masked keys"; ok

# ---------------------------------------------------------------- bad input
K="--keys $FIX/keys/reference-device.txt"
bad() { # expected-stderr-substring ARGS...
  want=$1; shift
  run "$@"
  if [ $rc != 2 ]; then fail "exit $rc (want 2): check $*"; return; fi
  if [ "$(wc -l < "$T/err")" -ne 1 ]; then fail "stderr not one line: check $*"; cat "$T/err"; return; fi
  if [ -s "$T/out" ]; then fail "stdout not empty on bad input: check $*"; return; fi
  grep -q "^lorahil check: " "$T/err" && grep -q -F -e "$want" "$T/err" || { fail "stderr '$(cat "$T/err")' lacks '$want'"; return; }
  ok
}
bad "frame 1: odd number of hex digits (33)" $K 40F17DBE4900020001954378762B11FF0
bad "frame 2: invalid hex digit 'G' at character 17" $K "$R1" 40F17DBE49000200G1954378762B11FF0D
bad "frame 1: invalid base64 character '!' at character 13" $K 'QPF9vkkAAgAB!UN4disR/w0='
bad "frame 1: frame is 10 bytes; a data frame has at least 12" $K 40F17DBE490002000195
bad "frame 1: byte 0: MHDR 00 is a Join Request" $K 0000000000000000000000000000000000000000000000
bad "frame 1: byte 0: MHDR 20 is a Join Accept" $K 2000000000000000000000000000000000
bad "frame 1: byte 0: MHDR E0 has MType 7 (Proprietary)" $K E0F17DBE4900020001954378762B11FF0D
bad "frame 1: byte 0: MHDR C0 has MType 6 (RFU)" $K C0F17DBE4900020001954378762B11FF0D
bad "frame 1: byte 5: FCtrl 0F says FOptsLen 15" $K 40F17DBE490F020001954378762B11FF0D
bad "frame 1: empty frame text" $K ""
bad "--nwkskey: 30 hex digits, expected 32 (16 bytes)" --devaddr 95337738 --nwkskey AA0F29D39D7AAE3B54CFDF2F2A2355 --appskey 2F85435B349C80C6A8FA27495A368221 "$R1"
bad "--appskey: invalid hex digit 'X' at character 3" --devaddr 95337738 --nwkskey AA0F29D39D7AAE3B54CFDF2F2A2355B5 --appskey 2FX5435B349C80C6A8FA27495A368221 "$R1"
bad "--devaddr: 6 hex digits, expected 8 (4 bytes)" --devaddr 953377 --nwkskey AA0F29D39D7AAE3B54CFDF2F2A2355B5 --appskey 2F85435B349C80C6A8FA27495A368221 "$R1"
bad "missing --appskey" --devaddr 95337738 --nwkskey AA0F29D39D7AAE3B54CFDF2F2A2355B5 "$R1"
bad "no session keys" "$R1"
bad "cannot read keys file '$T/none.txt'" --keys "$T/none.txt" "$R1"
printf 'DevAddr 95337738\nNwkSKey AA0F29D39D7AAE3B54CFDF2F2A2355\nAppSKey 2F85435B349C80C6A8FA27495A368221\n' > "$T/k15.txt"
bad "$T/k15.txt:2: NwkSKey has 15 bytes, expected 16" --keys "$T/k15.txt" "$R1"
printf 'DevAddr 95337738\n' > "$T/k1.txt"
bad "$T/k1.txt: no NwkSKey found" --keys "$T/k1.txt" "$R1"
printf 'DevAddr 95337738\0\n' > "$T/knul.txt"
bad "holds a NUL byte at offset 16" --keys "$T/knul.txt" "$R1"
bad "no FRAME given" $K
bad "unknown option '--foo'" $K --foo "$R1"
bad "--sf needs a value" $K "$R1" --sf
bad "--sf 13: LoRaWAN uses SF7..SF12" $K --sf 13 "$R1"
bad "--sf: 'x7' is not a number" $K --sf x7 "$R1"
bad "--bw 1000: expected 125000, 250000 or 500000" $K --bw 1000 "$R1"
bad "--fcnt-last: '-1' is not a number" $K --fcnt-last -1 "$R1"
bad "--fcnt-last: 4294967296 is above 4294967295" $K --fcnt-last 4294967296 "$R1"
# two bad frames: one line each
run $K 4 "$R1" ZZ
[ $rc = 2 ] && [ "$(wc -l < "$T/err")" -eq 2 ] && [ ! -s "$T/out" ] || fail "two bad frames: exit $rc, $(wc -l < "$T/err") lines"; ok

# ---------------------------------------------------------------- options
run $K --sf 12 --bw 125000 "$R1"
[ $rc = 0 ] && grep -q '^  Time on air:  1155.072 ms at SF12/125 kHz (CR 4/5, preamble 8, explicit header, CRC on, LDRO on)$' "$T/out" \
  || fail "--sf 12: $(field 'Time on air')"; ok
run $K --sf=9 --bw=250000 -- "$R1"
[ $rc = 0 ] && grep -q 'SF9/250 kHz' "$T/out" || fail "--sf=9 --bw=250000 --: exit $rc"; ok

# ---------------------------------------------------------------- --help
"$LORAHIL" check --help >"$T/help" 2>"$T/err"; rc=$?
[ $rc = 0 ] && [ -s "$T/help" ] && [ ! -s "$T/err" ] || fail "--help: exit $rc"; ok
for o in --keys --devaddr --nwkskey --appskey --fcnt-last --sf --bw --e2ee-key; do
  grep -q -e "$o" "$T/help" || fail "--help does not mention $o"
done
# every option --help names is accepted
for o in "--sf 8" "--bw 500000" "--fcnt-last 0" "--devaddr 95337738" \
         "--nwkskey AA0F29D39D7AAE3B54CFDF2F2A2355B5" "--appskey 2F85435B349C80C6A8FA27495A368221"; do
  # shellcheck disable=SC2086
  run $K $o "$R2"
  [ $rc = 0 ] || fail "option $o: exit $rc $(cat "$T/err")"
done
"$LORAHIL" check -h >/dev/null 2>&1 || fail "-h"; ok
# --e2ee-key goes to the E2EE checker, never "unknown option"
"$LORAHIL" check --e2ee-key 00 >/dev/null 2>"$T/err"
grep -q "unknown option" "$T/err" && fail "--e2ee-key not dispatched"; ok

echo "check_cli: $checks checks, $fails failed"
[ $fails = 0 ]
