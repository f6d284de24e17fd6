"""The shape calculator (docs/shapes.rst) against PyTorch, in both languages.

Each configuration is typed into the form as a reader would; every row of the table, the
parameter count and the code snippet are then compared with what torch reports for the same
module and input.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence
from visiting import set_theme

import lstm_figures as lf

LANGS = ["en", "zh_CN"]
CONFIGURATIONS_PER_LANGUAGE = 60
CJK = re.compile(r"[\u4e00-\u9fff]")

# The table, the message and the rest of the result, read in one round trip.
READ_RESULT = """() => {
  const visible = (el) => !!el && el.offsetParent !== null;
  return {
    rows: Array.from(document.querySelectorAll("#shapes-table tbody tr")).map((tr) =>
      Array.from(tr.children).map((cell) => cell.textContent.trim())),
    tableVisible: visible(document.getElementById("shapes-table")),
    count: document.getElementById("param-count").textContent,
    countVisible: visible(document.getElementById("param-count")),
    code: document.getElementById("shape-code").textContent,
    message: document.getElementById("shape-message").innerText.trim(),
    invalid: Array.from(document.querySelectorAll("#shape-form [aria-invalid=true]"))
      .map((el) => el.id),
  };
}"""


@dataclass
class Config:
    module: str = "LSTM"
    input_size: int = 10
    hidden_size: int = 20
    num_layers: int = 2
    seq_len: int = 5
    batch: int = 3
    proj_size: int = 0
    bidirectional: bool = False
    batch_first: bool = False
    unbatched: bool = False
    lengths: tuple[int, ...] | None = None  # a packed batch

    def build(self) -> tuple[torch.nn.Module, torch.Tensor]:
        """The module and an input of this configuration, as the snippet should build them."""
        options = {
            "input_size": self.input_size,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "bidirectional": self.bidirectional,
            "batch_first": self.batch_first,
        }
        if self.module == "LSTM":
            options["proj_size"] = self.proj_size
        module = getattr(torch.nn, self.module)(**options)
        if self.unbatched:
            return module, torch.randn(self.seq_len, self.input_size)
        axes = (self.batch, self.seq_len) if self.batch_first else (self.seq_len, self.batch)
        x = torch.randn(*axes, self.input_size)
        if self.lengths:
            x = pack_padded_sequence(
                x, list(self.lengths), batch_first=self.batch_first, enforce_sorted=False
            )
        return module, x


def random_configs(count: int, seed: int) -> list[Config]:
    rng = random.Random(seed)
    configs = []
    for i in range(count):
        module = ("LSTM", "GRU", "RNN")[i % 3]
        hidden = rng.randint(1, 12)
        configs.append(
            Config(
                module=module,
                input_size=rng.randint(1, 12),
                hidden_size=hidden,
                num_layers=rng.randint(1, 4),
                seq_len=rng.randint(1, 6),
                batch=rng.randint(1, 5),
                proj_size=(
                    rng.randint(1, hidden - 1)
                    if module == "LSTM" and hidden > 1 and rng.random() < 0.5
                    else 0
                ),
                bidirectional=rng.random() < 0.5,
                batch_first=rng.random() < 0.5,
            )
        )
        # Some unbatched inputs and some packed batches (the longest sequence has T steps).
        shape = rng.random()
        if shape < 0.2:
            configs[-1].unbatched = True
        elif shape < 0.4:
            config = configs[-1]
            lengths = [rng.randint(1, config.seq_len) for _ in range(config.batch)]
            lengths[rng.randrange(config.batch)] = config.seq_len
            config.lengths = tuple(lengths)
    return configs


NUMBER_FIELDS = {
    "input_size": "#input-size",
    "hidden_size": "#hidden-size",
    "num_layers": "#num-layers",
    "seq_len": "#seq-len",
    "batch": "#batch",
}


# Set each control as a browser does when a reader changes it: value, then input and change.
SET_CONTROLS = """(values) => {
  for (const [selector, value] of values) {
    const control = document.querySelector(selector);
    if (control.type === "checkbox") control.checked = value;
    else control.value = value;
    control.dispatchEvent(new Event("input", { bubbles: true }));
    control.dispatchEvent(new Event("change", { bubbles: true }));
  }
}"""


def fill(page, config: Config, *, typed: bool = True) -> None:
    """Enter a configuration into the form.

    ``typed``: with Playwright's own actions, as a reader would (about 1 s per configuration);
    otherwise with the same events dispatched from one script (about 0.1 s).
    """
    if not typed:
        values = [("#proj-size", "0"), ("#module", config.module)]
        values += [
            (selector, str(getattr(config, name))) for name, selector in NUMBER_FIELDS.items()
        ]
        values += [("#bidirectional", config.bidirectional), ("#batch-first", config.batch_first)]
        values += [("#proj-size", str(config.proj_size)), ("#unbatched", config.unbatched)]
        values += [("#lengths", ", ".join(map(str, config.lengths or ())))]
        page.evaluate(SET_CONTROLS, values)
        return
    page.fill("#proj-size", "0")  # valid on the way for every module and hidden size
    page.select_option("#module", config.module)
    for name, selector in NUMBER_FIELDS.items():
        page.fill(selector, str(getattr(config, name)))
    page.set_checked("#bidirectional", config.bidirectional)
    page.set_checked("#batch-first", config.batch_first)
    page.fill("#proj-size", str(config.proj_size))
    page.set_checked("#unbatched", config.unbatched)
    page.fill("#lengths", ",".join(map(str, config.lengths or ())))


def open_page(page, base_url: str, lang: str, query: str = "") -> None:
    page.goto(f"{base_url}{lang}/shapes.html{query}")
    page.wait_for_selector("#shapes-table tbody tr")
    page.recorder.reset()


def expected_rows(config: Config) -> tuple[list[list[str]], int]:
    """Every tensor's name and shape as torch reports them, and the number of parameters."""
    module, x = config.build()
    shapes = lf.trace(module, x).shapes()
    # The trace's parameter shapes must be named_parameters() itself, in its order.
    named = [(name, tuple(p.shape)) for name, p in module.named_parameters()]
    assert list(shapes.items())[-len(named) :] == named
    total = sum(p.numel() for p in module.parameters())
    return [[name, str(shape)] for name, shape in shapes.items()], total


def count_of(text: str) -> int:
    """The parameter count as shown, whatever digit grouping the page's language uses."""
    digits = re.sub(r"\D", "", text)
    assert digits, f"no number in {text!r}"
    return int(digits)


def check_snippet(code: str, config: Config, rows: list[list[str]], total: int) -> None:
    """Run the page's code snippet for real: it builds this module and an input of this shape."""
    namespace: dict = {}
    exec(compile(code, "<shape-code>", "exec"), namespace)  # noqa: S102 (the page's own code)
    module = namespace[config.module.lower()]
    assert isinstance(module, getattr(torch.nn, config.module))
    shown = dict(rows)
    assert str(tuple(namespace["x"].shape)) == shown["input"]
    assert str(tuple(namespace["output"].shape)) == shown["output"]
    assert str(tuple(namespace["h_n"].shape)) == shown["h_n"]
    if config.module == "LSTM":
        assert str(tuple(namespace["c_n"].shape)) == shown["c_n"]
    assert sum(p.numel() for p in module.parameters()) == total


@pytest.mark.parametrize("lang", LANGS)
def test_random_configurations_match_torch(page, base_url: str, lang: str) -> None:
    open_page(page, base_url, lang)
    configs = random_configs(CONFIGURATIONS_PER_LANGUAGE, seed=LANGS.index(lang))
    seen = set()
    for i, config in enumerate(configs):
        fill(page, config, typed=i % 4 == 0)
        result = page.evaluate(READ_RESULT)
        rows, total = expected_rows(config)
        assert result["message"] == "", (config, result["message"])
        assert result["tableVisible"], config
        assert result["rows"] == rows, config
        assert count_of(result["count"]) == total, config
        check_snippet(result["code"], config, rows, total)
        seen.add(
            (
                config.module,
                config.bidirectional,
                config.batch_first,
                config.proj_size > 0,
                config.unbatched,
                config.lengths is not None,
            )
        )
    # The random draw covers every module, direction, layout, projection and input kind.
    assert {s[0] for s in seen} == {"LSTM", "GRU", "RNN"}
    assert {s[1] for s in seen} == {s[2] for s in seen} == {True, False}
    assert any(s[3] for s in seen)
    assert any(s[4] for s in seen)
    assert any(s[5] for s in seen)
    assert not page.recorder.errors, page.recorder.errors


BAD_INPUTS = {
    "empty": ({"#input-size": ""}, ["input-size"]),
    "zero": ({"#hidden-size": "0"}, ["hidden-size"]),
    "negative": ({"#num-layers": "-2"}, ["num-layers"]),
    "not whole": ({"#seq-len": "2.5"}, ["seq-len"]),
    "too many layers": ({"#num-layers": "1000"}, ["num-layers"]),
    "proj_size = hidden_size": ({"#hidden-size": "6", "#proj-size": "6"}, None),
    "proj_size > hidden_size": ({"#hidden-size": "6", "#proj-size": "9"}, None),
    "negative proj_size": ({"#proj-size": "-1"}, ["proj-size"]),
    "proj_size with GRU": ({"#module": "GRU", "#proj-size": "3"}, ["proj-size"]),
    "proj_size with RNN": ({"#module": "RNN", "#proj-size": "3"}, ["proj-size"]),
    "lengths not numbers": ({"#lengths": "5; 3"}, ["lengths"]),
    "lengths not one per sequence": ({"#lengths": "5, 3"}, ["lengths"]),
    "length longer than T": ({"#lengths": "5, 6, 1"}, ["lengths"]),
    "length zero": ({"#lengths": "5, 0, 1"}, ["lengths"]),
    "unbatched and packed": ({"#unbatched": True, "#lengths": "5, 3, 1"}, ["lengths"]),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
@pytest.mark.parametrize("lang", LANGS)
def test_bad_input_shows_message_instead_of_table(page, base_url, lang: str, case: str) -> None:
    open_page(page, base_url, lang)
    values, fields = BAD_INPUTS[case]
    for selector, value in values.items():
        if selector == "#module":
            page.select_option(selector, value)
        elif isinstance(value, bool):
            page.set_checked(selector, value)
        else:
            page.fill(selector, value)
    result = page.evaluate(READ_RESULT)
    assert result["message"], "no message"
    assert not result["tableVisible"], "the table is still shown"
    assert not result["countVisible"], "the parameter count is still shown"
    if fields is not None:
        assert result["invalid"] == fields
    else:
        assert "proj-size" in result["invalid"]
    assert_in_language(result["message"], lang)
    # The message names the field it is about, as the field's label says.
    message = " ".join(result["message"].split())
    for field in result["invalid"]:
        label = " ".join(page.locator(f"label[for={field}]").inner_text().split())
        argument = page.get_attribute(f"#{field}", "name")  # proj_size, hidden_size...
        assert label in message or argument in message, (field, message)
    assert page.locator("#shape-message").get_attribute("aria-live") == "polite"
    # Put it right again: the table comes back and the message goes.
    open_page(page, base_url, lang)
    assert page.evaluate(READ_RESULT)["message"] == ""
    assert not page.recorder.errors, page.recorder.errors


@pytest.mark.parametrize("lang", LANGS)
def test_text_that_is_no_number(page, base_url: str, lang: str) -> None:
    """Keys a number field takes but cannot parse ("1e") count as bad input, not as empty."""
    open_page(page, base_url, lang)
    page.fill("#batch", "")
    page.locator("#batch").press_sequentially("1e")
    result = page.evaluate(READ_RESULT)
    assert result["invalid"] == ["batch"]
    assert not result["tableVisible"]
    whole = page.evaluate(
        """() => document.getElementById("shape-form").dataset.msgWhole.replace(
          "{field}", document.querySelector("label[for=batch]").textContent.trim())"""
    )
    assert result["message"] == whole
    assert_in_language(result["message"], lang)
    assert not page.recorder.errors, page.recorder.errors


def assert_in_language(message: str, lang: str) -> None:
    if lang == "zh_CN":
        assert CJK.search(message), f"not Chinese: {message!r}"
        assert not re.search(r"\b(must|Enter|Only|smaller)\b", message), message
    else:
        assert not CJK.search(message), message
        assert message.isascii(), message


@pytest.mark.parametrize("lang", LANGS)
def test_query_string_round_trip(page, base_url: str, lang: str) -> None:
    config = Config("LSTM", 7, 9, 3, 4, 2, proj_size=5, bidirectional=True, batch_first=True)
    open_page(page, base_url, lang)
    assert urlsplit(page.url).query == "", "the address changed before the reader did anything"
    fill(page, config)
    first = page.evaluate(READ_RESULT)
    query = parse_qs(urlsplit(page.url).query)
    assert query == {
        "module": ["LSTM"],
        "input_size": ["7"],
        "hidden_size": ["9"],
        "num_layers": ["3"],
        "seq_len": ["4"],
        "batch": ["2"],
        "proj_size": ["5"],
        "bidirectional": ["1"],
        "batch_first": ["1"],
    }
    shared = page.url
    page.goto(f"{base_url}{lang}/shapes.html")  # forget the form
    page.goto(shared)
    assert page.input_value("#module") == "LSTM"
    for name, selector in {**NUMBER_FIELDS, "proj_size": "#proj-size"}.items():
        assert page.input_value(selector) == str(getattr(config, name)), name
    assert page.is_checked("#bidirectional")
    assert page.is_checked("#batch-first")
    second = page.evaluate(READ_RESULT)
    assert second["rows"] == first["rows"] == expected_rows(config)[0]
    assert second["count"] == first["count"]
    # A hand-written link: lower-case module name, booleans spelled out, fields left out.
    page.goto(f"{base_url}{lang}/shapes.html?module=gru&input_size=4&bidirectional=true")
    assert page.input_value("#module") == "GRU"
    assert page.input_value("#input-size") == "4"
    assert page.input_value("#hidden-size") == "20"  # the page's default
    shown = page.evaluate(READ_RESULT)
    assert shown["rows"] == expected_rows(Config("GRU", input_size=4, bidirectional=True))[0]
    # A link with a bad value opens on the message, not on an error.
    page.recorder.reset()
    page.goto(f"{base_url}{lang}/shapes.html?hidden_size=abc&proj_size=2.5")
    bad = page.evaluate(READ_RESULT)
    assert bad["message"]
    assert not bad["tableVisible"]
    assert sorted(bad["invalid"]) == ["hidden-size", "proj-size"]
    assert not page.recorder.errors, page.recorder.errors


@pytest.mark.parametrize("lang", LANGS)
def test_keyboard_and_labels(page, base_url: str, lang: str) -> None:
    open_page(page, base_url, lang)
    controls = page.evaluate(
        """() => Array.from(document.querySelectorAll("#shape-form input, #shape-form select"))
          .map((el) => ({id: el.id, labels: el.labels.length,
                         text: el.labels.length ? el.labels[0].innerText.trim() : ""}))"""
    )
    ids = [c["id"] for c in controls]
    expected = ["module", "input-size", "hidden-size", "num-layers", "seq-len", "batch"]
    assert ids == [*expected, "proj-size", "bidirectional", "batch-first", "unbatched", "lengths"]
    assert all(c["labels"] == 1 and c["text"] for c in controls), controls
    # Tab walks the form in reading order; typing and Space change the table.
    page.focus("#module")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "input-size"
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("3")
    for _ in range(6):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "bidirectional"
    page.keyboard.press("Space")
    rows = page.evaluate(READ_RESULT)["rows"]
    assert rows == expected_rows(Config(input_size=3, bidirectional=True))[0]
    # Enter in a field does not submit the form and reload the page: it is live already.
    page.evaluate("window.notReloaded = true")
    page.focus("#seq-len")
    page.keyboard.press("Enter")
    page.wait_for_timeout(200)
    assert page.evaluate("window.notReloaded === true")
    assert not page.recorder.errors, page.recorder.errors


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("lang", LANGS)
def test_screenshot(page, base_url: str, screenshots_dir, lang: str, theme: str) -> None:
    open_page(page, base_url, lang, "?proj_size=4&hidden_size=6&bidirectional=1&batch_first=1")
    assert set_theme(page, theme) == theme
    path = screenshots_dir / f"{lang}-shapes-{theme}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    page.fill("#proj-size", "6")  # and one with the message
    path = screenshots_dir / f"{lang}-shapes-message-{theme}.png"
    page.screenshot(path=str(path))
    assert not page.recorder.errors, page.recorder.errors


@pytest.mark.parametrize("lang", LANGS)
def test_packed_batch_shorter_than_t(page, base_url: str, lang: str) -> None:
    """pad_packed_sequence pads to the longest sequence: output has that many steps."""
    config = Config("GRU", 3, 4, 2, seq_len=6, batch=3, lengths=(4, 2, 3), batch_first=True)
    query = "?module=GRU&input_size=3&hidden_size=4&seq_len=6&lengths=4,2,3&batch_first=1"
    open_page(page, base_url, lang, query)
    result = page.evaluate(READ_RESULT)
    module, x = config.build()
    shown = dict(result["rows"])
    output = lf.trace(module, x).output_padded
    assert shown["output"] == str(tuple(output.shape)) == "(3, 4, 4)"
    assert shown["input"] == "(3, 6, 3)"  # the input before packing, as the snippet builds it
    check_snippet(result["code"], config, result["rows"], count_of(result["count"]))
    assert not page.recorder.errors, page.recorder.errors
