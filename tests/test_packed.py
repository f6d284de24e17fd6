"""The packed figure: lengths, batch_sizes, packed order and final states, checked against torch.

Every expected value comes from torch itself (``pack_padded_sequence``, the module's own
output and h_n), never typed in by hand. No pixels: layouts only.
"""

from __future__ import annotations

import random

import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import lstm_figures as lf
from lstm_figures.figures import build, default_input, packed
from lstm_figures.figures.parts import packed_grid, packed_strip
from lstm_figures.layout import Box, Polygon, Text, elide
from lstm_figures.models import build_module, example_input
from lstm_figures.tracing import TraceMismatchError

from figure_checks import (
    assert_chinese_without_english,
    assert_inside_figure,
    shapes_in,
    texts_of,
)

# Code names may appear inside Chinese sentences; anything else in Latin letters may not.
CODE_WORDS = {"LSTM", "GRU", "RNN", "output", "PackedSequence"}


def random_configs(count: int, seed: int = 10) -> list[dict]:
    """Seeded modules and packed batches: every kind, layers, directions, layouts, lengths."""
    rng = random.Random(seed)
    configs = []
    for _ in range(count):
        # T <= 7 and N <= 5 draw every time step and every sequence (the strip may elide).
        seq_len, batch = rng.randint(1, 7), rng.randint(1, 5)
        lengths = [rng.randint(1, seq_len) for _ in range(batch)]
        lengths[rng.randrange(batch)] = seq_len  # the padded length is the longest one
        configs.append(
            {
                "kind": rng.choice(["LSTM", "LSTM", "GRU", "RNN"]),
                "num_layers": rng.randint(1, 3),
                "bidirectional": rng.random() < 0.5,
                "batch_first": rng.random() < 0.5,
                "input_size": rng.randint(1, 6),
                "hidden_size": rng.randint(1, 6),
                "seq_len": seq_len,
                "lengths": lengths,
                "sorted": rng.random() < 0.3,
            }
        )
    return configs


CONFIGS = random_configs(12)


def config_id(config: dict) -> str:
    return "{kind}-L{layers}-D{d}-{bf}-T{steps}-lengths{lengths}".format(
        kind=config["kind"],
        layers=config["num_layers"],
        d=2 if config["bidirectional"] else 1,
        bf="bf" if config["batch_first"] else "tf",
        steps=config["seq_len"],
        lengths="-".join(map(str, config["lengths"])),
    )


def make(config: dict):
    """The module, its packed input, and what the module itself returns for it."""
    config = dict(config)
    seq_len, lengths, ordered = config.pop("seq_len"), config.pop("lengths"), config.pop("sorted")
    if ordered:
        lengths = sorted(lengths, reverse=True)
    module = build_module(config.pop("kind"), **config)
    x = example_input(module, seq_len=seq_len, batch=len(lengths))
    x_packed = pack_padded_sequence(
        x, lengths, batch_first=module.batch_first, enforce_sorted=ordered
    )
    with torch.no_grad():
        output, state = module(x_packed)
    h_n = state[0] if isinstance(state, tuple) else state
    return module, x_packed, output, h_n


def width(polygon: Polygon) -> float:
    xs = [x for x, _ in polygon.points]
    return max(xs) - min(xs)


# ----------------------------------------------------------------------------- what is shown


@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_lengths_and_batch_sizes_are_torchs(config):
    module, x_packed, _, _ = make(config)
    layout = build("packed", lf.trace(module, x_packed), "en")
    _, lengths = pad_packed_sequence(x_packed, batch_first=module.batch_first)
    for b, length in enumerate(lengths.tolist()):
        assert f"sequence {b}, length {length}" in layout.texts
    assert str(lengths.tolist()) in layout.texts[0]  # the title
    shown = " ".join(layout.texts)
    assert f"packed.data: {tuple(x_packed.data.shape)}," in shown
    assert f"packed.batch_sizes: {x_packed.batch_sizes.tolist()}," in shown


@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_every_shape_shown_is_a_torch_shape(config):
    module, x_packed, output, _ = make(config)
    tr = lf.trace(module, x_packed)
    padded_x, _ = pad_packed_sequence(x_packed, batch_first=module.batch_first)
    padded_output, _ = pad_packed_sequence(output, batch_first=module.batch_first)
    expected = {str(tuple(t.shape)) for t in (padded_x, padded_output, x_packed.data)}
    for lang in ("en", "zh_CN"):
        assert shapes_in(build("packed", tr, lang)) == expected, lang


@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_strip_shows_the_packed_order(config):
    """Each group of the strip names the sequences of its rows of packed.data, in order."""
    module, x_packed, _, _ = make(config)
    layout = build("packed", lf.trace(module, x_packed), "en")
    # Pack the sequence numbers themselves: torch says which sequence each row is from.
    steps, batch = x_packed.batch_sizes.numel(), x_packed.batch_sizes[0].item()
    _, lengths = pad_packed_sequence(x_packed)
    numbers = torch.arange(batch, dtype=torch.float).expand(steps, batch).unsqueeze(-1)
    rows = pack_padded_sequence(numbers, lengths, enforce_sorted=False).data.squeeze(-1)
    groups = list(rows.int().split(x_packed.batch_sizes.tolist()))
    # The strip: square boxes, and a "t = k" under each group of them.
    boxes = [b for b in layout.of_type(Box) if not b.rounded and b.text is not None]
    strip_y = boxes[0].y
    assert {b.y for b in boxes} == {strip_y}
    names = [t for t in layout.of_type(Text) if t.text.startswith("t = ") and t.y < strip_y]
    drawn: dict[int, list[int]] = {}
    for box in sorted(boxes, key=lambda b: b.x):
        label = min(names, key=lambda t: abs(t.x - box.center[0]))
        drawn.setdefault(int(label.text.split()[-1]), []).append(int(box.text))
    assert drawn  # at least the first and the last time step
    assert {0, steps - 1} <= set(drawn)
    for t, shown in drawn.items():
        kept = [i for i in elide(len(groups[t]), packed_strip.GROUP_SLOTS) if i is not None]
        assert shown == groups[t][kept].tolist(), t


@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_final_states_are_where_torch_puts_them(config):
    module, x_packed, output, h_n = make(config)
    layout = build("packed", lf.trace(module, x_packed), "en")
    padded, lengths = pad_packed_sequence(output)  # time-major, whatever batch_first says
    directions = 2 if module.bidirectional else 1
    size = module.hidden_size
    top = (module.num_layers - 1) * directions
    for b, length in enumerate(lengths.tolist()):
        for d, t in enumerate((length - 1, 0)[:directions]):
            features = slice(d * size, (d + 1) * size)
            assert torch.allclose(h_n[top + d, b], padded[t, b, features], atol=1e-6)
            index = f"{b}, {t}" if module.batch_first else f"{t}, {b}"
            if directions == 2:
                index += f", {size}:" if d else f", :{size}"
            assert f"h_n[{top + d}, {b}] = output[{index}]" in layout.texts
        last = padded[-1, b]
        assert bool(last.any()) == (length == padded.shape[0])  # output[-1]: 0 if shorter


@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_cells_mark_final_steps_and_padding(config):
    module, x_packed, _, _ = make(config)
    layout = build("packed", lf.trace(module, x_packed), "en")
    _, lengths = pad_packed_sequence(x_packed)
    lengths = lengths.tolist()
    steps = max(lengths)
    cells = [b for b in layout.of_type(Box) if b.w == packed_grid.CELL_W]
    finals = [b for b in cells if b.edge == "highlight"]
    padding = [
        p
        for p in layout.of_type(Polygon)
        if p.alpha < 1 and abs(width(p) - packed_grid.CELL_W) < 1e-9
    ]
    assert len(finals) == len(lengths)  # T <= 7 and N <= 5: nothing is elided
    assert len(cells) == sum(lengths)
    assert len(padding) == sum(steps - length for length in lengths)
    zeros = [t for t in layout.of_type(Text) if t.text == "0" and t.role == "output"]
    assert len(zeros) == sum(length < steps for length in lengths)  # output[-1] is padding
    backward = [b for b in layout.of_type(Box) if b.edge == "backward" and b.w > packed_grid.CELL_W]
    assert len(backward) == (len(lengths) if module.bidirectional else 0)


@pytest.mark.parametrize("batch_first", [False, True])
def test_output_index_follows_batch_first(batch_first):
    module = build_module("LSTM", input_size=2, hidden_size=3, batch_first=batch_first)
    layout = build("packed", lf.trace(module, default_input("packed", module)), "en")
    assert ("output[:, -1]" if batch_first else "output[-1]") in layout.texts
    assert ("output[:, -1]" in " ".join(texts_of(layout))) == batch_first


# ----------------------------------------------------------------------------- default input


@pytest.mark.parametrize(("seq_len", "batch"), [(5, 3), (1, 2), (8, 1), (6, 6)])
def test_default_input_is_packed_with_decreasing_lengths(seq_len, batch):
    module = build_module("GRU", input_size=3, hidden_size=2, batch_first=True)
    x = packed.default_input(module, seq_len=seq_len, batch=batch)
    _, lengths = pad_packed_sequence(x, batch_first=True)
    assert lengths.tolist() == [max(1, seq_len - 2 * b) for b in range(batch)]
    assert default_input("packed", module, seq_len=seq_len, batch=batch).data.equal(x.data)


def test_draw_from_a_module_alone_uses_a_packed_batch():
    module = build_module("LSTM", input_size=3, hidden_size=4, bidirectional=True)
    fig = lf.draw("packed", module)
    tr = fig.lstm_figures["trace"]
    assert tr.lengths == [5, 3, 1]
    assert "sequence 2, length 1" in build("packed", tr, "en").texts


def test_command_line_draws_the_same_packed_batch(tmp_path):
    """``lstm-figures draw packed`` uses the figure's own default input, as draw does."""
    from lstm_figures.cli import main

    path = tmp_path / "cli.png"
    options = ["--input-size", "3", "--hidden-size", "4", "--seq-len", "6", "--batch", "4"]
    assert main(["draw", "packed", *options, "--seed", "2", "-o", str(path)]) == 0
    module = build_module("LSTM", input_size=3, hidden_size=4, seed=2)
    x = default_input("packed", module, seq_len=6, batch=4, seed=2)
    library = lf.save(lf.draw("packed", module, x), tmp_path / "library.png")
    assert path.read_bytes() == library.read_bytes()


def test_unpacked_input_is_a_value_error():
    module = build_module("LSTM", input_size=3, hidden_size=4)
    x = example_input(module)
    with pytest.raises(ValueError, match=r"^the packed figure needs a PackedSequence input; "):
        lf.draw("packed", module, x)
    with pytest.raises(ValueError, match=r"^the packed figure needs a PackedSequence input; "):
        build("packed", lf.trace(module, x), "zh_CN")


def test_a_trace_that_disagrees_is_refused():
    module = build_module("LSTM", input_size=3, hidden_size=4, num_layers=2)
    tr = lf.trace(module, default_input("packed", module))
    tr.h_n = tr.h_n.clone()
    tr.h_n[1, 2] += 1.0
    with pytest.raises(TraceMismatchError, match="sequence 2"):
        build("packed", tr, "en")


# ----------------------------------------------------------------------------- languages


@pytest.mark.parametrize("config", CONFIGS[:6], ids=config_id)
def test_chinese_layouts_have_no_english_words(config):
    module, x_packed, _, _ = make(config)
    layout = build("packed", lf.trace(module, x_packed), "zh_CN")
    assert_chinese_without_english(layout, CODE_WORDS, dotted_is_code=True)


# ----------------------------------------------------------------------------- large inputs


def large_trace(seq_len=400, batch=64, hidden=64):
    """A long batch of many sequences of random lengths, the longest first."""
    module = build_module(
        "LSTM", input_size=8, hidden_size=hidden, num_layers=2, bidirectional=True
    )
    x = example_input(module, seq_len=seq_len, batch=batch)
    lengths = torch.randint(1, seq_len + 1, (batch,), generator=torch.Generator().manual_seed(3))
    lengths[0] = seq_len
    return lf.trace(module, pack_padded_sequence(x, lengths, enforce_sorted=False))


def test_elision_bounds_the_element_count():
    module = build_module("LSTM", input_size=3, hidden_size=4, bidirectional=True)
    small = len(build("packed", lf.trace(module, default_input("packed", module)), "en").elements)
    tr = large_trace()
    layout = build("packed", tr, "en")
    assert len(layout.elements) <= 2 * small
    # Every drawn sequence's final step is drawn, however long the sequence.
    names = [t.text for t in layout.of_type(Text) if t.text.startswith("sequence ")]
    assert len(names) == 4
    for name in names:
        b = int(name.split()[1].rstrip(","))
        assert f"t = {tr.lengths[b] - 1}" in layout.texts
    assert f"t = {tr.seq_len - 1}" in layout.texts


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_everything_is_inside_the_figure(lang):
    module = build_module("LSTM", input_size=3, hidden_size=4, num_layers=2, bidirectional=True)
    for tr in (lf.trace(module, default_input("packed", module)), large_trace(batch=9, hidden=4)):
        assert_inside_figure(build("packed", tr, lang))
