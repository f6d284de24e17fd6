"""``lstm-figures locate EXPR``: print which grid cells a slice of output, h_n or c_n reads."""

from __future__ import annotations

import argparse
import warnings
from typing import TYPE_CHECKING

from lstm_figures import figures
from lstm_figures.cli_model import add_model_options, build_model
from lstm_figures.labels import LANGUAGES

if TYPE_CHECKING:
    from torch import nn


def add_locate_command(commands) -> None:
    """``locate EXPR``: which cells a slice of output, h_n or c_n reads."""
    locate = commands.add_parser(
        "locate",
        help="which (layer, direction, time step) states a slice reads",
        description=(
            "Print which grid cells (state, layer, direction, time step) an expression over "
            "output, h_n and c_n reads, its shape and the warnings of lf.locate."
        ),
        allow_abbrev=False,
    )
    locate.add_argument(
        "expression", metavar="EXPR", help='e.g. "output[:, -1]" or "h_n[-1]" (quote it)'
    )
    add_model_options(locate)
    locate.add_argument(
        "--lengths",
        type=lengths_list,
        metavar="N1,N2,...",
        help="a packed batch of sequences of these lengths (sets --batch; each at most --seq-len)",
    )
    locate.add_argument(
        "--lang", choices=LANGUAGES, default="en", help="language of the warnings (default: en)"
    )
    locate.set_defaults(run=run_locate, parser=locate)


def lengths_list(text: str) -> list[int]:
    """An argparse type: comma-separated positive lengths."""
    parts = [part.strip() for part in text.split(",")]
    if not all(part.isdigit() and int(part) > 0 for part in parts):
        raise argparse.ArgumentTypeError(
            f"expected positive whole numbers like 5,3,1, got {text!r}"
        )
    return [int(part) for part in parts]


def run_locate(args: argparse.Namespace) -> None:
    """Print the cells an expression reads, one line per row of the grid, then its warnings."""
    import lstm_figures as lf

    if args.lengths is not None:
        if max(args.lengths) > args.seq_len:
            raise ValueError(
                f"--lengths must be at most --seq-len ({max(args.lengths)} > {args.seq_len})"
            )
        args.batch = len(args.lengths)
    module = build_model(args)
    x = locate_input(args, module)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "LSTM with projections is not supported with oneDNN")
        sel = lf.locate(module, args.expression, x, lang=args.lang)
    for line in selection_lines(sel, module.bidirectional):
        print(line)


def locate_input(args: argparse.Namespace, module: nn.Module):
    """The seeded input, packed (without sorting) when ``--lengths`` is given."""
    x = figures.default_input(None, module, seq_len=args.seq_len, batch=args.batch, seed=args.seed)
    if args.lengths is None:
        return x
    from torch.nn.utils.rnn import pack_padded_sequence

    return pack_padded_sequence(
        x, args.lengths, batch_first=module.batch_first, enforce_sorted=False
    )


def selection_lines(sel, bidirectional: bool) -> list[str]:
    """What ``locate`` prints: the shape, one line per (state, layer, direction) with its
    steps (and those read only in part), padding, then each warning."""
    import itertools

    def steps_text(steps: list[int]) -> str:
        runs = itertools.groupby(enumerate(steps), lambda pair: pair[1] - pair[0])
        parts = []
        for _, run in runs:
            run = [step for _, step in run]
            parts.append(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}")
        return ", ".join(parts)

    lines = [f"{sel.expression.strip()} -> shape {sel.shape}"]
    lines.append(
        "cells read (state, layer, direction, time steps):" if sel.cells else "cells read: none"
    )
    partial = set(sel.partial)
    for (state, layer, direction), group in itertools.groupby(sel.cells, lambda c: c[:3]):
        cells = list(group)
        row = f"  {state}  layer {layer}"
        if bidirectional:
            row += "  " + ("backward" if direction else "forward ")
        row += f"  t = {steps_text([cell[3] for cell in cells])}"
        in_part = [cell[3] for cell in cells if cell in partial]
        if in_part:
            row += f"  (in part: t = {steps_text(in_part)})"
        lines.append(row)
    lines.append("reads padding: yes" if sel.padding else "reads padding: no")
    lines += [f"warning: {warning}" for warning in sel.warnings] or ["warnings: none"]
    return lines
