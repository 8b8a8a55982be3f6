"""Dispute phrasings for dispute.py's sub-types, plus deliveries, dog-bite compensation,
medical disputes, renovation contracts, school parents and workplace compensation."""

from __future__ import annotations

from training.simulator.text_fragments.common import extend_subtypes
from training.simulator.text_fragments.common import words as W

SLOTS: dict[str, list[str]] = {
    "quarrel": W("发生矛盾 产生纠纷 争吵不休 吵了起来 发生言语冲突 互相指责"),
    "no_harm_r": W("双方均未受伤 仅有言语冲突 没有动手 未发生打斗"),
    "no_harm_s": W("没打架就是吵 没人受伤 只是吵嘴"),
}

SUBTYPES: dict[str, dict] = {
    "neighbour_noise": {
        "r": W(
            "{nb}深夜洗衣服噪音大，双方{quarrel} {nb}天天早上六点就开始剁肉，双方{quarrel} "
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

# Thinner sub-types of dispute.py get more phrasings here.
_MORE: dict[str, dict] = {
    "neighbour_leak": {
        "r": W(
            "{nb}下水道堵塞污水倒灌至报警人家，双方{quarrel} {nb}拒绝开门检修漏水，双方{quarrel} "
            "{nb}阳台花盆浇水滴到报警人晾晒衣物，双方{quarrel} 报警人家墙面因{nb}漏水发霉"
        ),
        "s": W(
            "楼上下水道堵了污水全冒到我家 他家漏水不开门让人修 楼上浇花的水滴我衣服上 我家墙都被泡得发霉了"
        ),
    },
    "parking_dispute": {
        "r": W(
            "{nm}车辆长期占用公共车位与{nb}{quarrel} 报警人车辆被{nb}用地锁挡住，双方{quarrel} "
            "因电动车停放楼道问题与{nb}{quarrel} 商户与车主因门前停车{quarrel}"
        ),
        "s": W(
            "他家用地锁把公共车位占了 邻居电动车天天堆楼道里 我家门口天天被人停车，说他还骂人 "
            "我停个车店老板就出来骂人"
        ),
    },
    "taxi_dispute": {
        "r": W(
            "乘客吐在出租车上，双方就清洗费{quarrel} 网约车司机与乘客因目的地问题{quarrel} "
            "司机拒载与乘客{quarrel} {who}与代驾司机因费用{quarrel}"
        ),
        "s": W("乘客吐了我一车不给清洗费 司机不拉我还骂人 代驾多收我钱 网约车司机半路把我放下了"),
    },
    "landlord_tenant": {
        "r": W(
            "房东断水断电逼租客搬走，双方{quarrel} 租客退房时房东以墙面损坏为由扣押金 "
            "二房东收了租金后失联，租客与房东{quarrel} 房东私自进入租客房间，双方{quarrel}"
        ),
        "s": W(
            "房东把我水电停了逼我搬 退房的时候他说墙脏了扣我押金 房东趁我不在进我房间了 "
            "二房东收了钱跑了，现在房东赶我走"
        ),
    },
    "debt_dispute": {
        "r": W(
            "{who}与合伙人因分红{quarrel} {who}上门讨要货款{amt}与对方{quarrel} "
            "{nm}借{who}{amt}逾期未还，双方{quarrel} {who}与前男友因共同借款{quarrel}"
        ),
        "s": W(
            "我去要货款他躲着不见 合伙做生意他不给我分钱 前男友借我的钱不还 他借了我{amt}说好一个月还，现在半年了"
        ),
    },
    "traffic_scrape": {
        "r": W(
            "{car}倒车时剐蹭{who}车辆，双方就责任{quarrel} {ebike}与行人轻微碰撞，双方{quarrel} "
            "两车在停车场剐蹭，对方拒绝走保险"
        ),
        "s": W(
            "他倒车把我车刮了还说是我的错 电动车碰了我一下他还骂人，人没事 停车场刮了一下他不走保险"
        ),
    },
    "property_mgmt": {
        "r": W(
            "业主因车辆被物业贴条与物业{quarrel} 业主与物业因电梯维修费{quarrel} "
            "装修工人与物业因出入证{quarrel} 业主因快递丢失与物业{quarrel}"
        ),
        "s": W("物业在我车上贴条还锁我车 电梯坏了物业还要我们出钱 物业不让装修工人进来"),
    },
    "land_dispute": {
        "r": W(
            "{nm}与{nm}因茶地边界{quarrel} 村民因修路占地补偿{quarrel} {nm}与{rel}因承包地分配{quarrel} "
            "{nm}在{who}家地里种树，双方{quarrel}"
        ),
        "s": W("他在我家茶地里种树 修路占了我的地补偿不给 兄弟分地分不平吵起来了 界桩被他挪了"),
    },
    "livestock_dispute": {
        "r": W(
            "{nm}家猪拱坏{who}菜地，双方{quarrel} {who}的牛被{nm}家拴走要求赔偿 鸭子跑进{nm}鱼塘，双方{quarrel}"
        ),
        "s": W("他家猪把我菜地拱了 我家牛跑到他地里他把牛拴着不还 我家鸭子跑他鱼塘里他要我赔"),
    },
}
extend_subtypes(SUBTYPES, _MORE)
extend_subtypes(
    SUBTYPES,
    {
        "customer_dispute": {"pii": ("phone", "landline")},
        "property_mgmt": {"pii": ("phone", "landline")},
        "unpaid_wages": {"pii": ("phone", "idno", "landline")},
    },
)
