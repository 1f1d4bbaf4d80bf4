"""The 关注 sweep (issue 16 §3): followers told of public records that appear or change, agents
of every new record about their subject, each once, whatever the sweep's failures and re-runs."""

import datetime as dt
import threading
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from collection.models import SubjectBinding
from collection.tests.factories import SubjectFactory, make_uscc
from inquiry.follows import sweep as sweep_module
from inquiry.follows.models import Follow, FollowSweepState
from inquiry.follows.services import follow_subject, unfollow_subject
from inquiry.tasks import tell_followers
from nantong_credit.models import Notification

from .follow_support import (  # noqa: F401  (fixtures)
    add_record,
    agent,
    change,
    company,
    follower,
    from_now,
    inquiry_catalog,
    provider,
    watermark_now,
)

pytestmark = pytest.mark.django_db
FOLLOWER_TITLE = "您关注的南通海晟纺织有限公司有公开信用信息新增或变更"


@pytest.fixture
def sweep(django_capture_on_commit_callbacks, eager_celery):
    """Run the sweep as beat does, with the e-mails its commits queue."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return tell_followers()

    return run


@pytest.fixture
def following(follower, company, from_now):
    follow_subject(user=follower, subject=company)
    return follower


def inbox(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def test_a_new_public_record_tells_the_follower_and_the_agent_once(
    sweep, following, agent, company, inquiry_catalog, mailoutbox
):
    record = add_record(inquiry_catalog, company, "admin_penalty", "未按规定公示年度报告")

    result = sweep()

    [told] = inbox(following)
    assert told.title == FOLLOWER_TITLE
    assert told.link == reverse("subjects:detail", args=[company.code])
    assert f"新增：行政处罚　{record.source_key}（南通市市场监督管理局，决定日期2026年5月6日）" in told.body
    [agent_told] = inbox(agent)
    assert agent_told.title == "新增信用记录：南通海晟纺织有限公司　行政处罚"
    assert agent_told.link == reverse("my_credit:subject", args=[company.pk]) + f"#record-{record.pk}"
    assert result == {"chunks": 1, "revisions": 1, "follower_messages": 1, "agent_messages": 1}
    assert Follow.objects.get(user=following).last_notified_at is not None
    assert sorted(mail.to[0] for mail in mailoutbox) == ["wangjg@example.com", "zhout@example.com"]

    assert sweep() == {}
    assert len(inbox(following)) == 1 and len(inbox(agent)) == 1 and len(mailoutbox) == 2


def test_the_followers_email_names_the_records_and_links_the_subject_page(
    sweep, following, company, inquiry_catalog, mailoutbox
):
    record = add_record(inquiry_catalog, company, "admin_license", "建筑业企业资质")

    sweep()

    [mail] = mailoutbox
    assert mail.to == ["zhout@example.com"]
    assert mail.subject == f"【南通信用网】{FOLLOWER_TITLE}"
    assert f"新增：行政许可　{record.source_key}（南通市市场监督管理局，决定日期2026年5月6日）" in mail.body
    assert "您可在“我的关注”中取消关注。" in mail.body
    assert f"{settings.SITE_URL}/subjects/{company.code}/" in mail.body


def test_the_agents_message_says_from_when_it_may_object_and_apply_for_repair(
    sweep, agent, company, inquiry_catalog, mailoutbox, from_now
):
    later = timezone.localdate() + dt.timedelta(days=90)
    record = add_record(inquiry_catalog, company, "admin_penalty", "超范围经营", repairable_from=later)

    sweep()

    [mail] = mailoutbox
    assert mail.subject == "【南通信用网】新增信用记录：南通海晟纺织有限公司　行政处罚"
    body = mail.body
    assert "信息主体：南通海晟纺织有限公司" in body
    assert f"信息事项：行政处罚（{record.source_key}）" in body
    assert "信息提供单位：南通市市场监督管理局" in body
    assert "决定日期：2026年5月6日" in body
    assert f"自即日起可对该信息提出异议：{settings.SITE_URL}/objections/new/?record={record.pk}" in body
    assert f"自{later.year}年{later.month}月{later.day}日起可申请信用修复：" in body
    assert f"起可申请信用修复：{settings.SITE_URL}/repair/new/?record={record.pk}" in body
    assert f"/account/credit/{company.pk}/#record-{record.pk}" in body


def test_a_dishonesty_record_repairable_already_says_so_and_others_say_nothing_of_repair(
    sweep, agent, company, inquiry_catalog, from_now
):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    add_record(inquiry_catalog, company, "admin_penalty", "逾期未年报", repairable_from=yesterday)
    add_record(inquiry_catalog, company, "commendation", "守合同重信用企业")

    sweep()

    penalty, commendation = inbox(agent)
    assert "自即日起可申请信用修复：" in penalty.body
    assert "自即日起可对该信息提出异议" in commendation.body and "信用修复" not in commendation.body


def test_a_changed_record_tells_the_followers_but_not_the_agent_again(
    sweep, following, agent, company, inquiry_catalog
):
    record = add_record(inquiry_catalog, company, "admin_license", "食品经营许可")
    sweep()

    change(record, matter="食品经营许可（变更经营范围）")
    sweep()

    first, second = inbox(following)
    assert f"变更：行政许可　{record.source_key}" in second.body
    assert len(inbox(agent)) == 1


def test_a_record_not_public_reaches_the_agent_but_never_the_followers(
    sweep, following, agent, company, inquiry_catalog
):
    add_record(inquiry_catalog, company, "tax_credit_rating", "纳税信用A级")
    add_record(inquiry_catalog, company, "admin_penalty", "轻微违法", publication_withheld=True)

    sweep()

    assert inbox(following) == []
    assert [message.title for message in inbox(agent)] == [
        "新增信用记录：南通海晟纺织有限公司　纳税信用等级",
        "新增信用记录：南通海晟纺织有限公司　行政处罚",
    ]


def test_several_records_make_one_message_per_follower_and_subject(
    sweep, following, user_with_role, company, inquiry_catalog
):
    second = user_with_role("qianm", email="qianm@example.com")
    follow_subject(user=second, subject=company)
    other = SubjectFactory(name="南通四建集团有限公司", identifier=make_uscc("91320602MA1W8X7Q3"))
    follow_subject(user=following, subject=other)
    records = [add_record(inquiry_catalog, company, "admin_license", f"许可{n}") for n in range(3)]
    add_record(inquiry_catalog, other, "commendation", "南通市文明单位")

    sweep()

    mine = inbox(following)
    assert sorted(message.title for message in mine) == [
        "您关注的南通四建集团有限公司有公开信用信息新增或变更",
        FOLLOWER_TITLE,
    ]
    about_company = next(message for message in mine if message.title == FOLLOWER_TITLE)
    assert all(record.source_key in about_company.body for record in records)
    assert [message.title for message in inbox(second)] == [FOLLOWER_TITLE]


def test_records_of_subjects_nobody_watches_cost_the_same_few_queries_however_many(
    sweep, following, company, inquiry_catalog
):
    def queries_for(count: int, serial: int) -> int:
        subjects = [SubjectFactory(identifier=make_uscc(f"9132060{serial}{n:09d}")) for n in range(count)]
        for subject in subjects:
            add_record(inquiry_catalog, subject, "admin_penalty", "无证经营")
        with CaptureQueriesContext(connection) as queries:
            assert sweep() == {"chunks": 1}
        newest = max(subject.records.get().revisions.get().pk for subject in subjects)
        assert FollowSweepState.objects.get().last_revision_id == newest
        return len(queries)

    assert queries_for(3, 4) == queries_for(40, 5)
    assert Notification.objects.count() == 0


def test_an_unfollowed_subject_is_told_no_more(sweep, following, company, inquiry_catalog):
    unfollow_subject(user=following, subject=company)
    add_record(inquiry_catalog, company, "admin_license", "建筑业企业资质")
    sweep()
    assert inbox(following) == []


def test_a_revoked_binding_is_told_no_more(sweep, agent, company, inquiry_catalog, from_now):
    SubjectBinding.objects.filter(user=agent).update(status=SubjectBinding.Status.REVOKED)
    add_record(inquiry_catalog, company, "admin_penalty", "违规排污")
    sweep()
    assert inbox(agent) == []


def test_a_failure_mid_chunk_tells_nobody_and_the_retry_tells_everyone_once(
    sweep, following, agent, company, inquiry_catalog, mailoutbox
):
    add_record(inquiry_catalog, company, "admin_penalty", "未按期年检")
    add_record(inquiry_catalog, company, "admin_license", "排污许可")
    start = FollowSweepState.objects.get().last_revision_id
    real_notify = sweep_module.notify
    calls = []

    def dies_on_the_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise ConnectionError("worker lost")
        return real_notify(*args, **kwargs)

    with mock.patch.object(sweep_module, "notify", dies_on_the_third), pytest.raises(ConnectionError):
        sweep()

    assert Notification.objects.count() == 0 and mailoutbox == []
    assert FollowSweepState.objects.get().last_revision_id == start

    sweep()
    sweep()
    assert len(inbox(following)) == 1 and len(inbox(agent)) == 2 and len(mailoutbox) == 3


def test_a_backlog_is_read_in_bounded_chunks_each_moving_the_watermark(
    sweep, following, company, inquiry_catalog, monkeypatch
):
    records = [add_record(inquiry_catalog, company, "admin_license", f"许可{n}") for n in range(5)]
    monkeypatch.setattr(sweep_module, "CHUNK", 2)
    monkeypatch.setattr(sweep_module, "MAX_CHUNKS", 2)

    assert sweep()["chunks"] == 2
    assert FollowSweepState.objects.get().last_revision_id == records[3].revisions.get().pk
    assert sweep()["chunks"] == 1
    assert FollowSweepState.objects.get().last_revision_id == records[4].revisions.get().pk
    told = " ".join(message.body for message in inbox(following))
    assert all(told.count(record.source_key) == 1 for record in records)


# --- Revisions that commit late (a bulk import commits its whole file at once) -----------------


def insert_in_open_transaction(catalog, subject, matter: str, *, commit: bool):
    """A record written by another connection that stays open until `release` is set; it then
    commits or rolls back. Returns (inserted, release, thread)."""
    inserted, release = threading.Event(), threading.Event()

    class Rollback(Exception):
        pass

    def run():
        try:
            with transaction.atomic():
                add_record(catalog, subject, "admin_license", matter)
                inserted.set()
                release.wait(30)
                if not commit:
                    raise Rollback
        except Rollback:
            pass
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    assert inserted.wait(30)
    return release, thread


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_revision_committed_late_below_the_watermark_is_told_once_it_commits(
    postgres_only, eager_celery, inquiry_catalog, company, user_with_role
):
    watcher = user_with_role("zhout", email="zhout@example.com")
    follow_subject(user=watcher, subject=company)
    watermark_now()
    release, thread = insert_in_open_transaction(inquiry_catalog, company, "大宗导入中的许可", commit=True)
    later = add_record(inquiry_catalog, company, "admin_license", "随后报送的许可")

    tell_followers()
    assert inbox(watcher) == []  # the later record waits behind the open import

    release.set()
    thread.join()
    tell_followers()

    [told] = inbox(watcher)
    assert "大宗导入中的许可" not in told.body  # matters are not listed, source keys are
    assert told.body.count("新增：行政许可") == 2 and later.source_key in told.body
    tell_followers()
    assert len(inbox(watcher)) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_gap_is_passed_once_every_transaction_of_its_time_has_ended(
    postgres_only, eager_celery, inquiry_catalog, company, user_with_role
):
    watcher = user_with_role("zhout", email="zhout@example.com")
    follow_subject(user=watcher, subject=company)
    watermark_now()
    release, thread = insert_in_open_transaction(inquiry_catalog, company, "回滚的许可", commit=False)
    later = add_record(inquiry_catalog, company, "admin_license", "随后报送的许可")
    release.set()
    thread.join()

    with freeze_time(timezone.now()) as clock:
        tell_followers()  # the gap is seen
        clock.tick(30)
        tell_followers()  # too soon to call it a rollback
        assert inbox(watcher) == []
        clock.tick(31)
        tell_followers()  # a minute on: the horizon is taken
        tell_followers()  # every transaction of that time has ended: the gap was a rollback

    [told] = inbox(watcher)
    assert later.source_key in told.body and told.body.count("新增") == 1
