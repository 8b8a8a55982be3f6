"""NFKC by the translate table equals ``unicodedata``'s on every BMP character."""

from __future__ import annotations

import random
import unicodedata

from features.batch_text import SEP
from features.nfkc import _by_table, _tables, nfkc_batch


def test_every_bmp_character_beside_others_normalises_as_unicodedata_does() -> None:
    # Given each BMP character alone and between Latin, Chinese, full-width and combining ones
    chars = [chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000]
    wrong = [
        (c, side)
        for c in chars
        for side in ("", "a", "字", "，", "\u0301")
        if _by_table(side + c + side) != unicodedata.normalize("NFKC", side + c + side)
    ]
    assert wrong == []


def test_random_mixtures_and_batches_normalise_as_unicodedata_does() -> None:
    # Given strings mixing characters NFKC changes alone, ones that need their neighbours
    # (combining marks, Hangul jamo, astral characters) and plain call text
    blocked, table = _tables()
    alone = [chr(c) for c in table]
    joining = [chr(c) for c in range(0x10000) if blocked[c] and not 0xD800 <= c < 0xE000]
    joining += ["\U0001d400", "\U0002f800", "😀", "\u1100", "\u1161", "\u11a8", "가"]
    plain = list("报警人称我在楼下被打了，。！？ＡＢ１２abc e")
    rng = random.Random(0)
    pools = [alone, alone, joining, plain, plain]
    texts = [
        "".join(rng.choice(rng.choice(pools)) for _ in range(rng.randint(0, 9)))
        for _ in range(30_000)
    ]
    assert [t for t in texts if _by_table(t) != unicodedata.normalize("NFKC", t)] == []
    # when joined into batches, then each text comes out as it does alone
    for start in range(0, len(texts), 500):
        batch = texts[start : start + 500]
        assert nfkc_batch(SEP.join(batch)).split(SEP) == [
            unicodedata.normalize("NFKC", t) for t in batch
        ]


def test_no_replacement_holds_a_character_to_replace() -> None:
    # one replace per character then gives what one translate gives
    table = _tables()[1]
    assert len(table) > 2_000
    assert [c for c, v in table.items() if any(ord(x) in table for x in v)] == []
