"""Where each (state, layer, direction, step) cell is drawn, for :attr:`Layout.cells`.

The explorable figures put a focusable overlay over every cell of the image; the boxes
come from the same geometry that drew the cells. A box that holds both states of an
LSTM cell is split: ``h`` in its upper half (where the figures carry ``h``), ``c`` in its
lower half. Keys are ``(state, layer, direction, step, sample)``, ``sample`` None when the
box stands for the whole batch.
"""

from __future__ import annotations

from lstm_figures.layout import Box

CellKey = tuple[str, int, int, int, int | None]


def split_states(box: Box, has_cell: bool) -> dict[str, Box]:
    """The parts of a cell's box that stand for ``h`` and (if ``has_cell``) ``c``."""
    if not has_cell:
        return {"h": Box(box.x, box.y, box.w, box.h, role="none")}
    half = box.h / 2
    return {
        "h": Box(box.x, box.y + half, box.w, half, role="none"),
        "c": Box(box.x, box.y, box.w, half, role="none"),
    }


def grid_cells(grid, tr) -> dict[CellKey, Box]:
    """Every drawn cell of a layer × time grid (:class:`~lstm_figures.figures.grid.Grid`)."""
    has_cell = tr.c_n is not None
    boxes: dict[CellKey, Box] = {}
    for band, layer in grid.bands():
        for direction in range(grid.directions):
            for slot, step in grid.columns():
                parts = split_states(grid.box(band, direction, slot), has_cell)
                for state, part in parts.items():
                    boxes[(state, layer, direction, step, None)] = part
    return boxes


def sample_boxes(tr, b: int, steps: list[int | None], columns: list[float], y: float):
    """The packed figure's row of sequence ``b``: each real step's box (padding has no
    state), split side by side into its directions as on ``output``'s last axis (forward
    left, backward right). The top layer's h: what the padded ``output`` holds."""
    from lstm_figures.figures.parts.packed_grid import CELL_H, CELL_W

    boxes: dict[CellKey, Box] = {}
    width = CELL_W / tr.num_directions
    for x, t in zip(columns, steps, strict=True):
        if t is None or t >= tr.lengths[b]:
            continue
        for d in range(tr.num_directions):
            left = x - CELL_W / 2 + d * width
            key = ("h", tr.num_layers - 1, d, t, b)
            boxes[key] = Box(left, y - CELL_H / 2, width, CELL_H, role="none")
    return boxes


def column_cells(tr, c_column, h_column) -> dict[CellKey, Box]:
    """The c_t and h_t columns of the projection figure: they stand for the top layer's
    last step (forward), the cell whose h and c end up in output[-1], h_n[-1] and c_n[-1]."""
    cell = (tr.num_layers - 1, 0, tr.seq_len - 1, None)
    return {
        (state, *cell): Box(
            column.left, column.bottom, column.right - column.left, column.top - column.bottom
        )
        for state, column in (("c", c_column), ("h", h_column))
    }
