"""Fragments shared by every sub-type: places, people, voice frames, speech noise.

Slot syntax is ``{name}``; a slot is filled by picking one entry of the list of that name
(entries may hold further slots). Names of dynamic slots (phones, amounts, clock times...)
are generated in code, see ``slots._SPECIALS``.
"""

from __future__ import annotations


def words(text: str) -> list[str]:
    """Split a space-separated fragment list (easier to write and read than quotes)."""
    return text.split()


def extend_subtypes(subtypes: dict[str, dict], more: dict[str, dict]) -> None:
    """Add ``more`` into ``subtypes``: lists are concatenated, other values replaced."""
    for name, extra in more.items():
        spec = subtypes.setdefault(name, {})
        for key, value in extra.items():
            spec[key] = spec.get(key, []) + value if isinstance(value, list) else value


W = words

SURNAMES = list(
    "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤岩刀罕"
)

ROAD_STEMS = words(
    "解放 人民 中山 建设 和平 胜利 文化 北京 南京 振兴 新华 东风 长江 黄河 青年 光明 幸福 团结 "
    "迎宾 滨江 环城 茶城 思茅 月光 民主 朝阳 友谊 红旗 工农 复兴 学府 科技 创业 金鸡 凤凰 龙潭 "
    "翠湖 南屏 西环 北环 东环 宝石 石油 鹿鸣 滇南 普洱 锦华 太和 永宁 安康 育才 兴隆 财富 世纪 "
    "园林 花园 金沙 银河 体育 车站 机场 港湾 梅子 茶苑 五一 八一 建国 广场 新民 振华 春城 "
    "白塔 西湖 东湖 南湖 北湖 沿江 临江 望江 江北 河西 城南 城北 桃源 杏林 紫荆 木棉 梧桐 "
    "香樟 松林 竹园 玉泉 温泉 金星 红星 东方 前进 新村 长城 华山 泰山 昆仑 天山 珠江 湘江"
)
ROAD_SUFFIX = words("路 路 路 街 街 大道 大街 巷 东路 西路 南路 北路 中路 一路 二路 三路 支路")
ESTATE_STEMS = words(
    "阳光 金色 碧桂 万科 恒大 保利 绿地 香榭 锦绣 翠湖 龙湖 中海 紫薇 桂花 玉兰 海棠 丽景 "
    "康乐 和谐 幸福 书香 怡园 东方 北辰 南湖 兰亭 水岸 江南 世纪 盛世 茶城 温泉 馨园 "
    "金港 银座 明珠 滨河 florence 星河 天悦 华庭 御景 润城 新城 金地 蓝湾 景苑 绿洲 "
    "春天 秀水 清风 和园 福苑 安居 宜家 康城 翡翠 碧水 山水 云景 雅苑 嘉禾 "
    "铁路 电力 烟草 粮食局 供销社 人民医院 教师 税务 交警 林业 自来水厂"
)
ESTATE_STEMS.remove("florence")
ESTATE_SUFFIX = words(
    "小区 小区 小区 花园 苑 家园 新村 公寓 名都 华府 雅居 嘉园 城 府 宿舍 家属院 一期 二期"
)
MALLS = words(
    "万达广场 万象城 步行街 沃尔玛 华联超市 永辉超市 苏宁电器 国美电器 百货大楼 农贸市场 "
    "菜市场 小商品城 购物中心 家乐福 大润发 银泰城 吾悦广场 宝龙广场 新华书店 "
    "手机城 服装城 茶叶市场 家具城 电脑城 美食街 商业街 奶茶店 便利店 肯德基 麦当劳 "
    "药店 水果店 服装店 金店 蛋糕店 火锅店 刀削面馆 米线店 理发店 美甲店 "
    "商场 夜市 花鸟市场 二手市场 建材市场 汽车4S店"
)
NIGHT_VENUES = words(
    "KTV 酒吧 夜总会 清吧 迪厅 网吧 足浴店 烧烤摊 大排档 夜宵店 麻将馆 台球厅 "
    "酒店 宾馆 洗浴中心 LiveHouse 小酒馆 烧烤店 火锅店 棋牌室 电玩城 歌舞厅"
)
VENUE_STEMS = words(
    "金樽 星光 皇冠 蓝调 夜色 金色年华 欢乐迪 麦乐迪 纯K 好乐迪 乐巢 魅力 红馆 兰桂坊 "
    "老地方 一品 聚缘 大众 金鼎 天上人间 宝格丽 MIX 1988 小胖 老街 城南 东北 老王 阿强"
)
INDUSTRIAL = words(
    "工业园 产业园 物流园 开发区 建材市场 工地 砖厂 茶厂 食品厂 木材厂 电子厂 "
    "汽修厂 水泥厂 纸箱厂 仓库 货运站 加工厂 化工园区 钢材市场 搅拌站"
)
VILLAGE_STEMS = words(
    "大寨 小寨 新寨 老寨 坡脚 龙洞 石头 三家 河边 田坝 松山 竹林 茶山 马鹿 白马 "
    "倚象 南屏 云仙 龙潭 六顺 思茅港 曼中田 那澜 大河 小河 上寨 下寨 中寨 杨柳 团山"
)
VILLAGE_SUFFIX = words("村 村 村委会 村民小组 寨 组 镇 乡 社区")
HUBS = words(
    "火车站 高铁站 汽车客运站 长途汽车站 客运南站 客运北站 机场 地铁站 公交总站 "
    "城际公交站 火车北站 高铁南站 旅游集散中心 码头 出租车停靠点"
)

COMMON: dict[str, list[str]] = {
    # ---- place building blocks ---------------------------------------------------------------
    "road": ["{rstem}{rsuf}"] * 6
    + ["{rstem}{rsuf}与{rstem}{rsuf}交叉口", "{rstem}{rsuf}{n_small}号"],
    "rstem": ROAD_STEMS,
    "rsuf": ROAD_SUFFIX,
    "estate": ["{estem}{esuf}"],
    "estem": ESTATE_STEMS,
    "esuf": ESTATE_SUFFIX,
    "mall": MALLS,
    "venue": ["{vstem}{vkind}", "{vstem}{vkind}", "{rstem}{vkind}", "一家{vkind}"],
    "vstem": VENUE_STEMS,
    "vkind": NIGHT_VENUES,
    "ind": ["{rstem}{indk}", "{estem}{indk}", "{indk}"],
    "indk": INDUSTRIAL,
    "village": ["{vilstem}{vilsuf}"],
    "vilstem": VILLAGE_STEMS,
    "vilsuf": VILLAGE_SUFFIX,
    "hub": HUBS,
    # place per grid kind (generated when the city passes no place)
    "place_residential": ["{road}{estate}", "{estate}", "{road}{estate}", "{road}"],
    "place_commercial": ["{road}{mall}", "{mall}", "{rstem}{mall}", "{road}"],
    "place_nightlife": ["{road}{venue}", "{venue}", "{road}", "{rstem}夜市"],
    "place_industrial": ["{road}{ind}", "{ind}", "{rstem}{indk}"],
    "place_village": ["{vilstem}{vilsuf}", "{vilstem}村{vilstem}组", "{rstem}镇{vilstem}村"],
    "place_transport_hub": ["{hub}", "{rstem}{hub}", "{hub}", "{road}{hub}"],
    # spots appended to a place, per grid kind
    "spot_residential": [
        "",
        "",
        "{bldg}",
        "{bldg}",
        "{n_small}栋楼下",
        "{n_small}号楼",
        "大门口",
        "北门",
        "南门",
        "地下车库",
        "小区广场",
        "{n_small}单元楼道",
        "车棚",
        "楼下",
        "后门",
        "菜鸟驿站旁",
        "{bldg}",
        "{n_small}幢{n_small}楼",
        "附近",
    ],
    "spot_commercial": [
        "",
        "",
        "{n_small}楼",
        "一楼",
        "东门",
        "西门",
        "门口",
        "停车场",
        "负一楼",
        "收银台",
        "{n_small}号门",
        "附近",
        "广场",
        "{n_small}号商铺",
        "服装区",
        "美食区",
    ],
    "spot_nightlife": [
        "",
        "",
        "门口",
        "3号包厢",
        "包厢内",
        "大厅",
        "吧台",
        "后巷",
        "门前",
        "附近",
        "停车场",
        "对面",
        "{n_small}楼",
        "卡座",
    ],
    "spot_industrial": [
        "",
        "",
        "{n_small}号车间",
        "大门口",
        "宿舍",
        "仓库",
        "工地门口",
        "办公室",
        "{n_small}号厂房",
        "食堂",
        "围墙边",
        "项目部",
    ],
    "spot_village": [
        "",
        "",
        "{n_small}组",
        "村口",
        "家中",
        "田边",
        "茶园",
        "鱼塘边",
        "山脚",
        "路口",
        "村委会门口",
        "小卖部",
        "晒场",
    ],
    "spot_transport_hub": [
        "",
        "",
        "进站口",
        "出站口",
        "售票厅",
        "候车室",
        "{n_small}号候车厅",
        "停车场",
        "出租车上客区",
        "广场",
        "地下通道",
        "公交站台",
        "安检口",
        "行李寄存处",
    ],
    # ---- people ------------------------------------------------------------------------------
    "nm": [
        "{sur}某",
        "{sur}某",
        "{sur}某某",
        "{sur}某某",
        "{sur}某（男，{age_adult}）",
        "{sur}某（女，{age_adult}）",
        "XX",
    ],
    "sur": SURNAMES,
    "man": [
        "一男子",
        "一名男子",
        "一中年男子",
        "一青年男子",
        "一名年轻男子",
        "一男的",
        "一名光头男子",
        "一名戴帽子的男子",
        "一名穿黑衣服的男子",
        "一名外地口音男子",
        "一名醉酒男子",
        "一老年男子",
    ],
    "woman": [
        "一女子",
        "一名女子",
        "一中年妇女",
        "一名年轻女子",
        "一女的",
        "一名老年妇女",
        "一名穿红衣服的女子",
        "一名长发女子",
    ],
    "person": ["{man}", "{woman}", "一人", "一名路人", "一名群众"],
    "crowd": ["{few}人", "{few}名男子", "一伙人", "一群年轻人", "{few}个小青年", "几名社会人员"],
    "few": ["两", "三", "三四", "四五", "五六", "七八", "十几", "两三", "好几"],
    "age_adult": W("{n_age}岁 约{n_age}岁 {n_age}岁 三十多岁 四十多岁 二十来岁 五十多岁 六十多岁"),
    "n_age": [
        "22",
        "25",
        "28",
        "30",
        "33",
        "35",
        "38",
        "40",
        "42",
        "45",
        "48",
        "50",
        "52",
        "55",
        "58",
        "60",
        "19",
        "26",
        "31",
        "36",
        "44",
        "47",
    ],
    "old_age": [
        "70多岁",
        "80多岁",
        "75岁",
        "82岁",
        "68岁",
        "90岁",
        "七十多岁",
        "八十来岁",
        "六十多岁",
    ],
    "kid_age": ["3岁", "5岁", "6岁", "七八岁", "十来岁", "4岁", "8岁", "9岁", "12岁", "两岁多"],
    "rel": [
        "老公",
        "老婆",
        "儿子",
        "女儿",
        "妈",
        "爸",
        "老爸",
        "老妈",
        "婆婆",
        "公公",
        "丈夫",
        "妻子",
        "哥哥",
        "弟弟",
        "姐姐",
        "妹妹",
        "女婿",
        "儿媳",
        "岳母",
        "小舅子",
        "侄子",
        "孙子",
    ],
    "elder": [
        "老人",
        "老父亲",
        "老母亲",
        "奶奶",
        "爷爷",
        "外婆",
        "外公",
        "老太太",
        "老大爷",
        "老伴",
    ],
    "kid": ["孩子", "儿子", "女儿", "小孩", "孙子", "孙女", "外孙", "娃", "娃娃"],
    # ---- numbers that are NOT personal data ----------------------------------------------------
    "n_small": [str(i) for i in range(1, 19)],
    "n_big": [str(i) for i in (101, 102, 203, 205, 301, 306, 666, 888, 808, 502, 211, 318)],
    "bus": [
        "{n_small}路公交车",
        "K{n_small}路公交",
        "{n_big}路公交车",
        "地铁{n_small}号线",
        "B{n_small}路车",
        "机场大巴",
    ],
    "ago": [
        "刚才",
        "刚刚",
        "十分钟前",
        "半小时前",
        "二十分钟前",
        "一个小时前",
        "刚才不久",
        "几分钟前",
        "{clock}左右",
        "{clock}",
        "今天{daypart_now}",
        "昨天{daypart}",
    ],
    "daypart": ["上午", "下午", "晚上", "中午", "凌晨", "早上"],
    "case_no": [
        "订单号{digits8}",
        "快递单号SF{digits8}{digits4}",
        "工号{digits4}",
        "车次G{digits4}",
        "发票号{digits8}",
        "房号{n_big}",
        "桌号{n_small}",
    ],
    # ---- generic connectors -------------------------------------------------------------------
    "req_n": [
        "请求出警",
        "要求民警到场处理",
        "请求处理",
        "要求出警",
        "请派人处理",
        "请民警尽快到场",
        "要求警方处理",
        "请求帮助",
        "",
        "",
    ],
    "req_r": ["", "", "", "请求出警", "要求处理", "需民警到场"],
    "lead_n": [
        "报警人称",
        "报警人称",
        "来电人反映",
        "报警人报称",
        "群众报警称",
        "报警人{nm}称",
        "来电人称",
        "报警人反映",
        "一{sexw}来电称",
        "报警人来电称",
        "报警人报警称",
        "来电群众反映",
        "报警人{nm}报称",
    ],
    "sexw": ["男子", "女子", "名男子", "名女子", "市民", "老人"],
    # speech pieces
    "hello": [
        "喂，",
        "喂，",
        "喂喂，",
        "喂你好，",
        "你好，",
        "警察同志，",
        "喂是110吗，",
        "110吗，",
        "喂，警察吗，",
        "",
        "",
        "哎，",
        "同志你好，",
        "警官，",
        "喂喂喂，",
    ],
    "F": [
        "",
        "",
        "",
        "",
        "那个",
        "就是",
        "嗯",
        "呃",
        "那个，",
        "就是说",
        "哎呀",
        "这个",
        "然后",
        "反正",
        "那个那个",
    ],
    "plea": [
        "你们快点来啊",
        "麻烦你们来一下",
        "赶紧派人过来",
        "快点来人啊",
        "你们过来看看嘛",
        "这咋整啊",
        "咋办啊",
        "你们管不管啊",
        "求求你们快来",
        "能不能派个人来",
        "帮帮忙嘛",
        "你们来处理一下",
        "快点快点",
        "我该咋办",
        "",
        "麻烦快点",
        "派个警察来嘛",
    ],
    "where_s": [
        "我在{P}这边",
        "我在{P}",
        "地址是{P}",
        "就在{P}",
        "{P}这里",
        "我这是{P}",
        "位置在{P}",
        "在{P}这儿",
        "我现在在{P}",
    ],
    "where_n": ["在{P}", "于{P}", "其在{P}", "在{P}附近", "{P}"],
}

# Record voice masks names and sometimes places with XX.
RECORD_SLOTS: dict[str, list[str]] = {
    "rstem": ROAD_STEMS + ["XX"] * 20,
    "estem": ESTATE_STEMS + ["XX"] * 20,
    "vstem": VENUE_STEMS + ["XX"] * 8,
    "vilstem": VILLAGE_STEMS + ["XX"] * 8,
    "who": ["报警人", "报警人", "事主", "报警人{nm}", "{nm}", "当事人"],
    "whose": ["报警人", "事主", "{nm}", "报警人"],
}
NOTE_SLOTS: dict[str, list[str]] = {
    "who": ["其", "其", "自己", "其本人", "其"],
    "whose": ["其", "其", "自己的", "其家人"],
}
SPEECH_SLOTS: dict[str, list[str]] = {
    "who": ["我"],
    "whose": ["我", "我的", "我们家"],
    "nm": [
        "{sur}某某",
        "老{sur}",
        "{sur}师傅",
        "小{sur}",
        "{sur}大姐",
        "{sur}老板",
        "那个姓{sur}的",
    ],
    "man": [
        "一个男的",
        "一个男的",
        "有个男的",
        "一个小伙子",
        "一个老头",
        "一个光头",
        "有个人",
        "一个喝醉的男的",
        "一个穿黑衣服的",
        "一个外地人",
    ],
    "woman": ["一个女的", "有个女的", "一个大妈", "一个小姑娘", "一个老太太"],
    "crowd": ["一帮人", "好几个人", "一群小年轻", "一伙人", "{few}个人", "一堆人"],
}

# Record frames; {P} = place with spot, {R} = assembled clauses.
RECORD_FRAMES = [
    "{P}，{R}。",
    "{P}，{R}。",
    "{P}，{R}。",
    "{P}：{R}。",
    "{clock}许，{P}，{R}。",
    "{P}附近，{R}。",
    "{P}，{R}。{req_r}",
    "{clock}，{P}，{R}。",
]
NOTE_FRAMES = [
    "{lead_n}{where_n}，{R}，{req_n}。",
    "{lead_n}{ago}{where_n}{R}，{req_n}。",
    "{lead_n}{R}，地点{P}，{req_n}。",
    "{lead_n}{where_n}{R}。",
    "{lead_n}{ago}{R}，位置：{P}。",
    "{lead_n}：{R}，地址{P}。{req_n}",
    "{lead_n}{R}（{P}）。",
]
SPEECH_FRAMES = [
    "{hello}{F}{S}，{F}{where_s}，{plea}",
    "{hello}{where_s}，{F}{S}，{plea}",
    "{hello}{F}{S}。{where_s}。{plea}",
    "{hello}{S}，{where_s}啊，{plea}",
    "{hello}{F}{where_s}，{S}，{F}{plea}",
    "{hello}{F}{S}，{F}{plea}，{where_s}",
]

# Regional speech: pairs applied with str.replace to the whole utterance.
DIALECTS: list[list[tuple[str, str]]] = [
    [("什么", "啥"), ("怎么办", "咋整"), ("怎么", "咋"), ("我们", "俺们"), ("我", "俺")],
    [("什么", "啥子"), ("没有", "莫得"), ("知道", "晓得"), ("怎么", "咋个"), ("不要", "莫要")],
    [("什么", "么子"), ("干什么", "搞么子"), ("没有", "冇得"), ("知道", "晓得")],
    [("怎么办", "咋办"), ("什么", "啥"), ("没有", "没得"), ("这里", "这搭"), ("很", "贼")],
    [("什么", "啥"), ("东西", "玩意儿"), ("怎么", "咋"), ("弄", "整"), ("很", "老")],
    [("不知道", "不晓得"), ("我们", "阿拉"), ("什么", "啥"), ("没有", "没")],
]
# Speech-recognition homophone slips (correct, heard).
HOMOPHONES: list[tuple[str, str]] = [
    ("在", "再"),
    ("的", "地"),
    ("他", "她"),
    ("已经", "以经"),
    ("报警", "抱警"),
    ("小区", "小曲"),
    ("电动车", "电动扯"),
    ("钱包", "前包"),
    ("手机", "首机"),
    ("现在", "现再"),
    ("马上", "马桑"),
    ("警察", "井察"),
    ("派出所", "派出锁"),
    ("老公", "老工"),
    ("门口", "门扣"),
    ("楼下", "楼夏"),
    ("喝醉", "喝最"),
    ("打架", "打家"),
    ("邻居", "林居"),
    ("受伤", "受上"),
    ("孩子", "还子"),
    ("快点", "块点"),
    ("位置", "位子"),
    ("知道", "知到"),
    ("那个", "那各"),
    ("就是", "就事"),
    ("偷", "头"),
    ("银行卡", "银行咖"),
    ("微信", "威信"),
    ("支付宝", "支付包"),
    ("转账", "转帐"),
    ("停电", "停店"),
    ("小孩", "小还"),
    ("出来", "出赖"),
    ("一直", "一只"),
    ("东西", "东溪"),
]
# Words that become English/latin in speech.
LATIN: list[tuple[str, str]] = [
    ("手机", "iPhone"),
    ("微信", "WeChat"),
    ("取款机", "ATM"),
    ("无线网", "WiFi"),
    ("应用", "App"),
    ("视频", "video"),
    ("好的", "OK"),
    ("卡拉OK", "KTV"),
    ("打车软件", "滴滴App"),
]

# ---- more phrasing variants ------------------------------------------------------------------
RECORD_FRAMES += W(
    "{P}{R}。 接报：{P}，{R}。 {R}。地点：{P}。 {clock}，{R}（{P}）。 报警人于{clock}报警：{P}，{R}。 "
    "{P}（{grid_hint}），{R}。"
)
NOTE_FRAMES += W(
    "{lead_n}{R}。{where_n}。 {lead_n}{ago}在{P}，{R}，{req_n}。 来电：{R}，地址：{P}，{req_n}。 "
    "{lead_n}{R}，现场位于{P}。 {lead_n}{R}，{req_n}，报警地址{P}。 {lead_n}在{P}，{R}。"
)
SPEECH_FRAMES += W(
    "{hello}我要报警，{S}，{where_s}，{plea} {hello}{F}我跟你说，{S}，{where_s} {S}，{where_s}，{plea} "
    "{hello}{F}{S}……{where_s}……{plea} {hello}{F}{S}，{F}{S_tail}，{where_s}"
)
COMMON["grid_hint"] = W("辖区 网格内 路段 片区")
COMMON["S_tail"] = W("你们听到没有 喂喂你听得到吗 我好害怕 我都不知道咋办了 真的是 我现在好慌")
COMMON["hello"] += W(
    "喂喂，听得到吗， 喂，我要报警， 是派出所吗， 你好我报个警， 那个警察同志啊， 喂110啊， "
    "喂，你好你好， 警察叔叔， 喂是警察吗，"
)
COMMON["F"] += W("嗯嗯 啊 呃呃 那什么 怎么说呢 对对 就是那个 我跟你讲 你听我说 哎")
COMMON["plea"] += W(
    "你们赶紧来 求你们了 搞快点 快点哦 整快点 我在这等着 能不能快点 莫挂电话啊 你们到底来不来 "
    "赶紧的 拜托拜托"
)
COMMON["where_s"] += W("我在{P}等你们 {P}，你们晓得不 在{P}旁边 就是{P}那里 地址{P} 我们在{P}这块")
COMMON["lead_n"] += W("报警人（女）称 报警人（男）称 110转来：报警人称 事主来电称 知情人反映")
COMMON["req_n"] += W("请求警方协助 要求派员处置 请尽快处理")
DIALECTS += [
    [("什么", "啥"), ("干什么", "干哈"), ("很", "贼"), ("弄", "整"), ("怎么", "咋")],
    [("什么", "啥子"), ("怎么办", "咋个办"), ("没有", "莫得"), ("知道", "晓得"), ("快点", "快些")],
    [("没有", "冇"), ("什么", "乜"), ("这里", "呢度"), ("不知道", "唔知")],
    [("我", "额"), ("什么", "啥"), ("很", "嫑太")],
    [("知道", "晓得"), ("什么", "么事"), ("怎么", "么样"), ("没有", "冇得")],
]
HOMOPHONES += [
    ("抢", "枪"),
    ("跑", "泡"),
    ("血", "雪"),
    ("摔倒", "甩倒"),
    ("晕倒", "云倒"),
    ("钥匙", "要是"),
    ("电梯", "点梯"),
    ("救护车", "就护车"),
    ("赶紧", "感紧"),
    ("师傅", "师父"),
    ("工资", "公资"),
    ("房东", "方东"),
    ("垃圾", "拉基"),
    ("路灯", "路登"),
    ("骗", "片"),
    ("刚才", "刚菜"),
    ("吵", "炒"),
    ("噪音", "造音"),
    ("停车", "挺车"),
    ("咨询", "资讯"),
    ("老人", "老任"),
    ("喝酒", "和酒"),
]
LATIN += [("卡拉OK", "KTV"), ("视频", "VIDEO"), ("网吧", "net吧"), ("二维码", "QR码")]

# Short calls: no place, or almost nothing but the event.
RECORD_FRAMES += W("{R}。 {R}，位置不详。")
NOTE_FRAMES += W("{lead_n}{R}。 {lead_n}{R}，具体位置说不清。")
SPEECH_FRAMES += W("{hello}{S} {S}，{plea} {hello}{F}{S}，{F}{S_tail}")

# Calls handed over from the 12345 government hotline, as real exports open them.
HOTLINE_LEADS = [
    "12345台{n}号工单交办：市民反映，",
    "12345热线转办：市民反映",
    "12345台交办：来电人反映，",
    "12345平台{n}号工单：市民来电反映，",
]

# Records that open with who reported it (报警人称 …) and close with the call taker's stock
# phrases; a record's own subject after the lead is dropped (texts._fold_lead).
RECORD_FRAMES += W(
    "{P}，{lead_r}{R}。 {P}，{lead_r}{R}，{tail_r}。 {clock}许，{P}，{lead_r}{R}。 {P}，{R}，{tail_r}。 "
    "{P}，{lead_r}{R}。{tail_r}。"
)
COMMON["lead_r"] = W(
    "报警人称 报警人称 报警人报称 报警人反映 事主称 来电人称 报警人（女）称 报警人（男）称 知情人报称"
)
COMMON["tail_r"] = W(
    "其余情况不清 具体情况拒讲 要求民警到场处理 请派员处置 现场情况不明 报警人在现场等候 详情不清 报警人要求出警"
)
