"""The projection figure: proj_size shapes, checked against the module's own tensors."""

from __future__ import annotations

import re

import pytest
import torch

import lstm_figures as lf
from lstm_figures.figures import build
from lstm_figures.figures.parts import gate_paths
from lstm_figures.layout import Box, elide
from lstm_figures.models import build_module, example_input

from figure_checks import (
    WORD_OR_INDEX,
    assert_chinese_without_english,
    assert_inside_figure,
    lstm_configs,
    run_config,
    shapes_in,
)

CONFIGS = lstm_configs(10, seed=11, hidden=(2, 70), max_features=9, max_steps=6, proj_chance=1)


def make(config: dict):
    """The module, its trace, and what the module itself returns."""
    module, x, output, h_n, c_n = run_config(config, kind="LSTM")
    return module, lf.trace(module, x), output, h_n, c_n


def table(layout) -> dict[str, str]:
    """name -> shape of every "name: shape" text in the figure."""
    rows = {}
    for text in layout.texts:
        match = re.fullmatch(r"(\w+): (\(.*\))", text)
        if match:
            rows[match[1]] = match[2]
    return rows


@pytest.mark.parametrize("config", CONFIGS)
def test_shapes_are_the_modules(config):
    module, tr, output, h_n, c_n = make(config)
    layout = build("projection", tr, "en")
    rows = table(layout)
    params = dict(module.named_parameters())
    expected = {"output": output, "h_n": h_n, "c_n": c_n}
    names = ["weight_hr_l0", "weight_hh_l0", "weight_ih_l0"]
    names += ["weight_ih_l1"] if module.num_layers > 1 else []
    expected |= {name: params[name] for name in names}
    assert rows == {name: str(tuple(t.shape)) for name, t in expected.items()}
    # The facts the figure is about, read off the module itself.
    assert h_n.shape[-1] == params["weight_hr_l0"].shape[0] == module.proj_size
    assert c_n.shape[-1] == params["weight_hr_l0"].shape[1] == module.hidden_size
    assert params["weight_hh_l0"].shape[1] == module.proj_size


@pytest.mark.parametrize("config", CONFIGS)
def test_every_shape_shown_is_a_torch_shape(config):
    module, tr, output, h_n, c_n = make(config)
    step = 1 if module.batch_first else 0
    tensors = [output, h_n, c_n, output.select(step, 0)[..., : module.proj_size], c_n[0]]
    tensors += list(module.parameters())
    expected = {str(tuple(t.shape)) for t in tensors}
    for lang in ("en", "zh_CN"):
        assert shapes_in(build("projection", tr, lang)) <= expected


@pytest.mark.parametrize("config", CONFIGS[:4])
def test_c_keeps_hidden_size_and_h_gets_proj_size(config):
    module, tr, *_ = make(config)
    layout = build("projection", tr, "en")
    state = [b for b in layout.of_type(Box) if b.role == "state"]
    hidden = [b for b in layout.of_type(Box) if b.role == "hidden"]
    assert len(state) == len(
        [i for i in elide(module.hidden_size, gate_paths.SLOTS) if i is not None]
    )
    assert len(hidden) == len(
        [i for i in elide(module.proj_size, gate_paths.SLOTS) if i is not None]
    )
    assert f"P = {module.proj_size} rows" in layout.texts
    assert f"H = {module.hidden_size} columns" in layout.texts


def test_every_projection_weight_is_counted():
    module = build_module(
        "LSTM", input_size=2, hidden_size=5, proj_size=3, num_layers=3, bidirectional=True
    )
    layout = build("projection", lf.trace(module, example_input(module)), "en")
    count = sum(1 for name, _ in module.named_parameters() if name.startswith("weight_hr"))
    assert any(text.startswith(f"{count} projection weights") for text in layout.texts)


def test_batch_first_and_unbatched_symbols():
    module = build_module("LSTM", input_size=2, hidden_size=5, proj_size=3, batch_first=True)
    texts = build("projection", lf.trace(module, example_input(module)), "en").texts
    assert "(N, T, P)" in texts
    unbatched = build("projection", lf.trace(module, torch.randn(4, 2)), "en").texts
    assert "(T, P)" in unbatched
    assert "(L·D, H)" in unbatched


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_modules_without_projection_are_refused(kind):
    module = build_module(kind, input_size=2, hidden_size=3)
    with pytest.raises(ValueError, match=r"^the projection figure needs an LSTM built with "):
        lf.draw("projection", module)


def test_element_count_is_bounded():
    def count(hidden, proj, layers=2, steps=5):
        module = build_module(
            "LSTM",
            input_size=3,
            hidden_size=hidden,
            proj_size=proj,
            num_layers=layers,
            bidirectional=True,
        )
        tr = lf.trace(module, example_input(module, seq_len=steps))
        return len(build("projection", tr, "en").elements)

    assert count(300, 200, layers=6, steps=60) <= 1.5 * count(8, 7)


@pytest.mark.parametrize("config", CONFIGS[:5])
def test_chinese_has_no_english_words(config):
    _, tr, *_ = make(config)
    layout = build("projection", tr, "zh_CN")
    code = {"LSTM", "tanh", "output", "output[t]", "4H"}
    assert_chinese_without_english(layout, code, pattern=WORD_OR_INDEX)


def test_everything_is_inside_the_figure():
    for config in CONFIGS[:4]:
        for lang in ("en", "zh_CN"):
            assert_inside_figure(build("projection", make(config)[1], lang))
