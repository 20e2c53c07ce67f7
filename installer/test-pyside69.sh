#!/usr/bin/env bash
# Run the test suite on PySide6 6.9.3 — the newest PySide6 whose x86_64 wheels are manylinux_2_28,
# i.e. the version a bundle for glibc 2.28 systems (UOS 20, Kylin V10) must be built with.
#
#   installer/test-pyside69.sh [pytest args...]      (default: tests -q)
#
# Creates/updates the venv .venv69 (not committed) next to .venv, installs the project with
# PySide6-Essentials pinned to 6.9.3 through a pip constraint, and runs pytest offscreen.
# Env: BASE_PYTHON (interpreter to create the venv from; default: the one behind .venv),
#      VENV69 (default .venv69).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV69:-.venv69}"
PYSIDE_VERSION=6.9.3
if [ -z "${BASE_PYTHON:-}" ]; then
  if [ -f .venv/pyvenv.cfg ]; then
    BASE_PYTHON="$(sed -n 's/^executable = //p' .venv/pyvenv.cfg)"
  fi
  BASE_PYTHON="${BASE_PYTHON:-python3}"
fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "== creating $VENV from $BASE_PYTHON"
  "$BASE_PYTHON" -m venv "$VENV"
fi
constraint=$(mktemp)
trap 'rm -f "$constraint"' EXIT
printf 'PySide6-Essentials==%s\nshiboken6==%s\n' "$PYSIDE_VERSION" "$PYSIDE_VERSION" >"$constraint"
echo "== installing the project with PySide6-Essentials==$PYSIDE_VERSION"
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
PIP_CONSTRAINT="$constraint" "$VENV/bin/python" -m pip install -q -e ".[test]"
"$VENV/bin/python" - <<'PY'
import PySide6, sys
print(f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]}")
assert PySide6.__version__.startswith("6.9."), PySide6.__version__
PY
[ $# -gt 0 ] || set -- tests -q
echo "== pytest $*"
QT_QPA_PLATFORM=offscreen "$VENV/bin/python" -m pytest "$@"
