"""Where an event happens: spots appended to a grid's place name, chosen by the event.

A neighbour-noise call in a nightlife grid still happens in a home ("北环清吧旁居民楼3栋"),
not in a karaoke booth; a street vendor is on the street, wage arrears are at a work site.
Each sub-type names a location class (``LOC``); the spot appended to the place name comes
from ``SPOTS[loc][place_type]``, where the place type is read off the place name itself
(``place_type``), so the grid's own names are always kept. Sub-types without a class keep
the grid kind's spot lists of ``common.py``.
"""

from __future__ import annotations

from training.simulator.text_fragments.common import words as W

_ROAD_ENDS = ("路", "街", "大道", "大街", "巷", "道")
_ESTATE_ENDS = W("小区 花园 苑 家园 新村 公寓 名都 华府 雅居 嘉园 府 宿舍 家属院 一期 二期 城 园")
_VILLAGE_ENDS = ("村", "组", "寨", "村委会", "乡", "镇", "村民小组", "社区")
_MALL_CITIES = ("万象城", "银泰城", "小商品城", "服装城", "手机城", "电脑城", "家具城", "电玩城")


def place_type(place: str) -> str:
    """Kind of a place name: ``estate``, ``road``, ``village`` or ``venue`` (any landmark).

    Why: the spot must fit the name it is appended to ("XX小区3栋", "XX路路边").
    """
    if not place:
        return "road"
    if place.endswith("号") or place.endswith(_ROAD_ENDS) or place.endswith("交叉口"):
        return "road"
    if place.endswith(_MALL_CITIES):
        return "venue"
    if place.endswith(tuple(_ESTATE_ENDS)):
        return "estate"
    if place.endswith(_VILLAGE_ENDS):
        return "village"
    return "venue"


PLACE_TYPES = ("estate", "road", "village", "venue")

SPOTS: dict[str, dict[str, list[str]]] = {
    "home": {
        "estate": W(
            "{bldg} {bldg} {bldg} {n_small}栋{n_small}单元 {n_small}号楼 {bldg}室内 {n_small}幢 "
            "{n_small}栋楼道 {bldg}家中"
        )
        + [""],
        "road": W(
            "{n_small}号院{n_small}栋 旁居民楼{bldg} 附近居民楼 {n_small}号{n_small}楼 一出租屋内 "
            "沿街居民楼{n_small}楼 {n_small}号院内 旁边的老小区{bldg}"
        )
        + [""],
        "venue": W(
            "旁居民楼{bldg} 楼上住户家 后面的居民楼 附近小区{bldg} 隔壁民房 旁边宿舍楼{n_small}楼 "
            "对面居民楼{bldg}"
        ),
        "village": W("家中 {n_small}组家中 村民家中 {n_small}号民房 自建房内 老宅 院子里") + [""],
    },
    "compound": {
        "estate": W(
            "大门口 北门 南门 地下车库 小区广场 {n_small}单元楼道 车棚 {n_small}栋楼下 楼下 后门 "
            "{n_small}号楼前 物业办公室门口 快递柜旁"
        )
        + ["", ""],
        "road": W("{n_small}号院 旁小区门口 附近小区楼下 {n_small}号院车棚 老小区院内") + [""],
        "venue": W("旁边小区 后面小区楼下 附近小区门口 旁宿舍区") + [""],
        "village": W("村口 {n_small}组 村委会门口 晒场 家门口 院坝") + [""],
    },
    "street": {
        "estate": W("门口 大门外 门口路边 外面马路上 北门外 南门外路边 门口公交站") + [""],
        "road": W("路边 路口 人行道上 公交站旁 十字路口 {n_small}号门前 天桥下 桥头") + ["", ""],
        "venue": W("门口 门前路边 外面马路上 对面路边 旁边巷子里 门口停车场") + [""],
        "village": W("村口 路边 村道上 桥头 小卖部门口 路口") + [""],
    },
    "shop": {
        "estate": W("门口商铺 底商{n_small}号铺面 旁边一店铺内 沿街商铺 门口小超市"),
        "road": W("一商铺内 {n_small}号店内 路边一家店里 沿街门面 {n_small}号铺面"),
        "venue": W("店内 收银台 一楼 门口 里面 {n_small}楼 前台") + ["", ""],
        "village": W("小卖部 村口商店 集市上 农资店"),
    },
    "venue": {
        "estate": W("旁的烧烤店 门口夜宵摊 底商一KTV 附近棋牌室 门口大排档"),
        "road": W("一KTV内 一酒吧门口 路边烧烤摊 一夜宵店 一网吧内 一家足浴店"),
        "venue": W("包厢内 大厅 门口 吧台 卡座 {n_small}号包厢 后巷 {n_small}楼") + ["", ""],
        "village": W("农家乐 小卖部 村里棋牌室 烧烤摊"),
    },
    "work": {
        "estate": W("在建楼栋 小区工地 物业办公室 项目部"),
        "road": W("一工地 路边工地 一厂房内 一仓库 {n_small}号厂区 工地门口"),
        "venue": W("{n_small}号车间 仓库 工地门口 办公室 宿舍 项目部 {n_small}号厂房 食堂")
        + ["", ""],
        "village": W("砖厂 茶厂 村里的工地 养殖场 采石场"),
    },
    "field": {
        "estate": W("后面的空地 旁边菜地 附近的荒地"),
        "road": W("旁的菜地 附近田里 路边地里"),
        "venue": W("后面的菜地 附近的茶地 旁边地里"),
        "village": W("田边 茶地 菜地里 地头 鱼塘边 山脚 {n_small}组田边 玉米地 果园") + [""],
    },
    # Phone-only events (frauds, questions): the caller's whereabouts, if anything.
    "none": {
        "estate": ["", "", "家中", "{bldg}"],
        "road": ["", "", "附近"],
        "venue": ["", "", "附近"],
        "village": ["", "家中", ""],
    },
}

# Location class of each sub-type; sub-types not listed keep the grid kind's spots.
LOC: dict[str, str] = {
    # criminal
    "burglary": "home",
    "home_robbery": "home",
    "domestic_violence_injury": "home",
    "ebike_theft": "compound",
    "vehicle_break_in": "street",
    "snatching": "street",
    "plate_fuel_theft": "street",
    "telecom_fraud": "none",
    "online_fraud": "none",
    "photo_extortion": "none",
    "online_gambling_fraud": "none",
    "extortion": "none",
    "cable_theft": "work",
    "livestock_theft": "field",
    "employee_theft": "shop",
    "counterfeit_money": "shop",
    "elderly_product_scam": "shop",
    "drunk_driving": "street",
    # public order
    "party_noise": "home",
    "square_dance": "compound",
    "gambling": "venue",
    "petty_shoplifting": "shop",
    "touting": "street",
    "illegal_taxi": "street",
    "drunk_ebike": "street",
    "road_blocking": "street",
    "trespass": "compound",
    "dangerous_dog_walk": "compound",
    "peeping": "home",
    "object_throwing": "compound",
    "suspicious_person": "compound",
    "drunk_trouble": "venue",
    "drug_use": "venue",
    # dispute
    "neighbour_noise": "home",
    "neighbour_leak": "home",
    "parking_dispute": "compound",
    "family_quarrel": "home",
    "customer_dispute": "shop",
    "unpaid_wages": "work",
    "workplace_comp": "work",
    "landlord_tenant": "home",
    "property_mgmt": "compound",
    "land_dispute": "field",
    "livestock_dispute": "field",
    "renovation_contract": "home",
    "bride_price": "home",
    "inheritance": "home",
    "partnership": "shop",
    "pet_dispute": "compound",
    "utility_cutoff_dispute": "compound",
    "traffic_scrape": "street",
    "delivery_dispute": "compound",
    "dog_bite_comp": "compound",
    # assistance
    "locked_out": "home",
    "home_accident": "home",
    "welfare_check": "home",
    "elderly_fall": "home",
    "gas_poisoning": "home",
    "snake_in_house": "home",
    "drunk_lying": "street",
    "vehicle_breakdown": "street",
    "missing_elderly": "compound",
    "work_injury": "work",
    "lost_phone_dead": "street",
    # non-police
    "power_outage": "home",
    "water_outage": "home",
    "gas_internet": "home",
    "building_matter": "compound",
    "street_vendor": "street",
    "road_facility": "street",
    "traffic_signal": "street",
    "move_car": "compound",
    "construction_noise": "home",
    "night_site_noise": "home",
    "misdial_silent": "none",
    "prank": "none",
    "id_hukou_visa": "none",
    "general_inquiry": "none",
    "traffic_violation_query": "none",
    "certificate_request": "none",
    "directions": "street",
    "taxi_complaint": "none",
    "price_service_complaint": "none",
}
