"""Word banks for the sample province's titles and bodies.

The banks deliberately avoid the words the channel checks look for in link texts (咨询, 留言, 信箱, 互动,
征集, 服务, 办事, …): a news title on the home page must not turn into an "interaction entry" by accident,
or the planted no_interaction_channel / no_service_channel problems would be hidden. They hold no
misspellings: every 错敏字 on the sample sites is planted on purpose and listed in the truth.
"""

from __future__ import annotations

import random

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武戴莫孔汤"
GIVEN = "明华建国军平志伟红敏丽强磊洋勇艳杰娟涛超秀英芳霞刚桂兰玉梅海波斌宇浩凯鹏飞晨欣怡佳琪雪婷俊峰文静春燕"

TOPICS = [
    "安全生产",
    "防汛抗旱",
    "森林防火",
    "乡村振兴",
    "营商环境优化",
    "重点项目建设",
    "文明城市创建",
    "生态环境保护",
    "稳岗就业",
    "冬季供暖保障",
    "农村人居环境整治",
    "招商引资",
    "民生实事",
    "数字政府建设",
    "食品安全",
    "城市更新",
    "耕地保护",
    "河湖长制",
    "校园安全",
    "基层治理",
    "消防安全",
    "物价监测",
]
LAWS = ["安全生产法", "防洪法", "环境保护法", "食品安全法", "就业促进法", "政府信息公开条例", "土地管理法"]

NEWS = [
    "{short}召开{topic}工作推进会",
    "{short}部署{topic}重点工作",
    "{short}开展{topic}专项检查",
    "{short}{topic}工作取得阶段性成效",
    "{short}主要负责同志调研{topic}工作",
    "{short}举办{topic}业务培训班",
    "{short}召开{topic}工作调度会",
    "{short}组织开展{topic}集中宣传活动",
]
NOTICE = [
    "关于开展{topic}专项检查的通知",
    "关于做好{topic}有关工作的通知",
    "关于{topic}工作考核结果的公示",
    "关于印发{year}年{topic}工作要点的通知",
    "关于调整{topic}工作领导小组成员的通知",
    "关于{topic}第三方评估项目成交结果的公告",
]
POLICY = [
    "{short}人民政府办公室关于印发《{short}{topic}实施方案》的通知",
    "{short}关于进一步加强{topic}工作的意见",
    "关于印发《{short}{topic}管理办法》的通知",
    "{short}人民政府关于推进{topic}高质量发展的若干措施",
]
PERSONNEL = [
    "关于{name}等同志职务任免的通知",
    "{year}年{short}公开招聘工作人员拟聘用人员名单",
    "关于{name}同志试用期满考核合格的通报",
]
PLANNING = [
    "{short}{year}年{topic}工作计划",
    "{short}{topic}专项规划（{year}—{year2}年）",
    "{year}年{short}{topic}工作要点",
]
OTHER = [
    "{year}年{month}月{short}{topic}情况",
    "{short}{topic}统计数据发布",
    "{short}{topic}年度报告",
    "{short}{topic}信息",
]
CONSULT_Q = [
    ("关于{topic}的问题", "您好，请问{topic}方面的具体要求是什么？需要准备哪些材料？"),
    ("{topic}相关事项", "想了解一下今年{topic}的政策有没有变化，谢谢。"),
    ("请问{topic}怎么办理", "本人想了解{topic}的办理流程和时限，望答复。"),
    ("反映{topic}有关情况", "我们小区附近{topic}存在一些问题，希望有关部门关注。"),
]
ANSWERS = [
    "您好！您反映的问题已收悉。经核实，相关工作正在按计划推进，具体可拨打0797-8123456了解。感谢您的关注！",
    "您好！根据相关规定，所需材料可在本单位网站通知公告栏目查阅。感谢您的来信。",
    "您好！已将您反映的情况转交属地乡镇（街道）处理，处理结果将及时反馈。",
]

PARAS = [
    "为深入贯彻落实党中央、国务院决策部署，进一步推动{topic}工作，{short}近日召开专题会议，对下一阶段工作作出安排。",
    "会议强调，要压实工作责任，细化工作措施，确保各项任务落到实处、见到实效。",
    "各乡镇（街道）、各有关部门要高度重视，加强协调配合，形成工作合力，按时报送工作进展情况。",
    "下一步，{short}将持续抓好{topic}各项工作，不断提升群众的获得感、幸福感、安全感。",
    "会上通报了前一阶段{topic}工作开展情况，分析了存在的问题，明确了整改时限和责任人。",
    "此次活动共发放宣传资料3000余份，现场解答群众疑问200余人次，取得了良好的社会效果。",
]
POLICY_PARAS = [
    "根据《中华人民共和国{law}》等法律法规规定，结合本地实际，制定本方案。",
    "一、总体要求。坚持以人民为中心的发展思想，统筹发展和安全，推动{topic}工作提质增效。",
    "二、主要任务。健全工作机制，完善配套制度，强化督促检查，确保各项措施落地见效。",
    "三、保障措施。各地各部门要加强组织领导，落实经费保障，做好宣传引导工作。",
    "本方案自印发之日起施行，由{short}人民政府办公室负责解释。",
]


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def fill(template: str, rng: random.Random, **kw: object) -> str:
    values: dict[str, object] = {
        "topic": rng.choice(TOPICS),
        "law": rng.choice(LAWS),
        "name": person(rng),
    }
    values.update(kw)
    return template.format(**values)
