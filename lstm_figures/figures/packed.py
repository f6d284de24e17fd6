"""A batch of sequences of different lengths: padded, packed, and where each final state is."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence

from lstm_figures.figures import grid as g
from lstm_figures.figures.cell_boxes import sample_cells
from lstm_figures.labels import Labels
from lstm_figures.layout import Arrow, Box, Element, Layout, Polygon, Text, elide
from lstm_figures.tracing import Trace, TraceMismatchError

# The trace's own tolerance for its step-by-step recomputation against PyTorch.
_RTOL, _ATOL = 1e-4, 1e-5
_LABEL_SIZE, _MONO_SIZE, _SMALL_SIZE = 8.5, 7.5, 7.5

# The padded grid: one row per sequence, one column per time step.
_CELL_W, _CELL_H = 0.42, 0.26
_PITCH, _GAP_W = 0.54, 0.34  # column pitch; width of an elided ("⋯") column
_ROW_PITCH, _GAP_ROW = 0.4, 0.26  # row pitch; height of an elided ("⋮") row
_FINAL_EDGE = 2.4  # outline of the cells whose state is a final state
_ALL_STEPS = 7  # up to this many time steps, every one is drawn

# The packed strip: one box per row of packed.data, grouped by time step.
_BOX, _BOX_PITCH = 0.24, 0.27
_GROUP_GAP, _GROUP_GAP_W = 0.24, 0.32
_GROUP_SLOTS = 4  # rows drawn per time step (first two, "⋯", last)
_STRIP_STEPS = (7, 5)  # fewer time steps for the strip than the grid has, if it is too wide
_STRIP_WIDTH = 6.0  # how wide the strip may grow past the grid

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
    packed = _Packing.of(tr)
    sequences = elide(tr.batch_size, 5)
    steps = _time_slots(tr, sequences)
    finals = {b: _final_code(tr, labels, b) for b in sequences if b is not None}
    names = {b: labels("packed_sequence", b=b, length=tr.lengths[b]) for b in finals}
    legend = _legend(tr, labels)

    grid_left = 0.25 + max(g.text_width(name, _LABEL_SIZE) for name in names.values())
    grid_left = max(grid_left, 0.25 + g.text_width(labels("packed_strip"), _LABEL_SIZE))
    columns = _column_centres(steps, grid_left + _CELL_W / 2)
    grid_right = columns[-1] + _CELL_W / 2
    text_x = grid_right + 0.3
    finals_w = max(g.block_width(lines, _MONO_SIZE) for lines in finals.values())

    groups, strip_right = _strip_layout(packed, steps, grid_left, grid_right)
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
    rows = _row_centres(sequences, strip_y + _BOX / 2 + 0.6 + _CELL_H / 2)
    grid_top = max(rows.values()) + _CELL_H / 2
    steps_y = grid_top + 0.2
    last_label_y = steps_y + 0.26
    caption_top = last_label_y + 0.3
    height = caption_top + 0.55

    width = max(
        text_x + finals_w + 0.25,
        strip_right + 0.2,
        _LEGEND_TEXT_X + g.block_width([text for _, text in legend], _LABEL_SIZE) + 0.2,
        0.3 + g.block_width([*captions, padded_caption], _LABEL_SIZE),
        g.title_width(title),
    )
    layout = Layout(width=width, height=height)
    layout.alt = _alt(tr, labels, packed, tuple(output.shape))
    layout.add(g.title(title, width, height))
    layout.add(Text(0.15, caption_top, padded_caption, size=_LABEL_SIZE, ha="left"))
    layout.add(*_time_row(labels, steps, columns, steps_y, rows))
    for b, y in rows.items():
        if b is None:
            layout.add(*_elided_row(steps, columns, y))
            continue
        layout.add(Text(0.12, y, names[b], size=_LABEL_SIZE, ha="left"))
        layout.add(*_sequence_row(tr, labels, b, steps, columns, y))
        layout.add(*_final_lines(text_x, y, finals[b]))
        layout.cells.update(_sample_boxes(tr, b, steps, columns, y))
    grid_bottom = min(rows.values()) - _CELL_H / 2
    layout.add(*_last_step_frame(tr, labels, columns[-1], grid_bottom, grid_top, last_label_y))
    layout.add(*_strip(labels, packed, groups, strip_y, strip_labels_y))
    layout.add(*_strip_links(steps, columns, groups, grid_bottom, strip_y + _BOX / 2))
    layout.add(Text(0.12, strip_y, labels("packed_strip"), size=_LABEL_SIZE, ha="left"))
    layout.add(*g.text_lines(0.15, caption_y + 0.11, captions, _LABEL_SIZE, 0.22, ha="left"))
    layout.add(*_legend_elements(legend, labels))
    return layout


# ----------------------------------------------------------------------------- facts


class _Packing:
    """What the PackedSequence holds: its data's shape, batch_sizes and row order."""

    def __init__(self, data_shape: tuple[int, ...], batch_sizes: list[int], order: list[int]):
        self.data_shape = data_shape
        self.batch_sizes = batch_sizes
        self.order = order  # sequence index of each row within a time step's group

    @classmethod
    def of(cls, tr: Trace) -> _Packing:
        """Pack the trace's padded input again, as the module received it."""
        packed = pack_padded_sequence(
            tr.input, tr.lengths, batch_first=tr.batch_first, enforce_sorted=False
        )
        output = tr.output
        if not torch.equal(packed.batch_sizes, output.batch_sizes):
            raise TraceMismatchError("the input and output PackedSequences disagree on batch_sizes")
        order = output.sorted_indices
        order = list(range(tr.batch_size)) if order is None else order.tolist()
        return cls(tuple(packed.data.shape), packed.batch_sizes.tolist(), order)


def _top_index(tr: Trace, direction: int) -> int:
    """Where the top layer's final state of one direction sits in h_n."""
    return (tr.num_layers - 1) * tr.num_directions + direction


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
            actual = tr.h_n[_top_index(tr, direction), b]
            if not torch.allclose(actual, expected, _RTOL, _ATOL):
                raise TraceMismatchError(f"h_n of sequence {b} is not output at step {t}")
        if length < tr.seq_len and bool(output[-1, b].any()):
            raise TraceMismatchError(f"output at the last step is not 0 for sequence {b}")


# ----------------------------------------------------------------------------- the padded grid


def _time_slots(tr: Trace, sequences: list[int | None]) -> list[int | None]:
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


def _column_centres(steps: list[int | None], first: float) -> list[float]:
    """Centre x of each column; an elided column is narrower."""
    centres, x = [], first
    for index, t in enumerate(steps):
        if index:
            previous = steps[index - 1]
            x += (_PITCH + _GAP_W) / 2 if t is None or previous is None else _PITCH
        centres.append(x)
    return centres


def _row_centres(sequences: list[int | None], bottom: float) -> dict[int | None, float]:
    """Centre y of each row, the first sequence on top; an elided row is lower."""
    centres, y = {}, bottom
    for index, b in enumerate(reversed(sequences)):
        if index:
            below = sequences[len(sequences) - index]
            y += (_ROW_PITCH + _GAP_ROW) / 2 if b is None or below is None else _ROW_PITCH
        centres[b] = y
    return dict(reversed(list(centres.items())))


def _time_row(
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
            elements += [g.dots(x, row_y) for b, row_y in rows.items() if b is not None]
        else:
            elements.append(Text(x, y, labels("t_equals", t=t), size=_SMALL_SIZE, role="muted"))
    return elements


def _elided_row(steps: list[int | None], columns: list[float], y: float) -> list[Element]:
    """The elided sequences: "⋮" by the names and in every column."""
    pairs = zip(columns, steps, strict=True)
    marks = [g.dots(x, y, vertical=True) for x, t in pairs if t is not None]
    return [g.dots(0.5, y, vertical=True), *marks]


def _sequence_row(
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
        left, bottom = x - _CELL_W / 2, y - _CELL_H / 2
        if t >= length:
            elements.append(_padding_cell(left, bottom))
            last = t == tr.seq_len - 1  # what output[-1] holds for a short sequence
            elements.append(
                Text(
                    x,
                    y,
                    labels("packed_zero"),
                    size=_SMALL_SIZE + (1 if last else 0),
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
                _CELL_W,
                _CELL_H,
                edge="highlight" if final else "edge",
                linewidth=_FINAL_EDGE if final else 0.9,
            )
        )
        if tr.num_directions == 2 and t == 0:
            elements.append(_backward_outline(left, bottom))
    return elements


def _sample_boxes(
    tr: Trace, b: int, steps: list[int | None], columns: list[float], y: float
) -> dict:
    """The boxes of sequence b's real steps, for the explorable figure (see Layout.cells)."""
    boxes = {}
    for x, t in zip(columns, steps, strict=True):
        if t is not None and t < tr.lengths[b]:
            box = Box(x - _CELL_W / 2, y - _CELL_H / 2, _CELL_W, _CELL_H, role="none")
            boxes.update(sample_cells(box, tr.num_layers - 1, t, b, tr.num_directions))
    return boxes


def _padding_cell(left: float, bottom: float) -> Polygon:
    """A greyed cell: a padded position, no real time step."""
    corners = (
        (left, bottom),
        (left + _CELL_W, bottom),
        (left + _CELL_W, bottom + _CELL_H),
        (left, bottom + _CELL_H),
    )
    return Polygon(corners, role="muted", edge="muted", alpha=0.3, linewidth=0.8)


def _backward_outline(left: float, bottom: float) -> Box:
    """A second outline around a t = 0 cell: the backward direction's final state."""
    pad = 0.05
    return Box(
        left - pad,
        bottom - pad,
        _CELL_W + 2 * pad,
        _CELL_H + 2 * pad,
        role="none",
        edge="backward",
        linewidth=1.5,
    )


def _output_code(tr: Trace, t: int, b: int, features: str = "") -> str:
    """``output`` at step t of sequence b as code, following ``batch_first``."""
    index = f"{b}, {t}" if tr.batch_first else f"{t}, {b}"
    return f"output[{index}{features}]"


def _final_code(tr: Trace, labels: Labels, b: int) -> list[str]:
    """Where sequence b's final states are, as code: h_n[...] = output[...]."""
    size = tr.output_size
    lines = []
    for direction in range(tr.num_directions):
        features = "" if tr.num_directions == 1 else (f", {size}:" if direction else f", :{size}")
        t = tr.final_step(direction, b)
        lines.append(
            labels(
                "packed_final",
                h_n=f"h_n[{_top_index(tr, direction)}, {b}]",
                output=_output_code(tr, t, b, features),
            )
        )
    return lines


def _final_lines(x: float, y: float, lines: list[str]) -> list[Text]:
    """The code lines right of a row, the backward one in the backward colour."""
    texts = g.text_lines(x, y, lines, _MONO_SIZE, 0.16, ha="left", family="mono")
    roles = ["text", "backward"]
    return [
        Text(t.x, t.y, t.text, role=roles[i], size=t.size, ha="left", family="mono")
        for i, t in enumerate(texts)
    ]


def _last_step_frame(
    tr: Trace, labels: Labels, x: float, bottom: float, top: float, label_y: float
) -> list[Element]:
    """A dashed frame around the last column: ``output[-1]``."""
    half = _CELL_W / 2 + 0.09
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
            g.output_index(tr, labels, -1),
            size=_MONO_SIZE + 0.5,
            role="output",
            family="mono",
        ),
    ]


# ----------------------------------------------------------------------------- the packed strip


def _group_spans(
    packed: _Packing, steps: list[int | None], left: float
) -> tuple[list[tuple[int | None, list[int | None], float]], float]:
    """(time step, rows drawn, left x) of each group of the strip, and the strip's right end."""
    groups, x = [], left
    for t in steps:
        if t is None:
            groups.append((None, [], x))
            x += _GROUP_GAP_W + _GROUP_GAP
            continue
        rows = elide(packed.batch_sizes[t], _GROUP_SLOTS)
        groups.append((t, rows, x))
        x += _BOX_PITCH * len(rows) - (_BOX_PITCH - _BOX) + _GROUP_GAP
    return groups, x - _GROUP_GAP


def _strip_layout(
    packed: _Packing, steps: list[int | None], left: float, grid_right: float
) -> tuple[list[tuple[int | None, list[int | None], float]], float]:
    """The strip's groups: one under each column of the grid if that is not too wide, else
    fewer time steps."""
    limit = max(grid_right, left + _STRIP_WIDTH)
    for candidate in (steps, *(elide(len(packed.batch_sizes), n) for n in _STRIP_STEPS)):
        groups, right = _group_spans(packed, candidate, left)
        if right <= limit:
            break
    return groups, right


def _group_width(rows: list[int | None]) -> float:
    return _BOX_PITCH * len(rows) - (_BOX_PITCH - _BOX) if rows else _GROUP_GAP_W


def _strip(
    labels: Labels,
    packed: _Packing,
    groups: list[tuple[int | None, list[int | None], float]],
    y: float,
    labels_y: float,
) -> list[Element]:
    """The rows of packed.data in time order: each box names the sequence it came from."""
    elements: list[Element] = []
    for t, rows, left in groups:
        if t is None:
            elements.append(g.dots(left + _GROUP_GAP_W / 2, y))
            continue
        for index, row in enumerate(rows):
            x = left + _BOX_PITCH * index
            if row is None:
                elements.append(g.dots(x + _BOX / 2, y, pitch=0.05))
                continue
            elements.append(
                Box(
                    x,
                    y - _BOX / 2,
                    _BOX,
                    _BOX,
                    rounded=False,
                    text=str(packed.order[row]),
                    size=_SMALL_SIZE,
                    linewidth=0.8,
                )
            )
        centre = left + _group_width(rows) / 2
        elements.append(Text(centre, labels_y, labels("t_equals", t=t), size=7, role="muted"))
    return elements


def _strip_links(
    steps: list[int | None],
    columns: list[float],
    groups: list[tuple[int | None, list[int | None], float]],
    grid_bottom: float,
    strip_top: float,
) -> list[Arrow]:
    """From each drawn column of the grid down to its group of packed rows."""
    column_x = {t: x for t, x in zip(steps, columns, strict=True) if t is not None}
    return [
        Arrow(
            (column_x[t], grid_bottom - 0.14),
            (left + _group_width(rows) / 2, strip_top + 0.06),
            role="muted",
            linewidth=0.8,
        )
        for t, rows, left in groups
        if t is not None and t in column_x
    ]


# ----------------------------------------------------------------------------- words


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
    last = g.output_index(tr, labels, -1)
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
        elements.append(Text(_LEGEND_TEXT_X, y, text, size=_LABEL_SIZE, ha="left"))
        left, bottom, w, h = 0.2, y - 0.08, 0.3, 0.16
        if swatch == "final":
            elements.append(Box(left, bottom, w, h, edge="highlight", linewidth=_FINAL_EDGE))
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
            elements.append(
                Text(left + w / 2, y, labels("packed_check_mark"), size=_LABEL_SIZE + 1)
            )
    return elements


def _alt(tr: Trace, labels: Labels, packed: _Packing, output_shape: tuple[int, ...]) -> str:
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
        last=g.output_index(tr, labels, -1),
        short=_short(tr),
    )
