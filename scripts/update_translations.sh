#!/usr/bin/env bash
# Brings the .ts files up to date with the sources (Qt's lupdate): the GUI's tr() texts and
# core's TLEG_TRANSLATABLE texts (experiment titles and descriptions, the note on how a dataset
# was split).
#   scripts/update_translations.sh [TS_FILE...]   (default: translations/tleg_*.ts)
# LUPDATE overrides the lupdate binary. Entries that are new show as type="unfinished".
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
lupdate=${LUPDATE:-/usr/lib/qt6/bin/lupdate}
if [ $# -eq 0 ]; then
    set -- "$root"/translations/tleg_*.ts
fi
cd "$root"
"$lupdate" -silent -no-obsolete -locations none -I . \
    -tr-function-alias QT_TRANSLATE_NOOP+=TLEG_TRANSLATABLE \
    widgets app/tleg_studio_main.cpp core/experiments/experiment.cpp \
    core/data/open_dataset.cpp -ts "$@"
