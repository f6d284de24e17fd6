"""Small, seeded modules and inputs: the defaults behind ``draw(name, module)`` and the CLI."""

from __future__ import annotations

import torch
from torch import nn

KINDS = {"LSTM": nn.LSTM, "GRU": nn.GRU, "RNN": nn.RNN}


def build_module(
    kind: str = "LSTM",
    *,
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    bidirectional: bool = False,
    batch_first: bool = False,
    proj_size: int = 0,
    seed: int = 0,
) -> nn.Module:
    """A freshly initialised module whose weights depend only on ``seed``."""
    if kind not in KINDS:
        raise ValueError(f"unknown module kind {kind!r}; expected one of {tuple(KINDS)}")
    options = {"proj_size": proj_size} if kind == "LSTM" else {}
    if proj_size and kind != "LSTM":
        raise ValueError(f"proj_size is only for LSTM, not {kind}")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return KINDS[kind](
            input_size,
            hidden_size,
            num_layers=num_layers,
            bidirectional=bidirectional,
            batch_first=batch_first,
            **options,
        )


def example_input(
    module: nn.Module, seq_len: int = 5, batch: int = 3, seed: int = 0
) -> torch.Tensor:
    """A seeded random input for ``module`` in its own layout: (T, N, F) or (N, T, F)."""
    generator = torch.Generator().manual_seed(seed)
    shape = (batch, seq_len) if module.batch_first else (seq_len, batch)
    return torch.randn(*shape, module.input_size, generator=generator)
