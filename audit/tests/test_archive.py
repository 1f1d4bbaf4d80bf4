"""The archive register (Art. 20): numbering per year, retention by kind, one entry per document
version, and the audit event of each registration."""

import datetime as dt

import pytest
from django.db import transaction
from freezegun import freeze_time

from audit import archive
from audit.archive import RETENTION_YEARS, ArchiveFilters, archive_entries, entries_for, register_archive_entry
from audit.models import ArchiveEntry, AuditEvent
from audit.verification import verify_chain

pytestmark = pytest.mark.django_db

Kind = ArchiveEntry.Kind
DIGEST = "ab" * 32


def register(**kwargs) -> ArchiveEntry:
    attributes = {"kind": Kind.STATISTICAL_REPORT, "title": "2026年11月归集情况统计", **kwargs}
    return register_archive_entry(**attributes)


def test_entries_are_numbered_within_the_year_of_registration():
    with freeze_time("2026-12-31 23:50:00+08:00"):
        first, second = register(), register()
    with freeze_time("2027-01-01 00:10:00+08:00"):  # already 2027 in Nantong, still 2026 in UTC
        third = register()
    assert [first.number, second.number, third.number] == ["DA-2026-000001", "DA-2026-000002", "DA-2027-000001"]


def test_numbers_go_on_past_the_width():
    ArchiveEntry.objects.create(number=f"DA-{dt.date.today().year}-999999", kind=Kind.CASE_FILE, title="旧档案")
    year = dt.date.today().year
    assert register().number == f"DA-{year}-1000000"
    assert register().number == f"DA-{year}-1000001"


def test_a_number_taken_meanwhile_is_skipped(monkeypatch):
    """Two registrations computing the same next number at once: the second takes the next."""
    existing = register()
    real = archive._last_serial
    looks = []

    def stale_first(model, prefix):  # the first look is from before `existing` was inserted
        looks.append(prefix)
        return 0 if len(looks) == 1 else real(model, prefix)

    monkeypatch.setattr(archive, "_last_serial", stale_first)
    entry = register(title="另一份报表")
    assert len(looks) == 2
    assert existing.number.endswith("-000001") and entry.number.endswith("-000002")


@pytest.mark.parametrize(
    "kind, years",
    [
        (Kind.CREDIT_REPORT, 10),
        (Kind.STATISTICAL_REPORT, 30),
        (Kind.OFFICIAL_DOCUMENT, None),
        (Kind.CASE_FILE, 30),
    ],
)
def test_retention_follows_the_kind(kind, years):
    assert register(kind=kind).retention_years == years == RETENTION_YEARS[kind]


def test_retention_can_be_set_and_gives_the_last_day(clerk):
    with freeze_time("2028-02-29 10:00:00+08:00"):
        entry = register(kind=Kind.OFFICIAL_DOCUMENT, retention_years=10, actor=clerk)
    assert entry.retention_years == 10
    assert entry.retain_until == dt.date(2038, 2, 28)
    assert entry.registered_by == clerk
    assert register(kind=Kind.CREDIT_REPORT, retention_years=None).retain_until is None


def test_the_same_document_is_registered_once_a_changed_one_again(clerk):
    first = register(obj=clerk, sha256=DIGEST, size=1024)
    again = register(obj=clerk, sha256=DIGEST, size=1024)
    changed = register(obj=clerk, sha256="cd" * 32, size=1030)
    assert again.pk == first.pk
    assert changed.pk != first.pk
    assert list(entries_for(clerk)) == [first, changed]
    assert AuditEvent.objects.filter(action="archive.register").count() == 2


def test_each_registration_is_on_the_audit_chain(clerk):
    entry = register(
        kind=Kind.OFFICIAL_DOCUMENT,
        title="关于2026年异议处理情况的通报",
        object_type="docs.document",
        object_id="17",
        sha256=DIGEST,
        size=2048,
        actor=clerk,
    )
    event = AuditEvent.objects.get(action="archive.register")
    assert (event.actor, event.object_type, event.object_id) == (clerk, "audit.archiveentry", str(entry.pk))
    assert event.after == {
        "number": entry.number,
        "kind": "official_document",
        "title": "关于2026年异议处理情况的通报",
        "object_type": "docs.document",
        "object_id": "17",
        "sha256": DIGEST,
        "size": 2048,
        "retention_years": None,
    }
    assert verify_chain().ok


def test_a_registration_rolls_back_with_its_document():
    with pytest.raises(RuntimeError), transaction.atomic():
        register()
        raise RuntimeError("the document's own transaction failed")
    assert not ArchiveEntry.objects.exists()
    assert not AuditEvent.objects.filter(action="archive.register").exists()


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        register(kind="photo")


def test_filters():
    with freeze_time("2026-03-02 10:00:00+08:00"):
        report = register(
            kind=Kind.CREDIT_REPORT, title="南通海晟建设工程有限公司信用报告（法人版）NTXY-20260302-000001"
        )
    with freeze_time("2026-05-20 10:00:00+08:00"):
        statistics = register(title="2026年4月归集情况统计")
    assert list(archive_entries()) == [statistics, report]
    assert list(archive_entries(ArchiveFilters(kind=Kind.CREDIT_REPORT))) == [report]
    assert list(archive_entries(ArchiveFilters(text="海晟"))) == [report]
    assert list(archive_entries(ArchiveFilters(text=statistics.number))) == [statistics]
    assert list(archive_entries(ArchiveFilters(date_from=dt.date(2026, 5, 20)))) == [statistics]
    assert list(archive_entries(ArchiveFilters(date_to=dt.date(2026, 3, 2)))) == [report]


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_numbers(postgres_only, monkeypatch):
    """Two registrations that compute the same next number at the same moment (PostgreSQL):
    the unique index makes the second wait for the first, then it takes the following number."""
    import threading

    from django.db import connection

    real = archive._last_serial
    barrier = threading.Barrier(2, timeout=10)
    first_look = threading.local()

    def in_step(model, prefix):
        serial = real(model, prefix)
        if not getattr(first_look, "done", False):
            first_look.done = True
            barrier.wait()  # both have read the same last number
        return serial

    monkeypatch.setattr(archive, "_last_serial", in_step)
    numbers, errors = [], []

    def work(title):
        try:
            with transaction.atomic():
                numbers.append(register(title=title).number)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"报表{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    year = dt.date.today().year
    assert sorted(numbers) == [f"DA-{year}-000001", f"DA-{year}-000002"]
    assert verify_chain().ok
