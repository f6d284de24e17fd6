"""A bidirectional LSTM: a forward and a backward row per layer, concatenated at each step."""

from __future__ import annotations

import itertools

import torch

from lstm_figures.figures.parts.grid import Grid, cell_grid, link_y
from lstm_figures.figures.parts.grid_links import band_links, inputs_and_gaps, output_strip
from lstm_figures.figures.parts.grid_margins import cell_rows, grid_margins
from lstm_figures.figures.parts.tensors import output_at, output_index
from lstm_figures.figures.parts.text import (
    MONO_SIZE,
    ROW_LABEL_SIZE,
    block_width,
    figure_title,
    text_lines,
    title_width,
)
from lstm_figures.labels import Labels
from lstm_figures.layout import Layout
from lstm_figures.tracing import Trace

_TOP_LINK = 0.32  # from the top layer up to the output bars
_LABEL_SIZE, _MONO_SIZE = ROW_LABEL_SIZE, MONO_SIZE
_NOTE_BOTTOM, _NOTE_PITCH = 0.2, 0.24
_INPUT_Y = 1.2
_LINE = 0.17  # between the lines of a label block


def build(tr: Trace, labels: Labels) -> Layout:
    if tr.num_directions != 2:
        raise ValueError("the bidirectional figure needs a module built with bidirectional=True")
    # Left to right: layer names, direction names, the backward rows' h_n, the grid. The
    # right margin is the text blocks', measured below.
    margins = grid_margins(tr, labels, _h_n_name, backward_gap=0.25)
    grid = cell_grid(tr, margins.left, _INPUT_Y + 0.62)
    top_bar = grid.band_top(len(grid.layers) - 1) + _TOP_LINK
    blocks = [_output_text(tr, labels)] + [
        _link_text(tr, labels, below, above) for _, below, above in _layer_pairs(grid)
    ]
    right_w = max(block_width(block, _MONO_SIZE) for block in blocks)
    notes = _notes(tr, labels)
    title = labels("bidir_title", layers=tr.num_layers, kind=tr.kind, steps=tr.seq_len)
    width = max(
        grid.span[1] + 0.35 + right_w,
        0.3 + block_width(notes, _LABEL_SIZE),
        title_width(title),
    )
    height = top_bar + 0.75
    layout = Layout(width=width, height=height)
    layout.alt = _alt(tr, labels)
    layout.add(figure_title(title, width, height))
    for band, layer in grid.bands():
        names = [_h_n_name(layer, d) for d in range(2)]
        layout.add(
            *cell_rows(
                grid, labels, band, layer, margins=margins, final_names=names, coloured_names=True
            )
        )
    layout.add(*band_links(grid))
    right_x = grid.span[1] + 0.2
    layout.add(*text_lines(right_x, top_bar, blocks[0], _MONO_SIZE, _LINE, ha="left"))
    for (band, _, _), block in zip(_layer_pairs(grid), blocks[1:], strict=True):
        layout.add(*text_lines(right_x, link_y(grid, band), block, _MONO_SIZE, _LINE, ha="left"))
    layout.add(*output_strip(grid, tr, labels, top_bar, names=False))
    layout.add(*inputs_and_gaps(grid, labels, _INPUT_Y, top_bar))
    layout.add(
        *text_lines(
            0.15, _NOTE_BOTTOM + _NOTE_PITCH / 2, notes, _LABEL_SIZE, _NOTE_PITCH, ha="left"
        )
    )
    return layout


def _h_n_name(layer: int, direction: int) -> str:
    """The entry of h_n holding one row's final state (at t = T - 1 forward, t = 0 backward)."""
    return f"h_n[{2 * layer + direction}]"


def _layer_pairs(grid: Grid) -> list[tuple[int, int, int]]:
    """(band, layer, layer above) for every two drawn layers next to each other."""
    return [
        (band, below, above)
        for band, (below, above) in enumerate(itertools.pairwise(grid.layers))
        if below is not None and above is not None
    ]


def _concat(tr: Trace, layer: int, t: int) -> torch.Tensor:
    """Both directions' h at one step, side by side: what the layer passes on."""
    return torch.cat((tr.hidden(layer, 0, t), tr.hidden(layer, 1, t)), dim=-1)


def _alt(tr: Trace, labels: Labels) -> str:
    return labels(
        "bidir_alt",
        layers=tr.num_layers,
        kind=tr.kind,
        steps=tr.seq_len,
        last=tr.seq_len - 1,
        h_shape=labels.shape(tuple(tr.hidden(0, 0, 0).shape)),
        cat_shape=labels.shape(tuple(_concat(tr, 0, 0).shape)),
        output_t=output_index(tr, labels, "t"),
    )


def _link_text(tr: Trace, labels: Labels, below: int, above: int) -> tuple[str, ...]:
    """Between two layers: the concatenated h, and what the layer above expects."""
    concat = tuple(_concat(tr, below, 0).shape)
    weight = f"weight_ih_l{above}"
    return (
        labels("bidir_concat", shape=labels.shape(concat)),
        labels("bidir_next_input", n=above, size=concat[-1]),
        labels("shape_of", name=weight, shape=labels.shape(tr.parameter_shapes[weight])),
    )


def _output_text(tr: Trace, labels: Labels) -> tuple[str, ...]:
    """Above the top layer: each step's concatenation is output[t]."""
    shape = labels.shape(tuple(output_at(tr, 0).shape))
    return (
        labels("shape_of", name=output_index(tr, labels, "t"), shape=shape),
        labels("bidir_output_is"),
    )


def _notes(tr: Trace, labels: Labels) -> tuple[str, ...]:
    """The order of h_n's first axis, and where the backward row's final state is."""
    return (
        labels("bidir_h_n_order", shape=labels.shape(tuple(tr.h_n.shape))),
        labels(
            "bidir_final_note",
            first=output_index(tr, labels, 0),
            final=output_index(tr, labels, -1),
        ),
    )
