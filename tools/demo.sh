#!/bin/sh
# demo.sh — what `make demo` shows.
BUILD=${1:-build}
echo "lorahil demo: nothing to show yet"
