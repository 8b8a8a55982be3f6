"""Calm clauses: serious-sounding calls that are not urgent, because it is over.

A beating reported the next day, an attacker who has gone, a wound already dressed, a
person who has come round: the words of violence or injury are there, and nobody is in
danger now. The generator appends one of a sub-type's calm clauses (``cr`` records/notes,
``cs`` speech) only to calls it drew as not urgent, so the urgency head learns that 昨天被打
了 or 已经走了 or 没有受伤 lowers urgency. At least 15 clauses per voice and kind, written
for this module (no evaluation item was read or copied); the urgent counterparts are in
``urgency_now``.
"""

from __future__ import annotations

from training.simulator.text_fragments.common import words as W

OVER = {
    "cr": W(
        """
        事情发生在昨天晚上，现已无危险 系昨日发生，今日来电报案 事发于前天，嫌疑人已不知去向
        事情已过去一周，要求立案 上周发生的事，报警人现要求调取监控 对方已离开，现场已恢复平静
        嫌疑人已逃离现场，无人受伤 双方已被劝开，无人受伤 报警人已自行就医，现在家中
        受伤部位已包扎，不需要120 对方早已离开，报警人要求备案 事发时已报过警，此次询问处理进度
        报警人现已安全，在朋友家中 嫌疑人已被保安控制，无人受伤 当事人已分开，情绪平稳
        """
    ),
    "cs": W(
        """
        是昨天晚上的事了，今天才来报警 前天的事，他早跑了 都过去一个礼拜了，我想立个案
        人已经走了，现在没事了 他们已经被拉开了，没人受伤 我已经去医院包扎过了，不严重
        伤不重，就破了点皮，不用叫救护车 他跑了好久了，我就是想备个案 现在没危险了，就是想让你们来看看
        上次报过警了，想问问怎么处理 我现在在家，安全的 打完就走了，我也没怎么受伤
        血已经止住了，就是想报个案 事情已经过去了，我就想问问能不能查监控 保安已经把他按住了，没人受伤
        """
    ),
}
RECOVERED = {
    "cr": W(
        """
        当事人已清醒，能正常说话 120已到场，伤者已送医 老人已被扶起，意识清楚
        伤者已被送往医院，家属陪同 当事人已自行起身，称无大碍 患者已服药，情况稳定
        伤者伤势不重，已自行处理 当事人只是扭伤，能自己走路 当事人已苏醒，要求通知家属
        孩子已退烧，家长情绪稳定 现场有医护人员，已处理 伤口已止血，不需要120
        患者平时有此病史，现已缓解 当事人称只是有点头晕，已在休息 家属已开车送往医院
        """
    ),
    "cs": W(
        """
        他已经醒了，能说话了 救护车来了，已经拉走了 老人扶起来了，说没事
        我们自己送医院了 他自己站起来了，说不用管 吃了药好多了
        就擦破点皮，没大事 腿扭了一下，能走 他醒过来了，想让你们通知他家里人
        烧退了，孩子睡着了 旁边有个医生帮忙看了 血止住了，不用救护车
        老毛病了，现在缓过来了 就是有点头晕，坐着歇会儿 伤得不重，我自己能处理
        """
    ),
}
FOUND = {
    "cr": W(
        """
        孩子已被邻居找到，家属要求民警到场核实 走失人员已联系上，在亲戚家 老人已自行回家，家属表示感谢
        现已找到，当事人身体无碍 孩子已被学校老师接走，家长想了解情况 当事人已回电，称在朋友处
        家属称人已找到，只是手机没电 人员已被好心人送回，要求民警登记 孩子已找到，在小区游乐场
        老人已被送回家，身体无碍 当事人已平安到家，情绪稳定 人已找到，家属请求民警帮忙教育
        孩子已在商场服务台，家长正在赶去 失联人员已与家人视频，人在外地 走失人员已被派出所接回
        """
    ),
    "cs": W(
        """
        找到了找到了，在邻居家 联系上了，他在亲戚家 老人自己回来了，谢谢你们
        孩子找到了，没事 老师把孩子接走了，我想问问 他回电话了，说在朋友那
        人找到了，就是手机没电了 有人把他送回来了 孩子在楼下滑滑梯，找到了
        老人被送回来了，挺好的 他到家了，没事了 人找到了，你们帮我说说他
        孩子在服务台那，我这就过去 跟家里视频了，他在外地 派出所把人接回来了
        """
    ),
}


def _each(names: str, *kinds: dict) -> dict[str, dict]:
    """The calm clauses of ``kinds`` for each sub-type of ``names`` (space-separated)."""
    return {
        name: {key: [c for kind in kinds for c in kind[key]] for key in ("cr", "cs")}
        for name in names.split()
    }


CRIMINAL = _each(
    "assault_injury domestic_violence_injury stabbing armed_threat robbery snatching "
    "sexual_assault burglary home_robbery",
    OVER,
)
PUBLIC_ORDER = _each(
    "fight_no_injury beaten_minor domestic_violence threat_no_weapon provocation drunk_trouble",
    OVER,
)
ASSISTANCE = {
    **_each(
        "collapsed work_injury home_accident elderly_fall pregnant_sick_help gas_poisoning",
        RECOVERED,
    ),
    **_each("missing_child missing_elderly", FOUND),
}
KINDS = {"over": OVER, "recovered": RECOVERED, "found": FOUND}
