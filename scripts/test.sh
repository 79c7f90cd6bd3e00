#!/usr/bin/env bash
# README command 2: install, build, and run every test through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cd build
ctest --output-on-failure --timeout 1500 "$@"
