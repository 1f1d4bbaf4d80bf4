"""The evidence an accountability case gathers: exactly what the fixtures imply, for the provider
and the period asked, frozen on the case."""

import datetime as dt

import pytest

from collection.tests.factories import SubjectFactory
from nantong_credit.workdays import workdays_between
from objections.models import Objection
from supervision.accountability.evidence import gather

from .support import at, objection, open_case, record

pytestmark = pytest.mark.django_db

PERIOD = (dt.date(2026, 6, 1), dt.date(2026, 11, 30))


@pytest.fixture
def world(penalty, scjgj, rsj, company, user_with_role):
    person = SubjectFactory(natural_person=True)
    applicant = user_with_role("sam", "subject_user")
    late_company = record(penalty, company, received=dt.date(2026, 7, 10), due=dt.date(2026, 7, 6))
    late_person = record(penalty, person, received=dt.date(2026, 9, 15), due=dt.date(2026, 9, 1))
    record(penalty, company, received=dt.date(2026, 3, 2), due=dt.date(2026, 2, 20))  # before the period
    record(penalty, company, received=dt.date(2026, 8, 1), due=dt.date(2026, 8, 5))  # on time
    record(penalty, company, received=dt.date(2026, 8, 1), due=dt.date(2026, 7, 1), provider=rsj)  # another provider
    disputed = record(penalty, company, received=dt.date(2026, 4, 1), due=None)
    suspended = record(
        penalty, company, received=dt.date(2026, 4, 2), due=None, suspended_since=at(dt.date(2026, 8, 20))
    )
    corrected = objection(
        applicant, disputed, outcome=Objection.Outcome.CORRECTED, status="closed", answered_at=at(dt.date(2026, 10, 10))
    )
    objection(applicant, disputed, outcome=Objection.Outcome.CORRECTED, answered_at=at(dt.date(2026, 3, 1)))
    objection(applicant, disputed, outcome=Objection.Outcome.CONFIRMED, answered_at=at(dt.date(2026, 10, 11)))
    missed = objection(
        applicant,
        suspended,
        status="referred",
        referred_at=at(dt.date(2026, 8, 10)),
        provider_due_at=at(dt.date(2026, 8, 20), 0),
        provider_overdue_at=at(dt.date(2026, 8, 20), 0),
    )
    return {
        "late": [late_company, late_person],
        "person": person,
        "corrected": corrected,
        "missed": missed,
        "suspended": suspended,
    }


def test_it_gathers_what_the_platform_holds(world, scjgj):
    evidence = gather(scjgj, *PERIOD)
    late = evidence["late_records"]
    assert late["total"] == 2
    assert [row["id"] for row in late["rows"]] == [r.pk for r in world["late"]]
    first = late["rows"][0]
    assert first["due_on"] == "2026-07-06" and first["received_on"] == "2026-07-10"
    assert first["workdays_late"] == workdays_between(dt.date(2026, 7, 6), dt.date(2026, 7, 10)) == 4
    assert first["subject"] == "南通海晟建设工程有限公司"
    assert [row["number"] for row in evidence["corrections"]["rows"]] == [world["corrected"].number]
    assert [row["number"] for row in evidence["missed_deadlines"]["rows"]] == [world["missed"].number]
    assert evidence["missed_deadlines"]["rows"][0]["answered_on"] == ""
    assert [row["id"] for row in evidence["suspended_records"]["rows"]] == [world["suspended"].pk]
    totals = evidence["compliance"]["totals"]
    assert (totals["received"], totals["with_deadline"], totals["late"]) == (3, 3, 2)
    assert totals["late_percent"] == "66.7"
    assert [item["code"] for item in evidence["silent_items"]] == ["admin_license"]


def test_a_natural_person_appears_only_masked(world, scjgj):
    evidence = gather(scjgj, *PERIOD)
    person = world["person"]
    row = evidence["late_records"]["rows"][1]
    assert row["subject"] == f"自然人（{person.identifier_masked}）"
    assert person.name not in str(evidence)


def test_another_providers_evidence_is_its_own(world, rsj):
    evidence = gather(rsj, *PERIOD)
    assert evidence["late_records"]["total"] == 1
    assert evidence["corrections"]["total"] == evidence["missed_deadlines"]["total"] == 0


def test_the_snapshot_is_frozen_on_the_case(world, scjgj, penalty, company, commission, client):
    case = open_case(commission, scjgj, date_from=PERIOD[0], date_to=PERIOD[1])
    record(penalty, company, received=dt.date(2026, 10, 1), due=dt.date(2026, 9, 1))  # comes later
    case.refresh_from_db()
    assert case.evidence["late_records"]["total"] == 2
    client.force_login(commission)
    page = client.get(f"/office/supervision/cases/{case.pk}/")
    assert 'id="count-late">2<' in page.content.decode()
    assert gather(scjgj, *PERIOD)["late_records"]["total"] == 3
