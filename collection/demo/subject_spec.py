"""The shape of a demo subject (信息主体), the divisions and registration authorities of Nantong
its codes are built from, and the organisation types; the subjects themselves are in
`organisations` and `individuals`, all of them by key in `subjects`.

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
