"""The packed figure's strip: the rows of ``packed.data``, grouped by time step as
``batch_sizes`` says, with arrows from the padded grid's columns.
"""

from __future__ import annotations

import torch
from torch.nn.utils.rnn import pack_padded_sequence

from lstm_figures.figures.parts.packed_grid import SMALL_SIZE
from lstm_figures.figures.parts.text import (
    dots,
)
from lstm_figures.labels import Labels
from lstm_figures.layout import Arrow, Box, Element, Text, elide
from lstm_figures.tracing import Trace, TraceMismatchError

# The packed strip: one box per row of packed.data, grouped by time step.
BOX, _BOX_PITCH = 0.24, 0.27


_GROUP_GAP, _GROUP_GAP_W = 0.24, 0.32
GROUP_SLOTS = 4  # rows drawn per time step (first two, "⋯", last)
_STRIP_STEPS = (7, 5)  # fewer time steps for the strip than the grid has, if it is too wide
_STRIP_WIDTH = 6.0  # how wide the strip may grow past the grid


class Packing:
    """What the PackedSequence holds: its data's shape, batch_sizes and row order."""

    def __init__(self, data_shape: tuple[int, ...], batch_sizes: list[int], order: list[int]):
        self.data_shape = data_shape
        self.batch_sizes = batch_sizes
        self.order = order  # sequence index of each row within a time step's group

    @classmethod
    def of(cls, tr: Trace) -> Packing:
        """Pack the trace's padded input again, as the module received it."""
        packed = pack_padded_sequence(
            tr.input, tr.lengths, batch_first=tr.batch_first, enforce_sorted=False
        )
        output = tr.output
        if not torch.equal(packed.batch_sizes, output.batch_sizes):
            raise TraceMismatchError("the input and output PackedSequences disagree on batch_sizes")
        order = output.sorted_indices
        order = list(range(tr.batch_size)) if order is None else order.tolist()
        return cls(tuple(packed.data.shape), packed.batch_sizes.tolist(), order)


def _group_spans(
    packed: Packing, steps: list[int | None], left: float
) -> tuple[list[tuple[int | None, list[int | None], float]], float]:
    """(time step, rows drawn, left x) of each group of the strip, and the strip's right end."""
    groups, x = [], left
    for t in steps:
        if t is None:
            groups.append((None, [], x))
            x += _GROUP_GAP_W + _GROUP_GAP
            continue
        rows = elide(packed.batch_sizes[t], GROUP_SLOTS)
        groups.append((t, rows, x))
        x += _BOX_PITCH * len(rows) - (_BOX_PITCH - BOX) + _GROUP_GAP
    return groups, x - _GROUP_GAP


def strip_layout(
    packed: Packing, steps: list[int | None], left: float, grid_right: float
) -> tuple[list[tuple[int | None, list[int | None], float]], float]:
    """The strip's groups: one under each column of the grid if that is not too wide, else
    fewer time steps."""
    limit = max(grid_right, left + _STRIP_WIDTH)
    for candidate in (steps, *(elide(len(packed.batch_sizes), n) for n in _STRIP_STEPS)):
        groups, right = _group_spans(packed, candidate, left)
        if right <= limit:
            break
    return groups, right


def _group_width(rows: list[int | None]) -> float:
    return _BOX_PITCH * len(rows) - (_BOX_PITCH - BOX) if rows else _GROUP_GAP_W


def strip_elements(
    labels: Labels,
    packed: Packing,
    groups: list[tuple[int | None, list[int | None], float]],
    y: float,
    labels_y: float,
) -> list[Element]:
    """The rows of packed.data in time order: each box names the sequence it came from."""
    elements: list[Element] = []
    for t, rows, left in groups:
        if t is None:
            elements.append(dots(left + _GROUP_GAP_W / 2, y))
            continue
        for index, row in enumerate(rows):
            x = left + _BOX_PITCH * index
            if row is None:
                elements.append(dots(x + BOX / 2, y, pitch=0.05))
                continue
            elements.append(
                Box(
                    x,
                    y - BOX / 2,
                    BOX,
                    BOX,
                    rounded=False,
                    text=str(packed.order[row]),
                    size=SMALL_SIZE,
                    linewidth=0.8,
                )
            )
        centre = left + _group_width(rows) / 2
        elements.append(Text(centre, labels_y, labels("t_equals", t=t), size=7, role="muted"))
    return elements


def strip_links(
    steps: list[int | None],
    columns: list[float],
    groups: list[tuple[int | None, list[int | None], float]],
    grid_bottom: float,
    strip_top: float,
) -> list[Arrow]:
    """From each drawn column of the grid down to its group of packed rows."""
    column_x = {t: x for t, x in zip(steps, columns, strict=True) if t is not None}
    return [
        Arrow(
            (column_x[t], grid_bottom - 0.14),
            (left + _group_width(rows) / 2, strip_top + 0.06),
            role="muted",
            linewidth=0.8,
        )
        for t, rows, left in groups
        if t is not None and t in column_x
    ]
