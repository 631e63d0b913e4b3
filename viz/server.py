"""The live view's server set-up: safe offline assets, no telemetry, idle sessions expire.

:func:`configure` runs at the top of ``viz/app.py``, so it applies however the page is
served (``solara run viz/app.py``, ``./bootstrap.sh view``, the test server). It changes
three things in the Solara server of this process:

* **Offline assets.** Solara's route ``/_solara/cdn/<path>`` (Solara 1.64.1,
  ``solara/server/cdn_helper.py``, ``get_path``) calls ``shutil.rmtree`` on a cached path
  that is a directory and then fetches it from the public CDN, so a plain ``GET`` (from any
  web page the user visits, at 127.0.0.1) deletes the page's assets. The route is replaced
  by :class:`OfflineCdn`, which serves regular files inside
  ``solara.server.settings.assets.proxy_cache_dir`` and answers 404 to everything else: it
  never deletes, never writes, never fetches. Solara's own fetch and lookup functions are
  replaced too, so no other path through Solara can reach the CDN. See
  ``docs/security.md``.
* **No telemetry.** Solara's Mixpanel events (and the IP look-up they start with) and the
  development-mode check ``<iframe>`` to solara.dev are switched off. Solara's command-line
  version check runs before the app is loaded: ``--no-check-version`` switches it off
  (``docs/view.md``).
* **Idle sessions expire.** A tab closed without saying goodbye (a crash, a killed
  browser, a lost network) leaves its session, and its model, on the server until Solara
  culls it: after 24 hours by default. Here a session expires
  :data:`DEFAULT_SESSION_TIMEOUT` after its last tab went; ``AI_BUBBLE_SESSION_TIMEOUT``
  (e.g. ``30m``, ``2h``, ``90s``) changes it.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import solara.checks
import solara.server.cdn_helper as cdn_helper
import solara.server.settings as settings
import solara.server.starlette as solara_starlette
import solara.util
from starlette.routing import BaseRoute, Mount

CDN_PREFIX = f"/{cdn_helper.cdn_url_path}"  # /_solara/cdn
SESSION_TIMEOUT_ENV = "AI_BUBBLE_SESSION_TIMEOUT"
DEFAULT_SESSION_TIMEOUT = "1h"
SOLARA_DEFAULT_CULL_TIMEOUT = "24h"

_lock = threading.Lock()


class OfflineAssetError(LookupError):
    """An asset that is not in the offline cache: the server never fetches it."""


def cache_dir() -> Path:
    """Solara's asset cache folder (``SOLARA_ASSETS_PROXY_CACHE_DIR``), resolved."""
    return Path(settings.assets.proxy_cache_dir).resolve()


def cached_file(path: str) -> tuple[str, os.stat_result | None]:
    """The cached regular file for an asset path, or ``("", None)``; never writes anything.

    Like Solara, a path of one part (``pkg@1.2.3``) stands for that package's main file
    (``pkg@1.2.3/__main.js``). Anything that resolves (``..``, symbolic links) outside the
    cache folder, a folder, or a missing file is ``("", None)``: a 404.
    """
    root = cache_dir()
    path = path.replace("\\", "/").lstrip("/")
    if not path or "\x00" in path:
        return "", None
    if len(path.split("/")) == 1:
        path = f"{path}/__main.js"
    try:
        full = (root / path).resolve()
    except (OSError, RuntimeError):  # a symlink loop, a name too long
        return "", None
    if root not in full.parents:
        return "", None
    try:
        st = os.stat(full)
    except (OSError, ValueError):
        return "", None
    if not stat.S_ISREG(st.st_mode):
        return "", None
    return str(full), st


class OfflineCdn(solara_starlette.StaticCdn):
    """``/_solara/cdn/<path>`` from the offline cache only: read-only, no network.

    Keeps everything else of Solara's ``StaticCdn`` (compressed responses, ETags, the
    ``immutable`` cache header for exact versions, the optional login).
    """

    def __init__(self) -> None:
        super().__init__(directory=None, check_dir=False)

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        """The cached file, or nothing (a 404)."""
        return cached_file(path)

    async def check_config(self) -> None:
        """A missing cache folder gives 404s, not a server error."""


def _refuse_fetch(url, *args, **kwargs) -> bytes:
    raise OfflineAssetError(f"not in the offline asset cache, and never fetched: {url}")


def _safe_get_path(base_cache_dir, path) -> Path:
    del base_cache_dir  # always Solara's setting, as the route uses
    full, st = cached_file(str(path))
    if st is None:
        raise OfflineAssetError(f"not in the offline asset cache: {path}")
    return Path(full)


def _safe_get_data(base_cache_dir, path) -> bytes:
    return _safe_get_path(base_cache_dir, path).read_bytes()


def install_offline_cdn(app=None) -> OfflineCdn:
    """Serve ``/_solara/cdn`` with :class:`OfflineCdn` in ``app`` (Solara's Starlette app).

    Replaces Solara's mount in place (or adds one when Solara has none, e.g. with
    ``SOLARA_ASSETS_PROXY=False``), and makes Solara's own fetch/lookup helpers read-only
    and offline. Idempotent.
    """
    app = app if app is not None else solara_starlette.app
    cdn_helper.fetch_from_cdn = _refuse_fetch
    cdn_helper.get_path = _safe_get_path
    cdn_helper.get_data = _safe_get_data
    solara_starlette.get_path = _safe_get_path
    routes: list[BaseRoute] = app.router.routes
    with _lock:
        for i, route in enumerate(routes):
            if isinstance(route, Mount) and route.path == CDN_PREFIX:
                if isinstance(route.app, OfflineCdn):
                    return route.app
                cdn = OfflineCdn()
                routes[i] = Mount(CDN_PREFIX, app=cdn)
                return cdn
        cdn = OfflineCdn()
        routes.insert(0, Mount(CDN_PREFIX, app=cdn))
        return cdn


def disable_telemetry() -> None:
    """No Mixpanel events and no check ``<iframe>`` to solara.dev, from this process on."""
    settings.telemetry.mixpanel_enable = False
    # a server restarted by `solara run -a` reads its settings again from the environment
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    solara.checks.should_perform_solara_check = lambda: False


def session_timeout() -> tuple[str, float]:
    """How long a session whose tab is gone lives: the setting as given, and in seconds.

    :data:`SESSION_TIMEOUT_ENV` (e.g. ``30m``, ``2h``, ``90s``) if set; else Solara's own
    ``SOLARA_KERNEL_CULL_TIMEOUT`` if that was set (environment or ``.env``); else
    :data:`DEFAULT_SESSION_TIMEOUT`.

    Raises:
        ValueError: a value that is not a positive duration (one line, naming the setting).
    """
    name, value = SESSION_TIMEOUT_ENV, os.environ.get(SESSION_TIMEOUT_ENV, "").strip()
    if not value:
        name, value = "SOLARA_KERNEL_CULL_TIMEOUT", str(settings.kernel.cull_timeout)
        if value == SOLARA_DEFAULT_CULL_TIMEOUT:  # Solara's default: not chosen by anyone
            name, value = "the default", DEFAULT_SESSION_TIMEOUT
    try:
        seconds = solara.util.parse_timedelta(value)
    except ValueError:
        seconds = float("nan")
    if not seconds > 0:
        raise ValueError(
            f"{name}={value!r} is not a session timeout: give a positive duration such as "
            "90s, 30m, 1h or 1d"
        )
    return value, seconds


def configure_sessions() -> float:
    """Let Solara cull a session this long after its last tab went; returns the seconds.

    Solara reads ``kernel.cull_timeout`` each time a session loses its last tab, so this
    applies to every session of the server. Culling closes the session's page, which
    frees its :class:`~viz.session.Simulation` and model.
    """
    value, seconds = session_timeout()
    settings.kernel.cull_timeout = value
    return seconds


# After a session closes, Python frees its objects but the C allocator keeps their pages:
# the server's memory stayed at its peak when five sessions expired. A garbage collection
# and malloc_trim() a moment after the last close of a burst give the pages back (about
# 4 MiB for five 12-month sessions; figures in docs/view.md).
TRIM_DELAY_S = 2.0  # after Solara's own collection (1 s after a close)
_trim_pending = False
_trim_registered = False


def _libc_malloc_trim():
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim  # glibc only; elsewhere nothing to do
    except (OSError, AttributeError):
        return None


def release_memory() -> None:
    """Collect garbage and hand the allocator's free pages back to the system (glibc)."""
    import gc

    gc.collect()
    trim = _libc_malloc_trim()
    if trim is not None:
        trim(0)


def _release_memory_soon() -> None:
    global _trim_pending
    with _lock:
        if _trim_pending:
            return
        _trim_pending = True

    def run() -> None:
        global _trim_pending
        time.sleep(TRIM_DELAY_S)
        with _lock:
            _trim_pending = False
        release_memory()

    thread = threading.Thread(target=run, daemon=True, name="aiv-release-memory")
    # outside the closing session: Solara looks for a kernel context on the thread
    thread.current_context = None  # type: ignore[attr-defined]  # reason: Solara's attribute
    thread.start()


def release_memory_after_sessions() -> None:
    """After each session closes (tab closed, or expired), give its memory back. Idempotent."""
    global _trim_registered
    import solara.lab

    with _lock:
        if _trim_registered:
            return
        _trim_registered = True

    def on_start():
        return _release_memory_soon  # called when that session closes

    solara.lab.on_kernel_start(on_start)


def configure(app=None) -> None:
    """Everything above, for Solara's app (idempotent; ``viz/app.py`` calls it)."""
    disable_telemetry()
    install_offline_cdn(app)
    configure_sessions()
    release_memory_after_sessions()


__all__ = [
    "DEFAULT_SESSION_TIMEOUT",
    "SESSION_TIMEOUT_ENV",
    "OfflineCdn",
    "cached_file",
    "configure",
    "configure_sessions",
    "disable_telemetry",
    "install_offline_cdn",
    "release_memory",
    "release_memory_after_sessions",
    "session_timeout",
]
