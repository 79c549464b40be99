# A throw-away PostgreSQL cluster on 127.0.0.1 for the test run (sourced by scripts/test.sh).

postgres_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] || { echo "PostgreSQL is not installed" >&2; return 1; }
  echo "$dir"
}

postgres_start() {
  local bin port
  bin=$(postgres_bin)
  PG_DIR=$(mktemp -d /tmp/schoolwindow-pg.XXXXXX)
  port=${POSTGRES_PORT:-$((20000 + RANDOM % 20000))}
  local run=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$PG_DIR"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
  "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -o \
    "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
  export POSTGRES_URL="postgres://postgres@127.0.0.1:$port/schoolwindow"
  "${run[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres schoolwindow
  PG_RUN=("${run[@]}")
  PG_BIN=$bin
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

postgres_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
