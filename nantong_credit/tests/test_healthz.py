"""`/healthz` answers load balancers: 200 while the database answers, 503 otherwise (SPEC §6)."""

from unittest import mock

import pytest
from django.db import OperationalError, connection


@pytest.mark.django_db
def test_it_says_ok_while_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content.decode().strip() == "ok"
    assert response["Content-Type"].startswith("text/plain")
    # A monitor must see the live state, never a cached answer.
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_answers_503_when_the_database_is_down(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert "ok" not in response.content.decode()


@pytest.mark.django_db
def test_it_needs_no_login(client, settings):
    # Behind the load balancer the check runs without a session, also in production.
    settings.DEBUG = False
    response = client.get("/healthz")
    assert response.status_code == 200
