"""Keywords are shown to call takers as they are: readable words, no punctuation, no PII tags."""

from __future__ import annotations

import pytest

from features.triage_model import _merge_spans


def _span(text: str, piece: str) -> tuple[int, int]:
    start = text.index(piece)
    return start, start + len(piece)


@pytest.mark.parametrize(
    ("text", "pieces", "expected"),
    [
        ("XX路小区，与邻居因停车位发生口角。", ["发生口角。", "邻居"], ["发生口角", "邻居"]),
        ("他拿着刀，还在砍人！", ["拿着", "着刀，", "砍人！"], ["拿着刀", "砍人"]),
        ("电话<MOBILE>，有人偷车", ["<MOBILE>", "偷车"], ["偷车"]),
        ("在5号楼", ["在", "5"], []),
    ],
)
def test_keywords_are_clean_words(text, pieces, expected):
    # Given contributing pieces of a text (heaviest first), when they are merged for display
    spans = {_span(text, p): float(len(pieces) - i) for i, p in enumerate(pieces)}
    # then overlapping pieces join, punctuation and placeholders never reach the reader
    assert _merge_spans(text, spans, 3) == expected
