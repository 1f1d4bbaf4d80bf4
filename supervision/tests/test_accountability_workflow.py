"""An accountability case through its steps: allowed and refused transitions, the letter (PDF text
and fonts, archive entry), notifications and emails, audit events, and the deadline sweep."""

import datetime as dt

import pytest
from freezegun import freeze_time

from audit.models import ArchiveEntry, AuditEvent
from inquiry.tests.report_support import pdf_fonts, pdf_text
from nantong_credit.models import Notification
from supervision.accountability import deadlines
from supervision.accountability.models import AccountabilityCase
from supervision.accountability.services import (
    AccountabilityError,
    close_case,
    issue_letter,
    respond_to_case,
    withdraw_case,
)

from .support import open_case, record

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 10, 12, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # a Monday
Status = AccountabilityCase.Status


@pytest.fixture
def case(commission, scjgj, penalty, company):
    record(penalty, company, received=dt.date(2026, 9, 10), due=dt.date(2026, 9, 1), source_key="通市监罚〔2026〕77号")
    with freeze_time(NOW):
        return open_case(commission, scjgj, date_from=dt.date(2026, 9, 1), date_to=dt.date(2026, 9, 30))


def letter_bytes(case) -> bytes:
    with case.letter.file.open("rb") as stream:
        return stream.read()


def events(case) -> list[str]:
    found = AuditEvent.objects.filter(object_type="supervision.accountabilitycase", object_id=str(case.pk))
    return list(found.order_by("pk").values_list("action", flat=True))


@freeze_time(NOW)
def test_opening_is_audited_and_tells_the_provider_nothing(case, scjgj_staff):
    assert case.status == Status.DRAFT and case.number.startswith("ZR-2026-")
    assert events(case) == ["accountability.open"]
    assert not Notification.objects.filter(recipient=scjgj_staff).exists()


@freeze_time(NOW)
def test_issuing_generates_the_numbered_archived_letter(case, commission, scjgj, tmp_path):
    case = issue_letter(case=case, actor=commission)
    letter = case.letter
    assert case.status == Status.ISSUED and letter.number == "通工信督〔2026〕001"
    # 10 working days after Monday 12 October: Monday 26 October, to its 24:00.
    assert case.response_due_at == dt.datetime(2026, 10, 27, 0, 0, tzinfo=NOW.tzinfo)
    content = letter_bytes(case)
    text = pdf_text(content, tmp_path).replace(" ", "").replace("\n", "")
    for expected in (
        "督办函",
        "通工信督〔2026〕001号",
        scjgj.name,
        "逾期报送信用记录1条",
        "通市监罚",
        "南通海晟",
        "2026-09-01",
        "2026-09-10",
        "第二十二条",
        "2026年10月26日24:00前",
    ):
        assert expected in text, expected
    fonts = pdf_fonts(content, tmp_path)
    names = " ".join(f["name"] for f in fonts)
    assert "Noto-Sans-CJK-SC" in names and "Noto-Serif-CJK-SC" in names, names
    assert all(f["emb"] == "yes" for f in fonts)
    entry = ArchiveEntry.objects.get(object_id=str(letter.pk))
    assert entry.kind == ArchiveEntry.Kind.OFFICIAL_DOCUMENT and entry.retention_years is None
    assert entry.sha256 == letter.sha256 and entry.number == letter.archive_number
    assert "通工信督〔2026〕001" in entry.title
    assert events(case) == ["accountability.open", "accountability.issue"]


@freeze_time(NOW)
def test_the_provider_is_told_by_inbox_and_email(
    case, commission, scjgj_staff, rsj_staff, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issue_letter(case=case, actor=commission)
    message = Notification.objects.get(recipient=scjgj_staff)
    assert "督办函" in message.title and "2026年10月26日" in message.body
    assert not Notification.objects.filter(recipient=rsj_staff).exists()
    assert [m.to for m in mailoutbox] == [["bob@scjgj.example"]]


@freeze_time(NOW)
def test_respond_then_close(
    case, commission, scjgj_staff, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    issue_letter(case=case, actor=commission)
    with django_capture_on_commit_callbacks(execute=True):
        case = respond_to_case(case=case, actor=scjgj_staff, response="已整改，对经办人员通报批评。", attachments=[])
    assert case.status == Status.RESPONDED and case.responded_by == scjgj_staff
    assert Notification.objects.filter(recipient=commission, title__contains=case.number).exists()
    assert "alice@gxj.example" in [m.to[0] for m in mailoutbox]
    with django_capture_on_commit_callbacks(execute=True):
        case = close_case(case=case, actor=commission, outcome="rectify", conclusion="责令整改，三个月后复查。")
    assert case.status == Status.CLOSED and case.outcome == "rectify"
    assert Notification.objects.filter(recipient=scjgj_staff, title__contains="已办结").exists()
    assert events(case) == [
        "accountability.open",
        "accountability.issue",
        "accountability.respond",
        "accountability.close",
    ]


@freeze_time(NOW)
def test_refused_transitions(case, commission, scjgj_staff, rsj_staff):
    with pytest.raises(AccountabilityError, match="草稿"):
        respond_to_case(case=case, actor=scjgj_staff, response="答复", attachments=[])
    with pytest.raises(AccountabilityError):
        close_case(case=case, actor=commission, outcome="rectify", conclusion="结论")
    issue_letter(case=case, actor=commission)
    with pytest.raises(AccountabilityError, match="不能印发督办函"):
        issue_letter(case=case, actor=commission)
    with pytest.raises(AccountabilityError, match="答复期限届满前不能作出结论"):
        close_case(case=case, actor=commission, outcome="referred", conclusion="结论")
    with pytest.raises(AccountabilityError, match="南通市市场监督管理局的工作人员"):
        respond_to_case(case=case, actor=rsj_staff, response="答复", attachments=[])
    respond_to_case(case=case, actor=scjgj_staff, response="答复", attachments=[])
    with pytest.raises(AccountabilityError, match="不能答复"):
        respond_to_case(case=case, actor=scjgj_staff, response="再答复", attachments=[])
    with pytest.raises(AccountabilityError, match="不能撤销"):
        withdraw_case(case=case, actor=commission, reason="理由")
    case.refresh_from_db()
    assert case.status == Status.RESPONDED


@freeze_time(NOW)
def test_withdrawing_a_draft_tells_nobody(case, commission, scjgj_staff):
    case = withdraw_case(case=case, actor=commission, reason="数据核实有误")
    assert case.status == Status.WITHDRAWN
    assert not Notification.objects.filter(recipient=scjgj_staff).exists()
    with pytest.raises(AccountabilityError):
        issue_letter(case=case, actor=commission)


def test_the_sweep_reminds_once_and_marks_overdue_once(case, commission, scjgj_staff):
    with freeze_time(NOW):
        issue_letter(case=case, actor=commission)
    with freeze_time("2026-10-21 09:00:00+08:00"):  # Wednesday: 4 working days left
        assert deadlines.sweep() == {"reminded": 0, "overdue": 0}
    with freeze_time("2026-10-22 09:00:00+08:00"):  # Thursday: 3 left
        assert deadlines.sweep() == {"reminded": 1, "overdue": 0}
        assert deadlines.sweep() == {"reminded": 0, "overdue": 0}
    assert Notification.objects.filter(recipient=scjgj_staff, title__contains="期限提醒").count() == 1
    with freeze_time("2026-10-27 00:05:00+08:00"):
        assert deadlines.sweep() == {"reminded": 0, "overdue": 1}
        assert deadlines.sweep() == {"reminded": 0, "overdue": 0}
        case.refresh_from_db()
        assert case.overdue_at is not None and case.status == Status.ISSUED
        assert Notification.objects.filter(recipient=commission, title__contains="逾期未答复").count() == 1
        # Unanswered past its deadline: the commission may conclude.
        case = close_case(case=case, actor=commission, outcome="referred", conclusion="逾期未答复，提请追责。")
    assert case.status == Status.CLOSED
    assert "accountability.overdue" in AuditEvent.objects.values_list("action", flat=True)


def test_a_provisional_deadline_is_not_marked_overdue(commission, scjgj, catalog):
    """A response period reaching 2027, whose holiday notice is not entered, may still move later
    (SPEC §4): when it seems to have passed, nothing is marked overdue and the commission waits."""
    with freeze_time("2026-12-21 10:00:00+08:00"):
        case = open_case(commission, scjgj, date_from=dt.date(2026, 9, 1), date_to=dt.date(2026, 11, 30))
        case = issue_letter(case=case, actor=commission)
    with freeze_time(case.response_due_at + dt.timedelta(days=2)):
        assert deadlines.sweep()["overdue"] == 0
        case.refresh_from_db()
        assert case.overdue_at is None
        with pytest.raises(AccountabilityError, match="答复期限届满前不能作出结论"):
            close_case(case=case, actor=commission, outcome="referred", conclusion="结论")
