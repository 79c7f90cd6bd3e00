#!/usr/bin/env bash
# The sanitizer leg: clang 14 with AddressSanitizer + UBSan and the libFuzzer harnesses, headless
# (no Qt). Installs clang's packages, builds into build-san, runs the tests labelled "sanitizer"
# (a named subset of the core tests, check_layers, and every fuzz seed and regression input once:
# tests/CMakeLists.txt), then fuzzes each parser for SECONDS (default 30).
#   scripts/sanitize.sh [SECONDS]     SECONDS=0 skips the fuzzing
# Any sanitizer report fails the test or harness that made it (halt_on_error), so a green run
# means zero reports.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"

PACKAGES=(clang-14 libclang-rt-14-dev libfuzzer-14-dev)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "Installing: ${missing[*]}"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

export CCACHE_BASEDIR="$PWD"
LAUNCHER=()
command -v ccache >/dev/null && LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# -O1: ASan's usual level (fast enough to fuzz, stacks still readable).
CXX=clang++-14 cmake -S . -B build-san -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS_RELEASE=-O1 -DTLEG_GUI=OFF -DTLEG_SANITIZE=ON -DTLEG_FUZZ=ON \
    -DCMAKE_DISABLE_FIND_PACKAGE_Qt6=ON -DCMAKE_DISABLE_FIND_PACKAGE_QCustomPlotQt6=ON \
    "${LAUNCHER[@]}"
cmake --build build-san -j "${TLEG_JOBS:-$(nproc)}" --target tleg sanitizer_tests fuzzers
# LibTorch itself is not instrumented; leaks inside it (static caches) are not ours to report.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
(cd build-san && ctest --output-on-failure --timeout 1500 -j2 -L sanitizer)
if [ "$seconds" -gt 0 ]; then
    scripts/fuzz.sh "$seconds" build-san/tests/fuzz
fi
