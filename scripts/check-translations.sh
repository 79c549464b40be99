#!/usr/bin/env bash
# Every .po file compiles, and the committed .mo files match their .po files.
set -euo pipefail
cd "$(dirname "$0")/.."
for po in $(find src -name '*.po'); do
  mo="${po%.po}.mo"
  tmp=$(mktemp)
  msgfmt --check -o "$tmp" "$po"
  if ! cmp -s "$tmp" "$mo"; then
    echo "$mo is out of date: run 'uv run python manage.py compilemessages'" >&2
    rm -f "$tmp"; exit 1
  fi
  rm -f "$tmp"
done
echo "translations compiled and up to date"
