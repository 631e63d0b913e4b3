"""Compiled imports for pool workers, kept even where writing bytecode is turned off.

Imported first by the process pool's fork server (``parallel.backends``), nowhere else.
Where the environment forbids writing bytecode next to the sources
(``PYTHONDONTWRITEBYTECODE``), every new interpreter compiles numpy, pandas, scipy and
mesa again: several seconds before a pool's first run, which on a short sweep costs more
than the second worker gains. The fork server instead keeps the compiled files under the
virtual environment (``<sys.prefix>/pycache``, never in the project's folders), so a pool
starts in about a second from the second sweep on. Nothing changes where bytecode is
written as usual, and a folder that cannot be written is simply not used.
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.dont_write_bytecode and sys.pycache_prefix is None:
    sys.pycache_prefix = str(Path(sys.prefix) / "pycache")
    sys.dont_write_bytecode = False
