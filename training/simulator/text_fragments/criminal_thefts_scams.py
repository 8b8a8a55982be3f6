"""Criminal phrasings for criminal.py's sub-types, plus cable, livestock and employee theft,
scams selling products to the elderly and stabbings.

Lists are space-separated (``words``) to keep the module short; entries hold no spaces.
"""

from __future__ import annotations

from training.simulator.text_fragments.common import extend_subtypes
from training.simulator.text_fragments.common import words as W

SLOTS: dict[str, list[str]] = {
    "phone_thing": W(
        "vivo手机 荣耀手机 新买的手机 老人机 钱夹 零钱包 腰包 双肩包 公文包 "
        "装着{amt_s}的钱包 身份证和银行卡 学生证和饭卡 耳机 AirPods 平板"
    ),
    "valuables": W(
        "金耳环 银手镯 现金{amt_b} 一块劳力士手表 游戏机 外卖箱里的货 收银台现金{amt} "
        "单反相机 两台电脑 一箱茅台 几条中华烟 铜线 光伏板 摩托车钥匙 供品和功德箱里的钱"
    ),
    "weapon": W("弹簧刀 剪刀 锤子 镰刀 长刀 自制枪 钢叉 玻璃碎片 螺丝刀 棒球棍 电棍 锄头"),
    "wound": W(
        "头部缝了{n_small}针 胳膊被砍伤 脖子被划伤出血 眼眶骨折 耳朵被咬伤 手掌被刺穿 "
        "腹部被捅伤 嘴唇撕裂 后脑勺起包出血 脚踝骨折 全身多处软组织挫伤并出血"
    ),
    "wound_s": W(
        "胳膊上一大道口子 脖子都被划了 肚子被捅了一下 耳朵被咬掉一块 手都被刺穿了 "
        "头上缝了好几针 浑身是伤 嘴巴都打烂了 眼睛看不清了"
    ),
    "flee": W(
        "嫌疑人翻墙逃走 嫌疑人钻进小巷不见了 嫌疑人骑共享单车跑了 嫌疑人坐上一辆面包车离开 "
        "嫌疑人往{mall}方向跑了 嫌疑人混入人群"
    ),
    "fraud_way": W(
        "冒充银行客服 冒充医保局 冒充航空公司退改签 冒充物流 冒充亲戚借钱 冒充孙子出事 "
        "虚假征信修复 虚假招聘刷单 虚假代办证件 裸聊敲诈 虚假投资虚拟币 冒充淘宝客服退款 "
        "冒充抖音客服 共享屏幕 冒充电力公司退费 虚假办理大额信用卡"
    ),
    "pay": W("QQ转账 网银 抖音钱包 数字人民币 柜台汇款 购买礼品卡"),
    "ebike": W("外卖电动车 快递三轮车 老年代步车 小牛电动车 踏板摩托 电动滑板车 平衡车"),
    "car": W("白色轿车 黑色SUV 银色面包车 皮卡 三轮摩托 大货车 网约车"),
    "caritem": W("儿童座椅 茶叶 后备箱里的货 车载充电器 车牌 备胎 ETC设备 一袋现金"),
    "loss_r": W("涉案价值约{amt} 共计损失{amt} 折合人民币{amt} 现金{amt}及其他物品"),
    "loss_s": W("我全部家当了 孩子学费都在里面 那是我半年的工资 好几千块呢 买了还不到一个月"),
}

SUBTYPES: dict[str, dict] = {
    "pickpocket": {
        "r": W(
            "{who}乘坐{bus}时被扒窃{phone_thing} {who}在{mall}购物时{phone_thing}被盗 "
            "{who}背包拉链被拉开，{phone_thing}被盗 {who}在候车时{phone_thing}被盗，{loss_r} "
            "{who}在人群拥挤处被人顺走{phone_thing} {who}外套口袋被割破，{phone_thing}被盗"
        ),
        "s": W(
            "我刚下车发现{phone_thing}没了 我包拉链被拉开了{phone_thing}不见了 "
            "我衣服口袋被人割了个口子，{phone_thing}没了 我排队买票的时候{phone_thing}被摸了 "
            "哎呀我{phone_thing}被偷了我就转个身 刚才挤车的时候有人掏了我的{phone_thing}"
        ),
        "d": W("报警人已用其他手机定位 公交车司机已停车 手机关机无法定位 同车乘客有人看到"),
        "ds": W("打过去已经关机了 司机停车了 有人看到是个男的 定位显示在{road}"),
    },
    "burglary": {
        "r": W(
            "{who}家中保险柜被撬 {who}家防盗窗被剪断，{valuables}被盗 {who}仓库被撬，货物丢失 "
            "{who}商铺卷帘门被撬，{valuables}被盗 {who}夜间在家睡觉时被人入室盗走{valuables} "
            "{who}家中阳台被人攀爬进入，丢失{valuables}"
        ),
        "s": W(
            "我早上起来发现家里{valuables}没了 我店的卷帘门被撬开了 我们仓库被人偷了 "
            "我家阳台有脚印，{valuables}不见了 我睡觉的时候有人进来偷了东西"
        ),
        "d": W("窗户有攀爬痕迹 监控显示{clock}有人进入 门口有陌生脚印 保险柜被撬开"),
    },
    "ebike_theft": {
        "r": W(
            "{who}停在{mall}门口的{ebike}被盗 {who}停在楼道的{ebike}电瓶被盗 "
            "{who}{ebike}连同头盔被盗 {who}在小区车棚内{ebike}被盗"
        ),
        "s": W(
            "我电瓶被人拆走了 我在超市买个东西出来车就没了 我车棚的{ebike}被偷了 我的电动车连头盔都被偷了"
        ),
    },
    "robbery": {
        "r": W(
            "{who}在ATM取款后被{man}抢走现金{amt} {who}深夜被{crowd}拦截抢走财物 "
            "{who}网约车司机被乘客持{weapon}抢劫 {who}被{man}掐脖子抢走{phone_thing}"
        ),
        "s": W(
            "我刚取完钱就被抢了 有人掐着我脖子抢我{phone_thing} 乘客拿{weapon}抵着我要钱 "
            "几个人把我堵在巷子里抢了"
        ),
    },
    "telecom_fraud": {
        "r": W(
            "{who}接到自称{fake_org}的电话，按对方要求转账{amt_lost} "
            "{who}被对方以{fraud_way}骗走{amt_lost}，发现被骗后报警 "
            "{who}{elder}接到冒充孙子的电话被骗{amt_lost} {who}开通屏幕共享后银行卡被转走{amt_lost}"
        ),
        "s": W(
            "我妈被骗了{amt_lost}，说是我出事了 我接了个{fake_org}的电话，钱都转出去了 "
            "他叫我开屏幕共享，卡里的钱全没了 我信了他的，转了{amt_lost}，现在打不通了 "
            "哎呀我被骗了咋整啊{amt_lost}啊 我打电话给他他已经关机了"
        ),
        "slots": {
            "fake_org": W("公安局 检察院 银行 医保中心 京东金融 支付宝客服 快递公司 社保局")
        },
    },
    "online_fraud": {
        "r": W(
            "{who}在网上购买演唱会门票被骗{amt_lost} {who}在二手平台卖东西被骗 "
            "{who}玩网络游戏充值被骗{amt_lost} {who}在网上找兼职被骗保证金{amt_lost} "
            "{who}被拉入投资群，充值{amt_lost}后无法提现"
        ),
        "s": W(
            "我在网上找兼职交了{amt_lost}保证金人就不见了 我买演唱会门票被骗了 "
            "我投资那个平台提不了现了，{amt_lost}啊 我在闲鱼上被人骗了"
        ),
    },
    "assault_injury": {
        "r": W(
            "{who}在{venue}被人用酒瓶砸伤头部 {who}因停车问题被对方打伤，{wound} "
            "{who}被{crowd}围殴，{wound} {nm}持{weapon}将{nm}打伤，{wound}"
        ),
        "s": W(
            "我被人拿酒瓶砸了头 几个人围着我打，{wound_s} 为了停车他把我打了，{wound_s} "
            "我老公被人打了送医院了"
        ),
        "d": W("伤者已送医 伤者已被送往人民医院 报警人要求追究对方责任 打人者被群众围住"),
    },
    "domestic_violence_injury": {
        "r": W(
            "{who}被{rel}用{weapon}打伤，{wound} {who}与{rel}因抢红包的事吵架，被打致{wound} "
            "{nm}酒后殴打妻子，致其{wound} {who}{elder}被儿子殴打，{wound}"
        ),
        "s": W(
            "我儿子把我打了，{wound_s} 就因为抢红包那点事他把我打成这样 "
            "他喝醉了回来就打我，{wound_s} 我被我{rel}拿{weapon}打了"
        ),
    },
    "cable_theft": {
        "w": 0.6,
        "grid": {"industrial": 4.0, "village": 2.0},
        "hours": "night",
        "pii": ("phone", "plate"),
        "r": W(
            "{ind}内电缆被盗 {who}工地钢筋被盗 {who}仓库内{goods}被盗 工地{goods}夜间被盗 "
            "{ind}配电箱内铜线被剪盗 {who}厂内{goods}被人偷运走"
        ),
        "s": W(
            "我们工地的电缆被偷了 厂里的{goods}晚上被人拉走了 仓库里的{goods}少了好多 "
            "配电箱里的铜线被人剪走了"
        ),
        "d": W("{loss_r} 监控拍到一辆{car} 车牌{plate} 疑为内部人员所为 现场有剪断痕迹"),
        "ds": W("{loss_s} 监控拍到一个车 车牌{plate} 怀疑是以前的工人"),
        "slots": {"goods": W("电缆 钢筋 铜线 铝材 模板 钢管 货物 原材料 成品 茶叶")},
    },
    "livestock_theft": {
        "w": 0.5,
        "grid": {"village": 6.0},
        "hours": "late",
        "pii": ("phone",),
        "r": W(
            "{who}家中耕牛被盗 {who}家{n_small}头猪被盗 {who}羊圈内{n_small}只羊被盗 "
            "{who}鱼塘的鱼被人偷捕 {who}家茶叶被盗采 {who}家鸡鸭被盗"
        ),
        "s": W(
            "我家牛被人偷了 我家猪圈的猪少了{n_small}头 我们羊被人半夜拉走了 有人偷我鱼塘的鱼 "
            "我家茶园的茶被人偷采了"
        ),
        "d": W("{loss_r} 牛圈门被撬 地上有车轮印 夜间听到狗叫"),
        "ds": W("{loss_s} 晚上听到狗叫 地上还有车印子"),
    },
    "stabbing": {
        "w": 0.4,
        "grid": {"nightlife": 2.0},
        "hours": "late",
        "pii": ("phone",),
        "r": W(
            "{person}被人持刀捅伤 {nm}与{nm}发生冲突，{nm}被捅伤腹部 {venue}门口有人被砍伤 "
            "发现一男子倒在血泊中 {who}发现{rel}被人杀害"
        ),
        "s": W("有人被捅了 这里有个人被砍了到处是血 我朋友被人捅了一刀 地上躺着个人全是血"),
        "d": W("{flee} 凶器为{weapon} 伤者已被送医"),
        "ds": W("捅人的跑了 是拿{weapon}捅的"),
        "urgent": 0.9,
        "ur": W("伤者流血不止 伤者已无意识 嫌疑人仍在现场 伤者呼吸微弱"),
        "us": W("血一直在流 人已经不动了 拿刀的人还在这 快叫救护车他快不行了"),
        "cr": W("伤者已送医意识清醒"),
        "cs": W("人已经送医院了"),
    },
    "elderly_product_scam": {
        "w": 0.5,
        "grid": {"residential": 1.5, "commercial": 1.5},
        "hours": "day",
        "pii": ("phone", "card"),
        "r": W(
            "{who}{elder}在保健品讲座被骗购买保健品{amt} {who}{elder}被人以免费体检为名骗走{amt} "
            "{who}{elder}买了{amt}的假药 {who}被人以假金条骗走{amt} {who}{elder}被所谓神医骗走{amt}"
        ),
        "s": W(
            "我妈去听讲座买了{amt}的保健品，全是假的 我爸被人骗了买了一堆假药 "
            "有人拿假金子骗了我{amt} 我家老人被一个神医骗了好多钱"
        ),
        "d": W("对方已失联 店铺已关门 涉及多名老人"),
        "ds": W("那个店已经关门了 好多老人都被骗了"),
    },
    "employee_theft": {
        "w": 0.5,
        "grid": {"commercial": 2.0, "industrial": 2.0},
        "hours": "work",
        "pii": ("phone", "idno"),
        "r": W(
            "{who}店内收银员私吞营业款{amt} {who}公司员工盗走{valuables}后离职 "
            "{who}雇佣的保姆偷走{valuables} {who}店员卷走货款{amt}"
        ),
        "s": W("我店里的收银员把钱拿跑了 我们家保姆偷了{valuables} 员工偷了公司的东西跑了"),
        "d": W("{loss_r} 对方已失联 监控有记录 对方身份证号{idno}"),
        "ds": W("{loss_s} 电话打不通了 监控都拍到了"),
    },
}

# Thinner sub-types of criminal.py get more phrasings here.
_MORE: dict[str, dict] = {
    "vehicle_break_in": {
        "r": W(
            "{who}停在{road}的{car}被撬，{caritem}被盗 停车场内{few}辆车被砸玻璃 "
            "{who}车辆副驾驶玻璃被砸碎，{caritem}丢失 {who}发现车内财物被盗，车门无损坏 "
            "{who}{car}油箱内汽油被盗 {who}车辆车牌被盗"
        ),
        "s": W(
            "我早上下来一看车玻璃碎了 停车场好几辆车都被砸了 我车里的{caritem}被偷了，门都没坏 "
            "我车的油被人偷了 我车牌被人拆走了"
        ),
    },
    "snatching": {
        "r": W(
            "{who}在路边打电话时手机被{man}抢走 {who}骑电动车时车筐内的包被抢 "
            "{who}在{mall}门口被人抢走金耳环 {who}金项链被骑电动车男子扯走，颈部擦伤"
        ),
        "s": W(
            "我在路边打电话，手机被人一把抢走了 我车筐里的包被抢了 有人把我耳环扯走了，耳朵都流血了"
        ),
    },
    "sexual_assault": {
        "r": W(
            "{who}在出租屋内遭房东强行猥亵 {who}夜归时被{man}拖入绿化带侵犯 "
            "{who}{kid}（{kid_age}）遭邻居猥亵 {who}在网约车上遭司机猥亵"
        ),
        "s": W(
            "我女儿被邻居那个老头摸了 我打车司机对我动手动脚还把门锁了 我回家路上被人拖进草丛了"
        ),
    },
    "kidnapping": {
        "r": W(
            "{who}称其{rel}被催债人员强行带走关押 {who}{kid}放学时被陌生人抱上车 "
            "{who}被{crowd}限制人身自由，手机被收走"
        ),
        "s": W(
            "我被他们关在一个房子里手机也被收了，我偷偷打的 我孩子被人抱上一辆车开走了 "
            "要债的把我老公带走了"
        ),
    },
    "arson": {
        "r": W("{who}家柴草堆被人故意点燃 {who}车辆被人泼汽油点燃 {nm}因纠纷在{who}家门口纵火"),
        "s": W("有人把我车点了 我家柴堆被人故意烧了 他说要烧死我们，真的点火了"),
    },
    "drug_dealing": {
        "r": W(
            "{who}举报有人通过微信贩卖毒品 {person}在{venue}向他人出售K粉 有人在{where}分装毒品"
        ),
        "s": W("我晓得有个人在微信上卖毒品 KTV里有人在卖K粉 他们在出租屋里分装那个东西"),
    },
    "drunk_driving": {
        "r": W(
            "{venue}门口{man}醉酒后驾车离开 {car}司机满身酒气，刚撞了路边的车 "
            "{man}喝完酒开着{car}往{dir}方向走了"
        ),
        "s": W("刚刚喝完酒的那个人开车走了 撞我车的司机一身酒气，站都站不稳 他喝了一斤白酒还开车"),
    },
    "extortion": {
        "r": W(
            "{who}被网友以聊天视频要挟索要{amt} {who}被人以举报其违法相威胁索要{amt} "
            "{who}被{crowd}以碰瓷方式勒索{amt}"
        ),
        "s": W("裸聊被人录了视频，他要我给{amt} 有人说不给钱就去举报我 他们碰瓷敲了我{amt}"),
    },
    "armed_threat": {
        "r": W(
            "{nm}酒后持{weapon}在{P}扬言砍人 {man}持{weapon}砸{who}家门 {man}手持{weapon}在街上追打他人"
        ),
        "s": W(
            "他拿着{weapon}在砸我家门 有个疯子拿{weapon}在街上追人 他喝了酒拿{weapon}说要砍死我"
        ),
    },
}
extend_subtypes(SUBTYPES, _MORE)

_THEFT_HINTS = {
    "transfer": (
        W("报警人要求追回损失 报警人要求调取监控"),
        W("你们一定要帮我找回来 能不能帮我查下监控"),
    ),
    "on_scene": (
        W("物品已找回 嫌疑人已归还财物 报警人表示不再追究"),
        W("东西后来找到了 东西还回来了 算了我不追究了"),
    ),
}
extend_subtypes(
    SUBTYPES,
    {
        name: {"hints": _THEFT_HINTS}
        for name in ("pickpocket", "burglary", "ebike_theft", "vehicle_break_in", "snatching")
    },
)
