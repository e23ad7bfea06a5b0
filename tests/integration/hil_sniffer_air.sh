#!/bin/sh
# hil_sniffer_air.sh — targets/sniffer hearing targets/lorawan-node over the
# simulated air, and `lorahil hil --sniffer` turning its rx: lines into
# gateway_rx events. Needs a simulation of two boards sharing the air;
# `lorahil sim` runs one board so far, so this test is skipped (77) until
# it can run several (then: run both, expose the sniffer with --pty, and
# check that every frame the node sent comes back as a gateway_rx event
# with the same bytes and passing verdicts).
set -u
if "$LORAHIL" sim --help 2>/dev/null | grep -q -- '--node '; then
  echo "FAIL: lorahil sim now simulates several boards: write this test"
  exit 1
fi
echo "SKIP: lorahil sim simulates one board; the sniffer cannot hear a node yet"
exit 77
