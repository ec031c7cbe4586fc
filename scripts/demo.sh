#!/usr/bin/env bash
# The main job, end to end, on a fresh Debian 12 machine (as root): build docker-machine, bring up a local test
# host (a network namespace with its own root file system, sshd and dockerd), create a Docker machine on it
# with the generic driver, and run a container on it through `eval $(docker-machine env ...)`.
#
# Usage: scripts/demo.sh [--keep]     --keep: leave the test host and the machine up afterwards
set -euo pipefail
cd "$(dirname "$0")/.."
keep=false
[ "${1:-}" = --keep ] && keep=true

bash scripts/install-deps.sh
scripts/build.sh build
export PATH="$PWD/build:$PATH"
export MACHINE_STORAGE_PATH=${MACHINE_STORAGE_PATH:-/var/tmp/docker-machine-demo}

tests/testhost/build-roots.sh
tests/testhost/up.sh --wipe -n demo -i 3 >/dev/null
key=${TESTHOST_HOME:-/var/tmp/testhost}/run/keys/id_ed25519

cleanup() {
    if ! $keep; then
        docker-machine rm -f -y demo >/dev/null 2>&1 || true
        tests/testhost/down.sh -n demo --purge >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

docker-machine rm -f -y demo >/dev/null 2>&1 || true
set -x
docker-machine create -d generic --generic-ip-address 10.213.3.2 --generic-ssh-user root \
    --generic-ssh-key "$key" demo
docker-machine ls
eval "$(docker-machine env demo)"
docker run --rm busybox echo "Hello from a container on machine demo"
