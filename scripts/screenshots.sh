#!/usr/bin/env bash
# Regenerates the README's screenshots with the app's own screenshot mode (offscreen, fixed
# size, Fusion style, DejaVu Sans). Extra arguments go to tleg-studio, e.g.
#   scripts/screenshots.sh --open runs/pipeline-quick/distill/learngene.safetensors
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build --target tleg-studio
QT_QPA_PLATFORM=offscreen build/app/tleg-studio --screenshots docs/screenshots "$@"
