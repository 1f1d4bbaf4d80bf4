"""Supervision's cards on the back-office home page (`nantong_credit.office`): statistical
reports for the center and the commission; accountability cases and filings for the commission
and for departments."""

from django.urls import reverse

from catalog.selectors import providers_of
from nantong_credit import roles
from nantong_credit.office import Card, register_cards


def statistics_cards(user) -> list[Card]:
    return [
        Card(
            "统计分析报告",
            "月度、季度、年度统计分析报告：归集、查询、异议、修复及报送及时性，含图表、PDF和Excel（第二十条）。",
            "bar-chart-line",
            [("统计分析报告", reverse("supervision_office:statistics")), ("公开统计", reverse("statistics:public"))],
        ),
    ]


def commission_cards(user) -> list[Card]:
    return [
        Card(
            "追责督办",
            "对不按时提供、变更或者提供错误信用信息的单位立案，平台自动固定证据，印发督办函（第二十二条）。",
            "shield-exclamation",
            [("全部案件", reverse("supervision_office:cases")), ("立案", reverse("supervision_office:case_new"))],
        ),
        Card(
            "制度备案审核",
            "审核各部门报送的信用信息使用实施办法和内部工作程序（第十二条、第十八条）。",
            "journal-check",
            [("审核", reverse("supervision_office:filing_review")), ("公开名单", reverse("filings_public"))],
        ),
    ]


def department_cards(user) -> list[Card]:
    if not providers_of(user).exists():
        return []
    cards = [
        Card(
            "制度备案",
            "报送本单位的使用实施办法和内部工作程序，查看审核结果（第十二条、第十八条）。",
            "journal-arrow-up",
            [("制度备案", reverse("supervision_office:filings"))],
        )
    ]
    if user.has_perm("supervision.view_accountabilitycase"):
        cards.insert(
            0,
            Card(
                "督办函",
                "市工业和信息化局就本单位信息报送问题印发的督办函，请在期限内书面答复（第二十二条）。",
                "shield-exclamation",
                [("本单位督办函", reverse("supervision_office:cases"))],
            ),
        )
    return cards


def register_office_cards() -> None:
    register_cards(roles.CATALOG_ADMIN, commission_cards, position=60)
    register_cards(roles.PROVIDER_STAFF, department_cards, position=60)
    register_cards(roles.GOVERNMENT_USER, department_cards, position=60)
    register_cards(roles.CENTER_CLERK, statistics_cards, position=70)
    register_cards(roles.CATALOG_ADMIN, statistics_cards, position=70)
