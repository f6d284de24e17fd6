"""The Chinese catalogues say each recurring thing one way (checked on the .po files)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CATALOGUES = Path(__file__).resolve().parent.parent / "docs" / "locale" / "zh_CN" / "LC_MESSAGES"
POS = sorted(CATALOGUES.rglob("*.po"))

# sphinx-gallery's download links: the Chinese wording each must use.
DOWNLOADS = {
    "Download Jupyter notebook: ": "下载 Jupyter Notebook：",
    "Download Python source code: ": "下载 Python 源代码：",
    "Download zipped: ": "下载 zip 压缩包：",
}
# A chapter named in running text is quoted “…”; 《…》 is kept for published works.
CHAPTER_IN_BOOK_MARKS = re.compile(r"《\s*:(?:ref|doc):`[^`]+`\s*》")


# One entry of a catalogue: msgid "..." "..." msgstr "..." "..." (Babel is not installed here).
ENTRY = re.compile(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', re.MULTILINE)


def _joined(lines: str) -> str:
    parts = re.findall(r'^"(.*)"$', lines, flags=re.MULTILINE)
    return "".join(parts).replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def messages() -> list[tuple[str, str, str]]:
    """(catalogue, msgid, msgstr) of every translated message."""
    found = []
    for po in POS:
        for msgid, msgstr in ENTRY.findall(po.read_text(encoding="utf-8")):
            message, translation = _joined(msgid), _joined(msgstr)
            if message and translation:
                found.append((po.name, message, translation))
    return found


def test_there_are_catalogues() -> None:
    assert len(POS) >= 15
    assert len(messages()) >= 400


@pytest.mark.parametrize(("english", "chinese"), DOWNLOADS.items())
def test_download_labels_are_worded_one_way(english: str, chinese: str) -> None:
    labels = [(name, s) for name, i, s in messages() if f":download:`{english}" in i]
    assert len(labels) >= 13, "expected one download link of each kind per chapter"
    wrong = [(name, s) for name, s in labels if not s.startswith(f":download:`{chinese}")]
    assert not wrong, wrong


def test_chapters_are_quoted_one_way() -> None:
    wrong = [(name, s) for name, _, s in messages() if CHAPTER_IN_BOOK_MARKS.search(s)]
    assert not wrong, wrong
