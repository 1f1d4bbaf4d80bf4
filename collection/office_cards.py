"""Collection's cards on the back-office home page (`nantong_credit.office`)."""

from django.urls import reverse

from catalog.selectors import providers_of
from nantong_credit import roles
from nantong_credit.office import Card, register_cards


def catalog_admin_cards(user) -> list[Card]:
    return [
        Card(
            "自主申报审核",
            "核验原始证明材料，审核自主申报；查实弄虚作假的记入警示记录（第十、二十三条）。",
            "patch-check",
            [("申报审核", reverse("collection_office:declarations"))],
        ),
        Card(
            "报送及时性",
            "各信息提供单位按事项、按月的按时与逾期报送情况，可导出XLSX（第九、二十二条）。",
            "speedometer2",
            [("报送及时性", reverse("collection_office:compliance"))],
        ),
    ]


def provider_cards(user) -> list[Card]:
    if not providers_of(user).exists():
        return []
    return [
        Card(
            "信用信息报送",
            "按目录在线填报本单位负责的信用信息，查看、修改和撤销本单位报送的记录（第九条）。",
            "pencil-square",
            [
                ("在线填报", reverse("collection_office:record_items")),
                ("本单位记录", reverse("collection_office:records")),
            ],
        ),
    ]


def provider_unit_cards(user) -> list[Card]:
    """One card per provider the user works for, after every app's provider cards."""
    return [
        Card(
            provider.name,
            f"单位代码 {provider.code}。按目录报送本单位负责的信用信息（第九条）。",
            "building",
            [
                ("批量导入", reverse("collection_office:imports", args=[provider.code])),
                ("接口令牌", reverse("collection_office:tokens", args=[provider.code])),
                ("数据库对接", reverse("collection_office:pull_sources", args=[provider.code])),
                ("接口文档", reverse("api-docs")),
            ],
        )
        for provider in providers_of(user)
    ]


def clerk_cards(user) -> list[Card]:
    return [
        Card(
            "主体绑定审核",
            "核对营业执照和授权委托书，审核单位经办人的绑定申请；核验注册用户实名身份，办理窗口预约。",
            "person-vcard",
            [
                ("绑定审核", reverse("collection_office:bindings")),
                ("实名核验", reverse("collection_office:identities")),
                ("今日预约", reverse("collection_office:appointments")),
                ("服务窗口", reverse("collection_office:service_window")),
            ],
        ),
        Card(
            "名称不一致",
            "其他单位报送的主体名称与登记名称不一致：记录已受理、名称未改，请与报送单位核实。",
            "type",
            [("名称不一致", reverse("collection_office:name_mismatches"))],
        ),
        Card(
            "数据库对接",
            "为具备条件的部门配置数据库对接：平台按游标定时拉取部门系统的数据，查看每次拉取记录（第九条）。",
            "plug",
            [("数据库对接", reverse("collection_office:pull_providers"))],
        ),
    ]


def register_office_cards() -> None:
    register_cards(roles.CATALOG_ADMIN, catalog_admin_cards, position=30)
    register_cards(roles.PROVIDER_STAFF, provider_cards, position=10)
    register_cards(roles.PROVIDER_STAFF, provider_unit_cards, position=90)
    register_cards(roles.CENTER_CLERK, clerk_cards, position=10)
