"""Inquiry's cards on the back-office home page (`nantong_credit.office`)."""

from django.urls import reverse

from nantong_credit import roles
from nantong_credit.office import Card, register_cards


def clerk_cards(user) -> list[Card]:
    return [
        Card(
            "书面授权书审核",
            "核对查询申请人上传的信息主体书面授权书（第十一条）。",
            "file-earmark-check",
            [("授权书审核", reverse("authorization_office:letters")), ("信用承诺", reverse("government:commitments"))],
        ),
        Card(
            "信用服务机构",
            "审核信用服务机构登记，设定接口密钥的每日调用限额，吊销密钥（第十二条第三款）。",
            "building-check",
            [("机构审核", reverse("agency_office:list"))],
        ),
    ]


def subject_user_cards(user) -> list[Card]:
    # The account pages are collection's, the credit pages and reports inquiry's: one card.
    return [
        Card(
            "我的信用",
            "实名核验、主体绑定和自主申报（第十条）；本主体的信用信息、查询授权和被查询记录（第十一条）。",
            "person-badge",
            [
                ("我的信用", reverse("account:home")),
                ("信用信息与授权", reverse("my_credit:home")),
                ("自主申报", reverse("account:declarations")),
                ("信用报告", reverse("reports:mine")),
            ],
        ),
    ]


def requester_cards(user) -> list[Card]:
    return [
        Card(
            "授权查询",
            "经信息主体在线同意或书面授权后查询其授权查询信息（第十一条）。",
            "key",
            [
                ("我的授权查询", reverse("authorizations:list")),
                ("申请查询", reverse("authorizations:new")),
                ("信用报告", reverse("reports:mine")),
            ],
        ),
        Card(
            "信用服务机构",
            "登记信用服务机构，经批准后创建接口密钥，经开放接口查询（第十二条第三款）。",
            "building",
            [("我的机构", reverse("agencies:list")), ("登记机构", reverse("agencies:register"))],
        ),
    ]


def government_cards(user) -> list[Card]:
    return [
        Card(
            "批量信用核查",
            "上传或粘贴主体名单，核查失信、警示和良好信息，导出Excel（第十二条）。",
            "list-check",
            [("批量核查", reverse("government:checks")), ("新建核查", reverse("government:check_new"))],
        ),
        Card(
            "信用承诺",
            "登记和查阅信息主体作出的信用承诺（第十二条）。",
            "pen",
            [("信用承诺", reverse("government:commitments"))],
        ),
        Card(
            "核验信用报告",
            "企业以专项信用报告（信用代证）替代有无违法违规记录证明的，输入验证码或上传PDF核验真伪。",
            "patch-check",
            [("核验报告", reverse("government:verify_report"))],
        ),
    ]


def register_office_cards() -> None:
    register_cards(roles.CENTER_CLERK, clerk_cards, position=40)
    register_cards(roles.SUBJECT_USER, subject_user_cards, position=10)
    register_cards(roles.REQUESTER, requester_cards, position=10)
    register_cards(roles.GOVERNMENT_USER, government_cards, position=10)
