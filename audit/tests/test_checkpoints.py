"""Signed checkpoints of the chain head, kept outside the database (issue 12), and what the
verification makes of them."""

import json
import logging
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from audit.checkpoints import COMPARED, ChainBroken, checkpoint_storage, newest_checkpoints, write_checkpoint
from audit.services import event_hash, record_event
from audit.tasks import write_chain_checkpoint
from audit.verification import Problem, verify_chain

from .factories import AuditEventFactory, make_chain
from .tampering import delete_events, edit_event, move_head, triggers_disabled

pytestmark = pytest.mark.django_db


def _files() -> list[Path]:
    return sorted(Path(checkpoint_storage().location).rglob("*.json"))


def test_it_writes_a_signed_checkpoint_of_the_head_outside_the_database():
    events = make_chain(3)

    checkpoint = write_checkpoint()

    (path,) = _files()
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert path.relative_to(checkpoint_storage().location).as_posix() == checkpoint.name
    assert (stored["count"], stored["last_event_id"], stored["head_hash"]) == (3, events[-1].pk, events[-1].hash)
    assert stored["created_at"] and stored["signature"].count(":") == 1
    report = verify_chain()
    assert report.ok and report.anchored == 1
    written = f"{timezone.localtime(checkpoint.created_at):%Y-%m-%d %H:%M:%S}"
    assert (
        report.message
        == f"已核验 3 个审计事件，审计链完整。与 1 个外部锚点一致（最新锚点写于 {written}，记有 3 个事件）。"
    )


def test_it_writes_nothing_new_while_no_event_came():
    make_chain(2)
    first = write_checkpoint()

    assert write_checkpoint() == first
    assert len(_files()) == 1

    AuditEventFactory()
    assert write_checkpoint().count == 3
    assert len(_files()) == 2


def test_an_empty_chain_has_nothing_to_anchor():
    assert write_checkpoint() is None
    assert _files() == []


def test_the_command_writes_one_on_demand():
    events = make_chain(2)
    out = StringIO()

    call_command("audit_checkpoint", stdout=out)

    assert f"2 个事件，末端事件 #{events[-1].pk}" in out.getvalue()
    assert len(_files()) == 1


def test_beat_writes_one_every_ten_minutes():
    make_chain(2)
    (entry,) = [e for e in django_settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == write_chain_checkpoint.name]

    write_chain_checkpoint()

    assert entry["schedule"].minute == set(range(0, 60, 10))
    assert newest_checkpoints()[0].count == 2


def test_a_broken_chain_is_never_signed(caplog):
    make_chain(2)
    write_checkpoint()
    later = make_chain(2)
    edit_event(later[0].pk, summary="改写")

    with pytest.raises(ChainBroken):
        write_checkpoint()
    with caplog.at_level(logging.ERROR, logger="audit.tasks"):
        write_chain_checkpoint()
    with pytest.raises(CommandError, match=f"未写入外部锚点.*事件 #{later[0].pk} 的内容与其哈希不符"):
        call_command("audit_checkpoint")

    assert len(_files()) == 1
    assert "checkpoint refused" in caplog.text and "content_changed" in caplog.text


def test_another_event_at_a_checkpointed_position_is_named():
    # Someone holding the key (an app server broken into) rewrites the chain consistently:
    # the checkpoint still holds what stood at its position.
    events = make_chain(4)
    checkpoint = write_checkpoint()
    delete_events(events[3].pk)
    move_head(last_event_id=events[2].pk, last_hash=events[2].hash, event_count=3)
    with transaction.atomic():
        replacement = record_event(action="catalog.publish", object_type="catalog.catalogversion", object_id="9")

    report = verify_chain()

    assert (report.problem, report.broken_event_id) == (Problem.CHECKPOINT_MISMATCH, replacement.pk)
    assert report.message == (
        f"第 4 个事件与外部锚点 {checkpoint.label} 所记的事件 #{events[3].pk} 不符（事件被删除或改写）"
    )


def test_a_middle_event_removed_and_the_rest_relinked_with_the_key_is_caught():
    events = make_chain(5)
    checkpoint = write_checkpoint()
    delete_events(events[1].pk)
    prev_hash = events[0].hash
    with triggers_disabled():
        for event in events[2:]:
            event.prev_hash = prev_hash
            event.hash = prev_hash = event_hash(event)
            event.save()
    move_head(last_hash=prev_hash, event_count=4)

    report = verify_chain()

    assert report.problem == Problem.CHECKPOINT_SHORT
    assert checkpoint.name in report.message


def _plant(name: str, content: dict) -> None:
    from django.core.files.base import ContentFile

    checkpoint_storage().save(name, ContentFile(json.dumps(content).encode()))


@pytest.mark.parametrize("signature", ["", "0badc0de:" + "0" * 64, "not a signature"])
def test_a_forged_checkpoint_fails_the_verification_by_name(signature):
    events = make_chain(2)
    write_checkpoint()
    name = "2099-01/20990101T000000000000Z-99.json"
    _plant(
        name,
        {
            "count": 99,
            "last_event_id": events[-1].pk,
            "head_hash": events[-1].hash,
            "created_at": "2099-01-01T00:00:00+00:00",
            "signature": signature,
        },
    )

    report = verify_chain()

    assert report.problem == Problem.CHECKPOINT_FORGED
    assert name in report.message
    with pytest.raises(CommandError, match=name):
        call_command("verify_audit_chain")


def test_a_checkpoint_edited_after_signing_is_forged():
    make_chain(2)
    checkpoint = write_checkpoint()
    path = Path(checkpoint_storage().path(checkpoint.name))
    content = json.loads(path.read_text(encoding="utf-8"))
    content["count"] = 1
    path.write_text(json.dumps(content), encoding="utf-8")

    assert verify_chain().problem == Problem.CHECKPOINT_FORGED


def test_it_reads_only_the_newest_checkpoints():
    for _ in range(COMPARED + 2):
        AuditEventFactory()
        write_checkpoint()

    newest = newest_checkpoints()

    assert [c.count for c in newest] == list(range(COMPARED + 2, 2, -1))
    assert verify_chain().anchored == COMPARED
