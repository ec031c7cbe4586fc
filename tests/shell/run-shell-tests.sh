#!/usr/bin/env bash
# Shell-integration tests: contrib/completion's bash, zsh and fish completion, the prompt helper and the
# `docker-machine use` wrapper, run in real interactive shells (tmux) against a docker-machine binary, with
# temporary stores and a fake TLS Docker daemon; `docker-machine env` is evaluated by bash, zsh, sh, fish and
# tcsh and the docker CLI then talks to the machine.
#
# Needs: bash zsh fish tmux python3-pytest openssl. Used when installed, else the tests that need them are
# skipped: tcsh, shellcheck, bash-completion, the docker CLI. No root needed.
#
# Usage: tests/shell/run-shell-tests.sh [path/to/docker-machine]      (default: build/docker-machine)
# The output ends with pytest's summary line.
set -uo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
BIN=$(readlink -f "${1:-$ROOT/build/docker-machine}")
if [ ! -x "$BIN" ]; then
    echo "docker-machine binary not found: $BIN" >&2
    exit 2
fi
cd "$ROOT/tests/shell" || exit 2
export DOCKER_MACHINE_BIN="$BIN" PYTHONDONTWRITEBYTECODE=1
exec /usr/bin/python3 -m pytest -q -rfEs -p no:cacheprovider "$ROOT/tests/shell"
