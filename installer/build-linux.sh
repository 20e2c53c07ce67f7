#!/usr/bin/env bash
# Build the Linux one-folder bundle (PyInstaller) and the .deb (UOS store layout).
#
#   installer/build-linux.sh [--skip-bundle] [--version 0.1.0.0]
#
# Env: PYTHON (default .venv/bin/python), BUILD_NUMBER (4th version part, default 0),
#      SIFASUO_DEB_COMPRESS (xz|gzip|zstd|none, default xz), SIFASUO_STRIP=0, SIFASUO_BUNDLE_FONTS.
# Needs: pyinstaller in the venv (pip install -e ".[build]"), binutils (objdump, readelf, strip),
#        dpkg-deb. Output: dist/sifasuo/ and dist/cn.gov.sifasuo.desktop_<version>_<arch>.deb
# The glibc floor of the result is that of the build host (Debian 12: 2.36); see installer/README.md
# for building on an older base for UOS 20 / Kylin V10.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
skip_bundle=0
version_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-bundle) skip_bundle=1 ;;
    --version) version_args=(--version "$2"); shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

for tool in objdump readelf dpkg-deb; do
  command -v "$tool" >/dev/null || { echo "error: $tool missing (apt-get install binutils dpkg)" >&2; exit 1; }
done

t0=$(date +%s)
if [ "$skip_bundle" = 0 ]; then
  echo "== PyInstaller bundle ($("$PYTHON" -c 'import PyInstaller; print(PyInstaller.__version__)'))"
  "$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
      --distpath dist --workpath build/pyinstaller installer/sifasuo.spec
fi
[ -x dist/sifasuo/sifasuo ] || { echo "error: dist/sifasuo/sifasuo missing" >&2; exit 1; }
echo "bundle: dist/sifasuo $(du -sh dist/sifasuo | cut -f1) ($(( $(date +%s) - t0 )) s)"

# the bundle carries its own glibc and starts through its own loader: floor = the kernel (issue 21)
if [ "${SIFASUO_CARRY_GLIBC:-1}" = 1 ]; then
  command -v patchelf >/dev/null || { echo "error: patchelf missing (apt-get install patchelf)" >&2; exit 1; }
  echo "== carry glibc"
  "$PYTHON" installer/glibc_bundle.py carry --bundle dist/sifasuo --install-dir /opt/apps/cn.gov.sifasuo.desktop/files
  "$PYTHON" installer/glibc_bundle.py check --bundle dist/sifasuo --max 2.28
fi

echo "== .deb"
t1=$(date +%s)
"$PYTHON" installer/debpkg.py --bundle dist/sifasuo --out dist "${version_args[@]}"
echo "deb built in $(( $(date +%s) - t1 )) s"
