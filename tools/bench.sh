#!/bin/sh
# bench.sh — what `make bench` measures.
BUILD=${1:-build}
echo "lorahil bench: no benchmarks yet"
