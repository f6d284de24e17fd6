"""Where output, h_n and c_n sit in the layer × time grid, each place checked with allclose."""

from __future__ import annotations

from functools import partial

import torch

from lstm_figures.figures.parts.grid import Grid, cell_grid
from lstm_figures.figures.parts.grid_links import band_links, inputs_and_gaps, output_strip
from lstm_figures.figures.parts.grid_margins import (
    FINAL_EDGE,
    cell_rows,
    grid_margins,
    output_shape_label,
)
from lstm_figures.figures.parts.tensors import output_at, output_index
from lstm_figures.figures.parts.text import (
    MONO_SIZE,
    OUTPUT_LABEL_SIZE,
    ROW_LABEL_SIZE,
    block_width,
    figure_title,
    text_width,
    title_width,
)
from lstm_figures.labels import Labels
from lstm_figures.layout import Box, Element, Layout, Text
from lstm_figures.tracing import Trace, TraceMismatchError

# The trace's own tolerance for its step-by-step recomputation against PyTorch.
_RTOL, _ATOL = 1e-4, 1e-5
_LABEL_SIZE, _MONO_SIZE = ROW_LABEL_SIZE, MONO_SIZE
_LEGEND_BOTTOM, _LEGEND_PITCH = 0.2, 0.26
_INPUT_Y = 1.45
_TOP_LINK = 0.32  # from the top layer up to the output bars


def check_locations(tr: Trace) -> None:
    """Check that ``output`` and ``h_n``/``c_n`` are where the figure draws them.

    ``output`` at every step holds the top layer's h of each direction, and ``h_n[l * D + d]``
    (and ``c_n``) holds layer l, direction d at its final step. Raises
    :class:`~lstm_figures.tracing.TraceMismatchError` otherwise, which never happens for a
    real trace: the check is what lets the figure claim it.
    """
    top, directions = tr.num_layers - 1, range(tr.num_directions)
    steps = range(tr.seq_len)
    outputs = torch.stack([output_at(tr, t) for t in steps])
    top_rows = torch.stack(
        [torch.cat([tr.hidden(top, d, t) for d in directions], dim=-1) for t in steps]
    )
    _require(outputs, top_rows, "output")
    states = [("h_n", tr.h_n, tr.hidden)]
    if tr.c_n is not None:
        states.append(("c_n", tr.c_n, tr.cell))
    for name, final, per_step in states:
        expected = [
            _final_state(tr, per_step, layer, d)
            for layer in range(tr.num_layers)
            for d in directions
        ]
        _require(final, torch.stack(expected), name, indexed=True)


def _final_state(tr: Trace, per_step, layer: int, direction: int) -> torch.Tensor:
    """A row's state at its final step; with a packed batch, each sequence's own final step."""
    if not tr.lengths:
        return per_step(layer, direction, tr.final_step(direction))
    return torch.stack(
        [per_step(layer, direction, tr.final_step(direction, n))[n] for n in range(tr.batch_size)]
    )


def _require(
    actual: torch.Tensor, expected: torch.Tensor, name: str, *, indexed: bool = False
) -> None:
    if actual.shape == expected.shape and torch.allclose(actual, expected, _RTOL, _ATOL):
        return
    if indexed and actual.shape == expected.shape:  # name the first entry that differs
        index = next(
            k
            for k in range(len(actual))
            if not torch.allclose(actual[k], expected[k], _RTOL, _ATOL)
        )
        name = f"{name}[{index}]"
    raise TraceMismatchError(f"{name} is not where the state_locations figure draws it")


def build(tr: Trace, labels: Labels) -> Layout:
    check_locations(tr)
    # More room before the output label than gru_rnn: the output frame stands between.
    margins = grid_margins(tr, labels, partial(_final_name, tr), output_gap=0.35)
    grid = cell_grid(tr, margins.left, _INPUT_Y + 0.62)
    top_bar = grid.band_top(len(grid.layers) - 1) + _TOP_LINK
    legend = _legend(tr, labels)
    key = "states_title" if tr.c_n is not None else "states_title_h_only"
    title = labels(key, layers=tr.num_layers, kind=tr.kind, steps=tr.seq_len)
    width = max(
        grid.span[1] + margins.right + 0.2,
        0.9 + block_width(legend, _LABEL_SIZE),
        title_width(title),
    )
    height = top_bar + 1.0
    layout = Layout(width=width, height=height)
    layout.alt = _alt(tr, labels)
    layout.add(figure_title(title, width, height))
    for band, layer in grid.bands():
        names = [_final_name(tr, layer, d) for d in range(tr.num_directions)]
        finals = [_final_slot(grid, tr, d) for d in range(tr.num_directions)]
        layout.add(
            *cell_rows(
                grid, labels, band, layer, margins=margins, final_names=names, final_slots=finals
            )
        )
    layout.add(*band_links(grid))
    layout.add(*output_strip(grid, tr, labels, top_bar))
    layout.add(*_output_frame(grid, tr, labels, top_bar, output_shape_label(tr, labels)))
    layout.add(*inputs_and_gaps(grid, labels, _INPUT_Y, top_bar))
    layout.add(*_legend_elements(legend, labels))
    return layout


def _final_name(tr: Trace, layer: int, direction: int) -> str:
    """The entries of h_n (and c_n) that hold one row's final state, as code."""
    index = layer * tr.num_directions + direction
    names = [f"h_n[{index}]"] + ([f"c_n[{index}]"] if tr.c_n is not None else [])
    return ", ".join(names)


def _final_slot(grid: Grid, tr: Trace, direction: int) -> int | None:
    """The column of a row's final step (for the first sequence), None if it is elided."""
    final = tr.final_step(direction)
    return grid.steps.index(final) if final in grid.steps else None


def _output_frame(
    grid: Grid, tr: Trace, labels: Labels, top_bar: float, label: str
) -> list[Element]:
    """A dashed frame around the top layer and its bars: that is output, at every t."""
    # Wide enough for the output[t] names above the first and last columns.
    last = len(grid.steps) - 1
    name_half = text_width(output_index(tr, labels, grid.steps[last]), OUTPUT_LABEL_SIZE) / 2
    left = min(grid.span[0], grid.centre(0) - name_half) - 0.1
    right = max(grid.span[1], grid.centre(last) + name_half) + 0.1
    bottom = grid.band_bottom(len(grid.layers) - 1) - 0.1
    top = top_bar + 0.34
    return [
        Box(
            left,
            bottom,
            right - left,
            top - bottom,
            role="none",
            edge="output",
            dashed=True,
            linewidth=1.6,
        ),
        Text(
            right + 0.13,
            top_bar,
            label,
            size=_MONO_SIZE,
            ha="left",
            family="mono",
            role="output",
        ),
    ]


def _final_steps(tr: Trace, labels: Labels) -> str:
    """Where h_n is taken: t = T - 1 forward (each sequence's own end if packed), t = 0
    backward."""
    key = "states_final_steps_bidir" if tr.num_directions == 2 else "states_final_steps"
    steps = labels(key, last=tr.final_step(0))
    if tr.lengths and len(set(tr.lengths)) > 1:
        steps += labels("states_packed", length=tr.lengths[0])
    return steps


def _legend(tr: Trace, labels: Labels) -> list[str]:
    """The two claims with their real shapes, each marked as checked, and what ✓ means."""
    shapes = tr.shapes()
    check = labels("states_check_mark")
    values = {"h_shape": labels.shape(shapes["h_n"]), "steps": _final_steps(tr, labels)}
    if tr.c_n is not None:
        final = labels("states_final", c_shape=labels.shape(shapes["c_n"]), check=check, **values)
    else:
        final = labels("states_final_h_only", check=check, **values)
    output = labels("states_output", shape=labels.shape(shapes["output"]), check=check)
    return [output, final, labels("states_checked")]


def _legend_elements(lines: list[str], labels: Labels) -> list[Element]:
    """Each claim after a swatch of how the figure marks it; then what ✓ means."""
    y_output, y_final, y_check = (_LEGEND_BOTTOM + _LEGEND_PITCH * row for row in (2, 1, 0))
    return [
        Box(
            0.15, y_output - 0.08, 0.4, 0.16, role="none", edge="output", dashed=True, linewidth=1.6
        ),
        Text(0.7, y_output, lines[0], size=_LABEL_SIZE, ha="left"),
        Box(0.2, y_final - 0.08, 0.3, 0.16, role="cell", edge="highlight", linewidth=FINAL_EDGE),
        Text(0.7, y_final, lines[1], size=_LABEL_SIZE, ha="left"),
        Text(0.35, y_check, labels("states_check_mark"), size=_LABEL_SIZE + 1),
        Text(0.7, y_check, lines[2], size=_LABEL_SIZE, ha="left"),
    ]


def _alt(tr: Trace, labels: Labels) -> str:
    shapes = tr.shapes()
    c_part = (
        labels("states_alt_c", c_shape=labels.shape(shapes["c_n"])) if tr.c_n is not None else ""
    )
    return labels(
        "states_alt",
        layers=tr.num_layers,
        kind=tr.kind,
        steps=tr.seq_len,
        output_shape=labels.shape(shapes["output"]),
        h_shape=labels.shape(shapes["h_n"]),
        final_steps=_final_steps(tr, labels),
        c_part=c_part,
    )
