"""Text shared by every figure: the title, lines of text, width estimates, elision dots.

Layouts never measure fonts: :func:`text_width` is a generous estimate used to size margins.
"""

from __future__ import annotations

import math

from lstm_figures.layout import Polygon, Text

TITLE_SIZE = 11
ROW_LABEL_SIZE = 8.5  #: layer and direction names beside a grid
MONO_SIZE = 8  #: code beside a cell grid: the final-state names and output's shape
CELL_TEXT_SIZE = 6.5  #: text inside a cell of a cell grid
OUTPUT_LABEL_SIZE = 7.5  #: output[t] above a grid's columns


def figure_title(text: str, width: float, height: float) -> Text:
    """The figure's title, centred at the top."""
    return Text(width / 2, height - 0.25, text, size=TITLE_SIZE, weight="bold")


def title_width(text: str) -> float:
    """The figure width the title needs (bold is a little wider than the estimate)."""
    return 1.1 * text_width(text, TITLE_SIZE) + 0.3


def text_lines(
    x: float, y: float, lines: list[str] | tuple[str, ...], size: float, pitch: float, **style
) -> list[Text]:
    """Lines of text centred as a block on ``y``, ``pitch`` inches apart.

    Separate texts, not one with newlines: the CJK font's own line height leaves almost
    no gap between lines.
    """
    top = y + pitch * (len(lines) - 1) / 2
    return [Text(x, top - pitch * row, line, size=size, **style) for row, line in enumerate(lines)]


def text_width(text: str, size: float) -> float:
    """A generous estimate of a one-line text's width in inches, to size margins.

    Layouts never measure fonts; a CJK character is about one em wide, others at most
    about 0.6 em in DejaVu Sans and Sans Mono.
    """
    ems = sum(1.0 if ord(char) >= 0x2E80 else 0.6 for char in text)
    return ems * size / 72


def block_width(lines: list[str] | tuple[str, ...], size: float) -> float:
    """The widest of several lines (see :func:`text_width`)."""
    return max(text_width(line, size) for line in lines)


def dots(x: float, y: float, *, vertical: bool = False, pitch: float = 0.06) -> Polygon:
    """An elision mark, "⋯" (or "⋮" if ``vertical``), as three filled dots centred on (x, y).

    One outline-free polygon instead of a text: a grid has many elision marks, and a
    polygon costs a fraction of a text to draw. The dots (octagons) are joined by
    corridors of zero width, which fill nothing.
    """
    radius = 0.018
    points: list[tuple[float, float]] = []
    for index in (-1, 0, 1):
        cx, cy = (x, y + index * pitch) if vertical else (x + index * pitch, y)
        octagon = [
            (
                cx + radius * math.cos(math.pi * (k + 0.5) / 4),
                cy + radius * math.sin(math.pi * (k + 0.5) / 4),
            )
            for k in range(8)
        ]
        points += [(cx, cy), *octagon, octagon[0], (cx, cy)]
    # Back along the same corridors to the start, so the closing edge has no area either.
    points += [(x, y)]
    return Polygon(tuple(points), role="muted", edge="muted", linewidth=0.0)
