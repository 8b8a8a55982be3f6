"""Normalisation and tokenising of call texts (table-driven)."""

from __future__ import annotations

import pickle

import pytest

from features.text import anonymise_names, convert_numerals, normalize, to_simplified, tokenize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＫＴＶ门口", "ktv门口"),  # full-width letters → ASCII, lower-cased
        ("电话１３８", "电话138"),  # full-width digits
        ("你好，在哪？", "你好,在哪?"),  # full-width punctuation
        ("  两个人   在吵 ", "两个人 在吵"),  # whitespace collapsed
        ("被騙了錢", "被骗了钱"),  # traditional → simplified
        ("發現後門被撬", "发现后门被撬"),
        ("乾隆年间", "乾隆年间"),  # phrase table wins over the character 乾 → 干
        ("衣服乾淨", "衣服干净"),
        ("被骗两万元", "被骗20000元"),  # Chinese numerals before a unit
        ("损失三千五百块", "损失3500块"),
        ("七十多岁的老人", "70多岁的老人"),
        ("1.5万元", "15000元"),
        ("一直在吵,万一出事", "一直在吵,万一出事"),  # numerals without a unit stay
        ("电话<MOBILE>,车牌<PLATE>", "电话<MOBILE>,车牌<PLATE>"),  # placeholders stay upper
        ("App里APP", "app里app"),
    ],
)
def test_normalize_table(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_is_idempotent_and_total() -> None:
    text = "被騙了兩萬塊，ＫＴＶ裡還在打，電話<MOBILE>"
    once = normalize(text)
    assert normalize(once) == once
    assert normalize(None) == ""  # type: ignore[arg-type]
    assert normalize(12) == "12"  # type: ignore[arg-type]


def test_simplified_text_passes_through_unchanged() -> None:
    text = "报警人称其电动车在小区楼下被盗"
    assert to_simplified(text) is text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("十五岁", "15岁"),
        ("两百元", "200元"),
        ("一万零五百元", "10500元"),
        ("二三十岁", "二三十岁"),
    ],
)
def test_numerals(raw: str, expected: str) -> None:
    assert convert_numerals(raw) == expected


def test_tokenize_keeps_domain_words_and_placeholders_whole() -> None:
    tokens = tokenize(normalize("报警人称电动车被盗，电话<MOBILE>，对方拿刀，还在打。"))
    assert "电动车" in tokens
    assert "<MOBILE>" in tokens
    assert "拿刀" in tokens
    assert "，" not in tokens and "," not in tokens and "。" not in tokens


def test_tokenize_empty_and_pickles_by_reference() -> None:
    assert tokenize("") == []
    assert pickle.loads(pickle.dumps(tokenize)) is tokenize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("王女士反映楼上装修太吵", "某女士反映楼上装修太吵"),
        ("张某某与李某发生口角", "某某某与某某发生口角"),
        ("联系不上车主，我姓周", "联系不上车主，我姓某"),
        ("出租车司机刘师傅", "出租车司机某师傅"),
        # words that merely contain a surname character stay as they are
        ("我孙子走丢了", "我孙子走丢了"),
        ("这周末老百姓都出来了", "这周末老百姓都出来了"),
        ("开锁师傅到了", "开锁师傅到了"),
    ],
)
def test_surnames_used_as_names_become_mou(raw: str, expected: str) -> None:
    assert anonymise_names(raw) == expected
