import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction

from audit.context import current_ip
from audit.models import AuditChainHead, AuditEvent
from audit.services import GENESIS_HASH, event_hash, record_event

from .factories import AuditEventFactory, make_chain

pytestmark = pytest.mark.django_db


def test_it_appends_events_linked_by_hash():
    first, second, third = make_chain(3)

    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert list(AuditEvent.objects.order_by("id").values_list("pk", flat=True)) == [first.pk, second.pk, third.pk]
    head = AuditChainHead.objects.get()
    assert (head.last_event_id, head.last_hash) == (third.pk, third.hash)


def test_it_records_who_did_what_to_which_object(catalog_admin):
    with transaction.atomic():
        event = record_event(
            action="catalog.publish",
            actor=catalog_admin,
            obj=catalog_admin,
            summary="发布目录第 3 版",
            before={"状态": "草稿"},
            after={"状态": "已发布"},
            ip_address="10.32.6.15",
        )

    event.refresh_from_db()
    assert event.actor_id == catalog_admin.pk
    assert event.actor_label == "alice"
    assert (event.object_type, event.object_id) == ("core.user", str(catalog_admin.pk))
    assert event.after == {"状态": "已发布"}
    assert event.ip_address == "10.32.6.15"


def test_it_refuses_to_run_outside_a_transaction():
    # The test's own transaction does not count: a service that forgot `transaction.atomic()`
    # must fail here exactly as it would in production.
    with pytest.raises(RuntimeError, match="inside the transaction"):
        record_event(action="catalog.publish", object_type="catalog.catalogversion", object_id="1")

    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_run_in_autocommit_mode():
    with pytest.raises(RuntimeError):
        record_event(action="catalog.publish", object_type="catalog.catalogversion", object_id="1")

    with transaction.atomic():
        event = record_event(action="catalog.publish", object_type="catalog.catalogversion", object_id="1")
    assert AuditEvent.objects.get().pk == event.pk


def test_it_rolls_back_with_the_change_it_describes():
    kept = AuditEventFactory()

    with pytest.raises(ZeroDivisionError), transaction.atomic():
        record_event(action="catalog.publish", object_type="catalog.catalogversion", object_id="2")
        raise ZeroDivisionError("the change fails after its event was written")

    assert list(AuditEvent.objects.all()) == [kept]
    assert AuditChainHead.objects.get().last_hash == kept.hash
    assert AuditEventFactory().prev_hash == kept.hash


def test_it_costs_two_statements_on_postgresql_once_the_chain_exists(django_assert_num_queries):
    AuditEventFactory()
    # Lock the head; insert and move the head in one statement (SQLite: in two).
    statements = 2 if connection.vendor == "postgresql" else 3

    with transaction.atomic(), django_assert_num_queries(statements):
        event = record_event(action="inquiry.query", object_type="collection.subject", object_id="7")

    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.hash, stored.prev_hash, stored.occurred_at) == (event.hash, event.prev_hash, event.occurred_at)
    assert AuditChainHead.objects.get().last_event_id == event.pk


def test_its_hash_survives_a_database_round_trip():
    awkward = {
        "行政相对人名称": "南通市崇川区海豚湾餐饮有限公司",
        "罚款金额(万元)": Decimal("12.50"),
        "决定日期": dt.date(2026, 3, 31),
        "录入时间": dt.datetime(2026, 4, 1, 9, 30, 15, 123456, tzinfo=dt.UTC),
        "处罚类别": ["警告", "罚款"],
        "嵌套": {"层级": [1, 2.5, {"更深": None, "真": True}], "空": {}},
        "大数": 1e20,
        "极小": 1e-7,
        "负零": -0.0,
        "整数": 12345678901234567890,
        "引号与换行": 'a "quoted"\nline \\ \t 😀',
    }
    with transaction.atomic():
        event = record_event(
            action="collection.submit_record",
            object_type="collection.creditrecord",
            object_id="42",
            summary="报送行政处罚信息",
            before=None,
            after=awkward,
            ip_address="::FFFF:10.0.0.1",
        )

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.hash == event.hash
    assert event_hash(stored) == stored.hash
    assert stored.after["罚款金额(万元)"] == "12.50"
    assert stored.after["决定日期"] == "2026-03-31"
    assert stored.after["嵌套"]["层级"][1] == 2.5


def test_it_keeps_ipv6_addresses_in_the_form_the_database_returns():
    with transaction.atomic():
        event = record_event(action="inquiry.query", object_type="x", ip_address="2001:0DB8:0000::0001")

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.ip_address == "2001:db8::1"
    assert event_hash(stored) == stored.hash


def test_it_takes_the_address_of_the_request_being_served():
    token = current_ip.set("192.0.2.7")
    try:
        event = AuditEventFactory(ip_address=None)
    finally:
        current_ip.reset(token)

    assert AuditEvent.objects.get(pk=event.pk).ip_address == "192.0.2.7"


def test_it_drops_a_malformed_address_instead_of_failing_the_change():
    event = AuditEventFactory(ip_address="unknown, 10.0.0.1")

    assert AuditEvent.objects.get(pk=event.pk).ip_address is None


def test_it_labels_anonymous_visitors_and_system_actors():
    visitor = AuditEventFactory(actor=AnonymousUser())
    sweep = AuditEventFactory(actor="task:objections.sweep")

    assert (visitor.actor_id, visitor.actor_label, visitor.actor_display) == (None, "anonymous", "匿名访问者")
    assert (sweep.actor_id, sweep.actor_label) == (None, "task:objections.sweep")
    assert AuditEventFactory().actor_display == "系统"


def test_it_refuses_values_no_json_column_can_store():
    with pytest.raises(ValueError), transaction.atomic():
        record_event(action="x", object_type="x", after={"amount": float("nan")})
