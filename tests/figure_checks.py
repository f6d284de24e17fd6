"""Checks and seeded configurations shared by the figure tests.

Plain functions, not tests: every expected value still comes from torch (the module's own
output, states and parameters) or from the layout itself. conftest.py registers this module
for pytest's assertion rewriting, so a failing check here reports its values.
"""

from __future__ import annotations

import random
import re

import torch

import lstm_figures as lf
from lstm_figures.figures import build
from lstm_figures.figures.parts.text import block_width
from lstm_figures.layout import Arrow, Box, Layout, Text
from lstm_figures.models import build_module, example_input

SHAPE = re.compile(r"\(\d+(?:, \d+)*,?\)")  # as Python prints a shape: (4,) or (5, 3, 4)
CJK = re.compile(r"[\u3400-\u9fff]")
WORD = r"[A-Za-z_][A-Za-z0-9_.]*"
WORD_OR_INDEX = r"[A-Za-z_][A-Za-z0-9_.\[\]]*"  # also output[t] as one word

# ----------------------------------------------------------------------------- configurations


def grid_configs(count: int, seed: int, kinds: list[str], max_layers: int) -> list[dict]:
    """Seeded module configurations covering layers, directions, layouts and sizes."""
    rng = random.Random(seed)
    return [
        {
            "kind": rng.choice(kinds),
            "num_layers": rng.randint(1, max_layers),
            "bidirectional": rng.random() < 0.5,
            "batch_first": rng.random() < 0.5,
            "seq_len": rng.choice([1, 2, 5, 7, 12]),
            "batch": rng.randint(1, 4),
            "input_size": rng.randint(1, 8),
            "hidden_size": rng.randint(1, 9),
        }
        for _ in range(count)
    ]


def lstm_configs(
    count: int,
    seed: int,
    *,
    hidden: tuple[int, int],
    max_features: int,
    max_steps: int,
    proj_chance: float,
) -> list[dict]:
    """Seeded LSTM configurations, with a projection (proj_size) at the given chance.

    With ``proj_chance=1`` every configuration projects and no draw decides it.
    """
    rng = random.Random(seed)
    configs = []
    for _ in range(count):
        hidden_size = rng.randint(*hidden)
        configs.append(
            {
                "num_layers": rng.randint(1, 3),
                "bidirectional": rng.random() < 0.5,
                "batch_first": rng.random() < 0.5,
                "input_size": rng.randint(1, max_features),
                "hidden_size": hidden_size,
                "proj_size": (
                    rng.randint(1, hidden_size - 1)
                    if proj_chance >= 1 or (hidden_size > 1 and rng.random() < proj_chance)
                    else 0
                ),
                "seq_len": rng.randint(1, max_steps),
                "batch": rng.randint(1, 4),
            }
        )
    return configs


def config_id(config: dict) -> str:
    """A readable test id for a :func:`grid_configs` configuration."""
    return "{kind}-L{num_layers}-D{d}-{bf}-T{seq_len}-N{batch}-F{input_size}-H{hidden_size}".format(
        d=2 if config["bidirectional"] else 1,
        bf="bf" if config["batch_first"] else "tf",
        **config,
    )


def run_config(config: dict, kind: str | None = None):
    """The module, its input, and what the module itself returns: output, h_n, c_n.

    ``kind`` is for configurations without one; c_n is None for a GRU or an RNN.
    """
    config = dict(config)
    seq_len, batch = config.pop("seq_len"), config.pop("batch")
    module = build_module(kind or config.pop("kind"), **config)
    x = example_input(module, seq_len=seq_len, batch=batch)
    with torch.no_grad():
        output, state = module(x)
    h_n, c_n = state if isinstance(state, tuple) else (state, None)
    return module, x, output, h_n, c_n


def trace_of(seq_len=5, hidden=4, layers=2, bidirectional=True, kind="LSTM", batch=3):
    """The trace of a seeded module with three input features."""
    module = build_module(
        kind, input_size=3, hidden_size=hidden, num_layers=layers, bidirectional=bidirectional
    )
    return lf.trace(module, example_input(module, seq_len=seq_len, batch=batch))


# ----------------------------------------------------------------------------- texts


def texts_of(layout: Layout) -> list[str]:
    """Every text of the layout, and its alt text."""
    return [*layout.texts, layout.alt]


def shapes_in(layout: Layout) -> set[str]:
    """Every shape the layout's texts and alt text show, as Python prints it."""
    return {shape for text in texts_of(layout) for shape in SHAPE.findall(text)}


def english_words(
    text: str,
    code: set[str],
    *,
    dotted_is_code: bool = False,
    pattern: str = WORD,
    snippets: tuple[str, ...] = (),
) -> list[str]:
    """Latin words in a Chinese text, leaving out math, shapes and code.

    Code is a name with "_" (h_n), one of ``code``, a dotted name (packed.data) when
    ``dotted_is_code``, or one of the code ``snippets`` written out in the text.
    """
    for snippet in snippets:
        text = text.replace(snippet, "")
    text = SHAPE.sub("", re.sub(r"\$[^$]*\$", "", text))
    return [
        word
        for word in re.findall(pattern, text)
        if len(word) > 1
        and "_" not in word
        and word not in code
        and not (dotted_is_code and "." in word)
    ]


def assert_chinese_without_english(layout: Layout, code: set[str], context: str = "", **options):
    """The layout's texts show Chinese and no English word (see :func:`english_words`)."""
    texts = texts_of(layout)
    assert any(CJK.search(text) for text in texts), context
    found = {text: words for text in texts if (words := english_words(text, code, **options))}
    assert found == {}, context


# ----------------------------------------------------------------------------- geometry


def inside(layout: Layout, x: float, y: float) -> bool:
    """Whether the point (x, y) lies on the figure."""
    return 0 <= x <= layout.width and 0 <= y <= layout.height


def assert_inside_figure(layout: Layout) -> None:
    """Every box, arrow and text of the layout stays on the figure."""
    for box in layout.of_type(Box):
        assert inside(layout, box.x, box.y)
        assert inside(layout, box.x + box.w, box.y + box.h)
    for arrow in layout.of_type(Arrow):
        assert inside(layout, *arrow.start)
        assert inside(layout, *arrow.end)
    for text in layout.of_type(Text):
        widest = block_width(text.text.split("\n"), text.size)
        left = {"left": text.x, "center": text.x - widest / 2, "right": text.x - widest}[text.ha]
        assert left >= 0, text.text
        assert left + widest <= layout.width + 0.05, text.text
        assert 0 < text.y < layout.height, text.text


def assert_rows_run_their_way(carried: list[Arrow]) -> None:
    """Backward rows carry their state to the left, forward rows to the right."""
    assert all(a.end[0] < a.start[0] for a in carried if a.role == "backward")
    assert all(a.end[0] > a.start[0] for a in carried if a.role == "hidden")


def assert_elision_bounds_elements(name: str, kind: str = "LSTM") -> None:
    """400 steps of 64 units draw about as much as 5 of 4, and 9 layers as much as 3."""
    small = len(build(name, trace_of(kind=kind, layers=3), "en").elements)
    big = len(build(name, trace_of(kind=kind, seq_len=400, hidden=64, layers=3), "en").elements)
    assert big <= 1.5 * small
    many = len(build(name, trace_of(kind=kind, seq_len=400, hidden=64, layers=9), "en").elements)
    assert many <= 1.5 * big
