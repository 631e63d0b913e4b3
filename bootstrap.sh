#!/usr/bin/env bash
# bootstrap.sh - set up a fresh machine and run the simulator. Idempotent: a second call
# only checks what is there (a second or two) and goes straight to the job.
#
#   ./bootstrap.sh view    the live view in the browser, http://127.0.0.1:8765 (the main job)
#   ./bootstrap.sh test    lint and the whole test suite, browser tests included
#   ./bootstrap.sh run ... the command line, e.g. ./bootstrap.sh run run --scenario seed
#   ./bootstrap.sh setup   install only
#
# What it installs when missing: uv (with pip), the locked Python packages (uv sync from
# uv.lock into .venv, Python 3.12), Solara's browser assets (from the npm registry, so the
# page works with no internet), and for tests Debian's chromium (apt, needs root).
set -euo pipefail
cd "$(dirname "$0")"

export SOLARA_TELEMETRY_MIXPANEL_ENABLE=False
export DEBIAN_FRONTEND=noninteractive
PORT="${PORT:-8765}"

say() { printf '[bootstrap] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

apt_install() {
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq && apt-get install -y -q "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo apt-get update -qq && sudo apt-get install -y -q "$@"
    else
        die "please install $* (Debian: apt-get install $*) and run again"
    fi
}

find_python312() {
    # Mesa 3.5 needs Python 3.12; uv cannot download one here, so look for one on disk.
    if command -v pyenv >/dev/null 2>&1; then
        for p in "$(pyenv root)"/versions/3.12*/bin/python3.12; do
            [ -x "$p" ] && { echo "$p"; return; }
        done
    fi
    for p in python3.12 /usr/bin/python3.12 /usr/local/bin/python3.12; do
        command -v "$p" >/dev/null 2>&1 && { command -v "$p"; return; }
    done
    echo ""  # let uv look for itself
}

ensure_uv() {
    uv --version >/dev/null 2>&1 && return
    say "installing uv"
    local py312
    py312="$(find_python312)"
    # With .python-version = 3.12, pyenv's uv shim resolves to 3.12: install uv there too.
    [ -n "$py312" ] && "$py312" -m pip install -q uv
    python3 -m pip install -q uv 2>/dev/null || true
    command -v pyenv >/dev/null 2>&1 && pyenv rehash
    uv --version >/dev/null 2>&1 || die "could not install uv (try: python3 -m pip install uv)"
}

ensure_env() {
    local py312
    py312="$(find_python312)"
    if [ -n "$py312" ]; then
        uv sync --frozen --quiet -p "$py312"
    else
        uv sync --frozen --quiet
    fi
}

ensure_assets() {
    command -v npm >/dev/null 2>&1 || apt_install npm
    # vuetify3, echarts, milkdown and codemirror are not used with ipyvue < 3 (saves ~125 MB)
    SOLARA_OFFLINE_SKIP="${SOLARA_OFFLINE_SKIP:-solara-vuetify3-app|echarts|milkdown|codemirror}" \
        bash scripts/solara-offline-assets.sh .venv/bin/python 2>/dev/null \
        || bash scripts/solara-offline-assets.sh .venv/bin/python
}

ensure_chromium() {
    if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then
        say "installing Debian's chromium for the browser tests"
        apt_install chromium
    fi
}

setup() {
    ensure_uv
    ensure_env
    ensure_assets
}

job="${1:-view}"
[ "$#" -gt 0 ] && shift
case "$job" in
    setup)
        setup
        ;;
    view)
        setup
        say "live view at http://127.0.0.1:$PORT (Ctrl-C stops it)"
        # Solara warns about https-only cookies on a plain-http loopback server: not relevant here
        export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore:Cookies with samesite=none:UserWarning}"
        exec uv run --no-sync solara run viz/app.py --host 127.0.0.1 --port "$PORT" --production "$@"
        ;;
    test)
        setup
        ensure_chromium
        uv run --no-sync ruff check .
        uv run --no-sync ruff format --check .
        exec uv run --no-sync pytest "$@"
        ;;
    run)
        setup
        exec uv run --no-sync python run.py "$@"
        ;;
    *)
        die "unknown job '$job': use view, test, run or setup"
        ;;
esac
