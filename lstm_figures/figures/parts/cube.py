"""The data_cube figure's cube in oblique projection: its cells, the outline of one time
step's slab, and the names and ticks of its three axes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from lstm_figures.figures.parts.value_grid import CELL, Axis, Point, kept_values, make_axis
from lstm_figures.labels import Labels
from lstm_figures.layout import Element, Polygon, Text
from lstm_figures.tracing import Trace

_DEPTH = 0.6  # a cell along the receding axis, as a fraction of a front cell
ANGLE = math.radians(35)  # direction of the receding axis


@dataclass(frozen=True)
class CubeView:
    """The input as a 3-D tensor drawn (depth, rows, columns), in the module's own axis order.

    Unbatched input (T, F) is drawn as one sheet: a batch axis of size 1 that the tensor
    does not have, so it gets no index ticks.
    """

    tensor: torch.Tensor
    depth: Axis
    rows: Axis
    cols: Axis
    letters: str  # the real layout, e.g. "TNF"

    @property
    def time_is_depth(self) -> bool:
        return self.depth.letter == "T"


def cube_view(tr: Trace) -> CubeView:
    """The traced input with its axes in the real order, elided for drawing."""
    tensor = tr.input if tr.batched else tr.input.unsqueeze(0)
    letters = "NTF" if tr.batch_first or not tr.batched else "TNF"
    depth_cell = CELL * _DEPTH
    axes = [
        make_axis(letter, size, depth_cell if dim == 0 else CELL)
        for dim, (letter, size) in enumerate(zip(letters, tensor.shape, strict=True))
    ]
    return CubeView(tensor, *axes, letters=letters if tr.batched else "TF")


class Oblique:
    """Oblique projection: the front face is drawn flat, depth recedes up and to the right."""

    def __init__(self, left: float, top: float) -> None:
        self.left, self.top = left, top

    def __call__(self, depth: float, row: float, col: float) -> Point:
        return (
            self.left + col + depth * math.cos(ANGLE),
            self.top - row + depth * math.sin(ANGLE),
        )


def cube_cells(view: CubeView, at: Oblique) -> list[Polygon]:
    """The three visible faces (front, top, right side), one polygon per kept entry."""
    entries = kept_values(view.tensor, (view.depth, view.rows, view.cols))
    depth, rows, cols = view.depth, view.rows, view.cols
    kept = [[s for s, i in enumerate(axis.slots) if i is not None] for axis in (depth, rows, cols)]
    right = cols.length
    cells = []
    for ri, r in enumerate(kept[1]):  # front face: depth index 0
        (r0, r1) = rows.spans[r]
        for ci, c in enumerate(kept[2]):
            (c0, c1) = cols.spans[c]
            corners = (at(0, r0, c0), at(0, r0, c1), at(0, r1, c1), at(0, r1, c0))
            cells.append(Polygon(corners, value=entries[0][ri][ci], linewidth=0.5))
    for di, d in enumerate(kept[0]):
        (d0, d1) = depth.spans[d]
        for ci, c in enumerate(kept[2]):  # top face: row index 0
            (c0, c1) = cols.spans[c]
            corners = (at(d0, 0, c0), at(d0, 0, c1), at(d1, 0, c1), at(d1, 0, c0))
            cells.append(Polygon(corners, value=entries[di][0][ci], linewidth=0.5))
        for ri, r in enumerate(kept[1]):  # right face: the last column
            (r0, r1) = rows.spans[r]
            corners = (at(d0, r0, right), at(d1, r0, right), at(d1, r1, right), at(d0, r1, right))
            cells.append(Polygon(corners, value=entries[di][ri][-1], linewidth=0.5))
    return cells


def slab_outline(view: CubeView, at: Oblique) -> Polygon:
    """Outline of the one-cell-thick slab at time step 0: the front face (time-major) or
    the top face (batch first), with its visible edges on the other faces."""
    depth, rows = slab_extent(view)
    right = view.cols.length
    corners = (
        at(0, rows, 0),
        at(0, 0, 0),
        at(depth, 0, 0),
        at(depth, 0, right),
        at(depth, rows, right),
        at(0, rows, right),
    )
    return Polygon(corners, role="none", edge="highlight", linewidth=2.2)


def axis_ticks(
    axis: Axis, place: Callable[[float], Point], mark: str, rotation: float, **style: object
) -> list[Text]:
    """Index labels of the kept slots, and ``mark`` ("⋯") turned along the axis for the gap."""
    ticks = []
    for slot, index in enumerate(axis.slots):
        x, y = place(axis.centre(slot))
        text = mark if index is None else str(index)
        turn = rotation if index is None else 0
        ticks.append(Text(x, y, text, size=6.5, role="muted", rotation=turn, **style))
    return ticks


def axis_name(labels: Labels, axis: Axis, batched: bool, separator: str = " ") -> str:
    """The axis' meaning and size, e.g. "batch N = 3" (``separator`` between the two)."""
    if axis.letter == "N" and not batched:
        return labels("dc_no_batch")
    size = labels("dc_size", letter=axis.letter, n=axis.size)
    return labels(f"dc_word_{axis.letter}") + separator + size


def slab_extent(view: CubeView) -> tuple[float, float]:
    """Depth and height of the one-cell-thick slab at t = 0 (inches along each axis)."""
    if view.time_is_depth:
        return view.depth.spans[0][1], view.rows.length
    return view.depth.length, view.rows.spans[0][1]


def has_value(element: Element) -> bool:
    return getattr(element, "value", None) is not None


def shift(point: Point, direction: Point, distance: float) -> Point:
    return (point[0] + direction[0] * distance, point[1] + direction[1] * distance)
