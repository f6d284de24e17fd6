"""Tensor look-ups the figures share: ``x`` and ``output`` at a time step, following
``batch_first``, one direction's features, and where a final state sits in ``h_n``.
"""

from __future__ import annotations

import torch

from lstm_figures.labels import Labels
from lstm_figures.tracing import Trace


def input_at(tr: Trace, t: int) -> torch.Tensor:
    """The input at time step ``t`` in the module's own layout (``x[:, t]`` if batch first)."""
    return tr.input[:, t] if tr.batch_first and tr.batched else tr.input[t]


def output_at(tr: Trace, t: int) -> torch.Tensor:
    """``output`` at time step ``t``: ``output[:, t]`` if batch first, else ``output[t]``."""
    output = tr.output_padded
    return output[:, t] if tr.batch_first and tr.batched else output[t]


def output_index(tr: Trace, labels: Labels, t: int | str) -> str:
    """How to write ``output`` at step ``t`` in code, following ``batch_first``."""
    key = "grid_output_at_batch_first" if tr.batch_first and tr.batched else "grid_output_at"
    return labels(key, t=t)


def direction_slice(tr: Trace, direction: int) -> slice:
    """The features of one direction in ``output``'s last axis."""
    size = tr.output_size
    return slice(direction * size, (direction + 1) * size)


def top_index(tr: Trace, direction: int) -> int:
    """Where the top layer's final state of one direction sits in h_n."""
    return (tr.num_layers - 1) * tr.num_directions + direction
