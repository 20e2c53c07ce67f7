#!/usr/bin/env bash
# Free fonts closest to the 公文 faces, for PCs without the Windows (仿宋/黑体/楷体/宋体/方正小标宋) or CESI fonts.
# Fetched from the package registries at install/build time (never committed) into resources/fonts/ (or $1),
# where the app's font resolver and the PyInstaller bundle pick them up, each with its licence beside it:
#   仿宋   FandolFang          Debian texlive-lang-chinese (only the .otf is unpacked; no TeX installed),
#                              CFF converted once to TrueType (~40 s)                         GPL-3 + font exception
#   小标宋 Noto Serif SC Bold  npm @expo-google-fonts/noto-serif-sc (glyf TTF as published);
#                              without npm: Debian fonts-noto-cjk's Noto Serif CJK SC Bold, converted (~60 s)  OFL-1.1
#   楷体   LXGW WenKai         Debian fonts-lxgw-wenkai (apt, when allowed; else AR PL UKai)  OFL-1.1
#   黑体   WenQuanYi Zen Hei   Debian fonts-wqy-zenhei (scripts/apt-packages.txt)             GPL-2 + font exception
# Idempotent: a font already in place is kept. Needs ./.venv (fontTools) for the conversions.
# SIFASUO_FONTS_NO_APT_INSTALL=1 skips the apt-get install of fonts-lxgw-wenkai (downloads still work as a user).
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=${1:-resources/fonts}
PY=${PYTHON_FONTS:-.venv/bin/python}
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
say() { echo "install-fonts: $*"; }

# 仿宋 <- FandolFang
if [ ! -f "$DEST/FandolFang-Regular-TT.ttf" ]; then
  if command -v apt-get >/dev/null; then
    (cd "$TMP" && apt-get download -qq texlive-lang-chinese >/dev/null 2>&1) || say "texlive-lang-chinese not downloadable (run apt-get update?)"
    deb=$(ls "$TMP"/texlive-lang-chinese_*.deb 2>/dev/null | head -n1 || true)
    if [ -n "$deb" ]; then
      dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$TMP" --wildcards '*/fandol/FandolFang-Regular.otf' '*/fandol/COPYING.gz' '*/fandol/README'
      otf=$(find "$TMP" -name FandolFang-Regular.otf | head -n1)
      "$PY" -m sifasuo_desktop.documents.fontbuild --fandol "$otf" --out-dir "$DEST"
      { cat "$(find "$TMP" -path '*fandol/README' | head -n1)"; echo; zcat "$(find "$TMP" -name COPYING.gz | head -n1)"; } \
        > "$DEST/FandolFang-Regular-TT.LICENSE.txt"
      say "FandolFang converted"
    fi
  fi
fi

# 小标宋 <- Noto Serif SC Bold
if [ ! -f "$DEST/NotoSerifSC-Bold.ttf" ] && [ ! -f "$DEST/SifasuoTitleSerif-Bold.ttf" ]; then
  if command -v npm >/dev/null && (cd "$TMP" && npm pack --silent @expo-google-fonts/noto-serif-sc@0.4.3 >/dev/null 2>&1); then
    tar -xzf "$TMP"/expo-google-fonts-noto-serif-sc-*.tgz -C "$TMP" package/700Bold/NotoSerifSC_700Bold.ttf package/LICENSE_FONT
    cp "$TMP/package/700Bold/NotoSerifSC_700Bold.ttf" "$DEST/NotoSerifSC-Bold.ttf"
    cp "$TMP/package/LICENSE_FONT" "$DEST/NotoSerifSC-Bold.LICENSE.txt"
    say "Noto Serif SC Bold (npm)"
  elif command -v apt-get >/dev/null && (cd "$TMP" && apt-get download -qq fonts-noto-cjk >/dev/null 2>&1); then
    deb=$(ls "$TMP"/fonts-noto-cjk_*.deb | head -n1)
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$TMP" --wildcards '*NotoSerifCJK-Bold.ttc' '*/copyright'
    "$PY" -m sifasuo_desktop.documents.fontbuild --title "$(find "$TMP" -name NotoSerifCJK-Bold.ttc | head -n1)" --out-dir "$DEST"
    cp "$(find "$TMP" -path '*fonts-noto-cjk/copyright' | head -n1)" "$DEST/SifasuoTitleSerif-Bold.LICENSE.txt"
    say "Noto Serif CJK SC Bold converted"
  else
    say "no Noto Serif SC Bold: titles fall back to AR PL UMing (synthetic bold)"
  fi
fi

# 楷体 <- LXGW WenKai (a system package; AR PL UKai otherwise)
if ! fc-list 2>/dev/null | grep -qi "LXGW WenKai" && [ "${SIFASUO_FONTS_NO_APT_INSTALL:-0}" != 1 ] && command -v apt-get >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo -n"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-lxgw-wenkai >/dev/null 2>&1 \
    && say "LXGW WenKai installed" || say "fonts-lxgw-wenkai not installed (楷体 uses AR PL UKai)"
fi
ls -la "$DEST" | sed 's/^/install-fonts: /'
