"""Inside one LSTM cell: the gates i, f, g, o with their real values, and how they make c_t and h_t."""

from __future__ import annotations

import torch

from lstm_figures.figures.parts.gate_paths import (
    BUS_Y,
    NAME_SIZE,
    NOTE_SIZE,
    Column,
    column,
    column_cells,
    gate_bus,
    output_path,
    state_path,
    unit_ticks,
)
from lstm_figures.figures.parts.gate_values import CellValues, cell_values, weight_name
from lstm_figures.figures.parts.text import figure_title, text_width
from lstm_figures.figures.parts.value_grid import colour_key
from lstm_figures.labels import Labels
from lstm_figures.layout import Box, Layout, Text
from lstm_figures.tracing import Trace

#: The gates in the order the diagram reads them (the cell-state path meets f first).
DRAWN_GATES = ("f", "i", "g", "o")


_LINE_Y = (0.35, 0.65, 0.95, 1.25)  # text lines under the bus, bottom up


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
    gates_middle = BUS_Y + 0.3 + column(tr.hidden_size, 0, 0).height / 2
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
    layout.add(figure_title(title, width, height))
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
        layout.add(Text(col.left - 0.1, col.middle, name, size=NAME_SIZE, ha="right"))
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

    layout.add(*gate_bus(tr, labels, cell, h_prev, x_in, gate_cols))
    layout.add(*state_path(c_prev, c_new, gate_cols, state_y, x_branch))
    layout.add(
        *output_path(gate_cols["o"], h_new, state_y, x_branch, x_proj if projected else None)
    )
    layout.add(*_worked_example(tr, labels, cell))

    values = [e.value for e in layout.elements if isinstance(e, Box) and e.value is not None]
    layout.value_limit = max((abs(v) for v in values), default=0.0) or 1.0
    colour_key(layout, labels, width - 2.75, 0.2)
    return layout


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


def _caption(col: Column, name: str, role: str, source: str) -> list[Text]:
    """A vector's symbol above it, with a small note (where it comes from or goes)."""
    return [
        Text(col.x, col.top + 0.37, name, size=NAME_SIZE, role=role),
        Text(col.x, col.top + 0.13, source, size=NOTE_SIZE, role="muted"),
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
    math_x = left + text_width(unit, 8.5) + 0.08
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
