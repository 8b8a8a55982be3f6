"""Non-police (非警务) sub-types: outages, questions, city management, misdials.

``divert`` names the channel a sub-type is handed to; route shares come from texts.py.
"""

from __future__ import annotations

SLOTS: dict[str, list[str]] = {
    "outage_for": ["{few}个小时", "一整天", "从早上到现在", "半天", "两天"],
}

HINTS: dict[str, tuple[list[str], list[str]]] = {
    "utility": (
        ["建议联系供电供水部门", "要求联系相关部门", "已告知报修电话", ""],
        ["我该找哪个部门", "报修电话打不通", ""],
    ),
    "city_management": (["建议城管处理", "需城管到场", "已告知城管电话"], ["城管也不来管"]),
    "12345": (
        ["建议拨打12345", "转政务热线", "已告知咨询渠道"],
        ["我该打哪个电话", "问哪里都没人管"],
    ),
    "122": (["需联系车主挪车", "请交警协助"], ["帮我找下车主", "我急着出门"]),
    "property": (["需物业处理", "物业电话无人接听"], ["物业不接电话", "物业也不管"]),
    "none": (["", "回拨无人接听", "经核实无警情"], [""]),
    "transfer": (["报警人坚持要求民警到场", "需核实情况"], ["你们必须派人来", "我要你们警察来看"]),
    "on_scene": (["报警人要求民警到场", "需民警现场协调"], ["你们派人来看看", "派个警察来嘛"]),
}


SUBTYPES: dict[str, dict] = {
    "power_outage": {
        "w": 1.5,
        "divert": "utility",
        "r": ["{place_a}停电{outage_for}", "报警人家中停电", "片区大面积停电"],
        "s": ["我们这停电了", "停电{outage_for}了都没人管", "家里没电了"],
    },
    "water_outage": {
        "w": 1.2,
        "divert": "utility",
        "r": ["{place_a}停水{outage_for}", "自来水管爆裂"],
        "s": ["我们这停水了", "水管爆了水一直流"],
    },
    "gas_internet": {
        "w": 0.6,
        "divert": "utility",
        "r": ["天然气停供", "宽带断网", "暖气不热"],
        "s": ["我家燃气打不着", "网断了", "暖气不热"],
    },
    "id_hukou_visa": {
        "w": 1.0,
        "divert": "12345",
        "hours": "work",
        "r": ["咨询身份证办理", "咨询户口迁移", "咨询签证办理", "咨询居住证"],
        "s": ["我想问下身份证咋办", "户口迁移要啥材料", "护照怎么办"],
        "pii": ("idno",),
        "pii_p": 0.2,
    },
    "price_service_complaint": {
        "w": 1.0,
        "divert": "12345",
        "r": ["投诉{shop}乱收费", "投诉{shop}服务态度差"],
        "s": ["我要投诉{shop}乱收费", "那个{shop}服务太差了"],
        "slots": {"shop": ["医院", "银行", "景区", "停车场", "驾校", "快递公司"]},
    },
    "street_vendor": {
        "w": 1.0,
        "divert": "city_management",
        "grid": {"commercial": 2.5},
        "r": ["路边流动摊贩占道经营", "有人在门口摆摊"],
        "s": ["门口有人摆摊堵路", "摊贩占道"],
    },
    "garbage_stray": {
        "w": 0.8,
        "divert": "city_management",
        "r": ["路边垃圾无人清运", "有流浪狗在小区游荡"],
        "s": ["垃圾好几天没人收", "有条流浪狗"],
    },
    "road_facility": {
        "w": 0.8,
        "divert": "city_management",
        "r": ["路灯损坏", "路面有坑", "树木倒伏挡路", "井盖缺失"],
        "s": ["路灯坏了", "路上有个大坑", "树倒了"],
    },
    "construction_noise": {
        "w": 0.8,
        "divert": "city_management",
        "hours": "night",
        "r": ["工地夜间施工噪音扰民"],
        "s": ["工地半夜还在施工"],
    },
    "move_car": {
        "w": 1.2,
        "divert": "122",
        "pii": ("plate",),
        "pii_p": 0.6,
        "r": ["车辆被堵需挪车，车牌{plate}", "有车堵住出口"],
        "s": ["有车堵住我了，帮我找下车主", "车牌{plate}的车挡我路了"],
    },
    "building_matter": {
        "w": 0.6,
        "divert": "property",
        "grid": {"residential": 2.0},
        "r": ["楼道灯坏", "小区门禁坏了"],
        "s": ["楼道灯坏了", "门禁坏了进不去"],
    },
    "misdial_silent": {
        "w": 1.5,
        "divert": "none",
        "r": ["无声电话", "误拨", "报警人称拨错号码"],
        "s": ["不好意思打错了", "喂？……", "没事没事按错了"],
    },
    "prank": {
        "w": 0.6,
        "divert": "none",
        "r": ["骚扰电话，来电人无事", "小孩玩手机拨打"],
        "s": ["嘿嘿嘿你猜我是谁", "我就想试试能不能打通"],
    },
}
for _spec in SUBTYPES.values():
    _spec.setdefault("slots", {})["place_a"] = ["{P}", "小区", "整栋楼"]
