"""Write ``tests/locate_table.json``: expressions × configurations with ``lf.locate``'s answers.

The calculator page's slice box (JavaScript) is tested against this table, and
``tests/test_locating.py`` checks that the committed file is what ``lf.locate`` answers now.
Run ``python tests/make_locate_table.py`` after changing :mod:`lstm_figures.locating`
or :mod:`lstm_figures.expressions`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TABLE = Path(__file__).with_name("locate_table.json")


def config(
    kind="LSTM",
    *,
    layers=1,
    bidirectional=False,
    batch_first=False,
    proj_size=0,
    seq_len=5,
    batch=3,
    lengths=None,
    batched=True,
    input_size=3,
    hidden_size=4,
):
    """One configuration, in the table's format."""
    return {
        "kind": kind,
        "input_size": input_size,
        "hidden_size": hidden_size,
        "num_layers": layers,
        "bidirectional": bidirectional,
        "batch_first": batch_first,
        "proj_size": proj_size,
        "seq_len": seq_len,
        "batch": 1 if not batched else (len(lengths) if lengths else batch),
        "lengths": lengths,
        "batched": batched,
    }


def trace_of(cfg: dict):
    """A trace of the seeded module and input a configuration describes."""
    import torch
    from torch.nn.utils.rnn import pack_padded_sequence

    import lstm_figures as lf
    from lstm_figures.models import build_module

    module = build_module(
        cfg["kind"],
        input_size=cfg["input_size"],
        hidden_size=cfg["hidden_size"],
        num_layers=cfg["num_layers"],
        bidirectional=cfg["bidirectional"],
        batch_first=cfg["batch_first"],
        proj_size=cfg["proj_size"],
    )
    generator = torch.Generator().manual_seed(0)
    steps, features = cfg["seq_len"], cfg["input_size"]
    if not cfg["batched"]:
        return lf.trace(module, torch.randn(steps, features, generator=generator))
    shape = (cfg["batch"], steps) if cfg["batch_first"] else (steps, cfg["batch"])
    x = torch.randn(*shape, features, generator=generator)
    if cfg["lengths"]:
        x = pack_padded_sequence(
            x, cfg["lengths"], batch_first=cfg["batch_first"], enforce_sorted=False
        )
    return lf.trace(module, x)


BIDIR_BF = config(layers=2, bidirectional=True, batch_first=True)
PLAIN = config()
PROJ3 = config(layers=3, proj_size=2, batch=2, seq_len=4)
PACKED_BIDIR_BF = config(layers=2, bidirectional=True, batch_first=True, lengths=[2, 5, 3])
PACKED_SORTED = config(lengths=[5, 3, 1])
GRU_BIDIR = config("GRU", layers=2, bidirectional=True)
RNN_UNBATCHED = config("RNN", batched=False, seq_len=4)
LSTM_UNBATCHED_BIDIR = config(bidirectional=True, batched=False, seq_len=3)
RNN_BF = config("RNN", layers=3, batch_first=True, seq_len=6, batch=2)
LONG = config(layers=2, bidirectional=True, seq_len=40, batch=2)

#: (configuration, expression) of every case; errors are cases too.
CASES = [
    (BIDIR_BF, "output[:, -1]"),
    (BIDIR_BF, "output[-1]"),
    (BIDIR_BF, "h_n[-1]"),
    (BIDIR_BF, "torch.cat((h_n[-2], h_n[-1]), dim=1)"),
    (BIDIR_BF, "output[:, 0, H_out:]"),
    (BIDIR_BF, "output[:, -1, :H_out]"),
    (BIDIR_BF, "h_n.view(L, D, N, H_out)[-1]"),
    (BIDIR_BF, "c_n[-2:]"),
    (BIDIR_BF, "output.transpose(0, 1)[-1]"),
    (BIDIR_BF, "output.view(N, T, D, H_out)[:, -1, 1]"),
    (BIDIR_BF, "output.view(-1)"),
    (BIDIR_BF, "output[:, -1].chunk(2, dim=1)[1]"),
    (BIDIR_BF, "torch.stack([h_n[0], h_n[1]], 1)"),
    (PLAIN, "output[-1]"),
    (PLAIN, "h_n[0]"),
    (PLAIN, "c_n"),
    (PLAIN, "output[::2]"),
    (PLAIN, "output[1:3, 0]"),
    (PLAIN, "output.flip(0)[0]"),
    (PLAIN, "output.unbind(0)[-1]"),
    (PLAIN, "torch.stack((output[0], output[-1]))"),
    (PLAIN, "output[..., 0]"),
    (PLAIN, "output[None, -1, ..., 1:3]"),
    (PLAIN, "output[T - 1, N // 2]"),
    (PLAIN, "output.view(T * N, H)[-N:]"),
    (PLAIN, "output.permute(1, 2, 0)[0]"),
    (PLAIN, "torch.cat((output, h_n))"),
    (PROJ3, "h_n[-1]"),
    (PROJ3, "c_n[-1]"),
    (PROJ3, "c_n[1, :, :P]"),
    (PROJ3, "output[:, :, -1]"),
    (PROJ3, "h_n.view(L, D, N, H_out)[1]"),
    (PROJ3, "output.reshape(T * N, H_out)[0]"),
    (PROJ3, "torch.cat((h_n[0], c_n[0]), dim=-1)"),
    (PACKED_BIDIR_BF, "output[:, -1]"),
    (PACKED_BIDIR_BF, "output[-1]"),
    (PACKED_BIDIR_BF, "output[0]"),
    (PACKED_BIDIR_BF, "h_n[-2]"),
    (PACKED_BIDIR_BF, "output[:, 1]"),
    (PACKED_BIDIR_BF, "output[1, 4]"),
    (PACKED_BIDIR_BF, "output[2, 2, :H_out]"),
    (PACKED_BIDIR_BF, "output[:, 0, H_out:]"),
    (PACKED_SORTED, "output[-1]"),
    (PACKED_SORTED, "h_n[-1]"),
    (PACKED_SORTED, "output[2]"),
    (PACKED_SORTED, "output[:1, 2]"),
    (GRU_BIDIR, "output[-1]"),
    (GRU_BIDIR, "h_n[-1]"),
    (GRU_BIDIR, "h_n.chunk(2)[1]"),
    (GRU_BIDIR, "output[0, :, H:]"),
    (GRU_BIDIR, "c_n"),
    (RNN_UNBATCHED, "output[-1]"),
    (RNN_UNBATCHED, "h_n[0]"),
    (RNN_UNBATCHED, "output[:, 0]"),
    (RNN_UNBATCHED, "output[-1, :2]"),
    (LSTM_UNBATCHED_BIDIR, "output[-1]"),
    (LSTM_UNBATCHED_BIDIR, "h_n[-1]"),
    (LSTM_UNBATCHED_BIDIR, "output[0, H_out:]"),
    (LSTM_UNBATCHED_BIDIR, "c_n.flip(0)"),
    (RNN_BF, "output[:, -1]"),
    (RNN_BF, "output[-1]"),
    (RNN_BF, "h_n[1:]"),
    (RNN_BF, "output.permute(1, 0, 2)[-1]"),
    (LONG, "output[-1]"),
    (LONG, "output[T // 2, :, H_out:]"),
    # errors
    (PLAIN, "output.foo()"),
    (PLAIN, "__import__('os')"),
    (PLAIN, "output.shape"),
    (PLAIN, "lambda x: x"),
    (PLAIN, "output.view(10**12)"),
    (PLAIN, "output.view(1000000 * 1000000)"),
    (PLAIN, "output[1:3:0]"),
    (PLAIN, "output[T]"),
    (PLAIN, "output["),
    (PLAIN, "x[0]"),
    (PLAIN, "output[0.5]"),
    (PLAIN, "output[[0, 1]]"),
    (PLAIN, "torch.sum(output)"),
    (PLAIN, "output.chunk(2)"),
    (PLAIN, "output.transpose(0, 3)"),
    (PLAIN, "h_n / 2"),
    # more forms of the grammar: tuples of dims, keywords, None, flips
    (PLAIN, "output.flip((0, 2))[0]"),
    (PLAIN, "h_n.permute((1, 0, 2))[0]"),
    (PLAIN, "output.view((T, N, 2, 2))[..., 1]"),
    (PLAIN, "c_n.unbind(dim=2)[0]"),
    (PLAIN, "output[:, None, 0]"),
    (BIDIR_BF, "output.chunk(2, dim=-1)[-1][:, 0]"),
    (PACKED_SORTED, "torch.stack((output[0], output[-1]), dim=2)"),
    (GRU_BIDIR, "h_n.view(L, D, N, H)[:, 1].transpose(0, 1)"),
    (PLAIN, "output[::-1]"),
    (PLAIN, "output.flip()"),
    (PLAIN, "output.chunk(2, dim=1, foo=2)[0]"),
    (PLAIN, "output.chunk(2)[0:1]"),
    (PLAIN, "output[True]"),
]


def answer(cfg: dict, expression: str) -> dict:
    """One case as the table writes it: lf.locate's answer, or ``"error": true``."""
    from lstm_figures.labels import LANGUAGES, Labels
    from lstm_figures.locating import locate

    case = {"config": cfg, "expression": expression}
    try:
        sel = locate(trace_of(cfg), expression)
    except ValueError:
        return {**case, "error": True}
    warnings = [
        {
            "key": key,
            "params": params,
            **{lang: Labels(lang)(key, **params) for lang in LANGUAGES},
        }
        for key, params in sel.warning_keys
    ]
    return {
        **case,
        "answer": {
            "cells": [list(cell) for cell in sel.cells],
            "partial": [list(cell) for cell in sel.partial],
            "padding": sel.padding,
            "shape": list(sel.shape),
            "warnings": warnings,
        },
    }


def table() -> dict:
    """The whole table, as it is written to :data:`TABLE`."""
    return {"cases": [answer(cfg, expression) for cfg, expression in CASES]}


def dumps(data: dict) -> str:
    """The table's JSON text: one case a line, so a diff shows which case changed."""
    lines = [json.dumps(case, ensure_ascii=False, sort_keys=True) for case in data["cases"]]
    return '{"cases": [\n' + ",\n".join(lines) + "\n]}\n"


def main() -> int:
    TABLE.write_text(dumps(table()), encoding="utf-8")
    print(f"wrote {len(CASES)} cases to {TABLE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
