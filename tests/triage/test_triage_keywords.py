"""Keywords are spans of what the call taker typed: whole words, evidence for the answer,
never placeholders, masking marks or personal data."""

from __future__ import annotations

import pytest

from features.evidence import evidence_spans, pieces_on_chars, token_spans, word_units
from features.spans import align
from features.textprep import prepare_text


@pytest.mark.parametrize(
    ("raw", "prepared_piece", "typed"),
    [
        ("網上刷單被騙了兩萬塊", "20000块", "兩萬塊"),  # traditional script and numerals
        ("損失三千五百元", "3500元", "三千五百元"),
        ("被骗1.5万元", "15000元", "1.5万元"),
        ("ＫＴＶ门口打架", "ktv", "ＫＴＶ"),  # full width, lower-cased
        ("王女士称被打", "某女士", "王女士"),  # surname → 某
        ("手机13800138000被盗", "<MOBILE>被盗", "13800138000被盗"),  # masked phone
        ("乾洗店老闆不退錢", "干洗店老板", "乾洗店老闆"),  # a phrase with its own mapping
        ("  两伙人   在打  ", "两伙人 在打", "两伙人   在打"),  # spaces collapsed
    ],
)
def test_offsets_lead_back_to_what_was_typed(raw, prepared_piece, typed):
    # Given a raw text, when it is prepared with its offset map
    aligned = align(raw)
    # then it is exactly the pipeline's prepared text
    assert aligned.text == prepare_text(raw)
    # and a piece of the prepared text maps back to the characters that were typed
    a = aligned.text.index(prepared_piece)
    start, end = aligned.original(a, a + len(prepared_piece))
    assert raw[start:end] == typed


def test_offsets_agree_with_the_pipeline_on_every_handwritten_text():
    from training.evalset import load_evalset, load_records

    texts = load_evalset()["text"].tolist() + load_records()["text"].tolist()
    for raw in texts:
        aligned = align(raw)
        assert aligned.text == prepare_text(raw), raw
        for i in range(len(aligned.text)):
            assert 0 <= aligned.start[i] < aligned.end[i] <= len(raw)


def test_placeholders_are_marked_masked():
    aligned = align("电话13800138000，有人偷车")
    masked = "".join(ch for ch, m in zip(aligned.text, aligned.masked, strict=True) if m)
    assert masked == "<MOBILE>"


def _pieces(aligned, weights: dict[str, float]) -> list[tuple[int, int, float]]:
    out = []
    for piece, w in weights.items():
        a = aligned.text.index(piece)
        out.append((a, a + len(piece), w))
    return out


@pytest.mark.parametrize(
    ("raw", "weights", "expected"),
    [
        # Masking marks (XX, 某) and weak edge words never make a keyword.
        (
            "报警人称在XX路XX小区门口被人抢走手机",
            {"xx": 2.0, "门口": 0.1, "被人": 0.5, "抢走": 2.0, "手机": 0.6},
            ["抢走手机"],
        ),
        ("张某称被人殴打", {"某": 3.0, "称": 0.5, "殴打": 1.0}, ["殴打"]),
        # A negative word splits phrases; its neighbours stay separate evidence.
        ("他拿着刀，还在砍人！", {"拿着": 1.0, "着刀": 1.0, "还在": 0.4, "砍人": 1.0}, None),
        # Traditional text and numerals: shown as typed.
        ("網上刷單被騙了兩萬塊", {"刷单": 2.0, "被骗": 1.0, "20000块": 1.0}, None),
        # A placeholder is never shown, however heavy; single characters neither.
        ("电话13800138000，有人偷车", {"<MOBILE>": 9.0, "偷车": 1.0, "有": 0.1}, ["偷车"]),
        ("在5号楼", {"在": 1.0, "5": 1.0}, []),
    ],
)
def test_evidence_spans_are_words_of_the_typed_text(raw, weights, expected):
    aligned = align(raw)
    char = pieces_on_chars(len(aligned.text), _pieces(aligned, weights))
    spans = evidence_spans(aligned, char, word_units(aligned, token_spans(aligned.text)), 5)
    for s in spans:
        assert raw[s.start : s.end] == s.text and s.weight > 0
        assert "XX" not in s.text and "某" not in s.text and "<" not in s.text
        assert "13800138000" not in s.text
    if expected is not None:
        assert [s.text for s in spans] == expected
    if raw.startswith("網上"):
        assert "兩萬塊" in "".join(s.text for s in spans)
        assert any("刷單" in s.text for s in spans)


@pytest.fixture(scope="module")
def explained(fitted_triage):
    texts = [
        "报警人称在XX路XX小区门口被人抢走手机，嫌疑人已跑了",
        "網上刷單被騙了兩萬塊",
        "他拿着刀，还在砍人！",
        "王女士称手机13800138000被盗，损失两千块",
        "XX路XX小区5号楼，与邻居因停车位发生口角。",
        "樓上鄰居裝修太吵了，天天電鑽響",
    ]
    model = fitted_triage.model
    return model, texts, model.suggest(texts)


def test_model_keywords_are_typed_spans(explained):
    _, texts, suggestions = explained
    for text, s in zip(texts, suggestions, strict=True):
        assert s.keywords == [x.text for x in s.spans]
        for x in s.spans:
            assert text[x.start : x.end] == x.text and len(x.text) >= 2
            assert not any(mark in x.text for mark in ("XX", "某", "<", "13800138000"))
        weights = [x.weight for x in s.spans]
        assert weights == sorted(weights, reverse=True) and all(w > 0 for w in weights)
    shown = ["".join(x.text for x in s.spans) for s in suggestions]
    assert "抢走" in shown[0]  # the robbery itself
    assert "刷單" in shown[1] or "被騙" in shown[1]  # traditional text highlights
    # the violence itself (which of its words ranks first moves with the simulated city)
    assert "刀" in shown[2] or "砍人" in shown[2]
    assert "13800138000" not in shown[3]
    assert any(w in shown[5] for w in ("裝修", "太吵", "電鑽"))


def test_model_keywords_are_evidence_for_the_category(explained):
    # Taking the strongest span out of the text lowers the probability of the category
    # (the model's own probability: the shown one is capped at 0.99).
    model, texts, suggestions = explained
    k = model.classes.index
    for text, s in zip(texts, suggestions, strict=True):
        if not s.spans:
            continue
        top = s.spans[0]
        without = text[: top.start] + text[top.end :]
        before, after = model.score([text, without])["proba_raw"][:, k(s.category)]
        assert after < before, (text, top.text)
