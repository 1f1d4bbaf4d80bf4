"""`python manage.py seed_demo` (SPEC §6): the demo catalog, departments, accounts, subjects and
records, loaded through the real services; a second run changes nothing."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from audit.models import AuditEvent
from catalog import services as catalog_services
from catalog.models import CatalogVersion, Category, Provider
from collection.demo import subjects as demo_subjects
from collection.demo.individuals import NATURAL_PERSONS
from collection.demo.penalties import (
    HAISHENG_OBJECTED,
    HAISHENG_REFERRED,
    HAISHENG_REPAIRED,
    HAOHE_OBJECTED_ON_PAPER,
)
from collection.identifiers import normalise_identifier
from collection.models import Annotation, CreditRecord, RecordRevision, Subject, SubjectBinding
from collection.personal_data import decrypt_identifier
from inquiry import demo as demo_cases
from inquiry.agencies.services import create_agency_key
from inquiry.authorizations.services import is_live, refuse_authorization
from inquiry.models import Authorization, CreditAgency, CreditCommitment, QueryLog
from nantong_credit import roles
from nantong_credit.demo.accounts import DEMO_PASSWORD
from nantong_credit.models import Notification
from objections.models import Objection, ObjectionEvidence, ObjectionStep
from objections.services import refer_objection
from repair.models import RepairApplication, RepairEvidence, RepairStep
from repair.services import withdraw_repair

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
NANTONG_DISTRICTS = {"崇川区", "通州区", "海门区", "如东县", "启东市", "如皋市", "海安市"}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def model_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data, loaded once for the tests of a class and rolled back after them.

    Each test still runs in its own savepoint inside this transaction, so what one test
    changes never reaches the next. The demo cases' evidence files go to a scratch folder.
    """
    media = tmp_path_factory.mktemp("seed-media")
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=media):
        with transaction.atomic():
            first_output = seed()
            yield first_output
            transaction.set_rollback(True)


# --- On an empty database ---------------------------------------------------------------------


@pytest.mark.django_db
def test_it_refuses_to_fill_a_catalog_draft_nobody_published():
    catalog_services.create_draft(actor=None)

    with pytest.raises(CommandError, match="尚未发布的目录草稿"):
        seed()

    assert not Provider.objects.exists()  # all or nothing
    assert not get_user_model().objects.exists()


# --- On the seeded database -------------------------------------------------------------------


@pytest.mark.usefixtures("seeded")
@pytest.mark.django_db
class TestSeededDemo:
    def test_it_says_what_it_loaded(self, seeded):
        assert "演示数据已载入" in seeded
        assert "信用记录 records: 新建 created" in seeded
        assert DEMO_PASSWORD in seeded

    def test_it_changes_nothing_when_run_twice(self):
        before = model_counts()
        last_event = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()

        output = seed()

        assert model_counts() == before
        assert AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() == last_event
        assert "未作改动" in output

    def test_it_leaves_a_password_the_user_changed(self):
        user = get_user_model().objects.get(username="provider_staff")
        user.set_password("Changed-by-owner-2026")
        user.save()

        seed()

        user.refresh_from_db()
        assert user.check_password("Changed-by-owner-2026")
        assert not user.check_password(DEMO_PASSWORD)

    def test_it_leaves_a_newer_catalog_version_alone(self):
        draft = catalog_services.create_draft(actor=None)
        catalog_services.publish_version(version=draft, actor=None)
        records = CreditRecord.objects.count()

        seed()

        assert list(CatalogVersion.objects.order_by("number").values_list("number", "status")) == [
            (1, "published"),
            (2, "published"),
        ]
        assert CreditRecord.objects.count() == records

    def test_the_audit_chain_of_the_seed_verifies(self):
        out = StringIO()
        call_command("verify_audit_chain", stdout=out)
        assert "审计链完整" in out.getvalue()
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        assert {
            "catalog.version_published",
            "catalog.field_added",
            "subject.create",
            "record.create",
            "provider.create",
            "user.create",
        } <= actions

    def test_every_subject_has_a_valid_nantong_identifier(self):
        subjects = list(Subject.objects.all())
        assert len(subjects) == len(demo_subjects.ALL_SUBJECTS)
        for subject in subjects:
            value = decrypt_identifier(subject.identifier_encrypted) if subject.is_natural_person else subject.code
            result = normalise_identifier(subject.kind, value)
            assert (result.value, result.flag) == (value, ""), subject.name
            division = value[:6] if subject.is_natural_person else value[2:8]
            assert division.startswith("3206"), subject.name
        assert {s.district for s in subjects} >= NANTONG_DISTRICTS

    def test_it_has_the_three_kinds_of_subjects(self):
        kinds = {
            kind: Subject.objects.filter(kind=kind).count()
            for kind in ("legal_person", "individual_business", "natural_person")
        }
        assert kinds["legal_person"] >= 40
        assert kinds["individual_business"] >= 10
        assert kinds["natural_person"] >= 5
        assert all(s.code.startswith("92") for s in Subject.objects.filter(kind="individual_business"))

    def test_no_id_number_is_stored_or_logged_in_clear(self):
        id_numbers = [spec.identifier for spec in NATURAL_PERSONS]
        texts = [
            *(json.dumps(data, ensure_ascii=False) for data in CreditRecord.objects.values_list("data", flat=True)),
            *(json.dumps(data, ensure_ascii=False) for data in RecordRevision.objects.values_list("data", flat=True)),
            *(
                json.dumps([e.summary, e.before, e.after, e.object_id], ensure_ascii=False)
                for e in AuditEvent.objects.all()
            ),
            *Subject.objects.values_list("identifier_masked", flat=True),
        ]
        assert not [n for n in id_numbers for text in texts if n in text]
        assert Subject.objects.get(name="曹志明").identifier_masked == "3206**********1337"

    def test_every_category_of_article_8_has_items_and_records(self):
        version = CatalogVersion.objects.get(status="published")
        for category in Category.values:
            assert version.items.filter(category=category).exists(), category
            assert CreditRecord.objects.filter(category=category).exists(), category
        warning = version.items.get(is_warning=True)
        assert CreditRecord.objects.filter(item_code=warning.code).exists()
        assert version.items.filter(accepts_self_declaration=True).count() >= 3
        assert not CatalogVersion.objects.filter(status="draft").exists()

    def test_the_published_catalog_carries_the_national_double_publicity_items(self, client):
        catalog = client.get("/api/v1/catalog/").json()

        assert catalog["version"] == 1
        items = {item["code"]: item for item in catalog["items"]}
        licence = {f["key"]: f for f in items["admin_license"]["fields"]}
        penalty = {f["key"]: f for f in items["admin_penalty"]["fields"]}
        assert items["admin_license"]["category"] == "qualification"
        assert items["admin_penalty"]["category"] == "regulatory"
        assert licence["decision_date"]["type"] == penalty["decision_date"]["type"] == "date"
        assert licence["license_category"]["choices"] == ["普通", "特许", "认可", "核准", "登记", "其他"]
        assert {"吊销许可证件", "责令关闭", "限制从业", "通报批评"} <= set(penalty["penalty_types"]["choices"])
        for key in (
            "subject_name",
            "uscc",
            "legal_representative",
            "valid_until",
            "authority",
            "authority_uscc",
            "source_unit",
            "source_unit_uscc",
            "remarks",
        ):
            assert key in licence and key in penalty, key
        assert {"penalty_document_number", "penalty_basis", "fine_amount", "disclosure_until"} <= set(penalty)
        assert len(items["admin_penalty"]["providers"]) >= 10

    def test_the_public_catalog_page_shows_the_seeded_catalog(self, client):
        page = client.get(reverse("catalog:public")).content.decode()

        for text in ("行政许可", "行政处罚", "警示记录", "纳税信用等级", "南通市市场监督管理局", "数据报送规范"):
            assert text in page

    def test_penalties_are_graded_and_published_by_the_rule_in_force(self):
        today = dt.date.today()
        penalties = CreditRecord.objects.filter(item_code="admin_penalty")
        assert set(penalties.values_list("severity", flat=True)) == {"light", "general", "serious"}
        assert penalties.filter(disclosure_ends_on__lt=today).exists()  # publication period over
        assert penalties.filter(disclosure_ends_on__gt=today).exists()
        # Under the 信用修复管理办法 (from 2026-04-01) a minor penalty is published 3 months at most …
        recent_light = penalties.get(source_key="崇市监处罚〔2026〕203号")
        assert (recent_light.severity, recent_light.disclosure_ends_on) == ("light", dt.date(2026, 12, 10))
        # … the rule before it published none; several types of penalty: the heaviest counts.
        older_light = penalties.get(source_key="通交执罚〔2025〕1102号")
        assert older_light.disclosure_ends_on == older_light.decision_date
        revoked = penalties.get(source_key="海市监处罚〔2023〕512号")
        assert (revoked.severity, revoked.disclosure_ends_on) == ("serious", dt.date(2026, 11, 9))

    def test_records_come_from_many_departments_over_several_years(self):
        decided = CreditRecord.objects.filter(item_code="admin_penalty").values_list("decision_date", flat=True)
        years = {day.year for day in decided}
        assert {2023, 2024, 2025, 2026} <= years
        assert CreditRecord.objects.values("provider").distinct().count() >= 12
        assert set(CreditRecord.objects.values_list("channel", flat=True)) == {"seed"}
        assert Provider.objects.count() >= 15

    def test_departments_carry_valid_government_codes(self):
        for provider in Provider.objects.all():
            assert normalise_identifier("legal_person", provider.uscc).value == provider.uscc
            assert provider.uscc.startswith("11320600"), provider.name

    def test_there_is_one_demo_account_per_role(self):
        User = get_user_model()
        for role in roles.ROLE_PERMISSIONS:
            user = User.objects.get(username=role)
            assert list(user.groups.values_list("name", flat=True)) == [role]
            assert user.real_name
        admin = User.objects.get(username="admin")
        assert admin.is_superuser and admin.is_staff
        staff_of = Provider.objects.filter(staff__username="provider_staff").values_list("code", flat=True)
        assert list(staff_of) == ["scjgj"]

    def test_a_demo_account_can_log_in(self, client):
        response = client.post(reverse("login"), {"username": "catalog_admin", "password": DEMO_PASSWORD})

        assert response.status_code == 302
        assert client.get(reverse("office:home")).status_code == 200

    def test_historical_demo_records_arrived_on_time(self):
        """Demo data must not paint every department late in the timeliness report (Art. 22)."""
        with_deadline = CreditRecord.objects.exclude(due_on=None)
        assert with_deadline.exists()
        assert not with_deadline.filter(is_late=True).exists()

    def test_the_demo_subject_user_acts_for_a_demo_company(self):
        binding = SubjectBinding.objects.get(user__username="subject_user")
        assert binding.status == SubjectBinding.Status.APPROVED
        assert binding.subject.name == "南通海晟建设工程有限公司"
        assert binding.user.identity_verified_at is not None

    def test_the_demo_company_can_order_a_special_report(self, client):
        from catalog.models import CreditDomain

        published = CatalogVersion.objects.get(status="published")
        assert {"admin_coercion", "serious_dishonesty_list"} <= set(published.items.values_list("code", flat=True))
        assert set(CreditDomain.objects.values_list("name", flat=True)) >= {"市场监管", "税务", "消防救援", "安全生产"}
        coercion = CreditRecord.objects.get(item_code="admin_coercion")
        assert coercion.subject.name == "南通海晟建设工程有限公司"
        listed = CreditRecord.objects.get(source_key="通应急失信〔2025〕3号")
        assert listed.status == "active" and listed.disclosure_ends_on == dt.date(2028, 9, 22)
        removed = CreditRecord.objects.get(source_key="通环失信〔2024〕2号")  # 移出 on 2025-06-30
        assert removed.status == "expired" and removed.disclosure_ends_on == dt.date(2025, 6, 29)

        client.force_login(get_user_model().objects.get(username="subject_user"))
        page = client.get(reverse("reports:mine")).content.decode()
        assert "申请专项信用报告" in page
        order_page = client.get(f"{reverse('reports:special_new')}?subject={coercion.subject_id}")
        assert order_page.status_code == 200 and "消防救援" in order_page.content.decode()


# --- The demo cases of the workflows ------------------------------------------------------------

HAISHENG = "南通海晟建设工程有限公司"
CASE_MODELS = [
    AuditEvent,
    Notification,
    CreditCommitment,
    Authorization,
    QueryLog,
    Objection,
    ObjectionStep,
    ObjectionEvidence,
    RepairApplication,
    RepairStep,
    RepairEvidence,
]


def user(username: str):
    return get_user_model().objects.get(username=username)


def page_as(client, username: str, url: str) -> str:
    client.force_login(user(username))
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def case_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in CASE_MODELS}


@pytest.mark.usefixtures("seeded")
@pytest.mark.django_db
class TestDemoCases:
    def test_it_says_which_cases_it_made_and_their_follow_up_codes(self, seeded):
        for label in (
            "信用承诺 commitments: 新建 created 4",
            "查询授权 authorizations: 新建 created 2",
            "异议 objections: 新建 created 4",
            "信用修复申请 repair applications: 新建 created 1",
        ):
            assert label in seeded
        for number in [
            *Objection.objects.values_list("number", flat=True),
            *RepairApplication.objects.values_list("number", flat=True),
        ]:
            assert f"{number}" in seeded
        assert seeded.count("查询码") == 4

    def test_commitments_are_shown_on_the_companies_public_pages(self, client):
        for spec in demo_cases.COMMITMENTS:
            subject = Subject.objects.get(name=demo_subjects.BY_KEY[spec.subject].name)
            page = client.get(reverse("subjects:detail", args=[subject.code])).content.decode()
            assert "信用承诺" in page and spec.matter in page, spec.subject
        recorded = AuditEvent.objects.filter(action="commitment.record").count()
        assert recorded == CreditCommitment.objects.count() == len(demo_cases.COMMITMENTS) + 1  # + the repair's

    def test_the_requester_has_one_request_granted_and_one_waiting_for_the_company(self, client):
        company = Subject.objects.get(name=HAISHENG)
        asked = Authorization.objects.filter(
            subject=company, requester__username="requester", method="online", agency__isnull=True
        )
        granted, pending = asked.get(status="granted"), asked.get(status="requested")

        assert is_live(granted) and granted.valid_until > timezone.localdate()
        assert granted.decided_by.username == "subject_user"
        looked = QueryLog.objects.filter(authorization=granted, kind="authorized", actor__username="requester")
        assert looked.count() == 1
        assert "纳税信用等级" in page_as(client, "requester", reverse("authorizations:detail", args=[granted.pk]))
        to_answer = reverse("my_credit:authorization", args=[company.pk, pending.pk])
        page = page_as(client, "subject_user", to_answer)
        assert pending.purpose in page
        assert reverse("my_credit:grant", args=[company.pk, pending.pk]) in page
        assert Notification.objects.filter(recipient__username="subject_user", link=to_answer).exists()

    def test_the_requester_administers_an_approved_agency_the_company_authorized(self, client):
        agency = CreditAgency.objects.get()
        assert (agency.status, agency.decided_by.username) == ("approved", "center_clerk")
        assert agency.members.get().user.username == "requester" and agency.members.get().is_admin
        company = Subject.objects.get(name=HAISHENG)
        consent = Authorization.objects.get(agency=agency, subject=company)
        assert is_live(consent) and consent.decided_by.username == "subject_user"
        _key, secret = create_agency_key(agency=agency, actor=user("requester"), name="演示")
        client.logout()
        body = client.get(f"/api/v1/agency/subjects/{company.code}/", HTTP_AUTHORIZATION=f"Token {secret}").json()
        assert body["authorization"]["id"] == consent.pk
        assert "tax_credit_rating" in {record["item"] for record in body["authorized_records"]}
        looks = page_as(client, "subject_user", reverse("my_credit:looks", args=[company.pk]))
        assert f"信用服务机构 {agency.name}（接口查询）" in looks

    def test_one_objection_waits_for_the_provider_and_one_for_the_clerk(self, client):
        referred = Objection.objects.get(records__source_key=HAISHENG_REFERRED)
        submitted = Objection.objects.get(records__source_key=HAISHENG_OBJECTED)
        now = timezone.now()

        assert (referred.status, referred.provider.code, referred.applicant.username) == (
            "referred",
            "scjgj",
            "subject_user",
        )
        assert referred.provider_due_at > now and submitted.center_due_at > now
        assert submitted.status == "submitted" and submitted.subject.name == HAISHENG
        assert [case.evidence_files.count() for case in (referred, submitted)] == [2, 2]
        marked = Annotation.objects.filter(kind="under_objection", is_active=True, record__subject__name=HAISHENG)
        assert set(marked.values_list("record__source_key", flat=True)) == {HAISHENG_REFERRED, HAISHENG_OBJECTED}
        provider_queue = page_as(client, "provider_staff", reverse("objection_office:provider_queue"))
        assert referred.number in provider_queue and submitted.number not in provider_queue
        assert submitted.number in page_as(client, "center_clerk", reverse("objection_office:queue"))
        told = Notification.objects.filter(recipient__username="provider_staff", title__contains=referred.number)
        assert told.exists()
        mine = page_as(client, "subject_user", reverse("objections:mine"))
        assert referred.number in mine and submitted.number in mine

    def test_a_paper_case_waits_for_the_applicants_letter_which_the_clerk_records(self, client):
        case = Objection.objects.get(records__source_key=HAOHE_OBJECTED_ON_PAPER)

        assert (case.channel, case.status, case.outcome, case.applicant) == ("counter", "answered", "confirmed", None)
        assert (case.received_by.username, case.applicant_name, case.applicant_role) == ("center_clerk", "陈静", "self")
        assert sorted(case.evidence_files.values_list("kind", flat=True)) == ["application", "evidence"]
        assert not case.subject.bindings.exists()  # nobody can answer it online
        page = page_as(client, "center_clerk", reverse("objection_office:detail", args=[case.pk]))
        for text in ("书面申请人", "登记申请人的书面意见", "登记：仍持异议", "登记：接受核查结果", case.provider_reply):
            assert text in page, text
        assert case.number in page_as(client, "center_clerk", reverse("objection_office:queue") + "?status=answered")

    def test_a_repair_application_waits_for_the_provider(self, client):
        application = RepairApplication.objects.get(record__source_key=HAISHENG_REPAIRED)
        record = application.record

        assert (application.status, application.provider.code, application.applicant.username) == (
            "submitted",
            "scjgj",
            "subject_user",
        )
        assert record.is_dishonesty and record.subject.name == HAISHENG
        assert record.repairable_from <= timezone.localdate() < record.disclosure_ends_on
        assert application.due_at > timezone.now()
        assert application.commitment.is_public and application.evidence_files.count() == 2
        assert application.number in page_as(client, "provider_staff", reverse("repair_office:queue"))
        detail = page_as(client, "provider_staff", reverse("repair_office:detail", args=[application.pk]))
        assert reverse("repair_office:approve", args=[application.pk]) in detail

    def test_the_closed_case_has_its_case_file_in_the_archive(self, client, seeded):
        from audit.models import ArchiveEntry
        from objections.models import ObjectionCaseFile

        case = Objection.objects.get(status="closed")
        case_file = ObjectionCaseFile.objects.get(objection=case)
        entry = ArchiveEntry.objects.get(kind="case_file")
        assert entry.number == case_file.archive_number and entry.sha256 == case_file.sha256
        assert "案卷 case files: 新建 created 1" in seeded and f"{case.number}（已办结，已生成案卷）" in seeded
        assert entry.number in page_as(client, "center_clerk", reverse("archive:list") + "?kind=case_file")
        assert entry.number in page_as(client, "auditor", reverse("archive:detail", args=[entry.number]))

    def test_a_second_run_creates_no_case_event_message_or_commitment(self):
        before = case_counts()

        output = seed()

        assert case_counts() == before
        for label in (
            "信用承诺 commitments: 新建 created 0",
            "查询授权 authorizations: 新建 created 0",
            "异议 objections: 新建 created 0",
            "信用修复申请 repair applications: 新建 created 0",
        ):
            assert label in output
        assert "查询码" not in output

    def test_cases_a_visitor_moved_on_stay_where_the_visitor_left_them(self):
        pending = Authorization.objects.get(requester__username="requester", status="requested")
        refuse_authorization(authorization=pending, actor=user("subject_user"), reason="暂不考虑合作")
        submitted = Objection.objects.get(status="submitted")
        refer_objection(objection=submitted, actor=user("center_clerk"))
        application = RepairApplication.objects.get()
        withdraw_repair(application=application, actor=user("subject_user"))
        before = case_counts()

        output = seed()

        assert case_counts() == before
        assert "未作改动" in output
        assert Authorization.objects.get(pk=pending.pk).status == "refused"
        assert Objection.objects.get(pk=submitted.pk).status == "referred"
        assert RepairApplication.objects.get().status == "withdrawn"


@pytest.mark.django_db
def test_once_the_penalty_has_left_publication_the_seed_skips_its_repair_case():
    """Seeded years later, the demo penalty is past its publication period: nothing to repair,
    so no application, and the seed says why instead of failing."""
    with freeze_time("2028-09-01 02:00:00"):
        output = seed()

        assert not RepairApplication.objects.exists()
        assert f"未能创建对 {HAISHENG_REPAIRED} 的演示信用修复申请" in output
        assert "公示期满" in output
        assert Objection.objects.count() == 4  # 3 open, and the closed one with its case file
        assert Authorization.objects.filter(valid_until__gt=dt.date(2028, 9, 1), agency__isnull=True).count() == 2
