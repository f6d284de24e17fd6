"""Every parameter's shape: the gates' row blocks of each weight, every layer, and the total count."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from lstm_figures.figures.parts.text import (
    block_width,
    dots,
    figure_title,
    text_lines,
    text_width,
    title_width,
)
from lstm_figures.labels import Labels
from lstm_figures.layout import Box, Element, Layout, Text, elide
from lstm_figures.tracing import GATE_NAMES, Trace

#: Layers listed in the table (the first and last are always kept).
LAYER_SLOTS = 4
#: Parameter kinds in the order PyTorch registers them (and the table's columns).
KINDS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")

_NAME = re.compile(r"^(?P<kind>.+)_l(?P<layer>\d+)(?P<reverse>_reverse)?$")
_BAND_H = 0.36  # one gate's block of rows in the anatomy
_BIAS_W = 0.22
_MONO, _SIZE, _SMALL = 8, 8.5, 7.5
_ROW = 0.25  # table row pitch


@dataclass(frozen=True)
class Parameter:
    """One parameter, its place in the module, and its shape as the trace recorded it."""

    name: str
    kind: str  # e.g. "weight_ih"
    layer: int
    direction: int
    shape: tuple[int, ...]

    @property
    def suffix(self) -> str:
        return self.name[len(self.kind) :]

    @property
    def count(self) -> int:
        return math.prod(self.shape)


def parameters(tr: Trace) -> list[Parameter]:
    """Every parameter of the trace's module, in registration order."""
    result = []
    for name, shape in tr.parameter_shapes.items():
        match = _NAME.match(name)
        if match is None:  # pragma: no cover - recurrent modules name every parameter so
            raise ValueError(f"unexpected parameter name {name!r}")
        result.append(
            Parameter(
                name,
                match["kind"],
                int(match["layer"]),
                1 if match["reverse"] else 0,
                tuple(shape),
            )
        )
    return result


def total_count(tr: Trace) -> int:
    """The number of parameters: the sum of each shape's product (``sum(p.numel())``)."""
    return sum(math.prod(shape) for shape in tr.parameter_shapes.values())


def gate_blocks(tr: Trace) -> list[tuple[str | None, int, int]]:
    """(gate name, first row, end row) of each block of rows, in PyTorch's order.

    A plain RNN has one block with no gate name.
    """
    names = GATE_NAMES[tr.kind] or (None,)
    size = tr.hidden_size
    return [(name, k * size, (k + 1) * size) for k, name in enumerate(names)]


def _width(columns: int) -> float:
    """A weight's drawn width: wider for more columns, within bounds (the shape says how many)."""
    return min(1.5, 0.35 + 0.1 * columns)


def build(tr: Trace, labels: Labels) -> Layout:
    params = parameters(tr)
    total = total_count(tr)
    first = {p.kind: p for p in params if p.layer == 0 and p.direction == 0}
    kinds = [k for k in KINDS if k in first]
    blocks = gate_blocks(tr)

    table = _table_rows(tr, params)
    columns = _table_columns(labels, kinds, table)
    table_width = columns.right
    anatomy_h = _BAND_H * len(blocks)
    table_h = _ROW * (len(table) + 2)
    total_line = labels("params_total", count=total)
    anatomy = _anatomy(tr, labels, first, kinds, blocks, top=0.0)
    anatomy_w = right_edge(anatomy) + 0.3
    title = labels("params_title", kind=tr.kind, count=total)
    width = max(
        anatomy_w,
        table_width + 0.3,
        0.3 + text_width(total_line, _SIZE) + 0.3,
        title_width(title),
    )
    # Bottom up: the total, the table, the anatomy of layer 0, the title.
    table_top = 0.35 + 0.2 + table_h
    anatomy_top = table_top + 1.05 + anatomy_h
    height = anatomy_top + 1.55
    layout = Layout(width=width, height=height)
    layout.alt = _alt(tr, labels, first, kinds, blocks, total)
    layout.add(figure_title(title, width, height))
    layout.add(*_anatomy(tr, labels, first, kinds, blocks, top=anatomy_top))
    layout.add(*_table(labels, table, columns, table_top))
    last = next(r for r in reversed(table) if r.layer is not None).params[kinds[0]]
    example = labels("params_name_example", kind=last.kind, suffix=last.suffix, name=last.name)
    layout.add(
        Text(
            0.3,
            table_top - _ROW * (len(table) + 1),
            labels("params_name_rule", example=example),
            size=_SMALL,
            ha="left",
            role="muted",
        )
    )
    layout.add(Text(0.3, 0.35, total_line, size=_SIZE, ha="left", weight="bold"))
    return layout


def _gate_label(tr: Trace, labels: Labels, name: str | None) -> str:
    if name is None:
        return labels("params_block_rnn")
    return labels("params_gate", gate=name, words=labels(f"params_gate_{name}"))


def _anatomy(
    tr: Trace,
    labels: Labels,
    first: dict[str, Parameter],
    kinds: list[str],
    blocks: list[tuple[str | None, int, int]],
    top: float,
) -> list[Element]:
    """Layer 0's weights and biases side by side, their rows split into the gates' blocks."""
    gate_texts = [_gate_label(tr, labels, name) for name, _, _ in blocks]
    rows_texts = [labels("params_rows", start=start, stop=stop) for _, start, stop in blocks]
    rows_x = 0.3 + block_width(gate_texts, _SIZE) + 0.15
    x = rows_x + block_width(rows_texts, _MONO) + 0.3
    key = "params_anatomy" if tr.kind != "RNN" else "params_anatomy_rnn"
    order = labels("params_order_join").join(name for name, _, _ in blocks if name)
    elements: list[Element] = [
        Text(0.3, top + 0.9, labels(key, order=order), size=9.5, ha="left", weight="bold")
    ]
    for row, (gate_text, rows_text) in enumerate(zip(gate_texts, rows_texts, strict=True)):
        y = top - _BAND_H * (row + 0.5)
        elements += [
            Text(0.3, y, gate_text, size=_SIZE, ha="left"),
            Text(rows_x, y, rows_text, size=_MONO, ha="left", family="mono", role="muted"),
        ]
    bottom = top - _BAND_H * len(blocks)
    for kind in kinds:
        param = first[kind]
        if kind == "weight_hr":
            continue  # not split into gates: drawn apart below
        w = _width(param.shape[1]) if len(param.shape) == 2 else _BIAS_W
        note = _columns_note(labels, kind, param).split("\n")
        slot = max(w, block_width(note, _SMALL), text_width(param.name, _MONO))
        left = x + (slot - w) / 2
        for row, (name, _, _) in enumerate(blocks):
            elements.append(
                Box(
                    left,
                    top - _BAND_H * (row + 1),
                    w,
                    _BAND_H,
                    role="cell" if row % 2 == 0 else "input",
                    text=name,
                    rounded=False,
                    linewidth=0.8,
                )
            )
        elements += [
            *_name_and_shape(labels, param, x + slot / 2, top),
            *text_lines(x + slot / 2, bottom - 0.3, note, _SMALL, 0.18, role="muted"),
        ]
        x += slot + 0.35
    if "weight_hr" in first:
        elements += _projection(labels, first["weight_hr"], x + 0.1, top)
    return elements


def _name_and_shape(labels: Labels, param: Parameter, x: float, top: float) -> list[Text]:
    """A parameter's name and shape, centred above it."""
    return [
        Text(x, top + 0.45, param.name, size=_MONO, family="mono"),
        Text(x, top + 0.22, _shape(labels, param.shape), size=_MONO, family="mono"),
    ]


def right_edge(elements: list[Element]) -> float:
    """The rightmost point of some elements (text widths estimated)."""
    edges = []
    for e in elements:
        if isinstance(e, Box):
            edges.append(e.x + e.w)
        elif isinstance(e, Text):
            w = text_width(e.text, e.size)
            edges.append(e.x + {"left": w, "center": w / 2, "right": 0.0}[e.ha])
    return max(edges)


def _columns_note(labels: Labels, kind: str, param: Parameter) -> str:
    """What a weight's columns multiply (or, for a bias, that it has one number per row)."""
    if kind == "weight_ih":
        return labels("params_columns_x", n=param.shape[1])
    if kind == "weight_hh":
        return labels("params_columns_h", n=param.shape[1])
    return labels("params_bias")


def _projection(labels: Labels, param: Parameter, x: float, top: float) -> list[Element]:
    """weight_hr_l0: not split into gates; it maps H features to proj_size."""
    rows, cols = param.shape
    w, h = _width(cols), min(_BAND_H * 2, 0.12 + 0.06 * rows)
    note = labels("params_projection", h=cols, p=rows).split("\n")
    slot = max(w, block_width(note, _SMALL), text_width(param.name, _MONO))
    return [
        Box(x + (slot - w) / 2, top - h, w, h, role="hidden", rounded=False, linewidth=0.8),
        *_name_and_shape(labels, param, x + slot / 2, top),
        *text_lines(x + slot / 2, top - h - 0.3, note, _SMALL, 0.18, role="muted"),
    ]


def _shape(labels: Labels, shape: tuple[int, ...]) -> str:
    return labels.shape(shape)


@dataclass(frozen=True)
class TableRow:
    """One line of the table: a layer and direction's parameters, or the "⋮" of elided layers."""

    layer: int | None
    direction: int
    params: dict[str, Parameter]

    @property
    def count(self) -> int:
        return sum(p.count for p in self.params.values())


def _table_rows(tr: Trace, params: list[Parameter]) -> list[TableRow]:
    rows = []
    for layer in elide(tr.num_layers, LAYER_SLOTS):
        if layer is None:
            rows.append(TableRow(None, 0, {}))
            continue
        for direction in range(tr.num_directions):
            own = {p.kind: p for p in params if p.layer == layer and p.direction == direction}
            rows.append(TableRow(layer, direction, own))
    return rows


def _row_name(labels: Labels, row: TableRow) -> str:
    word = labels("forward" if row.direction == 0 else "backward")
    return labels("params_row", n=row.layer, direction=word)


_GAP = "   "  # between the columns of the table's monospaced block
_MONO_ADVANCE = 0.602  # DejaVu Sans Mono's character width, in em


@dataclass(frozen=True)
class TableColumns:
    """Where the table's columns go.

    The shapes and counts of a row are one monospaced text, padded into columns: a text
    costs as much to draw as many boxes, so the table has three texts per row, not seven.
    """

    suffix_x: float
    layer_x: float
    block_x: float
    kinds: tuple[str, ...]
    chars: tuple[int, ...]  # characters per block column: one per kind, then the count
    count_header: str

    def block(self, cells: list[str]) -> str:
        """Cells padded into the block's columns."""
        return _GAP.join(c.ljust(n) for c, n in zip(cells, self.chars, strict=True)).rstrip()

    @property
    def count_x(self) -> float:
        before = sum(self.chars[:-1]) + len(_GAP) * (len(self.chars) - 1)
        return self.block_x + before * _MONO_ADVANCE * _MONO / 72

    @property
    def right(self) -> float:
        block = sum(self.chars) + len(_GAP) * (len(self.chars) - 1)
        return max(
            self.block_x + block * _MONO_ADVANCE * _MONO / 72,
            self.count_x + text_width(self.count_header, _SIZE),
        )


def _table_columns(labels: Labels, kinds: list[str], rows: list[TableRow]) -> TableColumns:
    """Columns: suffix, layer and direction, then the block of shapes and the count."""
    drawn = [r for r in rows if r.layer is not None]
    suffix_w = block_width(
        [labels("params_suffix")] + [r.params[kinds[0]].suffix for r in drawn], _SIZE
    )
    layer_w = block_width([labels("params_layer")] + [_row_name(labels, r) for r in drawn], _SIZE)
    chars = [
        max(len(kind), *(len(_shape(labels, r.params[kind].shape)) for r in drawn))
        for kind in kinds
    ]
    count_header = labels("params_count")
    # The count header is a word (not monospaced): its column is as wide as it is.
    header_chars = round(text_width(count_header, _SIZE) / (_MONO_ADVANCE * _MONO / 72))
    chars.append(max(header_chars, *(len(str(r.count)) for r in drawn)))
    layer_x = 0.3 + suffix_w + 0.3
    return TableColumns(
        suffix_x=0.3,
        layer_x=layer_x,
        block_x=layer_x + layer_w + 0.3,
        kinds=tuple(kinds),
        chars=tuple(chars),
        count_header=count_header,
    )


def _table(
    labels: Labels, rows: list[TableRow], columns: TableColumns, top: float
) -> list[Element]:
    """Every layer and direction: each parameter's shape and their count."""
    header = {"size": _SIZE, "ha": "left", "role": "muted"}
    elements: list[Element] = [
        Text(columns.suffix_x, top, labels("params_suffix"), **header),
        Text(columns.layer_x, top, labels("params_layer"), **header),
        Text(
            columns.block_x,
            top,
            columns.block([*columns.kinds, ""]),
            size=_MONO,
            ha="left",
            role="muted",
            family="mono",
        ),
        Text(columns.count_x, top, columns.count_header, **header),
    ]
    for number, row in enumerate(rows, start=1):
        y = top - _ROW * number
        if row.layer is None:
            elements.append(dots(columns.layer_x + 0.3, y, vertical=True))
            continue
        role = "backward" if row.direction else "text"
        suffix = next(iter(row.params.values())).suffix
        cells = [_shape(labels, row.params[kind].shape) for kind in columns.kinds]
        elements += [
            Text(columns.suffix_x, y, suffix, size=_MONO, ha="left", family="mono", role=role),
            Text(columns.layer_x, y, _row_name(labels, row), size=_SIZE, ha="left", role=role),
            Text(
                columns.block_x,
                y,
                columns.block([*cells, str(row.count)]),
                size=_MONO,
                ha="left",
                family="mono",
            ),
        ]
    return elements


def _alt(
    tr: Trace,
    labels: Labels,
    first: dict[str, Parameter],
    kinds: list[str],
    blocks: list[tuple[str | None, int, int]],
    total: int,
) -> str:
    shapes = labels("params_join").join(
        labels("shape_of", name=first[k].name, shape=_shape(labels, first[k].shape)) for k in kinds
    )
    order = labels("params_order_join").join(name for name, _, _ in blocks if name)
    rows = labels("params_alt_rows", order=order) if order else labels("params_alt_rows_rnn")
    return labels(
        "params_alt",
        kind=tr.kind,
        layers=tr.num_layers,
        directions=tr.num_directions,
        shapes=shapes,
        rows=rows,
        count=total,
    )
