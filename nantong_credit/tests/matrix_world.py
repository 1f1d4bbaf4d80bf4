"""The world of the authorization matrix: one object of every kind a URL can name, made through
the services where one exists, owned by one company (海晟) and one department (市场监管局).

The personas that request the URLs act for them or not: `subject_user` is 海晟's agent and
`other_subject_user` another company's; `provider_staff` works at 市场监管局 and
`other_provider_staff` at 人社局. Everyone signs in through `sign_in`, the one place that
knows how a session is made (with a verified second factor, as the back office may demand).
"""

import datetime as dt
from dataclasses import dataclass, field

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from audit.services import request_chain_verification
from catalog import services as catalog_services
from catalog.models import Category, DisclosureScheme
from catalog.tests.factories import ProviderFactory
from collection.accounts.registration import IdentityMethod, verify_identity
from collection.bindings import approve_binding
from collection.declarations.services import submit_declaration
from collection.models import BindingEvidence, IdentityAppointment
from collection.pull.demo import DEMO_URL
from collection.pull.models import PullRun
from collection.services.tokens import create_api_token
from collection.tests.account_support import (
    LI_ID,
    WANG_ID,
    pdf_upload,
    png_upload,
    register,
    request_company_binding,
)
from collection.tests.factories import SubjectFactory, make_ric, make_uscc
from collection.tests.import_support import csv_bytes, import_file, penalty, publish_demo_items
from collection.tests.pull_support import make_source
from inquiry.agencies import services as agencies
from inquiry.authorizations import services as authorizations
from inquiry.government.services import parse_pasted, start_batch_check
from inquiry.reports.services import finish_report, order_report, start_report
from nantong_credit import roles
from nantong_credit.models import HolidayNotice, WorkdayOverride
from nantong_credit.notifications import notify
from nantong_credit.uploads import check_upload
from objections.tests.support import record_paper_case, referred_case
from repair.tests.support import apply, penalty_record

PASSWORD = "Nt-test-password-1"
PERSONAS = (
    "anonymous",
    "subject_user",
    "other_subject_user",
    "requester",
    "provider_staff",
    "other_provider_staff",
    "center_clerk",
    "catalog_admin",
    "government_user",
    "auditor",
    "superuser",
)


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def sign_in(client, user) -> None:
    """A session for `user` as after a full login: password and, where the user has a device,
    the second factor (django-otp keeps the verified device in the session)."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key  # a signed-cookie session moves


def build_world() -> World:
    world = World()
    _people_and_providers(world)
    _catalog(world)
    _subjects_and_accounts(world)
    _collection(world)
    _inquiry(world)
    _cases(world)
    _supervision(world)
    _audit_and_admin(world)
    return world


def _user(world: World, persona: str, username: str, *role_names: str, **extra):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=username, password=PASSWORD, real_name=username, **extra)
    for role in role_names:
        user.groups.add(Group.objects.get(name=role))
    world.users[persona] = user
    return user


def _people_and_providers(world: World) -> None:
    o = world.objects
    o["provider"] = ProviderFactory(code="scjgj", name="南通市市场监督管理局")
    o["other_provider"] = ProviderFactory(code="rsj", name="南通市人力资源和社会保障局")
    o["gxj"] = ProviderFactory(code="gxj", name="南通市工业和信息化局", uscc=make_uscc("11320600014128929"))
    _user(world, "center_clerk", "carol", roles.CENTER_CLERK)
    _user(world, "catalog_admin", "alice", roles.CATALOG_ADMIN)
    _user(world, "government_user", "shilp", roles.GOVERNMENT_USER)
    _user(world, "auditor", "aaron", roles.AUDITOR)
    _user(world, "requester", "wangyf", roles.REQUESTER, identity_verified_at=timezone.now())
    o["provider"].staff.add(_user(world, "provider_staff", "bob", roles.PROVIDER_STAFF))
    o["other_provider"].staff.add(_user(world, "other_provider_staff", "dave", roles.PROVIDER_STAFF))
    from django.contrib.auth import get_user_model

    world.users["superuser"] = get_user_model().objects.create_superuser("root", password=PASSWORD)
    for user in world.users.values():
        TOTPDevice.objects.create(user=user, name="手机", confirmed=True)


def _catalog(world: World) -> None:
    o = world.objects
    admin = world.users["catalog_admin"]
    publish_demo_items(
        [o["provider"], o["other_provider"], o["gxj"]], codes=("admin_penalty", "admin_license", "commendation")
    )
    # Version 2 opens 荣誉表彰 to self-declaration (Art. 10), as the real catalog does.
    draft = catalog_services.create_draft(actor=admin)
    catalog_services.update_draft_item(
        item=draft.items.get(code="commendation"), actor=admin, accepts_self_declaration=True
    )
    o["published"] = catalog_services.publish_version(version=draft, actor=admin)
    o["penalty_item"] = o["published"].items.get(code="admin_penalty")
    draft = catalog_services.create_draft(actor=admin)
    o["draft"] = draft
    o["draft_item"] = draft.items.get(code="admin_penalty")
    o["draft_field"] = o["draft_item"].fields.order_by("position").last()
    o["draft_document"] = catalog_services.add_document(version=draft, actor=admin, title="数据规范", body="第一条")
    o["scheme"] = DisclosureScheme.objects.first()
    from catalog.domains import create_domain

    o["domain"] = create_domain(
        actor=admin, providers=[o["provider"]], code="market", name="市场监管", item_codes=["admin_penalty"]
    )


def _subjects_and_accounts(world: World) -> None:
    o, clerk = world.objects, world.users["center_clerk"]
    o["company"] = SubjectFactory(name="南通海晟建设工程有限公司", identifier=make_uscc("91320602MA1XY712A"))
    o["other_company"] = SubjectFactory(name="南通通达物流有限公司", identifier=make_uscc("91320602MA1ABC34B"))
    for persona, username, id_number, subject in (
        ("subject_user", "sam", WANG_ID, o["company"]),
        ("other_subject_user", "olga", LI_ID, o["other_company"]),
    ):
        user = register(username, id_number, username)
        verify_identity(user=user, actor=clerk, method=IdentityMethod.PAPERS)
        binding = request_company_binding(user, subject)
        approve_binding(binding=binding, actor=clerk)
        user.refresh_from_db()
        world.users[persona] = user
        TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
        o[f"{persona}_binding"] = binding
    o["binding"] = o["subject_user_binding"]
    o["binding_evidence"] = BindingEvidence.objects.filter(binding=o["binding"]).first()
    o["unverified_user"] = register("newbie", make_ric("32060219900101123"), "新用户")
    o["appointment"] = IdentityAppointment.objects.create(
        user=o["unverified_user"], day=timezone.localdate() + dt.timedelta(days=3), starts_at="09:00", ends_at="09:30"
    )


def _collection(world: World) -> None:
    o, staff = world.objects, world.users["provider_staff"]
    for key, number in (("record", 101), ("repair_record", 102), ("repairable_record", 103), ("paper_record", 104)):
        o[key] = penalty_record(
            o["penalty_item"], o["company"], provider=o["provider"], source_key=f"通市监罚〔2026〕{number}号"
        )
    o["token"], _key = create_api_token(provider=o["provider"], name="业务系统", actor=staff)
    # A rejected batch: it has every page an import has, its error file too.
    o["bulk_import"] = import_file(o["provider"], staff, csv_bytes([penalty(1, decision_date="2026-13-01")]))
    assert o["bulk_import"].error_count, "the batch was meant to be rejected"
    o["declaration"] = _declaration(world)
    o["attachment"] = o["declaration"].attachments.first()
    o["pull_source"] = make_source(o["provider"], DEMO_URL, actor=staff)
    o["pull_run"] = PullRun.objects.create(source=o["pull_source"], started_at=timezone.now(), status="failed")


def _declaration(world: World):
    item = world.objects["published"].items.get(code="commendation")
    data = {}
    for f in item.fields.filter(required=True):
        data[f.key] = {
            "date": "2026-03-02",
            "choice": (f.choices or [""])[0],
            "identifier": world.objects["company"].code,
            "integer": 1,
            "decimal": "1",
            "boolean": False,
        }.get(f.type, "南通市人民政府")
    return submit_declaration(
        declarant=world.users["subject_user"],
        subject=world.objects["company"],
        item_code="commendation",
        data=data,
        attachments=[check_upload(pdf_upload())],
    )


def _inquiry(world: World) -> None:
    o, u = world.objects, world.users
    until = timezone.localdate() + dt.timedelta(days=30)
    online = authorizations.request_authorization(
        requester=u["requester"],
        subject=o["company"],
        purpose="办理银行授信审查",
        categories=[Category.REGULATORY],
        valid_until=until,
    )
    o["authorization"] = authorizations.grant_authorization(
        authorization=online, actor=u["subject_user"], categories=[Category.REGULATORY], valid_until=until
    )
    o["letter"] = authorizations.submit_letter(
        requester=u["requester"],
        subject=o["other_company"],
        purpose="招标资格审查",
        categories=[Category.REGULATORY],
        valid_until=until,
        letter=check_upload(png_upload()),
    )
    o["agency"] = agencies.register_agency(
        registrant=u["requester"],
        name="南通诚信征信服务有限公司",
        uscc=make_uscc("91320600MA2AGC0Y1"),
        licence_number="苏企征备〔2024〕第0006号",
        contact_name="王一帆",
        contact_phone="0513-85110000",
    )
    agencies.approve_agency(agency=o["agency"], actor=u["center_clerk"])
    o["agency_key"], _secret = agencies.create_agency_key(agency=o["agency"], actor=u["requester"], name="评估系统")
    report = order_report(user=u["subject_user"], subject=o["company"])
    start_report(report_id=report.pk)
    o["report"] = finish_report(
        report_id=report.pk, pdf=b"%PDF-1.4\n%%EOF\n", page_count=1, generated_at=timezone.now()
    )
    o["batch_check"] = start_batch_check(
        actor=u["government_user"],
        purpose="2026年度专项资金审核",
        lines=parse_pasted(f"{o['company'].code} {o['company'].name}"),
    )


def _cases(world: World) -> None:
    o, u = world.objects, world.users
    o["objection"] = referred_case(u["subject_user"], o["company"], [o["record"]], u["center_clerk"])
    o["objection_evidence"] = o["objection"].evidence_files.first()
    # A written objection the center recorded at the counter: its receipt and letters.
    o["paper_objection"], _code = record_paper_case(u["center_clerk"], o["company"], [o["paper_record"]])
    o["repair"] = apply(u["subject_user"], o["repair_record"]).application
    o["repair_evidence"] = o["repair"].evidence_files.first()
    o["notification"] = notify([u["subject_user"]], title="异议已转办")[0]


def _supervision(world: World) -> None:
    """An issued accountability case against 市场监管局 with a response file, and its accepted filing."""
    from nantong_credit.case_evidence import store_evidence
    from supervision.accountability import services as accountability
    from supervision.accountability.models import AccountabilityAttachment
    from supervision.filings import services as filings
    from supervision.tests.support import pdf_upload

    o, u = world.objects, world.users
    case = accountability.open_case(
        actor=u["catalog_admin"],
        provider=o["provider"],
        grounds=["late"],
        period_from=dt.date(2026, 1, 1),
        period_to=timezone.localdate(),
        facts="逾期报送。",
    )
    o["accountability_case"] = accountability.issue_letter(case=case, actor=u["catalog_admin"])
    o["accountability_attachment"] = store_evidence(
        AccountabilityAttachment(case=case, uploaded_by=u["provider_staff"]), check_upload(pdf_upload())
    )
    filing = filings.submit_filing(
        actor=u["provider_staff"],
        provider=o["provider"],
        kind="usage_rules",
        title="使用实施办法",
        effective_on=dt.date(2026, 3, 1),
        document=_checked_document(pdf_upload()),
    )
    o["filing"] = filings.accept_filing(filing=filing, actor=u["catalog_admin"])


def _checked_document(upload):
    from supervision.filings.uploads import check_document

    return check_document(upload)


def _archived_case_file(world: World):
    """An archive entry with a document the archive's readers may download: a case file (its
    content stands in for the PDF; the download checks only that the hash still matches)."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.db import transaction

    from audit.archive import register_archive_entry
    from audit.models import ArchiveEntry
    from objections.models import ObjectionCaseFile

    content = b"%PDF-1.4 case file of the matrix world"
    case_file = ObjectionCaseFile(
        objection=world.objects["objection"],
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        page_count=1,
        made_at=timezone.now(),
    )
    case_file.file.save("matrix-case-file.pdf", ContentFile(content), save=False)
    with transaction.atomic():
        case_file.save()
        return register_archive_entry(
            kind=ArchiveEntry.Kind.CASE_FILE,
            title="异议案卷（授权矩阵）",
            obj=case_file,
            sha256=case_file.sha256,
            size=case_file.size,
        )


def _audit_and_admin(world: World) -> None:
    from audit.models import ArchiveEntry
    from supervision.statistics.services import issue_report

    o = world.objects
    o["statistical_report"] = issue_report(kind="monthly", start=dt.date(2026, 10, 1), today=dt.date(2026, 11, 2))[0]
    o["chain_verification"] = request_chain_verification(user=world.users["auditor"], ip_address="127.0.0.1")
    o["archive_entry"] = ArchiveEntry.objects.first()
    o["archived_case_file"] = _archived_case_file(world)
    o["audit_event"] = AuditEvent.objects.latest("id")
    o["holiday_notice"] = HolidayNotice.objects.create(year=2027, title="国务院办公厅关于2027年部分节假日安排的通知")
    o["workday_override"] = WorkdayOverride.objects.create(date=dt.date(2027, 2, 14), is_workday=True, note="春节调休")
    o["access_attempt"] = AccessAttempt.objects.create(
        username="bob",
        ip_address="127.0.0.1",
        user_agent="t",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=1,
    )
    o["access_log"] = AccessLog.objects.create(
        username="bob", ip_address="127.0.0.1", user_agent="t", http_accept="*/*", path_info="/accounts/login/"
    )
    o["access_failure_log"] = AccessFailureLog.objects.create(
        username="bob",
        ip_address="127.0.0.1",
        user_agent="t",
        http_accept="*/*",
        path_info="/accounts/login/",
        locked_out=False,
    )
    o["content_type"] = ContentType.objects.get_for_model(o["company"])
