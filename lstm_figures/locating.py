"""Which grid cells does a slice of ``output``, ``h_n`` or ``c_n`` read? Asked of PyTorch.

:func:`locate` answers for a reader's expression such as ``output[:, -1]`` or
``torch.cat((h_n[-2], h_n[-1]), dim=1)``: the (state, layer, direction, step) cells it reads,
which of them only in part, whether it reads padding, its shape, and warnings for the known
traps. Nothing here re-implements PyTorch's indexing rules: the expression is evaluated
twice by torch itself (with :func:`lstm_figures.expressions.evaluate`, whose docstring holds
the grammar), once on the real tensors (for the value and the shape) and once on int64
tensors of the same shapes and strides whose elements encode their own origin (for the
cells). The origins that come out are decoded.

The origin tensors copy the real tensors' strides, so that a ``.view`` fails where it fails
on the real tensors: ``output`` of a batched ``batch_first`` module (not packed) is a
transposed ``(T, N, ...)`` tensor, so ``output.view(-1)`` fails there (``.reshape(-1)``
works); every other ``output``, ``h_n`` and ``c_n`` is contiguous.

Warnings (catalogue keys in :mod:`lstm_figures.labels`, listed in this order):

- ``locate_warn_backward_first``: the module is bidirectional and some element read *from
  output* is the top layer's backward direction at the step where that direction starts for
  its sample (``lengths[n] - 1`` for a packed batch, else ``T - 1``), for a sample with more
  than one step. Params ``h_out`` (H_out) and ``backward_final`` (``"h_n[-1]"``).
- ``locate_warn_padding``: some element read is padding of a packed batch.
- ``locate_warn_batch_first_sample``: ``batch_first`` and a batched input; at least one element
  is read from ``output``, all elements read from ``output`` (padding included) belong to one
  sample, and they cover at least two time steps. Params ``sample`` (its index, 0-based).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lstm_figures.expressions import check_elements, evaluate
from lstm_figures.labels import Labels

if TYPE_CHECKING:
    import torch
    from torch import nn
    from torch.nn.utils.rnn import PackedSequence

    from lstm_figures.tracing import Trace

#: Warning keys, in the order warnings are listed.
WARNING_KEYS = (
    "locate_warn_backward_first",
    "locate_warn_padding",
    "locate_warn_batch_first_sample",
)


@dataclass(frozen=True, eq=False)
class Selection:
    """What an expression over ``output``, ``h_n`` and ``c_n`` reads.

    Attributes
    ----------
    expression : str
        The expression, as given.
    cells : list of tuple
        Every grid cell it reads at least one element of, as sorted
        ``(state, layer, direction, step)``; ``state`` is ``"h"`` or ``"c"``, ``step`` counts
        in time order from 0 whatever ``batch_first`` says, ``direction`` 1 is backward.
    partial : list of tuple
        The cells of which it reads only some samples or some units.
    padding : bool
        Whether it reads padded positions of a packed batch (zeros of no cell).
    shape : tuple of int
        The shape of the result, evaluated on the real tensors.
    warnings : list of str
        One sentence per known trap it falls into, in the chosen language.
    warning_keys : list of tuple
        ``(catalogue key, params)`` behind each warning.
    value : torch.Tensor
        The expression evaluated on the real tensors.
    """

    expression: str
    cells: list[tuple[str, int, int, int]]
    partial: list[tuple[str, int, int, int]]
    padding: bool
    shape: tuple[int, ...]
    warnings: list[str]
    warning_keys: list[tuple[str, dict]]
    value: torch.Tensor


# --- the real tensors and their origin twins ----------------------------------------------


def sizes(tr: Trace) -> dict[str, int]:
    """The size names an expression may use, for a trace: ``T N F H H_out P L D``.

    ``N`` is 1 for an unbatched input; ``P`` is ``proj_size`` (0 when none) and ``H_out`` is
    ``P`` if set, else ``H``; ``D`` is the number of directions and ``L`` of layers.
    """
    return {
        "T": tr.seq_len,
        "N": tr.batch_size,
        "F": tr.input_size,
        "H": tr.hidden_size,
        "H_out": tr.output_size,
        "P": tr.proj_size,
        "L": tr.num_layers,
        "D": tr.num_directions,
    }


def tensors(tr: Trace) -> dict[str, torch.Tensor]:
    """The tensors an expression may name: ``output`` (padded if the input was packed),
    ``h_n`` and, for an LSTM, ``c_n``."""
    result = {"output": tr.output_padded, "h_n": tr.h_n}
    if tr.c_n is not None:
        result["c_n"] = tr.c_n
    return result


@dataclass(frozen=True)
class _Codes:
    """How an origin is packed into one int64: mixed radix, unit fastest."""

    layers: int
    directions: int
    steps: int
    samples: int
    units: int

    # Fields, slowest first: padding (0/1), source (0 output, 1 h_n/c_n), state (0 h, 1 c),
    # layer, direction, step, sample, unit.
    def radices(self) -> tuple[int, ...]:
        return (2, 2, 2, self.layers, self.directions, self.steps, self.samples, self.units)

    def encode(self, fields: list) -> torch.Tensor:
        code = fields[0]
        for radix, field in zip(self.radices()[1:], fields[1:], strict=True):
            code = code * radix + field
        return code

    def decode(self, code: torch.Tensor) -> list[torch.Tensor]:
        fields = []
        for radix in reversed(self.radices()):
            fields.append(code % radix)
            code = code // radix
        return fields[::-1]


def _origin_tensors(tr: Trace, codes: _Codes, real: Mapping[str, torch.Tensor]) -> dict:
    """int64 twins of the real tensors, same shapes and strides, each element its origin."""
    import torch

    top, directions = tr.num_layers - 1, tr.num_directions
    steps, samples, out = tr.seq_len, tr.batch_size, tr.output_size
    # output, time-major and batched: (T, N, D * H_out)
    t = torch.arange(steps).view(steps, 1, 1, 1)
    n = torch.arange(samples).view(1, samples, 1, 1)
    d = torch.arange(directions).view(1, 1, directions, 1)
    u = torch.arange(out).view(1, 1, 1, out)
    lengths = torch.tensor(tr.lengths) if tr.lengths else torch.full((samples,), steps)
    padding = (t >= lengths.view(1, samples, 1, 1)).long()
    output = codes.encode([padding, 0, 0, top, d, t, n, u]).reshape(steps, samples, -1)
    if tr.batch_first and tr.batched:
        output = output.transpose(0, 1)
    if not tr.batched:
        output = output[:, 0]
    twins = {"output": output}

    # h_n / c_n: (L * D, N, size); the step is each sample's own final step.
    layer = torch.arange(tr.num_layers).view(-1, 1, 1, 1)
    d = torch.arange(directions).view(1, -1, 1, 1)
    n = torch.arange(samples).view(1, 1, -1, 1)
    forward_final = (lengths - 1).view(1, 1, -1, 1)
    final = torch.where(d == 1, torch.zeros_like(forward_final), forward_final)
    for name, state, size in (("h_n", 0, out), ("c_n", 1, tr.hidden_size)):
        if name not in real:
            continue
        unit = torch.arange(size).view(1, 1, 1, -1)
        code = codes.encode([0, 1, state, layer, d, final, n, unit])
        code = code.expand(tr.num_layers, directions, samples, size).reshape(-1, samples, size)
        twins[name] = code if tr.batched else code[:, 0]

    # Same strides as the real tensors, so that .view succeeds or fails as it does on them.
    result = {}
    for name, code in twins.items():
        like = real[name]
        if tuple(code.shape) != tuple(like.shape):  # never: a bug if it happens
            raise AssertionError(f"origin {name} {tuple(code.shape)} != {tuple(like.shape)}")
        twin = torch.empty_strided(like.shape, like.stride(), dtype=torch.int64)
        twin.copy_(code)
        result[name] = twin
    return result


# --- locate ------------------------------------------------------------------------------


def locate(
    module_or_trace: nn.Module | Trace,
    expression: str,
    x: torch.Tensor | PackedSequence | None = None,
    *,
    hx: torch.Tensor | tuple | None = None,
    lang: str | None = None,
) -> Selection:
    """Which (state, layer, direction, step) cells an expression over the outputs reads.

    Parameters
    ----------
    module_or_trace : torch.nn.LSTM, torch.nn.GRU, torch.nn.RNN or Trace
        The model to run, or a trace made with :func:`lstm_figures.trace`.
    expression : str
        A slice over ``output``, ``h_n`` and ``c_n`` as a reader writes it, e.g.
        ``"output[:, -1]"`` or ``"torch.cat((h_n[-2], h_n[-1]), dim=1)"``: subscripts with
        integers, slices, ``...`` and ``None``; the sizes ``T N F H H_out P L D`` with
        ``+ - * //``; ``.view``, ``.reshape``, ``.transpose``, ``.permute``, ``.flip``,
        ``.chunk(k, dim)[i]``, ``.unbind(dim)[i]``, ``torch.cat`` and ``torch.stack``.
        ``output`` is the padded output for a packed input.
    x : torch.Tensor or torch.nn.utils.rnn.PackedSequence, optional
        Input for the module; a small seeded one (T = 5, N = 3) when omitted.
    hx : torch.Tensor or tuple of torch.Tensor, optional
        Initial state, as for the module itself.
    lang : {"en", "zh_CN"}, optional
        Language of the warnings; the default language when omitted.

    Returns
    -------
    Selection

    Raises
    ------
    ValueError
        For an expression outside the grammar (naming the part), one torch refuses, one
        that names ``c_n`` of a GRU or RNN, or tensors too large to locate.
    TypeError
        If the module is not an LSTM, GRU or RNN, or the expression is not a string.

    Examples
    --------
    >>> import torch, lstm_figures as lf
    >>> lstm = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    >>> sel = lf.locate(lstm, "output[:, -1]")
    >>> sel.cells
    [('h', 1, 0, 4), ('h', 1, 1, 4)]
    >>> sel.warning_keys[0][0]
    'locate_warn_backward_first'
    """
    import torch

    from lstm_figures.figures import to_trace

    labels = Labels(lang)
    if not isinstance(expression, str):
        raise TypeError(f"the expression must be a str, got {type(expression).__name__}")
    tr = to_trace(module_or_trace, x, hx)
    value, origins, codes = _evaluate_both(tr, expression)
    read = torch.unique(origins.reshape(-1))
    padding, source, _, layer, direction, step, sample, _ = codes.decode(read)
    real_read = padding == 0
    cells, partial = _cells(tr, codes, read[real_read])
    keys = _warnings(tr, padding, source, direction, step, sample, layer)
    return Selection(
        expression=expression,
        cells=cells,
        partial=partial,
        padding=bool((~real_read).any()),
        shape=tuple(value.shape),
        warnings=[labels(key, **params) for key, params in keys],
        warning_keys=keys,
        value=value.clone(),
    )


def _evaluate_both(tr: Trace, expression: str) -> tuple[torch.Tensor, torch.Tensor, _Codes]:
    """The expression on the real tensors, on their origin twins, and the origins' code."""
    real = tensors(tr)
    names = sizes(tr)
    check_elements(sum(t.numel() for t in real.values()), "this model's output, h_n and c_n")
    value = evaluate(expression, real, names)
    codes = _Codes(
        tr.num_layers,
        tr.num_directions,
        tr.seq_len,
        tr.batch_size,
        max(tr.hidden_size, tr.output_size),
    )
    origins = evaluate(expression, _origin_tensors(tr, codes, real), names)
    if origins.shape != value.shape:  # never: both are the same operations on the same shapes
        raise AssertionError(f"origin shape {tuple(origins.shape)} != {tuple(value.shape)}")
    return value, origins, codes


def origins(tr: Trace, expression: str) -> list[dict[str, int]]:
    """The origin of every element the expression gives, in its flattened order.

    Each origin is a dict with ``padding`` (1 for a padded position of a packed batch),
    ``source`` (0 read from ``output``, 1 from ``h_n``/``c_n``), ``state`` (0 h, 1 c),
    ``layer``, ``direction``, ``step`` (time order), ``sample`` and ``unit``. Used by the
    selection figure (which steps' padding is read) and by the tests (every value checked
    against the trace's own states).
    """
    _, tagged, codes = _evaluate_both(tr, expression)
    fields = [field.reshape(-1).tolist() for field in codes.decode(tagged)]
    names = ("padding", "source", "state", "layer", "direction", "step", "sample", "unit")
    return [dict(zip(names, values, strict=True)) for values in zip(*fields, strict=True)]


def _cells(tr: Trace, codes: _Codes, read: torch.Tensor) -> tuple[list, list]:
    """The cells of the (non-padding) origins read, and those read only in part."""
    import torch

    _, _, state, layer, direction, step, sample, unit = codes.decode(read)
    # A cell once, whichever tensor (output or h_n) an element of it was read from.
    element = (
        ((state * codes.layers + layer) * codes.directions + direction) * codes.steps + step
    ) * codes.samples + sample
    element = element * codes.units + unit
    element = torch.unique(element)
    cell_id = element // (codes.samples * codes.units)
    ids, counts = torch.unique(cell_id, return_counts=True)
    lengths = tr.lengths or [tr.seq_len] * tr.batch_size
    cells, partial = [], []
    for cell, count in zip(ids.tolist(), counts.tolist(), strict=True):
        rest, t = divmod(cell, codes.steps)
        rest, d = divmod(rest, codes.directions)
        s, layer_index = divmod(rest, codes.layers)
        name = "hc"[s]
        units = tr.output_size if name == "h" else tr.hidden_size
        samples = sum(1 for length in lengths if t < length)
        key = (name, layer_index, d, t)
        cells.append(key)
        if count < samples * units:
            partial.append(key)
    return sorted(cells), sorted(partial)


def _warnings(tr, padding, source, direction, step, sample, layer) -> list[tuple[str, dict]]:
    """The warning keys (with params) an origin set falls under, in :data:`WARNING_KEYS`
    order; the rules are in this module's docstring."""
    import torch

    keys: list[tuple[str, dict]] = []
    lengths = torch.tensor(tr.lengths or [tr.seq_len] * tr.batch_size)
    from_output = source == 0
    if tr.num_directions == 2:
        own_length = lengths[sample]
        starts = (
            from_output
            & (padding == 0)
            & (layer == tr.num_layers - 1)
            & (direction == 1)
            & (step == own_length - 1)
            & (own_length > 1)
        )
        if bool(starts.any()):
            keys.append(
                (
                    "locate_warn_backward_first",
                    {"h_out": tr.output_size, "backward_final": "h_n[-1]"},
                )
            )
    if bool((padding == 1).any()):
        keys.append(("locate_warn_padding", {}))
    if tr.batch_first and tr.batched and bool(from_output.any()):
        samples = torch.unique(sample[from_output])
        steps = torch.unique(step[from_output])
        if len(samples) == 1 and len(steps) >= 2:
            keys.append(("locate_warn_batch_first_sample", {"sample": int(samples[0])}))
    return keys
