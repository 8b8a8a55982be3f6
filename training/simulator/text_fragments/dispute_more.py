"""More dispute fragments: extra phrasings and further sub-types (see dispute.py)."""

from __future__ import annotations

from training.simulator.text_fragments.common import words as W

SLOTS: dict[str, list[str]] = {
    "quarrel": W("发生矛盾 产生纠纷 争吵不休 吵了起来 发生言语冲突 互相指责"),
    "no_harm_r": W("双方均未受伤 仅有言语冲突 没有动手 未发生打斗"),
    "no_harm_s": W("没打架就是吵 没人受伤 只是吵嘴"),
}

SUBTYPES: dict[str, dict] = {
    "neighbour_noise": {
        "r": W(
            "{nb}深夜洗衣服噪音大，双方{quarrel} {nb}天天早上{clock}就开始剁肉，双方{quarrel} "
            "{nb}家麻将声音太大，双方{quarrel} {nb}在家练琴影响休息，双方{quarrel} "
            "{nb}的音响震得墙响，双方{quarrel}"
        ),
        "s": W(
            "楼上天天打麻将到半夜 隔壁天天练钢琴吵死了 楼上一大早就剁肉 我跟{nb_s}为了噪音吵起来了 "
            "他家音响震得我墙都在响"
        ),
    },
    "family_quarrel": {
        "r": W(
            "{who}与{rel}因抢红包的事{quarrel} {who}与{rel}因彩礼问题{quarrel} {who}与{rel}因分家产{quarrel} "
            "{who}与{rel}因老人住哪{quarrel} {who}与{rel}因打电话太晚回家{quarrel} "
            "{who}与{rel}因玩手机{quarrel}，{rel}摔了手机"
        ),
        "s": W(
            "我跟我{rel}为了抢红包的事吵起来了，没动手 我们为了彩礼的事吵翻了 "
            "我{rel}把家里东西都砸了，人没受伤 我跟我{rel}吵架他不让我进门 "
            "家里为了分房子吵得不可开交"
        ),
        "d": W("{rel}摔了东西 双方情绪激动 系长期矛盾"),
        "ds": W("他摔了好多东西 吵了一晚上了"),
    },
    "customer_dispute": {
        "r": W(
            "{who}在{shop}吃饭吃出异物，与店家{quarrel} {who}在{shop}充值后店铺关门，与老板{quarrel} "
            "顾客认为{shop}缺斤少两，与店主{quarrel} {who}在{shop}消费后对账单有异议"
        ),
        "s": W(
            "我在{shop}吃出了头发老板还不认 这个{shop}缺斤少两 我在他们店办的卡现在不给退 "
            "我点的火锅上错了还要收钱"
        ),
        "slots": {"shop": W("刀削面馆 米线店 KTV 网吧 健身房 培训机构 洗车店 药店 水果摊")},
    },
    "unpaid_wages": {
        "r": W(
            "{few}名农民工在{ind}讨薪 {who}在{ind}工作{n_small}个月未拿到工资 "
            "工人围堵项目部讨要工钱 {who}离职后公司拒发工资{amt}"
        ),
        "s": W(
            "我们在工地干了{n_small}个月一分钱没拿到 老板一直拖着不发工资 我辞职了他扣我工资不给"
        ),
    },
    "workplace_comp": {
        "w": 0.8,
        "grid": {"industrial": 4.0},
        "hours": "work",
        "pii": ("phone", "idno"),
        "r": W(
            "{who}在{ind}工作时受伤，与老板就赔偿{quarrel} 工人因工伤赔偿问题与公司{quarrel} "
            "{nm}家属到厂里要求工伤赔偿"
        ),
        "s": W("我在厂里干活伤了手老板不管 我们工伤的事公司不认 我老公在工地摔了，老板不赔"),
        "d": W("要求赔偿{amt} 受伤已治疗 {no_harm_r}"),
        "ds": W("要他赔医药费 伤已经治了"),
    },
    "renovation_contract": {
        "w": 0.6,
        "grid": {"residential": 1.5},
        "r": W(
            "{who}与装修公司因工程质量{quarrel} 业主与装修工人因工钱{quarrel} {who}与家具店因送货延误{quarrel}"
        ),
        "s": W("装修公司做得一塌糊涂还要钱 装修工人说我少给钱了 家具店拖了一个月不送货"),
        "d": W("涉及金额{amt} {no_harm_r}"),
        "ds": W("合同都签了的 {no_harm_s}"),
    },
    "delivery_dispute": {
        "w": 0.8,
        "grid": {"residential": 1.5, "commercial": 1.5},
        "pii": ("phone",),
        "r": W(
            "{who}与快递员因快递丢失{quarrel} {who}与外卖骑手因送餐超时{quarrel} 外卖员与保安因进小区{quarrel}"
        ),
        "s": W("快递丢了快递员不认 外卖送晚了我说两句他就骂人 保安不让我们外卖进小区"),
        "d": W("{case_no} {no_harm_r}"),
        "ds": W("{case_no} {no_harm_s}"),
    },
    "school_parents": {
        "w": 0.5,
        "hours": "day",
        "r": W(
            "两名学生家长因孩子打架{quarrel} 家长与学校因孩子受伤{quarrel} 家长与培训机构因退费{quarrel}"
        ),
        "s": W("我孩子在学校被同学推了，对方家长不认 培训班不给退费 学校不给个说法"),
        "d": W("孩子仅轻微擦伤 {no_harm_r}"),
        "ds": W("孩子就擦破点皮 {no_harm_s}"),
    },
    "dog_bite_comp": {
        "w": 0.5,
        "grid": {"residential": 1.5, "village": 1.5},
        "r": W(
            "{who}被{nb}家狗咬伤后就赔偿{quarrel} 狗主人拒绝承担{who}打疫苗费用，双方{quarrel}"
        ),
        "s": W("我被他家狗咬了，疫苗钱他不给 他家狗咬了我孩子他说不关他的事"),
        "d": W("已打狂犬疫苗 要求赔偿{amt_s}"),
        "ds": W("我已经打了疫苗 就要他出个医药费"),
    },
    "medical_dispute": {
        "w": 0.4,
        "hours": "day",
        "r": W(
            "患者家属与医院因治疗费用{quarrel} 家属在诊所门口讨说法 患者与医生因检查结果{quarrel}"
        ),
        "s": W("医院多收了钱还不讲理 诊所把我{rel}的病看坏了 医生态度太差了"),
        "d": W("{no_harm_r}"),
        "ds": W("{no_harm_s}"),
    },
}
