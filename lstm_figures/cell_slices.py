"""Cell → slices: which expressions over ``output``, ``h_n`` and ``c_n`` hold a cell's state.

The other direction of :mod:`lstm_figures.locating` (slice → cells), for the readouts of
the explorable figures. A cell is ``(state, layer, direction, step)``: ``state`` is ``"h"``
or ``"c"`` and ``step`` counts in time order whatever ``batch_first`` says. Its state over
the batch is ``trace.hidden(layer, direction, step)`` (``trace.cell`` for ``"c"``).

The rules are PyTorch's documented layout, and every expression written here is checked
against the trace by the tests (evaluated with :func:`lstm_figures.expressions.evaluate` on the
real tensors):

- ``output`` holds the top layer's ``h`` of every direction at every step, the directions
  side by side on the last axis (``d * H_out`` to ``(d + 1) * H_out``);
- ``h_n[l * D + d]`` (and ``c_n``) holds layer ``l``, direction ``d`` at its final step: the
  sample's last valid step forward, step 0 backward;
- a packed batch has no state at the steps past a sample's length (``output`` holds
  padding there), so its expressions are written per sample.

No matplotlib here; torch only through the trace.
"""

from __future__ import annotations

from dataclasses import dataclass

from lstm_figures.labels import Labels
from lstm_figures.tracing import Trace

#: How many values of a cell's state a readout shows.
FIRST_VALUES = 4


@dataclass(frozen=True)
class Slice:
    """One expression that equals a cell's state.

    ``sample`` is None when the expression equals the state over the whole batch
    (``trace.hidden(...)``), else the one sample whose state it equals
    (``trace.hidden(...)[sample]``).
    """

    expression: str
    sample: int | None = None


@dataclass(frozen=True)
class CellSlices:
    """Where one cell's state is returned, in words and code.

    Attributes
    ----------
    cell : tuple
        ``(state, layer, direction, step)``.
    title : str
        The cell in words and its state's shape, e.g.
        "h, hidden state · layer 1 · forward · t = 3 · (3, 4)".
    slices : list of Slice
        Every expression over output, h_n, c_n that equals the state (whole batch first).
    notes : list of str
        Sentences for what is not returned: where the state goes instead, and the samples
        that have no such step (padding of a packed batch).
    sample : int
        The sample whose first values are shown.
    values : list of float
        The first :data:`FIRST_VALUES` values of that sample's state, from the trace.
    values_text : str
        The sentence that shows them.
    """

    cell: tuple[str, int, int, int]
    title: str
    slices: list[Slice]
    notes: list[str]
    sample: int
    values: list[float]
    values_text: str


def cells(tr: Trace) -> list[tuple[str, int, int, int]]:
    """Every cell of a trace, sorted: h (and c for an LSTM) × layers × directions × steps."""
    states = ("c", "h") if tr.c_n is not None else ("h",)
    return [
        (state, layer, direction, step)
        for state in states
        for layer in range(tr.num_layers)
        for direction in range(tr.num_directions)
        for step in range(tr.seq_len)
    ]


def _has_cell(tr: Trace, cell: tuple) -> bool:
    """Whether the trace has this cell (checked directly: T × L cells can be many)."""
    state, *numbers = cell
    limits = (tr.num_layers, tr.num_directions, tr.seq_len)
    in_range = all(
        isinstance(n, int) and not isinstance(n, bool) and 0 <= n < limit
        for n, limit in zip(numbers, limits, strict=True)
    )
    return in_range and (state == "h" or (state == "c" and tr.c_n is not None))


def state_of(tr: Trace, cell: tuple[str, int, int, int]):
    """The cell's state over the batch, from the trace's own step-by-step record."""
    state, layer, direction, step = cell
    return (tr.hidden if state == "h" else tr.cell)(layer, direction, step)


def _valid(tr: Trace, step: int) -> list[int]:
    """The samples that have time step ``step`` (all of them unless the batch is packed)."""
    if not tr.batched:
        return [0]
    if tr.lengths is None:
        return list(range(tr.batch_size))
    return [n for n in range(tr.batch_size) if step < tr.lengths[n]]


def _final_samples(tr: Trace, direction: int, step: int) -> list[int]:
    """The samples whose final state in ``direction`` is at ``step`` (what h_n holds)."""
    samples = range(tr.batch_size) if tr.batched else [0]
    return [n for n in samples if tr.final_step(direction, n) == step]


def _output_expressions(tr: Trace, direction: int, step: int, sample: int | None) -> list[str]:
    """``output`` at one step, one direction's features; one sample or (None) all of them."""
    size = tr.output_size
    # The halves of the last axis as readers write them: output[..., :H_out], output[..., H_out:].
    features = [] if tr.num_directions == 1 else [f"{size}:" if direction else f":{size}"]
    steps = [str(step)] + ([str(step - tr.seq_len)] if step == tr.seq_len - 1 else [])
    expressions = []
    for t in steps:
        if not tr.batched:
            parts = [t, *features]
        elif sample is not None:
            parts = [str(sample), t] if tr.batch_first else [t, str(sample)]
            parts += features
        elif tr.batch_first:
            parts = [":", t, *features]
        else:
            parts = [t, ":", *features] if features else [t]
        expressions.append(f"output[{', '.join(parts)}]")
    return expressions


def _final_expressions(tr: Trace, name: str, layer: int, direction: int, sample: int | None):
    """``h_n``/``c_n`` at one layer and direction; the top layer also by negative index."""
    index = layer * tr.num_directions + direction
    indices = [str(index)]
    if layer == tr.num_layers - 1:
        indices.append(str(index - tr.num_layers * tr.num_directions))
    tail = "" if sample is None else f", {sample}"
    return [f"{name}[{i}{tail}]" for i in indices]


def _slices(tr: Trace, cell: tuple[str, int, int, int]) -> list[Slice]:
    state, layer, direction, step = cell
    valid = _valid(tr, step)
    everyone = len(valid) == (tr.batch_size if tr.batched else 1)
    found: list[Slice] = []
    if state == "h" and layer == tr.num_layers - 1:
        if everyone:
            found += [Slice(e) for e in _output_expressions(tr, direction, step, None)]
        else:
            for n in valid:
                found += [Slice(e, n) for e in _output_expressions(tr, direction, step, n)]
    finals = _final_samples(tr, direction, step)
    name = "h_n" if state == "h" else "c_n"
    if finals and len(finals) == (tr.batch_size if tr.batched else 1):
        found += [Slice(e) for e in _final_expressions(tr, name, layer, direction, None)]
    else:
        for n in finals:
            found += [Slice(e, n) for e in _final_expressions(tr, name, layer, direction, n)]
    # The whole batch first, then sample by sample.
    return sorted(found, key=lambda s: -1 if s.sample is None else s.sample)


def sample_slices(tr: Trace, cell: tuple[str, int, int, int], sample: int) -> list[Slice]:
    """The expressions that equal one sample's part of a cell's state (``state[sample]``).

    For a figure that draws each sample of a batch apart (the packed figure).
    """
    state, layer, direction, step = cell
    if not tr.batched or sample not in _valid(tr, step):
        return []
    found = []
    if state == "h" and layer == tr.num_layers - 1:
        found += _output_expressions(tr, direction, step, sample)
    if tr.final_step(direction, sample) == step:
        found += _final_expressions(tr, "h_n" if state == "h" else "c_n", layer, direction, sample)
    return [Slice(expression, sample) for expression in found]


def where_it_goes(tr: Trace, cell: tuple[str, int, int, int], labels: Labels) -> str:
    """Where a state goes that is not returned: the next step, and (h) the layer above."""
    state, layer, direction, step = cell
    following = step + 1 if direction == 0 else step - 1
    places = []
    if 0 <= following < tr.seq_len:
        places.append(labels("explore_to_step", step=following))
    if state == "h" and layer < tr.num_layers - 1:
        places.append(labels("explore_to_layer", layer=layer + 1))
    return labels("explore_and").join(places)


def title(cell: tuple[str, int, int, int], shape: tuple[int, ...], labels: Labels) -> str:
    """A cell in words, with the shape of the state it stands for."""
    state, layer, direction, step = cell
    return labels(
        "explore_cell",
        state=labels(f"explore_state_{state}"),
        layer=layer,
        direction=labels("backward" if direction else "forward"),
        step=step,
        shape=labels.shape(shape),
    )


def _format(value: float) -> str:
    return f"{value:.4f}"


def cell_slices(
    tr: Trace,
    cell: tuple[str, int, int, int],
    lang: str | None = None,
    *,
    sample: int | None = None,
) -> CellSlices:
    """The expressions that hold one cell's state, or where it goes when none does.

    Parameters
    ----------
    tr : Trace
        A trace from :func:`lstm_figures.trace`.
    cell : tuple
        ``(state, layer, direction, step)``; ``state`` is ``"h"`` or ``"c"`` (LSTM only).
    lang : {"en", "zh_CN"}, optional
        Language of the title and notes; the default language when omitted.
    sample : int, optional
        The sample whose first values are shown; the first that has the step if omitted.

    Returns
    -------
    CellSlices

    Raises
    ------
    ValueError
        For a cell the trace does not have.

    Examples
    --------
    >>> import torch, lstm_figures as lf
    >>> from lstm_figures.cell_slices import cell_slices
    >>> tr = lf.trace(torch.nn.LSTM(3, 4, num_layers=2), torch.randn(5, 2, 3))
    >>> [s.expression for s in cell_slices(tr, ("h", 1, 0, 4)).slices]
    ['output[4]', 'output[-1]', 'h_n[1]', 'h_n[-1]']
    """
    if not (isinstance(cell, tuple) and len(cell) == 4):
        raise TypeError(f"cell must be a tuple (state, layer, direction, step), got {cell!r}")
    if not _has_cell(tr, cell):
        states = "'h' or 'c'" if tr.c_n is not None else "'h'"
        raise ValueError(
            f"this trace has no cell {cell!r}; expected state {states}, layer < "
            f"{tr.num_layers}, direction < {tr.num_directions}, step < {tr.seq_len}"
        )
    labels = Labels(lang)
    step = cell[3]
    slices = _slices(tr, cell)
    valid = _valid(tr, step)
    notes = []
    returned = {s.sample for s in slices}
    missing = [n for n in valid if n not in returned and None not in returned]
    where = where_it_goes(tr, cell, labels)
    if missing and len(missing) == len(valid):
        notes.append(labels("explore_not_returned", where=where))
    elif missing:
        samples = ", ".join(map(str, missing))
        notes.append(labels("explore_not_returned_samples", samples=samples, where=where))
    if tr.batched and len(valid) < tr.batch_size:
        padding = [n for n in range(tr.batch_size) if n not in valid]
        notes.append(labels("explore_padding", samples=", ".join(map(str, padding)), step=step))
    if sample is None:
        sample = valid[0]
    elif sample not in valid:
        raise ValueError(f"sample {sample!r} has no step {step}; expected one of {valid}")
    value = state_of(tr, cell)
    row = value[sample] if tr.batched else value
    values = row[:FIRST_VALUES].tolist()
    shown = ", ".join(_format(v) for v in values)
    if len(row) > FIRST_VALUES:
        shown += ", …"
    return CellSlices(
        cell=cell,
        title=title(cell, tuple(value.shape), labels),
        slices=slices,
        notes=notes,
        sample=sample,
        values=values,
        values_text=labels("explore_values", sample=sample, values=f"[{shown}]"),
    )
