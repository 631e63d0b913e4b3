"""Every word the simulator shows, as data: English and Traditional Chinese.

* ``text/strings.toml``: the live view's and the lessons' strings, one table per key with
  ``en`` and ``zh-TW``, read with :func:`tr`.
* ``text/events.toml``: one template per event kind (``event_<kind>``) and default reason
  (``reason_<reason>``) in each language, read by ``economy/observation/events.py``; and the
  phrases the model writes into events (:func:`phrase`).
* :mod:`text.formats`: months, US$ amounts and units in each language.

This package sits low in the import layers (beside ``params``), so the model may read the
English event templates for its event log; it imports nothing of the project.
"""

from text.catalogue import (
    EN,
    LANGS,
    LANGUAGES,
    PHRASES,
    TEXT,
    ZH,
    TextError,
    has,
    phrase,
    placeholders,
    template,
    tr,
)
from text.formats import money, month_label, unit

__all__ = [
    "EN",
    "LANGS",
    "LANGUAGES",
    "PHRASES",
    "TEXT",
    "ZH",
    "TextError",
    "has",
    "money",
    "month_label",
    "phrase",
    "placeholders",
    "template",
    "tr",
    "unit",
]
