"""Public-order phrasings for public_order.py's sub-types, plus touting, road blocking,
trespass, dangerous dogs walked unleashed, peeping and indecent exposure."""

from __future__ import annotations

from training.simulator.text_fragments.common import extend_subtypes
from training.simulator.text_fragments.common import words as W

SLOTS: dict[str, list[str]] = {
    "noise_src": W("唱K 蹦迪 外放音乐 敲锣打鼓 摇骰子 开生日派对 放喇叭"),
    "thing_broken": W("消防栓 自动售货机 快递柜 小区道闸 学校围栏 窗户玻璃 太阳能路灯"),
    "no_harm_r": W("没有人员受伤 未见流血 均无外伤 无人员伤亡"),
    "no_harm_s": W("人都没事 没人流血 就是推了几下 没伤着"),
    "ended_r": W("保安已到场劝阻 打架者已散去 双方被朋友拉走"),
    "ended_s": W("保安过来了 人都散了"),
}

SUBTYPES: dict[str, dict] = {
    "fight_no_injury": {
        "r": W(
            "{crowd}在{venue}因拼桌发生推搡 {nm}与{nm}因抢红包的事打起来 {crowd}酒后在路边互殴 "
            "{person}与外卖员因送餐问题发生推搡 {crowd}在烧烤摊因碰杯发生冲突 两名学生在校门口打架 "
            "{person}与{man}在{bus}上因座位发生推搡"
        ),
        "s": W(
            "烧烤摊那边打起来了 两个小伙子在校门口打架 外卖小哥和人打起来了 "
            "就因为抢红包两个人打起来了 有人在车上为了座位打起来了 这边有人扭打在一起"
        ),
    },
    "drunk_trouble": {
        "r": W(
            "{man}醉酒后拦截出租车 {man}醉酒在{venue}内砸杯子 {man}醉酒后不肯结账并辱骂服务员 "
            "{man}喝醉后在小区内大喊大叫 {man}醉酒后拍打他人家门"
        ),
        "s": W(
            "有个喝醉的拦着车不让走 他喝多了在我们店里砸杯子 一个醉鬼在楼下大喊大叫 "
            "喝醉了一直在敲我家门，我不认识他"
        ),
        "d": W("{no_harm_r} 对方酒气很重 对方情绪激动"),
        "ds": W("一身酒气 {no_harm_s}"),
    },
    "party_noise": {
        "r": W(
            "楼上出租屋{crowd}{late}还在{noise_src} 隔壁民宿住客{late}{noise_src} "
            "{venue}音响声音巨大扰民 路边车辆开着大音响扰民"
        ),
        "s": W(
            "隔壁民宿一群人{late}还在{noise_src} 楼下有人开着车放音乐，吵得要死 "
            "不认识的一群人在楼顶开派对"
        ),
    },
    "harassment": {
        "r": W(
            "{man}在{mall}偷拍女顾客 {who}被{man}在网上散布其照片骚扰 {man}在公交车上对女乘客动手动脚 "
            "{man}在女厕所外偷窥 {who}被陌生人发短信骚扰"
        ),
        "s": W(
            "有个男的在女厕所门口偷看 有人一直给我发那种短信 他在网上到处发我的照片 "
            "公交车上有人对我动手动脚，我没受伤但是很害怕"
        ),
    },
    "fraud_attempt": {
        "r": W(
            "{who}接到冒充银行客服的电话，未转账未造成损失 {who}收到中奖短信，未点击链接 "
            "{who}遇到街头假金条骗局，未上当 {who}接到自称孙子的电话，核实后发现系诈骗，没有丢钱"
        ),
        "s": W(
            "有人冒充我孙子打电话，我打给我孙子才知道是骗子，钱没给 我接到假警察电话，没丢钱，就是想报个警 "
            "有人拿假金子要卖给我，我没买"
        ),
    },
    "touting": {
        "w": 1.0,
        "grid": {"transport_hub": 5.0},
        "hours": "day",
        "r": W(
            "出站口有黑车司机拉客 有人在售票厅倒卖车票 {crowd}在广场强行拉客住宿 "
            "{man}拦截旅客强行揽客 有人在进站口兜售假发票"
        ),
        "s": W("出站口有黑车一直拉人 有人倒卖车票 有人硬拉着我去住宾馆 有人在卖发票"),
        "d": W("多次驱赶无效 影响旅客通行"),
        "ds": W("赶都赶不走"),
    },
    "road_blocking": {
        "w": 0.6,
        "grid": {"industrial": 2.0, "village": 2.0},
        "hours": "day",
        "r": W("{crowd}堵路阻挠施工 {crowd}围堵工地大门 村民拦截运输车辆 {crowd}在路中间拉横幅"),
        "s": W("一群人把路堵了车过不去 有人把工地大门堵了不让进 他们在路中间拉横幅"),
        "d": W("{no_harm_r} 约{few}十人 造成交通拥堵"),
        "ds": W("{no_harm_s} 车都堵了好长"),
    },
    "trespass": {
        "w": 0.6,
        "grid": {"residential": 1.5, "industrial": 1.5},
        "hours": "night",
        "r": W(
            "{man}翻墙进入{ind} 有陌生人闯入{who}家中，未丢东西 {man}强行闯入学校 "
            "{person}闯入小区拒不离开"
        ),
        "s": W("有个人翻墙进我们厂里了 有陌生人跑到我家里来了，没丢东西 有人硬闯进来不走"),
        "d": W("尚未发现财物损失 对方已被保安控制"),
        "ds": W("没丢东西 保安把他拦住了"),
    },
    "dangerous_dog_walk": {
        "w": 0.5,
        "grid": {"residential": 2.0},
        "r": W("{person}遛狗不牵绳追咬路人 {person}饲养的烈性犬在小区内吓人 有人纵狗吓唬小孩"),
        "s": W("有人遛大狗不拴绳，差点咬到我孩子 那个狗追着人跑，主人还笑 他放狗吓我们家小孩"),
        "d": W("未咬伤人 狗主人拒不牵绳"),
        "ds": W("还好没咬到 说了他也不听"),
    },
}

# Thinner sub-types of public_order.py get more phrasings here; peeping and exposure stand alone.
_MORE: dict[str, dict] = {
    "provocation": {
        "r": W(
            "{crowd}在{venue}门口拦人要烟 {man}故意撞人后辱骂对方 {crowd}在广场追逐打闹吓坏路人 "
            "{man}在{bus}上无故辱骂司机 {crowd}在店门口起哄闹事"
        ),
        "s": W(
            "几个小混混在这拦着人要烟 他故意撞我还骂我 有人在车上骂司机不让开车 一帮人在店门口起哄"
        ),
    },
    "square_dance": {
        "r": W("{crowd}在小区空地跳舞音响声大 广场舞与篮球场因场地发生争执 有人用喇叭放音乐扰民"),
        "s": W("天天晚上跳舞的音响太吵了 她们和打球的抢场地吵起来了 楼下喇叭吵得孩子没法写作业"),
    },
    "gambling": {
        "r": W(
            "{where}有人赌博机赌钱 {crowd}在{where}推牌九 村里有人开设赌局抽水 网吧内有人网络赌博"
        ),
        "s": W("那边有赌博机 一帮人在推牌九 村里天天有人开赌 我老公在网上赌博输了好多"),
    },
    "suspicious_person": {
        "r": W(
            "{man}在学校门口长时间逗留 {man}拿着手电在停车场照车窗 有陌生人在楼顶徘徊 "
            "{man}挨个拉车门，未发现丢东西"
        ),
        "s": W(
            "学校门口有个人一直在转 有个人拿手电一个一个照车窗 有人在挨个拉车门，还没丢东西 "
            "楼顶有个陌生人"
        ),
    },
    "fireworks": {
        "r": W("有人在加油站附近燃放鞭炮 {crowd}在河边放孔明灯 有人在{venue}门口放礼炮"),
        "s": W("有人在加油站旁边放鞭炮太危险了 有人放孔明灯 门口放礼炮吵死人"),
    },
    "petty_shoplifting": {
        "r": W(
            "{man}在{mall}试穿衣服后未付款离开被拦下 {woman}将商品藏入包内被店员发现 顾客偷吃超市零食被发现"
        ),
        "s": W("有个人穿着我们衣服就想走被拦住了 她把东西藏包里被我们看到了 抓到一个偷吃零食的"),
    },
    "vandalism": {
        "r": W(
            "{crowd}在墙上乱涂乱画 {person}往楼下扔花盆 有人踢坏{thing_broken} {person}拔掉小区绿化树苗"
        ),
        "s": W("有人在墙上乱画 楼上有人往下扔花盆差点砸到人 有人把{thing_broken}踢坏了"),
    },
    "drug_use": {
        "r": W("{venue}包厢内有人吸食笑气 {person}在车内吸毒 出租屋内有人聚众吸毒"),
        "s": W("KTV包厢有人在吸笑气 停车场车里有人在吸毒 隔壁天天有人来吸毒"),
    },
    "prostitution": {
        "r": W("{man}在{hub}附近拉客招嫖 有人在小区张贴招嫖小卡片 {where}门口有人招揽色情服务"),
        "s": W("车站门口有人拉客招嫖 小区到处贴那种小卡片"),
    },
    "peeping": {
        "w": 0.5,
        "grid": {"residential": 1.5},
        "hours": "night",
        "r": W(
            "{man}在{who}家窗外偷窥 {man}在公共浴室偷拍 {man}用手机在{mall}试衣间偷拍 "
            "{who}发现有人在对面楼用望远镜偷看"
        ),
        "s": W("有个人趴在我家窗户外面偷看 试衣间有人拿手机偷拍 对面楼有人拿望远镜看我家"),
        "d": W("对方已跑开 报警人未受伤害 对方还在附近"),
        "ds": W("他跑了 我吓死了 他还在附近转"),
    },
    "indecent_exposure": {
        "w": 0.4,
        "hours": "day",
        "r": W("{man}在学校门口暴露下体 {man}在公园对女性露阴 {man}在{bus}上做下流动作"),
        "s": W("公园里有个男的脱裤子 学校门口有个变态 车上有个人在做那种动作"),
        "d": W("对方已离开 {no_harm_r}"),
        "ds": W("跑了 我没受伤"),
    },
}
extend_subtypes(SUBTYPES, _MORE)
