"""What each role finds on its back-office home page.

Cards only link to pages that exist; each later issue adds its own cards here.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from . import roles


@dataclass(frozen=True)
class Card:
    title: str
    text: str
    icon: str
    links: list[tuple[str, str]] = field(default_factory=list)


def _catalog_admin_cards(user) -> list[Card]:
    return [
        Card("信用信息目录", "编辑目录草稿、调整数据项、对比已发布版本并发布（第七、八条）。", "journal-text",
             [("目录管理", reverse("catalog_office:versions")), ("公开目录", reverse("catalog:public"))]),
        Card("工作日日历", "维护法定节假日与调休安排，录入国务院办公厅年度通知。", "calendar3",
             [("日历维护", reverse("calendar:overview"))]),
        Card("自主申报审核", "核验原始证明材料，审核自主申报；查实弄虚作假的记入警示记录（第十、二十三条）。", "patch-check",
             [("申报审核", reverse("collection_office:declarations"))]),
        Card("报送及时性", "各信息提供单位按事项、按月的按时与逾期报送情况，可导出XLSX（第九、二十二条）。", "speedometer2",
             [("报送及时性", reverse("collection_office:compliance"))]),
    ]


def _provider_cards(user) -> list[Card]:
    from catalog.selectors import providers_of

    cards = [
        Card("信用信息报送", "按目录在线填报本单位负责的信用信息，查看、修改和撤销本单位报送的记录（第九条）。", "pencil-square",
             [("在线填报", reverse("collection_office:record_items")), ("本单位记录", reverse("collection_office:records"))]),
        Card("转办异议核查", "中心转交本单位核查的异议，7个工作日内答复；逾期未答复的记录暂停查询（第十四条）。", "exclamation-diamond",
             [("转办异议", reverse("objection_office:provider_queue"))]),
        Card("信用修复申请", "审核本单位认定的失信信息的修复申请，在期限内作出决定（谁认定、谁修复，第十六条）。", "arrow-repeat",
             [("修复申请", reverse("repair_office:queue"))]),
    ] if providers_of(user).exists() else []
    for provider in providers_of(user):
        cards.append(Card(provider.name, f"单位代码 {provider.code}。按目录报送本单位负责的信用信息（第九条）。", "building",
                          [("批量导入", reverse("collection_office:imports", args=[provider.code])),
                           ("接口令牌", reverse("collection_office:tokens", args=[provider.code])),
                           ("接口文档", reverse("api-docs"))]))
    return cards


def _auditor_cards(user) -> list[Card]:
    return [
        Card("审计日志", "查阅信用信息的归集、变更、披露和查询记录，核验审计链完整性（第十九至二十一条）。", "shield-check",
             [("审计日志", reverse("audit:events")), ("核验审计链", reverse("audit:verify"))]),
        Card("档案登记", "信用报告、统计报表和公文的档案编号、保管期限和内容哈希（第二十条）。", "archive",
             [("档案登记", reverse("archive:list"))]),
    ]


def _clerk_cards(user) -> list[Card]:
    return [
        Card("主体绑定审核", "核对营业执照和授权委托书，审核单位经办人的绑定申请；核验注册用户实名身份。", "person-vcard",
             [("绑定审核", reverse("collection_office:bindings")), ("实名核验", reverse("collection_office:identities"))]),
        Card("名称不一致", "其他单位报送的主体名称与登记名称不一致：记录已受理、名称未改，请与报送单位核实。", "type",
             [("名称不一致", reverse("collection_office:name_mismatches"))]),
        Card("异议核查", "信息主体提出的异议：5个工作日内核查，平台差错立即更正，属提供单位的转办；窗口递交或邮寄的书面申请由中心登记"
             "（第十三、十四条）。", "exclamation-diamond",
             [("异议核查", reverse("objection_office:queue")), ("登记书面异议", reverse("objection_office:paper_new")),
              ("异议统计", reverse("objection_office:dashboard"))]),
        Card("信用修复督办", "各单位办理信用修复申请的情况、逾期督办和统计看板（第十六、十七条）。", "arrow-repeat",
             [("全部申请", reverse("repair_office:queue")), ("统计看板", reverse("repair_office:dashboard"))]),
        Card("书面授权书审核", "核对查询申请人上传的信息主体书面授权书（第十一条）。", "file-earmark-check",
             [("授权书审核", reverse("authorization_office:letters")), ("信用承诺", reverse("government:commitments"))]),
        Card("工作日日历", "异议核查时限（5个工作日）按此日历计算。", "calendar3",
             [("查看日历", reverse("calendar:overview"))]),
        Card("档案登记", "信用报告、统计报表和公文的档案编号、保管期限和内容哈希（第二十条）。", "archive",
             [("档案登记", reverse("archive:list"))]),
    ]


def _subject_user_cards(user) -> list[Card]:
    return [
        Card("我的信用", "实名核验、主体绑定和自主申报（第十条）；本主体的信用信息、查询授权和被查询记录（第十一条）。", "person-badge",
             [("我的信用", reverse("account:home")), ("信用信息与授权", reverse("my_credit:home")),
              ("自主申报", reverse("account:declarations")), ("信用报告", reverse("reports:mine"))]),
        Card("异议与信用修复", "对本主体的信用信息提出异议（第十三条）；失信信息公示满最短期限后申请信用修复（第十六条）。", "arrow-repeat",
             [("我的异议", reverse("objections:mine")), ("信用修复", reverse("repair:index"))]),
    ]


def _requester_cards(user) -> list[Card]:
    return [
        Card("授权查询", "经信息主体在线同意或书面授权后查询其授权查询信息（第十一条）。", "key",
             [("我的授权查询", reverse("authorizations:list")), ("申请查询", reverse("authorizations:new")),
              ("信用报告", reverse("reports:mine"))]),
    ]


def _government_cards(user) -> list[Card]:
    return [
        Card("批量信用核查", "上传或粘贴主体名单，核查失信、警示和良好信息，导出Excel（第十二条）。", "list-check",
             [("批量核查", reverse("government:checks")), ("新建核查", reverse("government:check_new"))]),
        Card("信用承诺", "登记和查阅信息主体作出的信用承诺（第十二条）。", "pen",
             [("信用承诺", reverse("government:commitments"))]),
    ]


ROLE_CARDS = {
    roles.SUBJECT_USER: _subject_user_cards,
    roles.CATALOG_ADMIN: _catalog_admin_cards,
    roles.PROVIDER_STAFF: _provider_cards,
    roles.AUDITOR: _auditor_cards,
    roles.CENTER_CLERK: _clerk_cards,
    roles.REQUESTER: _requester_cards,
    roles.GOVERNMENT_USER: _government_cards,
}


def office_cards(user) -> list[tuple[str, list[Card]]]:
    """(role label, cards) for each role the user holds, in the order of SPEC §1."""
    held = user.role_names
    sections = []
    for role, label in roles.ROLE_LABELS.items():
        if role in held or (user.is_superuser and role in ROLE_CARDS):
            build = ROLE_CARDS.get(role)
            sections.append((str(label), build(user) if build else []))
    return sections
