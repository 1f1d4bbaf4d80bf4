"""The audit trail's and the archive's cards on the back-office home page (`nantong_credit.office`)."""

from django.urls import reverse

from nantong_credit import roles
from nantong_credit.office import Card, register_cards


def auditor_cards(user) -> list[Card]:
    return [
        Card(
            "审计日志",
            "查阅信用信息的归集、变更、披露和查询记录，核验审计链完整性（第十九至二十一条）。",
            "shield-check",
            [("审计日志", reverse("audit:events")), ("核验审计链", reverse("audit:verify"))],
        ),
        archive_card(),
    ]


def archive_card() -> Card:
    return Card(
        "档案登记",
        "信用报告、统计报表和公文的档案编号、保管期限和内容哈希（第二十条）。",
        "archive",
        [("档案登记", reverse("archive:list"))],
    )


def clerk_cards(user) -> list[Card]:
    return [archive_card()]


def register_office_cards() -> None:
    register_cards(roles.AUDITOR, auditor_cards, position=10)
    register_cards(roles.CENTER_CLERK, clerk_cards, position=60)
