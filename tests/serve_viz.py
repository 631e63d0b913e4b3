"""Serve the live view with ``solara run`` for the server tests, watching what the server does.

::

    python tests/serve_viz.py NETLOG run viz/app.py --host 127.0.0.1 --port 19100 ...

Runs Solara's own command line (what the ``solara`` script runs) with the arguments after
NETLOG, plus two observers that change nothing the page does:

* every attempt of this process to reach another host (a DNS look-up, or a connection to an
  address that is not loopback), as Python's audit hooks see it, is appended to NETLOG, one
  line each;
* ``GET /_test/stats`` answers, after a full garbage collection, the server's resident
  memory, its allocated Python memory blocks, its live Solara kernels (sessions), and its
  live ``Simulation`` and ``AIBubbleModel`` objects.
"""

from __future__ import annotations

import gc
import ipaddress
import os
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL_NAMES = {"localhost", "localhost.localdomain", ""}


def _is_local(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host).strip("[]")
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        addr = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return addr.is_loopback or addr.is_unspecified


def watch_network(log_path: str) -> None:
    """Log every look-up of, or connection to, a host that is not this machine."""
    log = open(log_path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 - lives as long as the process

    def hook(event: str, args: tuple) -> None:
        try:
            if event == "socket.getaddrinfo":
                host = args[0]
            elif event == "socket.connect":
                sock, address = args[0], args[1]
                if sock.family not in (socket.AF_INET, socket.AF_INET6):
                    return
                host = address[0]
            else:
                return
            if not _is_local(host):
                log.write(f"{event} {host!r}\n")
        except Exception as e:  # an observer must never break the server
            log.write(f"hook error {e!r}\n")

    sys.addaudithook(hook)


def _count(module: str, name: str) -> int:
    return sum(
        1 for o in gc.get_objects() if type(o).__name__ == name and type(o).__module__ == module
    )


async def stats(request):
    """Memory, sessions and models alive, after a full collection."""
    import psutil
    import solara.server.kernel_context as kernel_context
    from starlette.responses import JSONResponse

    gc.collect()
    return JSONResponse(
        {
            "rss": psutil.Process().memory_info().rss,
            "blocks": sys.getallocatedblocks(),
            "kernels": len(kernel_context.contexts),
            "simulations": _count("viz.session", "Simulation"),
            "models": _count("model", "AIBubbleModel"),
        }
    )


def main() -> None:
    """``serve_viz.py NETLOG ARGS...``: ``solara ARGS...`` with the observers."""
    log_path, args = sys.argv[1], sys.argv[2:]
    watch_network(log_path)
    os.chdir(ROOT)
    if "run" in args:  # the app Solara's server module reads when first imported
        os.environ["SOLARA_APP"] = args[args.index("run") + 1]
    import solara.server.starlette as solara_starlette
    from starlette.routing import Route

    solara_starlette.app.router.routes.insert(0, Route("/_test/stats", stats))
    from solara.__main__ import main as solara_main

    sys.argv = ["solara", *args]
    solara_main()


if __name__ == "__main__":
    main()
