# Shared set-up for scripts/demo.sh and scripts/test.sh: install what the project needs.
# Safe to run again: every step checks first.

export UV_PYTHON_DOWNLOADS=never
export PATH="$HOME/.local/bin:$PATH"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=""
apt_install() {
  # apt_install PACKAGE... : install the Debian packages that are missing.
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing ${missing[*]} with apt-get…"
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_uv() {
  if ! command -v uv >/dev/null 2>&1; then
    echo "Installing uv…"
    python3 -m pip install --quiet --user uv 2>/dev/null \
      || python3 -m pip install --quiet --user --break-system-packages uv 2>/dev/null \
      || python3 -m pip install --quiet uv
    command -v uv >/dev/null 2>&1 || export PATH="$(python3 -m site --user-base)/bin:$PATH"
  fi
  uv_on_new_shells_path
}

uv_on_new_shells_path() {
  # pip puts uv in ~/.local/bin, which a new shell on Debian does not search for root: say so
  # once in ~/.bashrc and ~/.profile, so that the README's `uv run …` works in the next terminal.
  local bin_dir line rc
  bin_dir="$(dirname "$(command -v uv)")"
  case "$bin_dir" in /usr/bin|/usr/local/bin|/bin) return 0 ;; esac
  line="export PATH=\"$bin_dir:\$PATH\"  # uv, for School Window"
  for rc in "$HOME/.bashrc" "$HOME/.profile"; do
    grep -qsF "$line" "$rc" || { echo "$line" >> "$rc"; echo "Added $bin_dir to PATH in $rc (for uv)."; }
  done
}

ensure_python_env() {
  # ensure_python_env [--group dev]: the packages School Window runs with, and the test and
  # browser tooling only when asked (the demo does not need them). --inexact keeps what an
  # earlier set-up installed, so the demo and the tests can follow each other.
  ensure_uv
  uv sync --frozen --quiet --inexact "$@"
}

# WeasyPrint draws letters to families with Pango; Noto covers Arabic, Bengali, Gurmukhi and Urdu.
PDF_PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core"
