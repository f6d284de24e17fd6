"""The layer × time grid shared by the stacked, bidirectional and state_locations figures.

Columns are time steps, bands are layers (bottom to top), and a band holds one row per
direction drawn. Long axes are elided with :func:`~lstm_figures.layout.elide`, so the
grid of T = 400 steps and many layers costs the same to draw as a small one. Everything
here is geometry plus the few tensor look-ups the three figures share.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from lstm_figures.labels import Labels
from lstm_figures.layout import Arrow, Box, Element, Polygon, Text, elide
from lstm_figures.tracing import Trace

#: Columns drawn along time: every step up to this many, else t = 0, 1, ⋯, T - 1.
TIME_SLOTS = 5
#: Layer bands drawn (the bottom and top layers are always kept).
LAYER_SLOTS = 4

_GAP_HALF = 0.17  # half the room left for a "⋯" between two arrows
_GAP_SAVING = 0.45  # how much lower the "⋮" band is than a band of cells (a fraction)
BAR_H = 0.13  # height of a concatenation bar
STUB = 0.34  #: length of the arrows entering and leaving a row


@dataclass(frozen=True)
class Grid:
    """Where every cell of the grid sits, in inches.

    Attributes
    ----------
    steps : tuple
        The time step drawn in each column; ``None`` is the "⋯" column.
    layers : tuple
        The layer drawn in each band, bottom to top; ``None`` is the "⋮" band.
    directions : int
        Rows per band: 2 draws a forward and a backward row, staggered sideways so the
        arrows feeding one row pass beside the other's boxes.
    left : float
        Centre of the first column.
    pitch : float
        Distance between column centres.
    base : float
        Centre of the lowest row of the lowest band.
    band : float
        Distance between the lowest rows of two neighbouring bands.
    row_pitch : float
        Distance between the forward and backward rows of a band.
    cell_w, cell_h : float
        Size of one cell.
    stagger : float
        Sideways shift of each direction's boxes from the column centre (0 for one row).
    """

    steps: tuple[int | None, ...]
    layers: tuple[int | None, ...]
    directions: int
    left: float
    pitch: float
    base: float
    band: float
    row_pitch: float
    cell_w: float
    cell_h: float
    stagger: float = 0.0

    def centre(self, slot: int) -> float:
        """Centre x of a column."""
        return self.left + self.pitch * slot

    def x(self, slot: int, direction: int = 0) -> float:
        """Centre x of a cell (``direction`` 0 sits left of 1 when both are drawn)."""
        shift = self.stagger * (2 * direction - 1) if self.directions == 2 else 0.0
        return self.centre(slot) + shift

    def y(self, band: int, direction: int = 0) -> float:
        """Centre y of a row (the backward row is above the forward one).

        The "⋮" band holds no cells, so it is lower than the others.
        """
        gaps_below = self.layers[:band].count(None)
        position = band - _GAP_SAVING * gaps_below
        return self.base + self.band * position + self.row_pitch * direction

    def gap_y(self, band: int) -> float:
        """Centre of the "⋮" band ``band``, between its neighbours."""
        return (self.band_top(band - 1) + self.band_bottom(band + 1)) / 2

    def box(self, band: int, direction: int, slot: int, **style) -> Box:
        """The cell of one (layer band, direction, column)."""
        return Box(
            self.x(slot, direction) - self.cell_w / 2,
            self.y(band, direction) - self.cell_h / 2,
            self.cell_w,
            self.cell_h,
            **style,
        )

    def band_top(self, band: int) -> float:
        """Top edge of a band's highest row."""
        return self.y(band, self.directions - 1) + self.cell_h / 2

    def band_bottom(self, band: int) -> float:
        """Bottom edge of a band's lowest row."""
        return self.y(band) - self.cell_h / 2

    @property
    def span(self) -> tuple[float, float]:
        """Left edge of the first column and right edge of the last (all directions)."""
        half = self.cell_w / 2 + (self.stagger if self.directions == 2 else 0.0)
        return self.left - half, self.centre(len(self.steps) - 1) + half

    def columns(self) -> list[tuple[int, int]]:
        """(column, time step) of every drawn column, the "⋯" column left out."""
        return [(slot, t) for slot, t in enumerate(self.steps) if t is not None]

    def bands(self) -> list[tuple[int, int]]:
        """(band, layer) of every drawn band, the "⋮" band left out."""
        return [(band, layer) for band, layer in enumerate(self.layers) if layer is not None]


def grid_axes(tr: Trace) -> tuple[tuple[int | None, ...], tuple[int | None, ...]]:
    """The elided time steps and layers of a trace."""
    # An elided axis shows one step fewer: the "⋯" column takes the room of a step.
    shown = TIME_SLOTS if tr.seq_len <= TIME_SLOTS else TIME_SLOTS - 1
    return tuple(elide(tr.seq_len, shown)), tuple(elide(tr.num_layers, LAYER_SLOTS))


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


def input_at(tr: Trace, t: int) -> torch.Tensor:
    """The input at time step ``t`` in the module's own layout (``x[:, t]`` if batch first)."""
    return tr.input[:, t] if tr.batch_first and tr.batched else tr.input[t]


def output_at(tr: Trace, t: int) -> torch.Tensor:
    """``output`` at time step ``t``: ``output[:, t]`` if batch first, else ``output[t]``."""
    output = tr.output_padded
    return output[:, t] if tr.batch_first and tr.batched else output[t]


def output_index(tr: Trace, labels: Labels, t: int | str) -> str:
    """How to write ``output`` at step ``t`` in code, following ``batch_first``."""
    key = "grid_output_at_batch_first" if tr.batch_first and tr.batched else "grid_output_at"
    return labels(key, t=t)


def direction_slice(tr: Trace, direction: int) -> slice:
    """The features of one direction in ``output``'s last axis."""
    size = tr.output_size
    return slice(direction * size, (direction + 1) * size)


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


OUTPUT_LABEL_SIZE = 7.5


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


def cell_grid(tr: Trace, margin: float, base: float) -> Grid:
    """The grid of plain cells used by the bidirectional and state_locations figures.

    ``margin`` is where the arrows bringing the initial states start, on the left;
    ``base`` the height of the lowest row. One row per direction; with two, the rows are
    staggered so the arrows feeding one row pass beside the other row's boxes.
    """
    steps, layers = grid_axes(tr)
    two = tr.num_directions == 2
    cell_w, cell_h, stagger = _cell_shape(tr.num_directions)
    row_pitch = 0.5 if two else 0.0
    return Grid(
        steps=steps,
        layers=layers,
        directions=tr.num_directions,
        left=margin + STUB + stagger + cell_w / 2,
        pitch=1.0,
        base=base,
        band=row_pitch + cell_h + (0.62 if two else 0.5),
        row_pitch=row_pitch,
        cell_w=cell_w,
        cell_h=cell_h,
        stagger=stagger,
    )


def _cell_shape(directions: int) -> tuple[float, float, float]:
    """Width, height and sideways stagger of a :func:`cell_grid` cell.

    Two directions share a column, so their cells are narrower and staggered.
    """
    return (0.38, 0.28, 0.25) if directions == 2 else (0.55, 0.28, 0.0)


FINAL_EDGE = 2.4  # outline width of a cell whose state ends up in h_n
ROW_LABEL_SIZE = 8.5
MONO_SIZE = 8  #: code beside a cell grid: the final-state names and output's shape
CELL_TEXT_SIZE = 6.5  #: text inside a cell of a cell grid


@dataclass(frozen=True)
class Margins:
    """Room beside a :func:`cell_grid` for the names written left and right of it, in inches.

    Attributes
    ----------
    names_x : float
        Where the direction names start, right of the layer names ("layer n").
    left : float
        Where the arrows bringing the initial states start: the ``margin`` of
        :func:`cell_grid`.
    right : float
        Room needed right of the grid (past ``grid.span[1]``) for the forward rows'
        final-state names or the ``output`` shape label, whichever reaches further.
    overhang : float
        How far the last column's output[t] name reaches past the column's cells.
    """

    names_x: float
    left: float
    right: float
    overhang: float


def grid_margins(
    tr: Trace,
    labels: Labels,
    final_name: Callable[[int, int], str],
    *,
    backward_gap: float = 0.35,
    output_gap: float = 0.25,
) -> Margins:
    """The margins of a :func:`cell_grid` drawn by :func:`cell_rows`, from the text around it.

    Left of the grid stand the layer names and, with two directions, the direction names
    and the backward rows' final-state names (which end at t = 0, on the left). Right of
    it stand the forward rows' final-state names and, level with the output bars, the
    ``output`` shape label (see :func:`output_shape_label`).

    Parameters
    ----------
    tr : Trace
        The trace the grid is drawn from.
    labels : Labels
        The words of the figure's language.
    final_name : callable
        ``final_name(layer, direction)``: the name written where a row's final state
        leaves it, e.g. ``"h_n[3]"``.
    backward_gap : float, optional
        Room left between the direction names and the backward rows' final-state names.
    output_gap : float, optional
        Room left between the output bars (or the last output[t] name) and the ``output``
        shape label.

    Returns
    -------
    Margins
    """
    layers = [layer for layer in grid_axes(tr)[1] if layer is not None]
    top = tr.num_layers - 1  # the widest names: the highest h_n index
    names_x = 0.22 + max(text_width(labels("layer_n", n=n), ROW_LABEL_SIZE) for n in layers)
    if tr.num_directions == 1:
        left = names_x + 0.1
    else:
        # The direction names, then the backward rows' final-state names (they end at t = 0).
        directions = [labels("bidir_forward"), labels("bidir_backward")]
        left = names_x + block_width(directions, ROW_LABEL_SIZE)
        left += text_width(final_name(top, 1), MONO_SIZE) + backward_gap
    # An output[t] name can be wider than its bar, and then reaches past the grid.
    cell_w = _cell_shape(tr.num_directions)[0]
    last_name = output_index(tr, labels, tr.seq_len - 1)
    overhang = max(0.0, text_width(last_name, OUTPUT_LABEL_SIZE) / 2 - cell_w / 2)
    right = max(
        STUB + 0.1 + text_width(final_name(top, 0), MONO_SIZE),
        overhang + output_gap + text_width(output_shape_label(tr, labels), MONO_SIZE),
    )
    return Margins(names_x=names_x, left=left, right=right, overhang=overhang)


def output_shape_label(tr: Trace, labels: Labels) -> str:
    """``output`` with its shape, as written beside the output bars."""
    return labels("shape_of", name="output", shape=labels.shape(tr.shapes()["output"]))


def cell_rows(
    grid: Grid,
    labels: Labels,
    band: int,
    layer: int,
    *,
    margins: Margins,
    final_names: list[str],
    final_slots: list[int | None] | None = None,
    coloured_names: bool = False,
    cell_text: str | None = None,
) -> list[Element]:
    """One layer of :func:`cell_grid`: its rows of cells and the state carried along them.

    Each row starts with the arrow of its initial state and ends with the arrow of its
    final state, labelled ``final_names[direction]``: on the right for the forward row, on
    the left (at t = 0) for the backward one. ``margins`` (from :func:`grid_margins`) says
    where the direction names go. ``final_slots`` outlines the cell whose state is final
    in each row; ``coloured_names`` writes the labels in their row's colour; ``cell_text``
    is written in every cell.
    """
    text_style = {"text": cell_text, "size": CELL_TEXT_SIZE} if cell_text else {}
    middle = (grid.y(band, 0) + grid.y(band, grid.directions - 1)) / 2
    elements: list[Element] = [
        Text(0.12, middle, labels("layer_n", n=layer), size=ROW_LABEL_SIZE, ha="left")
    ]
    for direction in range(grid.directions):
        role = "backward" if direction else "hidden"
        y = grid.y(band, direction)
        if grid.directions == 2:
            name = labels("bidir_backward" if direction else "bidir_forward")
            elements.append(
                Text(margins.names_x, y, name, size=ROW_LABEL_SIZE, ha="left", role=role)
            )
        final = final_slots[direction] if final_slots else None
        for slot, _ in grid.columns():
            is_final = slot == final
            edge = "highlight" if is_final else ("backward" if direction else "edge")
            width = FINAL_EDGE if is_final else 1.1
            elements.append(
                grid.box(band, direction, slot, edge=edge, linewidth=width, **text_style)
            )
        elements += carry_arrows(grid, band, direction, role=role)
        arrows, _, end = row_ends(grid, band, direction, role=role, final=True)
        elements += arrows
        elements.append(
            Text(
                end[0] + (0.05 if direction == 0 else -0.05),
                end[1],
                final_names[direction],
                size=MONO_SIZE,
                ha="left" if direction == 0 else "right",
                role=role if coloured_names else "text",
                family="mono",
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


def link_y(grid: Grid, band: int) -> float:
    """Height of the concatenation bar (or the arrows) between ``band`` and the band above."""
    return (grid.band_top(band) + grid.band_bottom(band + 1)) / 2


TITLE_SIZE = 11


def title(text: str, width: float, height: float) -> Text:
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
