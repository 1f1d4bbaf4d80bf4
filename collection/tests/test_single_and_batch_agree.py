"""The single path (`submit_record`) and the batch path (a bulk import through `BatchWriter`) store
the same rows alike: every column of every record, revision, subject and 名称不一致 row.

Both paths share the rule "insert or update a record" (`collection.services.upsert`); each keeps
its own reading and writing (a few statements per row, or COPY per chunk). This test sends the
same two rounds of rows through each path, from the same starting point (each path runs in a
savepoint that is rolled back after its state is read), and compares what they stored. The
columns are read from the models' own field lists, so a column added later is compared too.
"""

import pytest
from django.db import transaction
from freezegun import freeze_time

from audit.models import AuditEvent
from collection.bulk.layout import layout_for, row_to_submission
from collection.models import BulkImport, Channel, CreditRecord, NameMismatch, RecordRevision, RecordStatus, Subject
from collection.personal_data import decrypt_identifier
from collection.records.corrections import correct_record
from collection.selectors import PublishedItems
from collection.services.records import submit_record

from .import_support import company_code, csv_bytes, demo_catalog, import_file, penalty  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.usefixtures("demo_catalog")]

FIRST_ROUND_AT = "2026-12-07 10:00:00+08:00"
SECOND_ROUND_AT = "2026-12-14 10:00:00+08:00"
ITEM = "admin_penalty"

# Columns left out of the comparison, and why. Everything else is compared as stored.
# - `id` of every table: each path's rows get their own keys from the sequences (a rolled-back
#   savepoint does not give keys back), so ids differ although the rows are the same.
# - foreign keys to those ids (`CreditRecord.subject_id`, `RecordRevision.record_id`,
#   `NameMismatch.subject_id`) are compared by what they point at: the subject's identifier
#   hash, the record's (item, key).
# - `Subject.identifier_encrypted`: Fernet takes a fresh IV and time each time it encrypts, so the
#   same ID number encrypts differently; its decrypted value is compared instead.
# Timestamps (`received_at`, `created_at`, `updated_at`, `first_seen_at`, ...) are compared: each
# round runs at the same frozen instant on both paths, and a bulk import's rows are received when
# its file was (`BulkImport.created_at`), which is that instant too.
SURROGATE = {"id"}
POINTERS = {"subject_id", "record_id"}
RANDOMISED = {"identifier_encrypted"}


def first_round() -> list[dict[str, str]]:
    return [
        penalty(1),  # a company
        penalty(2, decision_date="2026-12-04"),  # submitted in time (the others are late)
        penalty(3, kind="business"),  # 个体工商户
        penalty(4, kind="person"),  # a natural person
        penalty(
            5, decision_date="2022-06-01", valid_until="2023-05-31", penalty_types="罚款", penalty_content="罚款2万元。"
        ),  # three years, over: 已到期 at once
        penalty(6),  # revoked between the rounds
        penalty(7, uscc=company_code(1), subject_name="南通示例1号贸易有限公司"),  # the company of row 1 again
        penalty(8),  # corrected between the rounds
    ]


def second_round() -> list[dict[str, str]]:
    return [
        penalty(1),  # unchanged
        penalty(2, decision_date="2026-12-04", violation_facts="补充查明的事实。"),  # changed: revision 2
        penalty(3, kind="business", legal_representative="赵六"),  # a new representative: subject too
        penalty(4, kind="person", subject_name="张4（曾用名张四）"),  # a person's new name follows
        penalty(
            5, decision_date="2026-06-01", valid_until="2027-05-31", penalty_types="罚款", penalty_content="罚款2万元。"
        ),  # the date corrected: active again
        penalty(6),  # revoked, sent again: lives again
        penalty(7, uscc=company_code(1), subject_name="南通示例壹号贸易有限公司"),  # another name: 名称不一致
        penalty(8, violation_facts="更正后又补充的事实。"),  # corrected, changed: stays corrected
        penalty(9, kind="person"),  # new, a new person
        penalty(
            10,
            kind="business",
            uscc=penalty(3, kind="business")["uscc"],
            subject_name=penalty(3, kind="business")["subject_name"],
        ),  # new, an existing subject
    ]


def between_rounds(scjgj, clerk) -> None:
    """The same changes on both paths' records: one revoked, one corrected (已更正)."""
    submit_record(
        provider=scjgj,
        item_code=ITEM,
        source_key=penalty(6)["penalty_document_number"],
        revoke=True,
        reason="决定已撤销",
        channel=Channel.API,
        actor=clerk,
    )
    corrected = CreditRecord.objects.get(source_key=penalty(8)["penalty_document_number"])
    correct_record(record=corrected, data={"fine_amount": "3"}, actor=clerk, reason="罚款金额有误")


def by_single_path(scjgj, staff, rows) -> None:
    layout = layout_for(PublishedItems().get(ITEM))
    for row in rows:
        submission = row_to_submission(layout, row)
        submit_record(
            provider=scjgj,
            item_code=ITEM,
            source_key=submission.source_key,
            subject=submission.subject,
            data=submission.data,
            actor=staff,
            channel=Channel.FILE,
        )


def by_batch_path(scjgj, staff, rows) -> None:
    bulk_import = import_file(scjgj, staff, csv_bytes(rows))
    assert bulk_import.status == BulkImport.Status.SUCCEEDED, bulk_import.error


class _Undo(Exception):
    pass


def run_and_read(path, scjgj, staff, clerk) -> dict:
    """Both rounds through `path`; what they stored and the audit facts of each round; then undone."""
    try:
        with transaction.atomic():
            facts = []
            with freeze_time(FIRST_ROUND_AT):
                facts.append(audit_facts(lambda: path(scjgj, staff, first_round())))
            with freeze_time("2026-12-10 10:00:00+08:00"):
                between_rounds(scjgj, clerk)
            with freeze_time(SECOND_ROUND_AT):
                facts.append(audit_facts(lambda: path(scjgj, staff, second_round())))
            state = {**stored_state(), "audit": facts}
            raise _Undo
    except _Undo:
        return state


def columns(obj, *, skip: set[str] = frozenset()) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in type(obj)._meta.concrete_fields
        if f.attname not in SURROGATE | POINTERS | RANDOMISED | skip
    }


def stored_state() -> dict:
    subjects = {s.pk: s for s in Subject.objects.all()}
    records = {}
    for record in CreditRecord.objects.order_by("item_code", "source_key"):
        records[(record.item_code, record.source_key)] = {
            **columns(record),
            "subject": subjects[record.subject_id].identifier_hash,
            "revisions": [
                columns(revision) for revision in RecordRevision.objects.filter(record_id=record.pk).order_by("number")
            ],
        }
    return {
        "records": records,
        "subjects": {
            s.identifier_hash: {
                **columns(s),
                "identifier": decrypt_identifier(s.identifier_encrypted) if s.identifier_encrypted else "",
            }
            for s in subjects.values()
        },
        "name_mismatches": sorted(
            (subjects[m.subject_id].identifier_hash, tuple(sorted(columns(m).items())))
            for m in NameMismatch.objects.all()
        ),
    }


COUNTED = ("created", "updated", "unchanged", "subjects_created", "subjects_updated", "name_mismatches")


def audit_facts(run) -> list[tuple]:
    """The audit events `run` wrote: action, object type, the keys of before and after, the
    names a subject's change of name carries, and what a batch's event counts."""
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    run()
    return [
        (
            event.action,
            event.object_type,
            sorted(event.before or {}),
            sorted(event.after or {}),
            (event.before or {}).get("name"),
            (event.after or {}).get("name"),
            {key: event.after[key] for key in COUNTED} if event.action == "bulkimport.import" else None,
        )
        for event in AuditEvent.objects.filter(pk__gt=last).order_by("pk")
    ]


def counted_by_single_path(facts: list[tuple], rows: int, mismatches: int) -> dict:
    """What the single path's per-row events add up to, as a batch's one event counts it."""
    actions = [fact[0] for fact in facts]
    created, updated = actions.count("record.create"), actions.count("record.update")
    return {
        "created": created,
        "updated": updated,
        "unchanged": rows - created - updated,
        "subjects_created": sum("new_subject" in fact[3] for fact in facts),
        "subjects_updated": actions.count("subject.update"),
        "name_mismatches": mismatches,
    }


def renames(facts: list[tuple]) -> list[tuple]:
    return [fact[:6] for fact in facts if fact[0] == "subject.update" and fact[5] is not None]


def test_the_single_and_the_batch_path_store_the_same_rows_alike(scjgj, scjgj_staff, user_with_role):
    clerk = user_with_role("carol")
    single = run_and_read(by_single_path, scjgj, scjgj_staff, clerk)
    batch = run_and_read(by_batch_path, scjgj, scjgj_staff, clerk)

    # The scenario reaches every outcome and status it is meant to (else the comparison is weak).
    records = single["records"]
    key = {n: (ITEM, penalty(n)["penalty_document_number"]) for n in range(1, 11)}
    assert [records[key[n]]["revision"] for n in range(1, 11)] == [1, 2, 2, 2, 2, 3, 2, 3, 1, 1]
    assert [records[key[n]]["status"] for n in (1, 5, 6, 8)] == [
        RecordStatus.ACTIVE,
        RecordStatus.ACTIVE,
        RecordStatus.ACTIVE,
        RecordStatus.CORRECTED,
    ]
    assert [r["status"] for r in records[key[5]]["revisions"]] == [RecordStatus.EXPIRED, RecordStatus.ACTIVE]
    assert [records[key[n]]["is_late"] for n in (1, 2)] == [True, False]
    assert {s["kind"] for s in single["subjects"].values()} == {"legal_person", "individual_business", "natural_person"}
    assert len(single["name_mismatches"]) == 1

    # Every stored column of every record, revision, subject and 名称不一致 row.
    assert batch["records"].keys() == single["records"].keys()
    for record_key in single["records"]:
        assert batch["records"][record_key] == single["records"][record_key], record_key
    assert batch["subjects"] == single["subjects"]
    assert batch["name_mismatches"] == single["name_mismatches"]

    # The audit trail: the single path writes an event per stored row (the subject it created
    # named in it) and per subject it changes; a batch one event for its file that counts the same
    # (issue 3), and an event for each change of a subject's name, as the single path does.
    single_events = [{fact[:2] for fact in facts} for facts in single["audit"]]
    assert single_events == [
        {("record.create", "collection.creditrecord")},
        {
            ("record.create", "collection.creditrecord"),
            ("record.update", "collection.creditrecord"),
            ("subject.update", "collection.subject"),
        },
    ]
    for facts in single["audit"]:
        created = next(fact for fact in facts if fact[0] == "record.create")
        assert set(created[3]) - {"new_subject"} == {
            "subject",
            "subject_name",
            "item",
            "source_key",
            "status",
            "revision",
            "decision_date",
            "disclosure_ends_on",
            "data",
        }
    counts = [[fact[6] for fact in facts if fact[6] is not None] for facts in batch["audit"]]
    assert counts == [
        [counted_by_single_path(facts, rows=len(rows), mismatches=mismatches)]
        for facts, rows, mismatches in zip(single["audit"], (first_round(), second_round()), (0, 1), strict=True)
    ]
    for single_facts, batch_facts in zip(single["audit"], batch["audit"], strict=True):
        assert [fact[:2] for fact in batch_facts if fact[0] != "subject.update"] == [
            ("bulkimport.create", "collection.bulkimport"),
            ("bulkimport.import", "collection.bulkimport"),
        ]
        assert renames(batch_facts) == renames(single_facts)
    assert [fact[4:6] for fact in renames(single["audit"][1])] == [("张4", "张4（曾用名张四）")]
