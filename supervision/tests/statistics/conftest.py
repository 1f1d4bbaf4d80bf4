"""A small platform whose October 2026 and September 2026 figures are known by heart.

October (the report's period) against September (the previous period):
- records received: Oct 3 penalties (甲局, 2 of them in 崇川区, one natural person's) and 1 licence
  (乙局, an individual business); Sep 2 penalties (甲局). Changed in October: one August record
  corrected, one expired; changed in September: one July record revoked.
- timeliness (甲局): Oct 2 records with a deadline, 1 late (50 %); Sep 2 with a deadline, none
  late (100 %).
- objections: Oct 2 filed, 2 closed (一 corrected; rejected), the center on time for 1 of 2, the
  provider late for its 1 answer (and suspended); Sep 1 filed and closed (二 confirmed), both on
  time.
- repairs: Oct 2 applied, 1 approved after 10 days, 1 refused after 15; Sep 1 applied.
- self-declarations: Oct 2, one approved, one found false (a warning); Sep none.
- queries: Oct 3 searches, 1 public page, 2 authorized, 1 government check, 1 report; Sep 1 search.
"""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from catalog.tests.factories import ProviderFactory
from collection.models import CreditRecord, RecordStatus, SelfDeclaration, Subject
from collection.tests.factories import CreditRecordFactory, SubjectFactory, publish_test_catalog
from inquiry.models import CreditReport, QueryLog
from nantong_credit import roles
from objections.models import Objection
from repair.models import RepairApplication

SHANGHAI = ZoneInfo("Asia/Shanghai")
OCTOBER = dt.date(2026, 10, 1)
_serial = itertools.count(1)


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=SHANGHAI)


@pytest.fixture
def clerk(user_with_role):
    return user_with_role("cecilia", roles.CENTER_CLERK)


@pytest.fixture
def commission(user_with_role):
    return user_with_role("alice", roles.CATALOG_ADMIN)


@pytest.fixture
def providers(db):
    return ProviderFactory(code="jia", name="南通市甲局"), ProviderFactory(code="yi", name="南通市乙局")


@pytest.fixture
def catalog(providers):
    return publish_test_catalog(*providers)


def record(catalog, item: str, received: str, *, provider=None, subject=None, **columns) -> CreditRecord:
    item_obj = catalog.items.get(code=item)
    extra = {"provider": provider} if provider is not None else {}
    made = CreditRecordFactory(catalog_item=item_obj, subject=subject or SubjectFactory(), **extra)
    changed = columns.pop("changed", None)
    CreditRecord.objects.filter(pk=made.pk).update(
        received_at=at(received), updated_at=at(changed or received), **columns
    )
    made.refresh_from_db()
    return made


@pytest.fixture
def world(catalog, providers, django_user_model):
    jia, yi = providers
    chongchuan = SubjectFactory()
    Subject.objects.filter(pk=chongchuan.pk).update(district="崇川区")
    person = SubjectFactory(natural_person=True)
    Subject.objects.filter(pk=person.pk).update(district="崇川区")
    shop = SubjectFactory(individual_business=True)
    # October
    record(catalog, "admin_penalty", "2026-10-09", subject=chongchuan, due_on=dt.date(2026, 10, 12))
    record(catalog, "admin_penalty", "2026-10-15", subject=person, due_on=dt.date(2026, 10, 12), is_late=True)
    record(catalog, "admin_penalty", "2026-10-20")
    record(catalog, "admin_license", "2026-10-21", provider=yi, subject=shop)
    # September
    record(catalog, "admin_penalty", "2026-09-03", due_on=dt.date(2026, 9, 10))
    record(catalog, "admin_penalty", "2026-09-04", due_on=dt.date(2026, 9, 10))
    # Received earlier, changed in the periods
    record(catalog, "admin_penalty", "2026-08-03", changed="2026-10-05", status=RecordStatus.CORRECTED, revision=2)
    record(catalog, "admin_penalty", "2026-08-04", changed="2026-10-06", status=RecordStatus.EXPIRED)
    record(catalog, "admin_penalty", "2026-07-04", changed="2026-09-06", status=RecordStatus.REVOKED)
    applicant = django_user_model.objects.create_user(username="wang", password="Nt-test-password-1")
    target = CreditRecord.objects.filter(subject=chongchuan).first()
    _objections(chongchuan, jia, applicant, target)
    _repairs(chongchuan, jia, applicant, target)
    _declarations(chongchuan, applicant, catalog)
    _queries(chongchuan, applicant)
    return {"subject": chongchuan, "applicant": applicant}


def _objection(subject, provider, applicant, target, **fields) -> Objection:
    objection = Objection.objects.create(
        number=f"YY{next(_serial):06d}",
        follow_up_code_hash="x" * 64,
        subject=subject,
        applicant=applicant,
        provider=provider,
        statement="信息有误",
        **fields,
    )
    objection.records.add(target)
    return objection


def _objections(subject, provider, applicant, target) -> None:
    closed = Objection.Status.CLOSED
    _objection(
        subject, provider, applicant, target,
        received_at=at("2026-10-05"), center_due_at=at("2026-10-12", 23), referred_at=at("2026-10-08"),
        provider_due_at=at("2026-10-20", 23), provider_overdue_at=at("2026-10-21", 0), answered_at=at("2026-10-22"),
        closed_at=at("2026-10-23"), status=closed, outcome=Objection.Outcome.CORRECTED,
    )  # fmt: skip
    _objection(
        subject, provider, applicant, target,
        received_at=at("2026-10-10"), center_due_at=at("2026-10-17", 23), closed_at=at("2026-10-20"),
        status=closed, outcome=Objection.Outcome.REJECTED,
    )  # fmt: skip
    _objection(
        subject, provider, applicant, target,
        received_at=at("2026-09-03"), center_due_at=at("2026-09-10", 23), referred_at=at("2026-09-05"),
        provider_due_at=at("2026-09-20", 23), answered_at=at("2026-09-15"), closed_at=at("2026-09-16"),
        status=closed, outcome=Objection.Outcome.CONFIRMED,
    )  # fmt: skip


def _repairs(subject, provider, applicant, target) -> None:
    status = RepairApplication.Status
    for submitted, decided, outcome in (
        ("2026-10-01", "2026-10-11", status.APPROVED),
        ("2026-09-20", "2026-10-05", status.REJECTED),
        ("2026-10-20", None, status.SUBMITTED),
    ):
        RepairApplication.objects.create(
            number=f"XF{next(_serial):06d}",
            follow_up_code_hash="x" * 64,
            subject=subject,
            record=target,
            provider=provider,
            applicant=applicant,
            rectification="已整改",
            status=outcome,
            submitted_at=at(submitted),
            due_at=at(submitted) + dt.timedelta(days=20),
            decision_workdays=15,
            decided_at=at(decided) if decided else None,
        )


def _declarations(subject, applicant, catalog) -> None:
    item = catalog.items.get(code="admin_license")
    for submitted, reviewed, status in (
        ("2026-10-03", "2026-10-09", SelfDeclaration.Status.APPROVED),
        ("2026-10-04", "2026-10-15", SelfDeclaration.Status.FOUND_FALSE),
    ):
        declaration = SelfDeclaration.objects.create(
            subject=subject, declarant=applicant, item_code=item.code, catalog_item=item, status=status
        )
        SelfDeclaration.objects.filter(pk=declaration.pk).update(submitted_at=at(submitted), reviewed_at=at(reviewed))


def _queries(subject, applicant) -> None:
    kinds = QueryLog.Kind
    for kind, day in [
        *[(kinds.SEARCH, "2026-10-02")] * 3,
        (kinds.PUBLIC_PAGE, "2026-10-02"),
        *[(kinds.AUTHORIZED, "2026-10-03")] * 2,
        (kinds.GOVERNMENT, "2026-10-04"),
        (kinds.SEARCH, "2026-09-02"),
    ]:
        entry = QueryLog.objects.create(kind=kind, subject=subject)
        QueryLog.objects.filter(pk=entry.pk).update(occurred_at=at(day))
    CreditReport.objects.create(
        number="BG000001",
        verification_code="V0001",
        subject=subject,
        edition=CreditReport.Edition.LEGAL_PERSON,
        ordered_by=applicant,
        status=CreditReport.Status.READY,
        generated_at=at("2026-10-08"),
    )
