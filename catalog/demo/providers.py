"""Nantong departments that provide public credit information (信息提供主体, Art. 3 and 9).

Government organs carry 统一社会信用代码 issued by the 机构编制 authority: 登记管理部门码 1,
机构类别码 1 (机关), 行政区划码 320600 (南通市本级). The organisation codes below are invented
for the demo; the check characters are computed by python-stdnum.
"""

from dataclasses import dataclass

from nantong_credit.demo.codes import DIGITS, make_uscc, pick

NANTONG_CITY = "320600"


@dataclass(frozen=True)
class ProviderSpec:
    code: str
    name: str
    short_name: str
    org_code: str

    @property
    def uscc(self) -> str:
        return make_uscc(authority_and_type="11", division=NANTONG_CITY, org_code=self.org_code)


PROVIDERS: list[ProviderSpec] = [
    ProviderSpec("scjgj", "南通市市场监督管理局", "市市场监管局", "014129171"),
    ProviderSpec("xzspj", "南通市行政审批局", "市行政审批局", "MB1719562"),
    ProviderSpec("swj", "国家税务总局南通市税务局", "市税务局", "MB1802374"),
    ProviderSpec("fgw", "南通市发展和改革委员会", "市发展改革委", "014128806"),
    ProviderSpec("gxj", "南通市工业和信息化局", "市工业和信息化局", "014128929"),
    ProviderSpec("sthjj", "南通市生态环境局", "市生态环境局", "MB1837645"),
    ProviderSpec("zjj", "南通市住房和城乡建设局", "市住房城乡建设局", "014129083"),
    ProviderSpec("rsj", "南通市人力资源和社会保障局", "市人力资源社会保障局", "014129270"),
    ProviderSpec("jtysj", "南通市交通运输局", "市交通运输局", "014129059"),
    ProviderSpec("yjglj", "南通市应急管理局", "市应急管理局", "MB1845081"),
    ProviderSpec("wjw", "南通市卫生健康委员会", "市卫生健康委", "MB1840263"),
    ProviderSpec("mzj", "南通市民政局", "市民政局", "014128750"),
    ProviderSpec("cgj", "南通市城市管理局", "市城管局", "014129302"),
    ProviderSpec("zrzyj", "南通市自然资源和规划局", "市自然资源和规划局", "MB1836931"),
    ProviderSpec("nyncj", "南通市农业农村局", "市农业农村局", "MB1838512"),
    ProviderSpec("wglyj", "南通市文化广电和旅游局", "市文广旅局", "MB1839045"),
    ProviderSpec("gaj", "南通市公安局", "市公安局", "014128697"),
    ProviderSpec("rmyh", "中国人民银行南通市分行", "人民银行南通市分行", "466731022"),
    ProviderSpec("xfjyzd", "南通市消防救援支队", "市消防救援支队", "MB1846212"),
]

BY_CODE: dict[str, ProviderSpec] = {spec.code: spec for spec in PROVIDERS}

# Other organs that appear as deciding or registering authorities in the demo records, with the
# division of their 统一社会信用代码 (320000 江苏省, 3206xx the districts and counties).
OTHER_ORGANS: dict[str, str] = {
    "江苏省市场监督管理局": "320000",
    "江苏省卫生健康委员会": "320000",
    "南通市人民政府": NANTONG_CITY,
    "南通市崇川区行政审批局": "320602",
    "南通市通州区行政审批局": "320612",
    "南通市海门区行政审批局": "320614",
    "如东县行政审批局": "320623",
    "启东市行政审批局": "320681",
    "如皋市行政审批局": "320682",
    "海安市行政审批局": "320685",
    "南通经济技术开发区行政审批局": "320691",
    "南通市崇川区民政局": "320602",
    "南通市崇川区事业单位登记管理局": "320602",
    "南通市崇川区市场监督管理局": "320602",
    "南通市海门区市场监督管理局": "320614",
    "启东市农业农村局": "320681",
}


def organ_uscc(name: str) -> str:
    """The 统一社会信用代码 of a government organ named in the demo data."""
    by_name = {spec.name: spec for spec in PROVIDERS}
    if name in by_name:
        return by_name[name].uscc
    division = OTHER_ORGANS[name]
    org_code = "MB" + pick(f"organ:{name}", DIGITS, 7)
    return make_uscc(authority_and_type="11", division=division, org_code=org_code)
