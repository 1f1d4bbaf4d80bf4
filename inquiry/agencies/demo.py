"""The demo's credit service agency (`seed_demo`): 南通诚信征信服务有限公司, registered by the demo
`requester` (its admin) and approved by `center_clerk`, with a consent from 南通海晟 so that the
agency API answers authorized data at once. Made by the services the pages call; left as it is
when found. No key is made: a key is shown once, so the demo's user creates one on the page."""

import datetime as dt

from django.utils import timezone

from catalog.models import Category
from collection.demo.cast import Cast
from nantong_credit.demo.loader import DemoRun

from ..authorizations import services as authorization_services
from ..models import Authorization
from . import services
from .models import CreditAgency

USCC = "91320600MA2AGC0Y1W"
NAME = "南通诚信征信服务有限公司"
PURPOSE = "为合作银行出具企业信用评估报告（授信审查）"


def ensure_agency(run: DemoRun) -> None:
    cast: Cast | None = run.shared["cast"]
    if cast is None:
        return
    agency = CreditAgency.objects.filter(uscc=USCC).exclude(status=CreditAgency.Status.REFUSED).first()
    created = agency is None
    if agency is None:
        try:
            agency = services.register_agency(
                registrant=cast.requester,
                name=NAME,
                uscc=USCC,
                licence_number="苏企征备〔2024〕第0006号",
                contact_name="王一帆",
                contact_phone="0513-85110000",
                contact_email="service@ntcx-credit.example.cn",
            )
            services.approve_agency(agency=agency, actor=cast.clerk, note="营业执照、企业征信机构备案证明已核对")
        except services.AgencyError as error:
            run.report.notes.append(f"未能创建演示信用服务机构：{error.message}")
            return
    run.report.count("agencies", created)
    _ensure_consent(run, cast, agency)


def _ensure_consent(run: DemoRun, cast: Cast, agency: CreditAgency) -> None:
    if Authorization.objects.filter(agency=agency, subject=cast.company, purpose=PURPOSE).exists():
        run.report.count("agency consents", False)
        return
    until = timezone.localdate() + dt.timedelta(days=180)
    categories = [Category.QUALIFICATION, Category.REGULATORY, Category.RATING]
    try:
        authorization = authorization_services.request_authorization(
            requester=cast.requester,
            subject=cast.company,
            purpose=PURPOSE,
            categories=categories,
            valid_until=until,
            agency=agency,
        )
        authorization_services.grant_authorization(
            authorization=authorization, actor=cast.agent, categories=categories, valid_until=until
        )
    except authorization_services.AuthorizationError as error:
        run.report.notes.append(f"未能创建演示机构授权：{error.message}")
        return
    run.report.count("agency consents", True)
