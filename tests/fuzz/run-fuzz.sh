#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a short time on its seed corpus.
# Usage: tests/fuzz/run-fuzz.sh [SECONDS_PER_TARGET]     (default 30)
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
SECONDS_PER_TARGET=${1:-30}
BUILD=$ROOT/build-fuzz
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
CXX=clang++ cmake -S "$ROOT" -B "$BUILD" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMACHINE_FUZZ=ON \
    -DMACHINE_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j "$(nproc)" --target fuzz_template fuzz_flags fuzz_config fuzz_os_release \
    fuzz_ls_filter fuzz_shell_env fuzz_gob
status=0
for target in template flags config os_release ls_filter shell_env gob; do
    corpus=$(mktemp -d)
    cp -r "$ROOT/tests/fuzz/corpus/$target/." "$corpus/"
    echo "fuzz_$target: ${SECONDS_PER_TARGET}s"
    if ! "$BUILD/fuzz_$target" -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 "$corpus" \
        >"$BUILD/fuzz_$target.log" 2>&1; then
        echo "fuzz_$target FAILED; see $BUILD/fuzz_$target.log"
        tail -40 "$BUILD/fuzz_$target.log"
        status=1
    else
        grep -E "stat::number_of_executed_units" "$BUILD/fuzz_$target.log" || true
    fi
    rm -rf "$corpus"
done
exit $status
