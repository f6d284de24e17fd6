"""The packed figure's padded grid: one row per sequence, one column per time step,
padding greyed and each sequence's final state outlined.
"""

from __future__ import annotations

from lstm_figures.figures.parts.tensors import output_index, top_index
from lstm_figures.figures.parts.text import (
    dots,
    text_lines,
)
from lstm_figures.labels import Labels
from lstm_figures.layout import Box, Element, Polygon, Text
from lstm_figures.tracing import Trace

LABEL_SIZE, MONO_SIZE, SMALL_SIZE = 8.5, 7.5, 7.5


# The padded grid: one row per sequence, one column per time step.
CELL_W, CELL_H = 0.42, 0.26


_PITCH, _GAP_W = 0.54, 0.34  # column pitch; width of an elided ("⋯") column
_ROW_PITCH, _GAP_ROW = 0.4, 0.26  # row pitch; height of an elided ("⋮") row
FINAL_EDGE = 2.4  # outline of the cells whose state is a final state
_ALL_STEPS = 7  # up to this many time steps, every one is drawn


def time_slots(tr: Trace, sequences: list[int | None]) -> list[int | None]:
    """The time steps drawn: all of them for short sequences, else the first and the last
    step and every drawn sequence's last real step, with "⋯" (None) between."""
    if tr.seq_len <= _ALL_STEPS:
        return list(range(tr.seq_len))
    keys = {0, tr.seq_len - 1} | {tr.lengths[b] - 1 for b in sequences if b is not None}
    slots: list[int | None] = []
    for t in sorted(keys):
        if slots:
            skipped = t - slots[-1] - 1
            if skipped == 1:  # a "⋯" would hide a single step: draw it instead
                slots.append(t - 1)
            elif skipped > 1:
                slots.append(None)
        slots.append(t)
    return slots


def column_centres(steps: list[int | None], first: float) -> list[float]:
    """Centre x of each column; an elided column is narrower."""
    centres, x = [], first
    for index, t in enumerate(steps):
        if index:
            previous = steps[index - 1]
            x += (_PITCH + _GAP_W) / 2 if t is None or previous is None else _PITCH
        centres.append(x)
    return centres


def row_centres(sequences: list[int | None], bottom: float) -> dict[int | None, float]:
    """Centre y of each row, the first sequence on top; an elided row is lower."""
    centres, y = {}, bottom
    for index, b in enumerate(reversed(sequences)):
        if index:
            below = sequences[len(sequences) - index]
            y += (_ROW_PITCH + _GAP_ROW) / 2 if b is None or below is None else _ROW_PITCH
        centres[b] = y
    return dict(reversed(list(centres.items())))


def time_row(
    labels: Labels,
    steps: list[int | None],
    columns: list[float],
    y: float,
    rows: dict[int | None, float],
) -> list[Element]:
    """ "t = k" above each column, and "⋯" down the elided columns."""
    elements: list[Element] = []
    for x, t in zip(columns, steps, strict=True):
        if t is None:
            elements += [dots(x, row_y) for b, row_y in rows.items() if b is not None]
        else:
            elements.append(Text(x, y, labels("t_equals", t=t), size=SMALL_SIZE, role="muted"))
    return elements


def elided_row(steps: list[int | None], columns: list[float], y: float) -> list[Element]:
    """The elided sequences: "⋮" by the names and in every column."""
    pairs = zip(columns, steps, strict=True)
    marks = [dots(x, y, vertical=True) for x, t in pairs if t is not None]
    return [dots(0.5, y, vertical=True), *marks]


def sequence_row(
    tr: Trace,
    labels: Labels,
    b: int,
    steps: list[int | None],
    columns: list[float],
    y: float,
) -> list[Element]:
    """One sequence: its real steps, its padding (grey), and its final steps outlined."""
    elements: list[Element] = []
    length = tr.lengths[b]
    for x, t in zip(columns, steps, strict=True):
        if t is None:
            continue
        left, bottom = x - CELL_W / 2, y - CELL_H / 2
        if t >= length:
            elements.append(_padding_cell(left, bottom))
            last = t == tr.seq_len - 1  # what output[-1] holds for a short sequence
            elements.append(
                Text(
                    x,
                    y,
                    labels("packed_zero"),
                    size=SMALL_SIZE + (1 if last else 0),
                    role="output" if last else "muted",
                    weight="bold" if last else "normal",
                )
            )
            continue
        final = t == tr.final_step(0, b)
        elements.append(
            Box(
                left,
                bottom,
                CELL_W,
                CELL_H,
                edge="highlight" if final else "edge",
                linewidth=FINAL_EDGE if final else 0.9,
            )
        )
        if tr.num_directions == 2 and t == 0:
            elements.append(_backward_outline(left, bottom))
    return elements


def _padding_cell(left: float, bottom: float) -> Polygon:
    """A greyed cell: a padded position, no real time step."""
    corners = (
        (left, bottom),
        (left + CELL_W, bottom),
        (left + CELL_W, bottom + CELL_H),
        (left, bottom + CELL_H),
    )
    return Polygon(corners, role="muted", edge="muted", alpha=0.3, linewidth=0.8)


def _backward_outline(left: float, bottom: float) -> Box:
    """A second outline around a t = 0 cell: the backward direction's final state."""
    pad = 0.05
    return Box(
        left - pad,
        bottom - pad,
        CELL_W + 2 * pad,
        CELL_H + 2 * pad,
        role="none",
        edge="backward",
        linewidth=1.5,
    )


def _output_code(tr: Trace, t: int, b: int, features: str = "") -> str:
    """``output`` at step t of sequence b as code, following ``batch_first``."""
    index = f"{b}, {t}" if tr.batch_first else f"{t}, {b}"
    return f"output[{index}{features}]"


def final_code(tr: Trace, labels: Labels, b: int) -> list[str]:
    """Where sequence b's final states are, as code: h_n[...] = output[...]."""
    size = tr.output_size
    lines = []
    for direction in range(tr.num_directions):
        features = "" if tr.num_directions == 1 else (f", {size}:" if direction else f", :{size}")
        t = tr.final_step(direction, b)
        lines.append(
            labels(
                "packed_final",
                h_n=f"h_n[{top_index(tr, direction)}, {b}]",
                output=_output_code(tr, t, b, features),
            )
        )
    return lines


def final_lines(x: float, y: float, lines: list[str]) -> list[Text]:
    """The code lines right of a row, the backward one in the backward colour."""
    texts = text_lines(x, y, lines, MONO_SIZE, 0.16, ha="left", family="mono")
    roles = ["text", "backward"]
    return [
        Text(t.x, t.y, t.text, role=roles[i], size=t.size, ha="left", family="mono")
        for i, t in enumerate(texts)
    ]


def last_step_frame(
    tr: Trace, labels: Labels, x: float, bottom: float, top: float, label_y: float
) -> list[Element]:
    """A dashed frame around the last column: ``output[-1]``."""
    half = CELL_W / 2 + 0.09
    return [
        Box(
            x - half,
            bottom - 0.09,
            2 * half,
            top - bottom + 0.18 + 0.2,
            role="none",
            edge="output",
            dashed=True,
            linewidth=1.5,
        ),
        Text(
            x,
            label_y,
            output_index(tr, labels, -1),
            size=MONO_SIZE + 0.5,
            role="output",
            family="mono",
        ),
    ]
