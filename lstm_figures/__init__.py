"""Figures of ``torch.nn.LSTM`` drawn from a real forward pass.

The flow is one way: :func:`trace` runs a module and records every state,
:func:`draw` turns a trace into a matplotlib figure, :func:`save` writes it
deterministically. Names are imported lazily so that ``import lstm_figures``
(for example from a Sphinx ``conf.py``) does not import torch or matplotlib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "trace": "lstm_figures.tracing",
    "Trace": "lstm_figures.tracing",
    "TraceMismatchError": "lstm_figures.tracing",
    "draw": "lstm_figures.figures",
    "locate": "lstm_figures.locating",
    "Selection": "lstm_figures.locating",
    "FIGURES": "lstm_figures.figures",
    "save": "lstm_figures.saving",
    "LANGUAGES": "lstm_figures.labels",
    "THEMES": "lstm_figures.themes",
    "set_default_language": "lstm_figures.labels",
    "MissingGlyphError": "lstm_figures.fonts",
    # --- explorable figures ---
    "explore": "lstm_figures.exploring",
}

__all__ = [
    "FIGURES",
    "LANGUAGES",
    "THEMES",
    "MissingGlyphError",
    "Selection",
    "Trace",
    "TraceMismatchError",
    "draw",
    "explore",
    "locate",
    "save",
    "set_default_language",
    "trace",
]

if TYPE_CHECKING:
    from lstm_figures.exploring import explore
    from lstm_figures.figures import FIGURES, draw
    from lstm_figures.fonts import MissingGlyphError
    from lstm_figures.labels import LANGUAGES, set_default_language
    from lstm_figures.locating import Selection, locate
    from lstm_figures.saving import save
    from lstm_figures.themes import THEMES
    from lstm_figures.tracing import Trace, TraceMismatchError, trace


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'lstm_figures' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
