"""Read replicas against a real streaming standby (issue 13 §2): public pages read from the
replica, a client that wrote reads its write from the primary on any node, and a replica that
is stopped or lags is passed over without an error and used again when it is back.

The standby streams from the test database's server, so rows must really be committed:
transactional tests only. Which database served a page is proved by replication itself: with
replay paused, a row committed on the primary is missing on the replica.
"""

import logging
import time

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from collection.models import Subject
from collection.selectors import clear_published_items_cache
from collection.tests.api_support import COMPANY, Api, new_key, penalty_body
from collection.tests.factories import ProviderFactory, publish_test_catalog
from inquiry.models import QueryLog
from nantong_credit import db_routers, replica_health
from nantong_credit.read_your_writes import PIN_COOKIE
from nantong_credit.settings import replica_database

from .streaming_replica import StreamingReplica, binaries_major, cannot_run, unavailable_reason

ALIAS = "replica_0"
# Committed rows (the standby streams only those); the replica is a test mirror of default, so
# it is declared without being flushed.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, databases=["default", ALIAS])]

SUBJECT_PAGE = f"/subjects/{COMPANY}/"


@pytest.fixture(scope="session")
def standby(django_db_setup, django_db_blocker):
    """One standby for the session, taken after the test database exists, and its alias
    `replica_0` configured as DATABASE_REPLICA_URLS would (before any test declares it)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    reason = unavailable_reason()
    if reason:
        cannot_run(reason)
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        primary_major = int(cursor.fetchone()[0]) // 10000
    if primary_major != binaries_major():
        cannot_run(f"the primary runs PostgreSQL {primary_major}, the binaries in PG_BIN are {binaries_major()}")
    replica = StreamingReplica(dict(connection.settings_dict))
    replica.create()
    default = dict(connection.settings_dict)
    django_settings.DATABASES[ALIAS] = connections.configure_settings(  # with Django's defaults
        {"default": default, ALIAS: replica_database(replica.url(), default)}
    )[ALIAS]
    yield replica
    connections[ALIAS].close()
    del connections[ALIAS]
    del django_settings.DATABASES[ALIAS]
    replica.delete()


@pytest.fixture
def replica(standby, settings):
    """Public reads routed to the standby (the conftest turns routing off for other tests)."""
    if not (standby.data / "postmaster.pid").exists():
        standby.start()  # a test that stopped it failed before starting it again
    standby.resume_replay()
    settings.READ_REPLICA_ALIASES = [ALIAS]
    settings.REPLICA_MAX_LAG_SECONDS = 3600  # tests that want lag say so
    settings.READ_YOUR_WRITES_SECONDS = 3
    replica_health.forget()
    clear_published_items_cache()
    yield standby
    standby.resume_replay()
    connections[ALIAS].close()
    replica_health.forget()
    clear_published_items_cache()


@pytest.fixture
def department(replica):
    """市场监管局's case system with a key, the catalog published; all of it on the replica."""
    provider = ProviderFactory(code="scjgj", name="南通市市场监督管理局")
    publish_test_catalog(provider)
    api = Api(Client(), new_key(provider))
    replica.wait_until_caught_up()
    return api


def visitor(address: str = "10.0.0.7") -> Client:
    """An anonymous visitor with a browser of its own (no cookies yet)."""
    return Client(REMOTE_ADDR=address)


def served_from_replica(client: Client, url: str) -> tuple[int, bool]:
    """The page's status, and whether the replica answered any of its queries (other than the
    router's health check)."""
    with CaptureQueriesContext(connections[ALIAS]) as on_replica:
        response = client.get(url)
    return response.status_code, any(query["sql"] != replica_health.LAG_SQL for query in on_replica)


def test_public_pages_are_read_from_the_replica(department, replica):
    department.submit(penalty_body())
    replica.wait_until_caught_up()
    for url in (
        SUBJECT_PAGE,
        f"/subjects/?q={COMPANY}",
        f"/api/v1/subjects/{COMPANY}/",
        "/catalog/",
        "/api/v1/catalog/",
        "/reports/verify/?code=7KQ2-M9XD-4HTB",
        "/",
    ):
        assert served_from_replica(visitor(), url) == (200, True), url


def test_pages_not_opted_in_read_from_the_primary(department, replica):
    """The provider API reads a record the replica has not replayed yet, without the pin."""
    replica.pause_replay()
    record_id = department.submit(penalty_body()).json()["id"]
    department.client = Client()  # the department's next call comes without the pin cookie
    assert department.get(f"/api/v1/records/{record_id}/").status_code == 200
    assert visitor().get(SUBJECT_PAGE).status_code == 404  # what the replica has


def test_the_writer_reads_its_write_on_any_node_while_others_read_the_replica(department, replica):
    replica.pause_replay()
    assert department.submit(penalty_body()).status_code == 201
    pin = department.client.cookies[PIN_COOKIE]

    # The replica has not replayed the record (nor the subject it created): 404 for a visitor.
    assert visitor().get(SUBJECT_PAGE).status_code == 404
    # The department's own next request reads from the primary and sees its record...
    assert department.client.get(SUBJECT_PAGE).status_code == 200
    # ...also on another web node behind the load balancer: a new client with the same cookie.
    other_node = Client(REMOTE_ADDR="10.0.0.8")
    other_node.cookies[PIN_COOKIE] = pin.value
    assert other_node.get(SUBJECT_PAGE).status_code == 200
    # A forged pin counts for nothing.
    forged = visitor()
    forged.cookies[PIN_COOKIE] = "1:forged:signature"
    assert forged.get(SUBJECT_PAGE).status_code == 404

    time.sleep(3.5)  # READ_YOUR_WRITES_SECONDS passed: the signed time says so on every node
    assert other_node.get(SUBJECT_PAGE).status_code == 404

    replica.resume_replay()
    replica.wait_until_caught_up()
    assert served_from_replica(visitor(), SUBJECT_PAGE) == (200, True)


def test_a_page_that_writes_pins_the_client(department, replica, django_user_model):
    """A signed-in visitor's subject page writes the query log (Art. 11): the next pages of that
    client read from the primary. Who is signed in is read from the primary too: the session
    written after replay stopped is found."""
    department.submit(penalty_body())
    replica.wait_until_caught_up()
    replica.pause_replay()
    erin = visitor()
    erin.force_login(django_user_model.objects.create_user(username="erin", password="Nt-test-password-1"))

    first = erin.get(SUBJECT_PAGE)
    assert first.status_code == 200 and PIN_COOKIE in first.cookies
    assert QueryLog.objects.filter(actor__username="erin").count() == 1
    assert served_from_replica(erin, SUBJECT_PAGE) == (200, False)
    assert served_from_replica(visitor(), SUBJECT_PAGE) == (200, True)


def test_a_lagging_replica_is_passed_over_until_it_catches_up(department, replica, settings, caplog):
    settings.REPLICA_MAX_LAG_SECONDS = 1
    replica.pause_replay()
    department.submit(penalty_body())
    time.sleep(1.5)
    replica_health.forget()

    with caplog.at_level(logging.WARNING, logger="nantong_credit.replica_health"):
        for _ in range(3):
            assert served_from_replica(visitor(), SUBJECT_PAGE) == (200, False)  # the primary has it
        ready = Client().get("/readyz")
    assert ready.status_code == 200 and ready.json()["replicas"] == {ALIAS: "lagging"}
    assert [r.getMessage() for r in caplog.records] == [
        f"read replica {ALIAS} is lagging: public reads go to the primary"
    ]

    replica.resume_replay()
    replica.wait_until_caught_up()
    wait_for_replica_reads(SUBJECT_PAGE)
    assert Client().get("/readyz").json()["replicas"] == {ALIAS: "ok"}


def test_a_stopped_replica_is_passed_over_without_an_error_and_used_again(department, replica, caplog):
    department.submit(penalty_body())
    department.client = Client()
    replica.wait_until_caught_up()
    assert served_from_replica(visitor(), SUBJECT_PAGE) == (200, True)  # a connection to it is open

    replica.stop()
    with caplog.at_level(logging.WARNING, logger="nantong_credit.replica_health"):
        # The check still says "ok" for a moment: the query fails on the replica, and the page
        # is served again from the primary. The test client would raise on a server error.
        for url in (SUBJECT_PAGE, f"/api/v1/subjects/{COMPANY}/", f"/subjects/?q={COMPANY}"):
            assert visitor().get(url).status_code == 200, url
        time.sleep(django_settings.REPLICA_CHECK_SECONDS)
        assert visitor().get(SUBJECT_PAGE).status_code == 200  # checked again: still down
        ready = Client().get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    assert ready.json()["replicas"] == {ALIAS: "unavailable"}
    assert [r.getMessage() for r in caplog.records] == [
        f"read replica {ALIAS} is unavailable: public reads go to the primary"
    ]

    caplog.clear()
    replica.start()
    with caplog.at_level(logging.WARNING, logger="nantong_credit.replica_health"):
        wait_for_replica_reads(SUBJECT_PAGE)
    assert Client().get("/readyz").json()["replicas"] == {ALIAS: "ok"}
    assert [r.getMessage() for r in caplog.records] == [f"read replica {ALIAS} is ok again: public reads go to it"]


def test_reads_after_a_write_in_a_transaction_or_outside_requests_use_the_primary(department, replica):
    department.submit(penalty_body())
    replica.wait_until_caught_up()
    token = db_routers.begin(db_routers.Route(replica_allowed=True))  # as on a public page
    try:
        subject = Subject.objects.get(code=COMPANY)
        assert subject._state.db == ALIAS
        with transaction.atomic():
            assert Subject.objects.all().db == "default"
        ProviderFactory(code="rsj", name="南通市人力资源和社会保障局")  # the request writes
        assert Subject.objects.all().db == "default"
        # Not even through an object read from the replica before the write.
        assert subject.records.all().db == "default"
    finally:
        db_routers.end(token)
    # No request (a Celery task, a management command): the primary.
    assert Subject.objects.all().db == "default"


def wait_for_replica_reads(url: str, timeout: float = 15.0) -> None:
    """A replica that is back is used again within a check or two."""
    deadline = time.monotonic() + timeout
    attempt = 0
    while time.monotonic() < deadline:
        attempt += 1
        status, replica_used = served_from_replica(visitor(f"10.0.1.{attempt}"), url)  # under the rate limit
        assert status == 200
        if replica_used:
            return
        time.sleep(0.25)
    raise AssertionError(f"{url} still read from the primary after {timeout} s")


def test_a_restarted_replica_that_has_replayed_everything_is_used_with_no_new_commit(department, replica, settings):
    """After a restart the receiver reports the segment start it streams from, behind what the
    standby replayed from its own WAL; with no commit since (an idle primary, as at night or in
    the topology test's read-only traffic) the last replayed commit's age says nothing."""
    replica.wait_until_caught_up()
    replica.stop()
    replica.start()
    settings.REPLICA_MAX_LAG_SECONDS = 2
    time.sleep(settings.REPLICA_MAX_LAG_SECONDS + 1)  # older than the limit, had anything committed

    deadline = time.monotonic() + 20
    while (state := replica_health.probe(ALIAS)) != replica_health.OK and time.monotonic() < deadline:
        time.sleep(0.5)
    assert state == replica_health.OK
