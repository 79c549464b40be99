# A throw-away S3-compatible server (moto) on 127.0.0.1 for the test run (sourced by
# scripts/test.sh), so the uploads tests exercise the S3 storage for real. The tests read
# SCHOOLWINDOW_TEST_S3_ENDPOINT_URL; without it (pytest run alone) they start one in-process.

s3_start() {
  local bin port tries
  bin=$(uv run --frozen python -c 'import sysconfig; print(sysconfig.get_path("scripts"))')
  port=${S3_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
  S3_LOG=$(mktemp /tmp/schoolwindow-s3.XXXXXX)
  "$bin/moto_server" -H 127.0.0.1 -p "$port" >"$S3_LOG" 2>&1 &
  S3_PID=$!
  for tries in $(seq 100); do
    if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/', timeout=1)" 2>/dev/null; then
      export SCHOOLWINDOW_TEST_S3_ENDPOINT_URL="http://127.0.0.1:$port"
      echo "S3-compatible server (moto) on 127.0.0.1:$port"
      return 0
    fi
    kill -0 "$S3_PID" 2>/dev/null || break
    sleep 0.2
  done
  echo "The S3-compatible test server did not start:" >&2; cat "$S3_LOG" >&2
  s3_stop
  return 1
}

s3_stop() {
  [ -n "${S3_PID:-}" ] || return 0
  kill "$S3_PID" 2>/dev/null || true
  wait "$S3_PID" 2>/dev/null || true
  rm -f "$S3_LOG"
  unset S3_PID SCHOOLWINDOW_TEST_S3_ENDPOINT_URL
}
