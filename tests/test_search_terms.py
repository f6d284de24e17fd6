"""The Chinese search's word list holds every term of the glossary.

Chinese search splits the pages into words with jieba, but not the reader's query: a term
that jieba splits in two (非批量 into 非 and 批量) can never be found. The terms of the
glossary (CONTRIBUTING.md, "Terms") are kept whole by docs/search_terms_zh.txt.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORDS = REPO / "docs" / "search_terms_zh.txt"


def dictionary() -> list[str]:
    """The words of the jieba dictionary, one ``word frequency tag`` a line."""
    lines = WORDS.read_text(encoding="utf-8").splitlines()
    return [line.split()[0] for line in lines if line.strip()]


def glossary_terms() -> set[str]:
    """The Chinese terms of CONTRIBUTING.md's table, one word each (single characters aside)."""
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## Terms", 1)[1].split("\n## ", 1)[0]
    chinese = [row.split("|")[2] for row in section.splitlines() if row.startswith("| ")][1:]
    chinese = [re.sub(r"（[^）]*）", "", cell) for cell in chinese]  # "（沿时间）展开": optional
    words = {w for cell in chinese for w in re.findall(r"[\u4e00-\u9fff]+", cell)}
    return {word for word in words if len(word) > 1}


def test_glossary_terms_are_search_words() -> None:
    terms = glossary_terms()
    assert len(terms) >= 25, sorted(terms)
    missing = sorted(terms - set(dictionary()))
    assert not missing, f"add to docs/search_terms_zh.txt: {missing}"


def test_dictionary_lines_are_well_formed() -> None:
    for line in WORDS.read_text(encoding="utf-8").splitlines():
        word, frequency, tag = line.split()
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,}", word), line
        assert int(frequency) > 0, line
        assert tag.isalpha(), line
    assert len(dictionary()) == len(set(dictionary())), "a word is listed twice"
