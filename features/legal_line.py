"""Legal-line features: the qualifier that puts a call on one side of the line the law draws.

``docs/TAXONOMY.md`` decides hard cases by what happened, following the line between a
public-order offence (治安管理处罚法) and a crime (刑法): a beating with at most minor
injuries, damage or a theft under about 5,000 yuan, a threat without a weapon or a money
demand, and a short confinement are ``public_order``; real wounds, larger amounts, an armed
or extorting threat and captivity for hours or days are ``criminal``. An n-gram model sees
the event word (打, 砸, 威胁, 关) and the qualifier (不需要120, 约500元, 没拿刀, 20分钟) as
unrelated columns; these features are the event crossed with its qualifier, so one weight
can say "a beating, minor injury".

Every value is 0/1. Texts are expected normalised (:func:`features.text.normalize`: most
Chinese numerals are already Arabic digits). :func:`legal_matrix` scans a whole batch as
one string (texts joined by NUL, which no pattern matches); :func:`legal_vector` is the
same function on one text, so the single-text and batch paths give the same values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp

from features.cues import CueFeatures

_SEP = "\x00"

# Word families, each a plain alternation (no pattern crosses the separator).
_FAMILIES: dict[str, str] = {
    "violence": r"打人|打我|打他|打她|被打|打了|打架|殴打|动手|打起来|互殴|推搡|掐|踢|扇|揍|围殴|暴力|家暴",
    "minor_injury": (
        r"不需要120|不用120|不要120|无需120|不需要就医|不用去医院|不需要去医院|没去医院"
        r"|轻微伤|轻微|皮外伤|擦伤|擦破|抓伤|挠伤|划伤|红肿|红印|淤青|青了|肿了|破了点皮"
        r"|嘴角出血|鼻子出血|流鼻血|没有伤口|没伤口|无明显伤|没什么大碍|无大碍"
    ),
    "serious_injury": (
        r"需(?<!不需)(?<!无需)要120|叫了120|打了120|叫120|送医|送往医院|送到医院|住院"
        r"|缝针|缝了|骨折|昏迷|不省人事|重伤|刀伤|捅伤|砍伤|刺伤|捅了|砍了|大量出血|血流不止"
        r"|流了很多血|满脸血|一身血|头破血流|伤口很深|抢救|轻伤"
    ),
    "damage": (
        r"砸|踢坏|扎破|扎了|刮花|划花|划了|损坏|损毁|破坏|弄坏|撬坏|打碎|砸碎|玻璃|车窗|轮胎|后视镜"
        r"|维修|修车|修理"
    ),
    "theft": r"偷|盗|被扒|顺走|拿走|被抢|抢走|被骗|骗走|骗了|诈骗",
    "threat": r"威胁|恐吓|扬言|要杀|弄死|杀了|报复|辱骂|骚扰|吓唬",
    "weapon": r"刀|匕首|枪|棍|钢管|铁管|斧|砖头|酒瓶|凶器|持械|锤子",
    "unarmed": r"没有?拿刀|没有?带刀|没有?拿东西|没有?凶器|没有?拿武器|没有?拿家伙|手里没",
    "money_demand": r"勒索|敲诈|要钱|给钱|拿钱|赔钱|转账|不给钱|交钱",
    "confine": r"关在|关了|锁在|锁了|扣在|扣留|扣押|拘禁|囚禁|不让走|不让离开|不让出|限制自由|困在",
    # A literal first (a pattern opening with a digit class or a look-behind is scanned
    # character by character, several times slower), the digit looked behind.
    "short_time": r"分(?<=[0-9]分)钟|半小时|半个小时|一会|几分钟|十几分钟|一刻钟|片刻",
    "long_time": (
        r"小(?<=[0-9]小)时|小(?<=[0-9]个小)时|几个小时|天(?<=[0-9]天)|几天|好几天|三天|两天"
        r"|一夜|一晚|一整天|整夜|一宿"
    ),
}
_RX = {name: re.compile(pattern) for name, pattern in _FAMILIES.items()}

# Amounts: Arabic ones (元/块/万, 1.2万 is 12,000) and the Chinese spellings normalisation
# leaves (一万五, 几百块, 上万).
_ARABIC = re.compile(r"([0-9]+(?:\.[0-9]+)?)(万)?(?:多|余)?(?:元|块|万)")
_UNIT = re.compile(r"元|块|万")  # texts without one hold no amount
_CN_AMOUNT = re.compile(r"([零一二两三四五六七八九十百千万]+)(?:多|余)?(?:元|块|万)")
_VAGUE_SMALL = re.compile(r"几十|几百|一百多|几千块|几千元|两三百|三五百")
_VAGUE_LARGE = re.compile(r"上万|几万|好几万|数万|十几万|几十万|上百万")
_CN_DIGIT = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_CN_DIGIT |= {"八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
LARGE_YUAN = 5000.0  # the taxonomy's line between minor and serious damage or theft

LEGAL_NAMES: tuple[str, ...] = (
    "violence_minor_injury",
    "violence_serious_injury",
    "damage_small_amount",
    "damage_large_amount",
    "theft_small_amount",
    "theft_large_amount",
    "threat_plain",
    "threat_armed",
    "threat_money",
    "confine_short",
    "confine_long",
)


def chinese_number(text: str) -> float | None:
    """The value of a Chinese numeral (一万五 → 15000, 三千二百 → 3200, 十二 → 12), or None."""
    total, section, digit, last_unit = 0.0, 0.0, None, 1
    for ch in text:
        if ch in _CN_DIGIT:
            digit = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            section += (1 if digit is None else digit) * _CN_UNIT[ch]
            digit, last_unit = None, _CN_UNIT[ch]
        elif ch == "万":
            total = (total + section + (digit or 0)) * 10_000
            section, digit, last_unit = 0.0, None, 10_000
        else:
            return None
    if digit is not None:  # a trailing digit counts one unit below the last (一万五, 三千二)
        section += digit * (last_unit // 10 if last_unit >= 10 else 1)
    value = total + section
    return value if value > 0 else None


def _amounts(piece: str) -> list[float]:
    values = []
    for m in _ARABIC.finditer(piece):
        value = float(m.group(1))
        values.append(value * 10_000 if m.group(2) else value)
    for m in _CN_AMOUNT.finditer(piece):
        digits = m.group(1)
        tail = m.group(0)[len(digits) :]
        value = chinese_number(digits + ("万" if tail.endswith("万") else ""))
        if value is not None:
            values.append(value)
    return values


def _docs(pattern: re.Pattern[str], joined: str, seps: np.ndarray, n: int) -> np.ndarray:
    """0/1 per text: whether ``pattern`` matches in it (one scan of the joined batch)."""
    found = np.zeros(n, dtype=bool)
    starts = [m.start() for m in pattern.finditer(joined)]
    if starts:
        found[np.searchsorted(seps, np.asarray(starts), side="right")] = True
    return found


def legal_matrix(texts: Iterable[str]) -> np.ndarray:
    """Legal-line values of many normalised texts (rows × :data:`LEGAL_NAMES`, 0/1)."""
    texts = [t.replace(_SEP, " ") for t in texts]
    n = len(texts)
    joined = _SEP.join(texts)
    points = np.frombuffer(joined.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)
    seps = np.flatnonzero(points == 0)
    on = {name: _docs(rx, joined, seps, n) for name, rx in _RX.items()}
    small = _docs(_VAGUE_SMALL, joined, seps, n)
    large = _docs(_VAGUE_LARGE, joined, seps, n)
    for d in np.flatnonzero(_docs(_UNIT, joined, seps, n)).tolist():
        values = _amounts(texts[d])
        if values:
            big = max(values) >= LARGE_YUAN
            large[d] |= big
            small[d] |= not big
    small &= ~large
    hurt = on["violence"]
    serious = on["serious_injury"]
    armed = on["weapon"] & ~on["unarmed"]
    threat = on["threat"]
    confine = on["confine"]
    out = np.column_stack(
        [
            hurt & on["minor_injury"] & ~serious,
            hurt & serious,
            on["damage"] & small,
            on["damage"] & large,
            on["theft"] & small,
            on["theft"] & large,
            threat & ~armed & ~on["money_demand"],
            threat & armed,
            threat & on["money_demand"],
            confine & on["short_time"] & ~on["long_time"],
            confine & on["long_time"],
        ]
    )
    return out.astype(np.float64).reshape(n, len(LEGAL_NAMES))


def legal_vector(text: str) -> list[float]:
    """:func:`legal_matrix` of one text, in :data:`LEGAL_NAMES` order."""
    return legal_matrix([text])[0].tolist()


class LegalLineFeatures(CueFeatures):
    """Legal-line values as a sparse block for a ``FeatureUnion`` (``weight`` as the cue
    block's: it keeps the few columns from being regularised away beside tf-idf)."""

    def transform(self, X) -> sp.csr_matrix:  # noqa: N803
        return sp.csr_matrix(legal_matrix(X) * self.weight)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray(LEGAL_NAMES, dtype=object)
