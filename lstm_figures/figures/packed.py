"""A batch of sequences of different lengths: padded, packed, and where each final state is."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence

from lstm_figures.figures.parts.packed_grid import (
    CELL_H,
    CELL_W,
    FINAL_EDGE,
    LABEL_SIZE,
    MONO_SIZE,
    column_centres,
    elided_row,
    final_code,
    final_lines,
    last_step_frame,
    row_centres,
    sequence_row,
    time_row,
    time_slots,
)
from lstm_figures.figures.parts.packed_strip import (
    BOX,
    Packing,
    strip_elements,
    strip_layout,
    strip_links,
)
from lstm_figures.figures.parts.tensors import output_index, top_index
from lstm_figures.figures.parts.text import (
    block_width,
    figure_title,
    text_lines,
    text_width,
    title_width,
)
from lstm_figures.labels import Labels
from lstm_figures.layout import Box, Element, Layout, Polygon, Text, elide
from lstm_figures.tracing import Trace, TraceMismatchError

# The trace's own tolerance for its step-by-step recomputation against PyTorch.
_RTOL, _ATOL = 1e-4, 1e-5


_LEGEND_BOTTOM, _LEGEND_PITCH = 0.2, 0.26
_LEGEND_TEXT_X = 0.7


def default_input(
    module: nn.Module, seq_len: int = 5, batch: int = 3, seed: int = 0
) -> PackedSequence:
    """A seeded packed batch for ``module``: lengths T, T - 2, T - 4, ... (at least 1).

    Used by :func:`lstm_figures.draw` when it gets a module and no input: this figure
    needs sequences of different lengths.
    """
    from lstm_figures.models import example_input

    x = example_input(module, seq_len=seq_len, batch=batch, seed=seed)
    lengths = [max(1, seq_len - 2 * b) for b in range(batch)]
    return pack_padded_sequence(x, lengths, batch_first=module.batch_first)


def build(tr: Trace, labels: Labels) -> Layout:
    if tr.lengths is None:
        raise ValueError(
            "the packed figure needs a PackedSequence input; pack x with "
            "torch.nn.utils.rnn.pack_padded_sequence, or pass the module alone for an example"
        )
    output = tr.output_padded  # unpacked once: that copies the whole output
    check_final_states(tr, output)
    packed = Packing.of(tr)
    sequences = elide(tr.batch_size, 5)
    steps = time_slots(tr, sequences)
    finals = {b: final_code(tr, labels, b) for b in sequences if b is not None}
    names = {b: labels("packed_sequence", b=b, length=tr.lengths[b]) for b in finals}
    legend = _legend(tr, labels)

    grid_left = 0.25 + max(text_width(name, LABEL_SIZE) for name in names.values())
    grid_left = max(grid_left, 0.25 + text_width(labels("packed_strip"), LABEL_SIZE))
    columns = column_centres(steps, grid_left + CELL_W / 2)
    grid_right = columns[-1] + CELL_W / 2
    text_x = grid_right + 0.3
    finals_w = max(block_width(lines, MONO_SIZE) for lines in finals.values())

    groups, strip_right = strip_layout(packed, steps, grid_left, grid_right)
    captions = [
        labels("packed_data", shape=labels.shape(packed.data_shape)),
        labels("packed_batch_sizes", sizes=_int_list(packed.batch_sizes, labels)),
    ]
    padded_caption = labels(
        "packed_padded_caption",
        x_shape=labels.shape(tuple(tr.input.shape)),
        output_shape=labels.shape(tuple(output.shape)),
    )
    title = labels(
        "packed_title",
        n=tr.batch_size,
        lengths=_int_list(tr.lengths, labels, shown=6),  # a title: shorter
        steps=tr.seq_len,
    )

    # Bottom up: legend, the packed strip and its captions, the padded grid, the title.
    legend_top = _LEGEND_BOTTOM + _LEGEND_PITCH * (len(legend) - 1)
    caption_y = legend_top + 0.5
    strip_labels_y = caption_y + 2 * 0.22 + 0.12
    strip_y = strip_labels_y + 0.28
    rows = row_centres(sequences, strip_y + BOX / 2 + 0.6 + CELL_H / 2)
    grid_top = max(rows.values()) + CELL_H / 2
    steps_y = grid_top + 0.2
    last_label_y = steps_y + 0.26
    caption_top = last_label_y + 0.3
    height = caption_top + 0.55

    width = max(
        text_x + finals_w + 0.25,
        strip_right + 0.2,
        _LEGEND_TEXT_X + block_width([text for _, text in legend], LABEL_SIZE) + 0.2,
        0.3 + block_width([*captions, padded_caption], LABEL_SIZE),
        title_width(title),
    )
    layout = Layout(width=width, height=height)
    layout.alt = _alt(tr, labels, packed, tuple(output.shape))
    layout.add(figure_title(title, width, height))
    layout.add(Text(0.15, caption_top, padded_caption, size=LABEL_SIZE, ha="left"))
    layout.add(*time_row(labels, steps, columns, steps_y, rows))
    for b, y in rows.items():
        if b is None:
            layout.add(*elided_row(steps, columns, y))
            continue
        layout.add(Text(0.12, y, names[b], size=LABEL_SIZE, ha="left"))
        layout.add(*sequence_row(tr, labels, b, steps, columns, y))
        layout.add(*final_lines(text_x, y, finals[b]))
    grid_bottom = min(rows.values()) - CELL_H / 2
    layout.add(*last_step_frame(tr, labels, columns[-1], grid_bottom, grid_top, last_label_y))
    layout.add(*strip_elements(labels, packed, groups, strip_y, strip_labels_y))
    layout.add(*strip_links(steps, columns, groups, grid_bottom, strip_y + BOX / 2))
    layout.add(Text(0.12, strip_y, labels("packed_strip"), size=LABEL_SIZE, ha="left"))
    layout.add(*text_lines(0.15, caption_y + 0.11, captions, LABEL_SIZE, 0.22, ha="left"))
    layout.add(*_legend_elements(legend, labels))
    return layout


def check_final_states(tr: Trace, output: torch.Tensor | None = None) -> None:
    """Check what the figure claims about each sequence of the batch.

    Its final forward state ``h_n`` is ``output`` at its own last step, t = length - 1; the
    backward one is ``output`` at t = 0; and ``output`` at the last step is 0 for every
    sequence shorter than T. Raises :class:`~lstm_figures.tracing.TraceMismatchError`
    otherwise, which never happens for a real trace: the check is what lets the figure
    claim it. ``output`` is ``tr.output_padded`` if the caller has it already (unpacking
    copies the whole output).
    """
    size = tr.output_size
    output = tr.output_padded if output is None else output
    if tr.batch_first:
        output = output.transpose(0, 1)
    for b, length in enumerate(tr.lengths):
        for direction in range(tr.num_directions):
            t = tr.final_step(direction, b)
            expected = output[t, b, direction * size : (direction + 1) * size]
            actual = tr.h_n[top_index(tr, direction), b]
            if not torch.allclose(actual, expected, _RTOL, _ATOL):
                raise TraceMismatchError(f"h_n of sequence {b} is not output at step {t}")
        if length < tr.seq_len and bool(output[-1, b].any()):
            raise TraceMismatchError(f"output at the last step is not 0 for sequence {b}")


def _int_list(values: list[int], labels: Labels, shown: int = 8) -> str:
    """A list of ints as Python prints it, elided in the middle when long."""
    slots = elide(len(values), shown)
    return "[" + ", ".join(labels("ellipsis") if i is None else str(values[i]) for i in slots) + "]"


def _short(tr: Trace) -> int:
    """How many sequences are shorter than T (their output[-1] is padding)."""
    return sum(length < tr.seq_len for length in tr.lengths)


def _legend(tr: Trace, labels: Labels) -> list[tuple[str, str]]:
    """(swatch, text) lines: what each mark of the figure means."""
    check = labels("packed_check_mark")
    lines = [("final", labels("packed_legend_final", check=check))]
    if tr.num_directions == 2:
        lines.append(("backward", labels("packed_legend_backward", check=check)))
    last = output_index(tr, labels, -1)
    short = _short(tr)
    if short:
        lines.append(("padding", labels("packed_legend_padding")))
        text = labels(
            "packed_legend_last",
            last=last,
            count=short,
            n=tr.batch_size,
            steps=tr.seq_len,
            check=check,
        )
    else:
        text = labels("packed_legend_last_full", last=last, steps=tr.seq_len)
    lines.append(("last", text))
    lines.append(("check", labels("packed_checked")))
    return lines


def _legend_elements(lines: list[tuple[str, str]], labels: Labels) -> list[Element]:
    elements: list[Element] = []
    for row, (swatch, text) in enumerate(lines):
        y = _LEGEND_BOTTOM + _LEGEND_PITCH * (len(lines) - 1 - row)
        elements.append(Text(_LEGEND_TEXT_X, y, text, size=LABEL_SIZE, ha="left"))
        left, bottom, w, h = 0.2, y - 0.08, 0.3, 0.16
        if swatch == "final":
            elements.append(Box(left, bottom, w, h, edge="highlight", linewidth=FINAL_EDGE))
        elif swatch == "backward":
            elements.append(Box(left, bottom, w, h, role="none", edge="backward", linewidth=1.5))
        elif swatch == "padding":
            corners = (
                (left, bottom),
                (left + w, bottom),
                (left + w, bottom + h),
                (left, bottom + h),
            )
            elements.append(Polygon(corners, role="muted", edge="muted", alpha=0.3, linewidth=0.8))
        elif swatch == "last":
            elements.append(
                Box(
                    left - 0.05,
                    bottom,
                    w + 0.1,
                    h,
                    role="none",
                    edge="output",
                    dashed=True,
                    linewidth=1.5,
                )
            )
        else:
            elements.append(Text(left + w / 2, y, labels("packed_check_mark"), size=LABEL_SIZE + 1))
    return elements


def _alt(tr: Trace, labels: Labels, packed: Packing, output_shape: tuple[int, ...]) -> str:
    backward = labels("packed_alt_backward") if tr.num_directions == 2 else ""
    return labels(
        "packed_alt",
        n=tr.batch_size,
        lengths=_int_list(tr.lengths, labels),
        steps=tr.seq_len,
        x_shape=labels.shape(tuple(tr.input.shape)),
        output_shape=labels.shape(output_shape),
        total=packed.data_shape[0],
        data_shape=labels.shape(packed.data_shape),
        batch_sizes=_int_list(packed.batch_sizes, labels),
        backward=backward,
        last=output_index(tr, labels, -1),
        short=_short(tr),
    )
