"""The parameters figure: every shape and the total count, checked against the real module."""

from __future__ import annotations

import random
import re

import pytest
import torch

import lstm_figures as lf
from lstm_figures.figures import build, parameters
from lstm_figures.layout import Box, Text, elide
from lstm_figures.models import build_module, example_input
from lstm_figures.tracing import GATE_NAMES

from figure_checks import assert_chinese_without_english, assert_inside_figure, shapes_in


def random_configs(count: int, seed: int = 5) -> list[dict]:
    rng = random.Random(seed)
    configs = []
    for _ in range(count):
        kind = rng.choice(["LSTM", "LSTM", "GRU", "RNN"])
        hidden = rng.randint(1, 40)
        configs.append(
            {
                "kind": kind,
                "input_size": rng.randint(1, 30),
                "hidden_size": hidden,
                "num_layers": rng.randint(1, 7),
                "bidirectional": rng.random() < 0.5,
                "bias": rng.random() < 0.8,
                "proj_size": (
                    rng.randint(1, hidden - 1)
                    if kind == "LSTM" and hidden > 1 and rng.random() < 0.4
                    else 0
                ),
            }
        )
    return configs


CONFIGS = random_configs(14)


def config_id(config: dict) -> str:
    return "{kind}-F{input_size}-H{hidden_size}-L{num_layers}-P{proj_size}".format(**config)


def make(config: dict) -> torch.nn.Module:
    config = dict(config)
    kind, bias = config.pop("kind"), config.pop("bias")
    proj = {"proj_size": config.pop("proj_size")} if kind == "LSTM" else {}
    config.pop("proj_size", None)
    module = getattr(torch.nn, kind)(
        config["input_size"],
        config["hidden_size"],
        num_layers=config["num_layers"],
        bidirectional=config["bidirectional"],
        bias=bias,
        **proj,
    )
    return module


def trace_of(module: torch.nn.Module):
    return lf.trace(module, example_input(module, seq_len=3, batch=2))


@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_total_is_the_modules_parameter_count(config):
    module = make(config)
    total = sum(p.numel() for p in module.parameters())
    tr = trace_of(module)
    assert parameters.total_count(tr) == total
    for lang in ("en", "zh_CN"):
        layout = build("parameters", tr, lang)
        assert any(re.search(rf"\b{total} = sum\(p\.numel\(\)", text) for text in layout.texts)
        assert str(total) in layout.texts[0]  # the title
        assert str(total) in layout.alt


@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_table_rows_are_the_modules_shapes(config):
    module = make(config)
    layout = build("parameters", trace_of(module), "en")
    texts = layout.of_type(Text)
    suffixes = [t for t in texts if re.fullmatch(r"_l\d+(_reverse)?", t.text)]
    assert suffixes
    named = dict(module.named_parameters())
    for suffix in suffixes:
        row = sorted((t for t in texts if t.y == suffix.y and t.x > suffix.x), key=lambda t: t.x)
        kinds = [k for k in parameters.KINDS if f"{k}{suffix.text}" in named]
        shapes = [str(tuple(named[f"{k}{suffix.text}"].shape)) for k in kinds]
        count = sum(named[f"{k}{suffix.text}"].numel() for k in kinds)
        # The shapes and the count are one monospaced text, padded into columns.
        assert re.split(r"\s{2,}", row[-1].text) == [*shapes, str(count)]
    # Every layer is listed, or elided keeping the first and last.
    layers = {int(re.match(r"_l(\d+)", s.text)[1]) for s in suffixes}
    assert layers == {i for i in elide(module.num_layers, parameters.LAYER_SLOTS) if i is not None}
    assert {0, module.num_layers - 1} <= layers
    directions = {s.text.endswith("_reverse") for s in suffixes}
    assert directions == ({False, True} if module.bidirectional else {False})


@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_every_shape_shown_is_a_torch_shape(config):
    module = make(config)
    expected = {str(tuple(p.shape)) for p in module.parameters()}
    for lang in ("en", "zh_CN"):
        shown = shapes_in(build("parameters", trace_of(module), lang))
        assert shown
        assert shown <= expected


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_gate_blocks_are_pytorchs_rows(kind):
    """Rows [k*H:(k+1)*H] of the weights, as labelled, really compute gate k."""
    torch.manual_seed(0)
    module = getattr(torch.nn, kind)(3, 4)
    x = torch.randn(1, 2, 3)
    tr = lf.trace(module, x)
    layout = build("parameters", tr, "en")
    names = GATE_NAMES[kind]
    rows = [t.text for t in layout.of_type(Text) if t.text.startswith("rows [")]
    assert rows == [f"rows [{k * 4}:{(k + 1) * 4}]" for k in range(max(1, len(names)))]
    letters = [b.text for b in layout.of_type(Box) if b.text]
    assert letters[: len(names)] == list(names)
    # At t = 0 (h_0 = 0) a gate is its activation of its rows of x W_ih^T + b_ih + b_hh.
    for k, name in enumerate(names):
        block = slice(4 * k, 4 * (k + 1))
        pre = x[0] @ module.weight_ih_l0[block].T + module.bias_ih_l0[block]
        pre = pre + module.bias_hh_l0[block] if not (kind == "GRU" and name == "n") else pre
        if kind == "GRU" and name == "n":
            r = tr.gates(0, 0, 0)["r"]
            pre = pre + r * module.bias_hh_l0[block]
        activation = torch.tanh if name in ("g", "n") else torch.sigmoid
        assert torch.allclose(activation(pre), tr.gates(0, 0, 0)[name], atol=1e-6)
    if kind == "RNN":
        assert any(
            text.startswith("Layer 0, forward: an RNN has no gates") for text in layout.texts
        )


def test_projection_weight_is_drawn_apart():
    module = build_module("LSTM", input_size=3, hidden_size=6, proj_size=2, bidirectional=True)
    layout = build("parameters", trace_of(module), "en")
    assert "weight_hr_l0" in layout.texts
    assert str(tuple(module.weight_hr_l0.shape)) in layout.texts
    assert any(text.split()[-1] == "weight_hr" for text in layout.texts)  # a table column
    assert len([b for b in layout.of_type(Box) if b.role == "hidden"]) == 1


def test_layers_are_elided():
    def count(layers: int) -> int:
        module = build_module("LSTM", input_size=3, hidden_size=4, num_layers=layers)
        return len(build("parameters", trace_of(module), "en").elements)

    assert count(40) <= count(parameters.LAYER_SLOTS) + 2
    assert count(40) < 1.5 * count(1)


def test_name_rule_example_is_a_real_name():
    module = build_module("GRU", input_size=3, hidden_size=4, num_layers=2, bidirectional=True)
    texts = build("parameters", trace_of(module), "en").texts
    names = {name for name, _ in module.named_parameters()}
    rule = next(text for text in texts if text.startswith("each name is"))
    example = rule.rsplit("= ", 1)[1]
    assert example in names


@pytest.mark.parametrize("config", CONFIGS[:6], ids=config_id)
def test_chinese_has_no_english_words(config):
    layout = build("parameters", trace_of(make(config)), "zh_CN")
    # The count's code is written out, as in English: sum(p.numel() for p in ...).
    snippets = ("sum(p.numel() for p in module.parameters())",)
    assert_chinese_without_english(layout, {"LSTM", "GRU", "RNN", "PyTorch"}, snippets=snippets)


@pytest.mark.parametrize("name", ["gates", "projection", "parameters"])
@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_everything_is_inside_the_figure(name, lang):
    small = build_module("LSTM", input_size=3, hidden_size=4, proj_size=2, bidirectional=True)
    large = build_module("LSTM", input_size=64, hidden_size=64, proj_size=40, num_layers=9)
    for module in (small, large):
        assert_inside_figure(build(name, trace_of(module), lang))
