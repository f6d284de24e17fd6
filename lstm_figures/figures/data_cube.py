"""The input as a data cube coloured by its real values, and its N × F table at one time step."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from lstm_figures.figures.parts.cube import (
    ANGLE,
    CubeView,
    Oblique,
    axis_name,
    axis_ticks,
    cube_cells,
    cube_view,
    has_value,
    shift,
    slab_extent,
    slab_outline,
)
from lstm_figures.figures.parts.value_grid import (
    CELL,
    Axis,
    colour_key,
    flat_grid,
    make_axis,
    value_limit,
)
from lstm_figures.labels import Labels
from lstm_figures.layout import Arrow, Box, Layout, Text
from lstm_figures.tracing import Trace

#: The time step whose N × F slice is drawn as a table: a face of the cube in both layouts.
SLICE_STEP = 0


def time_slice(tr: Trace, t: int) -> tuple[torch.Tensor, str]:
    """The input at time step ``t`` (every sample) and the indexing code that gives it."""
    if tr.batched and tr.batch_first:
        return tr.input[:, t], "dc_code_batch_first"
    return tr.input[t], "dc_code_time_major"


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
    depth_dx = view.depth.length * math.cos(ANGLE)
    depth_dy = view.depth.length * math.sin(ANGLE)
    slice_tensor, code_key = time_slice(tr, SLICE_STEP)
    values = slice_tensor if tr.batched else slice_tensor.unsqueeze(0)
    rows, cols = make_axis("N", values.shape[0], CELL), make_axis("F", values.shape[1], CELL)

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
    layout.value_limit = value_limit([e.value for e in layout.elements if has_value(e)])
    colour_key(layout, labels, table_left - 0.55, 0.35)
    return layout


def add_cube(layout: Layout, labels: Labels, view: CubeView, at: Oblique, batched: bool) -> None:
    """The cube's cells, index ticks, axis names, and the outline of the slab at t = 0."""
    dots = labels("ellipsis")
    front_w, front_h = view.cols.length, view.rows.length
    normal = (-math.sin(ANGLE), math.cos(ANGLE))  # up-left, away from the top face
    slant = math.degrees(ANGLE)
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
            *shift(at(view.depth.length / 2, 0, 0), normal, 0.32),
            axis_name(labels, view.depth, batched),
            size=8,
            rotation=slant,
        ),
    )
    if batched:  # unbatched input has no batch axis to put indices on
        layout.add(
            *axis_ticks(
                view.depth, lambda d: shift(at(d, 0, 0), normal, 0.07), dots, slant, ha="right"
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
