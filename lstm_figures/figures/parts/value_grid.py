"""A tensor's values as a grid of coloured cells: axes elided to a few slots, the "⋯"
marks between them, and the colour key (used by the data_cube, batch_first and gates figures).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from lstm_figures.labels import Labels
from lstm_figures.layout import Box, Element, Layout, Text, elide

CELL = 0.3  # a cell of the cube's front face and of the table, in inches
_GAP = 0.5  # an elided slot ("⋯"), as a fraction of a cell
_KEY_STEPS = 7


# Slots per axis: first two, "⋯", last two. A cube has three long axes, so one slot fewer
# than elide's default keeps it as cheap to draw as a row of six.
SHOWN = 5


Point = tuple[float, float]


@dataclass(frozen=True)
class Axis:
    """One tensor axis as drawn: its letter, size, the slots kept by :func:`elide`, and
    where each slot starts and ends along the drawing (inches from the axis' origin)."""

    letter: str
    size: int
    slots: list[int | None]
    spans: list[tuple[float, float]]

    @property
    def length(self) -> float:
        return self.spans[-1][1]

    @property
    def kept(self) -> list[int]:
        return [i for i in self.slots if i is not None]

    def centre(self, slot: int) -> float:
        start, end = self.spans[slot]
        return (start + end) / 2


def make_axis(letter: str, size: int, cell: float, gap: float = _GAP) -> Axis:
    """An elided axis of ``size`` items: ``cell`` inches per kept item, ``gap`` cells for "⋯"."""
    slots = elide(size, SHOWN)
    spans, position = [], 0.0
    for index in slots:
        width = cell if index is not None else cell * gap
        spans.append((position, position + width))
        position += width
    return Axis(letter, size, slots, spans)


def kept_values(tensor: torch.Tensor, axes: Sequence[Axis]) -> list:
    """Nested lists of ``tensor``'s entries at the kept indices of each axis (a few per axis)."""
    for dim, axis in enumerate(axes):
        tensor = tensor.index_select(dim, torch.tensor(axis.kept))
    return tensor.tolist()


def gap_marks(
    rows: Axis, cols: Axis, at: Callable[[float, float], Point], mark: str, size: float
) -> list[Text]:
    """Matrix-style ellipses in the elided strips of a flat grid: ⋯ across, ⋮ down, ⋱ where
    both meet (``mark`` turned). ``at(row_offset, col_offset)`` maps distances to a point."""
    marks = []
    for r, row in enumerate(rows.slots):
        for c, col in enumerate(cols.slots):
            if row is not None and col is not None:
                continue
            rotation = -45 if row is None and col is None else 90 if row is None else 0
            x, y = at(rows.centre(r), cols.centre(c))
            marks.append(Text(x, y, mark, size=size, role="muted", rotation=rotation))
    return marks


def flat_grid(
    values: torch.Tensor,
    rows: Axis,
    cols: Axis,
    left: float,
    top: float,
    mark: str,
    size: float = 7,
) -> list[Element]:
    """A 2-D tensor as square cells coloured by value, elided axes marked as in a matrix."""
    entries = kept_values(values, (rows, cols))
    elements: list[Element] = []
    kept_rows = [r for r, i in enumerate(rows.slots) if i is not None]
    kept_cols = [c for c, i in enumerate(cols.slots) if i is not None]
    for ri, r in enumerate(kept_rows):
        y0, y1 = rows.spans[r]
        for ci, c in enumerate(kept_cols):
            x0, x1 = cols.spans[c]
            elements.append(
                Box(
                    left + x0,
                    top - y1,
                    x1 - x0,
                    y1 - y0,
                    value=entries[ri][ci],
                    rounded=False,
                    linewidth=0.5,
                )
            )
    elements += gap_marks(rows, cols, lambda dy, dx: (left + dx, top - dy), mark, size)
    return elements


def value_limit(values: Sequence[float]) -> float:
    """The largest |value| shown (1 if all are zero, so the colour scale stays defined)."""
    return max((abs(v) for v in values), default=0.0) or 1.0


def colour_key(layout: Layout, labels: Labels, left: float, y: float) -> None:
    """A small bar from −limit to +limit so the colours read as numbers."""
    limit = layout.value_limit
    width, height = 0.2, 0.13
    title = Text(left, y + height / 2, labels("dc_colour_key"), size=7.5, role="muted", ha="left")
    start = left + 1.15
    layout.add(title)
    for i in range(_KEY_STEPS):
        value = -limit + 2 * limit * i / (_KEY_STEPS - 1)
        layout.add(
            Box(start + i * width, y, width, height, value=value, rounded=False, linewidth=0.4)
        )
    for i, value in ((0, -limit), (_KEY_STEPS // 2, 0.0), (_KEY_STEPS - 1, limit)):
        layout.add(
            Text(
                start + (i + 0.5) * width,
                y - 0.05,
                labels("dc_key_value", value=value),
                size=6.5,
                role="muted",
                va="top",
            )
        )
