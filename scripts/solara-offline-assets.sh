#!/usr/bin/env bash
# scripts/solara-offline-assets.sh - fill Solara's CDN proxy cache from the npm registry, so
# that the live view (and its browser tests) work with no internet. Without it the page stays
# blank: the server tries cdn.jsdelivr.net, retries for ~7 s per file, then answers 404.
# Adapted from the tested script the project was given (tools/solara-offline-assets.sh).
#
# Usage (from the project root; ./bootstrap.sh calls it):
#   bash scripts/solara-offline-assets.sh [PYTHON [ARGS...]]
#     PYTHON  the interpreter whose solara gets the assets, e.g. .venv/bin/python
#             or `uv run python`.  Default: `uv run python` if ./pyproject.toml
#             exists and uv is on PATH, else python3.
#
# Which npm packages: read from the *installed* solara package (templates, .vue
# and .py files that build `{{cdn}}/<pkg>@<ver>/...` or `${this.getCdn()}/...`
# URLs) plus settings.assets.fontawesome_path, so a solara upgrade is picked up
# without editing this script.  The list it found is printed.
#
# Environment:
#   SOLARA_ASSETS_PROXY_CACHE_DIR  Solara's own setting; the script asks solara
#                                  for the resolved dir (default
#                                  <sys.prefix>/share/solara/cdn)
#   SOLARA_OFFLINE_NPM_CACHE       where npm tarballs are kept
#                                  (default ${XDG_CACHE_HOME:-$HOME/.cache}/solara-offline-assets)
#   SOLARA_OFFLINE_EXTRA           extra npm specs, space separated (pkg@ver)
#   SOLARA_OFFLINE_SKIP            extended regex; matching specs are skipped
#                                  (e.g. 'solara-vuetify3-app|echarts|milkdown|codemirror'
#                                  saves ~125 MB; keep katex+mermaid: solara.Markdown loads them)
#   SOLARA_OFFLINE_MIN_SOLARA      fail if solara is older than this (default 1.30.0)
# Also touches $SOLARA_HOME/.solara_checked (default ~/.solara) so dev-mode pages
# do not embed the solara.dev check iframe.
# Idempotent: a package already unpacked (marker file .solara-offline) is skipped,
# so a second run costs only the python start-up (~1-2 s).
set -euo pipefail

say() { printf '[solara-offline-assets] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

if [ "$#" -gt 0 ]; then
    PY=("$@")
elif [ -f pyproject.toml ] && uv --version >/dev/null 2>&1; then
    PY=(uv run python)
else
    PY=(python3)
fi

if ! command -v npm >/dev/null 2>&1; then
    die "npm not found. Install it first:  apt-get update && apt-get install -y npm
   (Debian's npm 9 is enough; or nodejs from NodeSource, which ships npm)."
fi

NPM_CACHE="${SOLARA_OFFLINE_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/solara-offline-assets}"
mkdir -p "$NPM_CACHE"

# --- ask the installed solara what it needs ------------------------------------
PLAN="$(mktemp)"
trap 'rm -f "$PLAN"' EXIT
"${PY[@]}" - >"$PLAN" <<'PYEOF' || die "could not inspect solara with: ${PY[*]} (is solara installed there?)"
import os, re, sys, pathlib
try:
    import solara
    import solara.server.settings as ss
except Exception as e:  # noqa
    print(f"ERR cannot import solara: {e!r}")
    sys.exit(0)
print("VERSION", solara.__version__)
print("PREFIX", sys.prefix)
print("CACHE", str(ss.assets.proxy_cache_dir))
try:  # dev-mode pages embed an iframe to solara.dev until this flag file exists
    from solara.util import get_solara_home
    flag = get_solara_home() / ".solara_checked"
    flag.parent.mkdir(parents=True, exist_ok=True)
    flag.touch()
except Exception as e:  # noqa
    print("WARN could not write solara check flag:", e)
root = pathlib.Path(solara.__file__).parent
skip_dirs = {"website", "template", "__pycache__", "static"}
url_re = re.compile(
    r"""(?:getCdn\(\)\}|\{\{\s*cdn\s*\}\})/"""           # ${this.getCdn()}/  or  {{cdn}}/
    r"""((?:@[\w.-]+/)?[\w.-]+@[^/\s"'`]+)"""              # pkg@ver or @scope/pkg@ver
    r"""((?:/[^\s"'`)]*)?)""")                             # /path/in/package
var_re = re.compile(r"""(?:const|let|var)\s+(\w+)\s*=\s*["']([^"']+)["']""")
found = {}
for f in sorted(root.rglob("*")):
    if f.suffix not in (".vue", ".py", ".j2", ".html") or skip_dirs & set(f.relative_to(root).parts[:-1]):
        continue
    text = f.read_text(encoding="utf8", errors="replace")
    if "getCdn()" not in text and "cdn}}" not in text.replace(" ", ""):
        continue
    local = dict(var_re.findall(text))
    for spec, path in url_re.findall(text):
        spec = re.sub(r"\$\{(\w+)\}", lambda m: local.get(m.group(1), m.group(0)), spec)
        path = re.sub(r"\$\{(\w+)\}", lambda m: local.get(m.group(1), m.group(0)), path)
        if "${" in spec or "{{" in spec:
            print("WARN unresolved spec", spec, "in", f.relative_to(root))
            continue
        paths = [path.replace("{{ipywidget_major_version}}", v) for v in ("7", "8")] if "{{" in path else [path]
        found.setdefault(spec, set()).update(p for p in paths if p and "${" not in p and "{{" not in p)
fa = ss.assets.fontawesome_path  # e.g. /font-awesome@4.5.0/css/font-awesome.min.css
m = re.match(r"/((?:@[\w.-]+/)?[\w.-]+@[^/]+)(/.*)", fa or "")
if ss.assets.fontawesome_enabled and m:
    found.setdefault(m.group(1), set()).add(m.group(2))
for spec in os.environ.get("SOLARA_OFFLINE_EXTRA", "").split():
    found.setdefault(spec, set())
for spec in sorted(found):
    print("SPEC", spec, " ".join(sorted(found[spec])))
PYEOF

grep -q '^ERR' "$PLAN" && die "$(sed -n 's/^ERR //p' "$PLAN") (python: ${PY[*]})"
sed -n 's/^WARN //p' "$PLAN" | while read -r msg; do say "warning: $msg"; done
VERSION="$(awk '$1=="VERSION"{print $2}' "$PLAN")"
CACHE="$(awk '$1=="CACHE"{print $2}' "$PLAN")"
[ -n "$VERSION" ] && [ -n "$CACHE" ] || die "could not read solara version / cache dir from: ${PY[*]}"

MIN="${SOLARA_OFFLINE_MIN_SOLARA:-1.30.0}"
if [ "$(printf '%s\n%s\n' "$MIN" "$VERSION" | sort -V | head -1)" != "$MIN" ]; then
    die "solara $VERSION is older than $MIN; this script reads the asset list from solara's source and was made for solara 1.64.x"
fi
NSPEC="$(grep -c '^SPEC ' "$PLAN" || true)"
for core in '@widgetti/solara-vuetify-app@' 'requirejs@' 'font-awesome@'; do
    grep -q "^SPEC $core" "$PLAN" || die "solara $VERSION: no '${core}...' URL found in its source. Solara changed how it builds CDN URLs; update the regex in this script (it was checked against solara 1.64.1)."
done
[ "$VERSION" = 1.64.1 ] || say "note: the package list is read from solara $VERSION's source; this script was checked against 1.64.1 - compare the list below with a real page load (server log: 'Could not load URL')"
say "solara $VERSION, cache dir $CACHE, $NSPEC npm packages"
mkdir -p "$CACHE"

# --- which ones still need work ----------------------------------------------
TODO=()
CACHED=()
while read -r tag spec _; do
    [ "$tag" = SPEC ] || continue
    if [ -n "${SOLARA_OFFLINE_SKIP:-}" ] && [[ "$spec" =~ $SOLARA_OFFLINE_SKIP ]]; then
        say "skip (SOLARA_OFFLINE_SKIP): $spec"; continue
    fi
    if [ -f "$CACHE/$spec/.solara-offline" ]; then
        CACHED+=("$spec")
    else
        TODO+=("$spec")
    fi
done <"$PLAN"
[ "${#CACHED[@]}" -eq 0 ] || say "already there: ${CACHED[*]}"

# --- npm pack (one npm call for all missing tarballs) -------------------------
if [ "${#TODO[@]}" -gt 0 ]; then
    PACK=()
    for spec in "${TODO[@]}"; do
        key="$(printf '%s' "$spec" | tr '/@' '__')"
        if [ -f "$NPM_CACHE/$key.tgz" ]; then continue; fi
        PACK+=("$spec")
    done
    if [ "${#PACK[@]}" -gt 0 ]; then
        say "npm pack ${PACK[*]}"
        JSON="$NPM_CACHE/.last-pack.json"
        (cd "$NPM_CACHE" && npm pack --json --silent "${PACK[@]}") >"$JSON" \
            || die "npm pack failed (registry reachable? try: npm view ${PACK[0]} version)"
        # map each asked spec to its tarball by package name (npm keeps the order, but be safe)
        node -e '
            const out = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
            const used = new Set();
            for (const spec of process.argv.slice(2)) {
                const name = spec.slice(0, spec.lastIndexOf("@"));
                const k = out.findIndex((e, j) => !used.has(j) && e.name === name);
                if (k < 0) { console.error("no tarball for " + spec); process.exit(1); }
                used.add(k); console.log(out[k].filename + " " + out[k].version);
            }' "$JSON" "${PACK[@]}" >"$JSON.map" || die "could not read npm pack output $JSON"
        i=0
        while read -r fname version; do
            key="$(printf '%s' "${PACK[$i]}" | tr '/@' '__')"
            mv -f "$NPM_CACHE/$fname" "$NPM_CACHE/$key.tgz"
            printf '%s\n' "$version" >"$NPM_CACHE/$key.version"
            i=$((i + 1))
        done <"$JSON.map"
        [ "$i" -eq "${#PACK[@]}" ] || die "npm pack returned $i tarballs for ${#PACK[@]} specs"
    fi

    # --- unpack into <cache>/<spec>/ (the URL path Solara asks for) -------------
    for spec in "${TODO[@]}"; do
        key="$(printf '%s' "$spec" | tr '/@' '__')"
        dest="$CACHE/$spec"
        tmp="$(mktemp -d "$CACHE/.unpack.XXXXXX")"
        tar -xzf "$NPM_CACHE/$key.tgz" -C "$tmp" --no-same-owner
        top="$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -1)"   # usually package/
        chmod -R u+rwX,go+rX "$top"
        rm -rf "$dest"
        mkdir -p "$(dirname "$dest")"
        mv "$top" "$dest"
        rm -rf "$tmp"
        cat "$NPM_CACHE/$key.version" >"$dest/.solara-offline"
        say "unpacked: $spec -> $(cat "$dest/.solara-offline")"
    done
fi

# --- check every file solara refers to; jsDelivr minifies on the fly, npm does not
missing=0
while read -r tag spec files; do
    [ "$tag" = SPEC ] || continue
    [ -d "$CACHE/$spec" ] || continue
    for f in $files; do
        p="$CACHE/$spec$f"
        [ -e "$p" ] && continue
        alt="$(printf '%s' "$p" | sed -E 's/\.min\.(js|css)$/.\1/')"
        if [ "$alt" != "$p" ] && [ -e "$alt" ]; then
            cp "$alt" "$p"; say "made $spec$f from the unminified file"
        else
            say "warning: $spec$f is not in the npm package"; missing=$((missing + 1))
        fi
    done
done <"$PLAN"
say "done: $CACHE ($(du -sh "$CACHE" | cut -f1)); $missing referenced file(s) missing"
