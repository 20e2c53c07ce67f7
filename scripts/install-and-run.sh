#!/usr/bin/env bash
# Install the app into ./.venv (system packages too, when allowed) and open it.
# Opens the user's data folder if it already holds a ledger; otherwise a demo township in ./demo-data.
set -euo pipefail
cd "$(dirname "$0")/.."
PKGS=$(grep -v '^#' scripts/apt-packages.txt | tr '\n' ' ')
if command -v apt-get >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  missing=$(for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
  if [ -n "$missing" ]; then
    echo "安装系统组件：$missing"
    $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
  fi
fi
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/pip install -q -e ".[test]"
DATA_DIR=${SIFASUO_DATA_DIR:-$(.venv/bin/python -c 'from sifasuo_desktop.paths import default_data_dir; print(default_data_dir())')}
if [ ! -f "$DATA_DIR/sifasuo.sqlite3" ]; then
  DATA_DIR="$PWD/demo-data"
  if [ ! -f "$DATA_DIR/sifasuo.sqlite3" ]; then
    .venv/bin/sifasuo demo --data-dir "$DATA_DIR"
  fi
fi
echo "打开数据文件夹：$DATA_DIR"
exec .venv/bin/sifasuo --data-dir "$DATA_DIR" "$@"
