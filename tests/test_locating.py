"""lf.locate: which grid cells a slice reads, checked against the trace's own states."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import torch
from make_locate_table import (
    BIDIR_BF,
    GRU_BIDIR,
    PACKED_BIDIR_BF,
    PACKED_SORTED,
    PLAIN,
    PROJ3,
    RNN_UNBATCHED,
    TABLE,
    dumps,
    table,
    trace_of,
)

import lstm_figures as lf
from lstm_figures import expressions, locating
from lstm_figures.labels import CATALOGUE, LANGUAGES


def _case_id(case):
    cfg, expression = case
    flags = [cfg["kind"], f"L{cfg['num_layers']}"]
    flags += [name for name in ("bidirectional", "batch_first") if cfg[name]]
    flags += ["proj"] * bool(cfg["proj_size"]) + ["packed"] * bool(cfg["lengths"])
    flags += ["unbatched"] * (not cfg["batched"])
    return f"{'-'.join(flags)}:{expression}"


def close(actual: torch.Tensor, expected: torch.Tensor) -> bool:
    """Equal up to the trace's own recomputation tolerance."""
    return actual.shape == expected.shape and torch.allclose(actual, expected, 1e-4, 1e-5)


#: The table's cases that have an answer (the others are error cases).
ANSWERED = [
    (case["config"], case["expression"])
    for case in json.loads(TABLE.read_text(encoding="utf-8"))["cases"]
    if "answer" in case
]

_TRACES: dict[str, lf.Trace] = {}


def cached_trace(cfg: dict) -> lf.Trace:
    key = json.dumps(cfg, sort_keys=True)
    if key not in _TRACES:
        _TRACES[key] = trace_of(cfg)
    return _TRACES[key]


def state_of(tr: lf.Trace, state: int, layer: int, direction: int, step: int, sample: int):
    """One sample's state of one cell, from the trace's step-by-step recomputation."""
    per_step = tr.hidden if state == 0 else tr.cell
    value = per_step(layer, direction, step)
    return value[sample] if tr.batched else value


def expected_values(tr: lf.Trace, expression: str) -> torch.Tensor:
    """What the expression must give, element by element, from the trace's own states.

    Each element's origin comes from the origin-tagged tensors; its value from
    ``tr.hidden``/``tr.cell`` (a padded position is 0, as pad_packed_sequence makes it).
    """
    values = []
    for origin in locating.origins(tr, expression):
        if origin["padding"]:
            values.append(0.0)
            continue
        where = [origin[k] for k in ("state", "layer", "direction", "step", "sample")]
        values.append(float(state_of(tr, *where)[origin["unit"]]))
    shape = locating.evaluate(expression, locating.tensors(tr), locating.sizes(tr)).shape
    return torch.tensor(values).reshape(shape)


# --- the shared table -----------------------------------------------------------------------


def test_committed_table_is_what_locate_answers_now():
    committed = TABLE.read_text(encoding="utf-8")
    assert committed == dumps(table()), "run: python tests/make_locate_table.py"


def test_table_covers_the_configurations():
    cases = json.loads(TABLE.read_text(encoding="utf-8"))["cases"]
    answered = [c for c in cases if "answer" in c]
    assert len(answered) >= 40
    configs = [c["config"] for c in answered]
    assert {c["kind"] for c in configs} == {"LSTM", "GRU", "RNN"}
    assert {c["num_layers"] for c in configs} >= {1, 2, 3}
    for flag in ("bidirectional", "batch_first"):
        assert {c[flag] for c in configs} == {True, False}
    assert any(c["proj_size"] for c in configs)
    assert any(c["lengths"] and c["lengths"] != sorted(c["lengths"], reverse=True) for c in configs)
    assert any(not c["batched"] for c in configs)
    keys = {w["key"] for c in answered for w in c["answer"]["warnings"]}
    assert keys == set(locating.WARNING_KEYS)
    assert any(c["answer"]["partial"] for c in answered)
    assert any(c["answer"]["padding"] for c in answered)
    assert any("error" in c for c in cases)


def test_table_warnings_are_rendered_from_the_catalogue():
    cases = json.loads(TABLE.read_text(encoding="utf-8"))["cases"]
    for case in cases:
        for warning in case.get("answer", {}).get("warnings", []):
            for lang in LANGUAGES:
                assert warning[lang] == CATALOGUE[lang][warning["key"]].format(**warning["params"])


# --- every answered case, against the trace's own states ------------------------------------


@pytest.mark.parametrize("case", ANSWERED, ids=[_case_id(c) for c in ANSWERED])
def test_case_values_come_from_the_trace_states(case):
    cfg, expression = case
    tr = cached_trace(cfg)
    sel = lf.locate(tr, expression)
    assert sel.shape == tuple(
        locating.evaluate(expression, locating.tensors(tr), locating.sizes(tr)).shape
    )
    assert sel.shape == tuple(sel.value.shape)
    assert torch.allclose(sel.value, expected_values(tr, expression), rtol=1e-4, atol=1e-5)
    assert set(sel.partial) <= set(sel.cells)
    assert sel.cells == sorted(set(sel.cells))
    for state, layer, direction, step in sel.cells:
        assert state in ("h", "c")
        assert 0 <= layer < tr.num_layers
        assert 0 <= direction < tr.num_directions
        assert 0 <= step < tr.seq_len


# --- hand-checked answers -------------------------------------------------------------------


def test_bidirectional_batch_first_last_step_reads_forward_final_and_backward_first():
    tr = cached_trace(BIDIR_BF)
    sel = lf.locate(tr, "output[:, -1]")
    top, last = tr.num_layers - 1, tr.seq_len - 1
    assert sel.cells == [("h", top, 0, last), ("h", top, 1, last)]
    assert sel.partial == []
    assert not sel.padding
    H = tr.output_size
    assert close(sel.value[:, :H], tr.hidden(top, 0, last))
    assert close(sel.value[:, H:], tr.hidden(top, 1, last))
    # the forward half is h_n[-2]; the backward half is not h_n[-1]
    assert torch.allclose(sel.value[:, :H], tr.h_n[-2])
    assert not torch.allclose(sel.value[:, H:], tr.h_n[-1])
    assert [key for key, _ in sel.warning_keys] == ["locate_warn_backward_first"]
    assert sel.warning_keys[0][1] == {"h_out": H, "backward_final": "h_n[-1]"}


def test_h_n_idiom_reads_both_final_states():
    tr = cached_trace(BIDIR_BF)
    sel = lf.locate(tr, "torch.cat((h_n[-2], h_n[-1]), dim=1)")
    top = tr.num_layers - 1
    assert sel.cells == [("h", top, 0, tr.seq_len - 1), ("h", top, 1, 0)]
    assert sel.warnings == []
    expected = torch.cat((tr.hidden(top, 0, tr.seq_len - 1), tr.hidden(top, 1, 0)), dim=1)
    assert torch.allclose(sel.value, expected, rtol=1e-4, atol=1e-5)


def test_batch_first_output_minus_one_is_the_last_sample():
    tr = cached_trace(BIDIR_BF)
    sel = lf.locate(tr, "output[-1]")
    top = tr.num_layers - 1
    steps = range(tr.seq_len)
    assert sel.cells == [("h", top, d, t) for d in range(2) for t in steps]
    assert sel.partial == sel.cells  # one sample of N
    keys = [key for key, _ in sel.warning_keys]
    assert keys == ["locate_warn_backward_first", "locate_warn_batch_first_sample"]
    assert sel.warning_keys[1][1] == {"sample": tr.batch_size - 1}
    for t in steps:
        assert close(sel.value[t, : tr.output_size], tr.hidden(top, 0, t)[-1])


def test_time_major_output_minus_one_has_no_sample_warning():
    tr = cached_trace(PLAIN)
    sel = lf.locate(tr, "output[-1]")
    assert sel.cells == [("h", 0, 0, tr.seq_len - 1)]
    assert sel.warnings == []
    assert close(sel.value, tr.h_n[0])


def test_c_n_reads_cell_states_with_hidden_size_units():
    tr = cached_trace(PROJ3)
    sel = lf.locate(tr, "c_n[1, :, :P]")
    assert sel.cells == [("c", 1, 0, tr.seq_len - 1)]
    assert sel.partial == sel.cells  # P of H units
    assert close(sel.value, tr.cell(1, 0, tr.seq_len - 1)[:, : tr.proj_size])
    full = lf.locate(tr, "c_n[1]")
    assert full.partial == []
    assert full.shape == (tr.batch_size, tr.hidden_size)


def test_packed_h_n_reads_each_sequence_at_its_own_last_step():
    tr = cached_trace(PACKED_BIDIR_BF)
    sel = lf.locate(tr, "h_n[-2]")
    top = tr.num_layers - 1
    assert sel.cells == sorted(("h", top, 0, length - 1) for length in tr.lengths)
    # a step is read in full only when no other sequence is still running there
    longest = max(tr.lengths)
    assert ("h", top, 0, longest - 1) not in sel.partial
    assert len(sel.partial) == len(tr.lengths) - 1
    for n, length in enumerate(tr.lengths):
        assert close(sel.value[n], tr.hidden(top, 0, length - 1)[n])
    assert not sel.padding
    assert sel.warnings == []


def test_packed_last_step_reads_padding():
    tr = cached_trace(PACKED_SORTED)
    sel = lf.locate(tr, "output[-1]", lang="zh_CN")
    assert sel.padding
    assert sel.cells == [("h", 0, 0, tr.seq_len - 1)]  # only the longest sequence is real
    assert [key for key, _ in sel.warning_keys] == ["locate_warn_padding"]
    assert sel.warnings == [CATALOGUE["zh_CN"]["locate_warn_padding"]]
    short = [n for n, length in enumerate(tr.lengths) if length < tr.seq_len]
    assert short
    assert all(torch.count_nonzero(sel.value[n]) == 0 for n in short)


def test_packed_backward_starts_at_each_sequence_end():
    tr = cached_trace(PACKED_BIDIR_BF)
    # sequence 0 has length 2: its backward direction starts at step 1
    assert tr.lengths[0] == 2
    sel = lf.locate(tr, "output[0, 1, H_out:]")
    assert sel.cells == [("h", tr.num_layers - 1, 1, 1)]
    assert [key for key, _ in sel.warning_keys] == ["locate_warn_backward_first"]
    # the backward direction's final state for it is at step 0, which h_n[-1] holds
    final = lf.locate(tr, "output[0, 0, H_out:]")
    assert final.warnings == []
    assert close(final.value, tr.h_n[-1][0])


def test_unbatched_input_uses_sample_zero():
    tr = cached_trace(RNN_UNBATCHED)
    sel = lf.locate(tr, "output[-1, :2]")
    assert sel.cells == [("h", 0, 0, tr.seq_len - 1)]
    assert sel.partial == sel.cells
    assert close(sel.value, tr.hidden(0, 0, tr.seq_len - 1)[:2])


def test_size_names_are_the_trace_sizes():
    tr = cached_trace(PROJ3)
    assert locating.sizes(tr) == {
        "T": tr.seq_len,
        "N": tr.batch_size,
        "F": tr.input_size,
        "H": tr.hidden_size,
        "H_out": tr.proj_size,
        "P": tr.proj_size,
        "L": tr.num_layers,
        "D": 1,
    }


def test_locate_runs_a_module_with_its_default_input():
    module = torch.nn.GRU(3, 4, num_layers=2)
    sel = lf.locate(module, "h_n[-1]")
    assert sel.cells == [("h", 1, 0, 4)]
    assert isinstance(sel, lf.Selection)


def test_value_is_a_copy():
    tr = cached_trace(PLAIN)
    sel = lf.locate(tr, "h_n[0]")
    sel.value.zero_()
    assert torch.count_nonzero(tr.h_n) > 0


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("output.sum()", r"unsupported method \.sum\(\): expected one of view, reshape"),
        ("__import__('os')", r"__import__\('os'\)"),
        ("output.shape", r"attribute access"),
        ("lambda x: x", r"lambda"),
        ("output[1:3:0]", r"step must be greater than zero"),
        ("output[T]", r"out of bounds"),
        ("output[", r"not a valid Python expression"),
        ("x[0]", r"unknown name"),
        ("output[0.5]", r"integer"),
        ("output[[0, 1]]", r"sequence"),
        ("torch.sum(output)", r"torch\.sum"),
        ("output.chunk(2)", r"must be indexed"),
        ("output.transpose(0, 3)", r"torch refuses"),
        ("h_n / 2", r"\+ - \* //"),
        ("output.view(10**12)", r"\*\*|\+ - \* //"),
        ("output.view(1000000 * 1000000)", r"elements"),
        ("open('x').read()", r"unsupported method \.read\(\)"),
        ("open('x')", r"calls are allowed only"),
        ("output.__class__", r"attribute access"),
        ("output[0] if 1 else h_n", r"conditional"),
        ("", r"empty"),
        ("output[" + "0," * 300 + "]", r"characters long"),
        ("output[2 ** 62]", r"\+ - \* //"),
        ("output[1099511627777]", r"at most"),
        ("output.view(T, -1, H, 1)[0].chunk(0)[0]", r"at least 1"),
    ],
)
def test_bad_expressions_are_one_sentence_value_errors(expression, message):
    with pytest.raises(ValueError, match=message) as error:
        lf.locate(cached_trace(PLAIN), expression)
    assert "\n" not in str(error.value)


def test_c_n_of_a_gru_is_an_error():
    with pytest.raises(ValueError, match="only an LSTM returns c_n"):
        lf.locate(cached_trace(GRU_BIDIR), "c_n[-1]")


def test_view_that_torch_refuses_on_the_real_tensor_is_refused():
    # batch_first output is a transposed tensor: PyTorch's own .view(-1) fails on it
    tr = cached_trace(BIDIR_BF)
    assert not tr.output_padded.is_contiguous()
    with pytest.raises(ValueError, match=r"torch refuses output\.view"):
        lf.locate(tr, "output.view(-1)")
    assert lf.locate(tr, "output.reshape(-1)").shape == (tr.output_padded.numel(),)


def test_expression_must_be_a_string():
    with pytest.raises(TypeError, match="must be a str"):
        lf.locate(cached_trace(PLAIN), 3)


def test_huge_models_are_refused_before_tagging(monkeypatch):
    monkeypatch.setattr(expressions, "MAX_ELEMENTS", 50)
    with pytest.raises(ValueError, match="more than the 50"):
        lf.locate(cached_trace(PLAIN), "h_n[0]")


def test_joins_are_bounded(monkeypatch):
    tr = cached_trace(PLAIN)
    monkeypatch.setattr(expressions, "MAX_ELEMENTS", 2 * tr.output_padded.numel() + 40)
    with pytest.raises(ValueError, match="elements"):
        lf.locate(tr, "torch.cat((output, output, output))")


def test_the_expression_is_parsed_never_run():
    # ast.parse compiles to a tree only; nothing in the module runs code from text
    for module in (expressions, locating):
        source = Path(module.__file__).read_text(encoding="utf-8")
        assert not re.search(r"\b(eval|exec|compile)\(", source.replace('mode="eval"', ""))
    assert "ast.parse(text, mode=" in Path(expressions.__file__).read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_warnings_follow_the_language(lang):
    sel = lf.locate(cached_trace(BIDIR_BF), "output[:, -1]", lang=lang)
    key, params = sel.warning_keys[0]
    assert sel.warnings == [CATALOGUE[lang][key].format(**params)]
