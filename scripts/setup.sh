#!/usr/bin/env bash
# Installs every Debian 12 package TLEG Studio needs, then configures and builds (Release,
# warnings on) into build/. Safe to run again: apt and CMake skip what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
    build-essential cmake ninja-build pkg-config
    qt6-base-dev qt6-tools-dev qt6-l10n-tools libqcustomplot-dev
    libtorch-dev libgloo-dev libdnnl-dev libopenblas0-openmp libeigen3-dev libopencv-dev nlohmann-json3-dev zlib1g-dev
    dataset-fashion-mnist xvfb fonts-dejavu-core fonts-wqy-microhei qt6-translations-l10n
    python3-torch python3-torchvision libtcmalloc-minimal4 ccache libgtest-dev librsvg2-bin
)
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

JOBS=${TLEG_JOBS:-$(nproc)}
# ccache keeps rebuilds cheap (a LibTorch translation unit takes ~20 s); paths below the checkout
# are hashed relative to it, so another clone or build folder hits the same cache.
export CCACHE_BASEDIR="$PWD"
LAUNCHER=()
command -v ccache >/dev/null && LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# TLEG_CMAKE_ARGS: extra configure options, e.g. CI's -DTLEG_WARNINGS_AS_ERRORS=ON (none by default).
read -r -a EXTRA <<< "${TLEG_CMAKE_ARGS:-}"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DTLEG_BUILD_TESTS=ON "${LAUNCHER[@]}" \
    "${EXTRA[@]}"
cmake --build build -j "$JOBS"
