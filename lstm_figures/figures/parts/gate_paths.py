"""The drawing blocks of the gates figure: vectors as columns of unit cells, the ⊙ and +
nodes, the bus that feeds the gates, and the paths that make c_t and h_t.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from lstm_figures.figures.parts.gate_values import CellValues, weight_name
from lstm_figures.figures.parts.text import dots
from lstm_figures.labels import Labels
from lstm_figures.layout import Arrow, Box, Element, Text, elide
from lstm_figures.tracing import Trace

#: Slots per vector: up to this many units are drawn, more are elided with "⋮".
SLOTS = 8


_CELL_W, _CELL_H, _GAP_H = 0.3, 0.17, 0.14  # one unit of a vector, and the "⋮" slot
_NODE = 0.3  # side of a ⊙ or + node
_STATE_LINE = 2.2  # width of the cell-state path
BUS_Y = 2.05  # the line that brings x_t and h_(t-1) to the gates (two caption lines below)
NAME_SIZE, NOTE_SIZE, _TICK_SIZE = 11, 7.5, 6


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
            elements.append(dots(col.x, y, vertical=True, pitch=0.035))
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


def gate_bus(
    tr: Trace,
    labels: Labels,
    cell: CellValues,
    h_prev: Column,
    x_in: Column,
    gate_cols: dict[str, Column],
) -> list[Element]:
    """x_t and h_(t-1) go down into one line, which feeds every gate through its activation."""
    elements: list[Element] = [
        Arrow((h_prev.x, h_prev.bottom), (h_prev.x, BUS_Y), role="hidden", head=False),
        Arrow((x_in.x, x_in.bottom), (x_in.x, BUS_Y), role="input_line", head=False),
        Arrow((h_prev.x, BUS_Y), (gate_cols["o"].x, BUS_Y), head=False),
    ]
    for name, col in gate_cols.items():
        activation = "tanh" if name == "g" else "σ"
        elements += [
            Arrow((col.x, BUS_Y), (col.x, col.bottom)),
            Text(col.x + 0.07, (BUS_Y + col.bottom) / 2, activation, size=8, ha="left"),
        ]
    text = labels(
        "gates_bus",
        w_ih=weight_name("weight_ih", cell.layer, cell.direction),
        w_hh=weight_name("weight_hh", cell.layer, cell.direction),
    )
    elements.append(Text(h_prev.x, BUS_Y - 0.2, text, size=8, ha="left", role="muted"))
    # The drawing's order (f, i, g, o) is the classic diagram's, not the weights'.
    order = labels("gates_row_order")
    elements.append(Text(h_prev.x, BUS_Y - 0.42, order, size=8, ha="left", role="muted"))
    return elements


def state_path(
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


def output_path(
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
