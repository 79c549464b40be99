#!/usr/bin/env bash
# Set up everything the tests need (uv, PostgreSQL 15, Chromium, gettext) and run the whole
# suite: lint, types, migrations, then every test on SQLite and again on PostgreSQL (with a local
# S3-compatible server for the uploads tests).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

apt_install postgresql chromium gettext fonts-dejavu-core $PDF_PACKAGES
ensure_python_env --group dev

echo "== ruff"; uv run --frozen ruff check src tests benchmarks; uv run --frozen ruff format --check src tests benchmarks
echo "== mypy"; uv run --frozen mypy
echo "== layers"; uv run --frozen lint-imports --no-cache
echo "== migrations"; uv run --frozen python manage.py makemigrations --check --dry-run
echo "== translations"; scripts/check-translations.sh

source scripts/s3.sh
source scripts/postgres.sh
trap 'postgres_stop; s3_stop' EXIT
s3_start

echo "== tests on SQLite"
uv run --frozen pytest -q "$@"

echo "== tests on PostgreSQL"
postgres_start
DATABASE_URL="$POSTGRES_URL" uv run --frozen pytest -q "$@"
