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
