#!/usr/bin/env bash
# README command 1: install, build, and run the whole method on the embedded Fashion-MNIST.
# Extra arguments go to `tleg pipeline` (e.g. --preset smoke).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec build/app/tleg pipeline "$@"
