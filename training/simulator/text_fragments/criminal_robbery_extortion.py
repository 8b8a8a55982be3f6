"""Criminal sub-types real 110 lines receive that round 1 lacked.

Home-invasion robbery (often still going on: urgent), stolen plates and siphoned fuel,
extortion with intimate photos or videos, counterfeit notes, online-gambling frauds.
"""

from __future__ import annotations

from training.simulator.text_fragments.common import extend_subtypes
from training.simulator.text_fragments.common import words as W

SUBTYPES: dict[str, dict] = {
    "home_robbery": {
        "w": 0.5,
        "grid": {"residential": 1.8, "village": 1.5},
        "hours": "night",
        "pii": ("phone",),
        "urgent": 0.65,
        "r": W(
            """
            {few}名蒙面男子闯入{who}家中抢走{valuables} {man}持{weapon}入室抢劫，捆绑{who} {man}冒充快递员敲门后入室抢劫
            {who}深夜被撬门声惊醒，{man}持{weapon}逼其交出现金 {crowd}闯入{who}家翻找财物，{who}被打伤
            {man}尾随{who}进门后持{weapon}抢劫 {who}家老人独居，被人入室抢走存折现金 {man}翻窗进入{who}家，被发现后持{weapon}威胁
            目前嫌疑人刚离开，{who}家中被抢{valuables} {man}冒充燃气检修入户后抢劫 {crowd}破门进入{who}店铺抢劫
            {who}被{man}堵在家门口推进屋内抢劫 {man}持{weapon}闯入{who}家索要钱财 {who}家被抢，{loss_r}，{flee}
            {man}入户盗窃被{who}发现后转为抢劫，{who}受伤
            """
        ),
        "s": W(
            """
            有几个蒙面的冲进我家把东西抢了 他拿着{weapon}闯进来把我绑了 他说是送快递的，门一开就冲进来抢
            半夜有人撬门进来拿{weapon}逼我拿钱 一帮人冲进来翻东西还打了我 他跟着我进门拿{weapon}抢我
            我妈一个人在家被人进门抢了存折 有人翻窗进来，被我看到就拿{weapon}吓我 他刚走，把我家{valuables}抢走了
            说是查燃气的，进门就抢 几个人把店门砸开进来抢钱 他把我推进屋里抢东西 有个人拿着{weapon}闯到我家要钱
            进来偷东西被我发现了，他就打我抢东西
            """
        ),
        "d": W("{loss_r} 嫌疑人{few}人 嫌疑人戴口罩 报警人轻微受伤"),
        "ds": W("{loss_s} 他们有好几个人 戴着口罩看不清脸 我手被划了一下"),
        "ur": W("嫌疑人仍在屋内 报警人被捆绑刚挣脱 嫌疑人持{weapon}仍在楼道 屋内还有老人孩子"),
        "us": W("他们还在屋里 我刚挣开绳子 他拿着{weapon}还在楼道里 家里还有老人孩子"),
    },
    "plate_fuel_theft": {
        "w": 0.6,
        "grid": {"residential": 1.3, "industrial": 1.8, "transport_hub": 1.3},
        "hours": "night",
        "pii": ("plate",),
        "pii_p": 0.35,
        "r": W(
            """
            {who}停放的{car}前后车牌被盗 {who}车辆车牌被人卸走，车上留有挪车电话 {who}货车油箱被撬，柴油被盗
            {who}车辆油箱盖被撬，汽油被抽走 停车场多辆货车油箱被盗油 {who}车辆号牌被盗，{plate}
            {who}货车停路边一夜，油箱被抽空 {who}挖掘机柴油被盗 {who}车牌被偷后收到勒索短信要求付钱赎回
            {who}车辆电瓶被盗 {who}车辆四个轮胎被卸走 {who}摩托车车牌被盗 工地机械油箱被撬，{loss_r}
            {who}车辆三元催化器被割走 {who}停在{ind}门口的货车被偷油{few}百升
            """
        ),
        "s": W(
            """
            我车牌被人偷了，前后两块都没了 车牌被卸了，还留了个电话让我联系 货车油箱被撬了柴油全没了
            油箱盖被撬了油被抽走了 停车场好几辆车都被偷油了 我车牌被偷了 停路边一晚上油被抽干了
            挖机的柴油被偷了 车牌被偷了还发短信要我给钱才还 我车电瓶被偷了 我车四个轮子都被卸了
            摩托车牌子被人偷了 工地机器的油被偷了 我车上的三元催化被割了 厂门口的货车被偷了好几百升油
            """
        ),
        "d": W("{loss_r} 现场有撬痕 周边有监控 车牌{plate}"),
        "ds": W("{loss_s} 油箱盖都撬坏了 那边有监控 车牌是{plate}"),
    },
    "photo_extortion": {
        "w": 0.6,
        "hours": "evening",
        "pii": ("phone", "card"),
        "r": W(
            """
            {who}与网友裸聊后被录屏，对方索要{amt}否则发给亲友 {who}被对方以私密照片相要挟，已转账{amt}
            {who}网上交友被骗下载软件后通讯录被盗，对方以视频敲诈{amt} {who}被前男友以亲密照片勒索{amt_b}
            {who}在{app}上视频聊天被录下，对方威胁发给其家人，已付{amt} {who}收到合成的不雅照片，对方要求支付{amt}
            {who}被人以不雅视频要挟，通过{pay}转账{amt} {who}被网友骗拍私密照片后敲诈 {who}被对方盗取手机相册后勒索{amt}
            要求立案：{who}被人以裸聊视频敲诈{amt_lost} {who}被对方以公布聊天记录相威胁索要{amt}
            {who}与网友视频后对方称已录屏，{who}已转账{amt}，对方继续索要
            """
        ),
        "s": W(
            """
            我跟网上一个人视频被录了，他要我给{amt}不然发给我朋友 他拿我的私密照片威胁我，我已经转了{amt}
            他让我下了个软件，通讯录全被盗了，现在拿视频敲诈我 我前男友拿我们的照片要{amt_b}
            视频聊天被录了，他说要发给我老婆 有人把我的脸P到那种照片上找我要钱 他拿视频威胁我，我微信转了{amt}
            网友骗我拍了照片现在拿来要钱 他偷了我手机相册的照片来勒索我 我被裸聊敲诈了，已经给了{amt_lost}
            他说不给钱就把聊天记录公开 我已经转了钱他还在要
            """
        ),
        "d": W("已转账{amt} 对方账号{card} 对方仍在索要 涉案金额{amt_lost}"),
        "slots": {"app": W("QQ 微信 陌陌 探探 交友软件 直播软件 Soul")},
        "ds": W("我已经转了{amt} 他还在要 我怕得不行"),
    },
    "counterfeit_money": {
        "w": 0.5,
        "grid": {"commercial": 1.8, "village": 1.3},
        "hours": "day",
        "r": W(
            """
            {who}收到{man}支付的百元假币 {man}在{shop}使用假币购物被店主发现 {who}在菜市场找零时收到假币{n_small}张
            {man}用假币买烟被当场识破 {who}在路边摊被人用假币调包 {who}卖货收到{few}张假币，对方已离开
            {man}持假币在小卖部购物，被群众控制 {who}在ATM旁与人换零钱收到假币 {who}出租车收到假币，乘客已走
            {man}在集市上用假币购买农产品 {man}在夜市多个摊位使用假币
            要求出警：{man}在{shop}反复使用假币 {man}用一张五十元假币买水果被摊主识破 {who}发现顾客付的二十元是假币
            {man}在加油站用假币付款被发现 {who}在夜宵摊收到一张假的一百元
            """
        ),
        "s": W(
            """
            有人给了我一张一百的假钞 有个人拿假钱在我店里买东西被我发现了 菜市场找给我的钱是假的
            他拿假币买烟被我认出来了 在路边摊被人用假钱调包了 我卖东西收了几张假钱人跑了 那个人拿假钱买东西被我们按住了
            在取款机旁边跟人换零钱换到了假的 我开出租收到一张假钱，人已经下车了 赶集有人拿假钱买菜
            夜市上有个人一个摊一个摊用假钱 他在店里一直拿假钱买东西 刚才那个客人给的五十块是假的
            有人拿张假的一百块在我这加油 收摊才发现收了张假钱
            """
        ),
        "d": W("假币{n_small}张 面额100元 嫌疑人已被控制 {flee}"),
        "ds": W("好几张都是假的 人我们拦住了 人已经跑了"),
        "slots": {"shop": W("小卖部 超市 便利店 烟酒店 水果店 药店 饭店")},
    },
    "online_gambling_fraud": {
        "w": 0.6,
        "hours": "evening",
        "pii": ("phone", "card"),
        "r": W(
            """
            {who}在网络赌博平台充值{amt_lost}后无法提现 {who}被网友拉进博彩网站，先赢后输共损失{amt_lost}
            {who}在所谓彩票内部计划群投注被骗{amt_lost} {who}网络赌博输光后平台要求交保证金才能提现
            {who}被诱导下载赌博App，充值{amt_lost}后账号被封 {who}{rel}网络赌博欠下{amt_b} {who}在网上百家乐平台被骗{amt_lost}
            {who}被以带单导师为名诱导网络赌博，损失{amt_lost} {who}通过{pay}向赌博平台转账{amt_lost}后被拉黑
            {who}在网络棋牌游戏中被骗{amt} 要求立案：{who}被网络赌博平台骗走{amt_lost} {who}网赌提现被要求缴纳税费，已交{amt}
            {who}被冒充客服称赌博账户异常，骗走{amt} {who}网赌充值后网站打不开
            """
        ),
        "s": W(
            """
            我在网上赌博充了{amt_lost}提不出来 网友拉我进了个博彩网站，开始赢后来全输了 他们说是彩票内部计划，我跟着投被骗了
            输光了说要交保证金才能提现 下了个App充了钱账号就被封了 我{rel}网上赌博欠了{amt_b}
            玩网上百家乐被骗了 有个导师带我下注，亏了{amt_lost} 我转了钱给平台就被拉黑了 网上打牌被人骗了
            网赌平台把我钱骗了 提现还要交税，我交了{amt}还是不给 客服说我账户异常又骗了我{amt} 充了钱网站就打不开了
            我知道赌博不对，但是钱被骗了
            """
        ),
        "d": W("{loss_r} 对方账号{card} 已保存聊天记录"),
        "ds": W("{loss_s} 聊天记录我都截图了"),
    },
}

extend_subtypes(
    SUBTYPES,
    {
        "home_robbery": {"s": W("我开门倒垃圾他就冲进来抢了")},
        "photo_extortion": {
            "r": W(
                "{who}被网友诱导裸聊后遭勒索{amt} {who}被人以偷拍的酒店视频敲诈{amt_b} "
                "{who}收到陌生人发来的不雅截图要求转账"
            ),
            "s": W(
                "网上那个女的骗我裸聊然后要钱 有人说在酒店偷拍了我要{amt_b} 陌生人发来我的截图让我转钱"
            ),
        },
        "online_gambling_fraud": {
            "r": W("{who}被拉入网赌群后充值{amt_lost}全部输光，怀疑平台作弊")
        },
    },
)
