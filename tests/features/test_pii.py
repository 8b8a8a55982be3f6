"""Masking of personal data: what must be masked, what must stay, and the invariants."""

from __future__ import annotations

import pytest

from features.pii import (
    PLACEHOLDERS,
    find_pii,
    id_check_ok,
    luhn_ok,
    mask_incident_no,
    mask_pii,
)

# (input, expected masked text). Valid IDs / cards below were built with the real check
# digits; the "stays" rows are things a call description legitimately contains.
MASKED = [
    # mobile numbers
    ("报警人电话13800138000，称被骗", "报警人电话<MOBILE>，称被骗"),
    ("联系方式：139 1234 5678", "联系方式：<MOBILE>"),
    ("打我电话158-0000-1111谢谢", "打我电话<MOBILE>谢谢"),
    ("+8613912345678", "<MOBILE>"),
    ("+86 13912345678 回拨", "<MOBILE> 回拨"),
    ("手机１８６１２３４５６７８在线", "手机<MOBILE>在线"),
    ("tel:19912345678.", "tel:<MOBILE>."),
    ("两个号码13800138000、13900139000", "两个号码<MOBILE>、<MOBILE>"),
    # landlines
    ("座机0537-2345678", "座机<LANDLINE>"),
    ("(021)62345678有人接", "<LANDLINE>有人接"),
    ("店里电话０１０－８２３４５６７８", "店里电话<LANDLINE>"),
    ("（0531）88886666转分机", "（0531）88886666转分机".replace("（0531）88886666", "<LANDLINE>")),
    ("总机010-62345678-123", "总机<LANDLINE>"),
    # ID numbers (check digit verified, X allowed, lower-case x too)
    ("身份证号11010519491231002X", "身份证号<IDCARD>"),
    ("身份证号11010519491231002x。", "身份证号<IDCARD>。"),
    ("证件440304199003074510，男", "证件<IDCARD>，男"),
    ("ID 370882198511201233", "ID <IDCARD>"),
    ("身份证：１１０１０５１９４９１２３１００２Ｘ", "身份证：<IDCARD>"),
    ("身份证号码370882851120123", "身份证号码<IDCARD>"),
    # plates, with separators and new-energy formats
    ("车牌鲁H12345的白色轿车", "车牌<PLATE>的白色轿车"),
    ("京A·88888挡住了门口", "<PLATE>挡住了门口"),
    ("沪B 1A2B3", "<PLATE>"),
    ("新能源车粤BD12345", "新能源车<PLATE>"),
    ("大货车川A12345F", "大货车<PLATE>"),
    ("浙a12345停在路口", "<PLATE>停在路口"),
    ("鲁H1234挂拖车", "鲁H1234挂拖车"),  # only 4 characters after the letter: not a plate
    ("苏E12345挂", "<PLATE>"),
    # bank cards (Luhn-verified), plain or grouped by four
    ("卡号6217001234567893被盗刷", "卡号<BANKCARD>被盗刷"),
    ("转到6222 0212 3456 7890 128", "转到<BANKCARD>"),
    ("卡号6228480012345678903", "卡号<BANKCARD>"),
    ("visa 4581-2345-6789-0128", "visa <BANKCARD>"),
    # spellings that dodge a plain-digit matcher: normalised before matching
    ("电话一三八零零一三八零零零", "电话<MOBILE>"),
    ("电话幺三八零零幺三八零零零快来", "电话<MOBILE>快来"),
    ("回拨一三八 零零一三 八零零零", "回拨<MOBILE>"),
    ("电话1 3 8 0 0 1 3 8 0 0 0", "电话<MOBILE>"),
    ("电话138.0013.8000", "电话<MOBILE>"),
    ("电话138—0013—8000", "电话<MOBILE>"),
    ("电话138——0013——8000", "电话<MOBILE>"),
    ("电话138\u200b0013\u200b8000", "电话<MOBILE>"),
    ("电话1380013\ufeff8000", "电话<MOBILE>"),
    ("电话138 00138000", "电话<MOBILE>"),
    ("电话13 80 01 38 00 0", "电话<MOBILE>"),
    ("电话①③⑧⓪⓪①③⑧⓪⓪⓪", "电话<MOBILE>"),
    ("电话❶❸❽⓿⓿❶❸❽⓿⓿⓿", "电话<MOBILE>"),
    ("电话𝟏𝟑𝟖𝟎𝟎𝟏𝟑𝟖𝟎𝟎𝟎", "电话<MOBILE>"),
    ("电话١٣٨٠٠١٣٨٠٠٠", "电话<MOBILE>"),
    ("电话۱۳۸۰۰۱۳۸۰۰۰", "电话<MOBILE>"),
    ("电话13800138000 5000元", "电话<MOBILE> 5000元"),
    ("008613912345678", "<MOBILE>"),
    ("0086 13912345678", "<MOBILE>"),
    ("身份证440304 19900307 4510", "身份证<IDCARD>"),
    ("身份证440304-19900307-4510", "身份证<IDCARD>"),
    ("身份证110105 19491231 002X", "身份证<IDCARD>"),
    ("身份证四四〇三〇四一九九〇〇三〇七四五一〇", "身份证<IDCARD>"),
    ("车牌苏E-88888", "车牌<PLATE>"),
    ("車牌雲J·34567", "車牌<PLATE>"),
    ("粵B12345的车", "<PLATE>的车"),
    ("车牌苏 E88888", "车牌<PLATE>"),
    ("卡号6217.0012.3456.7893", "卡号<BANKCARD>"),
    ("卡号6217·0012·3456·7893", "卡号<BANKCARD>"),
    ("卡号６２１７．００１２．３４５６．７８９３", "卡号<BANKCARD>"),
    # several kinds in one text
    (
        "报警人王某(13800138000)称车辆鲁H12345被划，身份证440304199003074510",
        "报警人王某(<MOBILE>)称车辆<PLATE>被划，身份证<IDCARD>",
    ),
]

STAYS = [
    "被骗了5000元",
    "晚上23:40左右听到吵闹",
    "2025年3月5日下午",
    "5号楼2单元301室漏水",
    "身份证110105194912310021",  # 18 digits, wrong check digit
    "卡号6222021234567891",  # 16 digits failing Luhn
    "订单号6217001234567893未发货",  # Luhn-valid but announced as an order number
    "快递单号SF1234567890123",
    "订单号202503051234",
    "拨打110报警",
    "120已经到了",
    "119消防",
    "建议打12345热线",
    "转账13800元",
    "13800138000123",  # 14 digits: not a mobile number
    "工号12345678",
    "京东APP上买的",
    "在KTV888包厢",
    "温度36.5度",
    "三个人一九年来过",  # Chinese numerals in words are not digits
    "一二三四五六七八九",
    "2025-03-05 13:40",
    "5号楼 3单元 1801室",
    "金额1000 2000 3000元",
    "",
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_mask_replaces_personal_data_with_typed_placeholder(text: str, expected: str) -> None:
    assert mask_pii(text) == expected


@pytest.mark.parametrize("text", STAYS)
def test_mask_keeps_what_is_not_personal_data(text: str) -> None:
    assert mask_pii(text) == text
    assert find_pii(text) == []


@pytest.mark.parametrize(("text", "_expected"), MASKED)
def test_masking_is_idempotent(text: str, _expected: str) -> None:
    once = mask_pii(text)
    assert mask_pii(once) == once


@pytest.mark.parametrize(
    "number", ["１３８００１３８０００", "138\u200b0013\u200b8000", "一三八零零一三八零零零"]
)
def test_spans_index_the_original_text_whatever_the_spelling(number: str) -> None:
    # Full-width digits fold one-to-one; zero-width characters are dropped from the view
    # the matchers read, so offsets have to be mapped back.
    text = f"车主\u200b电话{number}，车辆京A12345"
    spans = find_pii(text)
    assert [s.kind for s in spans] == ["mobile", "plate"]
    assert text[spans[0].start : spans[0].end] == number
    assert text[spans[1].start : spans[1].end] == "京A12345"


def test_spans_never_overlap_and_are_sorted() -> None:
    text = "卡6217001234567893身份证440304199003074510手机13800138000座机0537-2345678"
    spans = find_pii(text)
    assert [s.kind for s in spans] == ["bankcard", "idcard", "mobile", "landline"]
    for a, b in zip(spans, spans[1:], strict=False):
        assert a.end <= b.start


def test_checksums_accept_valid_and_reject_altered_numbers() -> None:
    assert id_check_ok("11010519491231002X")
    assert not id_check_ok("110105194912310021")
    assert luhn_ok("6217001234567893")
    assert not luhn_ok("6217001234567894")


def test_non_string_input_masks_to_empty() -> None:
    assert mask_pii(None) == ""  # type: ignore[arg-type]
    assert mask_pii(float("nan")) == ""  # type: ignore[arg-type]


def test_every_kind_has_a_placeholder_without_digits() -> None:
    for placeholder in PLACEHOLDERS.values():
        assert not any(ch.isdigit() for ch in placeholder)


def test_long_runs_of_grouped_numbers_are_read_in_bounded_time() -> None:
    # A list of 5,000 short numbers is one "run"; only sequences up to 19 digits are tried.
    text = "记录" + " ".join(["12"] * 5_000)
    assert mask_pii(text).startswith("记录")


# J + 18 digits whose digits pass the ID check (about one incident number in eleven).
ID_SHAPED_INCIDENT = "J320105202612010013"


@pytest.mark.parametrize(
    "value",
    [ID_SHAPED_INCIDENT, "JQ320105202612010013", " J320105202612010013", "J3201052026120100017"],
)
def test_incident_no_field_keeps_a_digit_run_glued_to_a_letter_prefix(value: str) -> None:
    # Given an incident number whose digits look like an ID number, in the incident_no field
    # Then it is kept as typed
    assert mask_incident_no(value) == value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("320105202612010013", "<IDCARD>"),  # no letter prefix: an ID number
        ("13800138000", "<MOBILE>"),
        ("J-320105202612010013", "J-<IDCARD>"),  # not glued to the prefix
        ("J3201052026/13800138000", "J3201052026/<MOBILE>"),  # what follows the run
    ],
)
def test_incident_no_field_still_masks_what_is_not_the_glued_run(
    value: str, expected: str
) -> None:
    assert mask_incident_no(value) == expected


def test_id_shaped_incident_numbers_in_free_text_are_still_masked() -> None:
    # Given the same number in a call description (safety first outside the field)
    # Then it is masked as an ID number, as before
    assert mask_pii(f"警情编号{ID_SHAPED_INCIDENT}，报警人称") == "警情编号J<IDCARD>，报警人称"
    assert mask_incident_no(None) == ""  # type: ignore[arg-type]
