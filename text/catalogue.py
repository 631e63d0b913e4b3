"""The string catalogue: ``strings.toml`` and ``events.toml`` read once, checked, looked up.

Each key is a table with one string per language of :data:`LANGS`; nothing else is allowed,
so a missing translation fails when the package is imported (and in ``tests/test_text.py``,
which also checks that both languages have the same placeholders).
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

EN = "en"
ZH = "zh-TW"
LANGS = (EN, ZH)
LANGUAGES: dict[str, str] = {EN: "English", ZH: "繁體中文"}

FOLDER = Path(__file__).resolve().parent
FILES = (FOLDER / "strings.toml", FOLDER / "events.toml")

# Prefixes of keys built from a name (a parameter, an account, a flow kind...): an unknown
# one falls back to the name itself, so a new account or column still shows up.
_PREFIXES = {"acct", "node", "unit", "flow", "ev", "sector", "prov", "knob", "doc", "regime"}


class TextError(ValueError):
    """A malformed string file: the message names the file and the key."""


def _entry(path: Path, key: str, value: object) -> dict[str, str]:
    if not isinstance(value, dict) or set(value) != set(LANGS):
        raise TextError(f"{path.name}: [{key}] must have exactly {' and '.join(LANGS)}")
    if not all(isinstance(v, str) and v for v in value.values()):
        raise TextError(f"{path.name}: [{key}]: every language needs a non-empty string")
    return {lang: value[lang] for lang in LANGS}


def load(files: tuple[Path, ...] = FILES) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Read the string files: (key -> language -> text, English phrase -> Chinese)."""
    text: dict[str, dict[str, str]] = {}
    phrases: dict[str, str] = {}
    for path in files:
        with path.open("rb") as f:
            data = tomllib.load(f)
        for i, item in enumerate(data.pop("phrase", [])):
            entry = _entry(path, f"phrase {i + 1}", item)
            phrases[entry[EN]] = entry[ZH]
        for key, value in data.items():
            if key in text:
                raise TextError(f"{path.name}: [{key}] is defined twice")
            text[key] = _entry(path, key, value)
    return text, phrases


_TEXT, _PHRASES = load()
TEXT: Mapping[str, Mapping[str, str]] = MappingProxyType(_TEXT)
PHRASES: Mapping[str, str] = MappingProxyType(_PHRASES)


def _lang(lang: str) -> str:
    return ZH if lang == ZH else EN


def tr(key: str, lang: str, **fmt: object) -> str:
    """The text for ``key`` in ``lang``, formatted with ``fmt``.

    Unknown keys fall back to the key without its prefix, underscores as spaces.
    """
    entry = _TEXT.get(key)
    if entry is None:
        prefix, _, rest = key.partition("_")
        text = rest if prefix in _PREFIXES and rest else key
        text = text.replace("_", " ")
        return text[:1].upper() + text[1:] if prefix == "acct" else text
    text = entry[_lang(lang)]
    return text.format(**fmt) if fmt else text


def has(key: str) -> bool:
    """Whether ``key`` has a text."""
    return key in _TEXT


def template(key: str, lang: str) -> str:
    """The unformatted text of ``key`` in ``lang`` (KeyError when there is none)."""
    return _TEXT[key][_lang(lang)]


def phrase(english: str, lang: str) -> str:
    """A phrase the model writes in English, in ``lang`` (as written when untranslated)."""
    return _PHRASES.get(english, english) if lang == ZH else english


def placeholders(text: str) -> set[str]:
    """The names of a template's format fields (``{gw:.2f}`` -> ``gw``)."""
    names = set()
    for _, field, _, _ in string.Formatter().parse(text):
        if field is not None:
            names.add(field.split(".")[0].split("[")[0].split("!")[0])
    return names
