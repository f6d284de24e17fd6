"""A multi-layer LSTM as a layer × time grid: a feed-forward column at each time step."""

from __future__ import annotations

import math

from lstm_figures.figures.parts.grid import Grid, grid_axes
from lstm_figures.figures.parts.grid_links import (
    carry_arrows,
    layer_gap_marks,
    row_ends,
    time_gap_marks,
    time_labels,
)
from lstm_figures.figures.parts.tensors import input_at
from lstm_figures.figures.parts.text import block_width, dots, figure_title, text_width, title_width
from lstm_figures.labels import Labels
from lstm_figures.layout import Arrow, Box, Element, Layout, Polygon, Text, elide
from lstm_figures.tracing import Trace

_UNIT, _UNIT_PITCH, _UNITS_SHOWN = 0.12, 0.18, 5
_CELL_H, _CELL_PAD = 0.3, 0.12
_GAP_X = 0.62  # room between two columns for the (h, c) arrows
_BAND = 0.95  # distance between unit rows
_STATE_OFFSET = 0.065  # h above, c below the middle of a row
_LEFT_MARGIN = 1.55
_LABEL_SIZE, _SMALL_SIZE = 8.5, 8
_LEGEND_TEXT_X = 0.65
_LEGEND_BOTTOM, _LEGEND_PITCH = 0.2, 0.24


def _units_row(x_centre: float, y: float, count: int, role: str) -> tuple:
    """Small boxes for one layer's units at one step, "⋯" for elided ones.

    Returns the elements and the x of every drawn unit (for the connections).
    """
    slots = elide(count, _UNITS_SHOWN)
    first = x_centre - _UNIT_PITCH * (len(slots) - 1) / 2
    elements: list[Element] = []
    xs = []
    for index, unit in enumerate(slots):
        x = first + _UNIT_PITCH * index
        if unit is None:
            elements.append(dots(x, y, pitch=0.045))
            continue
        xs.append(x)
        elements.append(_circle(x, y, role))
    return elements, xs


def _circle(x: float, y: float, role: str) -> Polygon:
    """A unit (neuron) as a small circle; a 12-gon is round at this size and cheap to draw."""
    r = _UNIT / 2
    points = tuple(
        (x + r * math.cos(math.pi * k / 6), y + r * math.sin(math.pi * k / 6)) for k in range(12)
    )
    return Polygon(points, role=role, linewidth=0.7)


def _dense(lower: list[float], upper: list[float], y0: float, y1: float, role: str) -> Polygon:
    """Every unit below joined to every unit above, as in a fully connected layer.

    One outline-only polygon draws all the lines (one artist instead of one per line):
    its path zigzags a1 b1 a1 b2 ... a1 bn a2 b1 ..., and every consecutive pair (and the
    closing bn back to a1) is one of the unit-to-unit lines.
    """
    points = tuple(
        point for a in lower for b in upper for point in ((a, y0 + _UNIT / 2), (b, y1 - _UNIT / 2))
    )
    return Polygon(points, role="none", edge=role, linewidth=0.45)


def _layer_shapes(tr: Trace, layer: int) -> list[tuple[str, str]]:
    """(name, shape) of the states a layer carries along time, read from the trace."""
    t = tr.seq_len - 1
    shapes = [("h_t", tr.hidden(layer, 0, t).shape)]
    if tr.kind == "LSTM":
        shapes.append(("c_t", tr.cell(layer, 0, t).shape))
    return [(name, tuple(shape)) for name, shape in shapes]


def build(tr: Trace, labels: Labels) -> Layout:
    steps, layers = grid_axes(tr)
    legend = _legend_entries(tr, labels)
    input_y = _LEGEND_BOTTOM + _LEGEND_PITCH * (len(legend) - 1) + 0.85
    unit_slots = max(len(elide(n, _UNITS_SHOWN)) for n in (tr.input_size, tr.hidden_size))
    cell_w = _UNIT_PITCH * unit_slots + _CELL_PAD
    grid = Grid(
        steps=steps,
        layers=layers,
        directions=1,
        left=_LEFT_MARGIN + cell_w / 2,
        pitch=cell_w + _GAP_X,
        base=input_y + _BAND,
        band=_BAND,
        row_pitch=0.0,
        cell_w=cell_w,
        cell_h=_CELL_H,
    )
    has_cell = tr.kind == "LSTM"
    top = grid.band_top(len(layers) - 1)
    # A single layer passes h up to no layer: say only what the figure shows.
    title_key = "stacked_title" if tr.num_layers > 1 else "stacked_title_one_layer"
    title_key += "" if has_cell else "_h_only"
    title = labels(title_key, layers=tr.num_layers, kind=tr.kind, steps=tr.seq_len)
    width = max(
        grid.span[1] + 0.35 + _shapes_width(tr, labels),
        title_width(title),
        _LEGEND_TEXT_X + block_width([text for _, text in legend], _LABEL_SIZE) + 0.2,
    )
    height = top + 1.0
    layout = Layout(width=width, height=height)
    _describe(layout, tr, labels)
    layout.add(figure_title(title, width, height))
    layout.add(*_columns(grid, tr, labels))
    layout.add(*_rows(grid, tr, labels))
    layout.add(*_column_highlight(grid, tr, labels, top))
    layout.add(*time_labels(grid, labels, input_y - 0.36))
    gap_points = [(input_y, None)] + [(grid.y(band), None) for band, _ in grid.bands()]
    layout.add(*time_gap_marks(grid, gap_points))
    layout.add(*layer_gap_marks(grid, 0.5))
    layout.add(*_legend(legend))
    return layout


def _shapes_width(tr: Trace, labels: Labels) -> float:
    """Room for the shapes written right of the grid."""
    names = [("x_t", tuple(input_at(tr, 0).shape)), *_layer_shapes(tr, 0)]
    return max(
        text_width(labels("shape_of", name=name, shape=labels.shape(shape)), _SMALL_SIZE)
        for name, shape in names
    )


def _input_y(grid: Grid) -> float:
    """Height of the input row: one band below layer 0."""
    return grid.base - grid.band


def _describe(layout: Layout, tr: Trace, labels: Labels) -> None:
    shapes = dict(_layer_shapes(tr, 0))
    values = {
        "layers": tr.num_layers,
        "kind": tr.kind,
        "steps": tr.seq_len,
        "x_shape": labels.shape(tuple(input_at(tr, 0).shape)),
        "features": tr.input_size,
        "h_shape": labels.shape(shapes["h_t"]),
    }
    up = "stacked_alt_up" if tr.num_layers > 1 else "stacked_alt_up_one_layer"
    values["up"] = labels(up, units=tr.hidden_size)
    if "c_t" in shapes:
        layout.alt = labels("stacked_alt", c_shape=labels.shape(shapes["c_t"]), **values)
    else:
        layout.alt = labels("stacked_alt_h_only", **values)


def _columns(grid: Grid, tr: Trace, labels: Labels) -> list[Element]:
    """The unit rows of every drawn column, joined upwards like a feed-forward net."""
    elements: list[Element] = []
    for slot, _ in grid.columns():
        x = grid.centre(slot)
        below_y = input_y = _input_y(grid)
        units, below = _units_row(x, input_y, tr.input_size, "input")
        elements.append(
            Box(
                x - grid.cell_w / 2,
                input_y - _CELL_H / 2,
                grid.cell_w,
                _CELL_H,
                role="none",
                edge="input_line",
                linewidth=0.8,
            )
        )
        elements += units
        link_role = "input_line"
        for band, layer in enumerate(grid.layers):
            if layer is None:
                below = None
                continue
            y = grid.y(band)
            elements.append(grid.box(band, 0, slot, role="cell", linewidth=0.9))
            units, xs = _units_row(x, y, tr.hidden_size, "cell")
            if below is not None:
                elements.append(_dense(below, xs, below_y, y, link_role))
            elements += units
            below, below_y, link_role = xs, y, "hidden"
    return elements


def _rows(grid: Grid, tr: Trace, labels: Labels) -> list[Element]:
    """(h, c) carried right along each layer, with names on the left and shapes on the right."""
    has_cell = tr.kind == "LSTM"
    carried = [("hidden", _STATE_OFFSET if has_cell else 0.0, "h")]
    if has_cell:
        carried.append(("state", -_STATE_OFFSET, "c"))
    right = grid.span[1] + 0.15
    input_y = _input_y(grid)
    features = labels("stacked_features", count=tr.input_size)
    elements: list[Element] = [
        *_row_names(input_y, labels("stacked_input"), features, "input_line"),
        Text(
            right,
            input_y,
            labels("shape_of", name="x_t", shape=labels.shape(tuple(input_at(tr, 0).shape))),
            size=_SMALL_SIZE,
            ha="left",
            family="mono",
        ),
    ]
    units = labels("stacked_units", count=tr.hidden_size)
    for band, layer in grid.bands():
        y = grid.y(band)
        elements += _row_names(y, labels("layer_n", n=layer), units, "hidden")
        for role, offset, symbol in carried:
            elements += carry_arrows(grid, band, 0, role=role, offset=offset)
            arrows, start, _ = row_ends(grid, band, 0, role=role, offset=offset)
            elements += arrows
            elements.append(
                Text(start[0] - 0.04, start[1], symbol, size=_SMALL_SIZE, role=role, ha="right")
            )
        for index, (name, shape) in enumerate(_layer_shapes(tr, layer)):
            elements.append(
                Text(
                    right,
                    y + (0.09 if has_cell else 0.0) - 0.2 * index,
                    labels("shape_of", name=name, shape=labels.shape(shape)),
                    size=_SMALL_SIZE,
                    ha="left",
                    family="mono",
                    role=carried[index][0],
                )
            )
    return elements


def _row_names(y: float, name: str, count: str, role: str) -> list[Text]:
    """A row's name on the left, and under it, in ``role``, its features or units."""
    return [
        Text(0.12, y + 0.09, name, size=_LABEL_SIZE, ha="left"),
        Text(0.12, y - 0.11, count, size=_SMALL_SIZE, ha="left", role=role),
    ]


def _column_highlight(grid: Grid, tr: Trace, labels: Labels, top: float) -> list[Element]:
    """A dashed frame around the first column: one time step is a feed-forward net."""
    sizes = [str(tr.input_size)] + [
        labels("ellipsis") if layer is None else str(tr.hidden_size) for layer in grid.layers
    ]
    join = labels("stacked_size_join")
    x = grid.centre(0) - grid.cell_w / 2 - 0.08
    bottom = _input_y(grid) - _CELL_H / 2 - 0.08
    return [
        Box(
            x,
            bottom,
            grid.cell_w + 0.16,
            top + 0.08 - bottom,
            role="none",
            edge="highlight",
            dashed=True,
            linewidth=1.4,
        ),
        Text(
            x,
            top + 0.22,
            labels("stacked_column", sizes=join.join(sizes)),
            size=_LABEL_SIZE,
            ha="left",
            role="text",
        ),
    ]


def _legend_entries(tr: Trace, labels: Labels) -> list[tuple[str | None, str]]:
    """(arrow role or None, text): what the arrows carry; c is the cell state, not a gate."""
    entries: list[tuple[str | None, str]] = []
    one_layer = "_one_layer" if tr.num_layers == 1 else ""
    if tr.kind == "LSTM":
        entries += [
            ("hidden", labels("stacked_legend_h" + one_layer)),
            ("state", labels("stacked_legend_c")),
        ]
    else:
        entries.append(("hidden", labels("stacked_legend_h_only" + one_layer, kind=tr.kind)))
    if tr.num_directions == 2:
        entries.append((None, labels("stacked_bidirectional", size=2 * tr.output_size)))
    return entries


def _legend(entries: list[tuple[str | None, str]]) -> list[Element]:
    elements: list[Element] = []
    for index, (role, text) in enumerate(entries):
        y = _LEGEND_BOTTOM + _LEGEND_PITCH * (len(entries) - 1 - index)
        if role is not None:
            elements.append(Arrow((0.15, y), (0.55, y), role=role))
        elements.append(Text(_LEGEND_TEXT_X, y, text, size=_LABEL_SIZE, ha="left"))
    return elements
