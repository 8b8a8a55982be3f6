"""Synonyms real callers and call-takers use for the words of the generated texts.

Why: a classifier trained on texts that always say "电动车被盗" learns that surface form and
misses "电驴让人顺走了". The paraphrase layer in ``texts`` swaps matched words for one of their
alternatives at random, so both forms stay common.

Rules for entries (keep them when editing):
- An alternative keeps the meaning AND the label (TAXONOMY.md): never turn a quarrel into
  blows, never add or drop an injury, a weapon, a loss or ongoing-ness, never turn a time of
  day into another one, never touch digits or place names (those are protected anyway).
- Prefer whole phrases over single characters (a lone "偷" would also hit "小偷", "偷拍").
- Every form of a group is itself a key, so the longest-match-first regex never rewrites part
  of a longer form ("推推搡搡" must not become "推拉扯搡").

``GROUPS``: one group per line, forms separated by spaces; each form maps to all the others.
``ONE_WAY``: ``key: alt alt`` per line, for forms that are safe in one direction only.
"""

from __future__ import annotations

GROUPS = """
偷走 偷去 盗走 顺走
被偷了 被盗了 被人偷了 被人顺走了 让人偷了 叫人偷了
被偷走 被盗走 被人偷走 被人顺走 被人摸走
失窃 被盗了
偷东西 行窃 偷窃 顺东西
小偷 窃贼 小贼 贼娃子
扒手 三只手 小偷小摸的
盗窃 偷盗
偷拍 偷偷拍照
偷拿 顺手拿 偷偷拿
抢走 抢去 夺走
被抢了 被人抢了 让人抢了
抢劫 打劫
骗走 骗去 诈走
被骗了 上当受骗了 被人骗了 遭遇诈骗
骗子 诈骗分子
转账 转钱 汇款 打款
打人 动手打人 揍人
打架 干架 互殴 动手打架
打架斗殴 斗殴 互相斗殴
打斗 扭打 厮打
推搡 推推搡搡 推来推去 拉扯
肢体冲突 肢体摩擦 拉拉扯扯
吵架 争吵 起争执 拌嘴 扯皮 吵嘴
争吵不休 吵个不停 吵得不可开交 吵个没完
发生口角 发生争执 起了争执 产生口角 吵了起来
争执不下 僵持不下 互不相让 谁也不让谁
产生纠纷 发生纠纷 起了纠纷 闹纠纷
产生矛盾 发生矛盾 闹矛盾 起了矛盾
起了冲突 发生冲突 闹起了冲突
吵闹 吵吵闹闹 大声喧哗
扰民 影响居民休息 吵得邻居睡不着
噪音 噪声
骚扰 纠缠
威胁 恐吓
持刀 拿着刀 手持刀具
受伤 受了伤 挂彩
没有受伤 没受伤 没伤着 未受伤
无人受伤 没有人受伤 无人员受伤 没人受伤
未造成伤害 没有造成伤害 未造成人员伤害
流血 出血 淌血
头部 头上 脑袋上
晕倒 昏倒
晕倒了 昏倒了 晕过去了 昏过去了
昏迷 不省人事 人事不省
昏迷不醒 不省人事 人事不省
叫不醒 喊不醒 怎么叫都叫不醒
没有意识 意识不清 没意识
呼吸困难 喘不上气 喘不过气
抽搐 抽筋 抽风
摔倒 跌倒
走失 走丢
走散 走失 失散
至今未归 到现在都没回来 一直没回来 至今没回家
未归 没回来 没回家
失联 联系不上 联系不到 失去联系
被困在 困在 被关在 卡在
反锁在 锁在
丢失 遗失 弄丢
捡到 拾到 捡着
迷路 找不到路 认不得路 不认识路
老年痴呆 阿尔茨海默病 老糊涂
精神病 精神有问题 精神不正常
精神病人 精神病患者 精神有问题的人
轻生 寻短见 想不开
故意放火 蓄意放火 故意纵火
放火 纵火
着火 起火 失火
救护车 急救车
送医 送医院 送去医院
醉酒后 喝醉后 喝多后 酒后
喝醉了 喝多了 喝高了 醉了
喝醉 喝多
醉汉 醉鬼 酒鬼
闹事 滋事 惹事 撒野
酒驾 酒后驾车 喝酒开车 酒后开车
吸毒 吸食毒品
赌博 聚赌 赌钱
流浪狗 野狗 流浪犬
流浪猫 野猫
未咬伤 没咬到 没被咬伤
挪车 移车 挪个车
堵住 挡住 堵着
占道经营 占道摆摊 占道摆卖
摆摊 摆地摊 出摊
流动摊贩 流动商贩 小摊贩
城管 城管部门
物业 物业公司 物管
物业费 物管费 物业管理费
拖欠工资 欠薪 拖欠工钱 不给工资
工资 工钱 薪水 血汗钱
欠钱 欠债 欠账
还钱 还账 还债
彩礼 彩礼钱 礼金
退钱 退款
商家 店家
店主 店老板
顾客 客人 消费者
店员 服务员 营业员
快递员 快递小哥 送快递的
外卖员 外卖小哥 送外卖的 骑手
陌生人 不认识的人 生人
陌生男子 不认识的男的 陌生男人
一伙人 一帮人 一群人
一名男子 一个男的 一名男性 一个男人 一男子
一名女子 一个女的 一名女性 一个女人 一女子
男子 男性 男人
女子 女性 女人
小伙子 年轻小伙 小年轻
小青年 小年轻 年轻小伙子
年轻人 年轻小伙子们 小年轻们
中年男子 中年男人 中年男性
小孩子 小孩 孩子 小朋友
老人 老年人
老太太 老奶奶 老太 阿婆 老婆婆
老大爷 大爷 老爷子 老大伯 老汉
老父亲 父亲 老爸
老母亲 母亲 老妈
爸爸 父亲 老爸
妈妈 母亲 老妈
老公 丈夫
老婆 妻子
女儿 闺女
邻居 街坊 街坊邻居
邻居家 街坊家
楼上邻居 楼上住户 楼上那家 楼上人家
楼下邻居 楼下住户 楼下那家
隔壁邻居 隔壁住户 隔壁那家
对门邻居 对门住户 对门那家
房东 房主
租客 租户 房客
保安 门卫
包工头 工头
嫌疑人 嫌犯 犯罪嫌疑人
目击者 目击群众 看到的人
事主 当事人
警察 公安
民警 警察 警员
警察同志 民警同志 公安同志
报警人 报案人 来电人
报警人称 报警人说 报警人讲 报警人表示
来电人称 来电人说 来电人表示
报警称 报案称 打电话称
我要报警 我报个警 我想报警
电动车 电瓶车 电驴 小电驴 电动自行车
自行车 单车 脚踏车
共享单车 共享自行车
摩托车 摩托
三轮车 三轮
汽车 小车 私家车
汽车站 客运站
公共汽车 公交车
轿车 小轿车 小汽车
钱包 皮夹 钱夹 皮夹子
背包 双肩包
包里 包内 包中
现金 现钞 现款
银行卡 储蓄卡
身份证号 身份证号码
手机号 手机号码 电话号码
车牌号 车牌号码 牌照号
车牌 牌照
菜市场 菜场
出租屋 出租房 租的房子
店里 店内 铺子里
网吧 网咖
饭店 饭馆 餐馆
路边 马路边 路旁 道边
马路上 大马路上 路面上
楼道 楼梯间
楼下 楼底下
家中 家里
屋内 屋里 房子里
车棚 停车棚 自行车棚
电梯里 电梯内 轿厢里
附近 一带 周边
旁边 边上
里面 里头
外面 外头
这里 这儿
那里 那儿
十字路口 岔路口
垃圾桶 垃圾箱
漏水 渗水
监控 摄像头 监控录像
调取监控 查看监控 调看监控 调监控
刚才 刚刚 就在刚才 方才
还在 仍在 到现在还在 还一直在
还没走 还没离开 没走
多次 好几次 屡次
经常 老是 时常 总是
每天 天天 每日
半夜 大半夜 深更半夜
至今 到现在 到目前
目前 眼下 当前
突然 忽然 一下子
今天 今儿 今日
昨天 昨儿 昨日
逃跑 逃走 溜了
跑了 逃走了 溜了 跑掉了
离开现场 离开了现场
控制住 摁住
追回 找回
找回来 追回来
损坏 弄坏 损毁
大约 大概 差不多
发现 看到 看见
听到 听见
帮帮忙 帮个忙 帮下忙
协助 帮助 帮忙
处理 处置
到场 到现场
赔偿 赔钱
咨询 询问 打听
请求出警 要求民警到场 希望警察来处理 请派民警过来 请出警
要求民警到场处理 请民警到现场处理 希望民警过来处理
需民警到场 需警察到场 需要民警过来
要求出警 要求派警 要求警察过来
请民警尽快到场 请民警尽快赶到 麻烦民警尽快过来
请求处理 要求处理 希望处理一下
请派人处理 请派人过来处理 麻烦派人来处理
要求警方处理 希望警方处理 请警方处理
请求帮助 请求协助 寻求帮助
请求警方协助 请警方协助 请求警方帮助
要求派员处置 要求派人处置 请求派员处理
请尽快处理 麻烦尽快处理 请抓紧处理
具体位置说不清 说不清具体位置 讲不清具体位置 具体地址说不清楚
位置不详 具体位置不详 地点不详
没有损失 未造成损失 无损失 没损失
需送医 需要送医院 得送医院
你们赶紧来 你们快来 快派人来 赶紧派人过来
麻烦你们 劳烦你们 拜托你们
求求你们 拜托你们了 求你们了
帮帮我们 帮我们一下
吓死了 吓坏了 吓得要命
赶紧 赶快 抓紧
马上 立刻 立马
看看 瞧瞧 看一下
不见了 找不着了 找不到了
没有人 没人
"""

ONE_WAY = """
手机: 电话
OPPO手机: OPPO
小米手机: 小米
华为手机: 华为
苹果手机: iPhone
孩子: 娃娃
殴打: 揍 痛打
害怕: 怕
已经: 已
司机: 驾驶员 师傅
老公: 爱人
老婆: 媳妇 爱人
妻子: 媳妇
小区里: 院子里 小区内
小区门口: 小区大门口
一名: 一个
几名: 几个
群众: 市民 路人
报警: 报案
反映: 称 说
投诉: 反映
位于: 在
对方电话: 那人电话 对方手机
停电: 断电 没电
停水: 断水 没水
醉酒男子: 喝醉的男子 醉汉 喝多的男的
醉酒: 喝醉酒
双方: 两边 两方
"""

# Matched and left alone: longer words that contain a key but must not be rewritten.
PROTECT = """
性骚扰 被盗刷 被盗用 被盗窃 聚众赌博 物业管理 所有人 看不见 汽车客运站 被偷拍 医院里
"""


def parse() -> dict[str, tuple[str, ...]]:
    """Key → alternatives (the key itself excluded); protected words map to ``()``.

    Why a function: the table is built once by ``texts`` at generator build time.
    """
    table: dict[str, list[str]] = {}
    for line in GROUPS.strip().splitlines():
        forms = line.split()
        for form in forms:
            alts = table.setdefault(form, [])
            alts.extend(f for f in forms if f != form and f not in alts)
    for line in ONE_WAY.strip().splitlines():
        key, _, rest = line.partition(":")
        alts = table.setdefault(key.strip(), [])
        alts.extend(f for f in rest.split() if f != key.strip() and f not in alts)
    out = {k: tuple(v) for k, v in table.items() if v}
    for key in PROTECT.split():
        out[key] = ()
    return out
