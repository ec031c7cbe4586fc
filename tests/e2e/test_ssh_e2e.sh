#!/bin/bash
# End-to-end test of machine::ssh (include/machine/ssh.hpp): the native (libssh) and the external (ssh binary)
# client against a real test host of tests/testhost, driven through tests/e2e/ssh_probe.
#
#   sudo tests/e2e/test_ssh_e2e.sh            # builds ssh_probe with g++ unless SSH_PROBE is set
#   SSH_PROBE=build/ssh_probe sudo -E tests/e2e/test_ssh_e2e.sh
#
# Env: TH_NAME (test host name, default sshe2e), TH_INDEX (its index: 10.213.N.2, default 7), KEEP=1 (leave the
# host up and the work dir in place), TESTHOST_HOME (the kit's state, default /var/tmp/testhost).
# Needs root (the kit does). Exit 0 = all passed, 1 = failures, 77 = skipped (not root).
# Network: only the test host's veth (10.213.N.1 <-> 10.213.N.2); build-roots.sh (run by up.sh if the root
# layers are missing) contacts apt's Debian mirror once.
set -uo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
KIT=$ROOT/tests/testhost
[ "$(id -u)" = 0 ] || { echo "SKIP: run as root (the test-host kit needs it)"; exit 77; }
. "$KIT/lib.sh"

NAME=${TH_NAME:-sshe2e}
IDX=${TH_INDEX:-7}
WORK=$(mktemp -d /tmp/ssh-e2e.XXXXXX)
chmod 700 "$WORK"
mkdir -m 700 "$WORK/tmp"
export TMPDIR=$WORK/tmp # the external client's ControlMaster dirs go here: checked for leftovers at the end
PASS=0
FAIL=0
SUMMARY=()

cleanup() {
    if [ "${KEEP:-0}" = 1 ]; then
        echo "KEEP=1: test host $NAME left up, work dir $WORK"
        return
    fi
    "$KIT/down.sh" -n "$NAME" --purge >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT

ok() {
    PASS=$((PASS + 1))
    echo "  ok   $1"
}
fail() {
    FAIL=$((FAIL + 1))
    echo "  FAIL $1"
    shift
    for line in "$@"; do printf '       %s\n' "$line"; done
}
expect_eq() { # name expected actual
    if [ "$2" == "$3" ]; then ok "$1"; else fail "$1" "expected: $(printf %q "$2")" "actual:   $(printf %q "$3")"; fi
}
expect_contains() { # name haystack needle
    if [[ "$2" == *"$3"* ]]; then ok "$1"; else fail "$1" "missing:  $3" "in:       $2"; fi
}
expect_not_contains() {
    if [[ "$2" != *"$3"* ]]; then ok "$1"; else fail "$1" "unexpected: $3" "in:         $2"; fi
}

# ---- ssh_probe ----
PROBE=${SSH_PROBE:-}
if [ -z "$PROBE" ]; then
    PROBE=$WORK/ssh_probe
    echo "building ssh_probe ..."
    g++ -std=c++20 -O1 -I "$ROOT/include" "$ROOT"/src/ssh/*.cpp "$ROOT/src/util/log.cpp" \
        "$ROOT/src/util/atomic_file.cpp" "$ROOT/tests/e2e/ssh_probe.cpp" -lssh -pthread -o "$PROBE" ||
        { echo "FAIL: could not build ssh_probe"; exit 1; }
fi

# ---- the test host ----
"$KIT/up.sh" --wipe -n "$NAME" -i "$IDX" >"$WORK/up.log" 2>&1 || { cat "$WORK/up.log"; echo "FAIL: up.sh"; exit 1; }
IP=$(cat "$RUNDIR/$NAME/ip")
INIT=$(cat "$RUNDIR/$NAME/init.pid")
KEY=$RUNDIR/keys/id_ed25519
HOST_KEY=$(cut -d' ' -f1,2 "/proc/$INIT/root/etc/ssh/ssh_host_ed25519_key.pub")
HOST_FP=$(ssh-keygen -lf "/proc/$INIT/root/etc/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')
count() { "$KIT/sshcount.sh" "$NAME"; }
last_accepted() { grep "Accepted publickey" "/proc/$INIT/root/var/log/sshd.log" | tail -n1; }
echo "test host $NAME at $IP (host key $HOST_FP)"

# probe KIND ARGS... : stdout in $OUT, stderr in $ERR, exit code in $RC
probe() {
    local kind=$1
    shift
    OUT=$("$PROBE" "--$kind" --host "$IP" --user root "$@" 2>"$WORK/stderr")
    RC=$?
    ERR=$(cat "$WORK/stderr")
}
statuses() { sed -n 's/^ssh_probe: exit statuses: *//p' <<<"$ERR"; }
per_command_ms() { sed -n 's/.*(\([0-9.]*\) ms each).*/\1/p' <<<"$ERR"; }

# RSA and ECDSA client keys, authorized through the first (native) client below
ssh-keygen -q -t rsa -b 3072 -N '' -C e2e-rsa -f "$WORK/id_rsa"
ssh-keygen -q -t ecdsa -b 256 -N '' -C e2e-ecdsa -f "$WORK/id_ecdsa"
cat "$WORK/id_rsa.pub" "$WORK/id_ecdsa.pub" >"$WORK/new_keys.pub"
RSA_FP=$(ssh-keygen -lf "$WORK/id_rsa.pub" | awk '{print $2}')
ECDSA_FP=$(ssh-keygen -lf "$WORK/id_ecdsa.pub" | awk '{print $2}')

for kind in native external; do
    echo "== $kind client"
    KH=$WORK/$kind/known_hosts
    mkdir -p "$WORK/$kind"

    # 1. trust on first use, outputs, exit statuses, stdout/stderr order, one connection
    c0=$(count)
    probe $kind --key "$KEY" --known-hosts "$KH" -- 'echo hello' ';;' 'exit 3' ';;' \
        'echo 1; sleep 0.2; echo 2 >&2; sleep 0.2; echo 3' ';;' 'echo "$USER@$(hostname)"' ';;' 'true'
    expect_eq "$kind: outputs of 5 commands" $'hello\n1\n2\n3\nroot@debian' "$OUT"
    expect_eq "$kind: exit statuses" "0 3 0 0 0" "$(statuses)"
    expect_eq "$kind: 5 commands, 1 SSH connection" 1 $(($(count) - c0))
    expect_eq "$kind: host key recorded on first use" "$IP $HOST_KEY" "$(cat "$KH" 2>/dev/null)"

    # 2. many commands through one client (known_hosts now exists: strict checking)
    c0=$(count)
    probe $kind --key "$KEY" --known-hosts "$KH" --repeat 30 -- 'true'
    expect_eq "$kind: 30 commands, 1 SSH connection" 1 $(($(count) - c0))
    expect_eq "$kind: 30 commands succeed" "$(printf '0 %.0s' {1..30} | sed 's/ $//')" "$(statuses)"
    SUMMARY+=("$kind: 30 x 'true' on one connection: $(per_command_ms) ms per command (connection setup included)")

    # 3. RSA (rsa-sha2 signatures: the test host refuses ssh-rsa/SHA-1) and ECDSA keys
    if [ $kind = native ]; then
        probe native --key "$KEY" --known-hosts "$KH" --input "$WORK/new_keys.pub" -- \
            'cat >> /root/.ssh/authorized_keys'
        expect_eq "native: authorize RSA + ECDSA keys through the client" 0 "$RC"
    fi
    c0=$(count)
    probe $kind --key "$WORK/id_rsa" --known-hosts "$KH" -- 'echo rsa-ok' ';;' 'whoami'
    expect_eq "$kind: RSA key" $'rsa-ok\nroot' "$OUT"
    expect_eq "$kind: RSA key, 1 connection" 1 $(($(count) - c0))
    expect_contains "$kind: sshd accepted the RSA key" "$(last_accepted)" "RSA $RSA_FP"
    probe $kind --key "$WORK/id_ecdsa" --known-hosts "$KH" -- 'echo ecdsa-ok'
    expect_eq "$kind: ECDSA key" "ecdsa-ok" "$OUT"
    expect_contains "$kind: sshd accepted the ECDSA key" "$(last_accepted)" "ECDSA $ECDSA_FP"

    # 4. ssh-agent when no key file is given
    eval "$(ssh-agent -a "$WORK/agent.$kind.sock" -s)" >/dev/null
    ssh-add -q "$KEY" 2>/dev/null
    probe $kind --known-hosts "$KH" -- 'echo agent-ok'
    expect_eq "$kind: ssh-agent authentication" "agent-ok" "$OUT"
    ssh-agent -k >/dev/null 2>&1
    unset SSH_AUTH_SOCK SSH_AGENT_PID

    # 5. big output, big input, a pseudo-terminal, upload
    probe $kind --key "$KEY" --known-hosts "$KH" -- "head -c 5000000 /dev/zero | tr '\\0' a"
    expect_eq "$kind: 5 MB of output" 5000000 "${#OUT}"
    head -c 3000000 /dev/urandom >"$WORK/input.bin"
    probe $kind --key "$KEY" --known-hosts "$KH" --input "$WORK/input.bin" -- 'sha256sum | cut -d" " -f1'
    expect_eq "$kind: 3 MB of input" "$(sha256sum "$WORK/input.bin" | cut -d' ' -f1)" "$OUT"
    probe $kind --key "$KEY" --known-hosts "$KH" --tty -- 'tty'
    expect_contains "$kind: run_tty gets a pty" "$OUT" "/dev/pts/"
    printf 'line one\nit'"'"'s line two\n' >"$WORK/upload.txt"
    probe $kind --key "$KEY" --known-hosts "$KH" --upload "$WORK/upload.txt:/root/up load.txt:0640" -- \
        'stat -c %a "/root/up load.txt"; cat "/root/up load.txt"'
    expect_eq "$kind: upload with mode" $'640\nline one\nit\'s line two' "$OUT"

    # 6. interactive: stdin attached, exit status returned, login shell without arguments, terminal size
    OUT=$(echo abc | "$PROBE" --$kind --host "$IP" --user root --key "$KEY" --known-hosts "$KH" --interactive -- \
        'cat; exit 7' 2>"$WORK/stderr")
    RC=$?
    expect_eq "$kind: interactive stdin/stdout" "abc" "$OUT"
    expect_eq "$kind: interactive exit status" 7 "$RC"
    OUT=$(printf 'echo from-login-shell\nexit 5\n' | "$PROBE" --$kind --host "$IP" --user root --key "$KEY" \
        --known-hosts "$KH" --interactive 2>"$WORK/stderr")
    RC=$?
    expect_contains "$kind: interactive login shell" "$OUT" "from-login-shell"
    expect_eq "$kind: interactive login shell exit status" 5 "$RC"
    if command -v script >/dev/null; then
        # a terminal: the native client asks for a pty of the local size; upstream's external argv adds no -t,
        # so a command runs without a pty there (as docker-machine 0.16.2 did) unless the user passes -t.
        tflag=""
        [ $kind = external ] && tflag="-t"
        OUT=$(sleep 2 | script -qec "stty cols 91 rows 37; $PROBE --$kind --host $IP --user root --key $KEY \
            --known-hosts $KH --interactive -- $tflag 'tty; stty size'" /dev/null | tr -d '\r')
        expect_contains "$kind: interactive on a terminal gets a pty" "$OUT" "/dev/pts/"
        expect_contains "$kind: interactive pty has the local size" "$OUT" "37 91"
    fi

    # 7. a lost connection is reported, and the next command reconnects
    c0=$(count)
    probe $kind --keep-going --key "$KEY" --known-hosts "$KH" -- 'echo a' ';;' 'kill -9 $PPID' ';;' 'echo b'
    expect_eq "$kind: commands after a lost connection" $'a\nb' "$OUT"
    expect_eq "$kind: lost connection reported as an error" "0 E 0" "$(statuses)"
    expect_contains "$kind: lost connection message" "$ERR" "lost the connection to root@$IP:22"
    expect_eq "$kind: reconnected once" 2 $(($(count) - c0))

    # 8. debug log lines of upstream (certs-and-provisioning.md §5.1)
    probe $kind --debug --key "$KEY" --known-hosts "$KH" -- 'echo dbg' ';;' 'exit 2'
    expect_contains "$kind: debug: about to run" "$ERR" $'About to run SSH command:\necho dbg'
    expect_contains "$kind: debug: result" "$ERR" "SSH cmd err, output: <nil>: dbg"
    expect_contains "$kind: debug: failure" "$ERR" "SSH cmd err, output: exit status 2: "
done

echo "== host keys"
# a changed host key is refused by both clients, before authentication (no connection accepted)
ssh-keygen -q -t ed25519 -N '' -f "$WORK/fake_host_key"
FAKE_FP=$(ssh-keygen -lf "$WORK/fake_host_key.pub" | awk '{print $2}')
echo "$IP $(cut -d' ' -f1,2 "$WORK/fake_host_key.pub")" >"$WORK/wrong_known_hosts"
echo "10.213.250.2 $HOST_KEY" >"$WORK/other_known_hosts"
for kind in native external; do
    c0=$(count)
    probe $kind --key "$KEY" --known-hosts "$WORK/wrong_known_hosts" -- 'echo SHOULD-NOT-RUN'
    expect_eq "$kind: changed host key: exit code" 100 "$RC"
    expect_not_contains "$kind: changed host key: nothing ran" "$OUT" "SHOULD-NOT-RUN"
    expect_contains "$kind: changed host key: message" "$ERR" \
        "Host key for $IP:22 has changed (expected $FAKE_FP, got $HOST_FP)."
    expect_contains "$kind: changed host key: how to accept" "$ERR" \
        "If you trust the new key, delete $WORK/wrong_known_hosts"
    expect_eq "$kind: changed host key: no login" 0 $(($(count) - c0))
    probe $kind --key "$KEY" --known-hosts "$WORK/other_known_hosts" -- 'echo SHOULD-NOT-RUN'
    expect_eq "$kind: host not pinned in an existing file: exit code" 100 "$RC"
    expect_contains "$kind: host not pinned: message" "$ERR" \
        "No host key for $IP:22 is pinned in $WORK/other_known_hosts"
done
expect_eq "the refused files are left as they were" "$IP $(cut -d' ' -f1,2 "$WORK/fake_host_key.pub")" \
    "$(cat "$WORK/wrong_known_hosts")"

# a port other than 22: "[host]:port" entries, recorded the same way by both clients
probe native --key "$KEY" -- '/usr/sbin/sshd -p 2222 -E /var/log/sshd-2222.log && echo started'
expect_eq "second sshd on port 2222" "started" "$OUT"
sleep 0.3
for kind in native external; do
    probe $kind --port 2222 --key "$KEY" --known-hosts "$WORK/$kind/known_hosts_2222" -- 'echo p2222'
    expect_eq "$kind: port 2222" "p2222" "$OUT"
    expect_eq "$kind: port 2222 recorded as [host]:port" "[$IP]:2222 $HOST_KEY" \
        "$(cat "$WORK/$kind/known_hosts_2222" 2>/dev/null)"
    probe $kind --port 2222 --key "$KEY" --known-hosts "$WORK/$kind/known_hosts_2222" -- 'echo again'
    expect_eq "$kind: port 2222 with the pinned key" "again" "$OUT"
    # as OpenSSH ("found matching key w/out port"): the bare host's pin is accepted on another port if it is
    # the same key; a different key pinned for the bare host does not count
    probe $kind --port 2222 --key "$KEY" --known-hosts "$WORK/$kind/known_hosts" -- 'echo bare-host-pin'
    expect_eq "$kind: port 2222 accepted with the bare host's pin of the same key" "bare-host-pin" "$OUT"
    probe $kind --port 2222 --key "$KEY" --known-hosts "$WORK/wrong_known_hosts" -- 'echo SHOULD-NOT-RUN'
    expect_contains "$kind: port 2222 refused with another key pinned for the bare host" "$ERR" \
        "No host key for $IP:2222 is pinned in $WORK/wrong_known_hosts"
done

echo "== errors"
cp "$KEY" "$WORK/open_key"
chmod 644 "$WORK/open_key"
probe external --key "$WORK/open_key" -- true
expect_eq "external: key too open" "ssh_probe: error: permissions 0644 for '$WORK/open_key' are too open" "$ERR"
chmod 200 "$WORK/open_key"
probe external --key "$WORK/open_key" -- true
expect_eq "external: key not readable" "ssh_probe: error: '$WORK/open_key' is not readable" "$ERR"
probe external --key "$WORK/missing_key" -- true
expect_eq "external: missing key" "ssh_probe: error: stat $WORK/missing_key: no such file or directory" "$ERR"
probe native --key "$WORK/missing_key" -- true
expect_eq "native: missing key" "ssh_probe: error: open $WORK/missing_key: no such file or directory" "$ERR"
ssh-keygen -q -t ed25519 -N '' -f "$WORK/unauthorized_key"
for kind in native external; do
    probe $kind --key "$WORK/unauthorized_key" -- true
    expect_eq "$kind: unauthorized key: exit code" 100 "$RC"
    expect_contains "$kind: unauthorized key: message" "$ERR" "root@$IP:22"
    probe $kind --port 2 --key "$KEY" -- true
    expect_contains "$kind: connection refused" "$ERR" "Connection refused"
done

echo "== baseline and leftovers"
# upstream's way (one ssh process and one connection per command) for comparison
c0=$(count)
t0=$(date +%s%N)
for i in $(seq 1 30); do
    ssh -F /dev/null -o ConnectionAttempts=3 -o ConnectTimeout=10 -o ControlMaster=no -o ControlPath=none \
        -o LogLevel=quiet -o PasswordAuthentication=no -o ServerAliveInterval=60 -o StrictHostKeyChecking=no \
        -o UserKnownHostsFile=/dev/null "root@$IP" -o IdentitiesOnly=yes -i "$KEY" -p 22 true
done
t1=$(date +%s%N)
SUMMARY+=("upstream style (ControlMaster=no): 30 x 'true': $(((t1 - t0) / 30000000)) ms per command, $(($(count) - c0)) connections")

sleep 0.5
expect_eq "no ControlMaster dir left behind" "" "$(ls -A "$TMPDIR")"
expect_eq "no ssh master process left behind" "" "$(pgrep -af "ControlPath=$TMPDIR" || true)"

echo
for line in "${SUMMARY[@]}"; do echo "  $line"; done
echo "ssh-e2e: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
