"""The shape table of docs/notation.rst, checked against a real nn.LSTM.

The table's letters are replaced with the sizes of a module where every size differs
(projection, two layers, two directions), so a wrong letter anywhere gives a wrong shape.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import torch
from torch import nn

NOTATION = Path(__file__).resolve().parent.parent / "docs" / "notation.rst"
SIZES = {"N": 4, "T": 7, "F": 3, "H": 5, "H_out": 2, "L": 2, "D": 2}
COLUMNS = ("time-major", "batch-first", "unbatched")


def shape_table() -> dict[str, dict[str, str]]:
    """Tensor name -> column -> shape, as the page writes them, from its list-table."""
    text = NOTATION.read_text(encoding="utf-8")
    section = text.split("Inputs, outputs and states", 1)[1].split("\nParameters\n", 1)[0]
    rows = re.findall(r"^   \* - (.+)\n((?:     - .+\n)+)", section, flags=re.MULTILINE)
    table = {}
    for names, cells in rows[1:]:  # the first row is the header
        shapes = re.findall(r"^     - ``(.+)``$", cells, flags=re.MULTILINE)
        for name in re.findall(r"``(\w+)``", names):
            table[name] = dict(zip(COLUMNS, shapes, strict=True))
    return table


def size_of(shape: str) -> tuple[int, ...]:
    """``"(L * D, N, H_out)"`` -> its sizes, with SIZES for the letters."""
    axes = shape.strip("()").split(",")
    return tuple(math.prod(SIZES[letter.strip()] for letter in axis.split("*")) for axis in axes)


def test_table_has_every_tensor() -> None:
    assert set(shape_table()) == {"input", "h_0", "h_n", "c_0", "c_n", "output"}


@pytest.mark.parametrize("column", COLUMNS)
def test_shapes_are_torchs(column: str) -> None:
    table = {name: size_of(shapes[column]) for name, shapes in shape_table().items()}
    lstm = nn.LSTM(
        SIZES["F"],
        SIZES["H"],
        num_layers=SIZES["L"],
        bidirectional=SIZES["D"] == 2,
        proj_size=SIZES["H_out"],
        batch_first=column == "batch-first",
    )
    x = torch.randn(table["input"])
    h_0, c_0 = torch.randn(table["h_0"]), torch.randn(table["c_0"])
    output, (h_n, c_n) = lstm(x, (h_0, c_0))  # torch rejects states of a wrong shape
    got = {"output": output, "h_n": h_n, "c_n": c_n}
    assert {name: tuple(t.shape) for name, t in got.items()} == {n: table[n] for n in got}
    if column == "unbatched":  # batch_first does not change an unbatched input
        lstm.batch_first = True
        assert tuple(lstm(x, (h_0, c_0))[0].shape) == table["output"]
