"""Configuring a source and asking for pulls (`collection.pull`): each change one function, in
one transaction with its audit event. The token is never in an event, a log or a page."""

import datetime as dt
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import record_event
from catalog.models import Provider

from .credentials import store_token
from .models import PullRun, PullSource

CONFIG_FIELDS = ("name", "item_code", "url", "format", "token_header", "mapping", "interval_minutes", "enabled")


def save_pull_source(
    *, provider: Provider, values: dict, token: str, actor, source: PullSource | None = None
) -> PullSource:
    """Create a source, or change one; an empty `token` keeps the stored one."""
    creating = source is None
    with transaction.atomic():
        if source is None:
            source = PullSource(provider=provider, created_by=actor)
            before = None
        else:
            source = PullSource.objects.select_for_update().get(pk=source.pk, provider=provider)
            before = _described(source)
        for name in CONFIG_FIELDS:
            setattr(source, name, values[name])
        if token:
            store_token(source, token)
        if source.enabled and (creating or before is None or not before["enabled"] or source.next_run_at is None):
            source.next_run_at = timezone.now()  # due at once: the first pull need not wait an interval
        source.save()
        record_event(
            action="pullsource.create" if creating else "pullsource.change",
            actor=actor,
            obj=source,
            summary=f"{'新建' if creating else '修改'}数据库对接“{source.name}”（{provider.name}）",
            before=before,
            after=_described(source) | {"token_changed": bool(token)},
        )
    return source


def _described(source: PullSource) -> dict:
    return {name: getattr(source, name) for name in CONFIG_FIELDS} | {"provider": source.provider.code}


class SourceBusy(Exception):
    """A run holds the source: its cursor cannot be reset under it."""


def reset_cursor(*, source: PullSource, actor) -> None:
    """Read the source from its start again on the next pull (after fixing a mapping, or rows
    the department corrected without touching them). Harmless to the records: they are keyed by
    业务编号, so rows read again are left unchanged. Not while a run holds the source."""
    with transaction.atomic():
        locked = PullSource.objects.select_for_update().get(pk=source.pk)
        if locked.lease_until is not None and locked.lease_until > timezone.now():
            raise SourceBusy
        before = locked.cursor
        PullSource.objects.filter(pk=locked.pk).update(cursor="")
        record_event(
            action="pullsource.reset_cursor",
            actor=actor,
            obj=locked,
            summary=f"数据库对接“{locked.name}”游标重置为起点，下次从头拉取",
            before={"cursor": before},
            after={"cursor": ""},
        )


def request_pull(*, source: PullSource, actor) -> None:
    """Pull now, by hand (even a disabled source, to try it), after this transaction commits."""
    from ..tasks import pull_source

    with transaction.atomic():
        record_event(action="pullsource.pull", actor=actor, obj=source, summary=f"手动拉取数据库对接“{source.name}”")
        transaction.on_commit(partial(pull_source.delay, source.pk, PullRun.Trigger.MANUAL, actor.pk))


def due_sources(now: dt.datetime) -> list[int]:
    """Enabled sources whose time has come and that no live run holds."""
    free = Q(lease_until__isnull=True) | Q(lease_until__lte=now)
    return list(
        PullSource.objects.filter(free, enabled=True, next_run_at__lte=now)
        .order_by("next_run_at")
        .values_list("pk", flat=True)
    )


def sweep_pull_sources() -> int:
    """Queue a pull of each due source (beat, every minute); safe to run again: a queued source
    is due again only after its interval, and a second task for it finds the lease held."""
    from ..tasks import pull_source

    now = timezone.now()
    queued = 0
    for pk in due_sources(now):
        with transaction.atomic():
            source = PullSource.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if source is None:
                continue
            PullSource.objects.filter(pk=pk).update(next_run_at=now + dt.timedelta(minutes=source.interval_minutes))
            transaction.on_commit(partial(pull_source.delay, pk, PullRun.Trigger.SCHEDULE, None))
        queued += 1
    return queued
