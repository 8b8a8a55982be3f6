"""Text-noise augmentation for training folds: make the model read context, not one word.

Simulated calls tell each event with a few hundred hand-written clauses, so a model can
score almost perfectly by memorising clause-specific n-grams and still miss a call worded
differently. Noisy copies of the training texts break those shortcuts: characters dropped
or doubled (speech recognition), fillers inserted, punctuation gone, homophone slips, and
the single most class-revealing word masked so the rest of the sentence must carry the
label. Applied to training texts only (never to validation folds or evaluation data).

Pure functions of the texts and a ``numpy`` generator, so results are reproducible.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from features.text import normalize, tokenize

FILLERS = ("那个", "就是", "嗯", "啊", "然后", "这个", "就", "呃", "反正")
PUNCTUATION = frozenset("，。、；：？！,.;:?! ")
# Speech-recogniser slips of common words (shared by no label: they only add noise).
HOMOPHONES = (
    ("在", "再"),
    ("的", "地"),
    ("他", "她"),
    ("已经", "以经"),
    ("现在", "现再"),
    ("报警", "抱警"),
    ("手机", "首机"),
    ("那里", "哪里"),
    ("因为", "应为"),
    ("一直", "一只"),
)


def salient_words(
    texts: list[str], labels: np.ndarray, *, min_count: int = 5, purity: float = 0.9
) -> dict[str, str]:
    """Words (≥ 2 characters) that almost always mean one class in these texts.

    Returns word → class for words seen at least ``min_count`` times whose share of one
    class is at least ``purity``: the shortcuts a model would lean on hardest.
    """
    by_word: dict[str, Counter] = defaultdict(Counter)
    for text, label in zip(texts, labels, strict=True):
        for word in set(tokenize(normalize(text))):
            if len(word) >= 2 and "<" not in word:
                by_word[word][label] += 1
    out: dict[str, str] = {}
    for word, counts in by_word.items():
        total = sum(counts.values())
        label, top = counts.most_common(1)[0]
        if total >= min_count and top / total >= purity:
            out[word] = str(label)
    return out


def noisy_text(
    text: str,
    rng: np.random.Generator,
    *,
    rate: float,
    salient: dict[str, str] | None = None,
    mask: float = 0.0,
) -> str:
    """One noisy copy of ``text``.

    Args:
        rate: per-character probability of dropping or doubling a character, and the
            scale of the other edits (fillers, punctuation loss, homophones).
        salient: :func:`salient_words` of the training fold.
        mask: probability of removing every occurrence of one salient word in the text.
    """
    if salient and mask > 0 and rng.random() < mask:
        present = [w for w in tokenize(normalize(text)) if w in salient]
        if present:
            word = present[int(rng.integers(len(present)))]
            text = normalize(text).replace(word, "")
    if rng.random() < min(1.0, 3 * rate):
        a, b = HOMOPHONES[int(rng.integers(len(HOMOPHONES)))]
        text = text.replace(a, b, 1)
    if rng.random() < min(1.0, 2 * rate):
        text = "".join(ch for ch in text if ch not in PUNCTUATION)
    chars: list[str] = []
    u = rng.random(len(text))
    for ch, r in zip(text, u, strict=True):
        if r < rate / 2:
            continue  # dropped
        chars.append(ch)
        if r > 1 - rate / 2:
            chars.append(ch)  # doubled (a stutter or a recogniser echo)
    if len(chars) > 4 and rng.random() < min(1.0, 3 * rate):
        at = int(rng.integers(1, len(chars)))
        chars.insert(at, FILLERS[int(rng.integers(len(FILLERS)))])
    return "".join(chars) or text


def augment(
    texts: list[str],
    labels: np.ndarray,
    rng: np.random.Generator,
    *,
    copies: int,
    rate: float,
    mask: float,
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """``copies`` noisy copies of every text, with their labels and source row indices."""
    if copies <= 0 or not texts:
        return [], labels[:0], np.zeros(0, dtype=np.int64)
    salient = salient_words(texts, labels) if mask > 0 else None
    out: list[str] = []
    rows: list[int] = []
    for _ in range(copies):
        for i, text in enumerate(texts):
            out.append(noisy_text(text, rng, rate=rate, salient=salient, mask=mask))
            rows.append(i)
    idx = np.asarray(rows, dtype=np.int64)
    return out, labels[idx], idx
