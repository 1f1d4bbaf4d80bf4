"""The catalog's cards on the back-office home page (`nantong_credit.office`)."""

from django.urls import reverse

from nantong_credit import roles
from nantong_credit.office import Card, register_cards


def catalog_admin_cards(user) -> list[Card]:
    return [
        Card(
            "信用信息目录",
            "编辑目录草稿、调整数据项、对比已发布版本并发布（第七、八条）。",
            "journal-text",
            [("目录管理", reverse("catalog_office:versions")), ("公开目录", reverse("catalog:public"))],
        ),
        Card(
            "信用代证领域",
            "专项信用报告的查询领域及其主管部门、目录事项（发改财金〔2025〕565号）。",
            "diagram-3",
            [("领域管理", reverse("catalog_office:domains"))],
        ),
    ]


def register_office_cards() -> None:
    register_cards(roles.CATALOG_ADMIN, catalog_admin_cards, position=10)
