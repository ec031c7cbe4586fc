#!/usr/bin/env bash
# Speed and memory of `ls` over 100 `none` machines and of `url NAME` (issue: foundation, speed targets).
# hyperfine runs the commands side by side in one run; /usr/bin/time -v gives peak memory (max RSS).
# Usage: bench/ls_url.sh [path/to/docker-machine] [machines]      (default: build/docker-machine, 100)
# Results go to stdout and bench/results/ls_url.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(readlink -f "${1:-$ROOT/build/docker-machine}")
COUNT=${2:-100}
STORE=$(mktemp -d /tmp/dm-bench.XXXXXX)
trap 'rm -rf "$STORE"' EXIT
export MACHINE_STORAGE_PATH=$STORE

# Machines whose URLs point at a closed loopback port: the DOCKER column probe gets "connection refused"
# at once, as it would for stopped engines, so the run measures the tool, not a network.
for i in $(seq 1 "$COUNT"); do
    "$BIN" create -d none --url "tcp://127.0.0.1:9" "machine$i" >/dev/null
done

mkdir -p "$ROOT/bench/results"
OUT=$ROOT/bench/results/ls_url.md
hyperfine --warmup 3 --runs 30 --export-markdown "$OUT" \
    -n "ls ($COUNT machines)" "$BIN ls" \
    -n "ls -q ($COUNT machines)" "$BIN ls -q" \
    -n "url machine1" "$BIN url machine1" \
    -n "inspect machine1" "$BIN inspect machine1"

peak() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'; }
{
    echo
    echo "| command | peak RSS (KiB) |"
    echo "|---|---|"
    echo "| ls ($COUNT machines) | $(peak "$BIN" ls) |"
    echo "| ls -q ($COUNT machines) | $(peak "$BIN" ls -q) |"
    echo "| url machine1 | $(peak "$BIN" url machine1) |"
} | tee -a "$OUT"
