"""Every word shown inside a figure, keyed by language.

Figures never hold string literals: they ask :class:`Labels` for a key. The entries live in
``catalogue/<lang>.json``, one file per language. English is the source; ``zh_CN`` must have
every key (a test checks). Symbols such as ``$x_t$`` are matplotlib mathtext and stay the
same in both languages.
"""

from __future__ import annotations

import json
from pathlib import Path

LANGUAGES = ("en", "zh_CN")

_default_language = "en"


def set_default_language(lang: str) -> None:
    """Set the language used when :func:`lstm_figures.draw` gets no ``lang``.

    The docs build sets it per language so gallery examples need not pass ``lang``.
    """
    global _default_language
    check_language(lang)
    _default_language = lang


def default_language() -> str:
    """The language :func:`lstm_figures.draw` uses when it gets no ``lang``."""
    return _default_language


def check_language(lang: object) -> str:
    """Return ``lang`` if it is a known language; ``ValueError`` listing them otherwise."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    return lang


# One JSON file per language in catalogue/, read once at import (a millisecond; no torch).
# Add a key to en.json and the same key, translated, to zh_CN.json (a test checks).
_CATALOGUE_DIR = Path(__file__).with_name("catalogue")


def _read_catalogue(lang: str) -> dict[str, str]:
    with (_CATALOGUE_DIR / f"{lang}.json").open(encoding="utf-8") as file:
        return json.load(file)


#: Every figure's words: ``CATALOGUE[lang][key]`` is a ``str.format`` template.
CATALOGUE: dict[str, dict[str, str]] = {lang: _read_catalogue(lang) for lang in LANGUAGES}


class Labels:
    """The words of one language: ``labels("key", **values)`` formats an entry."""

    def __init__(self, lang: str | None = None) -> None:
        self.lang = check_language(lang if lang is not None else _default_language)
        self._entries = CATALOGUE[self.lang]

    def __call__(self, key: str, **values: object) -> str:
        return self._entries[key].format(**values)

    def shape(self, shape: tuple[int, ...]) -> str:
        """A shape written exactly as Python prints ``tuple(tensor.shape)``."""
        return str(tuple(int(n) for n in shape))
