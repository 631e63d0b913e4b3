"""The live view's server: assets no request can delete, nothing phones home, sessions expire.

Most tests start the real server (``solara run viz/app.py``, through ``tests/serve_viz.py``,
which logs every attempt to reach another host and reports memory and live sessions) on a
free port in 19101-19199, bound to 127.0.0.1, and stop it afterwards.
"""

import contextlib
import gc
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

import pytest
import solara
import solara.server.settings as solara_settings

import viz.server
from viz.app import Page
from viz.session import Simulation

ROOT = Path(__file__).resolve().parent.parent
SERVE = Path(__file__).resolve().parent / "serve_viz.py"
PORTS = range(19101, 19200)
START_S = 180  # the first start compiles and imports a lot; two shared cores
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


# ---------------------------------------------------------------------- a real server
def free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 19101-19199")


@dataclass
class Server:
    """A running ``solara run viz/app.py``."""

    port: int
    proc: subprocess.Popen
    netlog: Path
    log: Path

    def request(self, method: str, path: str, timeout: float = 30) -> tuple[int, dict, bytes]:
        """One request with the path sent exactly as given (no normalising)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path)
            r = conn.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            conn.close()

    def stats(self) -> dict:
        """Memory, sessions and models alive in the server (``tests/serve_viz.py``)."""
        status, _, body = self.request("GET", "/_test/stats")
        assert status == 200, body
        return json.loads(body)

    def outbound(self) -> list[str]:
        """Every look-up of, or connection to, another host the server attempted."""
        return self.netlog.read_text(encoding="utf-8").splitlines()


@contextlib.contextmanager
def served(tmp_path: Path, *args: str, env: dict | None = None, drop: tuple = ()):
    """``solara run viz/app.py --host 127.0.0.1 --port P --no-open ARGS`` until the end."""
    port = free_port()
    netlog = tmp_path / f"net-{port}.log"
    netlog.write_text("", encoding="utf-8")
    log = tmp_path / f"server-{port}.log"
    full_env = {k: v for k, v in os.environ.items() if k not in drop}
    full_env.update(PYTHONWARNINGS="ignore", **(env or {}))
    cmd = [sys.executable, str(SERVE), str(netlog), "run", "viz/app.py"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--no-open", *args]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(port, proc, netlog, log)
    try:
        deadline = time.monotonic() + START_S
        while True:
            assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
            try:
                if server.request("GET", "/readyz", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
        yield server
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Ctrl-C (Solara's shutdown runs), then kill if it hangs."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------------- offline assets
def real_cache() -> Path:
    cache = Path(solara_settings.assets.proxy_cache_dir)
    if not (cache / "requirejs@2.3.6").is_dir():
        pytest.skip("no offline Solara assets: run ./bootstrap.sh setup")
    return cache


def link_copy(src: Path, dst: Path) -> None:
    """A private copy of the asset cache; hard links when possible (270 MB otherwise)."""
    try:
        shutil.copytree(src, dst, symlinks=True, copy_function=os.link)
    except (OSError, shutil.Error):
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(src, dst, symlinks=True)


def tree(root: Path) -> tuple[dict[str, int], set[str]]:
    """Every file (with its size) and every folder under ``root``."""
    files, dirs = {}, set()
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            dirs.add(os.path.relpath(os.path.join(dirpath, d), root))
        for f in filenames:
            p = os.path.join(dirpath, f)
            files[os.path.relpath(p, root)] = os.lstat(p).st_size
    return files, dirs


def test_cached_file_serves_regular_files_inside_the_cache_only(tmp_path, monkeypatch):
    cache = tmp_path / "cdn"
    (cache / "pkg@1.0.0" / "dist").mkdir(parents=True)
    (cache / "pkg@1.0.0" / "dist" / "a.js").write_text("a")
    (cache / "pkg@1.0.0" / "__main.js").write_text("main")
    (tmp_path / "secret.txt").write_text("secret")
    (cache / "out").symlink_to(tmp_path)
    (cache / "out.js").symlink_to(tmp_path / "secret.txt")
    monkeypatch.setattr(solara_settings.assets, "proxy_cache_dir", cache)
    assert viz.server.cached_file("pkg@1.0.0/dist/a.js")[0].endswith("a.js")
    assert viz.server.cached_file("pkg@1.0.0")[0].endswith("__main.js")  # as Solara does
    for bad in (
        "pkg@1.0.0/dist",  # a folder: Solara deleted it
        "pkg@1.0.0/dist/",
        "pkg@1.0.0/missing.js",  # missing: Solara fetched it
        "",
        "../secret.txt",
        "pkg@1.0.0/../../secret.txt",
        "/../secret.txt",
        "..\\secret.txt",
        "out/secret.txt",
        "out.js",
        "pkg@1.0.0/dist/a.js\x00.png",
    ):
        assert viz.server.cached_file(bad) == ("", None), bad
    assert sorted(p.name for p in (cache / "pkg@1.0.0").iterdir()) == ["__main.js", "dist"]


def test_the_app_replaces_solaras_asset_route_and_fetchers():
    import solara.server.cdn_helper as cdn_helper
    import solara.server.starlette as solara_starlette
    from starlette.routing import Mount

    import viz.app  # what `solara run viz/app.py` loads: it configures the server

    mounts = [
        r
        for r in solara_starlette.app.router.routes
        if isinstance(r, Mount) and r.path == "/_solara/cdn"
    ]
    assert len(mounts) == 1 and isinstance(mounts[0].app, viz.server.OfflineCdn)
    with pytest.raises(viz.server.OfflineAssetError):
        cdn_helper.fetch_from_cdn("https://cdn.jsdelivr.net/npm/left-pad@1.3.0/index.js")
    with pytest.raises(viz.server.OfflineAssetError):
        solara_starlette.get_path(solara_settings.assets.proxy_cache_dir, "vega@5.21.0/build")


@pytest.mark.slow
def test_a_get_on_a_cached_folder_deletes_nothing_fetches_nothing_and_serves_every_asset(
    tmp_path,
):
    cache = tmp_path / "cdn"
    link_copy(real_cache(), cache)
    secret = b"not-an-asset-7f3a"
    (tmp_path / "secret.txt").write_bytes(secret)
    (cache / "link-out").symlink_to(tmp_path)
    (cache / "link-secret.js").symlink_to(tmp_path / "secret.txt")
    files, dirs = tree(cache)
    assert "vega@5.21.0/build" in dirs and len(files) > 100
    env = {"SOLARA_ASSETS_PROXY_CACHE_DIR": str(cache)}
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"  # the test below is about telemetry
    with served(tmp_path, "--production", "--no-check-version", env=env) as server:
        # the request of the report, then every folder of the cache
        status, _, _ = server.request("GET", "/_solara/cdn/vega@5.21.0/build")
        assert status == 404
        assert (cache / "vega@5.21.0" / "build" / "vega.min.js").is_file()
        for d in sorted(dirs):
            assert server.request("GET", f"/_solara/cdn/{d}")[0] == 404, d
            assert server.request("GET", f"/_solara/cdn/{d}/")[0] == 404, d
        # a file that is not cached: Solara fetched it from cdn.jsdelivr.net
        assert server.request("GET", "/_solara/cdn/left-pad@1.3.0/index.js")[0] == 404
        assert server.request("GET", "/_solara/cdn/left-pad@1.3.0")[0] == 404
        assert tree(cache) == (files, dirs)  # nothing deleted, nothing written

        # every asset is still served: all of them by HEAD, the page's own in full
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        page_assets = ("@widgetti/", "requirejs@", "font-awesome@", "vega@5.21.0/build/")
        for rel, size in sorted(files.items()):
            if rel.startswith(("link-out", "link-secret")):
                continue
            full = rel.startswith(page_assets)
            conn.request("GET" if full else "HEAD", f"/_solara/cdn/{rel}")
            r = conn.getresponse()
            body = r.read()
            assert r.status == 200, rel
            assert int(r.getheader("content-length") or -1) == size, rel
            if full:
                assert body == (cache / rel).read_bytes(), rel
        conn.close()

        # path traversal stays refused
        for probe in (
            "/_solara/cdn/../secret.txt",
            "/_solara/cdn/%2e%2e/secret.txt",
            "/_solara/cdn/%2e%2e%2fsecret.txt",
            "/_solara/cdn/..%2fsecret.txt",
            "/_solara/cdn/..%5csecret.txt",
            "/_solara/cdn/vega@5.21.0/../../secret.txt",
            "/_solara/cdn/vega@5.21.0/%2e%2e/%2e%2e/secret.txt",
            "/_solara/cdn//etc/passwd",
            "/_solara/cdn/%2fetc%2fpasswd",
            "/_solara/cdn/link-out/secret.txt",
            "/_solara/cdn/link-secret.js",
        ):
            status, _, body = server.request("GET", probe)
            assert status in (400, 404), (probe, status)
            assert secret not in body and b"root:" not in body, probe
        assert tree(cache)[1] == dirs
        assert server.outbound() == []


# ---------------------------------------------------------------------- telemetry
NO_TELEMETRY = ("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "PYTEST_CURRENT_TEST")


@pytest.mark.slow
def test_solara_run_viz_app_directly_sends_nothing_to_other_hosts(tmp_path):
    """The documented command, in development mode, with no telemetry variable set."""
    env = {"SOLARA_HOME": str(tmp_path / "solara-home")}  # no "already checked" flag file
    with served(tmp_path, "--no-check-version", env=env, drop=NO_TELEMETRY) as server:
        status, _, page = server.request("GET", "/")
        assert status == 200 and b"<html" in page.lower()
        assert b"solara.dev/static/public/success.html" not in page  # the check <iframe>
        time.sleep(3)  # telemetry would have started at server start
        stop(server.proc)
        assert server.outbound() == []


@pytest.mark.slow
def test_the_version_check_is_what_no_check_version_switches_off(tmp_path):
    """Control: the observer does see an outbound attempt (Solara's PyPI look-up)."""
    env = {"SOLARA_HOME": str(tmp_path / "solara-home")}
    with served(tmp_path, "--production", env=env, drop=NO_TELEMETRY) as server:
        stop(server.proc)
        attempts = server.outbound()
    lookups = [a for a in attempts if a.startswith("socket.getaddrinfo")]
    assert lookups and set(lookups) == {"socket.getaddrinfo 'pypi.org'"}, attempts


def test_importing_the_app_switches_telemetry_off_and_sets_the_session_timeout(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in NO_TELEMETRY}
    env["SOLARA_HOME"] = str(tmp_path / "solara-home")  # no "already checked" flag file
    env.pop(viz.server.SESSION_TIMEOUT_ENV, None)
    env.pop("SOLARA_KERNEL_CULL_TIMEOUT", None)
    code = (
        "import solara.server.settings as s, solara.checks as c\n"
        "before = (s.telemetry.mixpanel_enable, s.kernel.cull_timeout)\n"
        "import viz.app\n"
        "print(before, (s.telemetry.mixpanel_enable, s.kernel.cull_timeout,"
        " c.should_perform_solara_check()))\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "PYTHONWARNINGS": "ignore"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "(True, '24h') (False, '1h', False)"


# ---------------------------------------------------------------------- session expiry
@pytest.fixture
def timeout_env(monkeypatch):
    monkeypatch.delenv(viz.server.SESSION_TIMEOUT_ENV, raising=False)
    monkeypatch.delenv("SOLARA_KERNEL_CULL_TIMEOUT", raising=False)
    monkeypatch.setattr(solara_settings.kernel, "cull_timeout", "24h")
    return monkeypatch


def test_idle_sessions_expire_after_an_hour_by_default(timeout_env):
    assert viz.server.configure_sessions() == 3600
    assert solara_settings.kernel.cull_timeout == "1h"


def test_the_session_timeout_setting(timeout_env):
    timeout_env.setenv(viz.server.SESSION_TIMEOUT_ENV, "30m")
    assert viz.server.configure_sessions() == 1800
    assert solara_settings.kernel.cull_timeout == "30m"


def test_solaras_own_cull_timeout_is_respected_when_set(timeout_env):
    timeout_env.setenv("SOLARA_KERNEL_CULL_TIMEOUT", "2h")
    timeout_env.setattr(solara_settings.kernel, "cull_timeout", "2h")  # as Solara read it
    assert viz.server.configure_sessions() == 7200


@pytest.mark.parametrize("value", ["soon", "0", "-5m", "1x"])
def test_a_bad_session_timeout_is_one_line_naming_the_setting(timeout_env, value):
    timeout_env.setenv(viz.server.SESSION_TIMEOUT_ENV, value)
    with pytest.raises(ValueError) as e:
        viz.server.configure_sessions()
    assert "\n" not in str(e.value) and viz.server.SESSION_TIMEOUT_ENV in str(e.value)
    assert solara_settings.kernel.cull_timeout == "24h"  # unchanged


def test_a_closed_simulation_frees_its_model():
    sim = Simulation()
    sim.step()
    model = weakref.ref(sim.model)
    generation = sim.generation
    sim.close()
    gc.collect()
    assert model() is None
    assert not sim.step() and not sim.step(generation)  # a late Play loop steps nothing
    sim.close()  # idempotent


def test_closing_the_page_frees_its_model_even_if_the_simulation_is_still_held(monkeypatch):
    import viz.app

    sims = []  # held here as a Play loop finishing its step would hold it

    class Recorded(Simulation):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            sims.append(self)

    monkeypatch.setattr(viz.app, "Simulation", Recorded)
    _, rc = solara.render(Page(), handle_error=False)
    assert len(sims) == 1
    model = weakref.ref(sims[0].model)
    rc.close()  # what Solara does when a session is closed or expires
    gc.collect()
    assert model() is None and sims[0].closed


SESSIONS = 5
MONTHS = 12
CYCLES = 3
RSS_MARGIN_MB = 8.0  # five open sessions add about 20 MB; each closed cycle left ~0.4 MB


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium)")
def test_tabs_closed_abruptly_expire_and_memory_returns_near_its_baseline(tmp_path, browser):
    timeout_s = 5
    env = {viz.server.SESSION_TIMEOUT_ENV: f"{timeout_s}s"}
    with served(tmp_path, "--production", "--no-check-version", env=env) as server:
        base_url = f"http://127.0.0.1:{server.port}/"

        def cycle() -> tuple[dict, dict]:
            tabs = []
            for _ in range(SESSIONS):
                context = browser.new_context()
                # closed abruptly: the page's goodbye (a beacon to /_solara/api/close when the
                # page hides) never leaves, as when the browser crashes or is killed, or the
                # machine sleeps (blocking the request with context.route does not: Playwright
                # lets the beacon through while the context closes)
                context.add_init_script("navigator.sendBeacon = () => true;")
                page = context.new_page()
                page.goto(base_url)
                page.get_by_test_id("month-counter").wait_for(timeout=90_000)
                tabs.append((context, page))
            for m in range(1, MONTHS + 1):
                for _, page in tabs:
                    page.locator(".aiv-step").click()
                for _, page in tabs:
                    page.wait_for_selector(
                        f'[data-testid="month-counter"][data-month="{m}"]', timeout=60_000
                    )
            during = server.stats()
            assert (during["kernels"], during["simulations"], during["models"]) == (5, 5, 5)
            closed_at = time.monotonic()
            for context, _ in tabs:
                context.close()
            kept = server.stats()
            if time.monotonic() - closed_at < timeout_s - 1:
                assert kept["kernels"] == SESSIONS  # not closed at once: they expire
            deadline = time.monotonic() + timeout_s + 90
            while server.stats()["kernels"] and time.monotonic() < deadline:
                time.sleep(0.5)
            time.sleep(viz.server.TRIM_DELAY_S + 2)  # the memory release after the last close
            after = server.stats()
            assert (after["kernels"], after["simulations"], after["models"]) == (0, 0, 0)
            return during, after

        start = server.stats()
        _, warm = cycle()  # the first sessions import and build caches: the baseline is after
        figures = [("start", start), ("after warm-up", warm)]
        for i in range(CYCLES):
            during, after = cycle()
            figures += [(f"cycle {i + 1}: 5 open", during), (f"cycle {i + 1}: expired", after)]
        mb = 1024 * 1024
        print()
        for name, s in figures:
            print(f"{name:22s} RSS {s['rss'] / mb:7.1f} MiB, Python blocks {s['blocks']:,}")
        grown = (after["rss"] - warm["rss"]) / mb
        print(f"RSS after {CYCLES} more cycles of {SESSIONS} sessions: {grown:+.1f} MiB")
        assert grown < RSS_MARGIN_MB
        assert after["blocks"] < warm["blocks"] * 1.02  # Python objects are not piling up
        assert server.outbound() == []
