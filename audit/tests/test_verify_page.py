"""The "核验审计链" page: an auditor starts a verification, sees its outcome, and leaves a trace."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.db import DatabaseError
from django.urls import reverse
from freezegun import freeze_time

from audit import tasks
from audit.checkpoints import checkpoint_storage, write_checkpoint
from audit.jobs import CHAIN_VERIFICATION_JOB
from audit.models import AuditEvent, ChainVerification
from nantong_credit.jobs import MAX_RESTARTS, sweep_stuck_jobs

from .factories import make_chain
from .tampering import delete_events, edit_event, move_head

pytestmark = pytest.mark.django_db


@pytest.fixture
def start_verification(client, auditor, eager_celery, django_capture_on_commit_callbacks):
    """POSTs the form as the auditor, running the queued task as the worker would."""

    def start():
        client.force_login(auditor)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("audit:verify"), REMOTE_ADDR="10.32.6.99")
        assert response.status_code == 302
        return ChainVerification.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1]), response

    return start


def test_it_verifies_an_intact_chain_and_records_who_did(client, auditor, start_verification):
    make_chain(4)

    run, response = start_verification()

    assert run.status == ChainVerification.Status.INTACT and run.checked == 4
    html = client.get(response["Location"]).content.decode()
    assert "已核验 4 个审计事件，审计链完整。" in html
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.actor_id, event.ip_address) == ("audit.verify", auditor.pk, "10.32.6.99")
    assert (event.object_type, event.object_id) == ("audit.chainverification", str(run.pk))
    assert event.after["ok"] is True and event.after["checked"] == 4


def test_it_names_the_first_broken_event(client, start_verification):
    events = make_chain(5)
    edit_event(events[1].pk, summary="改")

    run, response = start_verification()

    assert (run.status, run.broken_event_id) == (ChainVerification.Status.BROKEN, events[1].pk)
    html = client.get(response["Location"]).content.decode()
    assert "审计链已被破坏" in html
    assert f"事件 #{events[1].pk} 的内容与其哈希不符（记录被修改）" in html
    event = AuditEvent.objects.get(action="audit.verify")
    assert event.after["problem"] == "content_changed" and event.after["broken_event_id"] == events[1].pk


def test_it_notices_the_newest_events_removed(client, start_verification):
    events = make_chain(3)
    delete_events(events[2].pk)

    run, response = start_verification()

    assert run.status == ChainVerification.Status.BROKEN
    assert "最新事件被删除" in client.get(response["Location"]).content.decode()


def test_a_verification_in_progress_refreshes_itself_and_is_not_started_twice(client, auditor):
    client.force_login(auditor)
    pending = ChainVerification.objects.create(
        requested_by=auditor,
        status=ChainVerification.Status.RUNNING,
        checked=4000,
    )

    response = client.post(reverse("audit:verify"))

    assert response["Location"] == reverse("audit:verification", args=[pending.pk])
    html = client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="5">' in html
    assert "正在核验，已核验 4000 个事件" in html
    assert ChainVerification.objects.count() == 1


def test_a_run_lost_with_its_worker_stops_refreshing_and_can_be_restarted(client, auditor, eager_celery):
    lost = ChainVerification.objects.create(requested_by=auditor, status=ChainVerification.Status.RUNNING)
    ChainVerification.objects.filter(pk=lost.pk).update(
        requested_at=lost.requested_at - ChainVerification.STALE_AFTER - dt.timedelta(minutes=1),
    )
    client.force_login(auditor)

    html = client.get(reverse("audit:verification", args=[lost.pk])).content.decode()
    assert "可能已因服务重启而中断" in html and 'http-equiv="refresh"' not in html

    response = client.post(reverse("audit:verify"))
    assert response["Location"] != reverse("audit:verification", args=[lost.pk])


def test_the_page_lists_earlier_verifications(client, auditor, start_verification):
    make_chain(2)
    run, _ = start_verification()

    html = client.get(reverse("audit:verify")).content.decode()

    assert "核验记录" in html and f"#{run.pk}" in html and "审计链完整" in html


def test_viewing_the_trail_does_not_allow_verifying_it(client, user_with_role):
    reader = user_with_role("reader")
    reader.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    client.force_login(reader)

    assert client.get(reverse("audit:events")).status_code == 200
    assert client.get(reverse("audit:verify")).status_code == 403
    assert client.post(reverse("audit:verify")).status_code == 403


def test_a_walk_that_fails_is_marked_failed(client, auditor, monkeypatch):
    run = ChainVerification.objects.create(requested_by=auditor)

    def broken_database(**kwargs):
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr(tasks, "verify_chain", broken_database)
    tasks.run_chain_verification(run.pk)

    run.refresh_from_db()
    assert run.status == ChainVerification.Status.FAILED
    assert "server closed the connection" in run.last_error
    client.force_login(auditor)
    assert "核验未能完成" in client.get(reverse("audit:verification", args=[run.pk])).content.decode()


def test_a_run_taken_by_another_worker_is_left_alone(auditor):
    run = ChainVerification.objects.create(requested_by=auditor, status=ChainVerification.Status.INTACT, checked=9)

    tasks.run_chain_verification(run.pk)
    tasks.run_chain_verification(run.pk + 1000)

    run.refresh_from_db()
    assert (run.status, run.checked) == (ChainVerification.Status.INTACT, 9)
    assert not AuditEvent.objects.exists()


def test_the_page_shows_the_newest_checkpoint(client, auditor):
    client.force_login(auditor)
    assert "尚未写入外部锚点" in client.get(reverse("audit:verify")).content.decode()

    make_chain(2)
    checkpoint = write_checkpoint()
    html = client.get(reverse("audit:verify")).content.decode()

    assert f'共 2 个事件（<code class="text-break">{checkpoint.name}</code>）' in html


def test_the_page_warns_of_a_forged_checkpoint(client, auditor):
    checkpoint_storage().save("2026-12/20261201T000000000000Z-7.json", ContentFile(b'{"count": 7}'))
    client.force_login(auditor)

    html = client.get(reverse("audit:verify")).content.decode()

    assert "外部锚点 <code>2026-12/20261201T000000000000Z-7.json</code> 无法以已配置的密钥核验" in html


def test_a_run_holds_the_chain_against_the_checkpoints(client, start_verification):
    events = make_chain(4)
    checkpoint = write_checkpoint()
    delete_events(events[3].pk)
    move_head(last_event_id=events[2].pk, last_hash=events[2].hash, event_count=3)

    run, response = start_verification()

    assert (run.status, run.problem) == (ChainVerification.Status.BROKEN, "checkpoint_short")
    assert f"少于外部锚点 {checkpoint.name}" in client.get(response["Location"]).content.decode()


# --- A worker that died mid-walk (issue 12 §3) ----------------------------------------------------


def abandoned_run(auditor, **changes) -> tuple[ChainVerification, dt.datetime]:
    run = ChainVerification.objects.create(requested_by=auditor)
    assert tasks.services.start_chain_verification(run_id=run.pk, task_id="message-1")
    ChainVerification.objects.filter(pk=run.pk).update(**changes)
    run.refresh_from_db()
    return run, run.started_at + CHAIN_VERIFICATION_JOB.stuck_after + dt.timedelta(seconds=1)


def test_a_walk_whose_worker_died_is_walked_again_by_the_sweep(
    auditor, eager_celery, django_capture_on_commit_callbacks
):
    make_chain(3)
    run, past_limit = abandoned_run(auditor)

    with freeze_time(past_limit), django_capture_on_commit_callbacks(execute=True):
        counts = sweep_stuck_jobs()["audit.ChainVerification"]

    run.refresh_from_db()
    assert counts["requeued"] == 1
    assert run.status == ChainVerification.Status.INTACT and run.checked == 3 and run.restarts == 1


def test_a_walk_that_kills_its_worker_every_time_ends_failed_and_says_so(client, auditor, eager_celery):
    run, past_limit = abandoned_run(auditor, restarts=MAX_RESTARTS)

    tasks.run_chain_verification.apply(args=[run.pk], task_id="message-1")  # redelivered once too often
    with freeze_time(past_limit):
        counts = sweep_stuck_jobs()["audit.ChainVerification"]

    run.refresh_from_db()
    assert counts["failed"] == 1 and run.status == ChainVerification.Status.FAILED
    client.force_login(auditor)
    assert (
        "核验未能完成（核验过程多次中断），请重新开始核验。"
        in client.get(reverse("audit:verification", args=[run.pk])).content.decode()
    )
