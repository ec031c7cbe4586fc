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
DOCKER_MACHINE_BIN="$BIN" /usr/bin/python3 -m pytest -q -p no:cacheprovider "$ROOT/tests/e2e" || status=1
exit $status
