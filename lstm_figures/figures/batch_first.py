"""The same input as (T, N, F) and (N, T, F): output follows batch_first, h and c do not."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from lstm_figures.figures.parts.value_grid import flat_grid, make_axis, value_limit
from lstm_figures.labels import Labels
from lstm_figures.layout import Arrow, Box, Layout, Text
from lstm_figures.tracing import Trace

_CELL = 0.2  # a cell of the front card, in inches
_STEP = 0.15  # offset between stacked cards
_ROW = 0.27  # pitch of the shape table's rows
_HEADER = 1.35  # title and column headers, above the stacks
_CAPTION = 0.85  # from the bottom of the stacks to the first table row
_CENTRES = (2.35, 4.8)  # the batch_first=False and batch_first=True columns
_HALF = 1.2  # half the width of a column's highlight
_NOTE_X = 6.25
_WIDTH = 8.9
_LABELS_W = 0.6  # room left of the front card for its row label
_NOTE_PITCH = 0.42  # from the "not affected" note to the myth below it
_NOTES = 0.8  # height of those two notes: a short group of rows needs room below
_STATES = ("h_0", "h_n", "c_0", "c_n")  # Trace attributes; batch_first never applies


@dataclass(frozen=True)
class Column:
    """The traced data in one layout: the module's own, or the other one by transposing."""

    batch_first: bool
    x: torch.Tensor
    output: torch.Tensor

    @property
    def letters(self) -> str:
        return "NTF" if self.batch_first else "TNF"

    @property
    def axes(self) -> str:
        return "(" + ", ".join(self.letters) + ")"


def layouts(tr: Trace) -> tuple[Column, Column]:
    """The input and output as (T, N, F) and as (N, T, F), in that order.

    The module's own layout is the traced tensors; the other swaps their first two axes,
    which is exactly what the module would read and return with the other setting.
    """
    if not tr.batched:
        raise ValueError(
            "the batch_first figure needs batched input, (T, N, F) or (N, T, F): unbatched "
            "input (T, F) has no batch axis, so batch_first does not apply to it"
        )
    own = Column(tr.batch_first, tr.input, tr.output_padded)
    other = Column(not tr.batch_first, tr.input.transpose(0, 1), tr.output_padded.transpose(0, 1))
    return (other, own) if tr.batch_first else (own, other)


def states(tr: Trace) -> list[tuple[str, torch.Tensor]]:
    """The initial and final states that exist for this kind (no c for GRU and RNN), one row
    per shape: ``("h_0, h_n", h_n)`` when the two traced shapes agree, as PyTorch requires."""
    rows: list[tuple[str, torch.Tensor]] = []
    for name in _STATES:
        state = getattr(tr, name)
        if state is None:
            continue
        if rows and name[0] == rows[-1][0][0] and state.shape == rows[-1][1].shape:
            rows[-1] = (f"{rows[-1][0]}, {name}", state)
        else:
            rows.append((name, state))
    return rows


def card_stack(
    layout: Layout, labels: Labels, x: torch.Tensor, letters: str, centre: float, bottom: float
) -> list[float]:
    """``x`` as a stack of cards ``x[0], x[1], ...`` (its first axis), the front card's
    cells coloured by value. Returns the values drawn."""
    dots = labels("ellipsis")
    depth = make_axis(letters[0], x.shape[0], _STEP, gap=1.0)
    rows = make_axis(letters[1], x.shape[1], _CELL)
    cols = make_axis(letters[2], x.shape[2], _CELL)
    back = depth.spans[-1][0]  # offset of the last card
    left = centre - (back + cols.length - _LABELS_W) / 2
    top = bottom + rows.length
    for slot in reversed(range(len(depth.slots))):  # back to front: the front card on top
        index, offset = depth.slots[slot], depth.spans[slot][0]
        corner = (left + offset - 0.03, top + offset + 0.01)
        if index is None:
            layout.add(Text(*corner, dots, size=7, role="muted", rotation=45, ha="right"))
            continue
        layout.add(
            Box(
                left + offset,
                bottom + offset,
                cols.length,
                rows.length,
                role="input",
                rounded=False,
            ),
            Text(
                *corner,
                labels("bf_index", i=index),
                size=6.5,
                family="mono",
                role="muted",
                ha="right",
                va="bottom",
            ),
        )
    grid = flat_grid(x[0], rows, cols, left, top, dots, size=6)
    beyond = back + _STEP  # the depth axis' size continues the diagonal of card labels
    layout.add(
        *grid,
        Text(left - 0.08, bottom + rows.length / 2, _size(labels, rows), size=7.5, ha="right"),
        Text(left + cols.length / 2, bottom - 0.06, _size(labels, cols), size=7.5, va="top"),
        Text(
            left + beyond - 0.03,
            top + beyond + 0.01,
            _size(labels, depth),
            size=7.5,
            ha="right",
            va="bottom",
        ),
    )
    return [e.value for e in grid if isinstance(e, Box)]


def _size(labels: Labels, axis) -> str:
    return labels("bf_size", axis=axis.letter, n=axis.size)


def stack_height(x: torch.Tensor) -> float:
    """Height of :func:`card_stack` for ``x``, with the card labels above it."""
    rows = make_axis("", x.shape[1], _CELL)
    depth = make_axis("", x.shape[0], _STEP, gap=1.0)
    return rows.length + depth.spans[-1][0] + _STEP + 0.15


def build(tr: Trace, labels: Labels) -> Layout:
    columns = layouts(tr)
    state_rows = states(tr)
    stack = max(stack_height(column.x) for column in columns)
    table_rows = 2 + len(state_rows)
    below = max(0.0, _NOTES - len(state_rows) * _ROW)
    height = _HEADER + stack + _CAPTION + table_rows * _ROW + 0.15 + below
    layout = Layout(width=_WIDTH, height=height)
    h_n = labels.shape(tuple(tr.h_n.shape))
    cell = (
        labels("bf_alt_cell", shape=labels.shape(tuple(tr.c_n.shape))) if tr.c_n is not None else ""
    )
    time_major, batch_major = columns
    layout.alt = labels(
        "bf_alt",
        kind=tr.kind,
        x_tm=labels.shape(tuple(time_major.x.shape)),
        out_tm=labels.shape(tuple(time_major.output.shape)),
        x_bf=labels.shape(tuple(batch_major.x.shape)),
        out_bf=labels.shape(tuple(batch_major.output.shape)),
        h_n=h_n,
        cell=cell,
        used=tr.batch_first,
    )
    layout.add(Text(_WIDTH / 2, height - 0.3, labels("bf_title"), size=11, weight="bold"))

    stack_bottom = height - _HEADER - stack
    first_row = stack_bottom - _CAPTION
    values = []
    for column, centre in zip(columns, _CENTRES, strict=True):
        used = column.batch_first == tr.batch_first
        values += add_column(layout, labels, tr, column, centre, stack_bottom, used)
    add_shape_table(layout, labels, columns, state_rows, first_row)
    layout.value_limit = value_limit(values)
    # Which layout the traced module uses: its whole column, stack to table.
    used_centre = _CENTRES[int(tr.batch_first)]
    box_bottom = first_row - (table_rows - 0.5) * _ROW - 0.08
    layout.add(
        Box(
            used_centre - _HALF,
            box_bottom,
            2 * _HALF,
            height - 0.5 - box_bottom,
            role="none",
            edge="highlight",
            linewidth=2.0,
        )
    )
    return layout


def add_column(
    layout: Layout,
    labels: Labels,
    tr: Trace,
    column: Column,
    centre: float,
    stack_bottom: float,
    used: bool,
) -> list[float]:
    """Header, card stack and caption of one layout. Returns the values drawn."""
    top = layout.height
    layout.add(
        Text(
            centre,
            top - 0.7,
            labels("bf_setting", value=column.batch_first),
            size=10,
            family="mono",
            weight="bold",
        ),
        Text(centre, top - 0.92, column.axes, size=9.5, family="mono"),
    )
    if used:
        layout.add(
            Text(
                centre, top - 1.12, labels("bf_this_module", kind=tr.kind), size=8, role="highlight"
            )
        )
    values = card_stack(layout, labels, column.x, column.letters, centre, stack_bottom)
    key = "bf_card_batch_first" if column.batch_first else "bf_card_time_major"
    layout.add(
        Text(
            centre,
            stack_bottom - 0.28,
            labels(key, shape=labels.shape(tuple(column.x[0].shape))),
            size=8,
            va="top",
        )
    )
    return values


def add_shape_table(
    layout: Layout,
    labels: Labels,
    columns: tuple[Column, Column],
    state_rows: list[tuple[str, torch.Tensor]],
    first_row: float,
) -> None:
    """Rows of real shapes in both layouts: x and output follow, the states do not."""
    rows = [
        (labels("bf_row_input"), "sans", [column.x for column in columns]),
        ("output", "mono", [column.output for column in columns]),
    ] + [(name, "mono", [state, state]) for name, state in state_rows]
    for i, (name, family, tensors) in enumerate(rows):
        y = first_row - i * _ROW
        layout.add(Text(0.3, y, name, size=9, ha="left", family=family))
        for tensor, centre in zip(tensors, _CENTRES, strict=True):
            layout.add(Text(centre, y, labels.shape(tuple(tensor.shape)), size=9, family="mono"))
    # Groups: what follows batch_first (x, output) and what never does (the states).
    split = first_row - 1.5 * _ROW
    layout.add(Arrow((0.3, split), (_WIDTH - 0.3, split), role="muted", head=False, linewidth=0.6))
    follows = (first_row + 0.5 * _ROW, split + 0.05)
    fixed = (split - 0.05, first_row - (len(rows) - 0.5) * _ROW)
    for upper, lower in (follows, fixed):
        layout.add(
            Arrow((_NOTE_X, upper - 0.04), (_NOTE_X, lower + 0.04), head=False, role="muted")
        )
    text_x = _NOTE_X + 0.15
    layout.add(
        Text(text_x, sum(follows) / 2, labels("bf_follows"), size=8.5, ha="left"),
        Text(
            text_x,
            fixed[0] - 0.06,
            labels("bf_not_affected"),
            size=8.5,
            role="output",
            weight="bold",
            ha="left",
            va="top",
        ),
        Text(
            text_x,
            fixed[0] - 0.06 - _NOTE_PITCH,
            labels("bf_myth"),
            size=7.5,
            role="muted",
            ha="left",
            va="top",
        ),
    )
