"""A refused request is logged as one line saying who asked for what, never a traceback (issue 12)."""

import logging

from django.test import Client

from nantong_credit import roles

# What production's handler prints (settings.LOGGING "plain", without the time).
FORMAT = logging.Formatter("%(levelname)s %(name)s %(message)s")


def lines_of(caplog, logger: str) -> list[str]:
    return [FORMAT.format(record) for record in caplog.records if record.name == logger]


def test_a_page_refused_to_a_signed_in_user_is_one_line(client, user_with_role, caplog):
    requester = user_with_role("wangyf", roles.REQUESTER)
    client.force_login(requester)
    with caplog.at_level(logging.WARNING):
        response = client.get("/office/audit/", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403
    assert lines_of(caplog, "django.request") == [
        f"WARNING django.request Forbidden (Permission denied): /office/audit/ [GET user={requester.pk} client=203.0.113.9]"
    ]
    caplog.clear()
    with caplog.at_level(logging.WARNING):  # other refusals keep Django's line
        assert client.get("/office/no-such-page/").status_code == 404
    assert lines_of(caplog, "django.request") == ["WARNING django.request Not Found: /office/no-such-page/"]


def test_a_refused_form_without_csrf_token_is_one_line(db, caplog):
    with caplog.at_level(logging.WARNING):
        response = Client(enforce_csrf_checks=True).post(
            "/accounts/login/", {"username": "x"}, REMOTE_ADDR="198.51.100.4"
        )
    assert response.status_code == 403
    assert lines_of(caplog, "django.security.csrf") == [
        "WARNING django.security.csrf Forbidden (CSRF cookie not set.): /accounts/login/ [POST user=- client=198.51.100.4]"
    ]
