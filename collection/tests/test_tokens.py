import datetime as dt
import hashlib
import json
from io import StringIO

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from freezegun import freeze_time

from audit.models import AuditEvent
from collection.models import ApiToken
from collection.services.tokens import TokenAlreadyRevoked, authenticate_api_key, create_api_token, revoke_api_token

pytestmark = pytest.mark.django_db


def test_it_creates_a_token_and_stores_only_the_hash(scjgj, scjgj_staff):
    token, key = create_api_token(provider=scjgj, name="行政处罚办案系统", actor=scjgj_staff)
    assert len(key) >= 40
    row = ApiToken.objects.values().get(pk=token.pk)
    assert row["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert row["prefix"] == key[:8]
    assert key not in json.dumps(row, default=str)
    assert token.created_by == scjgj_staff
    event = AuditEvent.objects.get(action="apitoken.create")
    assert event.actor == scjgj_staff and event.after == {
        "provider": "scjgj",
        "name": "行政处罚办案系统",
        "prefix": key[:8],
    }
    assert key not in json.dumps([event.summary, event.after], ensure_ascii=False)


def test_it_authenticates_an_active_key_only(scjgj, scjgj_staff):
    token, key = create_api_token(provider=scjgj, name="对接")
    assert authenticate_api_key(key) == token
    assert authenticate_api_key(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert authenticate_api_key("") is None
    revoke_api_token(token=token, actor=scjgj_staff)
    assert authenticate_api_key(key) is None
    assert AuditEvent.objects.filter(action="apitoken.revoke", object_id=str(token.pk)).exists()


def test_a_key_of_a_disabled_provider_stops_working(scjgj):
    _token, key = create_api_token(provider=scjgj, name="对接")
    scjgj.is_active = False
    scjgj.save()
    assert authenticate_api_key(key) is None


def test_revoking_twice_is_refused(scjgj, scjgj_staff):
    token, _key = create_api_token(provider=scjgj, name="对接")
    revoke_api_token(token=token, actor=scjgj_staff)
    with pytest.raises(TokenAlreadyRevoked):
        revoke_api_token(token=token, actor=scjgj_staff)
    assert AuditEvent.objects.filter(action="apitoken.revoke").count() == 1


def test_last_use_is_written_at_most_once_a_minute(scjgj):
    token, key = create_api_token(provider=scjgj, name="对接")
    with freeze_time("2026-05-08 10:00:00"):
        authenticate_api_key(key)
    with freeze_time("2026-05-08 10:00:50"):
        authenticate_api_key(key)
    token.refresh_from_db()
    assert token.last_used_at == dt.datetime(2026, 5, 8, 10, 0, tzinfo=dt.UTC)
    with freeze_time("2026-05-08 10:01:05"):
        authenticate_api_key(key)
    token.refresh_from_db()
    assert token.last_used_at == dt.datetime(2026, 5, 8, 10, 1, 5, tzinfo=dt.UTC)


def test_the_command_prints_a_working_key_alone(scjgj):
    out, err = StringIO(), StringIO()
    call_command("create_api_token", "--provider", "scjgj", "--name", "数据交换平台", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert out.getvalue().count("\n") == 1 and " " not in key
    token = authenticate_api_key(key)
    assert token is not None and (token.provider, token.name) == (scjgj, "数据交换平台")
    assert "只显示这一次" in err.getvalue() and key not in err.getvalue()


def test_the_command_names_a_token_by_default(scjgj):
    out = StringIO()
    with freeze_time("2026-05-08 10:00"):
        call_command("create_api_token", "--provider", "scjgj", stdout=out, stderr=StringIO())
    assert authenticate_api_key(out.getvalue().strip()).name == "命令行创建 2026-05-08"


def test_the_command_refuses_an_unknown_provider(scjgj):
    with pytest.raises(CommandError) as error:
        call_command("create_api_token", "--provider", "nope", stdout=StringIO(), stderr=StringIO())
    assert "没有单位代码为“nope”的信息提供主体" in str(error.value) and "scjgj" in str(error.value)
    assert not ApiToken.objects.exists()


def test_the_command_exits_non_zero_for_an_unknown_provider(scjgj, capsys):
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "create_api_token", "--provider", "nope"]).execute()
    assert exit_info.value.code != 0
    captured = capsys.readouterr()
    assert captured.out == "" and "没有单位代码为“nope”" in captured.err


def test_the_command_refuses_a_disabled_provider(scjgj):
    scjgj.is_active = False
    scjgj.save()
    with pytest.raises(CommandError) as error:
        call_command("create_api_token", "--provider", "scjgj", stdout=StringIO(), stderr=StringIO())
    assert "已停用" in str(error.value)
