#!/usr/bin/env bash
# The house's layering, checked: core/ folders include only folders below them (util < io <
# data < kernels < model < dist < train < analysis < workflow < experiments), core includes
# neither Qt nor anything outside core, widgets/ never includes the bench, and (given its path)
# the tleg-studio binary carries no bench code.
#   tests/check_layers.sh SOURCE_DIR [TLEG_STUDIO_BINARY]
set -euo pipefail
root="$1"
studio="${2:-}"
order=(util io data kernels model dist train analysis workflow experiments)
rank() {
    local i
    for i in "${!order[@]}"; do
        [ "${order[$i]}" = "$1" ] && { echo "$i"; return; }
    done
    echo -1
}
fail=0
for dir in "${order[@]}"; do
    [ -d "$root/core/$dir" ] || { echo "core/$dir is missing from the layer list's tree"; fail=1; continue; }
    mine=$(rank "$dir")
    while IFS= read -r line; do
        file=${line%%:*}
        target=$(sed -E 's/.*#include *"([^/"]+)\/.*/\1/' <<<"$line")
        theirs=$(rank "$target")
        if [ "$theirs" -lt 0 ]; then
            echo "$file includes \"$target/...\", which is not a core folder"
            fail=1
        elif [ "$theirs" -gt "$mine" ]; then
            echo "$file (core/$dir) includes core/$target, a folder above it"
            fail=1
        fi
    done < <(grep -rnE '#include *"[^"]+/' "$root/core/$dir" --include='*.h' --include='*.cpp' --include='*.inc' || true)
done
for d in "$root"/core/*/; do
    name=$(basename "$d")
    [ "$(rank "$name")" -ge 0 ] || { echo "core/$name is not in the layer order of $0"; fail=1; }
done
if grep -rnE '#include *<Q|#include *"Q' "$root/core"; then
    echo "core/ includes Qt"
    fail=1
fi
if grep -rnE '#include *"bench/' "$root/widgets" "$root/app/tleg_studio_main.cpp" 2>/dev/null; then
    echo "the desktop app includes the bench"
    fail=1
fi
if [ -n "$studio" ]; then
    if nm -C "$studio" | grep -q 'tleg::bench::'; then
        echo "$studio links bench code (tleg::bench::)"
        fail=1
    fi
fi
[ "$fail" -eq 0 ] && echo "layers ok: ${order[*]}"
exit "$fail"
