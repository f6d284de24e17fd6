"""Rows of cells with their names beside them: layer and direction names left, final
states and ``output``'s shape right, and the margins that text needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lstm_figures.figures.parts.grid import STUB, Grid, cell_shape, grid_axes
from lstm_figures.figures.parts.grid_links import carry_arrows, row_ends
from lstm_figures.figures.parts.tensors import output_index
from lstm_figures.figures.parts.text import (
    CELL_TEXT_SIZE,
    MONO_SIZE,
    OUTPUT_LABEL_SIZE,
    ROW_LABEL_SIZE,
    block_width,
    text_width,
)
from lstm_figures.labels import Labels
from lstm_figures.layout import Element, Text
from lstm_figures.tracing import Trace

FINAL_EDGE = 2.4  # outline width of a cell whose state ends up in h_n


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
    cell_w = cell_shape(tr.num_directions)[0]
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
