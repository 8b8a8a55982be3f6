"""Assistance phrasings for assistance.py's sub-types, plus found persons, home accidents,
pregnant or sick callers, vehicle breakdowns, welfare checks and work injuries."""

from __future__ import annotations

from training.simulator.text_fragments.common import extend_subtypes
from training.simulator.text_fragments.common import words as W

SLOTS: dict[str, list[str]] = {
    "cloth": W("穿绿色外套 穿格子衬衫 穿运动服 戴眼镜 拄拐杖 穿棉袄 穿红色裙子 推着婴儿车"),
    "lost_item": W("护照 银行卡 电动车钥匙 孩子的书包 药 证件包 装有合同的文件袋 吉他"),
}

SUBTYPES: dict[str, dict] = {
    "missing_child": {
        "r": W(
            "{who}{kid}在小区玩耍后不见 {who}在{hub}与{kid}走失 {who}{kid}离家出走 "
            "{who}{kid}与同学吵架后未回家"
        ),
        "s": W(
            "我孩子在小区玩着玩着就不见了 在车站跟孩子走散了 我女儿跟我吵架跑出去了，电话也不接 "
            "我家娃放学没回来，同学说他去网吧了"
        ),
    },
    "missing_elderly": {
        "r": W(
            "{who}{elder}去买菜至今未回 {who}{elder}（{old_age}）走失，有高血压 {who}{elder}在{hub}走失"
        ),
        "s": W(
            "我外婆出去买菜到现在都没回来 我爸八十多了，出门散步没回来 我妈有老年痴呆又跑出去了"
        ),
    },
    "collapsed": {
        "r": W(
            "{person}在{bus}上突发疾病 {person}在{mall}晕倒 {elder}在家摔倒无法起身 {person}中暑晕倒 "
            "{person}低血糖晕倒"
        ),
        "s": W("我爸在家摔倒了起不来 车上有个人突然晕了 我老婆晕过去了 有个老头中暑了"),
    },
    "drunk_lying": {
        "r": W(
            "{man}醉酒躺在公交站台 醉酒女子蹲在路边呕吐 {man}喝醉后睡在楼道里 {man}醉倒在{venue}厕所"
        ),
        "s": W(
            "有个人喝醉了睡在我家楼道里，没闹事 路边有个女的喝多了一直在吐 我同事喝醉了我扶不动他"
        ),
    },
    "locked_out": {
        "r": W("{who}房门被风吹上，钥匙在屋内 {who}指纹锁没电进不了门 {who}{elder}独自在家不开门"),
        "s": W("门被风一吹关上了钥匙在里面 我家指纹锁没电了进不去 我妈一个人在家敲门一直不开"),
        "d": W("没丢东西 门锁完好"),
        "ds": W("没丢东西就是进不去"),
    },
    "lost_property": {
        "r": W(
            "{who}{lost_item}落在{hub}候车室 {who}在{mall}丢失{lost_item}，未发现被盗迹象 "
            "{who}捡到一个钱包要求归还失主 {who}捡到{lost_item}交给民警"
        ),
        "s": W(
            "我捡到一个钱包，里面有身份证 我{lost_item}不晓得落哪了 我打车把包落在车上了，没被偷"
        ),
    },
    "suicide_threat": {
        "r": W(
            "{who}{rel}发微信称要轻生 {person}坐在天台边缘 {who}{rel}割腕 {person}在河边徘徊欲轻生"
        ),
        "s": W("我{rel}发消息说不想活了 有个人坐在天台边上 我{rel}在卫生间割腕了 我活不下去了"),
    },
    "work_injury": {
        "w": 0.8,
        "grid": {"industrial": 5.0},
        "hours": "work",
        "r": W(
            "{person}在{ind}作业时被机器夹伤手 工人从脚手架摔落 {person}在工地被重物砸伤 "
            "工人被困在坍塌的土方下"
        ),
        "s": W("我们工地有个人从架子上摔下来了 工友的手被机器夹了 有个人被砸了"),
        "d": W("已联系120 工友在现场 伤者意识清醒"),
        "ds": W("已经打了120 人还清醒"),
        "urgent": 0.35,
        "ur": W("伤者大量出血 伤者昏迷 仍有人被埋"),
        "us": W("流了好多血 人晕过去了 还有人埋在下面"),
    },
    "welfare_check": {
        "w": 0.8,
        "grid": {"residential": 1.5},
        "r": W(
            "{who}{elder}独居，{few}天联系不上 {who}称{rel}电话一直打不通，请求上门查看 "
            "邻居{few}天未见独居老人出门"
        ),
        "s": W(
            "我妈一个人住，{few}天电话都打不通 我{rel}一直不接电话，能不能帮我去看看 隔壁老人好几天没出门了"
        ),
        "d": W("门从里面反锁 屋内有电视声"),
        "ds": W("敲门没人应 里面电视开着"),
        "urgent": 0.15,
        "ur": W("屋内有异味 透过窗户看到老人倒地"),
        "us": W("屋里有股味道 从窗户看见人躺在地上"),
    },
    "found_person": {
        "w": 0.6,
        "r": W(
            "{who}在{P}发现走失儿童 {who}发现一名迷路老人 {who}捡到一名哭泣的小孩 发现一名迷路的外地游客"
        ),
        "s": W("我这边捡到一个小孩在哭 有个老人迷路了说不清家在哪 有个外地人迷路了手机没电了"),
        "d": W("{cloth} 孩子说不清家长电话"),
        "ds": W("{cloth} 问他啥都不说"),
    },
    "vehicle_breakdown": {
        "w": 0.5,
        "pii": ("plate",),
        "pii_p": 0.3,
        "r": W("{who}车辆在{road}抛锚 {who}车辆没油停在路中 {who}电动车没电推不回去"),
        "s": W("我车坏在路上了 车没油了停在路中间 电动车没电了离家还很远"),
        "d": W("车牌{plate} 已开启双闪"),
        "ds": W("车牌{plate} 双闪开着的"),
    },
    "pregnant_sick_help": {
        "w": 0.5,
        "r": W(
            "{who}妻子临产需送医 {person}在{hub}突发疾病需帮助 {who}{kid}高烧抽搐 {person}哮喘发作"
        ),
        "s": W("我老婆要生了叫不到车 我孩子发高烧抽筋了 我喘不过气来了"),
        "urgent": 0.4,
        "ur": W("情况紧急 已出现抽搐"),
        "us": W("快不行了 一直在抽"),
    },
}

# Thinner sub-types of assistance.py get more phrasings here; home accidents stand alone.
_MORE: dict[str, dict] = {
    "lift_trapped": {
        "r": W(
            "{bldg}电梯卡在{n_small}楼，{elder}被困 {mall}扶梯故障有人被困 电梯突然下坠后停住，内有{few}人"
        ),
        "s": W("电梯卡在半中间了我们出不去 电梯突然掉了一下停住了 我妈一个人关在电梯里"),
        "urgent": 0.1,
        "ur": W("被困人员呼吸困难 被困者有心脏病"),
        "us": W("里面好闷喘不过气了 我有心脏病"),
    },
    "mental_wandering": {
        "r": W(
            "{person}在路中间自言自语拦车 {person}光脚在街上游荡 {who}{rel}有精神病跑出家门 "
            "{person}在{mall}内大喊大叫，疑似精神异常，未伤人"
        ),
        "s": W(
            "有个人光着脚在街上走说话颠三倒四 我{rel}精神病犯了跑出去了 有个人在路中间拦车，脑子好像不清楚"
        ),
    },
    "animal_rescue": {
        "r": W("有鸟卡在{where} 有蛇盘在{P}楼道 有牛掉进{where} {who}家中进入一只猴子"),
        "s": W("楼道里有条蛇好吓人 一只鸟卡在{where}了 牛掉进沟里了拉不上来"),
    },
    "stranded_flood_fire": {
        "r": W(
            "{who}在山上迷路被困 暴雨致{P}积水，老人被困家中 {few}名游客被困河中沙洲 {who}被困在{where}"
        ),
        "s": W("我们爬山迷路了天快黑了 水都淹到家里了老人出不来 我们被困在河中间了"),
    },
    "child_locked_car": {
        "r": W("{who}将钥匙和孩子一起锁在车内 车内有幼儿被锁，家长在外"),
        "s": W("钥匙和娃娃都锁车里了 我家小孩把车门锁了打不开"),
    },
    "home_accident": {
        "w": 0.8,
        "grid": {"residential": 1.5},
        "hours": "evening",
        "r": W(
            "{who}做饭时被菜刀切伤手指 {elder}在浴室摔倒头部出血 {kid}被开水烫伤 "
            "{who}吃火锅时{elder}被噎住 {kid}误食药物 {who}在家疑似煤气中毒 {elder}从楼梯上摔下"
        ),
        "s": W(
            "我切菜被刀划了个大口子 我爸在厕所摔了头在流血 孩子被开水烫了 "
            "吃火锅的时候老人噎住了 我家孩子把药当糖吃了 屋里好像煤气中毒了头好晕"
        ),
        "d": W("已自行包扎 需要送医 家中无其他人"),
        "ds": W("我已经包了一下 家里就我一个人"),
        "urgent": 0.25,
        "ur": W("流血不止 已昏迷 呼吸困难"),
        "us": W("血止不住 人叫不醒了 喘不上气了"),
        "cr": W("无人伤害，系意外"),
        "cs": W("是我自己不小心"),
    },
}
extend_subtypes(SUBTYPES, _MORE)
