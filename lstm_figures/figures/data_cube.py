"""The input as a data cube coloured by its real values, and its N × F table at one time step."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from lstm_figures.labels import Labels
from lstm_figures.layout import Arrow, Box, Element, Layout, Polygon, Text, elide
from lstm_figures.tracing import Trace

#: The time step whose N × F slice is drawn as a table: a face of the cube in both layouts.
SLICE_STEP = 0

_CELL = 0.3  # a cell of the cube's front face and of the table, in inches
_GAP = 0.5  # an elided slot ("⋯"), as a fraction of a cell
_DEPTH = 0.6  # a cell along the receding axis, as a fraction of a front cell
_ANGLE = math.radians(35)  # direction of the receding axis
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
    depth_cell = _CELL * _DEPTH
    axes = [
        make_axis(letter, size, depth_cell if dim == 0 else _CELL)
        for dim, (letter, size) in enumerate(zip(letters, tensor.shape, strict=True))
    ]
    return CubeView(tensor, *axes, letters=letters if tr.batched else "TF")


def time_slice(tr: Trace, t: int) -> tuple[torch.Tensor, str]:
    """The input at time step ``t`` (every sample) and the indexing code that gives it."""
    if tr.batched and tr.batch_first:
        return tr.input[:, t], "dc_code_batch_first"
    return tr.input[t], "dc_code_time_major"


class Oblique:
    """Oblique projection: the front face is drawn flat, depth recedes up and to the right."""

    def __init__(self, left: float, top: float) -> None:
        self.left, self.top = left, top

    def __call__(self, depth: float, row: float, col: float) -> Point:
        return (
            self.left + col + depth * math.cos(_ANGLE),
            self.top - row + depth * math.sin(_ANGLE),
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


@dataclass(frozen=True)
class Table:
    """The slice at :data:`SLICE_STEP` as a 2-D (samples, features) tensor, and where it goes."""

    values: torch.Tensor
    code: str  # the indexing that gives the slice, e.g. "x[:, 0]"
    shape: tuple[int, ...]  # the slice's real shape (F,) for unbatched input
    rows: Axis
    cols: Axis
    left: float
    top: float


def build(tr: Trace, labels: Labels) -> Layout:
    view = cube_view(tr)
    depth_dx = view.depth.length * math.cos(_ANGLE)
    depth_dy = view.depth.length * math.sin(_ANGLE)
    slice_tensor, code_key = time_slice(tr, SLICE_STEP)
    values = slice_tensor if tr.batched else slice_tensor.unsqueeze(0)
    rows, cols = make_axis("N", values.shape[0], _CELL), make_axis("F", values.shape[1], _CELL)

    # Two columns: the cube (with its axis names) and the table (with its notes and key).
    cube_left = 1.25
    table_left = cube_left + view.cols.length + depth_dx + 2.2
    top_space = 0.65 + max(depth_dy + 0.3, 0.75)
    body = max(view.rows.length + 0.85, rows.length + 1.7)
    width = table_left + max(cols.length + 0.35, 3.2)
    layout = Layout(width=width, height=top_space + body)
    top = layout.height - top_space
    table = Table(
        values,
        labels(code_key, t=SLICE_STEP),
        tuple(slice_tensor.shape),
        rows,
        cols,
        table_left,
        top,
    )

    shape = labels.shape(tuple(tr.input.shape))
    axes = "(" + ", ".join(view.letters) + ")"
    layout.alt = labels(
        "dc_alt",
        kind=tr.kind,
        shape=shape,
        axes=axes,
        n=tr.batch_size,
        steps=tr.seq_len,
        f=tr.input_size,
        t=SLICE_STEP,
        code=table.code,
        slice_shape=labels.shape(table.shape),
    )
    title_axes = labels("dc_title_join").join(labels(f"dc_title_{a}") for a in view.letters)
    layout.add(
        Text(
            width / 2,
            layout.height - 0.3,
            labels("dc_title", axes=title_axes),
            size=11,
            weight="bold",
        )
    )
    at = Oblique(cube_left, top)
    add_cube(layout, labels, view, at, tr.batched)
    layout.add(
        Text(
            cube_left + (view.cols.length + depth_dx) / 2,
            top - view.rows.length - 0.62,
            labels("dc_shape", shape=shape, axes=axes),
            size=9,
            family="mono",
        )
    )
    add_table(layout, labels, table, tr)
    # Where the slice sits in the cube: from the slab, beside the cube, to the table.
    start_x = at(view.depth.length, 0, view.cols.length)[0] + 0.1
    slab_depth, slab_height = slab_extent(view)
    start_y = at(slab_depth / 2, slab_height / 2, 0)[1]
    end_y = min(max(start_y, top - rows.length + 0.15), top - 0.15)
    layout.add(
        Arrow((start_x, start_y), (table_left - 1.05, end_y), role="highlight", linewidth=1.6)
    )
    layout.value_limit = value_limit([e.value for e in layout.elements if _has_value(e)])
    colour_key(layout, labels, table_left - 0.55, 0.35)
    return layout


def add_cube(layout: Layout, labels: Labels, view: CubeView, at: Oblique, batched: bool) -> None:
    """The cube's cells, index ticks, axis names, and the outline of the slab at t = 0."""
    dots = labels("ellipsis")
    front_w, front_h = view.cols.length, view.rows.length
    normal = (-math.sin(_ANGLE), math.cos(_ANGLE))  # up-left, away from the top face
    slant = math.degrees(_ANGLE)
    layout.add(
        *cube_cells(view, at),
        *axis_ticks(view.rows, lambda r: at(0, r, -0.07), dots, 90, ha="right"),
        *axis_ticks(view.cols, lambda c: at(0, front_h + 0.06, c), dots, 0, va="top"),
        Text(
            *at(0, front_h / 2, -0.34),
            axis_name(labels, view.rows, batched, "\n"),
            size=8,
            ha="right",
        ),
        Text(*at(0, front_h + 0.3, front_w / 2), axis_name(labels, view.cols, batched), size=8),
        Text(
            *_shift(at(view.depth.length / 2, 0, 0), normal, 0.32),
            axis_name(labels, view.depth, batched),
            size=8,
            rotation=slant,
        ),
    )
    if batched:  # unbatched input has no batch axis to put indices on
        layout.add(
            *axis_ticks(
                view.depth, lambda d: _shift(at(d, 0, 0), normal, 0.07), dots, slant, ha="right"
            )
        )
    layout.add(slab_outline(view, at))


def add_table(layout: Layout, labels: Labels, table: Table, tr: Trace) -> None:
    """The slice as the (samples × features) table of tabular models, with its shape."""
    dots = labels("ellipsis")
    left, top, rows, cols = table.left, table.top, table.rows, table.cols
    text_left = left - 0.55
    rows_name = labels("dc_rows", n=rows.size) if tr.batched else labels("dc_rows_unbatched")
    layout.add(
        *flat_grid(table.values, rows, cols, left, top, dots),
        Box(
            left,
            top - rows.length,
            cols.length,
            rows.length,
            role="none",
            edge="highlight",
            rounded=False,
            linewidth=2.2,
        ),
        *axis_ticks(rows, lambda r: (left - 0.07, top - r), dots, 90, ha="right"),
        *axis_ticks(cols, lambda c: (left + c, top + 0.07), dots, 0, va="bottom"),
        Text(left - 0.3, top - rows.length / 2, rows_name, size=8, ha="right"),
        Text(left + cols.length / 2, top + 0.3, labels("dc_columns", n=cols.size), size=8),
        Text(
            text_left,
            top + 0.62,
            labels("dc_slice_title", t=SLICE_STEP, code=table.code),
            size=9.5,
            ha="left",
            role="highlight",
            weight="bold",
        ),
    )
    below = top - rows.length - 0.22
    slice_axes = "(N, F)" if tr.batched else "(F,)"
    layout.add(
        Text(
            text_left,
            below,
            labels(
                "dc_slice_shape",
                code=table.code,
                shape=labels.shape(table.shape),
                axes=slice_axes,
            ),
            size=9,
            family="mono",
            ha="left",
            va="top",
        ),
        Text(
            text_left,
            below - 0.3,
            labels("dc_table_note", kind=tr.kind, steps=tr.seq_len),
            size=8,
            ha="left",
            va="top",
            role="muted",
        ),
    )


def slab_extent(view: CubeView) -> tuple[float, float]:
    """Depth and height of the one-cell-thick slab at t = 0 (inches along each axis)."""
    if view.time_is_depth:
        return view.depth.spans[0][1], view.rows.length
    return view.depth.length, view.rows.spans[0][1]


def _has_value(element: Element) -> bool:
    return getattr(element, "value", None) is not None


def _shift(point: Point, direction: Point, distance: float) -> Point:
    return (point[0] + direction[0] * distance, point[1] + direction[1] * distance)
