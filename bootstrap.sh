#!/usr/bin/env bash
# bootstrap.sh - set up a fresh machine and run the simulator. Idempotent: a second call
# only checks what is there (a few seconds) and goes straight to the job.
#
#   ./bootstrap.sh view    the live view in the browser, http://127.0.0.1:8765 (the main job)
#   ./bootstrap.sh test    lint, import rules, types and the whole test suite (browser tests too)
#   ./bootstrap.sh run ... the command line, e.g. ./bootstrap.sh run run --scenario seed
#   ./bootstrap.sh setup   install only
#
# What it installs when missing: uv (with pip), the locked Python packages (uv sync from
# uv.lock into .venv, Python 3.12), Solara's browser assets (from the npm registry, so the
# page works with no internet), a Chinese font (Debian's fonts-wqy-microhei, so the zh-TW
# page shows characters, not boxes), and for tests Debian's chromium. Debian packages need
# root or sudo; without them the font is skipped with a warning, and npm and chromium stop
# the set-up with the command to run. Each step prints one line; errors are shown.
set -euo pipefail
cd "$(dirname "$0")"

export SOLARA_TELEMETRY_MIXPANEL_ENABLE=False
export DEBIAN_FRONTEND=noninteractive
PORT="${PORT:-8765}"
CJK_FONT=fonts-wqy-microhei # 1.6 MB download (Debian's fonts-noto-cjk is 56 MB)
# vuetify3, echarts, milkdown and codemirror are not used with ipyvue < 3: skipping them saves
# ~125 MB. Exported, so that every call of the asset script skips them; set it empty to
# fetch everything.
export SOLARA_OFFLINE_SKIP="${SOLARA_OFFLINE_SKIP-solara-vuetify3-app|echarts|milkdown|codemirror}"

say() { printf '[bootstrap] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

can_be_root() { [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null 2>&1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=""
apt_get_install() {
    # apt_get_install LOG PACKAGE...: install quietly, without recommended extras (chromium's
    # recommends pull in systemd, avahi, cups and samba libraries); apt's output goes to LOG.
    local log="$1"
    shift
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "apt-get not found: not a Debian or Ubuntu machine" >"$log"
        return 1
    fi
    if [ -z "$APT_UPDATED" ]; then
        as_root apt-get update -qq >"$log" 2>&1 || return 1
        APT_UPDATED=1
    fi
    as_root apt-get install -y -qq --no-install-recommends "$@" >>"$log" 2>&1
}

apt_install() {
    # apt_install WHY PACKAGE...: packages the job cannot do without; one line when done.
    local why="$1" log start
    shift
    can_be_root || die "$why needs: apt-get install --no-install-recommends $* (as root), then run again"
    say "installing $why ($*)..."
    log="$(mktemp "${TMPDIR:-/tmp}/bootstrap-apt.XXXXXX")"
    start=$SECONDS
    if ! apt_get_install "$log" "$@"; then
        tail -n 20 "$log" >&2
        die "could not install $* (apt's output above, all of it in $log)"
    fi
    say "installed $* in $((SECONDS - start)) s (apt's output: $log)"
}

has_cjk_font() {
    if command -v fc-list >/dev/null 2>&1; then
        [ -n "$(fc-list :lang=zh-tw family)" ]
    else # no fontconfig to ask: ask dpkg
        dpkg-query -W -f='${Status}' "$CJK_FONT" 2>/dev/null | grep -q "ok installed"
    fi
}

ensure_cjk_font() {
    has_cjk_font && return 0
    local log
    say "installing a Chinese font ($CJK_FONT), so the zh-TW page shows characters..."
    if ! can_be_root; then
        say "warning: not root and no sudo, so no Chinese font: the zh-TW page will show boxes" \
            "(as root: apt-get install $CJK_FONT). Carrying on."
        return 0
    fi
    log="$(mktemp "${TMPDIR:-/tmp}/bootstrap-apt.XXXXXX")"
    if apt_get_install "$log" "$CJK_FONT"; then
        say "installed $CJK_FONT"
    else
        tail -n 5 "$log" >&2
        say "warning: could not install $CJK_FONT (above; all of apt's output in $log): the" \
            "zh-TW page will show boxes. Carrying on."
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

rehash() { if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi; }

ensure_uv() {
    uv --version >/dev/null 2>&1 && return 0
    say "installing uv (pip install uv)..."
    local py312
    py312="$(find_python312)"
    # With .python-version = 3.12, pyenv's uv shim resolves to 3.12: install uv there first.
    if [ -n "$py312" ]; then
        "$py312" -m pip install -q uv || say "pip install uv with $py312 failed; trying python3"
        rehash
    fi
    if ! uv --version >/dev/null 2>&1; then
        python3 -m pip install -q uv || true
        rehash
    fi
    uv --version >/dev/null 2>&1 || die "could not install uv (try: python3 -m pip install uv)"
}

ensure_env() {
    say "installing Python packages (first time: a few minutes)..."
    local py312
    py312="$(find_python312)"
    uv sync --frozen --quiet ${py312:+-p "$py312"} || die "uv sync failed (above)"
}

ensure_assets() {
    command -v npm >/dev/null 2>&1 || apt_install "npm, to fetch the page's assets" npm
    say "fetching the page's assets..."
    local log
    log="$(mktemp "${TMPDIR:-/tmp}/bootstrap-assets.XXXXXX")"
    if bash scripts/solara-offline-assets.sh .venv/bin/python >"$log" 2>&1; then
        rm -f "$log"
        return 0
    fi
    cat "$log" >&2
    rm -f "$log"
    say "the asset step failed (above); trying once more..."
    bash scripts/solara-offline-assets.sh .venv/bin/python \
        || die "could not fetch the page's assets (above); is the npm registry reachable?"
}

ensure_chromium() {
    if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then
        # fonts-liberation: Latin text with the metrics the pages were laid out with
        apt_install "Debian's chromium for the browser tests" chromium fonts-liberation "$CJK_FONT"
    fi
}

setup() {
    ensure_uv
    ensure_env
    ensure_assets
    ensure_cjk_font
}

server_answers() (
    # Does an HTTP server answer on 127.0.0.1:$PORT? (bash's /dev/tcp: no curl needed)
    exec 3<>"/dev/tcp/127.0.0.1/$PORT" || exit 1
    printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$PORT" >&3
    status=""
    read -r -t 20 status <&3 || true
    [[ $status == HTTP/* ]]
)

announce_when_up() {
    # In the background: wait for the server's first answer, then say where to open it.
    local server=$$ i
    for ((i = 0; i < 1200; i++)); do # 10 minutes
        sleep 0.5
        kill -0 "$server" 2>/dev/null || return 0 # the server stopped
        if server_answers 2>/dev/null; then
            say "open http://127.0.0.1:$PORT in your browser (Ctrl-C stops the server)"
            return 0
        fi
    done
    say "warning: nothing answers on http://127.0.0.1:$PORT after 10 minutes (see above)"
}

job="${1:-view}"
[ "$#" -gt 0 ] && shift
case "$job" in
    setup)
        setup
        say "set-up done"
        ;;
    view)
        setup
        if server_answers 2>/dev/null; then
            die "something already answers on 127.0.0.1:$PORT; stop it or use another port:" \
                "PORT=8766 ./bootstrap.sh view"
        fi
        say "starting the live view..."
        # Solara warns about https-only cookies on a plain-http loopback server: not relevant here
        export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore:Cookies with samesite=none:UserWarning}"
        announce_when_up &
        # --no-check-version: Solara would otherwise ask pypi.org for a newer version at start
        exec uv run --no-sync solara run viz/app.py --host 127.0.0.1 --port "$PORT" --production \
            --no-check-version "$@"
        ;;
    test)
        ensure_chromium # first, so that one apt-get call brings the Chinese font too
        setup
        say "lint (ruff), formatting, import rules (import-linter), types (mypy)..."
        uv run --no-sync ruff check .
        uv run --no-sync ruff format --check .
        uv run --no-sync python scripts/lint_imports.py --cycles
        uv run --no-sync mypy
        say "tests (pytest, browser tests included)..."
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
