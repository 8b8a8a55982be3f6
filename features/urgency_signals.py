"""What makes a call urgent, read from its words: the signals of the urgency layer.

A call taker decides urgency from a few things, whatever the incident: is it still going on
(正在, 还在) or over (昨天, 已经走了), is there a weapon, how badly is someone hurt and are
they already being treated, is a child, an old or a helpless person involved, is someone
trapped, held, missing or about to harm themselves. The urgency head learns words from
simulated calls; these signals name the same things in word families, so they carry over
to phrasings the simulator never wrote. :class:`UrgencyLayer` combines them with the
head's score in a small logistic regression fitted on labelled calls the simulator did not
write (``training.triage.urgency``), and its output is the urgency score the tiers cut.

Texts are the prepared texts (``features.textprep``): simplified script, Arabic digits,
ASCII punctuation, lower-case Latin. A batch is scanned as one NUL-joined string, one
regular expression per signal, so the cost per text stays a few microseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

__all__ = [
    "DANGER",
    "INTERACTIONS",
    "SIGNAL_NAMES",
    "UrgencyLayer",
    "layer_inputs",
    "signal_matrix",
]

_CHILD = r"(?:[1-9]|1[0-2])岁(?:的|大的)?(?:孩子|小孩|儿子|女儿|男孩|女孩|宝宝|娃)?"
_SIGNALS: dict[str, str] = {
    # Going on now, or just now.
    "ongoing": r"正在|还在|仍在|一直在|现在还|现还|现仍|还没走|没有走|没走|不肯走|持续|越来越|已经\d+分钟了",
    "just_now": r"刚刚|刚才|刚被|刚跑|刚离开|刚走|刚发生|刚从|就在刚",
    "help_now": r"救命|快来|速到|赶紧来|马上来|快点来|快过来|求求|尽快到|立即到|赶快",
    # Over, past, or already in hand.
    "past": r"昨天|前天|昨晚|昨夜|前晚|上周|上个月|前几天|几天前|去年|上次|之前|当时|事后|早前|多次",
    "gone": r"已离开|已经离开|已经走了|已走|已跑|已经跑了|已逃|已驾车离开|已分开|已被拉开|被拉开|已散|已经散了|已脱离|已撤出|已全部撤出|已救出|已被救|已控制|被控制|已被抓|已出来|现已出来|已回家|已到家|已找到|找到了",
    "treated": r"已送医|已送往|送到医院|送医院|送县医院|在医院|卫生院|已包扎|已止住|止住了|已清醒|醒过来了|已经醒|不需要120|不用120|不要120|不去医院|自行就医|已自行",
    "no_harm": r"无人员?受伤|没有?人?受伤|未受伤|没伤|无人被困|没有人被困|无人员被困|人没事|人都没事|没有危险|无生命危险|没有受到伤害|无大碍|没什么事",
    "minor_injury": r"轻微伤|轻伤|擦伤|红肿|红印|淤青|皮外伤|划伤|破皮|肿了",
    "report_only": r"要求立案|报案|备案|咨询|要求调取|调监控|查监控|要求处理|要求民警来劝|要求民警来管|要求赔偿|投诉",
    # Danger.
    "weapon": r"刀|枪|匕首|斧|钢管|铁棍|木棍|棍子|棒球棍|砍|捅|酒瓶|砖头|凶器|持械|铁锹|锤子|硫酸|汽油",
    "violence": r"在打|打人|被打|被人打|挨打|打伤|打我|打她|打他|殴打|围殴|互殴|斗殴|打架|打起来|扭打|砸|踢|掐|扔石头|追打|追砍|拿刀追|动手",
    "severe": r"昏迷|不省人事|倒地不起|倒地不动|叫不醒|叫不应|没有?反应|没有?了?呼吸|没有?心跳|心肺复苏|人工呼吸|不能呼吸|喘不上气|呼吸困难|抽搐|口吐白沫|休克|满脸是血|满身是血|一身血|全是血|出血很多|大量出血|流了很多血|血流不止|流血不止|伤口很深|伤口很长|见骨|说不出话|发紫|胸口剧痛|剧痛|不行了|快不行|心脏病|脑梗|中风|临产|羊水破|大出血|烧伤|骨头露",
    "bleeding": r"流血|出血|血迹|见血|有血",
    "vulnerable": _CHILD
    + r"|婴儿|幼儿|宝宝|小孩|孩子|儿童|女童|男童|孕妇|临产|瘫痪|坐轮椅|独居|老人|智力障碍|精神病|残疾",
    "trapped": r"被困|困在|被卡|卡住|出不来|被埋|没出来|掉进|掉到|落水|溺水|被压|冲走|被冲|锁在车|锁在屋|反锁|坠井",
    "fall": r"坠落|坠楼|从楼上|楼上掉|掉下来|摔下来|跌落|滚下",
    "alone": r"独自|一个人在家|独居|周围没有人|周围没人|无人看管|没人管|屋里只有",
    "crowd": r"[1-9]\d+人|几十人|几十个人|上百人|多人受伤|多名.{0,6}受伤|有人受伤|互相扔|械斗|群殴",
    "animal": r"狗|猫|鸡|鸭|鸽子|牛|羊|猪|宠物|蛇",
    "no_weapon": r"没有?拿刀|没有?带刀|没有?刀|没有?凶器|未持|空手",
    "held": r"挟持|劫持|绑架|绑在|被绑|捆绑|关在|扣在|扣押|锁起来|不让走|不让离开|不放人|不准报警|在他们手上|在我们手上|才放人|撕票|赎金|非法拘禁",
    "self_harm": r"自杀|轻生|跳楼|跳河|跳桥|跳江|割腕|上吊|寻死|不想活|活不下去|遗书|安眠药|喝药|喝农药|吃了很多药|烧炭|想不开|窗外|窗户外|外沿|楼顶边|天台边|站在桥",
    "missing": r"走失|走丢|不见了|找不到|失踪|联系不上|没回家|未回家|不接电话|打电话不接|电话不接|敲门无人应|无人应答",
    "hazard": r"起火|着火|火灾|浓烟|烧起来|爆炸|漏气|燃气泄漏|煤气泄漏|气味很大|冒火花|电线.{0,4}(?:断|掉)|触电|漏电|滑坡|塌方|倒塌|垮塌|洪水|水位|冲垮|泥石流",
    "road_danger": r"醉驾|酒驾|喝了酒开车|酒后驾驶|喝醉.{0,6}开车|快车道|机动车道|车道上|马路中间|高速上|逆行|蛇形|横冲直撞",
    "intrusion": r"撬门|撬锁|在撬|撬窗|翻窗|闯进|闯入|冲进|破门|砸门|有人进屋|进了屋|躲在|往外搬|在屋里翻",
    "danger_words": r"非常危险|很危险|危险|生命危险|有危险|出人命|要出事|吓坏了|情绪激动|喊救命",
}
# Pairs that matter together more than apart (a weapon just now, a child who is missing,
# a severe injury already treated). A weapon while it is going on is the cue guard's.
INTERACTIONS: tuple[tuple[str, str], ...] = (
    ("weapon", "just_now"),
    ("violence", "ongoing"),
    ("vulnerable", "missing"),
    ("vulnerable", "trapped"),
    ("vulnerable", "hazard"),
    ("severe", "treated"),
    ("hazard", "trapped"),
    ("hazard", "no_harm"),
    ("held", "vulnerable"),
    ("intrusion", "ongoing"),
    ("past", "weapon"),
    ("vulnerable", "alone"),
    ("vulnerable", "fall"),
    ("weapon", "no_weapon"),
)
SIGNAL_NAMES: tuple[str, ...] = tuple(_SIGNALS)
# The families that name a danger (read in their clause by ``features.urgency_scope``); the
# others say when it happened, how it ended, or who is involved.
DANGER: tuple[str, ...] = (
    "weapon",
    "violence",
    "severe",
    "bleeding",
    "trapped",
    "fall",
    "held",
    "self_harm",
    "missing",
    "hazard",
    "road_danger",
    "intrusion",
)
_DANGER = frozenset(DANGER)
# A gap (``.{0,4}``) never runs over the NUL that joins the texts of a batch.
_PATTERNS = tuple(re.compile(p.replace(".{", "[^\x00]{")) for p in _SIGNALS.values())
_SEP = "\x00"


def signal_pattern(name: str) -> re.Pattern:
    """The compiled regular expression of one signal (gaps never cross a batch's NUL)."""
    return _PATTERNS[SIGNAL_NAMES.index(name)]


def signal_matrix(prepared: list[str]) -> np.ndarray:
    """0/1 of every signal (columns :data:`SIGNAL_NAMES`) for each prepared text."""
    out = np.zeros((len(prepared), len(_PATTERNS)), dtype=np.float64)
    if not prepared:
        return out
    texts = [t.replace(_SEP, " ") for t in prepared]
    joined = _SEP.join(texts)
    ends = np.cumsum([len(t) + 1 for t in texts])  # one past each text's separator
    for k, pattern in enumerate(_PATTERNS):
        starts = [m.start() for m in pattern.finditer(joined)]
        if starts:
            out[np.searchsorted(ends, starts, side="right"), k] = 1.0
    return out


def signal_spans(text: str) -> list[tuple[str, int, int]]:
    """``(signal, start, end)`` of every signal match in one prepared text."""
    return [
        (name, *m.span())
        for name, pattern in zip(SIGNAL_NAMES, _PATTERNS, strict=True)
        for m in pattern.finditer(text)
    ]


# The head's score enters as a logit clipped to [-4.6, 4.6]: a head sure of itself on
# simulated wording must not outvote every signal of a phrasing it never saw.
_HEAD_CLIP = 0.01


def layer_inputs(
    head_score: np.ndarray, prepared: list[str], guard: np.ndarray, *, scoped: bool = False
) -> np.ndarray:
    """The layer's inputs: the head's logit, the cue guard, then either the signals and
    their interactions or, when ``scoped``, the signals that do not name a danger and the
    danger families read in their clause (``features.urgency_scope``)."""
    p = np.clip(np.asarray(head_score, dtype=float), _HEAD_CLIP, 1 - _HEAD_CLIP)
    signals = signal_matrix(prepared)
    guard = np.asarray(guard, dtype=float)
    if scoped:
        from features.urgency_scope import scope_matrix

        keep = [i for i, n in enumerate(SIGNAL_NAMES) if n not in _DANGER]
        return np.column_stack(
            [np.log(p / (1 - p)), guard, signals[:, keep], scope_matrix(prepared)]
        )
    col = {n: i for i, n in enumerate(SIGNAL_NAMES)}
    pairs = [signals[:, col[a]] * signals[:, col[b]] for a, b in INTERACTIONS]
    return np.column_stack([np.log(p / (1 - p)), guard, signals, *pairs])


def input_names(*, scoped: bool = False) -> list[str]:
    """Names of the :func:`layer_inputs` columns."""
    if scoped:
        from features.urgency_scope import SCOPE_NAMES

        return [
            "head_logit",
            "guard",
            *(n for n in SIGNAL_NAMES if n not in _DANGER),
            *SCOPE_NAMES,
        ]
    return ["head_logit", "guard", *SIGNAL_NAMES, *(f"{a}_x_{b}" for a, b in INTERACTIONS)]


@dataclass
class UrgencyLayer:
    """A fitted logistic regression from :func:`layer_inputs` to P(urgent).

    Stored as plain arrays (no scikit-learn object), so a saved model needs nothing but
    numpy to apply it and its weights can be read as they are.
    """

    coef: np.ndarray
    intercept: float
    fitted_on: str = ""
    scoped: bool = False  # with the clause-scoped columns (layers saved before them: False)

    def score(self, head_score: np.ndarray, prepared: list[str], guard: np.ndarray) -> np.ndarray:
        """P(urgent) of each text from the head's score, the guard and the text's signals."""
        z = layer_inputs(head_score, prepared, guard, scoped=self.scoped) @ self.coef
        z = z + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def weights(self) -> dict[str, float]:
        """Each input's weight, by name (for the run's log)."""
        return dict(zip(input_names(scoped=self.scoped), map(float, self.coef), strict=True))

    def raising(self) -> dict[str, float]:
        """The signals that raise urgency, with their weights (for the urgency cue); a
        scoped danger column (``live_weapon``) counts for its family's words."""
        out: dict[str, float] = {}
        for k, w in self.weights().items():
            family = k.removeprefix("live_")
            if family in _SIGNALS and w > 0:
                out[family] = max(out.get(family, 0.0), w)
        return out
