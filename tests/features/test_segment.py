"""The fast tokenizer gives jieba's tokens: on simulated calls, on the hand-written set
(written independently of the simulator) and on texts corrupted with random characters
from other scripts, whitespace and repeats."""

from __future__ import annotations

import numpy as np
import pytest

from features.pii import mask_pii
from features.segment import jieba_tokenize, tokenize
from features.text import normalize


@pytest.fixture(scope="module")
def sample_texts() -> list[str]:
    from tests.triage.conftest import generated_frame
    from training.evalset import load_evalset

    simulated = generated_frame(12_000, seed=5)["text"].tolist()
    handwritten = load_evalset()["text"].tolist()
    rng = np.random.default_rng(0)
    noise = list("，。！？、 \t\n\r\u3000<>abcXYZ019+#&._%-") + [
        "😀",
        "\U00020000",
        "喂喂",
        "哈哈哈",
    ]
    noise += [chr(c) for c in rng.integers(0x3400, 0xA000, size=200)]
    noise += [chr(c) for c in rng.integers(0xF900, 0xFB00, size=20)]
    corrupted = []
    for text in rng.choice(simulated + handwritten, size=4000):
        at = int(rng.integers(len(text) + 1))
        extra = "".join(rng.choice(noise, size=int(rng.integers(1, 6))))
        corrupted.append(text[:at] + extra + text[at:])
    return simulated + handwritten + corrupted


def test_tokens_equal_jiebas(sample_texts: list[str]) -> None:
    prepared = [normalize(mask_pii(t)) for t in sample_texts]
    different = [t for t in prepared if tokenize(t) != jieba_tokenize(t)]
    assert len(prepared) > 16_000
    assert different == []


def test_raw_unnormalised_text_also_matches() -> None:
    texts = [
        "喂喂喂你好，我家的电动车被盗了！！！",
        "ＫＴＶ门口有人打架\r\n還在打",
        "好的好的谢谢谢谢",
        "",
    ]
    for text in texts:
        assert tokenize(text) == jieba_tokenize(text)


def test_repeats_are_segmented_like_jieba() -> None:
    # Exact ties between two paths (喂 + 喂喂 or 喂喂 + 喂): jieba's choice is kept.
    assert tokenize("喂喂喂那个") == jieba_tokenize("喂喂喂那个")
    assert tokenize("楼上天天天打麻将") == jieba_tokenize("楼上天天天打麻将")


def test_paths_that_tie_in_exact_arithmetic_come_out_as_jieba_has_them() -> None:
    # Given texts built from repeats of common dictionary words, where two paths hold the
    # same words in another order and their log probabilities differ only by rounding
    # (with jieba-rs's own dictionary total, 喂喂 + 喂 came out where jieba has 喂 + 喂喂)
    from features.segment import _jieba_dict_path

    rng = np.random.default_rng(7)
    lines = _jieba_dict_path().read_text(encoding="utf-8").splitlines()
    common = [w for w, f, *_ in (x.split(" ") for x in lines) if int(f) >= 2000 and len(w) <= 3]
    texts = [
        "".join(str(rng.choice(common)) * int(rng.integers(1, 4)) for _ in range(6))
        for _ in range(3000)
    ]
    texts += ["喂喂喂反正车上车上有个人突然晕了还有气", "水越来越来越高了", "日日日厅厅地球"]
    # when both segment them, then the tokens are the same
    assert [t for t in texts if tokenize(t) != jieba_tokenize(t)] == []


def test_the_dictionary_total_counts_a_word_written_twice_as_jieba_does() -> None:
    # jieba adds every line of dict.txt to its total (B超 is on two lines); jieba-rs each word once
    from features.segment import _total_fix

    assert _total_fix(()) == 3  # the second "B超 3" line
    # a word added that the dictionary has (身份证 708) keeps its old count in jieba's total;
    # one it lacks (报警人) adds nothing
    assert _total_fix(("报警人", "身份证")) == 3 + 708
