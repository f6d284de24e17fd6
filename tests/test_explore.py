"""Explorable figures: cell boxes, the HTML around the image, lf.explore and draw -o .html."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

import lstm_figures as lf
from lstm_figures import gallery_scraper
from lstm_figures.cell_slices import cells
from lstm_figures.cli import main
from lstm_figures.exploring import (
    EXPLORABLE,
    TOUCH_TARGET,
    cell_id,
    config,
    parts,
    tensors_hash,
    touch_width,
)
from lstm_figures.expressions import evaluate
from lstm_figures.figures import build, default_input
from lstm_figures.locating import sizes, tensors

MODELS = {
    "stacked": lambda: nn.LSTM(2, 4, num_layers=2),
    "bidirectional": lambda: nn.LSTM(2, 5, num_layers=2, bidirectional=True),
    "state_locations": lambda: nn.GRU(2, 4, num_layers=3, batch_first=True),
    "packed": lambda: nn.LSTM(2, 3, bidirectional=True),
    "projection": lambda: nn.LSTM(3, 6, num_layers=2, proj_size=2),
}


def _trace(figure: str):
    module = MODELS[figure]()
    return lf.trace(module, default_input(figure, module))


class _Elements(HTMLParser):
    """Every start tag's attributes, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(text: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(text)
    return parser.tags


def _readouts(text: str) -> dict:
    found = re.search(r'<script type="application/json" class="lf-readouts">(.*?)</script>', text)
    return json.loads(found[1])


@pytest.mark.parametrize("figure", EXPLORABLE)
def test_cell_boxes_lie_inside_the_figure_and_do_not_overlap(figure):
    tr = _trace(figure)
    layout = build(figure, tr)
    assert layout.cells
    boxes = list(layout.cells.values())
    for box in boxes:
        assert box.x >= 0
        assert box.x + box.w <= layout.width
        assert box.y >= 0
        assert box.y + box.h <= layout.height
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap_x = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
            overlap_y = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
            assert overlap_x <= 1e-9 or overlap_y <= 1e-9
    # Each key is a real cell of the trace.
    for state, layer, direction, step, sample in layout.cells:
        assert (state, layer, direction, step) in cells(tr)
        assert sample is None or 0 <= sample < tr.batch_size


@pytest.mark.parametrize("figure", EXPLORABLE)
def test_touch_width_makes_every_cell_a_touch_target_and_no_wider(figure):
    layout = build(figure, _trace(figure), "en")
    width = touch_width(layout)
    # A cell's side in CSS px at a rendered width: its side in inches, scaled like the image.
    sides = [min(box.w, box.h) * width / layout.width for box in layout.cells.values()]
    assert min(sides) >= TOUCH_TARGET
    assert min(sides) * (width - 1) / width < TOUCH_TARGET  # one pixel less would not do
    before, _ = parts(_trace(figure), layout, figure, "en")
    assert f'style="--lf-touch-width:{width}px"' in before


@pytest.mark.parametrize("figure", EXPLORABLE)
def test_overlay_and_readouts_follow_the_dom_contract(figure):
    tr = _trace(figure)
    layout = build(figure, tr, "zh_CN")
    before, after = parts(tr, layout, figure, "zh_CN")
    text = before + after
    tags = _tags(text)
    root = tags[0][1]
    assert tags[0][0] == "div"
    assert root["class"] == "lf-explore"
    assert json.loads(root["data-config"]) == config(tr, figure)
    overlay = [attrs for tag, attrs in tags if attrs.get("class") == "lf-cell"]
    assert len(overlay) == len(layout.cells)
    readouts = _readouts(text)
    real, names = tensors(tr), sizes(tr)
    for attrs in overlay:
        assert attrs["tabindex"] == "0"
        cell = (attrs["data-state"], *(int(attrs[k]) for k in ("data-layer", "data-direction")))
        cell += (int(attrs["data-step"]),)
        sample = int(attrs["data-sample"]) if "data-sample" in attrs else None
        assert attrs["data-key"] == cell_id((*cell, sample))
        entry = readouts[attrs["data-key"]]
        assert entry["title"] == attrs["aria-label"]
        state = (tr.hidden if cell[0] == "h" else tr.cell)(*cell[1:])
        for group in entry["groups"]:
            for code in group["codes"]:
                expected = state if group["sample"] is None else state[group["sample"]]
                assert torch.allclose(evaluate(code, real, names), expected, 1e-5, 1e-6)
        assert entry["groups"] or entry["notes"]
    assert sum(1 for tag, attrs in tags if attrs.get("class") == "lf-readout") == 1
    readout = next(attrs for tag, attrs in tags if attrs.get("class") == "lf-readout")
    assert readout["aria-live"] == "polite"


def test_config_names_the_trace_it_was_made_from():
    lstm = nn.LSTM(2, 3, bidirectional=True)
    x = pack_padded_sequence(torch.randn(5, 3, 2), [5, 3, 1])
    tr = lf.trace(lstm, x)
    data = config(tr, "packed")
    assert data["lengths"] == [5, 3, 1]
    assert data["bidirectional"] is True
    assert data["sha256"] == tensors_hash(lf.trace(lstm, x))
    with torch.no_grad():
        lstm.weight_hh_l0.add_(0.1)
    assert tensors_hash(lf.trace(lstm, x)) != data["sha256"]


def test_readouts_cannot_end_their_script_early():
    from lstm_figures.exploring import _json_script

    assert "</" not in _json_script({"a": "</script><script>alert(1)</script>"})


def test_explore_is_self_contained(tmp_path):
    page = lf.explore(nn.LSTM(2, 4, num_layers=2), lang="zh_CN", theme="dark")
    text = page._repr_html_()
    assert "data:image/png;base64," in text
    # No request to any host: no src, href or url() that is not a data: URI.
    for attribute in re.findall(r'(?:src|href)="([^"]*)"', text):
        assert attribute.startswith("data:")
    assert "url(" not in text
    assert "http://" not in text
    assert "https://" not in text
    assert "lf-theme-dark" in text
    assert "<script>" in text
    data = json.loads(html.unescape(re.search(r'data-config="([^"]*)"', text)[1]))
    # Every h and c cell of the grid (T = 5 steps: none elided).
    assert text.count('class="lf-cell"') == 2 * data["num_layers"] * data["seq_len"]
    path = page.save(tmp_path / "page.html")
    saved = path.read_text(encoding="utf-8")
    assert saved.startswith("<!DOCTYPE html>")
    assert text in saved


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: lf.explore(nn.LSTM(2, 3), figure="gates"), "not explorable"),
        (lambda: lf.explore(nn.LSTM(2, 3), lang="fr"), "unknown language"),
        (lambda: lf.explore(nn.LSTM(2, 3), theme="sepia"), "theme"),
        (lambda: lf.explore(nn.LSTM(2, 3)).save("page.png"), "saved as .html"),
    ],
)
def test_explore_refuses_bad_input_in_one_sentence(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_draw_writes_the_explorable_page(tmp_path, capsys):
    path = tmp_path / "page.html"
    model = ["--input-size", "2", "--hidden-size", "3", "--bidirectional"]
    assert main(["draw", "packed", *model, "--lang", "zh_CN", "-o", str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    assert 'class="lf-explore"' in text
    assert "data:image/png;base64," in text
    assert "样本" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["draw", "gates", "-o", "page.html"], "only an explorable figure"),
        (["draw", "stacked", "-o", "missing/page.html"], "does not exist"),
    ],
)
def test_draw_html_errors_are_one_line(tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--input-size", "2", "--hidden-size", "3"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_scraper_wraps_only_explorable_figures():
    images = ["\n.. image:: /a.png\n", "\n.. image:: /a_dark.png\n"]
    assert gallery_scraper.explorable(None, images) == images
    tr = lf.trace(nn.LSTM(3, 4), torch.randn(5, 2, 3))
    spec = {"name": "gates", "trace": tr, "lang": "en"}
    assert gallery_scraper.explorable(spec, images) == images
    spec = {"name": "state_locations", "trace": tr, "lang": "en"}
    wrapped = gallery_scraper.explorable(spec, images)
    assert wrapped[1:3] == images
    mark = gallery_scraper.EXPLORE_MARK
    assert wrapped[0].startswith(f'\n.. raw:: html\n\n   {mark}<div class="lf-explore"')
    assert wrapped[-1].rstrip().endswith("</div>")
