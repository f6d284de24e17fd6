"""The ``lstm-figures`` command, run in-process through ``main()``."""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib
import io
import os
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import lstm_figures as lf
from lstm_figures import cli, cli_model, figures, models
from lstm_figures.cli import main

ROOT = Path(__file__).resolve().parents[1]
MODEL = ["--input-size", "3", "--hidden-size", "4"]
MAGIC = {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF"}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the command; return its exit status, stdout and stderr."""
    try:
        status = main(list(argv))
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


def missing_figures() -> list[str]:
    """Figures whose modules have not been written yet."""
    missing = []
    for name in figures.FIGURES:
        try:
            importlib.import_module(f"lstm_figures.figures.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"lstm_figures.figures.{name}":
                raise
            missing.append(name)
    return missing


# --- help, version, list ---


def test_help_lists_the_commands(capsys):
    status, out, err = run(capsys, "--help")
    assert status == 0
    assert out.startswith("usage: lstm-figures")
    assert all(command in out for command in ("list", "draw", "shapes", "locate"))
    assert err == ""


@pytest.mark.parametrize("command", ["draw", "shapes", "locate"])
def test_command_help_lists_its_options(capsys, command):
    status, out, _ = run(capsys, command, "--help")
    assert status == 0
    options = ["--input-size", "--hidden-size", "--num-layers", "--bidirectional"]
    options += ["--batch-first", "--proj-size", "--seq-len", "--batch", "--seed", "--module"]
    if command == "draw":
        options += ["--lang", "--theme", "--output", "--expression", *figures.FIGURES]
    if command == "locate":
        options += ["--lang", "--lengths", "EXPR"]
    assert [option for option in options if option not in out] == []


def test_version(capsys):
    assert run(capsys, "--version") == (0, f"lstm-figures {lf.__version__}\n", "")


def test_list_prints_every_figure_in_order(capsys):
    if missing := missing_figures():
        pytest.skip(f"figure modules not written yet: {', '.join(missing)}")
    status, out, err = run(capsys, "list")
    assert (status, err) == (0, "")
    rows = [line.split(maxsplit=1) for line in out.splitlines()]
    assert [name for name, _ in rows] == list(figures.FIGURES)
    assert [text for _, text in rows] == [figures.summary(name) for name in figures.FIGURES]


def test_module_runs_as_a_program():
    """``python -m lstm_figures`` is the same command (the one test in a fresh process)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [sys.executable, "-m", "lstm_figures", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("usage: lstm-figures")


# --- draw ---


def library_bytes(
    path: Path,
    name: str = "unrolled",
    *,
    kind: str = "LSTM",
    seq_len: int = 5,
    batch: int = 3,
    seed: int = 0,
    lang: str = "en",
    theme: str = "light",
    **sizes,
) -> bytes:
    """The file the public API writes for these options (the CLI's documented defaults)."""
    module = models.build_module(kind, input_size=3, hidden_size=4, seed=seed, **sizes)
    x = models.example_input(module, seq_len=seq_len, batch=batch, seed=seed)
    lf.save(lf.draw(name, module, x, lang=lang, theme=theme), path)
    return path.read_bytes()


@pytest.mark.parametrize("fmt", sorted(MAGIC))
def test_draw_writes_each_format_byte_identically(capsys, tmp_path, fmt):
    first, second = tmp_path / f"first.{fmt}", tmp_path / f"second.{fmt}"
    for path in (first, second):
        assert run(capsys, "draw", "unrolled", *MODEL, "-o", str(path)) == (0, "", "")
    assert first.read_bytes().startswith(MAGIC[fmt])
    assert first.read_bytes() == second.read_bytes()
    assert plt.get_fignums() == []  # the command closes what it draws


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ([], {}),
        (["--num-layers", "2", "--bidirectional"], {"num_layers": 2, "bidirectional": True}),
        (
            ["--batch-first", "--seq-len", "9", "--batch", "2", "--seed", "3"],
            {"batch_first": True, "seq_len": 9, "batch": 2, "seed": 3},
        ),
        (["--proj-size", "2"], {"proj_size": 2}),
        (["--module", "GRU", "--lang", "zh_CN"], {"kind": "GRU", "lang": "zh_CN"}),
        (["--module", "RNN", "--theme", "dark"], {"kind": "RNN", "theme": "dark"}),
    ],
    ids=["defaults", "stacked-bidirectional", "batch-first-seeded", "proj", "gru-zh", "rnn-dark"],
)
def test_draw_matches_the_library(capsys, tmp_path, options, expected):
    path = tmp_path / "cli.png"
    assert run(capsys, "draw", "unrolled", *MODEL, *options, "-o", str(path)) == (0, "", "")
    assert path.read_bytes() == library_bytes(tmp_path / "library.png", **expected)


#: Options a figure needs beyond the shared ones (the projection figure needs a projection).
FIGURE_OPTIONS = {"projection": ["--proj-size", "2"], "gru_rnn": ["--module", "GRU"]}


@pytest.mark.parametrize("name", figures.FIGURES)
def test_draw_every_figure(capsys, tmp_path, name):
    if name in missing_figures():
        pytest.skip(f"lstm_figures/figures/{name}.py does not exist yet")
    path = tmp_path / f"{name}.png"
    options = ["--num-layers", "2", "--bidirectional", "--lang", "zh_CN", "--theme", "dark"]
    options += FIGURE_OPTIONS.get(name, [])
    assert run(capsys, "draw", name, *MODEL, *options, "-o", str(path)) == (0, "", "")
    assert path.read_bytes().startswith(MAGIC["png"])


# --- shapes ---


@st.composite
def configurations(draw) -> dict:
    kind = draw(st.sampled_from(list(models.KINDS)))
    hidden_size = draw(st.integers(1, 6))
    proj_size = draw(st.integers(0, hidden_size - 1)) if kind == "LSTM" else 0
    return {
        "kind": kind,
        "input_size": draw(st.integers(1, 6)),
        "hidden_size": hidden_size,
        "num_layers": draw(st.integers(1, 3)),
        "bidirectional": draw(st.booleans()),
        "batch_first": draw(st.booleans()),
        "proj_size": proj_size,
        "seq_len": draw(st.integers(1, 7)),
        "batch": draw(st.integers(1, 4)),
    }


def shapes_command(config: dict) -> list[str]:
    argv = ["shapes", "--module", config["kind"]]
    for option in ("input_size", "hidden_size", "num_layers", "proj_size", "seq_len", "batch"):
        argv += [f"--{option.replace('_', '-')}", str(config[option])]
    return argv + [
        flag for flag in ("--bidirectional", "--batch-first") if config[flag[2:].replace("-", "_")]
    ]


def torch_shapes(config: dict) -> tuple[list[tuple[str, tuple[int, ...]]], int]:
    """Every shape as PyTorch's own module reports it, in the table's order, and the count."""
    extra = {"proj_size": config["proj_size"]} if config["kind"] == "LSTM" else {}
    module = getattr(torch.nn, config["kind"])(
        config["input_size"],
        config["hidden_size"],
        num_layers=config["num_layers"],
        bidirectional=config["bidirectional"],
        batch_first=config["batch_first"],
        **extra,
    )
    steps_and_batch = (config["seq_len"], config["batch"])
    x = torch.zeros(
        *(steps_and_batch[::-1] if config["batch_first"] else steps_and_batch), config["input_size"]
    )
    output, state = module(x)
    h_n, c_n = state if config["kind"] == "LSTM" else (state, None)
    rows = [("input", x), ("h_0", h_n)]  # h_0 and c_0 have the shapes of h_n and c_n
    rows += [("c_0", c_n)] if c_n is not None else []
    rows += [("output", output), ("h_n", h_n)]
    rows += [("c_n", c_n)] if c_n is not None else []
    rows += list(module.named_parameters())
    return [(name, tuple(t.shape)) for name, t in rows], sum(p.numel() for p in module.parameters())


def parse_table(out: str) -> tuple[list[tuple[str, tuple[int, ...]]], int]:
    header, *rows, total = out.splitlines()
    assert header.split() == ["tensor", "shape"]
    label, count = total.rsplit(":", 1)
    assert label == "total parameters"
    table = []
    for row in rows:
        name, shape = row.split(maxsplit=1)
        table.append((name, ast.literal_eval(shape)))
    return table, int(count)


@settings(max_examples=40, deadline=None)
@given(config=configurations())
def test_shapes_match_torch(config):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(shapes_command(config)) == 0
    assert parse_table(out.getvalue()) == torch_shapes(config)


def test_module_kinds_match_the_library():
    """The CLI lists kinds without importing torch; they must be the library's."""
    assert tuple(cli_model.GATE_BLOCKS) == tuple(models.KINDS)
    for kind, blocks in cli_model.GATE_BLOCKS.items():
        module = models.build_module(kind, input_size=2, hidden_size=3)
        assert module.weight_ih_l0.shape[0] == blocks * 3


@pytest.mark.parametrize(
    "options",
    [
        MODEL,
        [*MODEL, "--num-layers", "3", "--bidirectional", "--proj-size", "2"],
        [*MODEL, "--module", "GRU"],
    ],
)
def test_memory_estimate_covers_the_parameters(options):
    args = cli.build_parser().parse_args(["shapes", *options])
    module = cli_model.build_model(args)
    assert cli_model.estimated_values(args) >= sum(p.numel() for p in module.parameters())


# --- bad input ---

PNG = "{folder}/figure.png"
BAD_INPUT = {
    "unknown figure": (["draw", "nope", *MODEL, "-o", PNG], "'nope'"),
    "zero hidden size": (
        ["draw", "unrolled", "--input-size", "3", "--hidden-size", "0", "-o", PNG],
        "--hidden-size",
    ),
    "negative hidden size": (
        ["shapes", "--input-size", "3", "--hidden-size", "-3"],
        "--hidden-size",
    ),
    "fractional input size": (
        ["shapes", "--input-size", "2.5", "--hidden-size", "4"],
        "--input-size",
    ),
    "word input size": (["shapes", "--input-size", "three", "--hidden-size", "4"], "--input-size"),
    "zero layers": (["shapes", *MODEL, "--num-layers", "0"], "--num-layers"),
    "zero time steps": (["draw", "unrolled", *MODEL, "--seq-len", "0", "-o", PNG], "--seq-len"),
    "zero batch": (["shapes", *MODEL, "--batch", "0"], "--batch"),
    "negative seed": (["shapes", *MODEL, "--seed", "-1"], "--seed"),
    "negative proj_size": (["shapes", *MODEL, "--proj-size", "-1"], "--proj-size"),
    "proj_size equal to hidden_size": (
        ["draw", "unrolled", *MODEL, "--proj-size", "4", "-o", PNG],
        "--proj-size",
    ),
    "proj_size above hidden_size": (["shapes", *MODEL, "--proj-size", "5"], "--proj-size"),
    "proj_size with GRU": (["shapes", *MODEL, "--module", "GRU", "--proj-size", "2"], "GRU"),
    "proj_size with RNN": (
        ["draw", "unrolled", *MODEL, "--module", "RNN", "--proj-size", "2", "-o", PNG],
        "RNN",
    ),
    "unknown module": (["shapes", *MODEL, "--module", "LSTMCell"], "LSTMCell"),
    "unknown language": (["draw", "unrolled", *MODEL, "--lang", "fr", "-o", PNG], "'fr'"),
    "unknown theme": (["draw", "unrolled", *MODEL, "--theme", "blue", "-o", PNG], "'blue'"),
    "unknown suffix": (
        ["draw", "unrolled", *MODEL, "-o", "{folder}/figure.jpg"],
        ".png, .svg, .pdf",
    ),
    "no suffix": (["draw", "unrolled", *MODEL, "-o", "{folder}/figure"], ".png, .svg, .pdf"),
    "missing folder": (
        ["draw", "unrolled", *MODEL, "-o", "{folder}/missing/figure.png"],
        "does not exist",
    ),
    "unknown subcommand": (["frobnicate"], "'frobnicate'"),
    "no subcommand": ([], "COMMAND"),
    "missing name": (["draw", *MODEL, "-o", PNG], "NAME"),
    "missing hidden size": (["draw", "unrolled", "--input-size", "3", "-o", PNG], "--hidden-size"),
    "missing input size": (["shapes", "--hidden-size", "4"], "--input-size"),
    "missing output": (["draw", "unrolled", *MODEL], "--output"),
    "unknown option": (["shapes", *MODEL, "--colour", "red"], "--colour"),
    "abbreviated option": (["shapes", "--input", "3", "--hidden-size", "4"], "--input"),
    "too big to trace": (["shapes", "--input-size", "3", "--hidden-size", "100000"], "numbers"),
}

# Everything heavy: a bad argument must be rejected before any of it is imported.
HEAVY_MODULES = [
    "torch",
    "matplotlib",
    "matplotlib.pyplot",
    "lstm_figures.models",
    "lstm_figures.tracing",
    "lstm_figures.validation",
    "lstm_figures.drawing",
    *(f"lstm_figures.figures.{name}" for name in figures.FIGURES),
]


def assert_one_line_error(status: int, out: str, err: str, fragment: str) -> None:
    assert status == 2
    assert out == ""
    assert err.startswith("lstm-figures")
    assert err.count("\n") == 1
    assert err.endswith("\n")
    assert "error: " in err
    assert fragment in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("argv", "fragment"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_one_line_before_torch(capsys, monkeypatch, tmp_path, argv, fragment):
    for name in HEAVY_MODULES:  # importing any of these now raises ImportError
        monkeypatch.setitem(sys.modules, name, None)
    argv = [arg.replace("{folder}", str(tmp_path)) for arg in argv]
    assert_one_line_error(*run(capsys, *argv), fragment)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("error", [ValueError, TypeError])
def test_library_errors_are_one_line(capsys, monkeypatch, tmp_path, error):
    """The library's own refusals (say, a figure that needs --bidirectional) read the same."""
    from lstm_figures.figures import unrolled

    def refuse(tr, labels):
        raise error("this figure needs a bidirectional module;\nadd --bidirectional")

    monkeypatch.setattr(unrolled, "build", refuse)
    path = tmp_path / "figure.png"
    status, out, err = run(capsys, "draw", "unrolled", *MODEL, "-o", str(path))
    assert_one_line_error(status, out, err, "needs a bidirectional module; add --bidirectional")
    assert list(tmp_path.iterdir()) == []


def test_unwritable_output_is_one_line(capsys, tmp_path):
    folder_named_like_a_file = tmp_path / "figure.png"
    folder_named_like_a_file.mkdir()
    status, out, err = run(capsys, "draw", "unrolled", *MODEL, "-o", str(folder_named_like_a_file))
    assert_one_line_error(status, out, err, "cannot write")
    assert list(folder_named_like_a_file.iterdir()) == []


def test_whole_number_rejects_what_int_rejects():
    parse = cli_model.whole_number(1, 10)
    assert parse("7") == 7
    for text in ("0", "11", "1.0", "", "seven"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse(text)


# --- locate, and draw selection --expression ---

LOCATE_MODEL = [*MODEL, "--num-layers", "2", "--bidirectional", "--batch-first"]


def locate_library(expression: str, lengths=None, lang="en", **sizes):
    """lf.locate's answer for the module and input the CLI's defaults describe."""
    from torch.nn.utils.rnn import pack_padded_sequence

    options = {"num_layers": 2, "bidirectional": True, "batch_first": True, **sizes}
    module = models.build_module("LSTM", input_size=3, hidden_size=4, **options)
    batch = len(lengths) if lengths else 3
    x = models.example_input(module, seq_len=5, batch=batch)
    if lengths:
        x = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    return lf.locate(module, expression, x, lang=lang)


def test_locate_prints_cells_shape_and_warnings(capsys):
    status, out, err = run(capsys, "locate", "output[:, -1]", *LOCATE_MODEL)
    assert (status, err) == (0, "")
    sel = locate_library("output[:, -1]")
    lines = out.splitlines()
    assert lines[0] == f"output[:, -1] -> shape {sel.shape}"
    cells = [line for line in lines if line.startswith("  ")]
    assert len(cells) == len({cell[:3] for cell in sel.cells})
    for state, layer, direction, step in sel.cells:
        name = "backward" if direction else "forward"
        assert any(
            line.split()[:4] == [state, "layer", str(layer), name] and f"t = {step}" in line
            for line in cells
        )
    assert "reads padding: no" in lines
    assert [line for line in lines if line.startswith("warning: ")] == [
        f"warning: {warning}" for warning in sel.warnings
    ]
    assert sel.warnings


def test_locate_packed_batch_in_chinese(capsys):
    argv = ["locate", "output[-1]", *LOCATE_MODEL, "--lengths", "2,5,3", "--lang", "zh_CN"]
    status, out, err = run(capsys, *argv)
    assert (status, err) == (0, "")
    sel = locate_library("output[-1]", lengths=[2, 5, 3], lang="zh_CN")
    assert sel.padding
    assert "reads padding: yes" in out.splitlines()
    assert "(in part: t = 0-2)" in out
    assert [
        line[len("warning: ") :] for line in out.splitlines() if line.startswith("warning")
    ] == (sel.warnings)


def test_locate_compacts_steps_into_ranges(capsys):
    status, out, _ = run(capsys, "locate", "output[:, ::2, :H_out]", *LOCATE_MODEL)
    assert status == 0
    assert "  h  layer 1  forward   t = 0, 2, 4" in out.splitlines()
    status, out, _ = run(capsys, "locate", "h_n", *MODEL, "--seq-len", "3")
    assert "warnings: none" in out.splitlines()
    status, out, _ = run(capsys, "locate", "output[0, :, :2]", *MODEL)
    assert "  h  layer 0  t = 0  (in part: t = 0)" in out.splitlines()


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["locate", "output.sum()", *MODEL], "unsupported method .sum()"),
        (["locate", "__import__('os')", *MODEL], "calls are allowed only"),
        (["locate", "c_n[-1]", *MODEL, "--module", "GRU"], "only an LSTM returns c_n"),
        (["locate", "output.view(1000000 * 1000000)", *MODEL], "elements"),
        (["locate", "output[0]", *MODEL, "--lengths", "6,2"], "--lengths must be at most"),
        (["locate", "output[0]", *MODEL, "--lengths", "3,x"], "positive whole numbers"),
    ],
    ids=["method", "import", "c_n-gru", "huge-view", "lengths-long", "lengths-bad"],
)
def test_locate_bad_input_is_one_line(capsys, argv, fragment):
    assert_one_line_error(*run(capsys, *argv), fragment)


def test_draw_selection_matches_the_library(capsys, tmp_path):
    path = tmp_path / "cli.png"
    argv = ["draw", "selection", *MODEL, "--expression", "h_n[-1]", "-o", str(path)]
    assert run(capsys, *argv) == (0, "", "")
    module = models.build_module("LSTM", input_size=3, hidden_size=4)
    x = models.example_input(module)
    library = tmp_path / "library.png"
    lf.save(lf.draw("selection", module, x, expression="h_n[-1]"), library)
    assert path.read_bytes() == library.read_bytes()


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["draw", "selection", "--expression", "h_n["], "not a valid Python expression"),
        (["draw", "selection", "--expression", "output.T"], "attribute access"),
        (["draw", "stacked", "--expression", "h_n[-1]"], "takes no options; got expression"),
    ],
    ids=["syntax", "attribute", "not-selection"],
)
def test_draw_bad_expression_writes_nothing(capsys, tmp_path, argv, fragment):
    path = tmp_path / "figure.png"
    assert_one_line_error(*run(capsys, *argv, *MODEL, "-o", str(path)), fragment)
    assert list(tmp_path.iterdir()) == []
