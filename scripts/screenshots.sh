#!/usr/bin/env bash
# Regenerates the README's screenshots with the app's own screenshot mode (offscreen, fixed
# size, Fusion style, DejaVu Sans), from the files of a finished `tleg pipeline` run.
#   scripts/screenshots.sh [PIPELINE_DIR]        (default: runs/pipeline-quick)
# 1. every page of tleg-studio with the pipeline's ancestry, Aux-Net, a Des-Net and its
#    scratch twin open, des-N and scratch-N compared on the Runs page, and the Expand page's
#    Several depths table of the pipeline's learngene (expand-depths.png);
# 2. learngene-live.png: the Learngene page while a real distillation from the pipeline's
#    ancestry runs (the GUI latency benchmark's window, grabbed in epoch 8 of 10 on 6,000 images).
set -euo pipefail
cd "$(dirname "$0")/.."
pipeline="${1:-runs/pipeline-quick}"
# The deepest Des-Net with a scratch twin (quick: 6; smoke: 4) is opened and compared.
depth=""
for d in 12 10 8 6 4 3 2 1; do
    if [ -e "$pipeline/des-$d/model.safetensors" ] && [ -e "$pipeline/scratch-$d" ]; then
        depth=$d
        break
    fi
done
for f in ancestry/model.safetensors aux-net/model.safetensors learngene.safetensors; do
    if [ ! -e "$pipeline/$f" ] || [ -z "$depth" ]; then
        echo "$pipeline/$f or a des-N with its scratch-N is missing:" \
             "run 'build/app/tleg pipeline --preset quick' first" >&2
        exit 1
    fi
done
cmake --build build --target tleg-studio bench_gui_latency
export QT_QPA_PLATFORM=offscreen
build/app/tleg-studio --screenshots docs/screenshots --runs "$pipeline" \
    --open "$pipeline/ancestry/model.safetensors" \
    --open "$pipeline/aux-net/model.safetensors" \
    --open "$pipeline/des-$depth/model.safetensors" \
    --open "$pipeline/scratch-$depth/model.safetensors" \
    --open "$pipeline/learngene.safetensors" \
    --compare "des-$depth" --compare "scratch-$depth"
build/tests/bench_gui_latency --seconds 28 --epochs 10 --train 6000 \
    --teacher "$pipeline/ancestry/model.safetensors" \
    --screenshot docs/screenshots/learngene-live.png
