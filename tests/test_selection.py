"""The selection figure: the cells lf.locate finds, marked in the layer × time grid.

Every marked cell, shape and warning is compared with lf.locate's answer, whose values
tests/test_locating.py checks against the trace's own states. Layouts only, no pixels.
"""

from __future__ import annotations

import pytest
import torch
from make_locate_table import (
    BIDIR_BF,
    CASES,
    LONG,
    PACKED_BIDIR_BF,
    PACKED_SORTED,
    PLAIN,
    trace_of,
)

import lstm_figures as lf
from lstm_figures import locating
from lstm_figures.figures import build, options
from lstm_figures.figures.parts.grid_margins import FINAL_EDGE
from lstm_figures.figures.selection import DEFAULT_EXPRESSION, _axes
from lstm_figures.labels import LANGUAGES, Labels
from lstm_figures.layout import Box, Text

from figure_checks import (
    assert_chinese_without_english,
    assert_elision_bounds_elements,
    assert_inside_figure,
)

CODE_WORDS = {"LSTM", "GRU", "RNN", "output", "True", "T", "H", "N", "L", "D", "P", "torch"}
LEGEND_RIGHT = 0.6  # legend swatches stand left of this; the grid's cells right of it

#: Table cases that draw (not error cases), a few per configuration.
DRAWN = [
    (cfg, expression)
    for cfg, expression in CASES
    if expression
    in {
        "output[:, -1]",
        "output[-1]",
        "h_n[-1]",
        "torch.cat((h_n[-2], h_n[-1]), dim=1)",
        "c_n[1, :, :P]",
        "output[..., 0]",
        "h_n.chunk(2)[1]",
        "output[T // 2, :, H_out:]",
        "output[0]",
    }
]


def selected_outlines(layout) -> list[Box]:
    return [
        box
        for box in layout.of_type(Box)
        if box.edge == "highlight" and box.linewidth == FINAL_EDGE and box.x > LEGEND_RIGHT
    ]


def state_boxes(layout, *, hatched: bool) -> list[Box]:
    return [
        box
        for box in layout.of_type(Box)
        if box.edge in ("hidden", "state")
        and not box.rounded
        and box.x > LEGEND_RIGHT
        and (box.hatch is not None) == hatched
    ]


def drawn_cells(tr, sel) -> list[tuple]:
    steps, layers = _axes(tr, sel)
    return [cell for cell in sel.cells if cell[3] in steps and cell[1] in layers]


@pytest.mark.parametrize("case", DRAWN, ids=[f"{c['kind']}:{e}" for c, e in DRAWN])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_marks_exactly_the_cells_locate_finds(case, lang):
    cfg, expression = case
    tr = trace_of(cfg)
    sel = lf.locate(tr, expression)
    layout = build("selection", tr, lang, expression=expression)
    shown = drawn_cells(tr, sel)
    assert len(selected_outlines(layout)) == len({cell[1:] for cell in shown})
    partial = [cell for cell in shown if cell in sel.partial]
    assert len(state_boxes(layout, hatched=True)) == len(partial)
    assert len(state_boxes(layout, hatched=False)) == len(shown) - len(partial)
    assert_inside_figure(layout)


@pytest.mark.parametrize("case", DRAWN, ids=[f"{c['kind']}:{e}" for c, e in DRAWN])
def test_shows_the_expression_and_its_real_shape(case):
    cfg, expression = case
    tr = trace_of(cfg)
    real = locating.evaluate(expression, locating.tensors(tr), locating.sizes(tr))
    layout = build("selection", tr, "en", expression=expression)
    assert f"{expression}  →  shape {tuple(real.shape)}" in layout.texts
    assert str(tuple(real.shape)) in layout.alt
    assert expression in layout.alt


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("cfg", "expression"),
    [(BIDIR_BF, "output[:, -1]"), (PACKED_BIDIR_BF, "output[-1]"), (PLAIN, "h_n[0]")],
)
def test_warnings_are_written_in_the_figure(cfg, expression, lang):
    tr = trace_of(cfg)
    sel = lf.locate(tr, expression, lang=lang)
    layout = build("selection", tr, lang, expression=expression)
    labels = Labels(lang)
    lines = [t.text for t in layout.of_type(Text) if t.role == "output" and t.ha == "left"]
    written = "".join(lines).replace(" ", "")
    expected = "".join(labels("selection_warning", text=w) for w in sel.warnings)
    assert written == expected.replace(" ", "")
    if not sel.warnings:
        assert labels("selection_no_warning") in layout.texts
    for warning in sel.warnings:
        assert warning in layout.alt


def test_bidirectional_batch_first_trap_in_alt_text():
    tr = trace_of(BIDIR_BF)
    alt = build("selection", tr, "en", expression="output[:, -1]").alt
    last, top = tr.seq_len - 1, tr.num_layers - 1
    assert f"h of layer {top}, forward, at t = {last}" in alt
    assert f"h of layer {top}, backward, at t = {last}" in alt
    zh = build("selection", tr, "zh_CN", expression="output[:, -1]").alt
    assert f"第 {top} 层反向在 t = {last} 的 h" in zh


def test_lstm_cells_show_both_states_and_which_is_read():
    tr = trace_of(PLAIN)
    layout = build("selection", tr, "en", expression="torch.cat((h_n[0], c_n[0]), dim=1)")
    filled = state_boxes(layout, hatched=False)
    assert sorted(box.edge for box in filled) == ["hidden", "state"]  # h and c of one cell
    assert {box.text for box in filled} == {"h", "c"}
    only_h = build("selection", tr, "en", expression="h_n[0]")
    assert [box.text for box in state_boxes(only_h, hatched=False)] == ["h"]


def test_padding_read_is_tagged_above_its_steps():
    tr = trace_of(PACKED_SORTED)
    sel = lf.locate(tr, "output[-1]")
    assert sel.padding
    padded = sorted({o["step"] for o in locating.origins(tr, "output[-1]") if o["padding"]})
    for lang in LANGUAGES:
        layout = build("selection", tr, lang, expression="output[-1]")
        tags = [box for box in layout.of_type(Box) if box.text == Labels(lang)("selection_padding")]
        assert len(tags) == len(padded)
        assert any(str(tr.lengths) in text for text in layout.texts)
    unpadded = build("selection", tr, "en", expression="h_n[-1]")
    assert not [box for box in unpadded.of_type(Box) if box.text == "padding"]


def test_long_sequences_keep_the_selected_step_in_view():
    tr = trace_of(LONG)
    expression = "output[T // 2, :, H_out:]"
    layout = build("selection", tr, "en", expression=expression)
    assert f"t = {tr.seq_len // 2}" in layout.texts
    assert len(selected_outlines(layout)) == 1
    # Everything read in steps not drawn is counted in the legend.
    many = build("selection", tr, "en", expression="output[:, 0, :H_out]")
    sel = lf.locate(tr, "output[:, 0, :H_out]")
    hidden = len(sel.cells) - len(drawn_cells(tr, sel))
    assert hidden > 0
    assert Labels("en")("selection_legend_elided", count=hidden) in many.texts


def test_long_sequences_draw_as_much_as_short_ones():
    assert_elision_bounds_elements("selection")


@pytest.mark.parametrize("case", DRAWN[:6], ids=[e for _, e in DRAWN[:6]])
def test_chinese_figure_has_no_english_words(case):
    cfg, expression = case
    layout = build("selection", trace_of(cfg), "zh_CN", expression=expression)
    assert_chinese_without_english(layout, CODE_WORDS, snippets=(expression,))


def test_default_expression():
    tr = trace_of(PLAIN)
    assert options("selection") == ("expression",)
    fig = lf.draw("selection", tr)
    assert DEFAULT_EXPRESSION in fig.lstm_figures["alt"]
    explicit = build("selection", tr, "en", expression=DEFAULT_EXPRESSION)
    assert build("selection", tr, "en") == explicit


def test_bad_expression_is_a_value_error():
    with pytest.raises(ValueError, match=r"unsupported method \.sum\(\)"):
        lf.draw("selection", trace_of(PLAIN), expression="output.sum()")


def test_options_are_checked():
    tr = trace_of(PLAIN)
    with pytest.raises(TypeError, match="figure 'stacked' takes no options; got expression"):
        lf.draw("stacked", tr, expression="output[-1]")
    with pytest.raises(TypeError, match="takes only expression; got colour"):
        lf.draw("selection", tr, colour="red")


def test_very_long_expression_is_cut_in_the_figure_not_in_alt():
    tr = trace_of(PLAIN)
    expression = "torch.cat((" + ", ".join(["h_n[0]"] * 12) + "), dim=1)"
    layout = build("selection", tr, "en", expression=expression)
    assert expression in layout.alt
    assert not any(expression in text for text in layout.texts)
    assert_inside_figure(layout)
    assert torch.Size(lf.locate(tr, expression).shape)[1] == 12 * tr.hidden_size
