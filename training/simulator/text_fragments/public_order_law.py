"""Public-order sub-types on the line the law draws (docs/TAXONOMY.md, second round):
beatings with at most minor injuries, threats without a weapon or a money demand,
obstructing officers and domestic violence reported as such without a real wound.
Clauses here never name a wound that would make the call ``criminal``.
"""

from __future__ import annotations

SLOTS: dict[str, list[str]] = {
    "minor_hurt": ["面部擦伤", "手臂淤青", "嘴角破皮", "轻微红肿", "身上有抓痕"],
    "hurt_calm": ["不需要120", "无需120", "伤情轻微", "自行处理伤口"],
}

SUBTYPES: dict[str, dict] = {
    "beaten_minor": {
        "w": 1.8,
        "hours": "night",
        "r": [
            "{who}被他人殴打，{hurt_calm}",
            "{who}被{man}打了几拳，{minor_hurt}，{hurt_calm}",
            "{who}与他人发生冲突被打，{minor_hurt}",
            "{who}被人推搡扇耳光，{hurt_calm}",
        ],
        "s": ["我被人打了，没啥大事不用救护车", "他打了我几巴掌", "我被推倒了，手擦破点皮"],
        "cr": ["现双方已分开", "对方已离开", "其余情况不清"],
        "cs": ["他已经走了", "现在分开了"],
    },
    "threat_no_weapon": {
        "w": 0.9,
        "r": [
            "{who}被人电话恐吓",
            "{who}遭{man}当面辱骂威胁",
            "{who}被前男友发信息威胁，未索要钱财",
            "{who}在网上被人辱骂威胁",
        ],
        "s": ["有人打电话骂我威胁我", "他一直发消息说要弄我", "有人在网上骂我还威胁我"],
        "cr": ["未持械", "未索要钱财", "具体情况拒讲"],
        "cs": ["他没拿东西", "没找我要钱"],
    },
    "obstructing_officers": {
        "w": 0.6,
        "r": [
            "执法人员执法时遭人阻挠",
            "{man}阻碍民警执行公务",
            "{man}拒不配合检查并推搡执法人员",
            "城管执法时被摊主围堵阻拦",
        ],
        "s": ["有人拦着不让我们执法", "他推我们执法的人", "一帮人围着城管不让走"],
        "cr": ["现场秩序混乱", "无人受伤"],
        "cs": ["没人受伤", "现在还在吵"],
    },
    "domestic_violence": {
        "w": 1.0,
        "hours": "evening",
        "r": [
            "{who}称遭丈夫家庭暴力，身上有淤青",
            "{who}被{rel}殴打，{hurt_calm}",
            "{who}遭{rel}家暴，要求处理",
        ],
        "s": ["我老公又打我了", "他在家动手打我", "我又被家暴了"],
        "cr": ["现双方已分开", "{hurt_calm}"],
        "cs": ["现在他出去了", "不用去医院"],
        "slots": {"rel": ["丈夫", "妻子", "男友", "前夫", "儿子"]},
    },
    # The existing fight sub-type reads like a real record too.
    "fight_no_injury": {"cr": ["现双方已分开", "其余情况不清"]},
}
