"""Cue features: the handful of things a call taker listens for before anything else.

N-grams learn which words go with which category, but they learn them one spelling at a
time. Cues pool whole word families into one signal (any weapon, any injury, any sign that
it is still going on), which generalises to phrasings the training data never had, and they
handle negation that n-grams cannot ("没受伤" contains "受伤"). They also drive the
monotone urgency guard: a call that names a weapon or a suicide attempt is never scored as
calm.

Texts are expected normalised (:func:`features.text.normalize`): simplified script, Arabic
digits, lower-case Latin.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

# Negated mentions are cut out before the positive cues are looked for, so "没有人受伤"
# does not count as an injury and "钱没丢" not as a loss.
_NEGATED_INJURY = re.compile(
    r"(?:没|没有|未|无|不)(?:人|有人|什么)?(?:受伤|受什么伤|伤到|伤着|流血|出血|大碍|事儿?)"
    r"|(?:伤|血)(?:倒是)?(?:没有|没|倒没)"
)
_NEGATED_LOSS = re.compile(
    r"(?:没|没有|未|无)(?:丢|被偷|被骗|损失|转账|转钱|给钱|汇款|上当|拿走)"
    r"|(?:钱|东西|财物)(?:倒是|都|也)?(?:没|没有)(?:丢|少|损失|被骗|转)"
)

_CUE_PATTERNS: dict[str, str] = {
    "weapon": r"刀|匕首|枪|棍子|木棍|铁棍|棒球棍|钢管|铁管|斧|砍|捅|刺伤|砖头|酒瓶|凶器|持械|弹弓|锤子|铁锹",
    "injury": r"受伤|伤口|打伤|骨折|昏迷|不省人事|晕倒|头破|肿了|淤青|伤得|重伤|轻伤|挂彩",
    "blood": r"流血|出血|血流|满脸血|一身血|全是血|血迹|见血",
    "ongoing": r"还在|正在|仍在|一直在|没走|快来|赶紧来|马上来|快点来|现在还|持续|越来越",
    "violence": r"在打|打人|打我|打他|打她|被打|打架|殴打|动手|打起来|互殴|推搡|掐|踢|扇耳光|揍|围殴|暴力",
    "threat": r"威胁|恐吓|扬言|要杀|弄死|杀了|报复|绑架|劫持|挟持",
    "child": r"小孩|孩子|儿童|婴儿|宝宝|小朋友|幼儿|学生|女儿|儿子|小男孩|小女孩",
    "elderly": r"老人|老太太|老大爷|老奶奶|老爷子|大爷|大妈|奶奶|爷爷|老头|老伴|阿尔茨海默|老年痴呆",
    "self_harm": r"自杀|轻生|跳楼|跳河|跳桥|割腕|上吊|寻死|不想活|安眠药|喝农药|喝药|烧炭|想不开",
    "family": r"老公|老婆|丈夫|妻子|媳妇|父亲|母亲|爸爸|妈妈|婆婆|公公|岳母|前夫|前妻|家暴|家里人|兄弟|姐妹",
    "neighbour": r"邻居|楼上|楼下|对门|隔壁|邻里|同楼",
    "shop": r"店|商家|老板娘|饭馆|餐馆|超市|商场|顾客|退款|退货|买的|消费|司机|乘客|外卖|快递",
    "landlord": r"房东|租客|房租|押金|租房|退租|中介",
    "boss": r"工资|欠薪|包工头|工钱|讨薪|劳务费|老板不给|拖欠",
    "money": r"\d+(?:\.\d+)?(?:多|余)?(?:元|块|万)|钱|转账|汇款|付款|银行卡|支付宝|微信转",
    "loss": r"被偷|被盗|偷走|被抢|抢走|被骗|骗走|骗了|丢了|不见了|转走|被扒",
    "fraud": r"诈骗|骗子|刷单|冒充|公检法|安全账户|验证码|网贷|投资平台|中奖",
    "fire": r"着火|起火|火灾|冒烟|烧起来|失火|浓烟",
    "trapped": r"被困|困在|出不来|锁在|反锁|卡住|电梯",
    "drunk": r"喝醉|醉酒|喝多|酒后|醉汉|醉倒|耍酒疯",
    "missing": r"走失|走丢|找不到|不见了|失踪|联系不上|没回家",
    "noise": r"噪音|吵闹|太吵|音响|广场舞|唱歌|装修|大声",
    "utility": r"停水|停电|断网|燃气|煤气|暖气|水管|电路|路灯|井盖",
    "admin": r"身份证|户口|签证|办证|补办|居住证|咨询一下|请问",
}
_CUES = {name: re.compile(pat) for name, pat in _CUE_PATTERNS.items()}
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)(?:多|余)?(?:元|块)")

CUE_NAMES: tuple[str, ...] = (
    *_CUE_PATTERNS,
    "neg_injury",
    "neg_loss",
    "amount_log",
    "amount_large",
)


def cue_vector(text: str) -> list[float]:
    """Cue values for one normalised text, in :data:`CUE_NAMES` order.

    Binary cues are 0/1; ``amount_log`` is log10(1 + largest amount in yuan) / 6 (so
    1,000,000 yuan ≈ 1); ``amount_large`` flags ≥ 5,000 yuan, where theft and fraud become
    serious cases.
    """
    neg_injury = _NEGATED_INJURY.search(text) is not None
    neg_loss = _NEGATED_LOSS.search(text) is not None
    plain = text
    if neg_injury:
        plain = _NEGATED_INJURY.sub("", plain)
    if neg_loss:
        plain = _NEGATED_LOSS.sub("", plain)
    values = [1.0 if rx.search(plain) else 0.0 for rx in _CUES.values()]
    largest = 0.0
    for match in _AMOUNT.finditer(text):
        try:
            largest = max(largest, float(match.group(1)))
        except ValueError:
            continue
    values.append(1.0 if neg_injury else 0.0)
    values.append(1.0 if neg_loss else 0.0)
    values.append(min(math.log10(1.0 + largest) / 6.0, 1.5))
    values.append(1.0 if largest >= 5000 else 0.0)
    return values


def cue_spans(text: str, only: Iterable[int] | None = None) -> list[tuple[int, int, int]]:
    """Where each cue of :func:`cue_vector` (or each of ``only``, by index) is in ``text``:
    ``(cue index, start, end)`` per match (a cue in a negated phrase is not there; the
    amount cues sit on the amounts)."""
    wanted = range(len(CUE_NAMES)) if only is None else sorted(set(only))
    negated = [m.span() for rx in (_NEGATED_INJURY, _NEGATED_LOSS) for m in rx.finditer(text)]
    patterns = list(_CUES.values())
    k = len(patterns)
    out: list[tuple[int, int, int]] = []
    for cue in wanted:
        if cue < k:
            out += [
                (cue, *m.span())
                for m in patterns[cue].finditer(text)
                if not any(a < m.end() and m.start() < b for a, b in negated)
            ]
        elif cue < k + 2:
            rx = _NEGATED_INJURY if cue == k else _NEGATED_LOSS
            out += [(cue, *m.span()) for m in rx.finditer(text)]
        else:
            out += [(cue, *m.span()) for m in _AMOUNT.finditer(text)]
    return out


# The literal alternatives of every cue and the few regular-expression ones, for the batch
# scan (``features.cue_batch``).
_META = re.compile(r"[\\.^$*+?{}\[\]()|]")


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regex (``|`` outside groups and classes)."""
    parts, depth, start, escaped, in_class = [], 0, 0, False, False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    return [*parts, pattern[start:]]


def cue_table(texts: Iterable[str]):
    """Cues of many normalised texts as a DataFrame (one column per cue) — for people."""
    import pandas as pd

    return pd.DataFrame([cue_vector(t) for t in texts], columns=list(CUE_NAMES))


def cue_matrix(texts: Iterable[str]) -> np.ndarray:
    """Cues of many normalised texts as a dense float array (rows × :data:`CUE_NAMES`)."""
    texts = list(texts)
    if len(texts) > 1 and "\x00".join(texts).count("\x00") == len(texts) - 1:
        from features.cue_batch import batch_cues

        return batch_cues(texts)
    rows = [cue_vector(t) for t in texts]
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(CUE_NAMES))


def urgent_guard(texts: Iterable[str]) -> np.ndarray:
    """True where the words alone make a call urgent whatever a model thinks.

    A weapon in an active threat or fight, a suicide attempt, a fire with someone trapped,
    or an injury with blood while it is still going on. Monotone by construction: it can
    only raise urgency, so it trades a little precision for recall on the error that
    matters most.
    """
    return guard_from_cues(cue_matrix(texts))


def guard_from_cues(cues: np.ndarray) -> np.ndarray:
    """:func:`urgent_guard` on an already computed cue matrix (any positive scale)."""
    cues = np.asarray(cues)
    col = {name: i for i, name in enumerate(CUE_NAMES)}

    def on(name: str) -> np.ndarray:
        return cues[:, col[name]] > 0

    active = on("threat") | on("violence") | on("ongoing")
    return (
        (on("weapon") & active)
        | on("self_harm")
        | (on("fire") & on("trapped"))
        | (on("blood") & on("ongoing"))
    )


class CueFeatures(TransformerMixin, BaseEstimator):
    """Cue values as a sparse block for a ``FeatureUnion``.

    Args:
        weight: multiplies every cue so that, next to thousands of tf-idf columns with
            L2-normalised rows, the few cue columns are not regularised away.
    """

    def __init__(self, weight: float = 1.0) -> None:
        self.weight = weight

    def fit(self, X, y=None):  # noqa: N803 - scikit-learn's signature
        self.n_features_in_ = 1
        return self

    def transform(self, X) -> sp.csr_matrix:  # noqa: N803
        return sp.csr_matrix(cue_matrix(X) * self.weight)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray(CUE_NAMES, dtype=object)
