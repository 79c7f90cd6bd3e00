#!/usr/bin/env bash
# Fuzzes every parser with libFuzzer (ASan + UBSan), starting from seed corpora written by
# make_fuzz_seeds from valid files the project writes, plus the regression inputs of
# tests/fuzz/regressions/<harness>/ (every crash found becomes one).
#   scripts/fuzz.sh [SECONDS] [FUZZ_BUILD_DIR]   each harness for SECONDS (default 30)
#   scripts/fuzz.sh --seeds-only FUZZ_BUILD_DIR  run every seed and regression input once
# The build directory is a clang build with -DTLEG_FUZZ=ON -DTLEG_SANITIZE=ON (.ci/run makes
# build-san; default: build-san/tests/fuzz). New crashes land in FUZZ_BUILD_DIR/crashes/.
# Prints per harness: executions and crashes; exits 1 if any harness crashed.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds=30
mode=fuzz
if [ "${1:-}" = "--seeds-only" ]; then
    mode=seeds
    shift
elif [ -n "${1:-}" ]; then
    seconds="$1"
    shift
fi
dir="$(cd "${1:-$root/build-san/tests/fuzz}" && pwd)"
# An allocation over 64 MiB fails (as it may on a user's machine) instead of succeeding
# virtually: OpenCV allocates 398 MB for some 30-byte files of formats whose headers
# data/image_header.h does not read, and ASan's shadow of it took 2.5 s an input.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1:max_allocation_size_mb=64}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export OMP_NUM_THREADS=1
seeds="$dir/seeds"
rm -rf "$seeds"
"$dir/make_fuzz_seeds" "$seeds" >/dev/null || { echo "make_fuzz_seeds failed"; exit 1; }
mkdir -p "$dir/crashes" "$dir/corpus"
failed=0
printf '%-22s %12s %8s\n' harness executions crashes
for exe in "$dir"/fuzz_*; do
    [ -x "$exe" ] || continue
    name=$(basename "$exe")
    short=${name#fuzz_}
    inputs=("$seeds/$short")
    [ -d "$root/tests/fuzz/regressions/$short" ] && inputs+=("$root/tests/fuzz/regressions/$short")
    log="$dir/$name.log"
    if [ "$mode" = seeds ]; then
        files=()
        for d in "${inputs[@]}"; do
            [ -d "$d" ] && while IFS= read -r f; do files+=("$f"); done < <(find "$d" -type f | sort)
        done
        if [ ${#files[@]} -eq 0 ]; then
            echo "$short: no seed inputs in ${inputs[*]}"
            failed=1
            continue
        fi
        "$exe" -rss_limit_mb=4096 -timeout=60 "${files[@]}" >"$log" 2>&1
        rc=$?
        runs=${#files[@]}
    else
        mkdir -p "$dir/corpus/$short"
        "$exe" -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 \
            -artifact_prefix="$dir/crashes/$short-" "$dir/corpus/$short" "${inputs[@]}" \
            >"$log" 2>&1
        rc=$?
        runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    fi
    crashes=0
    if [ "$rc" -ne 0 ]; then
        crashes=1
        failed=1
    fi
    printf '%-22s %12s %8s\n' "$short" "${runs:-?}" "$crashes"
    [ "$rc" -ne 0 ] && tail -n 40 "$log"
done
exit "$failed"
