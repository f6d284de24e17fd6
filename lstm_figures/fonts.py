"""Fonts for figures: DejaVu Sans (ships with matplotlib) and Noto Sans CJK for Chinese.

Noto Sans CJK comes from the ``noto-cjk-sans-otc`` package, a dependency of this project,
so Chinese figures never depend on what a machine happens to have installed. A character
that no font in the chain has raises :class:`MissingGlyphError` instead of printing a box.
"""

from __future__ import annotations

import functools
import re

CJK_FAMILY = "Noto Sans CJK SC"
LATIN_FAMILY = "DejaVu Sans"
MONO_FAMILY = "DejaVu Sans Mono"

_MATH = re.compile(r"(?<!\\)\$.*?(?<!\\)\$")

#: Width in points of the outline that thickens Noto Sans CJK Regular to a bold weight.
CJK_BOLD_STROKE = 0.55


class MissingGlyphError(ValueError):
    """A figure text has a character that none of its fonts can draw."""


@functools.cache
def _register_cjk() -> str:
    import noto_cjk_sans_otc
    from matplotlib import font_manager

    ours = str(noto_cjk_sans_otc.FONT_PATH)
    manager = font_manager.fontManager
    manager.addfont(ours)
    # A system copy of Noto Sans CJK (e.g. Debian's, installed for a browser) would tie with
    # ours and win by coming first: put ours first so figures use the project's own font.
    manager.ttflist.sort(key=lambda entry: entry.fname != ours)
    return ours


def families(lang: str, family: str = "sans") -> list[str]:
    """The font fallback chain for a language: the first font that has a glyph draws it."""
    if lang == "en":
        return [MONO_FAMILY if family == "mono" else LATIN_FAMILY]
    _register_cjk()
    if family == "mono":
        return [MONO_FAMILY, CJK_FAMILY]
    return [CJK_FAMILY, LATIN_FAMILY]


def weight_style(lang: str, weight: str, colour: str) -> dict:
    """Keyword arguments for ``Figure.text`` that draw ``weight`` in ``lang``'s fonts.

    The project's Noto Sans CJK has one weight, Regular: asking matplotlib for bold would
    fall back to it with a warning. So bold text in Chinese is Regular glyphs with a thin
    outline of their own ``colour`` (a synthetic bold, as browsers make for a font without
    one), and a Chinese title is as bold as an English one.
    """
    if lang == "en" or weight == "normal":
        return {"fontweight": weight}
    from matplotlib import patheffects

    outline = patheffects.withStroke(linewidth=CJK_BOLD_STROKE, foreground=colour)
    return {"fontweight": "normal", "path_effects": [outline]}


@functools.cache
def _charmap(family: str) -> frozenset[int]:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    if family == CJK_FAMILY:
        _register_cjk()
    path = font_manager.findfont(family, fallback_to_default=False)
    return frozenset(FT2Font(path).get_charmap())


def check_glyphs(texts: list[str], chain: list[str]) -> None:
    """Raise :class:`MissingGlyphError` if a character (outside ``$math$``) has no glyph."""
    maps = [_charmap(family) for family in chain]
    # Text around $math$ is typeset by mathtext in its own (Latin) font, not the chain.
    math_maps = [_charmap(LATIN_FAMILY)]
    for text in texts:
        searched = math_maps if _MATH.search(text) else maps
        for char in _MATH.sub("", text):
            if char.isspace():
                continue
            if not any(ord(char) in charmap for charmap in searched):
                fonts = "mathtext's font" if searched is math_maps else f"any of {chain}"
                raise MissingGlyphError(
                    f"{fonts} has no glyph for {char!r} (U+{ord(char):04X}) in {text!r}"
                )
