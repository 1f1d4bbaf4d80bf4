"""`manage.py verify_audit_chain`: exit status 0 when intact, non-zero naming the broken event."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from .factories import make_chain
from .tampering import delete_events, edit_event

pytestmark = pytest.mark.django_db


def test_it_reports_an_intact_chain():
    make_chain(4)
    out = StringIO()

    call_command("verify_audit_chain", stdout=out)

    assert "已核验 4 个审计事件，审计链完整。" in out.getvalue()


def test_it_fails_naming_an_edited_event():
    events = make_chain(4)
    edit_event(events[1].pk, actor_label="someone_else")

    with pytest.raises(CommandError, match=f"事件 #{events[1].pk} 的内容与其哈希不符（记录被修改）"):
        call_command("verify_audit_chain")


def test_it_fails_naming_the_event_after_a_deleted_one():
    events = make_chain(4)
    delete_events(events[1].pk)

    with pytest.raises(CommandError, match=f"事件 #{events[2].pk} 之前的事件缺失或被改动"):
        call_command("verify_audit_chain", chunk_size=1)


def test_it_exits_with_status_1_from_the_command_line(capsys):
    events = make_chain(3)
    delete_events(events[2].pk)

    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "verify_audit_chain"])

    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "最新事件被删除" in err and "tail_missing" in err


def test_it_exits_with_status_0_from_the_command_line(capsys):
    make_chain(2)

    try:
        execute_from_command_line(["manage.py", "verify_audit_chain", "--verbosity", "2", "--chunk-size", "1"])
    except SystemExit as exit_:  # argparse/Django only exit on errors
        assert exit_.code in (0, None)

    captured = capsys.readouterr()
    assert "OK" in captured.out and "审计链完整" in captured.out
    assert "已核验 1 个事件" in captured.err  # progress at verbosity 2


def test_it_refuses_a_chunk_size_below_one():
    with pytest.raises(CommandError, match="--chunk-size"):
        call_command("verify_audit_chain", chunk_size=0)
