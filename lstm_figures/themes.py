"""Colours for light and dark figures.

The palette is Okabe & Ito's colour-blind-safe set; each theme picks shades with readable
contrast on its own background, which matches Furo's page background so figures sit
seamlessly in the docs.
"""

from __future__ import annotations

from dataclasses import dataclass

THEMES = ("light", "dark")


@dataclass(frozen=True)
class Theme:
    """Colours by role. Roles are what layouts name; drawing looks them up here."""

    name: str
    background: str
    text: str
    muted: str  # secondary text, elision marks, grid lines
    edge: str  # box outlines
    arrow: str
    cell: str  # a recurrent cell (the same weights at every step)
    input: str  # x_t (fill)
    input_line: str  # x_t (arrows)
    hidden: str  # h
    state: str  # c, the cell state
    output: str  # output / h_n highlights
    backward: str  # the backward direction
    highlight: str  # the thing the figure is about
    colormap: str  # tensor values (diverging, centred on 0)

    def role(self, role: str) -> str:
        """The colour of a role name such as ``"cell"`` or ``"hidden"``."""
        return getattr(self, role)


LIGHT = Theme(
    name="light",
    background="#ffffff",
    text="#1a1a1a",
    muted="#6b6b6b",
    edge="#3a3a3a",
    arrow="#3a3a3a",
    cell="#cfe6f5",  # pale sky blue
    input="#fde2b8",  # pale orange
    input_line="#c77c00",  # dark orange
    hidden="#0072b2",  # blue
    state="#009e73",  # bluish green
    output="#d55e00",  # vermillion
    backward="#cc79a7",  # reddish purple
    highlight="#e69f00",  # orange
    colormap="PuOr_r",
)

DARK = Theme(
    name="dark",
    background="#131416",  # Furo's dark background
    text="#e6e6e6",
    muted="#9a9a9a",
    edge="#c8c8c8",
    arrow="#c8c8c8",
    cell="#1d3b52",
    input="#4a3516",
    input_line="#e69f00",  # orange
    hidden="#56b4e9",  # sky blue
    state="#2fc59a",
    output="#ff8c42",
    backward="#e59cc8",
    highlight="#f0c341",
    colormap="PuOr_r",
)

_BY_NAME = {theme.name: theme for theme in (LIGHT, DARK)}


def get_theme(name: str) -> Theme:
    """The theme called ``name``; ``ValueError`` listing the valid names otherwise."""
    try:
        return _BY_NAME[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown theme {name!r}; expected one of {THEMES}") from None
