#!/usr/bin/env bash
# Install the app into ./.venv (system packages too, when allowed) and open it.
# Opens the user's data folder if it already holds a ledger; otherwise a demo township in ./demo-data.
# Prints a few lines; what apt and pip say goes to install.log (SIFASUO_INSTALL_LOG), shown only on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
LOG=${SIFASUO_INSTALL_LOG:-$PWD/install.log}
: >"$LOG"
step() {   # step "text" command...: one line per step; the command's output goes to the log
  printf '%s…' "$1"
  if "${@:2}" >>"$LOG" 2>&1; then
    echo " 完成"
  else
    echo " 失败"
    echo "---- 最后的输出（完整记录见 $LOG）----"
    tail -n 20 "$LOG"
    exit 1
  fi
}
PKGS=$(grep -v '^#' scripts/apt-packages.txt | tr '\n' ' ')
if command -v apt-get >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  missing=$(for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done | tr '\n' ' ')
  if [ -n "${missing// /}" ]; then
    [ -n "$SUDO" ] && echo "需要安装系统组件（$missing），可能会询问您的登录密码。"
    # sudo may ask for a password: its prompt must reach the terminal, so only apt's own output is logged
    printf '安装系统组件…'
    if $SUDO sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing" >>"$LOG" 2>&1; then
      echo " 完成"
    else
      echo " 失败"; echo "---- 最后的输出（完整记录见 $LOG）----"; tail -n 20 "$LOG"; exit 1
    fi
  fi
fi
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || step "创建运行环境 (.venv)" "$PY" -m venv .venv
.venv/bin/pip install -q --upgrade pip >>"$LOG" 2>&1 || true
step "安装程序及其依赖（首次约需几分钟）" env PIP_DISABLE_PIP_VERSION_CHECK=1 .venv/bin/pip install -q -e ".[test]"
# free 公文 fonts (FandolFang 仿宋, Noto Serif SC Bold 小标宋, LXGW WenKai 楷体) for PCs without the official ones;
# once (about a minute), never fatal: without them the app prints with AR PL UMing/UKai and says so
printf '安装免费公文字体（首次约需1–2分钟）…'
if bash scripts/install-fonts.sh >>"$LOG" 2>&1; then echo " 完成"; else echo " 跳过（见 $LOG）"; fi
DATA_DIR=${SIFASUO_DATA_DIR:-$(.venv/bin/python -c 'from sifasuo_desktop.paths import default_data_dir; print(default_data_dir())' 2>>"$LOG")}
if [ ! -f "$DATA_DIR/sifasuo.sqlite3" ]; then
  DATA_DIR="$PWD/demo-data"
  if [ ! -f "$DATA_DIR/sifasuo.sqlite3" ]; then
    echo "生成演示数据（示范镇司法所）…"
    .venv/bin/sifasuo demo --data-dir "$DATA_DIR" 2>>"$LOG"
  fi
fi
echo "打开数据文件夹：$DATA_DIR"
exec .venv/bin/sifasuo --data-dir "$DATA_DIR" "$@"
