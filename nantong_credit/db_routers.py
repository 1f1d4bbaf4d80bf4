"""Which database a query goes to: the primary, unless a public read may go to a replica.

A read goes to a replica (`DATABASE_REPLICA_URLS`) only when all of these hold:
- it happens in a request to one of `REPLICA_READ_VIEWS`, by GET or HEAD;
- the client has not written in the last `READ_YOUR_WRITES_SECONDS` (`read_your_writes`), and
  nothing has been written yet in this request;
- it is not inside `transaction.atomic()` on the primary, and the model is not one of the
  sign-in tables (`PRIMARY_ONLY_APPS`, the user model);
- the replica is up and not lagging (`replica_health`).
Everything else, every write, Celery tasks and management commands (no request) use the primary.
A request keeps the replica it first chose, so that one page never mixes two replicas' moments.
"""

from contextvars import ContextVar, Token
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from . import replica_health

# The public pages that may be served from a replica, by URL name (the one place to opt in):
# search, subject and record pages, the public subject API, the catalog, report verification
# the providers' scorecard, the departments' filed rules and the public credit lists. They read
# what providers published; a few seconds' lag there harms nobody.
REPLICA_READ_VIEWS = frozenset(
    {
        "portal:home",
        "subjects:search",
        "subjects:detail",
        "subjects:record",
        "providers:list",
        "providers:detail",
        "filings_public",
        "inquiry_api:subject",
        "catalog:public",
        "catalog_api:catalog",
        "reports:verify",
        "statistics:public",
        "statistics:csv",
        "lists:index",
        "lists:dishonesty",
        "lists:dishonesty_csv",
        "lists:red",
        "lists:red_csv",
    }
)
# Who is signed in (sessions, users), with which second factor, and lock-outs: read from the
# primary even on a public page, so that a login, a logout or a password change counts at once.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "django_otp", "otp_totp", "axes"})


@dataclass
class Route:
    """What this request may read from. `pinned`: the primary only, whatever the view."""

    pinned: bool = False
    replica_allowed: bool = False
    wrote: bool = False
    alias: str | None = None  # the replica this request reads from, once chosen
    view: tuple | None = None  # (view, args, kwargs), to serve again from the primary


_route: ContextVar[Route | None] = ContextVar("nantong_credit_db_route", default=None)


def begin(route: Route) -> Token:
    return _route.set(route)


def end(token: Token) -> None:
    _route.reset(token)


def current() -> Route | None:
    return _route.get()


def replica_aliases() -> list[str]:
    return list(settings.READ_REPLICA_ALIASES)


def _replica_for(route: Route) -> str:
    if route.alias is None:
        route.alias = replica_health.usable_replica(replica_aliases()) or DEFAULT_DB_ALIAS
    return route.alias


class ReplicaRouter:
    """Always names a database, so that an object read from a replica is never written back to
    it nor followed to its relations there after a write (Django would follow the instance)."""

    def db_for_read(self, model, **hints) -> str:
        route = _route.get()
        if (
            route is None
            or route.pinned
            or route.wrote
            or not route.replica_allowed
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or model._meta.label == settings.AUTH_USER_MODEL
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return _replica_for(route)

    def db_for_write(self, model, **hints) -> str:
        route = _route.get()
        if route is not None:
            route.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        same_data = {DEFAULT_DB_ALIAS, *replica_aliases()}
        if obj1._state.db in same_data and obj2._state.db in same_data:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        return False if db in replica_aliases() else None
