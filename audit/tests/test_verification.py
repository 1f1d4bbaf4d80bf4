"""The chain verification catches edited, removed and smuggled-in rows (on SQLite and PostgreSQL)."""

import pytest
from django.db import transaction

from audit.models import AuditEvent
from audit.services import event_hash, record_event
from audit.verification import Problem, verify_chain

from .factories import AuditEventFactory, make_chain
from .tampering import delete_events, edit_event, move_head, remove_head

pytestmark = pytest.mark.django_db


def test_it_finds_an_intact_chain_intact():
    events = make_chain(7)

    report = verify_chain(chunk_size=3)

    assert report.ok
    assert (report.checked, report.last_event_id) == (7, events[-1].pk)
    assert report.message == "已核验 7 个审计事件，审计链完整。"


def test_it_finds_an_empty_chain_intact():
    report = verify_chain()

    assert report.ok and report.checked == 0


def test_it_names_an_edited_event():
    events = make_chain(6)
    edit_event(events[3].pk, summary="发布目录第 99 版")

    report = verify_chain(chunk_size=2)

    assert (report.problem, report.broken_event_id) == (Problem.CONTENT_CHANGED, events[3].pk)
    assert report.message == f"事件 #{events[3].pk} 的内容与其哈希不符（记录被修改）"
    assert report.checked == 3


def test_it_names_an_edited_json_value():
    events = make_chain(3, after={"罚款金额(万元)": "12.50"})
    edit_event(events[0].pk, after={"罚款金额(万元)": "1.25"})

    report = verify_chain()

    assert (report.problem, report.broken_event_id) == (Problem.CONTENT_CHANGED, events[0].pk)


def test_it_names_the_event_after_a_row_rewritten_with_a_fresh_hash():
    # Someone who edits a row and recomputes its hash breaks the link to the next row.
    events = make_chain(5)
    forged = AuditEvent.objects.get(pk=events[2].pk)
    forged.summary = "已篡改"
    edit_event(forged.pk, summary=forged.summary, hash=event_hash(forged))

    report = verify_chain()

    assert (report.problem, report.broken_event_id) == (Problem.PREDECESSOR_BROKEN, events[3].pk)
    assert report.message == f"事件 #{events[3].pk} 之前的事件缺失或被改动（前序哈希不符）"


def test_it_names_the_event_after_a_deleted_one():
    events = make_chain(6)
    delete_events(events[2].pk)

    report = verify_chain(chunk_size=2)

    assert (report.problem, report.broken_event_id) == (Problem.PREDECESSOR_BROKEN, events[3].pk)


def test_it_notices_the_first_event_missing():
    events = make_chain(3)
    delete_events(events[0].pk)

    report = verify_chain()

    assert (report.problem, report.broken_event_id) == (Problem.PREDECESSOR_BROKEN, events[1].pk)


def test_it_notices_the_newest_events_deleted():
    events = make_chain(5)
    delete_events(events[3].pk, events[4].pk)

    report = verify_chain()

    assert (report.problem, report.broken_event_id) == (Problem.TAIL_MISSING, events[4].pk)
    assert report.message.startswith("审计链末端与最后一个事件不符（最新事件被删除）")
    assert f"#{events[2].pk}" in report.message
    assert report.checked == 3


def test_it_notices_every_event_deleted():
    events = make_chain(2)
    delete_events(*(event.pk for event in events))

    report = verify_chain()

    assert (report.problem, report.broken_event_id) == (Problem.TAIL_MISSING, events[1].pk)


def test_it_notices_the_newest_event_replaced_by_a_well_formed_forgery():
    events = make_chain(3)
    forged = AuditEvent.objects.get(pk=events[2].pk)
    forged.summary = "替换后的内容"
    edit_event(forged.pk, summary=forged.summary, hash=event_hash(forged))

    report = verify_chain()

    assert (report.problem, report.broken_event_id) == (Problem.TAIL_REPLACED, events[2].pk)


def test_it_notices_events_appended_behind_the_chain_head():
    events = make_chain(3)
    with transaction.atomic():
        smuggled = record_event(action="collection.submit_record", object_type="collection.creditrecord")
    # ...and the head put back as if the event had never been written.
    move_head(last_event_id=events[-1].pk, last_hash=events[-1].hash, event_count=3)

    report = verify_chain()

    assert (report.problem, report.broken_event_id) == (Problem.UNREGISTERED_TAIL, smuggled.pk)


def test_it_notices_the_chain_head_removed():
    make_chain(2)
    remove_head()

    report = verify_chain()

    assert report.problem == Problem.HEAD_MISSING


def test_events_appended_while_the_walk_runs_are_no_false_alarm():
    make_chain(4)

    def someone_appends(checked: int) -> None:
        AuditEventFactory(action="inquiry.query")

    report = verify_chain(chunk_size=2, progress=someone_appends)

    assert report.ok
    assert verify_chain().ok


def test_it_reports_progress_every_chunk():
    make_chain(5)
    seen = []

    verify_chain(chunk_size=2, progress=seen.append)

    assert seen == [2, 4]


def test_it_still_appends_after_tampering_so_the_damage_stays_visible():
    events = make_chain(3)
    edit_event(events[1].pk, summary="改")
    AuditEventFactory()

    assert verify_chain().broken_event_id == events[1].pk
