"""The batch path of the submission pipeline: the same checks, and the same records, faster."""

import datetime as dt
import itertools

import pytest

from catalog.disclosure import disclosure_window
from catalog.errors import DisclosureError
from collection.bulk.layout import layout_for, row_to_submission
from collection.bulk.store import insert_many
from collection.models import BulkImport, Channel, CreditRecord, RecordRevision, Subject
from collection.selectors import PublishedItems
from collection.services.batch import submit_checked_batch
from collection.services.checks import CheckMemo, check_submission
from collection.services.errors import SubmissionInvalid
from collection.services.records import submit_record
from collection.validation import validate_data

from .import_support import AUTHORITY_USCC, csv_bytes, demo_catalog, import_file, penalty  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]

PENALTY_TYPE_SETS = [["警告"], ["罚款"], ["警告", "罚款"], ["吊销许可证件"], ["其他"]]


def test_the_memo_gives_every_window_the_catalog_gives():
    item = PublishedItems().get("admin_penalty")
    memo = CheckMemo()
    # Month ends, leap days and both sides of the 2026-04-01 rule change.
    days = [
        dt.date(2021, 6, 30),
        dt.date(2024, 1, 31),
        dt.date(2024, 2, 29),
        dt.date(2025, 8, 31),
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 1),
        dt.date(2026, 5, 30),
        dt.date(2015, 1, 1),
    ]
    for day, types, severity in itertools.product(days, PENALTY_TYPE_SETS, ["", "轻微", "严重"]):
        data = {"penalty_types": types, **({"severity": severity} if severity else {})}
        assert memo.disclosure_window(item=item, data=data, decision_date=day) == disclosure_window(
            item=item, data=data, decision_date=day
        ), (day, types, severity)


def test_the_memo_repeats_the_catalogs_errors():
    item = PublishedItems().get("admin_penalty")
    memo = CheckMemo()
    for _attempt in range(2):
        with pytest.raises(DisclosureError) as caught:
            memo.disclosure_window(
                item=item, data={"penalty_types": ["警告"], "severity": "很重"}, decision_date=dt.date(2026, 5, 6)
            )
        assert "不是有效的失信程度" in str(caught.value)


def test_the_memo_checks_field_values_as_validate_data_does():
    fields = PublishedItems().get("admin_penalty").fields.all()
    memo = CheckMemo()
    samples = [
        penalty(1),
        penalty(2, fine_amount="两万", decision_date="2026/5/6"),
        penalty(3, kind="person"),
        {"unknown": "x", "fine_amount": " 2.50 "},
        penalty(1),
        penalty(4, penalty_types="警告；罚款；警告"),
        penalty(5, authority_uscc=AUTHORITY_USCC.lower()),
        penalty(6, authority_uscc="123"),
    ]
    for data in samples * 2:
        assert memo.validate_data(fields[0].item, data) == validate_data(fields, data)


def test_a_batch_refuses_to_name_a_record_twice(scjgj):
    items = PublishedItems()
    layout = layout_for(items.get("admin_penalty"))
    row = row_to_submission(layout, penalty(1))
    checked = check_submission(
        provider=scjgj,
        item_code="admin_penalty",
        source_key=row.source_key,
        subject=row.subject,
        data=row.data,
        items=items,
    )

    with pytest.raises(ValueError):
        submit_checked_batch(provider=scjgj, rows=[checked, checked], actor=None, channel=Channel.FILE)


def test_check_submission_reports_what_submit_record_reports(scjgj):
    items = PublishedItems()
    bad = {"penalty_document_number": "", "fine_amount": "x"}

    with pytest.raises(SubmissionInvalid) as by_check:
        check_submission(
            provider=scjgj,
            item_code="admin_penalty",
            source_key="",
            subject={},
            data=bad,
            items=items,
            memo=CheckMemo(),
        )
    with pytest.raises(SubmissionInvalid) as by_submit:
        submit_record(
            provider=scjgj, item_code="admin_penalty", source_key="", subject={}, data=bad, channel=Channel.API
        )

    assert by_check.value.errors == by_submit.value.errors


def test_values_with_tabs_line_breaks_and_backslashes_are_stored_unchanged(scjgj, scjgj_staff):
    facts = "第一段\t制表\\反斜杠\\N\r\n第二段 \"引号\" 'x' \\t"
    bulk_import = import_file(
        scjgj, scjgj_staff, csv_bytes([penalty(1, violation_facts=facts, subject_name="南通\\甲\t公司")])
    )

    assert bulk_import.status == BulkImport.Status.SUCCEEDED
    record = CreditRecord.objects.select_related("subject").get()
    assert record.data["violation_facts"] == facts.strip()
    assert record.subject.name == "南通\\甲\t公司"
    assert RecordRevision.objects.get().data == record.data


def test_insert_many_gives_instances_their_keys(scjgj):
    subjects = [
        Subject(kind="legal_person", name=f"甲{n}", code=None, identifier_hash=f"{n:064d}", identifier_masked="x")
        for n in range(3)
    ]

    insert_many(Subject, subjects)

    assert [s.pk for s in subjects] == list(Subject.objects.order_by("pk").values_list("pk", flat=True))
    assert all(not s._state.adding and s.created_at is not None for s in subjects)
    assert Subject.objects.get(pk=subjects[1].pk).name == "甲1"


def test_the_content_hash_is_the_canonical_json_of_subject_and_data():
    """A batch serialises each row once and builds the hash from that text: the hash must stay
    what it always was, or every stored record would look changed at its next re-submission."""
    import hashlib
    import json

    from collection.services.upsert import content_hash

    samples = [
        {"a": "南通", "b": ["警告", "罚款"], "c": 3, "d": True, "e": None},
        {"facts": 'quote " back\\slash \t tab \n line \u2028 sep', "z": {"nested": ["x", 1.5]}},
        {},
    ]
    for subject in ("ab" * 32, 'not hex: "quoted"'):
        for data in samples:
            expected = json.dumps(
                {"subject": subject, "data": data}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
            )
            assert content_hash(subject, data) == hashlib.sha256(expected.encode()).hexdigest()
