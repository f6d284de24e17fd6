"""The catalogue of every word shown in figures, in both languages."""

from __future__ import annotations

import re
from string import Formatter

import pytest
import torch

import lstm_figures as lf
from lstm_figures import fonts, labels
from lstm_figures.labels import CATALOGUE, LANGUAGES, Labels

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture
def restore_default_language():
    """Put the default language back, whatever the test set it to."""
    saved = labels.default_language()
    yield
    labels.set_default_language(saved)


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


def test_catalogue_has_the_languages():
    assert tuple(CATALOGUE) == LANGUAGES == lf.LANGUAGES


def test_every_key_is_in_every_language():
    keys = set(CATALOGUE["en"])
    assert {lang: sorted(keys ^ set(CATALOGUE[lang])) for lang in LANGUAGES} == {
        lang: [] for lang in LANGUAGES
    }


@pytest.mark.parametrize("key", sorted(CATALOGUE["en"]))
def test_placeholders_are_the_same_in_every_language(key):
    expected = placeholders(CATALOGUE["en"][key])
    for lang in LANGUAGES:
        assert placeholders(CATALOGUE[lang].get(key, "")) == expected, lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_string_mixes_math_and_chinese(lang):
    # mathtext cannot draw CJK: write code names such as h_n as plain text in sentences.
    mixed = {key: text for key, text in CATALOGUE[lang].items() if "$" in text and CJK.search(text)}
    assert mixed == {}


def test_english_has_no_chinese():
    assert {key: text for key, text in CATALOGUE["en"].items() if CJK.search(text)} == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_entry_has_glyphs(lang):
    fonts.check_glyphs(list(CATALOGUE[lang].values()), fonts.families(lang))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_entries_format(lang):
    words = Labels(lang)
    for key, text in CATALOGUE[lang].items():
        values = dict.fromkeys(placeholders(text), 7)
        assert words(key, **values) == text.format(**values)


@pytest.mark.parametrize("shape", [(), (7,), (7, 4, 5)])
def test_shape_is_written_as_python_prints_it(shape):
    tensor = torch.zeros(shape)
    assert Labels("en").shape(tensor.shape) == str(tuple(tensor.shape))
    assert Labels("zh_CN").shape(tuple(tensor.shape)) == str(tuple(tensor.shape))


@pytest.mark.parametrize(
    "call",
    [Labels, labels.check_language, labels.set_default_language],
    ids=["Labels", "check_language", "set_default_language"],
)
@pytest.mark.parametrize("lang", ["fr", "zh", "EN", ""])
def test_unknown_language_lists_the_languages(call, lang, restore_default_language):
    with pytest.raises(ValueError, match=f"unknown language {lang!r}") as error:
        call(lang)
    assert all(repr(valid) in str(error.value) for valid in LANGUAGES)
    assert labels.default_language() == "en"  # a failed set leaves the default alone


def test_set_default_language(restore_default_language):
    assert Labels().lang == labels.default_language() == "en"
    lf.set_default_language("zh_CN")
    assert Labels().lang == labels.default_language() == "zh_CN"
    assert Labels("en").lang == "en"  # an explicit language still wins
    fig = lf.draw("unrolled", torch.nn.LSTM(3, 4))
    assert fig.lstm_figures["lang"] == "zh_CN"
    assert CJK.search(fig.lstm_figures["alt"])
