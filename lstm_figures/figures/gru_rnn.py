"""A GRU or plain RNN in the layer × time grid: only h is carried, and h_n is laid out as for LSTM."""

from __future__ import annotations

from functools import partial

from lstm_figures.figures.parts.grid import cell_grid
from lstm_figures.figures.parts.grid_links import band_links, inputs_and_gaps, output_strip
from lstm_figures.figures.parts.grid_margins import cell_rows, grid_margins, output_shape_label
from lstm_figures.figures.parts.text import (
    CELL_TEXT_SIZE,
    MONO_SIZE,
    ROW_LABEL_SIZE,
    figure_title,
    text_width,
    title_width,
)
from lstm_figures.labels import Labels
from lstm_figures.layout import Arrow, Box, Element, Layout, Text
from lstm_figures.tracing import GATE_NAMES, Trace

_LABEL_SIZE, _MONO_SIZE, _GATE_SIZE = ROW_LABEL_SIZE, MONO_SIZE, CELL_TEXT_SIZE
_LEGEND_BOTTOM, _LEGEND_PITCH = 0.2, 0.26
_LEGEND_TEXT_X = 0.75
_INPUT_Y = 0.85  # above the legend
_TOP_LINK = 0.32  # from the top layer up to the output bars
#: A GRU's state update, and the width it takes: estimated from its full-size glyphs (the
#: subscripts are small and tucked under them).
_GRU_UPDATE = "$h_t = (1 - z) \\odot n + z \\odot h_{t-1}$"
_GRU_UPDATE_WIDTH = text_width("h = (1 − z) ⊙ n + z ⊙ h", ROW_LABEL_SIZE)


def build(tr: Trace, labels: Labels) -> Layout:
    if tr.kind == "LSTM":
        raise ValueError(
            "the gru_rnn figure is for nn.GRU and nn.RNN; draw an LSTM with the stacked or "
            "state_locations figure"
        )
    legend = _legend(tr, labels)
    input_y = _LEGEND_BOTTOM + _LEGEND_PITCH * (len(legend) - 1) + _INPUT_Y
    margins = grid_margins(tr, labels, partial(_h_n_name, tr))
    grid = cell_grid(tr, margins.left, input_y + 0.62)
    top_bar = grid.band_top(len(grid.layers) - 1) + _TOP_LINK
    title = labels("gru_rnn_title", layers=tr.num_layers, kind=tr.kind, steps=tr.seq_len)
    width = max(
        grid.span[1] + margins.right + 0.2,
        _LEGEND_TEXT_X + max(_legend_width(swatch, text) for swatch, text in legend) + 0.2,
        title_width(title),
    )
    height = top_bar + 0.85
    layout = Layout(width=width, height=height)
    layout.alt = _alt(tr, labels)
    layout.add(figure_title(title, width, height))
    cell_text = _cell_text(tr, labels)
    for band, layer in grid.bands():
        # Only h is carried, so every entry of h_n is in its row's colour.
        names = [_h_n_name(tr, layer, d) for d in range(tr.num_directions)]
        layout.add(
            *cell_rows(
                grid,
                labels,
                band,
                layer,
                margins=margins,
                final_names=names,
                coloured_names=True,
                cell_text=cell_text,
            )
        )
    layout.add(*band_links(grid))
    layout.add(*output_strip(grid, tr, labels, top_bar))
    layout.add(
        Text(
            grid.span[1] + margins.overhang + 0.15,
            top_bar,
            output_shape_label(tr, labels),
            size=_MONO_SIZE,
            ha="left",
            family="mono",
            role="output",
        )
    )
    layout.add(*inputs_and_gaps(grid, labels, input_y, top_bar))
    layout.add(*_legend_elements(tr, labels, legend))
    return layout


def _h_n_name(tr: Trace, layer: int, direction: int) -> str:
    """The entry of h_n that holds one row's final state, as code."""
    return f"h_n[{layer * tr.num_directions + direction}]"


def _cell_text(tr: Trace, labels: Labels) -> str:
    """What a cell shows: a GRU's gate names, or the kind of a gateless RNN."""
    return labels("gru_rnn_gates") if GATE_NAMES[tr.kind] else tr.kind


def _legend(tr: Trace, labels: Labels) -> list[tuple[str | None, str]]:
    """(swatch, text) lines, top to bottom: what is carried, the cell, h_n, and no c."""
    weight = labels.shape(tr.parameter_shapes["weight_ih_l0"])
    carried = "gru_rnn_legend_h" if tr.num_layers > 1 else "gru_rnn_legend_h_one_layer"
    lines: list[tuple[str | None, str]] = [("h", labels(carried, kind=tr.kind))]
    if GATE_NAMES[tr.kind]:
        lines.append(("cell", labels("gru_rnn_legend_gru", shape=weight, h=tr.hidden_size)))
        lines.append(("formula", labels("gru_rnn_legend_update")))
    else:
        lines.append(("cell", labels("gru_rnn_legend_rnn", shape=weight, h=tr.hidden_size)))
    key = "gru_rnn_layout_batched" if tr.batched else "gru_rnn_layout_unbatched"
    lines.append(
        (
            None,
            labels(
                "gru_rnn_legend_h_n", shape=labels.shape(tuple(tr.h_n.shape)), layout=labels(key)
            ),
        )
    )
    lines.append((None, labels("gru_rnn_legend_no_c", kind=tr.kind)))
    return lines


def _legend_width(swatch: str | None, text: str) -> float:
    """How wide one legend line's text is (the formula line: formula, then words)."""
    before = _GRU_UPDATE_WIDTH + 0.1 if swatch == "formula" else 0.0
    return before + text_width(text, _LABEL_SIZE)


def _legend_elements(
    tr: Trace, labels: Labels, lines: list[tuple[str | None, str]]
) -> list[Element]:
    elements: list[Element] = []
    for row, (swatch, text) in enumerate(lines):
        y = _LEGEND_BOTTOM + _LEGEND_PITCH * (len(lines) - 1 - row)
        if swatch == "h":
            elements.append(Arrow((0.15, y), (0.6, y), role="hidden"))
        elif swatch == "cell":
            elements.append(
                Box(0.15, y - 0.1, 0.45, 0.2, text=_cell_text(tr, labels), size=_GATE_SIZE)
            )
        elif swatch == "formula":
            # Math and words apart: mathtext cannot draw Chinese.
            elements.append(Text(_LEGEND_TEXT_X, y, _GRU_UPDATE, size=_LABEL_SIZE, ha="left"))
            words_x = _LEGEND_TEXT_X + _legend_width(swatch, "")
            elements.append(Text(words_x, y, text, size=_LABEL_SIZE, ha="left"))
            continue
        elements.append(Text(_LEGEND_TEXT_X, y, text, size=_LABEL_SIZE, ha="left"))
    return elements


def _alt(tr: Trace, labels: Labels) -> str:
    shapes = tr.shapes()
    gates = labels("gru_rnn_alt_gru" if GATE_NAMES[tr.kind] else "gru_rnn_alt_rnn")
    carried = "gru_rnn_alt_carried" if tr.num_layers > 1 else "gru_rnn_alt_carried_one_layer"
    return labels(
        "gru_rnn_alt",
        carried=labels(carried),
        layers=tr.num_layers,
        kind=tr.kind,
        steps=tr.seq_len,
        output_shape=labels.shape(shapes["output"]),
        h_shape=labels.shape(shapes["h_n"]),
        gates=gates,
    )
