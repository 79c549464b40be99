#!/usr/bin/env bash
# Set up School Window and start the demo trust on http://127.0.0.1:8000 (SQLite, no other set-up).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
# Letters to families (PDF) need Pango and fonts; the rest of the demo runs without them.
if command -v apt-get >/dev/null 2>&1; then
  apt_install $PDF_PACKAGES || echo "Could not install $PDF_PACKAGES: printable letters will not work."
fi
ensure_python_env
exec uv run --frozen schoolwindow demo "$@"
