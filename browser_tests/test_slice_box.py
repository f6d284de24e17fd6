"""The shape calculator's slice box (docs/shapes.rst) against lf.locate.

The page's scripts, in docs/_static/: slice_parser.js (the grammar), strided.js (torch's view
rules), slices.js (the cells an expression reads) and slice_box.js (the box itself).

The whole of ``tests/locate_table.json`` (lf.locate's answers, checked against torch by
tests/test_locating.py) is asked of the page in both languages: once through the page's own
pure function (all cases in one round trip), once through the real input box and the drawn
grid. Random expressions are compared with lf.locate live. What a reader types, or a link
carries, is shown as text and never run.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence
from visiting import set_theme

import lstm_figures as lf

LANGS = ["en", "zh_CN"]
TABLE = Path(__file__).resolve().parent.parent / "tests" / "locate_table.json"
CJK = re.compile(r"[\u4e00-\u9fff]")
XSS = "<img src=x onerror=window.__pwned=1>"

EXPLAIN_ALL = """(cases) => cases.map(([config, expression]) =>
  window.lstmSlices.explain(config, expression))"""
# What the box shows now: the grid's cells, the shape, the verdict.
READ_BOX = """() => {
  const cells = Array.from(document.querySelectorAll("#slice-grid [data-state]"));
  const key = (el) => [el.dataset.state, Number(el.dataset.layer), Number(el.dataset.direction),
                       Number(el.dataset.step)];
  return {
    cells: cells.map(key),
    selected: cells.filter((el) => el.dataset.selected === "true").map(key),
    partial: cells.filter((el) => el.dataset.partial === "true").map(key),
    focusable: cells.every((el) => el.tabIndex === 0),
    hidden: Array.from(document.querySelectorAll("#slice-grid [data-hidden-read]"))
      .reduce((sum, el) => sum + Number(el.dataset.hiddenRead), 0),
    shape: document.getElementById("slice-shape").textContent,
    verdict: Array.from(document.querySelectorAll("#slice-verdict p")).map((p) => p.textContent),
    error: document.getElementById("slice-verdict").dataset.error === "true",
    live: document.getElementById("slice-verdict").getAttribute("aria-live"),
    images: document.querySelectorAll("#slice-box img").length,
    pwned: window.__pwned !== undefined,
  };
}"""


def table_cases() -> list[dict]:
    return json.loads(TABLE.read_text(encoding="utf-8"))["cases"]


def query_of(config: dict, expression: str | None = None) -> str:
    """The calculator's address for a table configuration (and expression)."""
    params = {
        "module": config["kind"],
        "input_size": config["input_size"],
        "hidden_size": config["hidden_size"],
        "num_layers": config["num_layers"],
        "seq_len": config["seq_len"],
        "batch": config["batch"],
        "proj_size": config["proj_size"],
    }
    for name in ("bidirectional", "batch_first"):
        if config[name]:
            params[name] = 1
    if not config.get("batched", True):
        params["unbatched"] = 1
    if config.get("lengths"):
        params["lengths"] = ", ".join(map(str, config["lengths"]))
    if expression is not None:
        params["expr"] = expression
    return "?" + urlencode(params)


def open_page(page, base_url: str, lang: str, query: str = "") -> None:
    page.goto(f"{base_url}{lang}/shapes.html{query}")
    page.wait_for_selector("#slice-grid [data-state]")


def check_answer(shown: dict, answer: dict, lang: str, what: str) -> None:
    """The page's answer is the table's: cells, partial, padding, shape, warnings."""
    assert "error" not in shown, (what, shown.get("error"))
    assert shown["cells"] == answer["cells"], what
    assert shown["partial"] == answer["partial"], what
    assert shown["padding"] == answer["padding"], what
    assert shown["shape"] == answer["shape"], what
    assert [(w["key"], w["params"]) for w in shown["warnings"]] == [
        (w["key"], w["params"]) for w in answer["warnings"]
    ], what
    assert [w["text"] for w in shown["warnings"]] == [w[lang] for w in answer["warnings"]], what


def assert_in_language(text: str, lang: str) -> None:
    assert text.strip(), "empty"
    if lang == "zh_CN":
        assert CJK.search(text), f"not Chinese: {text!r}"
    else:
        assert not CJK.search(text), text


@pytest.mark.parametrize("lang", LANGS)
def test_whole_table_through_the_pure_function(page, base_url: str, lang: str) -> None:
    cases = table_cases()
    assert len(cases) >= 40
    open_page(page, base_url, lang)
    page.recorder.reset()
    shown = page.evaluate(EXPLAIN_ALL, [[c["config"], c["expression"]] for c in cases])
    for case, answer in zip(cases, shown, strict=True):
        what = (case["config"], case["expression"])
        if case.get("error"):
            assert "error" in answer, what
            assert_in_language(answer["error"]["text"], lang)
            assert "{" not in answer["error"]["text"], answer["error"]["text"]
        else:
            check_answer(answer, case["answer"], lang, what)
    assert not page.recorder.errors, page.recorder.errors
    assert not page.recorder.external, page.recorder.external


@pytest.mark.parametrize("lang", LANGS)
def test_whole_table_through_the_box_and_grid(page, base_url: str, lang: str) -> None:
    """Each configuration opened from a link, each expression typed into the box."""
    by_config: dict[str, list[dict]] = {}
    for case in table_cases():
        by_config.setdefault(json.dumps(case["config"], sort_keys=True), []).append(case)
    for cases in by_config.values():
        config = cases[0]["config"]
        open_page(page, base_url, lang, query_of(config))
        page.recorder.reset()
        for case in cases:
            page.fill("#slice-expression", case["expression"])
            box = page.evaluate(READ_BOX)
            what = (config, case["expression"])
            assert box["focusable"], what
            assert box["live"] == "polite", what
            if case.get("error"):
                assert box["error"], what
                assert box["shape"] == "", what
                assert not box["selected"], what
                assert len(box["verdict"]) == 1, what
                assert_in_language(box["verdict"][0], lang)
                continue
            answer = case["answer"]
            drawn = set(map(tuple, box["cells"]))
            cells = [tuple(c) for c in answer["cells"]]
            # Long axes are elided as in the figures: drawn cells show, the gap counts the rest.
            assert [tuple(c) for c in box["selected"]] == sorted(
                [c for c in cells if c in drawn], key=grid_order(box["cells"])
            ), what
            assert box["hidden"] == sum(1 for c in cells if c not in drawn), what
            partial = [tuple(c) for c in answer["partial"] if tuple(c) in drawn]
            assert sorted(map(tuple, box["partial"])) == sorted(partial), what
            assert box["shape"] == str(tuple(answer["shape"])), what
            texts = [w[lang] for w in answer["warnings"]]
            if texts:
                assert box["verdict"] == texts, what
            else:
                assert not box["error"], what
                assert len(box["verdict"]) == 1, what
                assert_in_language(box["verdict"][0], lang)
        assert not page.recorder.errors, page.recorder.errors
        assert not page.recorder.external, page.recorder.external


def grid_order(drawn: list) -> callable:
    order = {tuple(c): i for i, c in enumerate(drawn)}
    return lambda cell: order[cell]


def random_expression(rng: random.Random, depth: int = 0) -> str:
    """An expression of the grammar, well-formed or not for its tensors (torch decides)."""

    def integer() -> str:
        return rng.choice(["0", "1", "-1", "2", "-2", "T", "T-1", "N", "H_out", "H_out//2", "L*D"])

    def item() -> str:
        kind = rng.random()
        if kind < 0.35:
            return integer()
        if kind < 0.85:
            return f"{rng.choice(['', integer()])}:{rng.choice(['', integer()])}" + rng.choice(
                ["", ":2"]
            )
        return rng.choice(["...", "None"])

    if depth > 2 or rng.random() < 0.35:
        return rng.choice(["output", "h_n", "c_n"])
    inner = random_expression(rng, depth + 1)
    kind = rng.random()
    if kind < 0.4:
        return f"{inner}[{', '.join(item() for _ in range(rng.randint(1, 3)))}]"
    if kind < 0.5:
        return f"{inner}.{rng.choice(['view', 'reshape'])}(-1, {rng.choice(['1', 'H_out', 'N'])})"
    if kind < 0.6:
        return f"{inner}.transpose({rng.randint(-2, 2)}, {rng.randint(-2, 2)})"
    if kind < 0.67:
        return f"{inner}.flip({rng.randint(-1, 2)})"
    if kind < 0.75:
        return f"{inner}.permute({', '.join(map(str, rng.sample(range(3), 3)))})"
    if kind < 0.85:
        return f"{inner}.chunk({rng.randint(1, 3)}, dim={rng.randint(-1, 2)})[{rng.randint(-1, 1)}]"
    if kind < 0.9:
        return f"{inner}.unbind({rng.randint(-1, 1)})[{rng.randint(-1, 1)}]"
    other = random_expression(rng, depth + 1)
    return f"torch.{rng.choice(['cat', 'stack'])}(({inner}, {other}), dim={rng.randint(-1, 2)})"


def random_trace(rng: random.Random) -> tuple[dict, lf.Trace]:
    kind = rng.choice(["LSTM", "GRU", "RNN"])
    hidden = rng.randint(2, 5)
    batched = rng.random() < 0.8
    steps, batch = rng.randint(1, 5), rng.randint(1, 4)
    lengths = None
    if batched and rng.random() < 0.3:
        lengths = [rng.randint(1, steps) for _ in range(batch)]
    config = {
        "kind": kind,
        "input_size": 3,
        "hidden_size": hidden,
        "num_layers": rng.randint(1, 3),
        "bidirectional": rng.random() < 0.6,
        "batch_first": rng.random() < 0.5,
        "proj_size": rng.randint(1, hidden - 1) if kind == "LSTM" and rng.random() < 0.4 else 0,
        "seq_len": steps,
        "batch": batch,
        "lengths": lengths,
        "batched": batched,
    }
    options = {"proj_size": config["proj_size"]} if kind == "LSTM" else {}
    module = getattr(torch.nn, kind)(
        3,
        hidden,
        num_layers=config["num_layers"],
        bidirectional=config["bidirectional"],
        batch_first=config["batch_first"],
        **options,
    )
    if not batched:
        x = torch.randn(steps, 3)
    else:
        x = torch.randn(batch, steps, 3) if config["batch_first"] else torch.randn(steps, batch, 3)
        if lengths:
            x = pack_padded_sequence(
                x, lengths, batch_first=config["batch_first"], enforce_sorted=False
            )
    return config, lf.trace(module, x)


@pytest.mark.parametrize("lang", LANGS)
def test_random_expressions_match_lf_locate(page, base_url: str, lang: str) -> None:
    """Beyond the table: random expressions over random models, lf.locate asked live."""
    rng = random.Random(LANGS.index(lang) + 13)
    open_page(page, base_url, lang)
    cases, answers = [], []
    for _ in range(10):
        config, tr = random_trace(rng)
        for _ in range(30):
            expression = random_expression(rng)
            try:
                selection = lf.locate(tr, expression, lang=lang)
            except ValueError:
                answers.append(None)
            else:
                answers.append(
                    {
                        "cells": [list(c) for c in selection.cells],
                        "partial": [list(c) for c in selection.partial],
                        "padding": selection.padding,
                        "shape": list(selection.shape),
                        "warnings": [
                            {"key": key, "params": params, lang: text}
                            for (key, params), text in zip(
                                selection.warning_keys, selection.warnings, strict=True
                            )
                        ],
                    }
                )
            cases.append([config, expression])
    shown = page.evaluate(EXPLAIN_ALL, cases)
    for (config, expression), answer, mine in zip(cases, answers, shown, strict=True):
        if answer is None:
            assert "error" in mine, (config, expression, mine)
        else:
            check_answer(mine, answer, lang, (config, expression))
    # The draw holds both kinds: answers and errors.
    assert sum(a is None for a in answers) > 20
    assert sum(a is not None for a in answers) > 60
    assert not page.recorder.errors, page.recorder.errors


@pytest.mark.parametrize("lang", LANGS)
def test_reader_text_is_shown_never_run(page, base_url: str, lang: str) -> None:
    open_page(page, base_url, lang)
    page.recorder.reset()
    for text in (XSS, "__import__('os')", "output[0]<script>window.__pwned=1</script>"):
        page.fill("#slice-expression", text)
        box = page.evaluate(READ_BOX)
        assert box["error"], text
        assert box["images"] == 0, text
        assert not box["pwned"], text
        assert page.input_value("#slice-expression") == text
        assert page.locator("#slice-box script").count() == 0
    # A shared link carrying the same: the box holds it as text, nothing runs.
    open_page(page, base_url, lang, "?" + urlencode({"expr": XSS}))
    page.wait_for_timeout(200)
    box = page.evaluate(READ_BOX)
    assert page.input_value("#slice-expression") == XSS
    assert box["error"]
    assert box["images"] == 0
    assert not box["pwned"]
    assert not page.recorder.errors, page.recorder.errors
    assert not page.recorder.external, page.recorder.external


@pytest.mark.parametrize("lang", LANGS)
def test_expression_in_the_shared_link(page, base_url: str, lang: str) -> None:
    query = "?module=LSTM&num_layers=2&bidirectional=1&batch_first=1&hidden_size=4"
    open_page(page, base_url, lang, query)
    page.fill("#slice-expression", "torch.cat((h_n[-2], h_n[-1]), dim=1)")
    first = page.evaluate(READ_BOX)
    shared = parse_qs(urlsplit(page.url).query)
    assert shared["expr"] == ["torch.cat((h_n[-2], h_n[-1]), dim=1)"]
    assert shared["bidirectional"] == ["1"]  # the form's fields stay in the address
    # Changing the form keeps the expression in the address, and the box follows the form.
    page.fill("#num-layers", "3")
    assert parse_qs(urlsplit(page.url).query)["expr"] == shared["expr"]
    assert page.evaluate(READ_BOX)["selected"] == [["h", 2, 0, 4], ["h", 2, 1, 0]]
    page.fill("#num-layers", "2")
    url = page.evaluate("location.href")
    assert parse_qs(urlsplit(url).query)["num_layers"] == ["2"]
    page.goto(f"{base_url}{lang}/shapes.html")
    page.goto(url)
    assert page.input_value("#slice-expression") == "torch.cat((h_n[-2], h_n[-1]), dim=1)"
    assert page.evaluate(READ_BOX) == first
    assert first["selected"] == [["h", 1, 0, 4], ["h", 1, 1, 0]]
    # A form the box cannot follow: the box says so instead of a grid.
    page.fill("#hidden-size", "0")
    box = page.evaluate(READ_BOX)
    assert box["error"]
    assert not box["cells"]
    assert_in_language(box["verdict"][0], lang)
    assert not page.recorder.errors, page.recorder.errors


@pytest.mark.parametrize("lang", LANGS)
def test_huge_configuration_is_refused_in_words(page, base_url: str, lang: str) -> None:
    """Too many elements to follow: one sentence instead of a frozen tab; the grid is elided."""
    query = "?num_layers=100&seq_len=1000000&batch=1000&hidden_size=1000&bidirectional=1"
    open_page(page, base_url, lang, query + "&expr=output[-1]")
    box = page.evaluate(READ_BOX)
    assert box["error"]
    assert not box["selected"]
    assert len(box["verdict"]) == 1
    assert_in_language(box["verdict"][0], lang)
    assert re.search(r"1[,.\s]?000[,.\s]?000", box["verdict"][0]), box["verdict"][0]
    # Layers and time steps elided as in the figures: 5 of the layers × 2 directions × h and
    # c, 7 of the steps (each axis with one "⋯" slot).
    assert len(box["cells"]) == 5 * 2 * 2 * 7
    # A configuration just small enough is followed.
    open_page(page, base_url, lang, "?num_layers=3&seq_len=400&batch=50&hidden_size=20")
    page.fill("#slice-expression", "output[:, -1]")
    box = page.evaluate(READ_BOX)
    assert not box["error"]
    assert box["shape"] == "(400, 20)"
    assert not page.recorder.errors, page.recorder.errors


@pytest.mark.parametrize("lang", LANGS)
def test_keyboard(page, base_url: str, lang: str) -> None:
    open_page(page, base_url, lang, "?bidirectional=1")
    page.evaluate("window.notReloaded = true")
    # Tab reaches the box from the form, through the page's own focusable parts.
    page.focus("#lengths")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "slice-expression":
            break
    assert page.evaluate("document.activeElement.id") == "slice-expression"
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("h_n[-1]")
    page.keyboard.press("Enter")
    page.wait_for_timeout(200)
    assert page.evaluate("window.notReloaded === true")
    assert page.evaluate(READ_BOX)["selected"] == [["h", 1, 1, 0]]
    # Tab to the first example and press it with Enter, the second with Space.
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.dataset.expr")
    assert first
    page.keyboard.press("Enter")
    assert page.input_value("#slice-expression") == first
    page.keyboard.press("Tab")
    second = page.evaluate("document.activeElement.dataset.expr")
    page.keyboard.press("Space")
    assert page.input_value("#slice-expression") == second
    # Every example gives an answer for an LSTM of two layers (the page's default).
    for button in page.locator("#slice-box button[data-expr]").all():
        button.click()
        box = page.evaluate(READ_BOX)
        assert not box["error"], button.get_attribute("data-expr")
        assert box["selected"], button.get_attribute("data-expr")
    # The grid's cells are reached with Tab too.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.state"):
            break
    assert page.evaluate("document.activeElement.dataset.state") in ("h", "c")
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert_in_language(label, lang)
    assert not page.recorder.errors, page.recorder.errors


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("lang", LANGS)
def test_screenshot(page, base_url: str, screenshots_dir, lang: str, theme: str) -> None:
    query = "?num_layers=2&bidirectional=1&batch_first=1&lengths=5,2,3&expr=output[-1]"
    open_page(page, base_url, lang, query)
    assert set_theme(page, theme) == theme
    box = page.locator("#slice-box")
    box.scroll_into_view_if_needed()
    path = screenshots_dir / f"{lang}-slice-box-{theme}.png"
    box.screenshot(path=str(path))
    assert path.stat().st_size > 5_000
    assert not page.recorder.errors, page.recorder.errors
