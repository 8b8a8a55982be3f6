"""Non-police phrasings for non_police.py's sub-types, plus general questions, lost pets,
stray dogs and broken traffic signals."""

from __future__ import annotations

from training.simulator.text_fragments.common import extend_subtypes
from training.simulator.text_fragments.common import words as W

SLOTS: dict[str, list[str]] = {
    "outage_for": W("三个小时 一晚上 从昨天到现在 好几个钟头"),
    "ask_end": W("想问问什么时候来 问下咋回事 有没有人管 打了好几个电话都没人接 找不到人问"),
}

SUBTYPES: dict[str, dict] = {
    "power_outage": {
        "r": W(
            "{P}停电，{ask_end} 报警人反映{outage_for}没电 小区变压器冒火花后停电 "
            "整条街停电，路灯也不亮 {who}家跳闸后一直没电"
        ),
        "s": W(
            "我们这停电{outage_for}了 我家没电了，冰箱里东西都要坏了 整个小区黑了 "
            "停电了电梯也停了 电闸跳了合不上 我打电话问供电局一直占线"
        ),
    },
    "water_outage": {
        "r": W("{P}停水{outage_for}，{ask_end} 路边消防栓漏水 小区水压太低 自来水发黄浑浊"),
        "s": W("停水{outage_for}了饭都做不成 水龙头流出来的水是黄的 路上有个水管爆了一直在冒水"),
    },
    "gas_internet": {
        "r": W("小区燃气停供 手机没信号 光纤被挖断 暖气漏水"),
        "s": W("燃气停了咋做饭 WiFi一直断 宽带被施工挖断了 暖气片在漏水"),
    },
    "id_hukou_visa": {
        "r": W(
            "来电咨询身份证丢失补办 咨询新生儿上户口 咨询港澳通行证办理 咨询外国人签证延期 "
            "咨询无犯罪记录证明开具 咨询临时身份证"
        ),
        "s": W(
            "我身份证丢了咋补 娃娃出生了户口咋上 我想办个港澳通行证 我外国朋友签证快过期了 "
            "开无犯罪证明去哪里开 我打电话就是想问一下临时身份证"
        ),
    },
    "price_service_complaint": {
        "r": W("投诉{shop}收费不合理 投诉出租车不打表 投诉{shop}价格欺诈 投诉公交车不按站停"),
        "s": W(
            "出租车不打表这个谁管 我要投诉{shop}多收钱 公交车过站不停 那个{shop}的价格太离谱了"
        ),
        "slots": {"shop": W("火锅店 酒店 菜市场 加油站 物业 医院停车场 景区门票")},
    },
    "street_vendor": {
        "r": W("夜市摊贩占用盲道 流动商贩在路口卖水果 烧烤摊油烟扰民 早餐摊占道"),
        "s": W("门口卖水果的把路堵了 烧烤摊油烟熏得我家窗户都不敢开 摆摊的占了人行道"),
    },
    "garbage_stray": {
        "r": W("小区门口垃圾堆积发臭 有人乱倒建筑垃圾 河道有垃圾漂浮"),
        "s": W("垃圾堆了一个星期了臭死了 有人乱倒建筑垃圾 河里全是垃圾"),
    },
    "stray_dog": {
        "w": 0.6,
        "divert": "city_management",
        "r": W("小区有流浪狗聚集 路边有流浪狗追人，未咬伤 有死狗在路边需要清理"),
        "s": W("我们小区好多流浪狗 有条野狗追人，没咬到 路边有条死狗"),
    },
    "road_facility": {
        "r": W("{road}路灯不亮 {road}井盖松动 交通护栏被撞倒 {road}路面塌陷 大树被风刮倒压住路面"),
        "s": W("{road}路灯全坏了晚上黑黢黢的 井盖松了踩上去会翻 路上塌了个坑 树被风吹倒了挡住路"),
    },
    "construction_noise": {
        "r": W("工地{clock}仍在打桩 工地夜间运渣车噪音扰民 商铺装修噪音扰民"),
        "s": W("工地现在还在打桩 半夜渣土车来来去去 隔壁商铺天天电钻响"),
    },
    "move_car": {
        "r": W("有车辆停在消防通道 车辆堵住车库出口，联系不上车主 有车占用残疾人车位"),
        "s": W("有个车把我车库门堵了打电话不接 有车停在消防通道 我要出门车被挡住了"),
    },
    "traffic_signal": {
        "w": 0.5,
        "divert": "122",
        "r": W("{road}红绿灯故障 路口信号灯不亮 {road}交通拥堵"),
        "s": W("那个路口红绿灯坏了 {road}堵死了 信号灯一直闪黄灯"),
    },
    "building_matter": {
        "r": W("小区电梯经常故障 楼顶漏水 小区大门道闸坏了 楼道堆放杂物"),
        "s": W("电梯又坏了 楼顶漏水漏到我家 楼道里堆满了东西"),
    },
    "misdial_silent": {
        "r": W("来电无人说话 来电后挂断 小孩误拨 来电人称手机误触 口袋误拨"),
        "s": W("啊打错了不好意思 手机放兜里按到了 我本来想打120 我想打电话给我妈按错了"),
    },
    "prank": {
        "r": W("来电人谎报警情后挂断 醉酒人员无事拨打 来电人多次骚扰110"),
        "s": W("我无聊打着玩的 你们警察忙不忙 哈哈哈我就问问"),
    },
    "general_inquiry": {
        "w": 0.8,
        "divert": "12345",
        "r": W(
            "咨询交通违章处理 咨询房屋租赁备案 咨询社保缴纳 咨询高考报名 咨询疫苗接种点 咨询营业执照办理"
        ),
        "s": W("我想问一下违章在哪里处理 社保咋交 疫苗在哪打 营业执照怎么办 我打电话问个事"),
    },
    "lost_pet": {
        "w": 0.4,
        "divert": "12345",
        "r": W("{who}家宠物狗走丢 {who}家猫跑丢了"),
        "s": W("我家狗丢了能不能帮我找一下 我的猫跑出去不见了"),
    },
}

# Thinner sub-types of non_police.py get more phrasings here.
_MORE: dict[str, dict] = {
    "gas_internet": {
        "r": W("小区燃气管道检修停气 有线电视没信号 {who}家暖气一直不热 光纤入户线被剪断"),
        "s": W("家里燃气一直打不着火 电视没信号了 暖气片是冷的 网线被人剪了上不了网"),
    },
    "construction_noise": {
        "r": W(
            "{road}夜间道路施工噪音大 工地凌晨浇筑混凝土 {P}装修电钻声扰民 工地探照灯照进居民家"
        ),
        "s": W(
            "马路上半夜在修路轰隆隆的 工地半夜打灰 工地大灯照得我家跟白天一样 楼下商铺一直在砸墙"
        ),
    },
    "building_matter": {
        "r": W("小区消防通道堆放杂物 单元门锁坏了 楼道墙皮脱落 小区水箱水质差"),
        "s": W("单元门锁坏了谁都能进 楼道墙皮掉下来差点砸到人 小区消防通道被堆满了"),
    },
    "misdial_silent": {
        "r": W("来电听到背景嘈杂无人应答 回拨后称无事 儿童玩耍手机误拨 老人误按紧急呼叫"),
        "s": W("没事没事我孙子乱按的 哦我打错了我想打114 对不起我按错了 我本来是想给我老公打电话"),
    },
    "street_vendor": {
        "r": W(
            "{road}有人沿街卖菜占道 刀削面馆在门口占道经营 夜市收摊后垃圾遍地 有人在路边卖活禽"
        ),
        "s": W(
            "门口卖菜的把路都占了 那个刀削面馆桌子都摆到马路上了 路边有人卖活鸡 夜市收了摊垃圾一地"
        ),
    },
    "price_service_complaint": {
        "r": W("投诉快递员不送货上门 投诉银行排队时间过长 投诉医院挂号难 投诉景区强制消费"),
        "s": W("快递员从来不送上门 银行排了两个小时队 医院挂个号都挂不上 景区逼着我们买东西"),
    },
    "move_car": {
        "r": W("有车辆停在{P}门口挡住出入 车辆占用盲道 {who}车辆被别人车辆堵在车位内"),
        "s": W("有个车停我店门口挡着我做生意 我车被堵在里面了出不去 打车主电话打不通"),
    },
}
extend_subtypes(SUBTYPES, _MORE)
extend_subtypes(
    SUBTYPES,
    {
        "price_service_complaint": {"pii": ("phone", "landline")},
        "building_matter": {"pii": ("phone", "landline")},
    },
)
