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
