"""Non-police sub-types the second taxonomy added: traffic (122), fire and rescue (119) and
noise from businesses and works (12345). Keys as in criminal.py.

Traffic carries about 15 % of a real export's calls and fire and rescue about 5 %
(docs/TAXONOMY.md); the weights below are set so the non-police mix gives those shares.
Nobody is hurt in these calls: with an injury a traffic call is ``assistance``.
"""

from __future__ import annotations

SLOTS: dict[str, list[str]] = {
    "car2": ["小轿车", "面包车", "出租车", "SUV", "货车", "网约车", "公交车", "私家车"],
    "bike2": ["电动车", "摩托车", "三轮车", "自行车", "外卖电动车"],
    "jam_at": ["路口", "匝道口", "学校门口", "医院门口", "隧道口", "菜市场门口"],
    "fire_thing": [
        "垃圾桶",
        "绿化带杂草",
        "楼道杂物",
        "电动车电瓶",
        "路边电线杆",
        "废品堆",
        "空置商铺招牌",
        "田边秸秆",
    ],
    "biz": ["烧烤店", "酒吧", "KTV", "服装店", "超市", "夜宵摊", "健身房", "饭店"],
    "biz_noise": ["音响声音过大", "外放喇叭招揽顾客", "音乐开到很晚", "低音炮震动明显"],
    "works": ["工地", "装修队", "道路施工", "管道施工", "拆迁工地"],
    "works_noise": ["夜间施工噪音扰民", "机器轰鸣", "打桩声音很大", "切割声刺耳"],
}

HINTS: dict[str, tuple[list[str], list[str]]] = {
    "122": (
        ["已告知122", "需交警到场处理", "转交警处理", "双方要求交警认定责任"],
        ["你们叫交警来", "要交警来定责"],
    ),
    "119": (["已通知119", "需消防到场处置", "转消防"], ["你们叫消防来", "要消防车来"]),
}

SUBTYPES: dict[str, dict] = {
    "traffic_accident": {
        "w": 8.0,
        "divert": "122",
        "grid": {"commercial": 1.3, "transport_hub": 1.3},
        "pii": ("plate",),
        "pii_p": 0.4,
        "r": [
            "{car2}与{car2}发生碰撞，无人员受伤",
            "{car2}追尾{car2}，双方对责任有争议",
            "两车相撞，车辆受损，人员无碍",
            "{car2}倒车时撞到{bike2}，无人受伤",
            "发生交通事故，双方车辆受损，要求处理",
            "{car2}撞上路边护栏，车辆损坏，驾驶人无碍",
            "三车连环追尾，无人受伤，现场堵塞",
        ],
        "s": [
            "我被后面的车追尾了",
            "两个车撞了，人都没事",
            "他倒车撞到我电动车了",
            "出了个事故，车撞坏了",
            "前面车急刹我撞上去了",
        ],
        "d": ["车牌{plate}", "车辆已移至路边", "无人员受伤"],
        "ds": ["车牌{plate}", "人没事", "车已经挪到边上了"],
    },
    "traffic_jam": {
        "w": 2.5,
        "divert": "122",
        "hours": "day",
        "r": [
            "{jam_at}车辆拥堵严重",
            "{jam_at}交通堵塞，车辆无法通行",
            "{jam_at}有车辆违停造成拥堵",
            "大货车在{jam_at}抛锚，交通受阻",
            "{jam_at}信号灯故障，车辆拥堵",
        ],
        "s": ["这里堵死了一个多小时", "路口堵得动不了", "有个车停在路中间都过不去"],
        "d": ["请求疏导", "车辆排队较长"],
        "ds": ["你们派人来疏导一下", "车排了好长"],
    },
    "traffic_hit_run": {
        "w": 2.0,
        "divert": "122",
        "pii": ("plate",),
        "pii_p": 0.5,
        "r": [
            "停放的{car2}被撞后对方驾车离开，无人员受伤",
            "{car2}剐蹭{bike2}后逃逸，人员无碍",
            "报警人车辆被撞，肇事车辆已驶离",
        ],
        "s": ["我车停着被人撞了就跑了", "他刮了我车就开走了", "撞了我车跑了，人没事"],
        "d": ["肇事车牌{plate}", "有行车记录仪"],
        "ds": ["车牌是{plate}", "我有行车记录仪"],
    },
    "fire_report": {
        "w": 4.5,
        "divert": "119",
        "r": [
            "{fire_thing}起火，无人员被困",
            "{fire_thing}着火冒烟，火势不大",
            "楼下{fire_thing}燃烧，未见人员受伤",
            "有浓烟从{fire_thing}处冒出",
            "{fire_thing}发生火情，周边无人",
        ],
        "s": ["楼下{fire_thing}着火了", "那边冒好大的烟", "{fire_thing}烧起来了，没人在里面"],
        "d": ["报警人已撤离", "已用灭火器扑救"],
        "ds": ["我们都出来了", "拿灭火器喷了没灭"],
    },
    "rescue_service": {
        "w": 2.2,
        "divert": "119",
        "r": [
            "屋檐下有马蜂窝，需摘除",
            "大树倒伏压住车辆，无人员受伤",
            "路面有油污，需冲洗",
            "广告牌松动有坠落危险",
            "窨井盖缺失，需处置",
            "居民楼外墙瓷砖脱落",
        ],
        "s": ["我家窗户外面有个马蜂窝", "树倒了压到车了", "那个广告牌要掉下来了"],
        "d": ["现场无人受伤", "已设置警示"],
        "ds": ["还好没人", "我们拉了个绳子围着"],
    },
    "business_noise": {
        "w": 1.0,
        "divert": "12345",
        "hours": "evening",
        "r": [
            "{biz}{biz_noise}，影响休息",
            "楼下{biz}{late}还在营业，噪音扰民",
            "{works}{works_noise}",
            "{late}{works}仍在作业，噪音扰民",
            "临街{biz}{biz_noise}，多次反映无果",
        ],
        "s": ["楼下{biz}吵死了", "{works}{late}还在施工", "那个{biz}天天放音乐好大声"],
        "d": ["要求处理", "反映多次未解决"],
        "ds": ["说了好多次了", "你们管一下嘛"],
    },
}
