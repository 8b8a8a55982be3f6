"""警情类别 / 警情类型 of each sub-type, as a real export would code the call.

Every pair maps, through the shipped national label map, to the sub-type's own category
(a test checks it), so simulated records carry coding consistent with their labels.
"""

from __future__ import annotations

_CRIMINAL = {
    "盗窃": "pickpocket burglary ebike_theft vehicle_break_in cable_theft livestock_theft "
    "employee_theft plate_fuel_theft",
    "抢劫": "robbery home_robbery",
    "抢夺": "snatching",
    "诈骗": "telecom_fraud online_fraud elderly_product_scam online_gambling_fraud",
    "伤害": "assault_injury domestic_violence_injury stabbing",
    "强奸": "sexual_assault",
    "绑架": "kidnapping",
    "纵火": "arson",
    "贩毒": "drug_dealing",
    "敲诈勒索": "extortion photo_extortion",
    "其它刑警情": "drunk_driving armed_threat property_damage",
}
_PUBLIC_ORDER = {
    "打架斗殴": "fight_no_injury beaten_minor",
    "扰乱秩序": "provocation drunk_trouble touting road_blocking party_noise square_dance",
    "妨碍公务": "obstructing_officers",
    "恐吓": "threat_no_weapon",
    "侵犯人身权利": "harassment peeping",
    "非法侵入他人住宅": "trespass",
    "故意毁坏公私财物": "vandalism",
    "家庭暴力": "domestic_violence",
    "盗窃": "petty_shoplifting",
    "诈骗": "fraud_attempt",
    "赌博": "gambling",
    "制贩、使用假币": "counterfeit_money",
    "色情淫秽": "prostitution indecent_exposure",
    "其它治安警情": "drug_use suspicious_person fireworks dangerous_dog_walk object_throwing "
    "illegal_taxi drunk_ebike",
}
_ASSISTANCE = {
    "走失求助": "missing_child missing_elderly found_person lost_tourist",
    "失物求助": "lost_property",
    "自杀求助": "suicide_threat",
    "开锁求助": "locked_out child_locked_car",
    "其它群众求助": "drunk_lying lift_trapped mental_wandering animal_rescue welfare_check "
    "vehicle_breakdown lost_phone_dead trapped_outdoors snake_in_house",
    # A crash with someone hurt, a power cut that endangers a patient: help for a person by
    # the live-text rules, so coded as a sick person's call.
    "危急病人求助": "collapsed work_injury pregnant_sick_help home_accident elderly_fall "
    "gas_poisoning traffic_injured outage_endangers",
}
_TRAFFIC = {
    "交通事故": "traffic_accident traffic_scrape",
    "交通逃逸": "traffic_hit_run",
    "交通违法": "traffic_violation_query",
    "交通秩序": "traffic_jam move_car",
    "交通设施": "traffic_signal",
}
_FIRE = {"火灾": "fire_report", "抢险救援": "rescue_service"}
_LINKAGE = {
    "水、电、气、热险情求助": (
        "群众求助",
        "power_outage water_outage gas_internet utility_hazard",
    ),
    "环保执法": (
        "社会联动",
        "garbage_stray construction_noise business_noise environment_report",
    ),
    "安全生产监督": ("社会联动", "work_safety"),
    "食品药品管理": ("社会联动", "food_drug"),
    "林水管理": ("社会联动", "forest_water"),
    "文广管理": ("社会联动", "culture_market"),
    "其他投诉监督": ("投诉监督", "official_complaint"),
    "提供线索": ("举报线索", "tip_off"),
    "聚众上访": ("群体事件", "petition_gathering"),
    "其它社会联动": (
        "社会联动",
        "street_vendor road_facility building_matter stray_dog lost_pet certificate_request "
        "id_hukou_visa",
    ),
    "群众投诉": ("投诉监督", "price_service_complaint taxi_complaint"),
    "": ("其他报警类别", "misdial_silent prank general_inquiry directions"),
    "灾害事故": ("灾害事故", "stranded_flood_fire"),
}


def _table() -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for police_class, types in (
        ("刑事案件", _CRIMINAL),
        ("治安警情", _PUBLIC_ORDER),
        ("群众求助", _ASSISTANCE),
        ("交通警情", _TRAFFIC),
        ("消防救援", _FIRE),
    ):
        for police_type, names in types.items():
            for name in names.split():
                out[name] = (police_class, police_type)
    for police_type, (police_class, names) in _LINKAGE.items():
        for name in names.split():
            out[name] = (police_class, "" if police_type == police_class else police_type)
    return out


POLICE_CODES: dict[str, tuple[str, str]] = _table()
# Disputes are coded 治安纠纷 under 治安警情 whatever their kind.
DISPUTE_CODE = ("治安警情", "治安纠纷")
