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

from audit.models import AuditEvent
from catalog import services as catalog_services
from catalog.models import CatalogVersion, Category, Provider
from collection.identifiers import normalise_identifier
from collection.models import CreditRecord, RecordRevision, Subject
from collection.personal_data import decrypt_identifier
from nantong_credit import roles
from nantong_credit.demo import subjects as demo_subjects
from nantong_credit.demo.accounts import DEMO_PASSWORD

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
NANTONG_DISTRICTS = {"崇川区", "通州区", "海门区", "如东县", "启东市", "如皋市", "海安市"}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def model_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the tests of a class and rolled back after them.

    Each test still runs in its own savepoint inside this transaction, so what one test
    changes never reaches the next.
    """
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
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
            (1, "published"), (2, "published"),
        ]
        assert CreditRecord.objects.count() == records

    def test_the_audit_chain_of_the_seed_verifies(self):
        out = StringIO()
        call_command("verify_audit_chain", stdout=out)
        assert "审计链完整" in out.getvalue()
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        assert {"catalog.version_published", "catalog.field_added", "subject.create", "record.create",
                "provider.create", "user.create"} <= actions

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
        kinds = {kind: Subject.objects.filter(kind=kind).count() for kind in
                 ("legal_person", "individual_business", "natural_person")}
        assert kinds["legal_person"] >= 40
        assert kinds["individual_business"] >= 10
        assert kinds["natural_person"] >= 5
        assert all(s.code.startswith("92") for s in Subject.objects.filter(kind="individual_business"))

    def test_no_id_number_is_stored_or_logged_in_clear(self):
        id_numbers = [spec.identifier for spec in demo_subjects.NATURAL_PERSONS]
        texts = [
            *(json.dumps(data, ensure_ascii=False) for data in CreditRecord.objects.values_list("data", flat=True)),
            *(json.dumps(data, ensure_ascii=False) for data in RecordRevision.objects.values_list("data", flat=True)),
            *(json.dumps([e.summary, e.before, e.after, e.object_id], ensure_ascii=False)
              for e in AuditEvent.objects.all()),
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
        for key in ("subject_name", "uscc", "legal_representative", "valid_until", "authority", "authority_uscc",
                    "source_unit", "source_unit_uscc", "remarks"):
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


def test_historical_demo_records_arrived_on_time(seeded):
    """Demo data must not paint every department late in the timeliness report (Art. 22)."""
    from collection.models import CreditRecord

    with_deadline = CreditRecord.objects.exclude(due_on=None)
    assert with_deadline.exists()
    assert not with_deadline.filter(is_late=True).exists()


def test_the_demo_subject_user_acts_for_a_demo_company(seeded):
    from collection.models import SubjectBinding

    binding = SubjectBinding.objects.get(user__username="subject_user")
    assert binding.status == SubjectBinding.Status.APPROVED
    assert binding.subject.name == "南通海晟建设工程有限公司"
    assert binding.user.identity_verified_at is not None
