#!/usr/bin/env bash
# Regenerates the README's screenshots with the app's own screenshot mode (offscreen, fixed
# size, Fusion style, DejaVu Sans), from the files of a finished `tleg pipeline` run.
#   scripts/screenshots.sh [PIPELINE_DIR]        (default: runs/pipeline-quick)
# 1. every page of tleg-studio with the pipeline's ancestry, Aux-Net, a Des-Net and its
#    scratch twin open, des-6 and scratch-6 compared on the Runs page;
# 2. learngene-live.png: the Learngene page while a real distillation from the pipeline's
#    ancestry runs (the GUI latency benchmark's window, grabbed in epoch 8 of 10 on 6,000 images).
set -euo pipefail
cd "$(dirname "$0")/.."
pipeline="${1:-runs/pipeline-quick}"
for f in ancestry/model.safetensors aux-net/model.safetensors learngene.safetensors \
         des-6/model.safetensors scratch-6; do
    if [ ! -e "$pipeline/$f" ]; then
        echo "$pipeline/$f is missing: run 'build/app/tleg pipeline --preset quick' first" >&2
        exit 1
    fi
done
cmake --build build --target tleg-studio bench_gui_latency
export QT_QPA_PLATFORM=offscreen
build/app/tleg-studio --screenshots docs/screenshots --runs "$pipeline" \
    --open "$pipeline/ancestry/model.safetensors" \
    --open "$pipeline/aux-net/model.safetensors" \
    --open "$pipeline/des-6/model.safetensors" \
    --open "$pipeline/scratch-6/model.safetensors" \
    --open "$pipeline/learngene.safetensors" \
    --compare des-6 --compare scratch-6
build/tests/bench_gui_latency --seconds 28 --epochs 10 --train 6000 \
    --teacher "$pipeline/ancestry/model.safetensors" \
    --screenshot docs/screenshots/learngene-live.png
