#!/usr/bin/env bash
# `create -d generic` on a local test host: our binary (one SSH connection for the whole create) against the
# same remote commands replayed the way a one-connection-per-command client runs them (a fresh `ssh` process
# with upstream's argument list, ControlMaster=no, for every command). Reports wall time and the SSH
# connections the host accepted. Run as root (test-host kit).
# Usage: bench/create.sh [path/to/docker-machine] [runs]        (default: build/docker-machine, 5)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(readlink -f "${1:-$ROOT/build/docker-machine}")
RUNS=${2:-5}
KIT=$ROOT/tests/testhost
NAME=benchcreate IDX=25 IP=10.213.25.2
KEY=${TESTHOST_HOME:-/var/tmp/testhost}/run/keys/id_ed25519
STORE=$(mktemp -d /tmp/dm-bench-create.XXXXXX)
export MACHINE_STORAGE_PATH=$STORE
trap '"$KIT/down.sh" -n $NAME --purge >/dev/null 2>&1; rm -rf "$STORE"' EXIT

now_ms() { date +%s%3N; }
ours_ms=() ours_conn=() replay_ms=() replay_conn=()
for run in $(seq 1 "$RUNS"); do
    "$KIT/down.sh" -n $NAME --purge >/dev/null 2>&1 || true
    "$KIT/up.sh" --wipe -n $NAME -i $IDX >/dev/null
    before=$("$KIT/sshcount.sh" $NAME)
    t0=$(now_ms)
    "$BIN" -D create -d generic --generic-ip-address $IP --generic-ssh-key "$KEY" m$run >"$STORE/out" 2>"$STORE/debug"
    t1=$(now_ms)
    ours_ms+=($((t1 - t0)))
    ours_conn+=($(($("$KIT/sshcount.sh" $NAME) - before)))
    "$BIN" rm -y m$run >/dev/null

    # The commands our create ran, in order, from its debug log ("About to run SSH command:" + the command).
    python3 - "$STORE/debug" "$STORE/commands" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
commands, i = [], 0
while i < len(lines):
    if lines[i] == "About to run SSH command:":
        block = []
        i += 1
        while i < len(lines) and not lines[i].startswith("SSH cmd err, output:"):
            block.append(lines[i])
            i += 1
        commands.append("\n".join(block))
    i += 1
open(sys.argv[2], "wb").write(b"\0".join(c.encode() for c in commands))
PY
    "$KIT/down.sh" -n $NAME --purge >/dev/null 2>&1 || true
    "$KIT/up.sh" --wipe -n $NAME -i $IDX >/dev/null
    before=$("$KIT/sshcount.sh" $NAME)
    t0=$(now_ms)
    while IFS= read -r -d '' command || [ -n "$command" ]; do
        ssh -F /dev/null -o ConnectionAttempts=3 -o ConnectTimeout=10 -o ControlMaster=no -o ControlPath=none \
            -o LogLevel=quiet -o PasswordAuthentication=no -o ServerAliveInterval=60 -o StrictHostKeyChecking=no \
            -o UserKnownHostsFile=/dev/null root@$IP -o IdentitiesOnly=yes -i "$KEY" -p 22 "$command" \
            >/dev/null 2>&1 </dev/null || true
    done <"$STORE/commands"
    t1=$(now_ms)
    replay_ms+=($((t1 - t0)))
    replay_conn+=($(($("$KIT/sshcount.sh" $NAME) - before)))
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
commands=$(tr -cd '\0' <"$STORE/commands" | wc -c)
echo "| client | median wall time (ms) | SSH connections | runs |"
echo "|---|---|---|---|"
echo "| docker-machine (this project), whole create | $(median "${ours_ms[@]}") | $(median "${ours_conn[@]}") | $RUNS |"
echo "| same $((commands + 1)) remote commands, one ssh connection each | $(median "${replay_ms[@]}") | $(median "${replay_conn[@]}") | $RUNS |"
