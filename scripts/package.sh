#!/usr/bin/env bash
# Builds the Debian package build/tleg-studio_VERSION_ARCH.deb: the packages and the build of
# scripts/setup.sh, then CPack (installer/CMakeLists.txt says what goes where).
#   scripts/package.sh && sudo apt install ./build/tleg-studio_*.deb
# scripts/check_package.sh checks the package (lintian, an install, a purge).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
rm -f build/tleg-studio_*.deb
(cd build && cpack -G DEB)
ls build/tleg-studio_*.deb
