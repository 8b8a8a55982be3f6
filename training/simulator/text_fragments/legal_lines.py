"""Where the law draws the line, told the way records tell it: stated values, minor injuries.

The live-text rules of TAXONOMY.md decide damage by its value (under about 5,000 yuan:
public order; above: criminal), fights by the injury (bruises, scratches, "不需要120":
public order; a wound that needs stitches or an ambulance: criminal) and traffic by whether
someone needs help (a scrape nobody needs help for: 122). Records state those facts in a few
words (a value, "不需要120"), so the sub-types on both sides of each line say them too.
Written from the taxonomy's definitions alone; keys as in criminal.py. Extends sub-types
defined elsewhere (and adds ``property_damage``).
"""

from __future__ import annotations

from training.simulator.text_fragments.common import W

_SMALL_ITEMS = W(
    "雨伞 被单 蓝牙音箱 两箱饮料 一袋大米 儿童滑板车 花盆里的兰花 门口的鞋柜 电动车脚垫 "
    "晾在外面的棉被 一箱水果 店门口的促销架"
)

PUBLIC_ORDER = {
    "vandalism": {
        "w": 2.2,
        "r": W(
            "{who}店门口的灯牌被人砸坏 {who}车门被人踹出一个凹坑 小区快递柜的柜门被人撬坏 "
            "{who}家院墙被人推倒一小段 {person}砸坏了路边的共享充电宝柜 {who}楼道里的电表箱被人砸坏 "
            "{who}店门口的遮阳棚被人割破 {who}车辆前挡风玻璃被人用砖头砸出裂纹 "
            "{person}酒后砸坏{who}店里的两把椅子 {who}家门口的花盆被人全部踢碎 "
            "{who}停放的三轮车车篷被人划烂 {who}摊位的玻璃展柜被人推倒摔碎"
        ),
        "s": W(
            "我车门被人踹瘪了 有人把我店门口的灯牌砸了 我家院墙被人推倒了一截 "
            "我挡风玻璃被人砸裂了 他喝醉了把我店里椅子砸了 我家门口花盆全被人踢烂了"
        ),
        "d": W(
            "损失约{amt_s} 价值约{amt_s} 维修约{amt_s} 估计损失{amt_s}，其余情况不清 "
            "修好约需{amt_s} 现场有监控"
        ),
        "ds": W("修一下要{amt_s} 不晓得是哪个干的 换一个要{amt_s}"),
    },
    "petty_shoplifting": {
        "slots": {"small_item": _SMALL_ITEMS},
        "r": W(
            "{who}放在楼道的{small_item}被人拿走，价值约{amt_s} {who}放在院子里的{small_item}被人顺走 "
            "{person}顺手拿走{who}摊位上的{small_item}，被当场拦住 {who}晾在阳台外的{small_item}被人偷走，不值多少钱"
        ),
        "s": W("我放门口的{small_item}被人拿了 我院子里的{small_item}被人顺走了，值{amt_s}"),
    },
    "beaten_minor": {
        "r": W(
            "{who}与人拉扯时手背被抓出几道血印，已自行处理 {who}被对方推了一把，头上撞出个包，不需要120 "
            "{who}被人打了一耳光，眼角青了一块，不用去医院 {who}胳膊被人掐紫，无需送医"
        ),
        "d": W("不需要120 只是皮外伤 伤情轻微，不需要去医院 有些淤青，无需就医"),
    },
    "domestic_violence": {
        "r": W(
            "{who}被{rel}踢了几脚，腿上有淤青，不需要120 {who}称{rel}酒后推搡她，手臂擦红，没有伤口 "
            "{who}被{rel}拽着头发拖到门外，没有外伤"
        ),
    },
    "threat_no_weapon": {
        "r": W(
            "{who}被前同事在朋友圈点名辱骂，扬言要让其好看，没有提钱 "
            "{who}被房东打电话骂，说再不搬走就找人收拾，未索要钱财 {who}被{man}指着鼻子骂，说要记住其长相，未持械"
        ),
    },
    "fraud_attempt": {
        "r": W(
            "有人在小区门口免费送鸡蛋，诱导老人买高价理疗仪，老人还没掏钱 "
            "{who}接到自称医院的电话称其家人急需手术费，打通家人电话后发现是假的，未转账 "
            "{who}网购退款时被引导下载陌生软件，发现不对已卸载，钱没少"
        ),
    },
}

CRIMINAL = {
    "property_damage": {
        "w": 0.5,
        "hours": "night",
        "pii": ("plate", "phone"),
        "r": W(
            "{who}停放的小车被人砸坏，车窗和引擎盖全部损坏 {who}店铺玻璃幕墙被人砸碎 "
            "{who}工地的挖掘机被人恶意破坏 {who}果园的果树被人砍倒几十棵 {who}鱼塘被人投毒，鱼全部死亡 "
            "{who}停在路边的几辆车被人连续砸坏 {who}公司的服务器机房被人故意破坏 "
            "{who}新买的轿车被人用硫酸泼坏车漆 {who}大棚被人用刀割破几十米 {who}店里的玻璃柜台和货架被人砸毁 "
            "{who}家的太阳能板被人砸碎十几块 {who}停在小区的轿车被人放气后又砸坏挡风玻璃和车灯 "
            "{who}村里新装的路灯被人砸坏二十多盏 {who}的货车被人割断刹车线 "
            "{who}厂里的生产设备被离职员工故意弄坏"
        ),
        "s": W(
            "我车被人砸得稀烂 我家果树被人砍了几十棵 我鱼塘被人下了毒，鱼全死了 "
            "我店里的柜台全被人砸了 我新车被人泼了硫酸 我家大棚被人割烂了 我挖机被人搞坏了 "
            "我的货车刹车线被人剪了 我们厂的机器被人故意弄坏了 我家太阳能板被砸了好多块 "
            "我店玻璃幕墙被人砸了 我停的几个车都被砸了 我家车挡风玻璃和车灯全被砸了 "
            "村里新装的路灯被人砸了一大片 我们公司机房被人进去破坏了"
        ),
        "d": W(
            "损失约{amt_l} 价值约{amt_l} 维修费约{amt_l} 损失约{amt_l}，现场有监控 怀疑系{nm}报复"
        ),
        "ds": W("损失要{amt_l} 肯定是{nm}干的"),
    },
    "assault_injury": {
        "r": W(
            "{who}后脑被人用砖头砸开口子，血止不住，需要120 {who}被人打得昏迷不醒，已叫救护车 "
            "{who}被人踢断两根肋骨，需住院治疗 {who}眉骨被人打裂，需要缝针"
        ),
    },
}

NON_POLICE = {
    "traffic_accident": {
        "r": W(
            "电动车和自行车在路口碰了一下，骑车人手肘蹭破点皮，不用去医院，双方等交警定责 "
            "两辆轿车变道时刮擦，一名司机额头磕红，不需要救护车，请交警处理 "
            "{car2}倒车碰到行人小腿，行人称没事，只要求对方赔偿 {car2}在环岛与{car2}碰擦，车灯碎了，人员无碍"
        ),
        "d": W("有人轻微擦伤，不需要120 人员轻微擦伤，已自行处理 双方要求交警定责 请交警到场定责"),
    },
    "traffic_violation_query": {
        "r": W(
            "有渣土车连续闯红灯 有轿车在学校门口逆行 快递三轮车在机动车道逆行 "
            "有车辆长时间占用公交专用道 有拉砖的货车没盖篷布，砖头掉在路上 有无牌摩托车在小区门口来回炸街"
        ),
    },
    "move_car": {
        "r": W(
            "小区出口被一辆商务车横着挡住 有车停在幼儿园门口接送区不走 "
            "有货车停在{who}店门口卸货后不开走，挡住门面"
        ),
    },
    "traffic_signal": {
        "r": W(
            "路口的减速带被压烂翘起 路口的红绿灯杆被大货车蹭歪 路口的交通锥被车撞散，落在车道上"
        ),
    },
}
