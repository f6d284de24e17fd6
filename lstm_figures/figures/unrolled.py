"""One recurrent layer, rolled (a cell with a loop) and unrolled over the real time steps."""

from __future__ import annotations

from lstm_figures.labels import Labels
from lstm_figures.layout import Arrow, Box, Layout, Text, elide
from lstm_figures.tracing import Trace

_BOX_W, _BOX_H, _PITCH = 0.9, 0.7, 1.3


def input_step_shape(tr: Trace, t: int) -> tuple[int, ...]:
    """Shape of the input at one time step, read from the traced input."""
    step = tr.input[:, t] if tr.batch_first and tr.batched else tr.input[t]
    return tuple(step.shape)


def build(tr: Trace, labels: Labels) -> Layout:
    slots = elide(tr.seq_len)
    width = 3.4 + _PITCH * len(slots) + 0.3
    layout = Layout(width=width, height=3.9)
    x_shape = labels.shape(input_step_shape(tr, 0))
    h_shape = labels.shape(tuple(tr.hidden(0, 0, 0).shape))
    layout.alt = labels(
        "unrolled_alt", kind=tr.kind, steps=tr.seq_len, x_shape=x_shape, h_shape=h_shape
    )
    layout.add(
        Text(
            width / 2,
            3.65,
            labels("unrolled_title", kind=tr.kind, steps=tr.seq_len),
            size=11,
            weight="bold",
        )
    )

    # Rolled: one cell, its input below, its output above, and the loop that feeds h back.
    cell = Box(0.5, 1.5, _BOX_W, _BOX_H, text=labels("unrolled_cell", kind=tr.kind), size=8.5)
    layout.add(
        cell,
        Arrow((cell.bottom[0], 0.95), cell.bottom, role="input_line"),
        Text(cell.bottom[0], 0.78, "$x_t$", size=11),
        Arrow(cell.top, (cell.top[0], 2.75), role="hidden"),
        Text(cell.top[0], 2.92, "$h_t$", size=11),
        Arrow(
            (cell.right[0], cell.y + 0.55),
            (cell.right[0], cell.y + 0.15),
            role="hidden",
            curve=-1.8,
        ),
        Text(cell.right[0] + 0.45, cell.center[1], "$h$", size=10, role="hidden", ha="left"),
        Text(cell.center[0], 0.35, labels("unrolled_rolled"), role="muted", size=9),
        Text(2.25, cell.center[1], labels("unrolled_equals"), size=16),
    )

    # Unrolled: the same cell once per time step, h carried to the right.
    left = 3.4
    # The initial state is h_0, as in PyTorch's API; the steps are named by t = 0, 1, ...
    # beside them, never by a subscript, so that h_0 means one thing (see docs/notation.rst).
    layout.add(
        # Layer 0's forward row of h_0, which has one row per layer and direction.
        Text(left - 0.5, cell.center[1] + 0.3, "h_0[0]", size=8.5, role="hidden", family="mono"),
        Text(left - 0.5, cell.center[1] - 0.27, labels("unrolled_initial"), size=8, role="muted"),
    )
    previous = (left - 0.55, cell.center[1])
    boxes = []
    for slot, t in enumerate(slots):
        x = left + _PITCH * slot
        if t is None:
            gap = Text(x + _BOX_W / 2, cell.center[1], labels("ellipsis"), size=16, role="muted")
            layout.add(Arrow(previous, (x + 0.15, cell.center[1]), role="hidden"), gap)
            previous = (x + _BOX_W - 0.15, cell.center[1])
            continue
        box = Box(x, cell.y, _BOX_W, _BOX_H, text=tr.kind, size=9)
        boxes.append(box)
        layout.add(
            Arrow(previous, box.left, role="hidden"),
            box,
            Arrow((box.bottom[0], 0.95), box.bottom, role="input_line"),
            Text(box.bottom[0], 0.78, "$x_t$", size=10),
            Arrow(box.top, (box.top[0], 2.75), role="hidden"),
            Text(box.top[0], 2.92, "$h_t$", size=10),
            Text(box.bottom[0], 0.45, labels("t_equals", t=t), size=8, role="muted"),
        )
        previous = box.right
    span_left, span_right = boxes[0].x, boxes[-1].x + _BOX_W
    layout.add(
        Text(
            (span_left + span_right) / 2,
            0.15,
            labels("unrolled_same_cell", steps=tr.seq_len),
            size=8.5,
            role="output",
        ),
        Text(
            span_left,
            3.3,
            labels("unrolled_x_shape", shape=x_shape)
            + "    "
            + labels("unrolled_h_shape", shape=h_shape),
            size=8.5,
            ha="left",
            family="mono",
        ),
    )
    return layout
