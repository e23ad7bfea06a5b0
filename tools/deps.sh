#!/bin/sh
# deps.sh — install the Debian packages lorahil needs, or say exactly how.
# Called by every top-level make goal so a fresh Debian 12 clone works with
# one command. As root it runs apt-get; otherwise it prints the command and
# fails, because a build that silently lacks simavr would only fail later
# with a worse message.
set -u
PKGS="gcc make pkg-config gcc-avr avr-libc binutils-avr simavr libsimavr-dev \
libcmocka-dev libserialport-dev libssl-dev libelf-dev libjansson-dev \
libpcap-dev clang libclang-rt-14-dev avrdude libxml2-utils tshark time $*"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" = 0 ]; then
  echo "lorahil: installing missing Debian packages:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2 || { echo "lorahil: apt-get update failed" >&2; exit 1; }
  apt-get install -y -q --no-install-recommends $missing >&2 || {
    echo "lorahil: apt-get install failed for:$missing" >&2; exit 1; }
  exit 0
fi
echo "lorahil: missing Debian packages:$missing" >&2
echo "lorahil: run as root:  sudo apt-get update && sudo $cmd" >&2
exit 1
