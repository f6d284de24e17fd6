"""Arrows, bars and elision marks between the cells of the layer × time grid.

The states carried right along a row, the concatenation bars and arrows that pass h up
from one layer band to the next, the input and output strips, and the "⋯" / "⋮" marks
where an axis is elided.
"""

from __future__ import annotations

import itertools

from lstm_figures.figures.parts.grid import BAR_H, STUB, Grid
from lstm_figures.figures.parts.tensors import output_index
from lstm_figures.figures.parts.text import OUTPUT_LABEL_SIZE, ROW_LABEL_SIZE, dots
from lstm_figures.labels import Labels
from lstm_figures.layout import Arrow, Box, Element, Polygon, Text
from lstm_figures.tracing import Trace

_GAP_HALF = 0.17  # half the room left for a "⋯" between two arrows


def carry_arrows(
    grid: Grid,
    band: int,
    direction: int,
    *,
    role: str,
    offset: float = 0.0,
) -> list[Arrow]:
    """Arrows carrying a state along one row: to the right forward, to the left backward.

    ``offset`` moves the arrows up or down within the row (to draw h and c side by side).
    A "⋯" column gets an arrow in and an arrow out, with room for the "⋯" between them.
    """
    half_w = grid.cell_w / 2
    y = grid.y(band, direction) + offset
    ends = []  # (left x, right x) of each thing the row passes through
    for slot, t in enumerate(grid.steps):
        x = grid.x(slot, direction)
        ends.append((x - _GAP_HALF, x + _GAP_HALF) if t is None else (x - half_w, x + half_w))
    arrows = []
    for (_, right), (left, _) in itertools.pairwise(ends):
        start, end = ((right, y), (left, y)) if direction == 0 else ((left, y), (right, y))
        arrows.append(Arrow(start, end, role=role))
    return arrows


def row_ends(
    grid: Grid,
    band: int,
    direction: int,
    *,
    role: str,
    offset: float = 0.0,
    initial: bool = True,
    final: bool = False,
) -> tuple[list[Arrow], tuple[float, float], tuple[float, float]]:
    """The arrow bringing the initial state into a row and the one taking the final out.

    Forward rows start on the left and end on the right; backward rows the other way.
    Returns the arrows and the outer points of the initial and the final arrow (where a
    label goes).
    """
    half_w = grid.cell_w / 2
    y = grid.y(band, direction) + offset
    first_edge = grid.x(0, direction) - half_w
    last_edge = grid.x(len(grid.steps) - 1, direction) + half_w
    # Measured from the grid's edges, so a stub clears the other direction's boxes.
    outer_left, outer_right = grid.span[0] - STUB, grid.span[1] + STUB
    if direction == 0:
        start_out, start_in = (outer_left, y), (first_edge, y)
        end_in, end_out = (last_edge, y), (outer_right, y)
    else:
        start_out, start_in = (outer_right, y), (last_edge, y)
        end_in, end_out = (first_edge, y), (outer_left, y)
    arrows = []
    if initial:
        arrows.append(Arrow(start_out, start_in, role=role))
    if final:
        arrows.append(Arrow(end_in, end_out, role=role))
    return arrows, start_out, end_out


def time_gap_marks(grid: Grid, points: list[tuple[float, int | None]]) -> list[Polygon]:
    """A "⋯" in the elided time column (if any) at each (y, direction) point.

    ``direction`` None puts the mark at the column centre, otherwise in that row's place.
    """
    return [
        dots(grid.centre(slot) if direction is None else grid.x(slot, direction), y)
        for slot, t in enumerate(grid.steps)
        if t is None
        for y, direction in points
    ]


def layer_gap_marks(grid: Grid, label_x: float) -> list[Element]:
    """A "⋮" in every column of the elided layer band (and by the layer names), with the
    arrows that take h up into the elided layers and out of them."""
    elements: list[Element] = []
    for band, layer in enumerate(grid.layers):
        if layer is not None:
            continue
        y = grid.gap_y(band)
        elements.append(dots(label_x, y, vertical=True))
        for slot, _ in grid.columns():
            elements.append(dots(grid.centre(slot), y, vertical=True))
            elements += up_arrows(grid, slot, band - 1, y - _GAP_HALF)
            elements += [
                Arrow(
                    (grid.x(slot, d), y + _GAP_HALF),
                    (grid.x(slot, d), grid.y(band + 1, d) - grid.cell_h / 2),
                    # One direction passes h up; two pass their concatenation.
                    role="hidden" if grid.directions == 1 else "arrow",
                )
                for d in range(grid.directions)
            ]
    return elements


def time_labels(grid: Grid, labels: Labels, y: float) -> list[Text]:
    """ "t = k" under every drawn column."""
    return [
        Text(grid.centre(slot), y, labels("t_equals", t=t), size=8, role="muted")
        for slot, t in grid.columns()
    ]


def input_strip(grid: Grid, y: float, height: float = 0.26) -> list[Element]:
    """A box for x_t under every column, with arrows up into each row of the lowest band."""
    elements: list[Element] = []
    half = grid.stagger + grid.cell_w / 4 if grid.directions == 2 else grid.cell_w / 2
    for slot, _ in grid.columns():
        centre = grid.centre(slot)
        elements.append(Box(centre - half, y - height / 2, 2 * half, height, role="input"))
        elements += [
            Arrow(
                (grid.x(slot, d), y + height / 2),
                (grid.x(slot, d), grid.band_bottom(0) + grid.row_pitch * d),
                role="input_line",
            )
            for d in range(grid.directions)
        ]
    return elements


def concat_bar(grid: Grid, slot: int, y: float, height: float = BAR_H) -> list[Box]:
    """One column's h as a bar: forward and backward side by side (their concatenation)."""
    left, right = grid.x(slot, 0) - grid.cell_w / 2, grid.x(slot, 1) + grid.cell_w / 2
    bottom = y - height / 2
    if grid.directions == 1:
        return [
            Box(left, bottom, right - left, height, role="hidden", rounded=False, linewidth=0.6)
        ]
    middle = grid.centre(slot)
    return [
        Box(left, bottom, middle - left, height, role="hidden", rounded=False, linewidth=0.6),
        Box(middle, bottom, right - middle, height, role="backward", rounded=False, linewidth=0.6),
    ]


def up_arrows(grid: Grid, slot: int, band: int, to_y: float) -> list[Arrow]:
    """Arrows taking each row's h of one cell up to height ``to_y``."""
    return [
        Arrow(
            (grid.x(slot, d), grid.y(band, d) + grid.cell_h / 2),
            (grid.x(slot, d), to_y),
            role="backward" if d else "hidden",
        )
        for d in range(grid.directions)
    ]


def layer_links(grid: Grid, slot: int, band: int, bar_height: float = BAR_H) -> list[Element]:
    """What carries one column's h from ``band`` up into ``band + 1``.

    One direction: an arrow from cell to cell. Two: both rows' h go into a concatenation
    bar, and the bar feeds both rows of the layer above.
    """
    upper_bottom = grid.band_bottom(band + 1)
    if grid.directions == 1:
        return up_arrows(grid, slot, band, upper_bottom)
    bar_y = (grid.band_top(band) + upper_bottom) / 2
    elements: list[Element] = [*up_arrows(grid, slot, band, bar_y - bar_height / 2)]
    elements += concat_bar(grid, slot, bar_y, bar_height)
    elements += [
        Arrow(
            (grid.x(slot, d), bar_y + bar_height / 2),
            (grid.x(slot, d), grid.y(band + 1, d) - grid.cell_h / 2),
        )
        for d in range(2)
    ]
    return elements


def output_strip(
    grid: Grid, tr: Trace, labels: Labels, y: float, *, names: bool = True
) -> list[Element]:
    """Above the top layer: each column's h (both directions side by side) is output[t].

    ``names`` writes output[t] (output[:, t] if batch first) above each bar.
    """
    top = len(grid.layers) - 1
    elements: list[Element] = []
    for slot, t in grid.columns():
        elements += up_arrows(grid, slot, top, y - BAR_H / 2)
        elements += concat_bar(grid, slot, y)
        if names:
            elements.append(
                Text(
                    grid.centre(slot),
                    y + 0.2,
                    output_index(tr, labels, t),
                    size=OUTPUT_LABEL_SIZE,
                    family="mono",
                    role="output",
                )
            )
    return elements


def band_links(grid: Grid) -> list[Element]:
    """What carries h up from every drawn layer into the drawn layer above, in every column.

    A layer next to the "⋮" band gets none: :func:`layer_gap_marks` draws those arrows.
    """
    elements: list[Element] = []
    for band, (below, above) in enumerate(itertools.pairwise(grid.layers)):
        if below is not None and above is not None:
            for slot, _ in grid.columns():
                elements += layer_links(grid, slot, band)
    return elements


def inputs_and_gaps(grid: Grid, labels: Labels, input_y: float, top_bar: float) -> list[Element]:
    """Below a :func:`cell_grid`, the inputs and their time steps; then every elision mark.

    ``input_y`` is the height of the input strip and ``top_bar`` that of the output bars
    (see :func:`output_strip`): both get a "⋯" in the elided column, as every row does.
    """
    elements: list[Element] = [
        *input_strip(grid, input_y),
        Text(0.12, input_y, labels("stacked_input"), size=ROW_LABEL_SIZE, ha="left"),
        *time_labels(grid, labels, input_y - 0.32),
    ]
    points = [(input_y, None), (top_bar, None)]
    points += [(grid.y(band, d), d) for band, _ in grid.bands() for d in range(grid.directions)]
    elements += time_gap_marks(grid, points)
    elements += layer_gap_marks(grid, 0.4)
    return elements
