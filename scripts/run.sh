#!/usr/bin/env bash
# README command 1: install, build, and run the whole method on the embedded Fashion-MNIST.
# Extra arguments go to `tleg pipeline` (e.g. --preset smoke).
# `scripts/run.sh --studio` builds the same way and opens the desktop app instead.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ "${1:-}" = "--studio" ]; then
    shift
    exec build/app/tleg-studio "$@"
fi
exec build/app/tleg pipeline "$@"
