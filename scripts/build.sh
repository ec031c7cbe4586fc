#!/usr/bin/env bash
# Configures and builds the project into a build directory (default: build/).
# Usage: scripts/build.sh [BUILD_DIR] [extra cmake -D options...]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
# ccache hits across clones of the repository (CI builds a fresh clone in another directory).
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=true
shift || true
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
