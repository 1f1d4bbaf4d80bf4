"""Supervision's cards on the back-office home page (`nantong_credit.office`)."""

from django.urls import reverse

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


def register_office_cards() -> None:
    register_cards(roles.CENTER_CLERK, statistics_cards, position=70)
    register_cards(roles.CATALOG_ADMIN, statistics_cards, position=70)
