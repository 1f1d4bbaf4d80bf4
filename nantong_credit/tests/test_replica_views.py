"""The views opted in to replica reads (`db_routers.REPLICA_READ_VIEWS`) are named by strings: a
renamed or mistyped name would silently send that page back to the primary."""

from nantong_credit.db_routers import REPLICA_READ_VIEWS

from .url_walk import all_routes


def test_every_replica_read_view_names_a_url():
    names = {route.name for route in all_routes()}
    assert sorted(REPLICA_READ_VIEWS - names) == []


def test_the_public_lists_read_from_a_replica():
    assert {"lists:index", "lists:dishonesty", "lists:red"} <= REPLICA_READ_VIEWS
