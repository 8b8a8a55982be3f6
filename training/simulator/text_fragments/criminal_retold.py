"""Criminal phrasings, round 2: thefts, frauds and violence told in many more ways.

Ongoing violence (a robbery in progress, a beating that goes on, a knife still in hand) is
what makes real criminal calls urgent, so violent sub-types say it more often. New sub-types
are in ``criminal_robbery_extortion.py``.
"""

from __future__ import annotations

from training.simulator.text_fragments.common import extend_subtypes
from training.simulator.text_fragments.common import words as W

SUBTYPES: dict[str, dict] = {
    "pickpocket": {
        "r": W(
            """
            {who}在菜市场买菜时{phone_thing}被偷 {who}在{hub}候车时背包被割，{phone_thing}丢失
            {who}在{mall}试衣服时放在凳子上的{phone_thing}被拿走 {who}在公交站挤车时{phone_thing}被扒
            {who}在饭店吃饭时挂在椅背的包被人拿走 {who}在{mall}扫码付款后{phone_thing}被人顺走
            {who}在人群中被人撞了一下，随后发现{phone_thing}不见 要求调取监控：{who}{phone_thing}在{bus}上被盗
            {who}在医院排队挂号时{phone_thing}被扒 {who}在网吧上网时{phone_thing}被旁边人拿走
            {who}在广场看表演时{phone_thing}被扒，{loss_r} {who}在寺庙上香时{phone_thing}被偷
            """
        ),
        "s": W(
            """
            我在菜市场买个菜手机就没了 候车的时候包被人划了一道口子 试衣服放凳子上的包被人拿走了
            挤公交的时候被人摸了 吃个饭包挂椅子后面就没了 刚扫完码手机就被人顺走了
            有个人撞了我一下，我一摸口袋东西没了 医院排队挂号钱包被偷了 上网的时候旁边的人把我手机拿走了
            看表演的时候被人扒了，{loss_s} 上香的时候包被人偷了 我要查监控，手机肯定是在车上被偷的
            """
        ),
    },
    "burglary": {
        "urgent": 0.15,
        "r": W(
            """
            {who}回家发现门锁被撬，屋内被翻乱 {who}家中{valuables}被盗，窗户防盗网被剪断
            {who}外出旅游回来发现家中被盗 {who}家店铺夜间被人破门而入，{loss_r} {who}家保险柜被撬，{valuables}丢失
            {who}午睡醒来发现家中{valuables}不见 目前{who}在门外，屋内疑似有人 {who}家中老人独居，{valuables}被盗
            {who}出租屋被人用钥匙打开，{valuables}丢失 {who}家仓库铁门被撬，{loss_r} {who}家空调外机位有脚印，{valuables}被盗
            {who}在{bldg}家中被盗，{loss_r}，要求调取监控 {who}家村里老宅被撬，{valuables}丢失
            """
        ),
        "s": W(
            """
            我一回家门锁被撬了，屋里翻得乱七八糟 防盗网被剪了，家里{valuables}没了 出去玩了几天回来家被偷了
            我店晚上被人撬了，{loss_s} 保险柜被撬了 睡个午觉起来{valuables}不见了 我在门口，里面好像有人
            我妈一个人住，家里{valuables}被偷了 出租屋门是被钥匙开的，东西没了 仓库门被撬了
            空调外机那里有脚印，是从窗户进来的 我老家的房子被人撬了 我要调监控，家里被偷了
            """
        ),
    },
    "ebike_theft": {
        "r": W(
            """
            {who}停在{bldg}楼下的{ebike}被盗 {who}的{ebike}锁在路边被人剪锁骑走 {who}的{ebike}在充电时被偷
            {who}停放在地下车库的{ebike}不见 {who}{ebike}电瓶被盗{few}块 {who}送外卖时{ebike}被人骑走
            监控显示{man}推走{who}的{ebike} {who}在菜市场门口停放的{ebike}被盗，{loss_r} {who}家院内{ebike}被盗
            {who}新买的{ebike}停放一晚后丢失 {who}的{ebike}在学校门口被盗 {who}在网吧门口停放的{ebike}被盗
            """
        ),
        "s": W(
            """
            我电动车停楼下就没了 锁都被剪了车被骑走了 充电的时候车被偷了 车库里的车不见了
            我电瓶被偷了 我送外卖车被人骑走了 监控里看到有个人把我车推走了 停菜市场门口就没了，{loss_s}
            院子里的车都被偷了 新买的车一晚上就丢了 学校门口的车丢了 网吧门口的车没了
            """
        ),
    },
    "vehicle_break_in": {
        "r": W(
            """
            {who}的{car}车窗被砸，车内{caritem}被盗 {who}车辆停在路边被撬，{caritem}丢失 停车场内多辆车被砸窗
            {who}车内{caritem}被盗，车门无损坏 {who}的{car}后备箱被撬 {who}车辆三角窗被砸，{loss_r}
            {who}车内放置的现金被盗 {who}车辆被人用工具开锁，{caritem}被拿走 {who}车内{caritem}在夜间被盗
            """
        ),
        "s": W(
            """
            我车窗被砸了，{caritem}没了 车停在路边被人撬了 停车场好几辆车都被砸了 车里东西被偷了门也没坏
            后备箱被撬了 三角窗被砸了，{loss_s} 车里放的钱被偷了 有人把我车门弄开了拿了东西 晚上停车里的东西被偷了
            """
        ),
    },
    "robbery": {
        "urgent": 0.6,
        "r": W(
            """
            {who}在{road}被{crowd}围住抢走{phone_thing} {who}被{man}持{weapon}逼迫交出现金 {who}在ATM取款后被抢
            {who}在地下通道被{man}抢走{phone_thing}，{flee} {who}被人掐住脖子抢走金项链 {who}深夜回家途中被抢
            {who}被{crowd}拖进小巷抢劫 {who}在公园被持刀男子抢走手机 {man}冲进便利店持{weapon}抢收银台现金
            {who}骑车被人拦下抢劫 {who}被网约车司机持刀抢劫 {who}在{estate}楼道被人抢劫，{loss_r}
            目前嫌疑人刚逃离，{who}被抢{phone_thing} {who}网上约见后被对方{few}人抢劫
            """
        ),
        "s": W(
            """
            我刚才被几个人围住把手机抢了 他拿着{weapon}叫我把钱拿出来 我刚取完钱就被人抢了
            地下通道有人抢了我的包跑了 他掐着我脖子把项链扯走了 我回家路上被抢了 他们把我拖到巷子里抢了
            公园里有人拿刀抢了我手机 有个人拿{weapon}冲进店里抢钱 我骑车被人拦下来抢了 网约车司机拿刀抢我
            我在楼道里被抢了，{loss_s} 人刚跑，往{dir}去了 网上约见面，他们几个人把我抢了
            """
        ),
        "ur": W("嫌疑人仍持{weapon}在店内 报警人被困无法脱身 嫌疑人正在翻找报警人财物"),
        "us": W("他还拿着{weapon}在店里 我被他们堵着走不了 他们还在翻我东西"),
    },
    "snatching": {
        "urgent": 0.1,
        "r": W(
            """
            {who}在路边打电话时手机被骑车人抢走 {who}挎包被摩托车后座人员抢走 {who}金项链被人从背后扯走
            {who}在{estate}门口被飞车抢夺{phone_thing} {man}抢走{who}手中{phone_thing}后跑进小巷
            {who}在公交站被人抢走手机，{flee} {who}在早市被人抢走挎包，{loss_r} {who}骑电动车时车筐里的包被抢
            {who}在ATM旁被人抢走刚取的现金 {who}耳环被人扯走，耳朵流血 {who}在夜市被人抢走{phone_thing}
            """
        ),
        "s": W(
            """
            我打电话打着手机被骑车的抢了 摩托车后面那个人把我包抢了 我项链被人从后面扯走了
            小区门口有人骑车把我东西抢了 他抢了我手机就往巷子里跑 公交站有人抢了我手机
            早上买菜包被抢了，{loss_s} 车筐里的包被人抢了 刚取的钱被人抢了 耳环被扯了，耳朵在流血
            夜市上有人抢了我东西
            """
        ),
        "ur": W("群众正在追赶嫌疑人 报警人被拖倒受伤"),
        "us": W("我们正在追他 我被拖倒了腿在流血"),
    },
    "telecom_fraud": {
        "r": W(
            """
            {who}接到冒充{fake_org}的电话，按要求转账{amt_lost} {who}被冒充客服以退款为由骗走{amt_lost}
            {who}被冒充公检法人员要求转入安全账户，损失{amt_lost} {who}被冒充熟人借钱，通过{pay}转账{amt_lost}
            {who}接到自称医保局的电话后被骗{amt_lost} {who}被骗开通共享屏幕后银行卡被转走{amt_lost}
            {who}被冒充快递理赔诱导借贷，损失{amt_lost} {who}被冒充孩子老师收取资料费{amt_lost}
            {who}{elder}被冒充孙子的人骗走现金{amt_lost} 要求立案：{who}被冒充领导诈骗{amt_lost}
            {who}接到注销校园贷的电话，被骗{amt_lost}
            """
        ),
        "s": W(
            """
            有人冒充{fake_org}打电话给我，我转了{amt_lost} 说是客服给我退款，结果钱全没了 说我涉嫌洗钱让我转到安全账户
            冒充我朋友借钱，我微信转了{amt_lost} 自称医保局的说我医保卡有问题，被骗了 他让我开屏幕共享，卡里的钱全被转走了
            说快递丢了要理赔，让我贷款，我被骗了{amt_lost} 冒充老师收资料费，我转了 我妈被冒充孙子的人骗走了现金
            冒充我们领导让我转钱，我转了{amt_lost} 说要注销校园贷，我被骗了
            """
        ),
    },
    "online_fraud": {
        "r": W(
            """
            {who}在{app}上购买演唱会门票被骗{amt} {who}网上兼职刷单被骗{amt_lost} {who}在交友软件上被诱导投资，损失{amt_lost}
            {who}在{app}上买二手手机付款后被拉黑 {who}参与网络理财，平台无法提现，损失{amt_lost} {who}网上租房交定金后房东失联
            {who}在{app}上购买游戏账号被骗{amt} {who}网上代购奢侈品，付款后未收到货 {who}被网络贷款以解冻费为名骗{amt_lost}
            {who}在直播间购买玉石被骗{amt} {who}网上买宠物付款后对方失联 要求立案：{who}在{app}上被虚假投资骗走{amt_lost}
            """
        ),
        "s": W(
            """
            我网上买演唱会票被骗了 做刷单兼职被骗了{amt_lost} 网上认识的人叫我投资，钱全取不出来了
            网上买个二手手机，钱付了人把我拉黑了 理财平台提不了现，我投了{amt_lost} 网上租房交了定金，房东不见了
            买游戏账号被骗了 网上代购包包，钱给了货没到 网贷说要交解冻费，我交了好几次 直播间买的玉是假的，人也联系不上了
            网上买狗，付了钱人没了 我在{app}上被人骗去投资了
            """
        ),
    },
    "assault_injury": {
        "urgent": 0.55,
        "r": W(
            """
            {who}在{venue}门口被{crowd}围殴，{wound} {who}被{man}用{weapon}打伤，{wound} {who}因琐事被对方打伤，{wound}
            {who}在{road}被{man}持{weapon}袭击，{wound} {who}在网吧被人打伤，{wound} {who}因停车纠纷被对方打伤，{wound}
            {who}在工地被工友用{weapon}打伤 {who}被邻居打伤，{wound} 目前伤者在现场，{wound}，对方仍在附近
            {who}在{estate}门口被保安打伤，{wound} {who}在烧烤摊被邻桌用{weapon}砸伤，{wound} {who}被前男友殴打，{wound}
            要求出警：{who}被{crowd}打伤，{flee}
            """
        ),
        "s": W(
            """
            我在门口被一帮人打了，{wound_s} 他拿{weapon}打我，{wound_s} 就为一点小事他把我打伤了
            有人拿{weapon}在路上打我 我在网吧被人打了，{wound_s} 为了停车的事他把我打了 工地上有人拿{weapon}打我
            邻居把我打了，{wound_s} 打人的还在附近没走 保安把我打了 吃烧烤邻桌拿{weapon}砸我 我前男友打我，{wound_s}
            一帮人把我打了就跑了
            """
        ),
        "ur": W("对方仍在殴打伤者 伤者倒地不起 对方叫来更多人"),
        "us": W("他们还在打我朋友 人倒地上起不来了 他们又叫人来了"),
    },
    "domestic_violence_injury": {
        "urgent": 0.5,
        "r": W(
            """
            {who}被{rel}用{weapon}打伤，{wound} {who}被丈夫殴打致{wound}，孩子在场 {who}被{rel}掐脖子，脖子有淤痕
            {who}被{rel}推下楼梯受伤 {who}长期遭受家暴，今日被打致{wound} {who}{elder}被儿子殴打受伤
            目前{who}躲在卫生间，{rel}在门外砸门 {who}被{rel}用开水烫伤 {who}被醉酒的{rel}打伤，{wound}
            {who}因离婚问题被{rel}打伤 {who}被{rel}拿{weapon}砍伤手臂 {who}被{rel}打得鼻子流血
            """
        ),
        "s": W(
            """
            我老公拿{weapon}打我，{wound_s} 他当着孩子的面打我 他掐我脖子，我差点喘不上气 他把我从楼梯上推下去了
            他天天打我，今天{wound_s} 我儿子把我打了 我躲在厕所里，他在外面砸门 他拿开水泼我
            他喝醉了又打我 我要离婚他就打我 他拿刀把我手砍伤了 他把我鼻子打出血了
            """
        ),
        "ur": W("施暴者仍在砸门 报警人被反锁在屋内"),
        "us": W("他还在外面砸门 他把我锁在屋里了"),
    },
    "sexual_assault": {
        "r": W(
            """
            {who}被{man}强行搂抱猥亵 {who}在出租屋被熟人性侵 {woman}醉酒后被带至宾馆性侵 {who}在网约车上被司机猥亵
            {who}{kid}被邻居猥亵 {who}被上司在办公室强行猥亵 {who}在KTV包厢被人下药侵犯 {who}被网友约见后强奸
            {who}在电梯内被{man}强行亲吻摸身体
            """
        ),
        "s": W(
            """
            有个男的强行抱我摸我 我被认识的人强奸了 我喝醉了被人带到宾馆 网约车司机对我动手动脚
            邻居对我家孩子做了坏事 我老板在办公室强行对我那个 我在KTV被人下了药 网上认识的人见面把我强奸了
            电梯里有个男的强行亲我摸我
            """
        ),
    },
    "kidnapping": {
        "r": W(
            """
            {who}{kid}被陌生人抱上车带走 {who}{rel}被人以欠债为由扣押 {who}被{crowd}强行带上面包车
            {who}接到电话称其{kid}被绑架，索要赎金{amt_b} {who}{rel}在外地被传销组织控制，无法离开 {who}朋友被人关在出租屋内索要钱财
            {who}女儿被男友控制不让回家 {woman}被人强行拉上车 {who}被人扣押在宾馆要求还钱
            """
        ),
        "s": W(
            """
            我孩子被一个不认识的人抱上车了 我{rel}被人扣着说欠他们钱 几个人把我朋友拉上面包车了
            有人打电话说绑了我孩子要{amt_b} 我{rel}被传销的关起来了出不来 我朋友被关在出租屋里要钱
            我女儿被她男朋友关着不让回家 有个女的被人硬拉上车了 我被人关在宾馆里逼我还钱
            """
        ),
    },
    "arson": {
        "r": W(
            """
            {man}在{who}家门口泼汽油点火 {who}店铺卷帘门被人点燃 有人故意点燃{who}家柴草堆
            {who}停放的{car}被人纵火 {man}因纠纷在{who}家楼道放火 有人故意烧{who}家电动车
            {man}扬言烧房后点燃窗帘 有人在{ind}仓库放火 {who}家果园被人故意放火
            """
        ),
        "s": W(
            """
            有人在我家门口泼汽油点火 我店门被人点了 我家柴堆被人故意点着了 我车被人烧了 他在楼道里放火
            有人故意烧我电动车 他说要烧房子，把窗帘点了 仓库被人放火了 我家果园被人故意烧了
            """
        ),
    },
    "drug_dealing": {
        "r": W(
            """
            举报{nm}通过网络贩卖毒品 {where}有人兜售K粉 {man}在{where}以快递方式贩毒 举报{where}有人买卖冰毒
            {man}在学校附近兜售笑气 {man}在{where}交易可疑白色粉末 举报{nm}在出租屋内制毒
            {crowd}在{where}进行毒品交易 {man}向{who}推销麻古
            """
        ),
        "s": W(
            """
            我知道有个人在网上卖毒品 {where}有人在卖K粉 有人用快递在卖那个东西 {where}有人在卖冰毒
            学校附近有人卖笑气给学生 有人在{where}交易白粉 有人在出租屋里好像在制毒 他们在{where}交易毒品
            有人向我推销麻古
            """
        ),
    },
    "drunk_driving": {
        "r": W(
            """
            {man}酒后驾驶{car}撞上路边护栏 {man}醉驾追尾前车后欲离开 {man}酒后驾车在{road}蛇形行驶
            {man}从{venue}出来后驾车离开，明显醉酒 醉酒司机将车停在路中间睡着 {man}酒驾撞倒{ebike}后停下
            {man}醉酒后开车在小区内撞坏车辆 {man}酒驾被群众拦下，拒绝下车 代驾未到，{man}醉酒自行开车
            """
        ),
        "s": W(
            """
            有个喝醉的开车撞护栏上了 他喝了酒开车追尾了还想跑 前面那个车开得歪歪扭扭的肯定喝了酒
            他从酒吧出来直接开车走了 有个司机喝醉了在车里睡着了，车停在路中间 他喝了酒开车把电动车撞了
            喝醉了开车在小区里撞了好几辆车 我们把他拦下了，他不下车 代驾没来，他自己喝醉了开走了
            """
        ),
    },
    "extortion": {
        "r": W(
            """
            {who}被人以曝光隐私为由索要{amt} {nm}以掌握{who}把柄为由敲诈{amt_b} {crowd}向{who}店铺索要保护费
            {who}被人以举报偷税为由勒索 {who}被前任威胁公布照片索要钱财 {who}被人以伤害家人相威胁索要{amt}
            {who}被人以出租房安全问题为由敲诈，已付{amt} 有人假冒记者向{who}索要封口费 {who}被人发恐吓短信要钱，已转账{amt}
            """
        ),
        "s": W(
            """
            有人说不给钱就把我的事曝光出去 他说有我的把柄，要我给{amt_b} 一帮人来我店里收保护费
            有人说要举报我偷税，要钱 我前任说不给钱就把照片发出去 他说不给钱就对我家里人下手
            他说我房子不安全要举报，我给了{amt} 有个假记者要我给封口费 有人发短信恐吓我，我已经转了钱
            """
        ),
    },
    "armed_threat": {
        "r": W(
            """
            {man}持{weapon}在{venue}门口扬言砍人 {man}因纠纷持{weapon}堵在{who}家门口 {man}手持{weapon}追赶{who}
            {man}持{weapon}闯入{who}店内威胁 {crowd}持{weapon}在村口对峙 {man}拿{weapon}威胁要杀{rel}
            {man}持{weapon}劫持{who}不让离开 {man}醉酒后挥舞{weapon}追赶路人 要求出警：{man}持{weapon}在小区内威胁保安
            """
        ),
        "s": W(
            """
            有个人拿着{weapon}在门口说要砍人 他拿{weapon}堵在我家门口 他拿着{weapon}在追我 他拿{weapon}冲进我店里了
            两帮人拿着{weapon}在村口对着 他拿{weapon}说要杀了他{rel} 他拿{weapon}抵着我不让我走
            有个喝醉的拿{weapon}追人 有人拿{weapon}在小区里吓唬保安
            """
        ),
    },
    "cable_theft": {
        "r": W(
            """
            {ind}内{goods}被盗，{loss_r} 工地{goods}夜间被人拉走 {who}家废品站{goods}被盗 村里变压器铜线被盗
            {ind}仓库{goods}丢失，门锁被撬 施工现场{goods}被盗，监控拍到货车 路边通信光缆被人割走
            {who}在工地堆放的{goods}被盗 {ind}围墙被挖洞，{goods}被盗
            """
        ),
        "s": W(
            """
            厂里的{goods}被偷了 工地的{goods}晚上被人拉走了 我废品站的东西被偷了 村里变压器的铜线被人剪了
            仓库门被撬了{goods}没了 监控拍到一辆货车拉走了{goods} 路边的光缆被人割了 工地上堆的{goods}被偷了
            围墙被挖了个洞{goods}被偷了
            """
        ),
    },
    "livestock_theft": {
        "r": W(
            """
            {who}家{few}头牛夜间被盗 {who}家羊圈里的羊被偷走{few}只 {who}家鸡鸭被人偷走 {who}家猪圈里的猪被人拉走
            {who}家鱼塘被人用电网偷鱼 {who}家蜂箱被盗 {who}放养的牛在山上被人赶走 {who}家马被盗，地上有车印
            {who}家鸽子被人偷走
            """
        ),
        "s": W(
            """
            我家{few}头牛晚上被偷了 羊圈里的羊少了好几只 我家鸡鸭被人偷了 猪圈里的猪被人拉走了
            有人电我家鱼塘的鱼 我家蜂箱被偷了 放在山上的牛被人赶走了 我家马被偷了地上有车印子
            我家鸽子被人偷了
            """
        ),
    },
    "stabbing": {
        "r": W(
            """
            {who}在{venue}门口被人捅伤 {man}持刀刺伤{who}后逃跑 {who}腹部被刺，倒地流血 {who}被人捅伤后自行跑到路边求救
            {who}在争执中被对方用{weapon}刺伤胸口 {who}在出租屋内被刺伤 {who}被{rel}持刀刺伤 {who}在{road}被人砍伤背部
            {who}被人砍伤头部，满脸是血 {who}被刺伤大腿，血流不止 要求出警：{who}被持刀男子刺伤，{flee}
            """
        ),
        "s": W(
            """
            我朋友在门口被人捅了 有个人拿刀捅了人就跑了 肚子被捅了，人倒地上了 我被人捅了一刀跑出来了
            吵着吵着他拿{weapon}捅了我朋友胸口 出租屋里有人被捅了 我{rel}拿刀捅了我 路上有人被砍了后背
            他头被砍了满脸是血 大腿被捅了血一直流 拿刀的人往{dir}跑了
            """
        ),
    },
    "elderly_product_scam": {
        "r": W(
            """
            {who}{elder}在保健品讲座购买产品花费{amt} {who}{elder}被以免费体检为名骗买药品 {who}{elder}被推销假理疗仪骗走{amt}
            {who}{elder}参加旅游团被强迫购物 {who}{elder}被人以投资养老项目骗走{amt_b} {who}{elder}被免费领鸡蛋吸引后被骗
            {who}{elder}购买的保健品被证实为假货 {who}{elder}被推销收藏品骗走{amt} {who}{elder}被人上门推销净水器骗钱
            {who}{elder}被以“以房养老”名义骗走房产 {who}{elder}被冒充医生的人骗买神药
            """
        ),
        "s": W(
            """
            我{elder}去听讲座买了{amt}的保健品 说是免费体检，结果骗我{elder}买了一堆药 卖理疗仪的骗了我{elder}{amt}
            老人跟团旅游被逼着买东西 我{elder}投了养老项目，钱拿不回来了 领免费鸡蛋领着领着就被骗了
            买的保健品都是假的 卖收藏品的骗了老人{amt} 上门卖净水器的骗了我{elder} 我{elder}的房子被以房养老骗走了
            有个假医生卖神药给我{elder}
            """
        ),
    },
    "employee_theft": {
        "r": W(
            """
            {ind}员工偷拿仓库货物出厂 {shopw}收银员私吞营业款{amt} 店员离职时带走店内{valuables} 保姆偷拿雇主{valuables}
            公司会计挪用公款{amt_b} 员工利用职务之便盗卖公司材料 {shopw}店员多次偷拿手机配件 快递员私拆包裹偷拿物品
            司机私自卖掉公司货物 {shopw}员工偷改账目侵占货款 装修工人偷走业主家{valuables} 工人夜班时偷拿厂里{valuables}
            """
        ),
        "s": W(
            """
            厂里有员工偷拿货出去卖 收银员把营业款私吞了 店员走的时候把东西带走了 我家保姆偷了我{valuables}
            会计挪用了公司的钱 员工把公司的材料偷偷卖了 店员老是偷拿手机配件 快递员把我包裹拆了拿东西
            司机把公司的货私自卖了 员工改账把钱揣自己兜里了 装修工人偷了我家{valuables} 上夜班的工人偷拿厂里东西
            """
        ),
        "slots": {"shopw": W("超市 手机店 服装店 饭店 药店 便利店")},
    },
}

# Thefts caught in the act are crimes still going on: urgent now and then, and the text says so.
extend_subtypes(
    SUBTYPES,
    {
        "pickpocket": {
            "urgent": 0.12,
            "ur": W("扒手仍在车上 嫌疑人正在人群中继续作案"),
            "us": W("那个小偷还在车上 他还在人堆里偷别人的"),
            "r": W(
                "{who}在{hub}安检口排队时{phone_thing}被扒 {who}在{mall}电梯上{phone_thing}被人从包里摸走"
            ),
            "s": W("安检排队的时候手机被偷了 坐扶梯的时候包里的钱包被人摸走了"),
        },
        "ebike_theft": {
            "urgent": 0.15,
            "ur": W("嫌疑人正在剪锁 嫌疑人正推车离开"),
            "us": W("有人正在剪我的车锁 他正推着我的车往外走"),
            "r": W(
                "{who}的{ebike}停在楼道充电被人推走 {who}的{ebike}被人用万能钥匙打开骑走，{loss_r}"
            ),
            "s": W("楼道里充电的车被推走了 有人用钥匙把我车打开骑跑了"),
        },
        "vehicle_break_in": {
            "urgent": 0.15,
            "ur": W("嫌疑人正在砸车窗 嫌疑人仍在车内翻找"),
            "us": W("有人正在砸车窗 那个人还在车里翻东西"),
            "r": W(
                "{who}车辆在{hub}停车场被撬，{caritem}被盗 {who}车内{caritem}被盗，车窗被撬开一条缝 "
                "{who}车辆停放{estate}门口被砸，{loss_r} {who}车内行车记录仪和现金被盗 {who}的{car}车锁被破坏"
            ),
            "s": W(
                "停车场车被撬了 车窗被撬开一条缝东西没了 我车在小区门口被砸了 行车记录仪和钱被偷了"
            ),
        },
        "cable_theft": {
            "urgent": 0.1,
            "ur": W("嫌疑人正在现场剪电缆 嫌疑人货车仍在装货"),
            "us": W("他们现在正在剪电缆 他们还在往车上装"),
            "r": W("{who}家太阳能板被人拆走 村里路灯电缆被人剪走 {ind}配电房铜排被盗"),
            "s": W("我家太阳能板被人拆走了 村里路灯的线被人剪了 配电房里的铜排被偷了"),
        },
        "livestock_theft": {
            "urgent": 0.1,
            "ur": W("偷牛车辆仍在村口 嫌疑人正往车上赶牛"),
            "us": W("偷牛的车还在村口 他们正在把牛往车上赶"),
            "r": W("{who}家{few}只羊在山上放养时被人用车拉走 {who}家狗被人用毒针偷走"),
            "s": W("我家羊在山上被人拉走了 我家狗被偷狗的毒了拉走了"),
        },
        "snatching": {
            "urgent": 0.2,
            "r": W("{who}在{road}等红灯时被人抢走手机 {who}在{mall}门口被人抢走手提包，{flee}"),
            "s": W("等红灯的时候手机被抢了 商场门口包被人抢了"),
        },
        "burglary": {"urgent": 0.25},
        "assault_injury": {
            "w": 2.8,
            "hours": "flat",
            "urgent": 0.6,
            "r": W(
                "{who}被{crowd}在{estate}门口殴打，{wound} {who}因口角被{man}打伤，{wound}，要求验伤 "
                "{who}在{mall}被人打伤，{wound} {who}被外卖骑手打伤，{wound} {who}与人争吵后被对方用{weapon}砸伤"
            ),
            "s": W(
                "他们在小区门口打我 他骂了我几句就动手把我打伤了 在商场被人打了 外卖员把我打了 吵了几句他拿{weapon}砸我"
            ),
        },
        "domestic_violence_injury": {
            "w": 2.2,
            "urgent": 0.55,
            "r": W(
                "{who}被{rel}用皮带抽打，身上多处淤青 {who}怀孕期间被{rel}殴打 {who}被{rel}打伤后跑到邻居家躲避"
            ),
            "s": W("他拿皮带抽我，身上全是青的 我怀着孕他还打我 我被他打了跑到邻居家躲着"),
        },
        "robbery": {"w": 1.3, "r": W("{who}在{estate}停车场被人持{weapon}抢劫")},
        "telecom_fraud": {
            "w": 2.0,
            "r": W(
                "{who}被冒充银行人员以提升额度为由骗走{amt_lost} {who}被冒充航空公司以航班取消退票为由骗走{amt_lost}"
            ),
        },
        "online_fraud": {
            "r": W(
                "{who}网上购买的手机收到后是模型，商家失联 {who}在{app}上被骗充值游戏点卡{amt}"
            ),
        },
        "sexual_assault": {
            "r": W(
                "{who}在夜跑时被{man}拖入树林侵犯 {who}在按摩店被按摩师猥亵 {who}被{man}在楼道内强行猥亵 {who}{kid}被补课老师猥亵 {who}醉酒后在朋友家被侵犯 {who}被继父长期性侵"
            ),
            "s": W(
                "我夜跑被人拖进树林了 按摩的时候他对我动手动脚 楼道里有个男的强行摸我 补课老师对我孩子做了坏事 我喝多了在朋友家被侵犯了 我继父一直欺负我"
            ),
        },
        "kidnapping": {
            "r": W(
                "{who}{kid}放学途中被陌生人带走 {who}收到{rel}被绑照片，对方索要{amt_b} {who}被人关在车里拉到外地 讨债人员将{nm}强行带走关押 {who}{rel}被骗至境外控制"
            ),
            "s": W(
                "孩子放学路上被一个陌生人带走了 有人发了我{rel}被绑的照片要钱 他们把我关在车里拉到外地了 讨债的把人强行带走关起来了 我{rel}被骗到国外出不来了"
            ),
        },
        "arson": {
            "r": W(
                "{man}在{estate}车棚纵火烧电动车 {man}点燃{who}家门口杂物后离开 {who}家草垛被人连续点燃 {man}因情感纠纷点燃{who}出租屋 有人在山林边故意放火"
            ),
            "s": W(
                "有人在车棚放火烧电动车 有人把我家门口的东西点着就走了 我家草垛又被人点了 他因为分手把我出租屋点了 有人在山边故意放火"
            ),
        },
        "drug_dealing": {
            "r": W(
                "{man}在{venue}包厢内向客人出售毒品 举报{nm}通过微信贩卖大麻 {man}在{hub}附近交易毒品 {crowd}在{where}贩卖摇头丸 有人在网上以邮寄方式贩卖大麻烟油 {man}骑摩托车送毒品"
            ),
            "s": W(
                "包厢里有人卖那个东西给客人 有人在微信上卖大麻 车站附近有人在交易毒品 他们在{where}卖摇头丸 网上有人寄大麻烟油 有个人骑摩托车专门送那个货"
            ),
        },
        "drunk_driving": {
            "r": W(
                "{man}酒后驾驶货车在{road}撞上电线杆 {man}醉驾闯红灯撞上{car} {man}酒后开车载着孩子 {man}醉驾倒车撞到行人，伤者已起身 {man}满身酒气驾车，车辆停在路口不动 {man}酒后驾驶摩托车撞上路边摊"
            ),
            "s": W(
                "喝酒的司机开货车撞电线杆了 醉驾闯红灯撞车了 他喝了酒还开车拉着孩子 喝醉倒车把人撞了 司机一身酒气车停路口不动 喝醉骑摩托撞了路边摊"
            ),
        },
        "extortion": {
            "r": W(
                "{nm}以{who}施工扰民为由索要{amt} {crowd}强行向货车司机收取过路费{amt_s} {who}被人以曝光店铺食品问题为由勒索{amt} {who}开车被人故意碰瓷后索要{amt}"
            ),
            "s": W(
                "他说我施工扰民要我给钱 一帮人拦货车收过路费 有人说不给钱就曝光我店里的食品问题 有人故意碰瓷要我赔{amt}"
            ),
        },
        "armed_threat": {
            "w": 0.8,
            "r": W(
                "{man}持{weapon}在菜市场追砍摊主 {man}持{weapon}在学校门口徘徊扬言报复 {man}持{weapon}砸{who}家门"
            ),
            "s": W(
                "有人拿{weapon}在菜市场追着砍人 学校门口有个人拿着{weapon}说要报复 他拿{weapon}在砸我家门"
            ),
        },
        "stabbing": {
            "w": 0.5,
            "r": W("{who}被人用{weapon}划伤颈部 {who}在{hub}被人刺伤 {who}被前夫捅伤"),
            "s": W("他拿{weapon}划了我脖子 车站有人被捅了 我前夫拿刀捅了我"),
        },
    },
)
