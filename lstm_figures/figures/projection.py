"""proj_size: h and output get proj_size features through weight_hr, the cell state keeps hidden_size."""

from __future__ import annotations

from dataclasses import dataclass

from lstm_figures.figures.parts import gate_paths, gate_values
from lstm_figures.figures.parts.text import (
    block_width,
    dots,
    figure_title,
    text_lines,
    text_width,
    title_width,
)
from lstm_figures.labels import Labels
from lstm_figures.layout import Arrow, Box, Element, Layout, Text, elide
from lstm_figures.tracing import Trace

_CELL = 0.17  # a cell of the weight_hr grid
_GAP = 0.12  # its elided row or column
_SLOTS = gate_paths.SLOTS
_NOTE_Y = 0.3  # the note under the shape table
_ROW_PITCH = 0.27  # lines of the shape table
_MONO, _SIZE = 8.5, 8.5


@dataclass(frozen=True)
class Matrix:
    """A (rows, columns) weight drawn as a grid of cells, both axes elided."""

    left: float
    top: float
    rows: tuple[int | None, ...]
    cols: tuple[int | None, ...]

    @staticmethod
    def extent(slots: tuple[int | None, ...]) -> float:
        return sum(_CELL if s is not None else _GAP for s in slots)

    @property
    def width(self) -> float:
        return self.extent(self.cols)

    @property
    def height(self) -> float:
        return self.extent(self.rows)

    def starts(self, slots: tuple[int | None, ...]) -> list[float]:
        """Where each slot starts along its axis, from the grid's edge."""
        position, result = 0.0, []
        for s in slots:
            result.append(position)
            position += _CELL if s is not None else _GAP
        return result

    def cells(self) -> list[Element]:
        """Plain cells (the trace records shapes, not weight values) and "⋯"/"⋮" marks."""
        elements: list[Element] = []
        row_starts, col_starts = self.starts(self.rows), self.starts(self.cols)
        for r, row in enumerate(self.rows):
            y = self.top - row_starts[r]
            for c, col in enumerate(self.cols):
                x = self.left + col_starts[c]
                if row is not None and col is not None:
                    elements.append(
                        Box(x, y - _CELL, _CELL, _CELL, role="cell", rounded=False, linewidth=0.5)
                    )
                elif row is None and col is not None:
                    elements.append(dots(x + _CELL / 2, y - _GAP / 2, vertical=True, pitch=0.03))
                elif col is None and row is not None:
                    elements.append(dots(x + _GAP / 2, y - _CELL / 2, pitch=0.03))
        return elements


def parameter(name: str, layer: int = 0, direction: int = 0) -> str:
    """A parameter's name, e.g. ``weight_hr_l0`` or ``weight_hh_l1_reverse``."""
    return gate_values.weight_name(name, layer, direction)


def shape_rows(tr: Trace) -> list[tuple[str, tuple[int, ...], str, str]]:
    """(name, shape from the trace, the shape in symbols, catalogue key of why) per row."""
    shapes = tr.shapes()
    batch_axes = ("N",) if tr.batched else ()
    time_and_batch = (*batch_axes, "T") if tr.batch_first else ("T", *batch_axes)
    per_direction = "D·P" if tr.num_directions == 2 else "P"
    output_why = "proj_why_output_bidir" if tr.num_directions == 2 else "proj_why_output"
    rows = [
        ("output", shapes["output"], (*time_and_batch, per_direction), output_why),
        ("h_n", shapes["h_n"], ("L·D", *batch_axes, "P"), "proj_why_h_n"),
        ("c_n", shapes["c_n"], ("L·D", *batch_axes, "H"), "proj_why_c_n"),
        (parameter("weight_hr"), shapes[parameter("weight_hr")], ("P", "H"), "proj_why_hr"),
        (parameter("weight_hh"), shapes[parameter("weight_hh")], ("4H", "P"), "proj_why_hh"),
        (parameter("weight_ih"), shapes[parameter("weight_ih")], ("4H", "F"), "proj_why_ih"),
    ]
    if tr.num_layers > 1:
        name = parameter("weight_ih", 1)
        rows.append((name, shapes[name], ("4H", per_direction), "proj_why_ih_above"))
    return [(name, shape, "(" + ", ".join(s) + ")", why) for name, shape, s, why in rows]


def build(tr: Trace, labels: Labels) -> Layout:
    if tr.proj_size == 0:
        raise ValueError(
            "the projection figure needs an LSTM built with proj_size > 0 (--proj-size on the "
            f"command line), and this {tr.kind} has no projection"
        )
    hidden, proj = tr.hidden_size, tr.proj_size
    c_shape = labels.shape(tuple(tr.cell(0, 0, 0).shape))
    h_shape = labels.shape(tuple(tr.hidden(0, 0, 0).shape))

    # Bottom up: a note, the shape table, then the chain c_t → o ⊙ tanh(c_t) → weight_hr → h_t.
    table = shape_rows(tr)
    table_top = _NOTE_Y + 0.35 + _ROW_PITCH * (len(table) - 1)
    rows, cols = tuple(elide(proj, _SLOTS)), tuple(elide(hidden, _SLOTS))
    matrix_h = Matrix.extent(rows)
    c_height = gate_paths.column(hidden, 0, 0).height
    chain_y = table_top + 0.45 + max(c_height / 2 + 0.55, matrix_h / 2 + 0.6)
    c_col = gate_paths.column(hidden, 1.0, chain_y)
    gated = gate_paths.column(hidden, 3.0, chain_y)
    matrix = Matrix(4.1, chain_y + matrix_h / 2, rows, cols)
    matrix_right = matrix.left + matrix.width
    h_col = gate_paths.column(proj, matrix_right + 1.0, chain_y)

    name_w = max(text_width(f"{name}: {labels.shape(shape)}", _MONO) for name, shape, *_ in table)
    symbols_w = max(text_width(symbols, _MONO) for *_, symbols, _ in table)
    why_x = 0.6 + name_w + symbols_w + 0.5
    title = labels("proj_title", proj=proj, hidden=hidden)
    notes = [labels(why) for *_, why in table]
    to_output = labels("proj_to_output")
    width = max(
        h_col.right + 0.4 + text_width(labels("proj_to_next"), _SIZE) + 0.3,
        h_col.x + text_width(to_output, _SIZE) / 2 + 0.3,
        why_x + block_width(notes, _SIZE) + 0.3,
        title_width(title),
    )
    height = max(h_col.top + 1.05, matrix.top + 0.6, c_col.top + 0.55) + 0.6
    layout = Layout(width=width, height=height)
    layout.add(figure_title(title, width, height))
    layout.alt = _alt(tr, labels, table)

    # Strong fills for c and h, with pale lines between their units.
    layout.add(*gate_paths.column_cells(c_col, None, role="state", edge="cell"))
    layout.add(*gate_paths.column_cells(gated, None))
    layout.add(*matrix.cells())
    layout.add(*gate_paths.column_cells(h_col, None, role="hidden", edge="cell"))
    layout.add(
        *_captions(c_col, "$c_t$", c_shape, "state"),
        *_captions(gated, "$o \\odot \\tanh(c_t)$", c_shape, "text"),
        *_captions(h_col, "$h_t$", h_shape, "hidden"),
    )
    # The matrix: its name and shape above, its axes named by what they hold.
    name = parameter("weight_hr")
    shape = labels.shape(tr.parameter_shapes[name])
    middle = matrix.left + matrix.width / 2
    layout.add(
        Text(
            middle,
            matrix.top + 0.42,
            labels("shape_of", name=name, shape=shape),
            size=_MONO,
            family="mono",
        ),
        Text(middle, matrix.top + 0.16, labels("proj_columns", n=hidden), size=7.5, role="muted"),
        Text(
            middle,
            matrix.top - matrix_h - 0.15,
            labels("proj_rows", n=proj),
            size=7.5,
            role="muted",
        ),
        Text(
            middle,
            matrix.top - matrix_h - 0.45,
            "$h_t = W_{hr}\\,(o \\odot \\tanh(c_t))$",
            size=9,
            role="hidden",
        ),
    )
    layout.add(
        Arrow((c_col.right, chain_y), (gated.left, chain_y), role="state"),
        Arrow((gated.right, chain_y), (matrix.left - 0.1, chain_y)),
        Arrow((matrix_right + 0.1, chain_y), (h_col.left, chain_y), role="hidden", linewidth=1.8),
        # Where h_t and c_t go next.
        Arrow((h_col.right, chain_y), (h_col.right + 0.35, chain_y), role="hidden"),
        Text(h_col.right + 0.4, chain_y, labels("proj_to_next"), size=_SIZE, ha="left"),
        Arrow((h_col.x, h_col.top + 0.58), (h_col.x, h_col.top + 0.85), role="hidden"),
        Text(h_col.x, h_col.top + 0.97, to_output, size=_SIZE),
        Arrow((c_col.x, c_col.bottom), (c_col.x, c_col.bottom - 0.3), role="state"),
        *text_lines(
            c_col.x - 0.15,
            c_col.bottom - 0.5,
            labels("proj_c_next", hidden=hidden).split("\n"),
            _SIZE,
            0.2,
            ha="left",
        ),
    )
    layout.add(*_table(labels, table, table_top, name_w, symbols_w, why_x))
    count = sum(1 for n in tr.parameter_shapes if n.startswith("weight_hr"))
    layout.add(
        Text(
            0.3,
            _NOTE_Y,
            labels("proj_every_layer", count=count, shape=shape),
            size=_SIZE,
            ha="left",
            role="muted",
        )
    )
    return layout


def _captions(col: gate_paths.Column, symbol: str, shape: str, role: str) -> list[Text]:
    """A vector's symbol above it, and its shape across the batch under the symbol."""
    return [
        Text(col.x, col.top + 0.4, symbol, size=11, role=role),
        Text(col.x, col.top + 0.15, shape, size=7.5, family="mono", role="muted"),
    ]


def _table(labels: Labels, table, top: float, name_w: float, symbols_w: float, why_x: float):
    """One line per tensor: its real shape, the shape in symbols, and why."""
    elements: list[Element] = []
    roles = {"output": "output", "h_n": "hidden", "c_n": "state"}
    for row, (name, shape, symbols, why) in enumerate(table):
        y = top - _ROW_PITCH * row
        role = roles.get(name, "text")
        elements += [
            Text(
                0.3,
                y,
                labels("shape_of", name=name, shape=labels.shape(shape)),
                size=_MONO,
                family="mono",
                ha="left",
                role=role,
            ),
            Text(0.6 + name_w, y, symbols, size=_MONO, family="mono", ha="left", role="muted"),
            Text(why_x, y, labels(why), size=_SIZE, ha="left"),
        ]
    return elements


def _alt(tr: Trace, labels: Labels, table) -> str:
    shapes = labels("proj_join").join(
        labels("shape_of", name=name, shape=labels.shape(shape)) for name, shape, *_ in table
    )
    return labels(
        "proj_alt",
        proj=tr.proj_size,
        hidden=tr.hidden_size,
        w_hr=parameter("weight_hr"),
        shapes=shapes,
    )
