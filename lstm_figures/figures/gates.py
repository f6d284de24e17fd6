"""Inside one LSTM cell: the gates i, f, g, o with their real values, and how they make c_t and h_t."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from lstm_figures.figures import grid as g
from lstm_figures.figures.data_cube import colour_key
from lstm_figures.labels import Labels
from lstm_figures.layout import Arrow, Box, Element, Layout, Text, elide
from lstm_figures.tracing import Trace

#: Slots per vector: up to this many units are drawn, more are elided with "⋮".
SLOTS = 8
#: The gates in the order the diagram reads them (the cell-state path meets f first).
DRAWN_GATES = ("f", "i", "g", "o")

_CELL_W, _CELL_H, _GAP_H = 0.3, 0.17, 0.14  # one unit of a vector, and the "⋮" slot
_NODE = 0.3  # side of a ⊙ or + node
_STATE_LINE = 2.2  # width of the cell-state path
_BUS_Y = 1.9  # the line that brings x_t and h_(t-1) to the gates
_LINE_Y = (0.35, 0.65, 0.95, 1.25)  # text lines under the bus, bottom up
_NAME_SIZE, _NOTE_SIZE, _TICK_SIZE = 11, 7.5, 6


@dataclass(frozen=True)
class Column:
    """A vector drawn top to bottom, one coloured cell per kept unit."""

    x: float  # centre
    top: float
    slots: tuple[int | None, ...]

    @property
    def height(self) -> float:
        return sum(_CELL_H if unit is not None else _GAP_H for unit in self.slots)

    @property
    def bottom(self) -> float:
        return self.top - self.height

    @property
    def middle(self) -> float:
        return self.top - self.height / 2

    @property
    def left(self) -> float:
        return self.x - _CELL_W / 2

    @property
    def right(self) -> float:
        return self.x + _CELL_W / 2

    def slot_y(self, slot: int) -> float:
        """Centre y of one slot."""
        above = sum(_CELL_H if u is not None else _GAP_H for u in self.slots[:slot])
        own = _CELL_H if self.slots[slot] is not None else _GAP_H
        return self.top - above - own / 2


def column(size: int, x: float, middle: float) -> Column:
    """A column of ``size`` units (elided to :data:`SLOTS`) centred on ``middle``."""
    slots = tuple(elide(size, SLOTS))
    height = sum(_CELL_H if unit is not None else _GAP_H for unit in slots)
    return Column(x, middle + height / 2, slots)


def column_cells(
    col: Column, values: torch.Tensor | None, edge: str = "edge", role: str = "cell"
) -> list[Element]:
    """The kept units of ``values`` (a 1-D tensor) as cells coloured by value.

    Without values, the cells are filled with ``role``'s colour.
    """
    elements: list[Element] = []
    for slot, unit in enumerate(col.slots):
        y = col.slot_y(slot)
        if unit is None:
            elements.append(g.dots(col.x, y, vertical=True, pitch=0.035))
            continue
        elements.append(
            Box(
                col.left,
                y - _CELL_H / 2,
                _CELL_W,
                _CELL_H,
                role=role,
                value=None if values is None else float(values[unit]),
                rounded=False,
                linewidth=0.5,
                edge=edge,
            )
        )
    return elements


def unit_ticks(col: Column) -> list[Text]:
    """Unit indices left of a column (the "⋮" slot has none)."""
    return [
        Text(
            col.left - 0.05, col.slot_y(slot), str(unit), size=_TICK_SIZE, role="muted", ha="right"
        )
        for slot, unit in enumerate(col.slots)
        if unit is not None
    ]


def node(x: float, y: float, text: str, width: float = _NODE) -> Box:
    """A small operation box (⊙, +, tanh) centred on (x, y)."""
    return Box(x - width / 2, y - _NODE / 2, width, _NODE, role="cell", text=text, size=10)


@dataclass(frozen=True)
class CellValues:
    """Everything one cell reads and makes, for one sequence of the batch (1-D tensors)."""

    layer: int
    direction: int
    t: int
    sequence: int
    gates: dict[str, torch.Tensor]
    x: torch.Tensor
    h_prev: torch.Tensor
    c_prev: torch.Tensor
    c: torch.Tensor
    h: torch.Tensor
    previous: int | None  # the step whose state the cell reads; None: the initial state


def _row(tr: Trace, tensor: torch.Tensor, sequence: int) -> torch.Tensor:
    """One sequence's row of an (N, size) tensor (unbatched traces have no batch axis)."""
    return tensor[sequence] if tr.batched else tensor


def previous_step(tr: Trace, direction: int, t: int, sequence: int = 0) -> int | None:
    """The time step whose state the cell at ``t`` reads, or None for the initial state.

    Forward cells read step t - 1; backward cells read t + 1, and start at the sequence's
    last valid step.
    """
    if direction == 0:
        return t - 1 if t > 0 else None
    last = (tr.lengths[sequence] if tr.lengths else tr.seq_len) - 1
    return t + 1 if t < last else None


def cell_values(tr: Trace, layer: int, direction: int, t: int, sequence: int = 0) -> CellValues:
    """The real vectors of one cell, read from the trace."""
    previous = previous_step(tr, direction, t, sequence)
    if previous is None:
        index = layer * tr.num_directions + direction
        h_prev, c_prev = (_row(tr, state[index], sequence) for state in (tr.h_0, tr.c_0))
    else:
        h_prev = _row(tr, tr.hidden(layer, direction, previous), sequence)
        c_prev = _row(tr, tr.cell(layer, direction, previous), sequence)
    if layer == 0:
        x = _row(tr, g.input_at(tr, t), sequence)
    else:
        below = [tr.hidden(layer - 1, d, t) for d in range(tr.num_directions)]
        x = _row(tr, torch.cat(below, dim=-1), sequence)
    return CellValues(
        layer=layer,
        direction=direction,
        t=t,
        sequence=sequence,
        gates={k: _row(tr, v, sequence) for k, v in tr.gates(layer, direction, t).items()},
        x=x,
        h_prev=h_prev,
        c_prev=c_prev,
        c=_row(tr, tr.cell(layer, direction, t), sequence),
        h=_row(tr, tr.hidden(layer, direction, t), sequence),
        previous=previous,
    )


def _check(tr: Trace, layer: int, direction: int, t: int, sequence: int) -> None:
    if tr.kind != "LSTM":
        other = "a GRU has three other gates" if tr.kind == "GRU" else "an RNN has no gates"
        raise ValueError(
            f"the gates figure draws the four gates of an LSTM cell, and {other}: "
            "see the gru_rnn figure"
        )
    tr._check_cell(layer, direction, t)
    count = tr.batch_size if tr.batched else 1
    if not 0 <= sequence < count:
        raise ValueError(f"sequence must be in range({count}), got {sequence}")
    if tr.lengths and t >= tr.lengths[sequence]:
        raise ValueError(
            f"t = {t} is padding in sequence {sequence} (its length is {tr.lengths[sequence]})"
        )


def weight_name(name: str, layer: int, direction: int) -> str:
    """A parameter's name, e.g. ``weight_ih_l1_reverse``."""
    return f"{name}_l{layer}" + ("_reverse" if direction else "")


def build(
    tr: Trace,
    labels: Labels,
    *,
    layer: int = 0,
    direction: int = 0,
    t: int | None = None,
    sequence: int = 0,
) -> Layout:
    """The cell at (``layer``, ``direction``, ``t``) for one sequence of the batch.

    By default: layer 0, forward, the last step of the first sequence.
    """
    if t is None:
        t = tr.final_step(direction, sequence) if tr.kind == "LSTM" else 0
    _check(tr, layer, direction, t, sequence)
    cell = cell_values(tr, layer, direction, t, sequence)
    projected = tr.proj_size > 0

    # Columns: inputs on the left, gates in the middle, results on the right.
    gates_middle = _BUS_Y + 0.3 + column(tr.hidden_size, 0, 0).height / 2
    gate_top = gates_middle + column(tr.hidden_size, 0, 0).height / 2
    state_y = gate_top + 0.95  # the cell-state path
    x_c_prev, x_h_prev, x_x = 0.75, 1.5, 2.25
    x_gate = {name: 3.15 + 0.85 * k for k, name in enumerate(DRAWN_GATES)}
    x_branch = x_gate["o"] + 0.8  # where c_t goes down to tanh and meets o
    x_proj = x_branch + 0.7
    x_result = (x_proj if projected else x_branch) + 0.8
    x_state = x_result + 0.75  # c_t, at the end of the cell-state path, right of h_t
    width = x_state + 0.9

    c_prev = column(tr.hidden_size, x_c_prev, state_y)
    h_prev = column(tr.output_size, x_h_prev, gates_middle)
    x_in = column(cell.x.numel(), x_x, gates_middle)
    gate_cols = {name: column(tr.hidden_size, x_gate[name], gates_middle) for name in DRAWN_GATES}
    c_new = column(tr.hidden_size, x_state, state_y)
    h_new = column(tr.output_size, x_result, gates_middle)
    height = c_prev.top + 1.05

    layout = Layout(width=width, height=height)
    direction_word = labels("forward" if direction == 0 else "backward")
    title = labels("gates_title", layer=layer, direction=direction_word, t=t, sequence=sequence)
    layout.add(g.title(title, width, height))
    layout.alt = labels(
        "gates_alt",
        layer=layer,
        direction=direction_word,
        t=t,
        sequence=sequence,
        units=tr.hidden_size,
        w_ih=weight_name("weight_ih", layer, direction),
        w_hh=weight_name("weight_hh", layer, direction),
        previous=_previous_words(tr, labels, cell),
        c_shape=labels.shape(tuple(tr.cell(layer, direction, t).shape)),
        h_shape=labels.shape(tuple(tr.hidden(layer, direction, t).shape)),
        h_formula=_h_formula_words(tr, labels, cell),
    )

    # The vectors, coloured by their real values.
    layout.add(*column_cells(c_prev, cell.c_prev, edge="state"))
    layout.add(*column_cells(h_prev, cell.h_prev, edge="hidden"))
    layout.add(*column_cells(x_in, cell.x, edge="input_line"))
    for name, col in gate_cols.items():
        layout.add(*column_cells(col, cell.gates[name]))
        layout.add(Text(col.left - 0.1, col.middle, name, size=_NAME_SIZE, ha="right"))
    layout.add(*column_cells(c_new, cell.c, edge="state"))
    layout.add(*column_cells(h_new, cell.h, edge="hidden"))
    # Unit numbers once, on the first column: every vector lists its units top down, and each
    # text costs as much to draw as a dozen cells.
    layout.add(*unit_ticks(c_prev))

    # Names above the vectors, and where the cell's inputs come from.
    layout.add(*_caption(c_prev, "$c_{t-1}$", "state", _source(tr, labels, cell, "c_0")))
    layout.add(*_caption(h_prev, "$h_{t-1}$", "hidden", _source(tr, labels, cell, "h_0")))
    x_source = labels("input") if layer == 0 else labels("gates_from_layer", n=layer - 1)
    layout.add(*_caption(x_in, "$x_t$", "input_line", x_source))
    layout.add(*_caption(c_new, "$c_t$", "state", labels("gates_to_next")))
    layout.add(*_caption(h_new, "$h_t$", "hidden", labels("gates_to_next")))

    layout.add(*_bus(tr, labels, cell, h_prev, x_in, gate_cols))
    layout.add(*_state_path(c_prev, c_new, gate_cols, state_y, x_branch))
    layout.add(
        *_output_path(gate_cols["o"], h_new, state_y, x_branch, x_proj if projected else None)
    )
    layout.add(*_worked_example(tr, labels, cell))

    values = [e.value for e in layout.elements if isinstance(e, Box) and e.value is not None]
    layout.value_limit = max((abs(v) for v in values), default=0.0) or 1.0
    colour_key(layout, labels, width - 2.75, 0.2)
    return layout


def _caption(col: Column, name: str, role: str, source: str) -> list[Text]:
    """A vector's symbol above it, with a small note (where it comes from or goes)."""
    return [
        Text(col.x, col.top + 0.37, name, size=_NAME_SIZE, role=role),
        Text(col.x, col.top + 0.13, source, size=_NOTE_SIZE, role="muted"),
    ]


def _source(tr: Trace, labels: Labels, cell: CellValues, initial: str) -> str:
    """Where the cell's previous state comes from: a time step, or the initial state."""
    if cell.previous is not None:
        return labels("t_equals", t=cell.previous)
    index = cell.layer * tr.num_directions + cell.direction
    return labels("gates_initial", name=initial, index=index)


def _previous_words(tr: Trace, labels: Labels, cell: CellValues) -> str:
    """The same, as words for the alt text."""
    if cell.previous is not None:
        return labels("gates_alt_previous_step", t=cell.previous)
    index = cell.layer * tr.num_directions + cell.direction
    return labels("gates_alt_previous_initial", index=index)


def _h_formula_words(tr: Trace, labels: Labels, cell: CellValues) -> str:
    """How h_t is made, as words for the alt text."""
    if not tr.proj_size:
        return labels("gates_alt_h")
    w_hr = weight_name("weight_hr", cell.layer, cell.direction)
    return labels("gates_alt_h_projected", w_hr=w_hr, proj=tr.proj_size)


def _bus(
    tr: Trace,
    labels: Labels,
    cell: CellValues,
    h_prev: Column,
    x_in: Column,
    gate_cols: dict[str, Column],
) -> list[Element]:
    """x_t and h_(t-1) go down into one line, which feeds every gate through its activation."""
    elements: list[Element] = [
        Arrow((h_prev.x, h_prev.bottom), (h_prev.x, _BUS_Y), role="hidden", head=False),
        Arrow((x_in.x, x_in.bottom), (x_in.x, _BUS_Y), role="input_line", head=False),
        Arrow((h_prev.x, _BUS_Y), (gate_cols["o"].x, _BUS_Y), head=False),
    ]
    for name, col in gate_cols.items():
        activation = "tanh" if name == "g" else "σ"
        elements += [
            Arrow((col.x, _BUS_Y), (col.x, col.bottom)),
            Text(col.x + 0.07, (_BUS_Y + col.bottom) / 2, activation, size=8, ha="left"),
        ]
    text = labels(
        "gates_bus",
        w_ih=weight_name("weight_ih", cell.layer, cell.direction),
        w_hh=weight_name("weight_hh", cell.layer, cell.direction),
    )
    elements.append(Text(h_prev.x, _BUS_Y - 0.2, text, size=8, ha="left", role="muted"))
    return elements


def _state_path(
    c_prev: Column, c_new: Column, gate_cols: dict[str, Column], y: float, x_branch: float
) -> list[Element]:
    """c_(t-1) → ⊙ f → + (i ⊙ g) → c_t, in the cell state's colour, with each step's formula."""
    f, i, gate_g = gate_cols["f"], gate_cols["i"], gate_cols["g"]
    half = _NODE / 2
    forget = node(f.x, y, "⊙")
    x_add = (i.x + gate_g.x) / 2
    add = node(x_add, y, "+")
    product = node(x_add, f.top + 0.42, "⊙")
    state = {"role": "state", "linewidth": _STATE_LINE}
    return [
        Arrow((c_prev.right, y), (f.x - half, y), **state),
        forget,
        Arrow((f.x, f.top), (f.x, y - half)),
        Arrow((f.x + half, y), (x_add - half, y), **state),
        Text((f.x + x_add) / 2, y + 0.17, "$f \\odot c_{t-1}$", size=8, role="state"),
        add,
        Arrow((i.x, i.top), (x_add - half, product.y + 0.05)),
        Arrow((gate_g.x, gate_g.top), (x_add + half, product.y + 0.05)),
        product,
        Arrow((x_add, product.y + _NODE), (x_add, y - half)),
        Text(x_add + 0.08, product.y + _NODE + 0.12, "$i \\odot g$", size=8, ha="left"),
        Arrow((x_add + half, y), (c_new.left, y), **state),
        Text(
            (x_add + c_new.left) / 2,
            y + 0.17,
            "$c_t = f \\odot c_{t-1} + i \\odot g$",
            size=8.5,
            role="state",
        ),
        # c_t also goes down to tanh, towards h_t.
        Arrow((x_branch, y), (x_branch, y - 0.62), role="state", linewidth=1.4),
    ]


def _output_path(
    o: Column, h_new: Column, state_y: float, x_branch: float, x_proj: float | None
) -> list[Element]:
    """tanh(c_t) ⊙ o (then the projection, if any) → h_t, in the hidden state's colour."""
    y = o.middle
    tanh = node(x_branch, state_y - 0.62 - _NODE / 2, "tanh", width=0.5)
    times = node(x_branch, y, "⊙")
    half = _NODE / 2
    elements: list[Element] = [
        tanh,
        Arrow((x_branch, tanh.y), (x_branch, y + half)),
        times,
        Arrow((o.right, y), (x_branch - half, y)),
    ]
    if x_proj is None:
        elements.append(Arrow((x_branch + half, y), (h_new.left, y), role="hidden", linewidth=1.8))
        formula = "$h_t = o \\odot \\tanh(c_t)$"
    else:
        projection = node(x_proj, y, "$W_{hr}$", width=0.5)
        elements += [
            Arrow((x_branch + half, y), (x_proj - 0.25, y)),
            projection,
            Arrow((x_proj + 0.25, y), (h_new.left, y), role="hidden", linewidth=1.8),
        ]
        formula = "$h_t = W_{hr}\\,(o \\odot \\tanh(c_t))$"
    elements.append(Text(h_new.x - 0.3, h_new.bottom - 0.22, formula, size=8.5, role="hidden"))
    return elements


def _number(value: float) -> str:
    """A value with three decimals."""
    return f"{value:.3f}"


def _factor(value: float) -> str:
    """A value with three decimals, in parentheses when negative (it follows a × or +)."""
    return f"({value:.3f})" if value < 0 else f"{value:.3f}"


def _worked_example(tr: Trace, labels: Labels, cell: CellValues) -> list[Text]:
    """Unit 0 in numbers: the two formulas with the cell's real values."""
    f, i, gate_g, o = (float(cell.gates[name][0]) for name in ("f", "i", "g", "o"))
    c_prev, c = float(cell.c_prev[0]), float(cell.c[0])
    unit = labels("gates_unit", unit=0)
    left = 0.3
    math_x = left + g.text_width(unit, 8.5) + 0.08
    state = (
        "$c_t = f \\times c_{t-1} + i \\times g$ = "
        f"{_number(f)} × {_factor(c_prev)} + {_number(i)} × {_factor(gate_g)} = {_number(c)}"
    )
    gated = f"{_number(o)} × tanh({_number(c)})"
    elements = [
        Text(left, _LINE_Y[2], unit, size=8.5, ha="left"),
        Text(math_x, _LINE_Y[2], state, size=8.5, ha="left", role="state"),
    ]
    if tr.proj_size:
        line = (
            f"$o \\times \\tanh(c_t)$ = {gated} = {_number(o * torch.tanh(torch.tensor(c)).item())}"
        )
        note = labels(
            "gates_projection",
            w_hr=weight_name("weight_hr", cell.layer, cell.direction),
            hidden=tr.hidden_size,
            proj=tr.proj_size,
        )
        elements.append(Text(left, _LINE_Y[0], note, size=8, ha="left", role="hidden"))
    else:
        line = f"$h_t = o \\times \\tanh(c_t)$ = {gated} = {_number(float(cell.h[0]))}"
    elements.append(Text(math_x, _LINE_Y[1], line, size=8.5, ha="left", role="hidden"))
    elements.append(Text(left, _LINE_Y[3], labels("gates_names"), size=8.5, ha="left"))
    return elements
