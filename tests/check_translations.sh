#!/usr/bin/env bash
# Fails when a translation is missing: runs lupdate over the current sources into copies of the
# .ts files and counts unfinished or new entries. Usage: check_translations.sh SOURCE_DIR LUPDATE
set -euo pipefail
src=$1
lupdate=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for ts in "$src"/translations/tleg_*.ts; do
    cp "$ts" "$tmp/"
    copy="$tmp/$(basename "$ts")"
    LUPDATE="$lupdate" "$src/scripts/update_translations.sh" "$copy"
    total=$(grep -c "<source>" "$copy" || true)
    unfinished=$(grep -c 'type="unfinished"' "$copy" || true)
    echo "$(basename "$ts"): $total messages, $unfinished unfinished"
    if [ "$unfinished" -ne 0 ] || [ "$total" -eq 0 ]; then
        grep -B3 'type="unfinished"' "$copy" | grep "<source>" | head -20
        status=1
    fi
done
exit $status
