#!/usr/bin/env bash
# The whole test suite: unit tests, CLI black-box tests, end-to-end tests against real test hosts, a sanitizer
# build of the unit and CLI tests, and short fuzz runs. Run as root on Debian 12 (the e2e tests create network
# namespaces). Sets everything up itself: scripts/install-deps.sh, builds, test-host root layers.
#
# Usage: scripts/run-tests.sh [--quick]     --quick: unit + CLI tests only
set -euo pipefail
cd "$(dirname "$0")/.."
quick=false
[ "${1:-}" = --quick ] && quick=true

step() { printf '\n==== %s ====\n' "$*"; }
failures=()
run_step() {
    local name=$1
    shift
    step "$name"
    if "$@"; then
        echo "---- $name: ok"
    else
        echo "---- $name: FAILED"
        failures+=("$name")
    fi
}

step "dependencies"
bash scripts/install-deps.sh

step "build"
scripts/build.sh build

run_step "unit tests" build/machine_unit_tests --gtest_brief=1
run_step "CLI tests" env DOCKER_MACHINE_BIN="$PWD/build/docker-machine" /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/cli

if [ -x tests/shell/run-shell-tests.sh ]; then
    run_step "shell integration tests" tests/shell/run-shell-tests.sh "$PWD/build/docker-machine"
fi

if ! $quick; then
    if [ -x tests/e2e/run-e2e.sh ]; then
        run_step "end-to-end tests" tests/e2e/run-e2e.sh build/docker-machine
    fi
    step "sanitizer build"
    scripts/build.sh build-asan -DMACHINE_SANITIZE=ON
    run_step "unit tests (ASan+UBSan)" build-asan/machine_unit_tests --gtest_brief=1
    run_step "CLI tests (ASan+UBSan)" env DOCKER_MACHINE_BIN="$PWD/build-asan/docker-machine" \
        ASAN_OPTIONS=detect_leaks=1 /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/cli
    if [ -x tests/fuzz/run-fuzz.sh ]; then
        run_step "fuzzing (short runs)" tests/fuzz/run-fuzz.sh 30
    fi
fi

step "summary"
if [ "${#failures[@]}" -gt 0 ]; then
    printf 'FAILED: %s\n' "${failures[@]}"
    exit 1
fi
echo "all test steps passed"
