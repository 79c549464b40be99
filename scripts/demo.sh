#!/usr/bin/env bash
# Set up School Window and start the demo trust on http://127.0.0.1:8000 (SQLite, no other set-up).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_python_env
exec uv run --frozen schoolwindow demo "$@"
