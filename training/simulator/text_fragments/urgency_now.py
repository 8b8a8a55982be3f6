"""Urgent clauses: what a caller or a record says when life or safety is at risk right now.

The generator appends one of a sub-type's urgent clauses (``ur`` records/notes, ``us``
speech) exactly when it drew the call as urgent, so these lists are what the urgency head
learns "urgent" from. The first lists had two to seven clauses per sub-type, mostly 还在 /
快来; real calls say it in many more ways: a medical emergency inside a police call (人倒地
不省人事), someone held or taken, a small child missing, violence still going on (还在砸, 拿
刀追), people trapped in fire or water, a drunk driver on the road now, a break-in with the
caller hiding. Each kind below has at least 15 clauses per voice, written for this module
(general knowledge of 110 calls; no evaluation item was read or copied). The calm
counterparts are in ``urgency_calm``.
"""

from __future__ import annotations

from training.simulator.text_fragments.common import words as W

VIOLENCE_NOW = {
    "ur": W(
        """
        现场仍在打斗 对方还在追打报警人 嫌疑人手持砍刀仍在追砍 双方仍在互殴，有人倒地
        打人者还在现场砸东西 嫌疑人仍在殴打受害人 对方拿着棍子还在打 现场有人持刀追人
        嫌疑人还在屋内打人，能听到呼救 报警时对方仍在踢打倒地男子 多人围殴一人，仍未停手
        嫌疑人情绪激动，还在砸车 受害人被按在地上打，现场无人敢拉 打斗仍在持续，有人头部流血
        对方扬言要砍死报警人，正在找刀 对方堵在门外踹门，叫骂着要打人
        """
    ),
    "us": W(
        """
        他们还在打，快来啊 那个人拿刀在后面追我 他还在打我妈，我在厕所里打的电话
        好几个人围着一个打，那个人都趴地上了 他在外面踹门，说要弄死我 打得头都破了还不停手
        他拿着棍子还在砸 你们快点来，他拿着刀到处追人 人倒地上了他们还在踢
        我老公还在打我，我躲在卧室里 他又冲过来了，手里拿着酒瓶 外面打起来了，有人在喊救命
        那个人还在砸车，谁都不敢过去 他说要去拿刀砍我，现在进厨房了 他们把人按在地上打，求你们快来
        """
    ),
}
MEDICAL_NOW = {
    "ur": W(
        """
        伤者倒地不省人事 伤者现已昏迷，叫不醒 伤者头部大量出血，流血不止
        伤者呼吸微弱，现场有人在做心肺复苏 当事人口吐白沫，全身抽搐 伤者脸色发紫，喘不上气
        伤者伤口很深，血止不住 当事人突然倒地，已没有反应 伤者意识模糊，120尚未到达
        老人倒地后一直没有醒 伤者腿部骨头外露，无法动弹 当事人称胸口剧痛，满头大汗
        伤者被砸中头部后昏迷 孩子高烧抽搐，嘴唇发紫 当事人误服药物后神志不清
        """
    ),
    "us": W(
        """
        人倒地上不省人事了 他叫不醒了，怎么喊都没反应 血一直在流，止不住啊
        他喘不上气，脸都紫了 他在抽，嘴里都是白沫 快来人啊，他没呼吸了
        他一下就倒了，现在一动不动 头上一直冒血，地上好大一摊 120还没来，他快不行了
        我爸胸口疼得厉害，满头大汗 他骨头都露出来了 小孩烧得抽起来了，嘴都紫了
        他话都说不清楚了，半边身子动不了 他晕过去了，掐人中也没用 我老婆流了好多血，人都站不稳了
        """
    ),
}
HELD_NOW = {
    "ur": W(
        """
        对方称人在其手上，要求转账才放人 受害人被关在屋内，无法离开 嫌疑人持刀挟持一名女子，仍在对峙
        受害人被捆绑在车内 对方不准报警，扬言撕票 报警人被锁在房间内，不让出去
        嫌疑人挟持人质躲在店内 受害人被几名男子强行拉上面包车 对方扣着报警人的孩子不放
        报警人被限制人身自由，手机被收走，偷偷报警 嫌疑人把报警人堵在屋里不让走，已关了数小时
        对方发来受害人被绑的视频索要赎金 嫌疑人持刀抵住店员脖子 受害人被强行带走，下落不明
        报警人被传销人员看管，趁上厕所报警
        """
    ),
    "us": W(
        """
        他们把我关在屋里不让走 我弟被他们绑了，说不给钱就撕票 他拿刀架在那个女的脖子上
        我被锁在房间里，手机是偷偷拿的 他们把人拖上面包车拉走了 有人把我孩子扣住不放
        他说人在他手上，让我不准报警 我被他们看着，只能小声说 我被关了一天一夜了，快来救我
        他们把我朋友绑在椅子上打 他不让我出门，把门反锁了还拿着刀 我妹被人带走了，电话打不通
        他们说要钱才放人，现在还在催 他在车上不让我下车，一直往外开 他拿刀顶着店员，还在里面
        """
    ),
}
CHILD_MISSING_NOW = {
    "ur": W(
        """
        走失儿童仅3岁，已找了半小时 孩子不满5岁，不会说家里地址 走失孩子穿红色外套，商场广播无人回应
        孩子在人多的地方不见了，附近有河道 家属怀疑孩子被陌生人带走 孩子独自离开，天已经黑了
        走失女童约4岁，有人看到被一男子抱走 孩子患有自闭症，不会求助 监控显示孩子跟一名陌生女子走出小区
        孩子走失已超过一小时，家属情绪崩溃 孩子2岁多，刚学会走路 附近水塘多，家属担心孩子落水
        孩子放学至今未到家，电话手表关机 幼儿在游乐场一转眼不见了 走失儿童身体不好，需要按时吃药
        """
    ),
    "us": W(
        """
        我儿子才三岁，一转眼就不见了 孩子找不到了，商场广播都喊了没人应 有人看到一个男的把我女儿抱走了
        我家孩子有自闭症，不会说话的 天都黑了孩子还没找到 小区旁边就是河，我怕她掉下去
        孩子才两岁多，自己走不远的 监控里她跟一个女的走了，我们不认识 放学到现在都没回来，手表也打不通
        求求你们帮我找孩子 我就上了个厕所出来孩子没了 孩子穿的蓝色衣服，四岁，叫不应
        都找了一个钟头了，哪都找不到 娃娃还要吃药，不吃会出事 有个陌生人一直跟孩子说话，现在两个都不见了
        """
    ),
}
TRAPPED_NOW = {
    "ur": W(
        """
        屋内仍有人被困，出不来 有人被困在火场二楼 车内人员被卡住，无法自行脱困
        一名男子落水，正在水中挣扎 河水上涨，有人被困在河中间的石头上 房屋倒塌，下面压着人
        楼内浓烟很大，有老人没有逃出来 有人被埋在土里，只露出头 车辆落水，车内还有人
        孩子被锁在车内，已满头大汗 电梯急坠后停在两层之间，里面有人呼救 一名工人被困在井下，联系中断
        洪水已淹到腰部，屋里有老人孩子 有人掉进化粪池，没有上来 有人被困在悬崖边，天快黑了
        """
    ),
    "us": W(
        """
        里面还有人没出来，火越来越大 我被困在楼上，楼梯全是烟 车里的人卡住了，拉不出来
        有人掉河里了，在水里扑腾 水涨上来了，我们困在屋顶上 房子塌了，下面压着人在喊
        我奶奶还在里面，出不来 有人掉井里了，能听到在哭 车冲进河里了，人还在车里
        孩子锁在车里了，太阳晒着，都哭不出声了 电梯掉下去一截，我们在里面 水已经到胸口了，快来救人
        有个人掉进粪池里没上来 他被土埋住了，就剩个头 我们被困在山上，路被冲断了
        """
    ),
}
DRUNK_DRIVER_NOW = {
    "ur": W(
        """
        该车正在道路上行驶，驾驶人明显醉酒 醉酒驾驶人仍在驾车，车辆左右摇摆 驾驶人喝酒后驾车逆行
        该车刚从饭店停车场开出，驾驶人满身酒气 车辆在路上蛇形行驶，险些撞到行人 醉驾车辆仍在往城区方向行驶
        驾驶人酒后开车撞了护栏，仍继续行驶 驾驶人醉得站不稳，还要开车走 该车在市区高速行驶，连闯红灯
        报警人正跟在醉驾车辆后面 驾驶人酒后驾车，车上还有小孩 醉酒男子抢了钥匙要开车
        驾驶人酒后开车载人，车速很快 司机喝了一斤白酒，正开车上路 车辆在车道上乱窜，司机趴在方向盘上
        """
    ),
    "us": W(
        """
        他喝醉了还在开，车都开不直 那个车一直在画龙，差点撞人 他刚喝完酒就开车走了，往北边去了
        那个司机喝多了在逆行 我跟在他后面，他开得歪七扭八的 他撞了栏杆还接着开
        他醉得站都站不稳，非要开车 车上还有孩子，他喝了酒在开 红灯都不停，一直往前冲
        他喝了一斤白酒，现在开车上路了 司机趴方向盘上了，车还在往前滑 他抢了钥匙要开车，拦不住
        开得好快，一身酒气 那个车在路上乱窜，吓死人了 他喝了酒开车去接孩子，现在在路上
        """
    ),
}
BREAK_IN_NOW = {
    "ur": W(
        """
        嫌疑人仍在屋内，报警人躲在卧室 报警人躲在卫生间小声报警，有人在撬门 小偷还在屋里翻东西
        嫌疑人正在撬隔壁房门 有人正在翻窗进入，报警人独自在家 嫌疑人正在往车上搬东西
        屋内有陌生人走动，报警人躲在衣柜里 门锁有撬动声，对方还没进来 嫌疑人正在撬卷帘门
        嫌疑人进屋后未离开，报警人在楼下守着 有人在阳台上往屋里爬 嫌疑人发现报警人后仍在屋内
        陌生男子持工具在楼道里挨家撬门 报警人听到楼下有人砸玻璃进店 嫌疑人正在撬车窗
        """
    ),
    "us": W(
        """
        有人在撬我家门，我一个人在家 我躲在厕所里，他还在屋里翻 小偷还在里面，我不敢进去
        他在翻窗户，已经一只脚进来了 外面有人一直在拧门把手 我躲在衣柜里，听见他在客厅走
        他们在往车上搬东西，还没走 我听见玻璃碎了，有人进店了 他还在楼道里撬门，一家一家撬
        阳台上有个人在爬 门锁在响，有人在撬 他看见我了还不走，在屋里翻抽屉
        我在楼下看着，他还没出来 有人在撬我的车窗 隔壁没人住，里面有人在搬东西
        """
    ),
}
SELF_HARM_NOW = {
    "ur": W(
        """
        当事人坐在楼顶边缘，情绪激动 当事人已割腕，房间内有血 当事人称已吃下大量安眠药
        当事人站在桥栏杆外侧 当事人手持刀具要自残 当事人已喝下农药，意识模糊
        当事人在天台边来回走动，不让人靠近 当事人发来遗书后联系不上 当事人在屋内烧炭，门窗紧闭
        当事人把自己反锁在屋内，扬言要开煤气 当事人站在窗台外沿，随时可能跳下 当事人已走进河里，水到胸口
        当事人拿绳子在房梁上打结 当事人坐在铁轨上不肯离开 当事人吞了一瓶药，正在呕吐
        """
    ),
    "us": W(
        """
        她站在楼顶边上，说要跳 他割了手腕，流了好多血 他说吃了一整瓶安眠药
        他翻到桥栏杆外面去了 他拿着刀要往自己身上扎 我妈喝了农药，现在迷迷糊糊的
        他发了遗书，电话打不通了 他把门反锁了，说要开煤气 她坐在窗台外面，脚都悬空了
        他往河里走，水都到胸口了 他在房梁上挂绳子 他坐在铁轨上不走，火车快来了
        他把药全吞了，一直在吐 他关着门在烧炭，敲门不开 她一直在天台边上走来走去，不让人过去
        """
    ),
}


def _with(*kinds: dict) -> dict:
    return {key: [c for kind in kinds for c in kind[key]] for key in ("ur", "us")}


# Sub-types, per category, that take each kind. Domestic violence coded 治安 (bruises only)
# is urgent while it is still going on, as the taxonomy says of an ongoing assault.
CRIMINAL: dict[str, dict] = {
    "assault_injury": _with(VIOLENCE_NOW, MEDICAL_NOW),
    "domestic_violence_injury": _with(VIOLENCE_NOW),
    "stabbing": _with(VIOLENCE_NOW, MEDICAL_NOW),
    "armed_threat": _with(VIOLENCE_NOW, HELD_NOW),
    "robbery": _with(VIOLENCE_NOW),
    "kidnapping": _with(HELD_NOW),
    "drunk_driving": _with(DRUNK_DRIVER_NOW),
    "burglary": _with(BREAK_IN_NOW),
    "home_robbery": _with(BREAK_IN_NOW, HELD_NOW),
    "vehicle_break_in": _with(BREAK_IN_NOW),
}
PUBLIC_ORDER: dict[str, dict] = {
    "fight_no_injury": _with(VIOLENCE_NOW),
    "domestic_violence": {"urgent": 0.15, **_with(VIOLENCE_NOW)},
}
ASSISTANCE: dict[str, dict] = {
    "collapsed": _with(MEDICAL_NOW),
    "work_injury": _with(MEDICAL_NOW, TRAPPED_NOW),
    "home_accident": _with(MEDICAL_NOW),
    "elderly_fall": _with(MEDICAL_NOW),
    "pregnant_sick_help": _with(MEDICAL_NOW),
    "gas_poisoning": _with(MEDICAL_NOW),
    "missing_child": _with(CHILD_MISSING_NOW),
    "stranded_flood_fire": _with(TRAPPED_NOW),
    "trapped_outdoors": _with(TRAPPED_NOW),
    "child_locked_car": _with(TRAPPED_NOW),
    "suicide_threat": _with(SELF_HARM_NOW),
}
KINDS = {
    "violence_now": VIOLENCE_NOW,
    "medical_now": MEDICAL_NOW,
    "held_now": HELD_NOW,
    "child_missing_now": CHILD_MISSING_NOW,
    "trapped_now": TRAPPED_NOW,
    "drunk_driver_now": DRUNK_DRIVER_NOW,
    "break_in_now": BREAK_IN_NOW,
    "self_harm_now": SELF_HARM_NOW,
}
