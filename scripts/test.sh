#!/usr/bin/env bash
# Run the whole test suite headless (the command README and CI use).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || { python3 -m venv .venv && .venv/bin/pip install -q -e ".[test]"; }
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest -q -o faulthandler_timeout=300 "$@"
