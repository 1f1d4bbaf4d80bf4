"""Demo subjects (信息主体) spread over Nantong's districts and counties.

The names are invented but built the way Nantong's are (字号 after a town, a river or a local
trade: 叠石桥 home textiles in 海门, 吕四港 fishing in 启东, 花木 in 如皋, 茧丝绸 in 海安).
Codes carry the division code of the authority that issued them: codes issued before a
district reform keep the old division (海门市 320684 until 2020, 海安县 320621 until 2018,
港闸区 320611 until 2020), as real codes do.
"""

import datetime as dt
from dataclasses import dataclass

from catalog.models import SubjectKind
from nantong_credit.demo.codes import make_ric, make_uscc, organisation_code

D = dt.date

# Current divisions (民政部 行政区划代码) and the names shown as 所属地区.
DISTRICTS = {
    "320602": "崇川区",
    "320612": "通州区",
    "320614": "海门区",
    "320623": "如东县",
    "320681": "启东市",
    "320682": "如皋市",
    "320685": "海安市",
}
# Divisions of earlier days that still appear in codes issued back then.
FORMER_DIVISIONS = {"320611": "崇川区", "320684": "海门区", "320621": "海安市"}
CITY = "320600"  # 南通市本级
DEVELOPMENT_ZONE = "320691"  # 南通经济技术开发区

# Today's registration authorities (the 行政审批局 took over 市场主体登记 from 市场监管).
REGISTRARS = {
    "320602": "南通市崇川区行政审批局",
    "320611": "南通市崇川区行政审批局",
    "320612": "南通市通州区行政审批局",
    "320614": "南通市海门区行政审批局",
    "320684": "南通市海门区行政审批局",
    "320623": "如东县行政审批局",
    "320681": "启东市行政审批局",
    "320682": "如皋市行政审批局",
    "320685": "海安市行政审批局",
    "320621": "海安市行政审批局",
    CITY: "南通市行政审批局",
    DEVELOPMENT_ZONE: "南通经济技术开发区行政审批局",
}

# 登记管理部门码 + 机构类别码 (GB 32100-2015 附录A).
ENTERPRISE, COOPERATIVE, INDIVIDUAL = "91", "93", "92"
SOCIAL_GROUP, PRIVATE_NON_ENTERPRISE, PUBLIC_INSTITUTION = "51", "52", "12"
SOCIAL_ORGANISATIONS = (SOCIAL_GROUP, PRIVATE_NON_ENTERPRISE)


@dataclass(frozen=True)
class OrganisationSpec:
    key: str
    name: str
    kind_code: str  # 登记管理部门码 + 机构类别码
    division: str  # as written in the code
    district: str
    established: dt.date
    legal_representative: str
    organisation_type: str
    address: str
    capital: str = ""  # 万元
    scope: str = ""
    registrar: str = ""
    status: str = "存续（在营、开业、在册）"

    @property
    def kind(self) -> str:
        if self.kind_code == INDIVIDUAL:
            return SubjectKind.INDIVIDUAL_BUSINESS.value
        return SubjectKind.LEGAL_PERSON.value

    @property
    def identifier(self) -> str:
        # Social organisations registered by 民政 since the reform get `MJ…` organisation codes.
        is_new_social_org = self.kind_code in SOCIAL_ORGANISATIONS and self.established >= D(2015, 10, 1)
        prefix = "MJ0" if is_new_social_org else ""
        org_code = organisation_code(f"subject:{self.key}", established=self.established, prefix=prefix)
        return make_uscc(authority_and_type=self.kind_code, division=self.division, org_code=org_code)

    @property
    def registration_authority(self) -> str:
        if self.registrar:
            return self.registrar
        return REGISTRARS[self.division]


@dataclass(frozen=True)
class PersonSpec:
    key: str
    name: str
    birth_division: str  # the county where the number was issued, valid in the birth year
    born: dt.date
    sequence: int  # odd for men, even for women (GB 11643)
    district: str
    address: str

    kind = SubjectKind.NATURAL_PERSON.value

    @property
    def identifier(self) -> str:
        return make_ric(division=self.birth_division, born=self.born, sequence=self.sequence)


LLC = "有限责任公司（自然人投资或控股）"
LLC_SOLE = "有限责任公司（自然人独资）"
LLC_LEGAL = "有限责任公司（非自然人投资或控股的法人独资）"
JOINT_STOCK = "股份有限公司（非上市、自然人投资或控股）"
COOP = "农民专业合作社"
SOLE_TRADER = "个体工商户"

LEGAL_PERSONS: list[OrganisationSpec] = [
    # 崇川区
    OrganisationSpec(
        "haisheng",
        "南通海晟建设工程有限公司",
        ENTERPRISE,
        "320602",
        "崇川区",
        D(2009, 4, 21),
        "顾海军",
        LLC,
        "南通市崇川区工农路486号",
        "8000",
        "房屋建筑工程、市政公用工程、建筑装修装饰工程施工",
    ),
    OrganisationSpec(
        "haohe_catering",
        "南通濠河餐饮管理有限公司",
        ENTERPRISE,
        "320602",
        "崇川区",
        D(2017, 6, 8),
        "陈静",
        LLC,
        "南通市崇川区濠南路19号",
        "200",
        "餐饮服务；餐饮管理；食品销售",
    ),
    OrganisationSpec(
        "zilang_tourism",
        "南通紫琅文化旅游发展有限公司",
        ENTERPRISE,
        "320602",
        "崇川区",
        D(2020, 9, 17),
        "朱晓东",
        LLC_LEGAL,
        "南通市崇川区青年东路88号",
        "5000",
        "旅游开发项目策划咨询；游览景区管理；会议及展览服务",
    ),
    OrganisationSpec(
        "zhongxiu_pharmacy",
        "南通钟秀医药连锁有限公司",
        ENTERPRISE,
        "320602",
        "崇川区",
        D(2012, 3, 5),
        "徐红梅",
        LLC,
        "南通市崇川区钟秀中路138号",
        "500",
        "药品零售；医疗器械经营；保健食品销售",
    ),
    OrganisationSpec(
        "tangzha_textile",
        "南通唐闸纺织科技有限公司",
        ENTERPRISE,
        "320611",
        "崇川区",
        D(2016, 11, 23),
        "沈建平",
        LLC,
        "南通市崇川区唐闸镇街道通扬南路318号",
        "3000",
        "纺织面料研发、生产、销售；纺织原料销售",
    ),
    OrganisationSpec(
        "renmin_elevator",
        "南通任港电梯工程有限公司",
        ENTERPRISE,
        "320602",
        "崇川区",
        D(2014, 8, 12),
        "陆卫东",
        LLC,
        "南通市崇川区任港路66号",
        "1000",
        "电梯安装、改造、修理；特种设备销售",
    ),
    OrganisationSpec(
        "logistics_assoc",
        "南通市物流行业协会",
        SOCIAL_GROUP,
        CITY,
        "崇川区",
        D(2011, 5, 20),
        "季国平",
        "社会团体",
        "南通市崇川区世纪大道6号",
        "10",
        "行业自律、业务培训、信息交流、咨询服务",
        registrar="南通市民政局",
    ),
    OrganisationSpec(
        "yangguang_elderly",
        "南通市崇川区阳光养老服务中心",
        PRIVATE_NON_ENTERPRISE,
        "320602",
        "崇川区",
        D(2018, 10, 9),
        "瞿美华",
        "民办非企业单位",
        "南通市崇川区虹桥路25号",
        "50",
        "老年人日间照料、助餐、康复护理服务",
        registrar="南通市崇川区民政局",
    ),
    OrganisationSpec(
        "heping_health",
        "南通市崇川区和平桥社区卫生服务中心",
        PUBLIC_INSTITUTION,
        "320602",
        "崇川区",
        D(2006, 1, 16),
        "黄永健",
        "事业单位",
        "南通市崇川区和平桥街道北濠东路40号",
        "",
        "基本医疗和公共卫生服务",
        registrar="南通市崇川区事业单位登记管理局",
    ),
    # 通州区
    OrganisationSpec(
        "jinsha_dyeing",
        "南通金沙纺织印染有限公司",
        ENTERPRISE,
        "320612",
        "通州区",
        D(2004, 7, 1),
        "曹志刚",
        LLC,
        "南通市通州区金沙街道新金路88号",
        "6800",
        "纺织品印染加工；针纺织品销售",
    ),
    OrganisationSpec(
        "shigang_building",
        "南通石港新型建材有限公司",
        ENTERPRISE,
        "320612",
        "通州区",
        D(2015, 12, 28),
        "邵建新",
        LLC,
        "南通市通州区石港镇工业集中区纬一路9号",
        "1200",
        "新型墙体材料、预拌混凝土生产、销售",
    ),
    OrganisationSpec(
        "xingren_chemical",
        "南通兴仁精细化工有限公司",
        ENTERPRISE,
        "320612",
        "通州区",
        D(2008, 9, 19),
        "钱永福",
        LLC,
        "南通市通州区兴仁镇化工园区通兴路12号",
        "3600",
        "化工产品（不含危险化学品）生产；危险化学品经营",
    ),
    OrganisationSpec(
        "ercha_machinery",
        "南通市通州区二甲镇丰收农机专业合作社",
        COOPERATIVE,
        "320612",
        "通州区",
        D(2013, 4, 2),
        "范德明",
        COOP,
        "南通市通州区二甲镇余西村十一组",
        "150",
        "农业机械服务；粮食作物种植",
    ),
    OrganisationSpec(
        "chuanjiang_hometex",
        "南通川姜家纺科技有限公司",
        ENTERPRISE,
        "320612",
        "通州区",
        D(2019, 3, 14),
        "姜晓丽",
        LLC,
        "南通市通州区川姜镇志浩市场东区B8号",
        "500",
        "家用纺织制成品制造；互联网销售",
    ),
    OrganisationSpec(
        "tongzhou_bay_port",
        "南通通州湾港航物流有限公司",
        ENTERPRISE,
        "320612",
        "通州区",
        D(2021, 5, 26),
        "葛建华",
        LLC_LEGAL,
        "南通市通州区通州湾三余镇港城路1号",
        "20000",
        "港口货物装卸、仓储；道路货物运输",
    ),
    # 海门区
    OrganisationSpec(
        "dieshiqiao_embroidery",
        "南通海门叠石桥绣品有限公司",
        ENTERPRISE,
        "320684",
        "海门区",
        D(2016, 6, 30),
        "施卫红",
        LLC,
        "南通市海门区三星镇叠石桥家纺城二期C区",
        "300",
        "床上用品、绣品加工、销售",
    ),
    OrganisationSpec(
        "linjiang_biopharma",
        "南通海门临江生物医药有限公司",
        ENTERPRISE,
        "320614",
        "海门区",
        D(2021, 11, 8),
        "袁志华",
        JOINT_STOCK,
        "南通市海门区临江新区灵甸路299号",
        "12000",
        "生物医药研发；药品生产；医学研究和试验发展",
    ),
    OrganisationSpec(
        "dongzao_construction",
        "南通东灶港建设工程有限公司",
        ENTERPRISE,
        "320684",
        "海门区",
        D(2010, 2, 25),
        "黄建忠",
        LLC,
        "南通市海门区东灶港镇海港路58号",
        "10000",
        "房屋建筑、水利水电、港口与航道工程施工",
    ),
    OrganisationSpec(
        "yuelai_vegetable",
        "南通市海门区悦来镇绿源果蔬专业合作社",
        COOPERATIVE,
        "320614",
        "海门区",
        D(2022, 3, 18),
        "张秀英",
        COOP,
        "南通市海门区悦来镇新民村七组",
        "80",
        "蔬菜、水果种植、销售",
    ),
    OrganisationSpec(
        "baochang_electric",
        "南通包场电器有限公司",
        ENTERPRISE,
        "320684",
        "海门区",
        D(2007, 10, 11),
        "陆建国",
        LLC,
        "南通市海门区包场镇工业园区民生路6号",
        "800",
        "小家电制造、销售",
        status="吊销",
    ),
    # 如东县
    OrganisationSpec(
        "yangkou_energy",
        "如东洋口港新能源科技有限公司",
        ENTERPRISE,
        "320623",
        "如东县",
        D(2018, 8, 6),
        "缪海涛",
        LLC_LEGAL,
        "如东县洋口镇洋口港经济开发区黄海一路8号",
        "30000",
        "海上风力发电；新能源技术研发",
    ),
    OrganisationSpec(
        "xiaoyangkou_tourism",
        "如东小洋口旅游开发有限公司",
        ENTERPRISE,
        "320623",
        "如东县",
        D(2012, 6, 18),
        "丁卫兵",
        LLC,
        "如东县长沙镇小洋口旅游度假区海滨大道1号",
        "2000",
        "旅游景区开发、经营；温泉洗浴服务",
    ),
    OrganisationSpec(
        "bencha_seafood",
        "江苏如东栟茶水产食品有限公司",
        ENTERPRISE,
        "320623",
        "如东县",
        D(2005, 11, 30),
        "冯春兰",
        LLC,
        "如东县栟茶镇工业集中区栟西路2号",
        "1500",
        "水产品冷冻加工；预包装食品销售",
    ),
    OrganisationSpec(
        "fengli_laver",
        "如东县丰利镇海源紫菜专业合作社",
        COOPERATIVE,
        "320623",
        "如东县",
        D(2016, 4, 7),
        "吴海兵",
        COOP,
        "如东县丰利镇环港村二十组",
        "300",
        "条斑紫菜养殖、加工、销售",
    ),
    OrganisationSpec(
        "binshan_chemical",
        "如东宾山精细化工有限公司",
        ENTERPRISE,
        "320623",
        "如东县",
        D(2011, 9, 9),
        "孙启明",
        LLC,
        "如东县洋口化学工业园区黄海三路16号",
        "5800",
        "精细化工中间体生产；危险化学品生产",
    ),
    # 启东市
    OrganisationSpec(
        "lvsi_fishery",
        "启东市吕四港镇海洋渔业专业合作社",
        COOPERATIVE,
        "320681",
        "启东市",
        D(2014, 5, 16),
        "茅洪生",
        COOP,
        "启东市吕四港镇渔港路128号",
        "500",
        "海洋捕捞；水产品初加工、销售",
    ),
    OrganisationSpec(
        "qidong_offshore",
        "启东海工船舶装备有限公司",
        ENTERPRISE,
        "320681",
        "启东市",
        D(2010, 12, 20),
        "倪振华",
        LLC,
        "启东市寅阳镇滨江精细化工园区江海路3号",
        "15000",
        "海洋工程装备、船舶配套设备制造",
    ),
    OrganisationSpec(
        "yuantuojiao_tourism",
        "启东圆陀角旅游发展有限公司",
        ENTERPRISE,
        "320681",
        "启东市",
        D(2019, 7, 1),
        "龚丽华",
        LLC_LEGAL,
        "启东市寅阳镇圆陀角风景区内",
        "3000",
        "景区管理；旅游项目开发；餐饮服务",
    ),
    OrganisationSpec(
        "huilong_tools",
        "启东汇龙电动工具有限公司",
        ENTERPRISE,
        "320681",
        "启东市",
        D(2006, 3, 28),
        "蔡建军",
        LLC,
        "启东市汇龙镇紫薇路1011号",
        "1600",
        "电动工具、园林工具制造、销售",
    ),
    OrganisationSpec(
        "beixin_logistics",
        "启东北新物流有限公司",
        ENTERPRISE,
        "320681",
        "启东市",
        D(2020, 10, 22),
        "杨志强",
        LLC_SOLE,
        "启东市北新镇北新大道66号",
        "300",
        "道路普通货物运输；仓储服务",
    ),
    # 如皋市
    OrganisationSpec(
        "changjiang_ship_parts",
        "如皋市长江船舶配件有限公司",
        ENTERPRISE,
        "320682",
        "如皋市",
        D(2004, 8, 17),
        "冒志勇",
        LLC,
        "如皋市长江镇港城路88号",
        "2200",
        "船舶配件、锚链制造、销售",
    ),
    OrganisationSpec(
        "rucheng_horticulture",
        "如皋市如城花木园艺有限公司",
        ENTERPRISE,
        "320682",
        "如皋市",
        D(2017, 2, 9),
        "何桂芳",
        LLC,
        "如皋市如城街道花木大世界A区12号",
        "100",
        "花卉、苗木、盆景种植、销售；园林绿化工程",
    ),
    OrganisationSpec(
        "puxi_wine",
        "如皋市蒲溪黄酒酿造有限公司",
        ENTERPRISE,
        "320682",
        "如皋市",
        D(2004, 5, 13),
        "周宏达",
        LLC,
        "如皋市白蒲镇蒲东路9号",
        "900",
        "黄酒生产、销售",
    ),
    OrganisationSpec(
        "ruqu_power",
        "如皋港华电力设备有限公司",
        ENTERPRISE,
        "320682",
        "如皋市",
        D(2015, 11, 19),
        "许成刚",
        LLC,
        "如皋市如皋港区通港路16号",
        "5000",
        "输配电及控制设备制造；电力设施承装",
    ),
    OrganisationSpec(
        "changshou_food",
        "如皋市长寿食品有限公司",
        ENTERPRISE,
        "320682",
        "如皋市",
        D(2023, 4, 12),
        "石慧",
        LLC_SOLE,
        "如皋市经济技术开发区益寿路55号",
        "200",
        "食品生产；食品销售",
    ),
    # 海安市
    OrganisationSpec(
        "jincheng_silk",
        "海安市锦程茧丝绸有限公司",
        ENTERPRISE,
        "320621",
        "海安市",
        D(2008, 6, 6),
        "王建兵",
        LLC,
        "海安市城东镇丝绸路28号",
        "4000",
        "蚕茧收购、缫丝、丝绸制品生产",
    ),
    OrganisationSpec(
        "qutang_construction",
        "海安曲塘建设工程有限公司",
        ENTERPRISE,
        "320621",
        "海安市",
        D(2013, 1, 24),
        "胡卫国",
        LLC,
        "海安市曲塘镇振海路18号",
        "6000",
        "房屋建筑工程施工；钢结构工程施工",
    ),
    OrganisationSpec(
        "libao_logistics",
        "海安李堡物流有限公司",
        ENTERPRISE,
        "320685",
        "海安市",
        D(2019, 9, 3),
        "仲海燕",
        LLC,
        "海安市李堡镇工业园区园区路2号",
        "500",
        "道路货物运输；货物仓储",
    ),
    OrganisationSpec(
        "chengdong_machinery",
        "海安城东机械制造有限公司",
        ENTERPRISE,
        "320685",
        "海安市",
        D(2018, 12, 5),
        "吉永林",
        LLC,
        "海安市城东镇开发大道168号",
        "1000",
        "通用机械零部件加工、销售",
    ),
    # 市本级、开发区
    OrganisationSpec(
        "credit_service_assoc",
        "南通市信用服务行业协会",
        SOCIAL_GROUP,
        CITY,
        "崇川区",
        D(2017, 9, 26),
        "刘晓峰",
        "社会团体",
        "南通市崇川区工农南路150号",
        "5",
        "信用服务行业自律、标准宣传、从业人员培训",
        registrar="南通市民政局",
    ),
    OrganisationSpec(
        "charity_volunteers",
        "南通市慈善义工服务中心",
        PRIVATE_NON_ENTERPRISE,
        CITY,
        "崇川区",
        D(2019, 12, 16),
        "严玉梅",
        "民办非企业单位",
        "南通市崇川区跃龙南路210号",
        "3",
        "志愿服务组织、公益项目运营",
        registrar="南通市民政局",
    ),
    OrganisationSpec(
        "xinghu_precision",
        "南通星湖精密机械有限公司",
        ENTERPRISE,
        DEVELOPMENT_ZONE,
        "崇川区",
        D(2016, 8, 29),
        "殷建峰",
        LLC,
        "南通市经济技术开发区星湖大道1692号",
        "2500",
        "精密机械零部件、数控机床制造",
    ),
]

INDIVIDUAL_BUSINESSES: list[OrganisationSpec] = [
    OrganisationSpec(
        "li_noodles",
        "崇川区李记面馆",
        INDIVIDUAL,
        "320602",
        "崇川区",
        D(2018, 3, 22),
        "李长根",
        SOLE_TRADER,
        "南通市崇川区西南营8号",
        "",
        "餐饮服务（小型餐馆）",
    ),
    OrganisationSpec(
        "nandajie_optical",
        "崇川区南大街明亮眼镜店",
        INDIVIDUAL,
        "320602",
        "崇川区",
        D(2016, 7, 11),
        "钱明亮",
        SOLE_TRADER,
        "南通市崇川区南大街126号",
        "",
        "眼镜零售；验光配镜服务",
    ),
    OrganisationSpec(
        "wang_hardware",
        "通州区金沙王氏五金店",
        INDIVIDUAL,
        "320612",
        "通州区",
        D(2019, 5, 6),
        "王建明",
        SOLE_TRADER,
        "南通市通州区金沙街道人民路42号",
        "",
        "五金产品、建材零售",
    ),
    OrganisationSpec(
        "shigang_wine",
        "通州区石港镇老槽坊酒坊",
        INDIVIDUAL,
        "320612",
        "通州区",
        D(2021, 1, 15),
        "张德林",
        SOLE_TRADER,
        "南通市通州区石港镇老街58号",
        "",
        "白酒小作坊生产、散装酒销售",
    ),
    OrganisationSpec(
        "chen_textiles",
        "海门区三星镇陈氏家纺经营部",
        INDIVIDUAL,
        "320614",
        "海门区",
        D(2022, 8, 3),
        "陈燕",
        SOLE_TRADER,
        "南通市海门区三星镇叠石桥国际家纺城A8-116",
        "",
        "家用纺织品零售、网上销售",
    ),
    OrganisationSpec(
        "gu_flowers",
        "如皋市如城顾记花木店",
        INDIVIDUAL,
        "320682",
        "如皋市",
        D(2017, 4, 19),
        "顾春华",
        SOLE_TRADER,
        "如皋市如城街道花木大世界B区6号",
        "",
        "花卉、盆景零售",
    ),
    OrganisationSpec(
        "lvsi_seafood",
        "启东市吕四港镇阿海海鲜排档",
        INDIVIDUAL,
        "320681",
        "启东市",
        D(2020, 6, 1),
        "施海东",
        SOLE_TRADER,
        "启东市吕四港镇渔港路海鲜街17号",
        "",
        "餐饮服务（海鲜排档）",
    ),
    OrganisationSpec(
        "bencha_aquatic",
        "如东县栟茶镇建华水产品经营部",
        INDIVIDUAL,
        "320623",
        "如东县",
        D(2016, 9, 27),
        "陈建华",
        SOLE_TRADER,
        "如东县栟茶镇农贸市场东侧3号",
        "",
        "水产品零售",
    ),
    OrganisationSpec(
        "haian_auto_repair",
        "海安市城东镇顺达汽车修理部",
        INDIVIDUAL,
        "320685",
        "海安市",
        D(2019, 11, 12),
        "仲顺达",
        SOLE_TRADER,
        "海安市城东镇宁海南路302号",
        "",
        "机动车维修（三类）",
    ),
    OrganisationSpec(
        "ruqu_tea",
        "如皋市白蒲镇茶干店",
        INDIVIDUAL,
        "320682",
        "如皋市",
        D(2023, 3, 8),
        "朱秀兰",
        SOLE_TRADER,
        "如皋市白蒲镇市河路19号",
        "",
        "豆制品（白蒲茶干）零售",
    ),
]

NATURAL_PERSONS: list[PersonSpec] = [
    PersonSpec("gu_jianguo", "顾建国", "320623", D(1984, 3, 15), 57, "如东县", "如东县掘港街道青园北路"),
    PersonSpec("chen_xiaoyan", "陈晓燕", "320682", D(1993, 9, 2), 28, "如皋市", "如皋市如城街道海阳路"),
    PersonSpec("cao_zhiming", "曹志明", "320681", D(1990, 5, 8), 133, "启东市", "启东市吕四港镇渔港新村"),
    PersonSpec("xu_lijuan", "徐丽娟", "320602", D(1985, 6, 30), 48, "崇川区", "南通市崇川区文峰街道"),
    PersonSpec("ji_wei", "季伟", "320684", D(1996, 12, 11), 215, "海门区", "南通市海门区海门街道"),
]

ALL_SUBJECTS: list[OrganisationSpec | PersonSpec] = [*LEGAL_PERSONS, *INDIVIDUAL_BUSINESSES, *NATURAL_PERSONS]
BY_KEY: dict[str, OrganisationSpec | PersonSpec] = {spec.key: spec for spec in ALL_SUBJECTS}
