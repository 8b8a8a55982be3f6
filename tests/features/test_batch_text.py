"""The batch paths give exactly what the per-text functions give: masking, normalising,
segmenting and cues of a whole batch joined into one string, on simulated calls, the
hand-written sets (written independently of the simulator) and corrupted texts with
personal data, full-width and traditional characters, numerals, repeats and separators."""

from __future__ import annotations

import numpy as np
import pytest

from features.batch_text import mask_texts, normalize_texts, prepare_texts
from features.cues import cue_matrix, cue_vector
from features.pii import mask_pii
from features.segment import tokenize
from features.segment_batch import find_spans, token_numbers, tokenize_texts
from features.text import normalize
from features.textprep import prepare_text


@pytest.fixture(scope="module")
def texts() -> list[str]:
    from tests.triage.conftest import generated_frame
    from training.evalset import load_evalset, load_records

    simulated = generated_frame(4_000, seed=11)["text"].tolist()
    handwritten = load_evalset()["text"].tolist() + load_records()["text"].tolist()
    rng = np.random.default_rng(3)
    noise = list("０１２３４５６７８９ＡＢＣ，。！ \t\n\r\u3000\u200b①<>abcXYZ+#&._%-")
    noise += ["<MOBILE>", "<mobile>", "13800138000", "440304199003074510", "苏E·88888"]
    noise += ["王女士", "我姓周", "两万元", "三千五百块", "1.5万", "一三八零零一三八零零零"]
    noise += ["乾隆", "後來", "發現", "喂喂喂", "你好你好", "哈哈哈", "没有人受伤", "钱没丢"]
    noise += ["😀", "\U00020000"]
    corrupted = []
    for text in rng.choice(simulated + handwritten, size=3000):
        for _ in range(int(rng.integers(1, 4))):
            at = int(rng.integers(len(text) + 1))
            text = text[:at] + str(rng.choice(noise)) + text[at:]
        corrupted.append(text)
    edge = ["", " ", "  两万元  ", "<MOBILE><IDCARD>", "没没有人受伤丢", "1e5元", "十"]
    return simulated + handwritten + corrupted + edge


def _batches(items: list, size: int = 512):
    return [items[i : i + size] for i in range(0, len(items), size)]


def test_prepare_and_its_steps_equal_the_per_text_functions(texts: list[str]) -> None:
    assert len(texts) > 7_000
    for batch in _batches(texts):
        assert mask_texts(batch) == [mask_pii(t) for t in batch]
        assert normalize_texts(batch) == [normalize(t) for t in batch]
        assert prepare_texts(batch) == [prepare_text(t) for t in batch]
    assert prepare_texts([None, 12, "ａ"]) == ["", "12", "a"]
    # A text holding the batch separator or a private-use placeholder character is done
    # text by text, with the same answers.
    odd = [*texts[:50], "电话\x00<MOBILE>", "\ue000被打"]
    assert prepare_texts(odd) == [prepare_text(t) for t in odd]
    assert tokenize_texts(odd) == [tokenize(t) for t in odd]
    np.testing.assert_array_equal(cue_matrix(odd), np.asarray([cue_vector(t) for t in odd]))
    assert prepare_texts([]) == []


def test_batch_segmentation_equals_tokenize(texts: list[str]) -> None:
    prepared = prepare_texts(texts)
    for batch in _batches(prepared) + _batches(texts):  # normalised and raw text alike
        assert tokenize_texts(batch) == [tokenize(t) for t in batch]
    assert tokenize_texts(["我的电话<MOBILE>", "x"]) == [["我", "的", "电话", "<MOBILE>"], ["x"]]


def test_batch_token_offsets_and_numbers_equal_the_per_text_ones(texts: list[str]) -> None:
    # Given batches of prepared and raw texts (repeats that go to jieba, placeholders,
    # whitespace of every kind) and a numbering of some of the words
    prepared = prepare_texts(texts)
    # (words of one to five characters; a batch holding U+0001, the pieces' glue)
    words = ["报警", "电话", "<MOBILE>", "喂", "被盗", "了", "报警人称", "冒充公检法", "12345"]
    numbers = {w: i + 1 for i, w in enumerate(words)}
    odd = [["电话\x00", "x"], ["喂喂喂"], ["报警\x01人称", "报警人称被盗"], ["", "", "了"]]
    for batch in _batches(prepared) + _batches(texts[:1500]) + odd:
        per_text = [tokenize(t) for t in batch]
        spans = [
            s for t, tokens in zip(batch, per_text, strict=True) for s in find_spans(t, tokens)
        ]
        # when the batch is segmented with offsets, or straight to numbers
        tokens, starts, ends = tokenize_texts(batch, spans=True)
        ids, doc, a, b = token_numbers(batch, numbers)
        # then both have the per-text tokens at the per-text offsets
        assert tokens == per_text
        assert list(zip(starts.tolist(), ends.tolist(), strict=True)) == spans
        assert list(zip(a.tolist(), b.tolist(), strict=True)) == spans
        flat = [(i, numbers.get(t, 0)) for i, ts in enumerate(per_text) for t in ts]
        assert list(zip(doc.tolist(), ids.tolist(), strict=True)) == flat


def test_batch_cues_equal_cue_vector(texts: list[str]) -> None:
    prepared = prepare_texts(texts)
    for batch in _batches(prepared):
        expected = np.asarray([cue_vector(t) for t in batch])
        np.testing.assert_array_equal(cue_matrix(batch), expected)
    negated = cue_matrix(["没有人受伤，钱没丢", "被打了，钱被骗了5000元"])
    assert negated[0].tolist() == cue_vector("没有人受伤，钱没丢")
    assert negated[1].tolist() == cue_vector("被打了，钱被骗了5000元")
