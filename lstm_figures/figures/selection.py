"""Which cells a slice of output, h_n or c_n reads (lf.locate), marked in the layer × time grid."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from functools import partial

from lstm_figures.figures.parts import grid as g
from lstm_figures.figures.parts.grid_links import band_links, inputs_and_gaps, output_strip
from lstm_figures.figures.parts.grid_margins import FINAL_EDGE, cell_rows, grid_margins
from lstm_figures.figures.parts.text import (
    CELL_TEXT_SIZE,
    ROW_LABEL_SIZE,
    block_width,
    figure_title,
    text_width,
    title_width,
)
from lstm_figures.figures.state_locations import _final_name
from lstm_figures.labels import Labels
from lstm_figures.layout import Box, Element, Layout, Text
from lstm_figures.locating import Selection, locate, origins
from lstm_figures.tracing import Trace

#: The expression drawn when none is given: the classic trap with ``batch_first=True``.
DEFAULT_EXPRESSION = "output[-1]"

_LABEL_SIZE = ROW_LABEL_SIZE
_RESULT_SIZE = 10
_LINE_PITCH = 0.26
_LEGEND_BOTTOM = 0.22
_SHOWN_EXPRESSION = 60  # characters of the expression written in the figure (all in alt)
_INSET = 0.035  # room between a cell's outline and the states drawn inside it
_HATCH = "//"
_STATE_ROLES = {"h": "hidden", "c": "state"}
_EXTRA_SLOTS = 2  # steps (and layers) the selection reads, drawn beyond the usual elision


def build(tr: Trace, labels: Labels, *, expression: str = DEFAULT_EXPRESSION) -> Layout:
    """The grid with the cells ``expression`` reads filled (hatched where read in part),
    the padding it reads, its shape and its warnings.

    Raises ``ValueError`` (one sentence) for an expression :func:`lstm_figures.locate`
    refuses.
    """
    sel = locate(tr, expression, lang=labels.lang)
    padding_steps = sorted(
        {origin["step"] for origin in origins(tr, expression) if origin["padding"]}
    )
    margins = grid_margins(tr, labels, partial(_final_name, tr), output_gap=0.35)
    steps, layers = _axes(tr, sel)
    legend = _legend(tr, labels, sel, padding_steps, steps, layers)
    # The warnings wrap to the width of the rest of the figure.
    grid_width = margins.left + 2 * g.STUB + tr.num_directions * 0.25 + len(steps) + margins.right
    title = labels("selection_title", layers=tr.num_layers, kind=tr.kind, steps=tr.seq_len)
    result = labels(
        "selection_result", expression=_shown(expression), shape=labels.shape(sel.shape)
    )
    width = max(
        grid_width + 0.4,
        title_width(title),
        text_width(result, _RESULT_SIZE) + 0.6,
        0.9 + block_width([text for _, text in legend], _LABEL_SIZE),
    )
    notes = _warning_lines(sel, labels, width - 0.9)
    lines = legend + notes
    input_y = _LEGEND_BOTTOM + _LINE_PITCH * len(lines) + 0.55
    grid = replace(g.cell_grid(tr, margins.left, input_y + 0.62), steps=steps, layers=layers)
    top_bar = grid.band_top(len(grid.layers) - 1) + 0.32
    result_y = top_bar + (0.75 if padding_steps else 0.55)
    height = result_y + 0.75
    width = max(width, grid.span[1] + margins.right + 0.2)

    layout = Layout(width=width, height=height)
    layout.alt = _alt(tr, labels, sel, padding_steps)
    layout.add(figure_title(title, width, height))
    layout.add(Text(width / 2, result_y, result, size=_RESULT_SIZE, family="mono", role="output"))
    for band, layer in grid.bands():
        names = [_final_name(tr, layer, d) for d in range(tr.num_directions)]
        layout.add(*cell_rows(grid, labels, band, layer, margins=margins, final_names=names))
        for direction in range(tr.num_directions):
            for slot, step in grid.columns():
                layout.add(*_cell_states(grid, tr, labels, sel, band, layer, direction, slot, step))
    layout.add(*band_links(grid))
    layout.add(*output_strip(grid, tr, labels, top_bar))
    layout.add(*_padding_marks(grid, labels, padding_steps, top_bar + 0.45))
    layout.add(*inputs_and_gaps(grid, labels, input_y, top_bar))
    layout.add(*_legend_elements(tr, labels, lines))
    return layout


def _axes(tr: Trace, sel: Selection) -> tuple[tuple, tuple]:
    """The grid's elided steps and layers, keeping the ones the selection reads in view."""
    default_steps, default_layers = g.grid_axes(tr)
    read_steps = [cell[3] for cell in sel.cells]
    read_layers = [cell[1] for cell in sel.cells]
    return (
        _keep(default_steps, read_steps, _EXTRA_SLOTS),
        _keep(default_layers, read_layers, _EXTRA_SLOTS),
    )


def _keep(default: tuple, wanted: list[int], extra: int) -> tuple:
    """An elided axis (``None`` for each gap) that also shows up to ``extra`` wanted items."""
    kept = {k for k in default if k is not None}
    kept |= set(sorted(set(wanted) - kept)[:extra])
    axis: list[int | None] = []
    for item in sorted(kept):
        if axis and item != axis[-1] + 1:
            axis.append(None)
        axis.append(item)
    return tuple(axis)


def _shown(expression: str) -> str:
    """The expression as written in the figure: one line, cut short if very long."""
    text = " ".join(expression.split())
    if len(text) <= _SHOWN_EXPRESSION:
        return text
    return text[: _SHOWN_EXPRESSION - 3] + "..."


def _states(tr: Trace) -> tuple[str, ...]:
    return ("h", "c") if tr.c_n is not None else ("h",)


def _cell_states(
    grid: g.Grid,
    tr: Trace,
    labels: Labels,
    sel: Selection,
    band: int,
    layer: int,
    direction: int,
    slot: int,
    step: int,
) -> list[Element]:
    """Inside one cell, each of its states (h left, c right): filled if read in full,
    hatched if read in part, a muted letter if not read; a thick outline if any is read."""
    states = _states(tr)
    cell = grid.box(band, direction, slot)
    inner_w = (cell.w - 2 * _INSET) / len(states)
    elements: list[Element] = []
    selected = False
    for index, state in enumerate(states):
        key = (state, layer, direction, step)
        x = cell.x + _INSET + index * inner_w
        y, h = cell.y + _INSET, cell.h - 2 * _INSET
        letter = labels(f"selection_{state}")
        role = _STATE_ROLES[state]
        if key in sel.partial:
            elements.append(
                Box(
                    x,
                    y,
                    inner_w,
                    h,
                    role="none",
                    edge=role,
                    hatch=_HATCH,
                    rounded=False,
                    linewidth=0.8,
                )
            )
            selected = True
        elif key in sel.cells:
            elements.append(
                Box(
                    x,
                    y,
                    inner_w,
                    h,
                    role=role,
                    edge=role,
                    rounded=False,
                    linewidth=0.8,
                    text=letter,
                    size=CELL_TEXT_SIZE,
                    text_role="background",
                )
            )
            selected = True
            continue
        if len(states) > 1 or key in sel.partial:
            muted = "text" if key in sel.partial else "muted"
            elements.append(
                Text(x + inner_w / 2, y + h / 2, letter, size=CELL_TEXT_SIZE, role=muted)
            )
    if selected:
        elements.append(
            Box(
                cell.x,
                cell.y,
                cell.w,
                cell.h,
                role="none",
                edge="highlight",
                linewidth=FINAL_EDGE,
            )
        )
    return elements


def _padding_marks(grid: g.Grid, labels: Labels, steps: list[int], y: float) -> list[Element]:
    """A dashed, hatched tag above each drawn column whose padding the expression reads."""
    word = labels("selection_padding")
    width = text_width(word, CELL_TEXT_SIZE) + 0.12
    return [
        Box(
            grid.centre(slot) - width / 2,
            y - 0.1,
            width,
            0.2,
            role="background",
            edge="muted",
            dashed=True,
            linewidth=0.8,
            text=word,
            size=CELL_TEXT_SIZE,
            text_role="muted",
        )
        for slot, step in grid.columns()
        if step in steps
    ]


def _ranges(numbers: list[int], labels: Labels) -> str:
    """``0–2, 4`` for [0, 1, 2, 4]: runs of consecutive numbers as ranges."""
    parts = []
    for _, run in itertools.groupby(enumerate(sorted(numbers)), lambda p: p[1] - p[0]):
        run = [n for _, n in run]
        parts.append(
            str(run[0]) if len(run) == 1 else labels("selection_range", first=run[0], last=run[-1])
        )
    return labels("selection_list_join").join(parts)


def _steps_text(numbers: list[int], labels: Labels) -> str:
    return labels("selection_steps", steps=_ranges(numbers, labels))


def _legend(
    tr: Trace,
    labels: Labels,
    sel: Selection,
    padding_steps: list[int],
    steps: tuple,
    layers: tuple,
) -> list[tuple[str, str]]:
    """(swatch, text) lines: what the fills mean, then the packed batch, padding, elision."""
    lines = [
        ("full", labels("selection_legend_full")),
        ("partial", labels("selection_legend_partial")),
    ]
    if tr.c_n is not None:
        lines.append(("states", labels("selection_legend_states")))
    if not sel.cells:
        lines.append(("none", labels("selection_none")))
    if tr.lengths:
        lengths = "[" + ", ".join(map(str, tr.lengths)) + "]"
        lines.append(("none", labels("selection_legend_packed", lengths=lengths)))
    if padding_steps:
        lines.append(
            (
                "padding",
                labels("selection_legend_padding", steps=_steps_text(padding_steps, labels)),
            )
        )
    hidden = [c for c in sel.cells if c[3] not in steps or c[1] not in layers]
    if hidden:
        lines.append(("none", labels("selection_legend_elided", count=len(hidden))))
    return lines


def _warning_lines(sel: Selection, labels: Labels, width: float) -> list[tuple[str, str]]:
    """Each warning, wrapped to ``width`` inches; or the line saying there is none."""
    if not sel.warnings:
        return [("ok", labels("selection_no_warning"))]
    lines = []
    for warning in sel.warnings:
        wrapped = _wrap(labels("selection_warning", text=warning), width, _LABEL_SIZE)
        lines += [("warning", line) for line in wrapped]
    return lines


_TOKEN = re.compile(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+|\s+")


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Greedy line breaks by the width estimate: between words, or between CJK characters."""
    lines, line = [], ""
    for token in _TOKEN.findall(text):
        if line and not token.isspace() and text_width(line + token, size) > width:
            lines.append(line.rstrip())
            line = ""
        if line or not token.isspace():
            line += token
    return [*lines, line.rstrip()] if line.strip() else lines


def _legend_elements(tr: Trace, labels: Labels, lines: list[tuple[str, str]]) -> list[Element]:
    """The lines from the top down, each after its swatch."""
    elements: list[Element] = []
    top = _LEGEND_BOTTOM + _LINE_PITCH * (len(lines) - 1)
    for row, (swatch, text) in enumerate(lines):
        y = top - _LINE_PITCH * row
        role = "output" if swatch == "warning" else "text"
        elements.append(Text(0.7, y, text, size=_LABEL_SIZE, ha="left", role=role))
        elements += _swatch(swatch, y, labels)
    return elements


def _swatch(kind: str, y: float, labels: Labels) -> list[Element]:
    box = {"rounded": False, "linewidth": 0.8}
    # The read swatches wear a selected cell's outline: filled alone, they would look like
    # the output strips, which share the forward direction's colour.
    frame = Box(0.16, y - 0.11, 0.38, 0.22, role="none", edge="highlight", linewidth=FINAL_EDGE)
    if kind == "full":
        return [Box(0.2, y - 0.08, 0.3, 0.16, role="hidden", edge="hidden", **box), frame]
    if kind == "partial":
        return [
            Box(0.2, y - 0.08, 0.3, 0.16, role="none", edge="hidden", hatch=_HATCH, **box),
            frame,
        ]
    if kind == "states":  # one small h box and one small c box, side by side
        return [
            Box(
                x,
                y - 0.08,
                0.19,
                0.16,
                role=_STATE_ROLES[state],
                edge=_STATE_ROLES[state],
                text=labels(f"selection_{state}"),
                size=CELL_TEXT_SIZE,
                text_role="background",
                **box,
            )
            for x, state in ((0.16, "h"), (0.35, "c"))
        ]
    if kind == "padding":
        return [Box(0.15, y - 0.08, 0.4, 0.16, role="none", edge="muted", dashed=True, **box)]
    return []


def _alt(tr: Trace, labels: Labels, sel: Selection, padding_steps: list[int]) -> str:
    def cells_text(cells: list[tuple[str, int, int, int]]) -> str:
        parts = []
        grouped = itertools.groupby(cells, lambda cell: cell[:3])
        for (state, layer, direction), group in grouped:
            steps = _steps_text([cell[3] for cell in group], labels)
            if tr.num_directions == 2:
                name = labels("backward" if direction else "forward")
                parts.append(
                    labels(
                        "selection_alt_cell_bidir",
                        state=state,
                        layer=layer,
                        direction=name,
                        steps=steps,
                    )
                )
            else:
                parts.append(labels("selection_alt_cell", state=state, layer=layer, steps=steps))
        return labels("selection_alt_join").join(parts) or labels("selection_alt_no_cell")

    partial_text = (
        labels("selection_alt_partial", cells=cells_text(sel.partial)) if sel.partial else ""
    )
    padding_text = (
        labels("selection_alt_padding", steps=_steps_text(padding_steps, labels))
        if padding_steps
        else ""
    )
    warnings = (
        labels(
            "selection_alt_warnings",
            warnings=labels("selection_alt_sentence_join").join(sel.warnings),
        )
        if sel.warnings
        else labels("selection_alt_no_warning")
    )
    return labels(
        "selection_alt",
        layers=tr.num_layers,
        kind=tr.kind,
        steps=tr.seq_len,
        expression=sel.expression.strip(),
        shape=labels.shape(sel.shape),
        cells=cells_text(sel.cells),
        partial=partial_text,
        padding=padding_text,
        warnings=warnings,
    )
