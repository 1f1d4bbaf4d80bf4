"""The daily warning to calendar managers while a coming year's holidays are unknown."""

import logging
import smtplib

import pytest
from freezegun import freeze_time

from nantong_credit import roles
from nantong_credit.calendar_services import enter_holiday_notice
from nantong_credit.tasks import warn_about_unknown_holiday_years

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(user_with_role, django_user_model):
    """Who should and should not be mailed."""
    return {
        "manager": user_with_role("alice", roles.CATALOG_ADMIN, email="alice@jxw.nantong.gov.cn"),
        "root": django_user_model.objects.create_superuser("root", "root@credit.nantong.gov.cn", "Nt-test-password-1"),
        "staff": user_with_role("bob", roles.PROVIDER_STAFF, email="bob@scjgj.nantong.gov.cn"),
        "clerk": user_with_role("carol", roles.CENTER_CLERK, email="carol@credit.nantong.gov.cn"),
        "left": user_with_role("dave", roles.CATALOG_ADMIN, email="dave@jxw.nantong.gov.cn", is_active=False),
        "no_mail": user_with_role("erin", roles.CATALOG_ADMIN),
    }


@freeze_time("2026-11-27 00:00:00")
def test_it_mails_every_calendar_manager_in_chinese(people, mailoutbox, caplog):
    caplog.set_level(logging.WARNING, logger="nantong_credit.tasks")
    result = warn_about_unknown_holiday_years()
    assert result == {"years": [2027], "mailed": 2}
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@jxw.nantong.gov.cn", "root@credit.nantong.gov.cn"]
    assert all(len(m.to) == 1 for m in mailoutbox)  # nobody sees the others' addresses
    message = mailoutbox[0]
    assert message.subject == "【南通信用网】工作日日历缺少2027年法定节假日安排"
    assert "周末休息" in message.body and "/office/calendar/" in message.body
    assert any(r.levelno == logging.WARNING and "2027" in r.getMessage() for r in caplog.records)


def test_it_mails_at_most_once_a_day_per_year(people, mailoutbox):
    with freeze_time("2026-11-27 00:30:00"):
        warn_about_unknown_holiday_years()
        assert warn_about_unknown_holiday_years() == {"years": [2027], "mailed": 0}
    with freeze_time("2026-11-27 15:59:00"):  # 23:59 in Nantong: still the same day
        warn_about_unknown_holiday_years()
    assert len(mailoutbox) == 2
    with freeze_time("2026-11-27 16:01:00"):  # 00:01 on 28 November in Nantong
        warn_about_unknown_holiday_years()
    assert len(mailoutbox) == 4


def test_it_runs_through_celery(people, mailoutbox, eager_celery):
    with freeze_time("2026-11-27 00:00:00"):
        result = warn_about_unknown_holiday_years.delay()
    assert result.get() == {"years": [2027], "mailed": 2}
    assert len(mailoutbox) == 2


def test_it_stops_once_the_notice_is_entered(people, mailoutbox, caplog, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enter_holiday_notice(
            year=2027,
            title="测试通知",
            document_number="",
            published_on=None,
            text="元旦：1月1日至3日放假",
            actor=people["manager"],
        )
    caplog.set_level(logging.WARNING)
    with freeze_time("2026-11-27 00:00:00"):
        assert warn_about_unknown_holiday_years() == {"years": [], "mailed": 0}
    assert mailoutbox == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_it_stays_quiet_while_this_and_next_year_are_known(people, mailoutbox):
    with freeze_time("2025-06-01 00:00:00"):
        assert warn_about_unknown_holiday_years() == {"years": [], "mailed": 0}
    assert mailoutbox == []


def test_it_tries_again_when_the_mail_server_failed(people, mailoutbox, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server down")

    with freeze_time("2026-11-27 00:00:00"):
        monkeypatch.setattr(EmailBackend, "send_messages", refuse)
        with pytest.raises(smtplib.SMTPServerDisconnected):
            warn_about_unknown_holiday_years()
        monkeypatch.undo()
        assert warn_about_unknown_holiday_years()["mailed"] == 2
    assert len(mailoutbox) == 2


def test_it_logs_an_error_when_nobody_can_be_warned(db, mailoutbox, caplog):
    with freeze_time("2026-11-27 00:00:00"):
        assert warn_about_unknown_holiday_years() == {"years": [2027], "mailed": 0}
    assert any(r.levelno == logging.ERROR and "nobody was warned" in r.getMessage() for r in caplog.records)
