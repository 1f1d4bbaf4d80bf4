"""Repair's cards on the back-office home page (`nantong_credit.office`)."""

from django.urls import reverse

from catalog.selectors import providers_of
from nantong_credit import roles
from nantong_credit.office import Card, register_cards


def provider_cards(user) -> list[Card]:
    if not providers_of(user).exists():
        return []
    return [
        Card(
            "信用修复申请",
            "审核本单位认定的失信信息的修复申请，在期限内作出决定（谁认定、谁修复，第十六条）。",
            "arrow-repeat",
            [("修复申请", reverse("repair_office:queue"))],
        ),
    ]


def clerk_cards(user) -> list[Card]:
    return [
        Card(
            "信用修复督办",
            "各单位办理信用修复申请的情况、逾期督办和统计看板（第十六、十七条）。",
            "arrow-repeat",
            [("全部申请", reverse("repair_office:queue")), ("统计看板", reverse("repair_office:dashboard"))],
        ),
    ]


def register_office_cards() -> None:
    register_cards(roles.PROVIDER_STAFF, provider_cards, position=30)
    register_cards(roles.CENTER_CLERK, clerk_cards, position=30)
