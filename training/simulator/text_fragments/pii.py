"""Fake personal data that looks real to a masker: mobiles, landlines, IDs, plates, cards.

Every generator takes ``nx`` (a callable returning floats in [0, 1)) so it stays on the
caller's random stream. ID numbers carry a valid ISO 7064 MOD 11-2 check digit and bank
cards pass the Luhn check, so a masker that validates them still has to catch them.
"""

from __future__ import annotations

from collections.abc import Callable

from training.simulator.text_fragments.common import words

Nx = Callable[[], float]

MOBILE_PREFIXES = words(
    "130 131 132 133 134 135 136 137 138 139 145 147 150 151 152 153 155 156 157 158 159 "
    "162 165 166 167 170 171 172 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 "
    "190 191 192 193 195 196 197 198 199"
)
AREA_CODES = words(
    "010 020 021 022 023 024 025 027 028 029 0871 0879 0872 0851 0731 0771 0591 0532 0755 "
    "0769 0571 0574 0351 0311 0431 0451 0471 0931 0991 0898"
)
ID_AREAS = words(
    "110101 110105 120101 310104 310115 320102 330106 340104 350203 360102 370102 410105 "
    "420106 430104 440106 440305 450103 460106 500103 510107 520102 530102 530802 530823 "
    "530828 532501 610113 620102 630104 640104 650102 210102 220102 230103 130102 140105"
)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
PLATE_CHARS = "0123456789" * 3 + "ABCDEFGHJKLMNPQRSTUVWXYZ"
CARD_PREFIXES = (
    "622202",
    "621700",
    "622848",
    "436742",
    "621226",
    "622588",
    "625965",
    "621483",
    "622700",
    "623668",
    "622155",
    "628288",
    "601382",
    "622609",
)


def _d(nx: Nx, n: int) -> str:
    return "".join(str(int(nx() * 10)) for _ in range(n))


def fake_mobile(nx: Nx) -> str:
    p = MOBILE_PREFIXES[int(nx() * len(MOBILE_PREFIXES))]
    a, b = _d(nx, 4), _d(nx, 4)
    u = nx()
    if u < 0.7:
        return p + a + b
    if u < 0.85:
        return f"{p}-{a}-{b}"
    return f"{p} {a} {b}"


def fake_landline(nx: Nx) -> str:
    code = AREA_CODES[int(nx() * len(AREA_CODES))]
    local = str(2 + int(nx() * 7)) + _d(nx, 7 if len(code) == 3 else 6 + (nx() < 0.5))
    u = nx()
    if u < 0.6:
        return f"{code}-{local}"
    if u < 0.85:
        return f"({code}){local}"
    return code + local


def id_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of a PRC resident ID number."""
    s = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[s % 11]


def fake_id_number(nx: Nx) -> str:
    area = ID_AREAS[int(nx() * len(ID_AREAS))]
    year = 1940 + int(nx() * 66)
    month = 1 + int(nx() * 12)
    day = 1 + int(nx() * 28)
    body = f"{area}{year}{month:02d}{day:02d}{_d(nx, 3)}"
    return body + id_check_digit(body)


def fake_plate(nx: Nx) -> str:
    prov = PROVINCES[int(nx() * len(PROVINCES))]
    letter = PLATE_LETTERS[int(nx() * len(PLATE_LETTERS))]
    u = nx()
    if u < 0.2:
        tail = ("D" if nx() < 0.7 else "F") + _d(nx, 5)
    else:
        tail = "".join(PLATE_CHARS[int(nx() * len(PLATE_CHARS))] for _ in range(5))
    sep = "·" if nx() < 0.25 else ""
    return f"{prov}{letter}{sep}{tail}"


def luhn_check_digit(partial: str) -> str:
    """Digit that makes ``partial + digit`` pass the Luhn check."""
    total = 0
    for i, c in enumerate(reversed(partial)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(number: str) -> bool:
    digits = [c for c in number if c.isdigit()]
    return len(digits) > 1 and luhn_check_digit("".join(digits[:-1])) == digits[-1]


def fake_bank_card(nx: Nx) -> str:
    prefix = CARD_PREFIXES[int(nx() * len(CARD_PREFIXES))]
    length = (16, 16, 19, 19, 17)[int(nx() * 5)]  # 18 digits would look like an ID
    partial = prefix + _d(nx, length - len(prefix) - 1)
    number = partial + luhn_check_digit(partial)
    if nx() < 0.3:
        return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    return number


# Clauses that carry personal data, per kind and voice.
_PHONE_R = [
    "报警人电话{phone}",
    "联系电话：{phone}",
    "回拨电话{phone}",
    "{nm}电话{phone}",
    "对方手机号{phone}",
    "报警人手机{phone}",
    "联系方式{phone}",
]
_PHONE_S = [
    "我电话{phone}",
    "我手机号是{phone}",
    "你打我这个电话{phone}",
    "对方电话是{phone}",
    "我号码{phone}",
    "有事打我电话{phone}",
    "他手机是{phone}",
]
_ID_R = [
    "{nm}身份证号{idno}",
    "报警人身份证号：{idno}",
    "当事人身份证号码{idno}",
    "对方身份证{idno}",
    "证件号{idno}",
]
_ID_S = ["我身份证号{idno}", "他身份证号码是{idno}", "我身份证是{idno}", "身份证号码{idno}"]
_PLATE_R = [
    "车牌号{plate}",
    "涉事车辆{plate}",
    "车牌{plate}",
    "对方车辆号牌{plate}",
    "车辆号牌为{plate}",
]
_PLATE_S = ["车牌是{plate}", "车牌号{plate}", "那个车{plate}", "车牌号码是{plate}"]
_CARD_R = ["涉案银行卡号{card}", "转入账户{card}", "报警人银行卡{card}", "对方收款卡号{card}"]
_CARD_S = ["我卡号是{card}", "转到这个卡{card}", "卡号{card}", "他给的卡号是{card}"]
_LAND_R = ["座机{landline}", "单位电话{landline}", "联系电话{landline}"]
_LAND_S = ["我们座机是{landline}", "你打这个座机{landline}", "店里电话{landline}"]

PII_CLAUSES: dict[str, dict[str, list[str]]] = {
    "phone": {"record": _PHONE_R, "note": _PHONE_R, "speech": _PHONE_S},
    "idno": {"record": _ID_R, "note": _ID_R, "speech": _ID_S},
    "plate": {"record": _PLATE_R, "note": _PLATE_R, "speech": _PLATE_S},
    "card": {"record": _CARD_R, "note": _CARD_R, "speech": _CARD_S},
    "landline": {"record": _LAND_R, "note": _LAND_R, "speech": _LAND_S},
}
