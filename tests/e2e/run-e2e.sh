#!/usr/bin/env bash
# End-to-end tests against real test hosts (tests/testhost). Run as root.
# Usage: tests/e2e/run-e2e.sh [path/to/docker-machine]
set -uo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
BIN=$(readlink -f "${1:-$ROOT/build/docker-machine}")
BUILD_DIR=$(dirname "$BIN")
[ "$(id -u)" = 0 ] || { echo "end-to-end tests need root; skipped"; exit 0; }

# The read-only root layers of the test hosts, built once (~2 min, Debian's mirror only).
"$ROOT/tests/testhost/build-roots.sh" || exit 1

status=0
SSH_PROBE="$BUILD_DIR/ssh_probe" "$ROOT/tests/e2e/test_ssh_e2e.sh" || status=1
# Test files run side by side (each owns its test hosts, indexes and fake servers): most of their time is
# waiting for hosts, daemons and upstream's retry loops, not CPU.
parallel=()
if /usr/bin/python3 -c "import xdist" 2>/dev/null; then
    parallel=(-n "${E2E_WORKERS:-4}" --dist loadfile)
fi
DOCKER_MACHINE_BIN="$BIN" /usr/bin/python3 -m pytest -q -p no:cacheprovider "${parallel[@]}" --durations=15 \
    "$ROOT/tests/e2e" || status=1
exit $status
