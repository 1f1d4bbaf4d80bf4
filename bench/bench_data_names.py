"""Words and weights of the benchmark data (`bench/generate_bench_data.py`): Nantong's districts
and towns, 字号 characters, trades and legal forms, surnames, roads, registration statuses, the
share of records per catalog item and the disclosure rules of penalties."""

import datetime as dt

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DIVISIONS = {
    "崇川区": "320602",
    "通州区": "320612",
    "海门区": "320614",
    "如东县": "320623",
    "启东市": "320681",
    "如皋市": "320682",
    "海安市": "320685",
    "南通经济技术开发区": "320691",
}
DISTRICT_WEIGHTS = [26, 16, 13, 9, 10, 12, 9, 5]
TOWNS = {
    "崇川区": ["和平桥", "任港", "观音山", "狼山", "唐闸", "天生港", "钟秀", "虹桥", "新城桥", "幸福"],
    "通州区": ["金沙", "西亭", "二甲", "石港", "刘桥", "平潮", "兴仁", "川姜", "先锋", "五接"],
    "海门区": ["三星", "三厂", "常乐", "悦来", "临江", "四甲", "余东", "正余", "包场", "海永"],
    "如东县": ["掘港", "马塘", "栟茶", "洋口", "丰利", "曹埠", "岔河", "双甸", "大豫", "长沙"],
    "启东市": ["汇龙", "吕四港", "南阳", "北新", "王鲍", "合作", "海复", "近海", "寅阳", "惠萍"],
    "如皋市": ["如城", "白蒲", "林梓", "下原", "九华", "石庄", "长江", "吴窑", "江安", "磨头"],
    "海安市": ["城东", "墩头", "雅周", "李堡", "角斜", "白甸", "南莫", "大公", "曲塘", "孙庄"],
    "南通经济技术开发区": ["中兴", "新开", "竹行", "小海", "能达", "富民港", "星湖", "通盛", "东方", "江海"],
}
# 字号 characters, most common first (their frequency falls off as in real registers).
BRAND_CHARS = (
    "华通海达恒盛鑫宏泰兴源金信诚汇德瑞富嘉安永明丰正天宇新联合和顺祥隆利发昌腾飞龙远强建中东江南北"
    "星光辉科创智博精益康美佳乐欣悦晟昊宸睿铭鼎峰浩润泽洋博晖耀煌锦绣鸿运亨通广茂森林晶亮杰俊豪"
    "凯旋越卓雅欧亚环宝骏驰骐骋麒麟凤凰云霞月阳春秋冬夏振邦国民众志远航凌霄万方圆融贯百千吉祥如意"
    "平稳固坚韧勤俭朴实纯真善诺承启迪才艺术文化体育宏图伟业新创盈享誉奥特斯达尔普朗迈赛维思"
)
TRADES = [
    "建筑工程",
    "建设工程",
    "装饰工程",
    "市政工程",
    "钢结构工程",
    "纺织科技",
    "家纺用品",
    "纺织品",
    "服饰",
    "印染",
    "机械制造",
    "机电设备",
    "船舶重工",
    "船舶配件",
    "海洋工程",
    "化工",
    "新材料",
    "电子科技",
    "信息技术",
    "软件科技",
    "网络科技",
    "物流",
    "供应链管理",
    "国际贸易",
    "商贸",
    "贸易",
    "餐饮管理",
    "食品",
    "农业发展",
    "水产",
    "生物科技",
    "医药",
    "医疗器械",
    "环保科技",
    "新能源科技",
    "电力工程",
    "房地产开发",
    "物业管理",
    "置业",
    "人力资源",
    "企业管理咨询",
    "广告传媒",
    "文化传播",
    "教育科技",
    "旅游发展",
    "汽车销售服务",
    "汽车零部件",
    "五金制品",
    "塑料制品",
    "包装材料",
    "家具",
    "灯饰",
]
FORMS = [
    ("有限公司", 70),
    ("有限责任公司", 8),
    ("股份有限公司", 7),
    ("集团有限公司", 4),
    ("科技有限公司", 6),
    ("专业合作社", 3),
    ("行业协会", 1),
    ("服务中心", 1),
]
SHOP_TRADES = [
    "小吃店",
    "饭店",
    "面馆",
    "烧烤店",
    "超市",
    "便利店",
    "五金店",
    "服装店",
    "家纺店",
    "水果店",
    "理发店",
    "美容美发店",
    "维修部",
    "电动车行",
    "建材商行",
    "日用品商行",
    "茶叶店",
    "烟酒店",
    "药店",
    "副食品店",
    "早餐店",
    "干洗店",
    "打印部",
    "手机店",
    "花店",
    "眼镜店",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国海燕志强红梅晓东玉兰文斌丹萍健鹏飞宇浩然子涵欣怡雨轩梓萱一诺俊杰"
ROADS = [
    "人民路",
    "工农路",
    "青年路",
    "南大街",
    "濠河路",
    "崇川路",
    "世纪大道",
    "通富路",
    "星湖大道",
    "长江路",
    "新华路",
    "建设路",
    "解放路",
    "园林路",
    "江海大道",
    "通京大道",
    "永兴大道",
    "钟秀路",
    "城港路",
    "虹桥路",
]
STATUSES = [("存续（在营、开业、在册）", 88), ("注销", 6), ("吊销", 3), ("停业", 2), ("迁出", 1)]
ORG_TYPES = [
    "有限责任公司（自然人投资或控股）",
    "有限责任公司（自然人独资）",
    "股份有限公司（非上市、自然人投资或控股）",
    "有限责任公司（非自然人投资或控股的法人独资）",
    "农民专业合作社",
    "社会团体",
]
# Share of records per catalog item; items absent from the published catalog are skipped.
ITEM_WEIGHTS = {
    "business_registration": 17,
    "admin_license": 30,
    "admin_penalty": 20,
    "enterprise_qualification": 6,
    "certification_trademark": 4,
    "professional_qualification": 3,
    "commendation": 6,
    "social_rating": 2,
    "tax_credit_rating": 9,
    "bank_credit_rating": 2,
    "warning_record": 1,
}
DECISION_FROM, DECISION_TO = dt.date(2019, 1, 1), dt.date(2026, 10, 31)
SEVERITY_LABELS = {"light": "轻微", "general": "一般", "serious": "严重"}
SEVERITIES, SEVERITY_WEIGHTS = ["light", "general", "serious"], [20, 65, 15]
PENALTY_MONTHS = {"light": (3, 0), "general": (12, 3), "serious": (36, 12)}  # disclosure, repair after
# Calendar months and years, near enough for generated data (dateutil would be exact, and slow).
MONTH, YEAR = dt.timedelta(days=30), dt.timedelta(days=365)
# Placeholders in prepared record data, replaced by each record's own values.
HOLES = {name: f"\ue000{name}\ue000" for name in ("name", "code", "rep", "date", "until", "severity")}
