"""Objections' cards on the back-office home page (`nantong_credit.office`)."""

from django.urls import reverse

from catalog.selectors import providers_of
from nantong_credit import roles
from nantong_credit.office import Card, register_cards


def provider_cards(user) -> list[Card]:
    if not providers_of(user).exists():
        return []
    return [
        Card(
            "转办异议核查",
            "中心转交本单位核查的异议，7个工作日内答复；逾期未答复的记录暂停查询（第十四条）。",
            "exclamation-diamond",
            [("转办异议", reverse("objection_office:provider_queue"))],
        ),
    ]


def clerk_cards(user) -> list[Card]:
    return [
        Card(
            "异议核查",
            "信息主体提出的异议：5个工作日内核查，平台差错立即更正，属提供单位的转办；窗口递交或邮寄的书面申请由中心登记"
            "（第十三、十四条）。",
            "exclamation-diamond",
            [
                ("异议核查", reverse("objection_office:queue")),
                ("登记书面异议", reverse("objection_office:paper_new")),
                ("异议统计", reverse("objection_office:dashboard")),
            ],
        ),
    ]


def subject_user_cards(user) -> list[Card]:
    # One card for a subject's two remedies; repair's page is named by its URL name, no import.
    return [
        Card(
            "异议与信用修复",
            "对本主体的信用信息提出异议（第十三条）；失信信息公示满最短期限后申请信用修复（第十六条）。",
            "arrow-repeat",
            [("我的异议", reverse("objections:mine")), ("信用修复", reverse("repair:index"))],
        ),
    ]


def register_office_cards() -> None:
    register_cards(roles.PROVIDER_STAFF, provider_cards, position=20)
    register_cards(roles.CENTER_CLERK, clerk_cards, position=20)
    register_cards(roles.SUBJECT_USER, subject_user_cards, position=20)
