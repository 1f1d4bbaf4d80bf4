"""Pulling from a department's server (数据库对接, Art. 9) against a real HTTP server on loopback:
pages, cursors, errors, timeouts, malformed answers, CSV in two encodings, alerts."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from collection.models import Channel, CreditRecord, RecordRevision
from collection.pull.models import PullRun, PullSource
from collection.pull.runs import run_pull
from collection.pull.services import sweep_pull_sources
from nantong_credit.models import Notification

from .pull_server import Answer, csv_page, json_page
from .pull_support import FIRST, LATER, SECOND, TOKEN, department, make_source, row  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(catalog, scjgj, department):
    return make_source(scjgj, department.url)


def pull(source) -> PullRun:
    run = run_pull(source_id=source.pk)
    assert run is not None
    source.refresh_from_db()
    return run


def test_pages_are_pulled_in_order_and_the_cursor_follows(source, department):
    department.pages[""] = json_page([row(1), row(2)], FIRST, has_more=True)
    department.pages[FIRST] = json_page([row(3)], SECOND)
    run = pull(source)
    assert (run.status, run.pages, run.rows, run.created_count, run.rejected_count) == ("succeeded", 2, 3, 3, 0)
    assert (run.cursor_before, run.cursor_after, source.cursor) == ("", SECOND, SECOND)
    assert set(CreditRecord.objects.values_list("channel", flat=True)) == {Channel.PULL}
    assert CreditRecord.objects.get(source_key="通市监罚〔2026〕3号").subject.name == "南通示例3有限公司"
    first = department.requests[0]
    assert first["headers"]["Authorization"] == TOKEN
    assert first["query"]["limit"] == ["500"] and "cursor" not in first["query"]
    assert department.requests[1]["query"]["cursor"] == [FIRST]
    assert run.finished_at is not None and source.lease_until is None


def test_a_page_read_twice_never_duplicates_and_a_change_makes_a_revision(source, department):
    department.pages[""] = json_page([row(1), row(2)], FIRST)
    pull(source)
    department.pages[FIRST] = json_page([row(1), row(2)], FIRST)  # the same page, served again
    again = pull(source)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert CreditRecord.objects.count() == 2 and RecordRevision.objects.count() == 2
    department.pages[FIRST] = json_page([row(2, penalty_amount=9)], SECOND)
    changed = pull(source)
    assert (changed.created_count, changed.updated_count) == (0, 1)
    record = CreditRecord.objects.get(source_key="通市监罚〔2026〕2号")
    assert record.revision == 2 and record.data["penalty_amount"] == "9"
    assert RecordRevision.objects.filter(record=record).count() == 2


def test_a_server_error_fails_the_run_keeps_the_cursor_and_alerts_once(
    source, department, scjgj_staff, django_capture_on_commit_callbacks, mailoutbox, eager_celery
):
    scjgj_staff.email = "bob@scjgj.nantong.gov.cn"
    scjgj_staff.save()
    department.pages[""] = json_page([row(1)], FIRST)
    pull(source)
    department.pages[FIRST] = Answer(status=500, body=b"boom")
    with django_capture_on_commit_callbacks(execute=True):
        failed = pull(source)
    assert (failed.status, failed.error_code, source.cursor) == ("failed", "http_500", FIRST)
    assert "HTTP 500" in failed.error and source.failing_since is not None
    alert = Notification.objects.get(recipient=scjgj_staff)
    assert "数据库对接异常" in alert.title and "HTTP 500" in alert.body
    assert [m.to for m in mailoutbox] == [[scjgj_staff.email]]
    with django_capture_on_commit_callbacks(execute=True):
        assert pull(source).status == "failed"  # the streak goes on: nobody is told again
    assert Notification.objects.count() == 1 and len(mailoutbox) == 1
    department.pages[FIRST] = json_page([], FIRST)
    assert pull(source).status == "succeeded" and source.failing_since is None
    department.pages[FIRST] = Answer(status=503)
    with django_capture_on_commit_callbacks(execute=True):
        pull(source)
    assert Notification.objects.count() == 2  # a new streak


def test_a_timeout_fails_the_run(source, department, settings):
    settings.PULL_TIMEOUT_SECONDS = 1
    department.pages[""] = Answer(body=b"{}", delay=4)
    run = pull(source)
    assert (run.status, run.error_code, source.cursor) == ("failed", "timeout", "")
    assert "1秒内未响应" in run.error


@pytest.mark.parametrize(
    "body",
    [
        b'{"records": [',
        b"<html>error</html>",
        b'{"records": {}}',
        b'{"records": [1]}',
        b'{"records": [], "has_more": "yes"}',
    ],
)
def test_malformed_json_fails_the_run_and_stores_nothing(source, department, body):
    department.pages[""] = Answer(body=body)
    run = pull(source)
    assert (run.status, run.error_code, source.cursor) == ("failed", "malformed_json", "")
    assert not CreditRecord.objects.exists()


CSV_HEADER = "业务编号,主体类别,主体名称,信用唯一识别码,行政处罚决定书文号,处罚类别,处罚决定日期\n"


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "utf-8-sig"])
def test_csv_pages_in_utf8_and_gbk_are_read_by_the_catalog_labels(catalog, scjgj, department, encoding):
    source = make_source(scjgj, department.url, fmt="csv", mapping={})
    first, second = row(1), row(2)
    lines = [
        f"{r['case_id']},法人及非法人组织,{r['name']},{r['code']},{r['decision_no']},罚款；警告,{r['decision_date']}\n"
        for r in (first, second)
    ]
    department.pages[""] = csv_page(CSV_HEADER + lines[0], encoding=encoding, next_cursor="7", has_more=True)
    department.pages["7"] = csv_page(CSV_HEADER + lines[1], encoding=encoding, next_cursor="9")
    run = pull(source)
    assert (run.status, run.created_count, source.cursor) == ("succeeded", 2, "9")
    record = CreditRecord.objects.get(source_key=first["case_id"])
    assert record.subject.name == "南通示例1有限公司" and record.data["penalty_type"] == ["罚款", "警告"]


def test_a_csv_that_is_not_text_fails(catalog, scjgj, department):
    source = make_source(scjgj, department.url, fmt="csv", mapping={})
    department.pages[""] = Answer(body=b"\xff\xfe\x00\x81\x30", headers={"X-Has-More": "false"})
    assert pull(source).error_code == "malformed_csv"


def test_a_cursor_that_goes_backwards_is_refused_and_flagged(source, department, scjgj_staff):
    department.pages[""] = json_page([row(1)], SECOND)
    pull(source)
    department.pages[SECOND] = json_page([row(2)], FIRST)
    run = pull(source)
    assert (run.status, run.error_code, source.cursor, run.cursor_after) == (
        "failed",
        "cursor_backwards",
        SECOND,
        SECOND,
    )
    assert "拒绝回退游标" in run.error
    assert not CreditRecord.objects.filter(source_key="通市监罚〔2026〕2号").exists()
    assert Notification.objects.filter(recipient=scjgj_staff, title__contains="数据库对接异常").count() == 1


def test_a_page_that_says_more_without_moving_the_cursor_stops(source, department):
    department.pages[""] = json_page([row(1)], FIRST, has_more=True)
    department.pages[FIRST] = json_page([row(2)], FIRST, has_more=True)
    run = pull(source)
    assert (run.status, run.error_code, run.pages, source.cursor) == ("failed", "cursor_stuck", 1, FIRST)


def test_rejected_rows_are_logged_with_their_numbers_and_the_rest_stored(source, department, scjgj_staff):
    department.pages[""] = json_page(
        [row(1), row(2, decision_date="2026-13-01"), row(3, name="含\x00空字符"), row(1), row(4, penalty_type={})],
        FIRST,
    )
    run = pull(source)
    assert (run.status, run.created_count, run.rejected_count, source.cursor) == ("partial", 1, 4, FIRST)
    errors = {(e.page, e.row_number, e.column): e.message for e in run.row_errors.all()}
    assert (1, 2, "处罚决定日期") in errors
    assert "空字符" in errors[(1, 3, "主体名称")]
    assert "与本页第1行的业务编号相同" in errors[(1, 4, "业务编号")]
    assert "收到对象" in errors[(1, 5, "处罚类别")]
    assert Notification.objects.filter(recipient=scjgj_staff).count() == 1


def test_formula_like_text_is_stored_as_text_as_other_channels_do(source, department):
    department.pages[""] = json_page([row(1, name='=HYPERLINK("http://x")有限公司')], FIRST)
    assert pull(source).created_count == 1
    assert CreditRecord.objects.get().subject.name == '=HYPERLINK("http://x")有限公司'


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(source, department):
    department.pages[""] = json_page([row(1), row(2)], FIRST, has_more=True)
    department.pages[FIRST] = json_page([row(3)], SECOND)
    from collection.services.batch import BatchWriter

    real_store = BatchWriter.store
    calls = []

    def dies_on_second_page(self, rows):
        calls.append(1)
        if len(calls) == 2:
            raise SystemExit("worker killed")  # not an Exception: nothing of the run's cleanup runs
        return real_store(self, rows)

    with mock.patch.object(BatchWriter, "store", dies_on_second_page), pytest.raises(SystemExit):
        run_pull(source_id=source.pk)
    source.refresh_from_db()
    assert source.cursor == FIRST and CreditRecord.objects.count() == 2  # page 1 committed with its cursor
    assert run_pull(source_id=source.pk) is None  # the dead run still holds the lease
    PullSource.objects.filter(pk=source.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    run = pull(source)
    assert (run.status, run.created_count, run.cursor_before, source.cursor) == ("succeeded", 1, FIRST, SECOND)
    assert CreditRecord.objects.count() == 3
    assert PullRun.objects.get(status="interrupted").pages == 1


def test_the_sweep_queues_due_enabled_sources_once(source, department, django_capture_on_commit_callbacks):
    department.pages[""] = json_page([row(1)], FIRST)
    disabled = make_source(source.provider, department.url)
    PullSource.objects.filter(pk=disabled.pk).update(enabled=False)
    with mock.patch("collection.tasks.pull_source.delay") as delay, django_capture_on_commit_callbacks(execute=True):
        assert sweep_pull_sources() == 1
        assert sweep_pull_sources() == 0  # not due again before its interval
    delay.assert_called_once_with(source.pk, "schedule", None)


def test_a_disabled_source_is_not_pulled_on_schedule(source, department):
    PullSource.objects.filter(pk=source.pk).update(enabled=False)
    assert run_pull(source_id=source.pk) is None
    department.pages[""] = json_page([], "")
    assert run_pull(source_id=source.pk, trigger="manual").status == "succeeded"


def test_an_item_the_provider_no_longer_supplies_fails_clearly(source, department):
    PullSource.objects.filter(pk=source.pk).update(item_code="no_such_item")
    run = pull(source)
    assert run.error_code == "not_responsible" and department.requests == []
