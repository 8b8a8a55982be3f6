"""The array screen flags exactly the texts the screen's regular expression finds a match
in: on simulated and hand-written calls and on random strings drawn from every class the
screen reads (digits of several scripts, circled numbers, Chinese numerals, each
separator, zero-width characters, provinces, letters) and their neighbours."""

from __future__ import annotations

import re

import numpy as np

from features.batch_text import code_points
from features.pii_normal import _FOLD, SCREEN_PATTERN, ZERO_WIDTH
from features.pii_screen import folded_texts, screened_docs

_SCREEN = re.compile(SCREEN_PATTERN)


def _flagged(texts: list[str]) -> list[int]:
    points = code_points("\x00".join(texts))
    return screened_docs(points, np.flatnonzero(points == 0)).tolist()


def test_array_screen_equals_the_regular_expression() -> None:
    # Given texts made of the characters the screen's classes hold and their neighbours
    from training.evalset import load_evalset, load_records

    rng = np.random.default_rng(5)
    pool = list("0123456789０１２٣४①⑴⒈⓪❶➀一二三四五六七八九〇○零幺两壹贰")
    pool += list(" .-—–·_/,:\t\u3000") + list(ZERO_WIDTH)
    pool += list("京沪粤苏浙琼雲滬AaZzＡｚ元号电话报警") + ["\U0001d7cf", "\ud800"]
    random = ["".join(rng.choice(pool, size=int(rng.integers(0, 12)))) for _ in range(6000)]
    calls = load_evalset()["text"].tolist() + load_records()["text"].tolist()
    texts = random + calls + ["", "1234", "123", "1 2 3 4", "1  234", "苏 E", "苏  E", "苏e"]
    # when the batch is screened by arrays, then the same texts are flagged as by the regex
    expected = [i for i, t in enumerate(texts) if _SCREEN.search(t)]
    assert 0 < len(expected) < len(texts)
    assert _flagged(texts) == expected
    assert _flagged(["1234"]) == [0] and _flagged(["123"]) == []
    # and the folded view of every text without a zero-width or non-BMP character is
    # the per-text translate's
    points = code_points("\x00".join(texts))
    folded = folded_texts(points, np.flatnonzero(points == 0), list(range(len(texts))))
    plain = [i for i, t in enumerate(texts) if not set(t) & set(ZERO_WIDTH) and t.isascii()]
    assert set(plain) <= set(folded) and len(folded) > 1000
    assert all(folded[i] == texts[i].translate(_FOLD) for i in folded)
    hard = [i for i, t in enumerate(texts) if set(t) & {*ZERO_WIDTH, "\U0001d7cf"}]
    assert hard and not set(hard) & set(folded)


def test_digit_run_and_landline_patterns_equal_their_plain_forms() -> None:
    # Given the matcher's patterns that check "not after a digit" after their first
    # character (so the regex engine skips to candidate characters), and their plain forms
    from features.pii import _LANDLINE, _RUN, _SEP

    plain_run = re.compile(rf"(?<![0-9])[0-9]+(?:{_SEP}[0-9]+)*(?:{_SEP}?[Xx](?![A-Za-z0-9]))?")
    plain_landline = re.compile(
        r"(?<![0-9])(?:\(0[1-9][0-9]{1,2}\) ?|0[1-9][0-9]{1,2}[ -])[2-9][0-9]{6,7}"
        r"(?:-[0-9]{1,4})?(?![0-9])"
    )
    rng = np.random.default_rng(7)
    parts = ["(", ")", "0", "010", "0755", "1", "9", "2345678", "12345678", " ", "-", "—"]
    parts += [".", "·", "X", "x", "a", "号", "00", "-12", " - ", "021-", "(0755) "]
    texts = ["".join(rng.choice(parts, size=int(rng.integers(0, 9)))) for _ in range(40_000)]
    # then both find the same spans in every text
    for fast, plain in ((_RUN, plain_run), (_LANDLINE, plain_landline)):
        found = 0
        for text in texts:
            spans = [m.span() for m in fast.finditer(text)]
            assert spans == [m.span() for m in plain.finditer(text)], text
            found += bool(spans)
        assert found > 100
