#!/usr/bin/env bash
# Builds the Debian package (scripts/package.sh) and checks it as a user of Debian 12 would meet it:
#  1. lintian: no errors and no warnings (the infos that stay, and why: installer/CMakeLists.txt);
#     desktop-file-validate and appstreamcli validate --no-net on the files inside the package;
#  2. apt-get install ./build/tleg-studio_*.deb, then from /usr/bin: tleg --version,
#     tleg pipeline --preset smoke and tleg info on its ancestry in a temporary folder,
#     tleg-studio --help, and tleg-studio --screenshots offscreen in German and in English: the
#     navigation must show the icons and differ between the two (the installed .qm files were
#     found; nothing else holds them);
#  3. apt-get purge: every path the package brought is gone again.
# Run as root (CI) or with sudo; it installs and purges system-wide. The screenshots stay in
# build/package-check/ to look at.
#   scripts/check_package.sh [--no-build]     (--no-build: check the .deb already in build/)
set -euo pipefail
cd "$(dirname "$0")/.."
root_dir=$PWD
start=$SECONDS
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
passed=0
ok() {
    passed=$((passed + 1))
    echo "check_package: ok: $*"
}
fail() {
    echo "check_package: FAILED: $*" >&2
    exit 1
}

TOOLS=(lintian desktop-file-utils appstream python3)
missing=()
for p in "${TOOLS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

if [ "${1:-}" != "--no-build" ]; then
    scripts/package.sh
fi
shopt -s nullglob
debs=(build/tleg-studio_*.deb)
[ ${#debs[@]} -eq 1 ] || fail "expected one build/tleg-studio_*.deb, found ${#debs[@]}"
deb=$root_dir/${debs[0]}
version=$(dpkg-deb -f "$deb" Version)
echo "check_package: $deb ($(du -h "$deb" | cut -f1), version $version)"

# 1. The package's files, unpacked: lintian, the desktop file, the AppStream metainfo.
work=$(mktemp -d /tmp/tleg-package-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
# (lintian warns that it runs as root; CI is root.)
lintian --fail-on error,warning --display-info "$deb" 2>&1 | tee "$work/lintian.txt" \
    || fail "lintian reports errors or warnings"
ok "lintian: $(grep -c '^E:' "$work/lintian.txt" || true) errors," \
   "$(grep -c '^W:' "$work/lintian.txt" || true) warnings," \
   "$(grep -c '^I:' "$work/lintian.txt" || true) infos"
dpkg-deb -x "$deb" "$work/root"
desktop-file-validate "$work/root/usr/share/applications/tleg-studio.desktop" \
    || fail "desktop-file-validate"
ok "desktop-file-validate"
appstreamcli validate --no-net "$work"/root/usr/share/metainfo/*.metainfo.xml \
    || fail "appstreamcli validate"
ok "appstreamcli validate --no-net"

# 2. Installed as a user installs it. What existed before is noted, so that the purge can be
# checked path by path (shared folders such as /usr/bin stay).
if dpkg-query -W -f='${Status}' tleg-studio 2>/dev/null | grep -q "ok installed"; then
    echo "check_package: tleg-studio was installed: purging it first"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get purge -y -q tleg-studio
fi
dpkg-deb --fsys-tarfile "$deb" | tar -t | sed 's|^\./|/|; s|/$||' | grep -v '^/\?$' \
    > "$work/paths.txt"
: > "$work/new-paths.txt"
while IFS= read -r path; do
    [ -e "$path" ] || echo "$path" >> "$work/new-paths.txt"
done < "$work/paths.txt"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "$deb"
dpkg -L tleg-studio > "$work/dpkg-L.txt"
ok "apt-get install ./$(basename "$deb"): $(wc -l < "$work/dpkg-L.txt") paths"

cd "$work"
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_RUNTIME_DIR=$work/runtime
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
[ "$(/usr/bin/tleg --version)" = "tleg $version" ] || fail "tleg --version: $(/usr/bin/tleg --version)"
ok "tleg --version: tleg $version"
/usr/bin/tleg pipeline --preset smoke > pipeline.log 2>&1 || { cat pipeline.log; fail "tleg pipeline"; }
[ -s runs/pipeline-smoke/results.md ] || fail "tleg pipeline wrote no results.md"
ok "tleg pipeline --preset smoke ($(grep -c . runs/pipeline-smoke/results.md) lines of results)"
model=runs/pipeline-smoke/ancestry/model.safetensors
/usr/bin/tleg info "$model" > info.txt || fail "tleg info $model"
grep -q "vit" info.txt || { cat info.txt; fail "tleg info shows no ViT"; }
ok "tleg info $model"
export QT_QPA_PLATFORM=offscreen
/usr/bin/tleg-studio --help > studio-help.txt
grep -q -- "--screenshots" studio-help.txt || fail "tleg-studio --help lists no --screenshots"
ok "tleg-studio --help"

# The app in German and in English, with the pipeline's runs and ancestry open.
shots=$root_dir/build/package-check
rm -rf "$shots"
for lang in de en; do
    /usr/bin/tleg-studio --lang "$lang" --screenshots "$shots/$lang" --runs runs/pipeline-smoke \
        --open "$model" > "shots-$lang.log" 2>&1 || { cat "shots-$lang.log"; fail "screenshots"; }
done
# The navigation list (left of every page): icons (amber is in five of the six page icons and
# nowhere else in the list) and texts that differ between the languages.
python3 - "$shots/de/data.png" "$shots/en/data.png" <<'PY' || fail "the navigation in German"
import struct, sys, zlib

def rows(path, height):
    """The first `height` rows of an 8-bit RGB(A) PNG, as Qt writes it (Python's stdlib only)."""
    data = open(path, "rb").read()
    pos, idat = 8, b""
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            width, _, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    assert depth == 8 and interlace == 0 and colour in (2, 6), path
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompressobj().decompress(idat), width * bpp
    out, prev = [], bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + ((a + b) >> 1)) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out.append([tuple(line[x:x + 3]) for x in range(0, 170 * bpp, bpp)])
        prev = line
    return out

de, en = rows(sys.argv[1], 260), rows(sys.argv[2], 260)
amber = sum(1 for row in de for (r, g, b) in row
            if abs(r - 0xe3) < 40 and abs(g - 0xa2) < 40 and abs(b - 0x1a) < 60)
differ = sum(1 for ra, rb in zip(de, en) for pa, pb in zip(ra, rb) if pa != pb)
print(f"navigation: {amber} icon (amber) pixels; {differ} pixels differ between de and en")
sys.exit(0 if amber >= 60 and differ >= 200 else 1)
PY
ok "tleg-studio --lang de: icons and German texts in the navigation ($shots/de)"
cd "$root_dir"

# 3. Purged: everything it brought is gone.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get purge -y -q tleg-studio
dpkg-query -W -f='${Status}' tleg-studio 2>/dev/null | grep -q "ok installed" \
    && fail "tleg-studio still installed"
left=0
while IFS= read -r path; do
    if [ -e "$path" ]; then
        echo "left behind: $path" >&2
        left=$((left + 1))
    fi
done < "$work/new-paths.txt"
[ "$left" -eq 0 ] || fail "apt-get purge left $left paths"
ok "apt-get purge: the $(wc -l < "$work/new-paths.txt") paths it brought are gone"
echo "check_package: done after $((SECONDS - start)) s"
echo "check_package: $passed passed, 0 failed"
