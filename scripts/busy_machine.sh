#!/usr/bin/env bash
# Training seconds (from metrics.csv) of one 3,000-image distillation epoch, on the machine as it
# is and beside one CPU-bound process this script starts: the default thread count, 1 thread,
# 2 threads waiting passively, and 2 threads with libgomp's own spinning (the old default).
#   scripts/busy_machine.sh TEACHER.safetensors [ROUNDS]
# TEACHER: any ancestry model, e.g. runs/pipeline-smoke/ancestry/model.safetensors.
set -u
root="$(cd "$(dirname "$0")/.." && pwd)"
T="${TLEG:-$root/build/app/tleg}"
teacher="${1:?usage: scripts/busy_machine.sh TEACHER.safetensors [ROUNDS]}"
rounds="${2:-2}"
out=$(mktemp -d)
trap 'rm -rf "$out"; [ -n "${nb:-}" ] && kill "$nb" 2>/dev/null' EXIT
run() { # label, env and command...
    local label="$1"
    shift
    if env "$@" --teacher "$teacher" --train-subset 3000 --test-subset 1000 --epochs 1 \
        --out "$out/r" >"$out/log" 2>&1; then
        printf '%-48s %6.2f s\n' "$label" "$(tail -1 "$out/r/metrics.csv" | cut -d, -f8)"
    else
        printf '%-48s failed: %s\n' "$label" "$(tail -1 "$out/log")"
    fi
    rm -rf "$out/r"
}
variants() {
    run "default (--threads 0)" "$T" distill
    run "--threads 1" "$T" distill --threads 1
    run "--threads 2, passive waiting" "$T" distill --threads 2
    run "--threads 2, libgomp's spinning" GOMP_SPINCOUNT=300000 "$T" distill --threads 2
}
for ((round = 1; round <= rounds; ++round)); do
    echo "round $round, as the machine is"
    variants
    echo "round $round, beside one CPU-bound process"
    sh -c 'while :; do :; done' &
    nb=$!
    sleep 0.5
    variants
    kill "$nb"
    wait "$nb" 2>/dev/null
    nb=
done
