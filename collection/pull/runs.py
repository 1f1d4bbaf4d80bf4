"""One pull of a source (`run_pull`): page after page from its cursor, each page's accepted rows
stored and the cursor advanced in one transaction, so that a worker killed at any point loses
nothing and duplicates nothing (the page is read again, and its rows are keyed by 业务编号).

One run per source at a time: a run holds the source's lease (`lease_until`), renewed after each
page; a run whose worker died lets its lease run out, and the next claim marks it interrupted.
"""

import datetime as dt
import logging
import time

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from catalog.models import CatalogItem
from nantong_credit.workdays import pinned_calendar

from ..models import Channel
from ..selectors import PublishedItems
from ..services.batch import BatchConflict, BatchWriter
from ..services.errors import ProviderNotResponsible
from . import fetch
from .alerts import run_ended
from .credentials import reveal_token
from .models import PullRowError, PullRun, PullSource
from .pages import goes_backwards, parse_page
from .rows import PageChecker

logger = logging.getLogger(__name__)

PAGE_SIZE = 500
LEASE_SECONDS_PER_PAGE = 120  # past the longest page's fetch and store: a live run renews it before


def lease_span() -> dt.timedelta:
    return dt.timedelta(seconds=max(LEASE_SECONDS_PER_PAGE, 4 * settings.PULL_TIMEOUT_SECONDS))


def run_pull(*, source_id: int, trigger: str = PullRun.Trigger.SCHEDULE, user_id: int | None = None) -> PullRun | None:
    """Pull `source_id` now, if it is enabled (or asked for by hand) and no other run holds it.

    Returns the finished run, or None when there was nothing to do. Safe to call again at any
    time: a redelivered task finds the lease held, or the source already pulled.
    """
    run = claim(source_id, trigger=trigger, user_id=user_id)
    if run is None:
        return None
    try:
        with pinned_calendar():
            _pull_pages(run)
    except _Stop as stop:
        _finish(run, PullRun.Status.FAILED, stop.code, stop.message)
    except Exception:  # noqa: BLE001 — the run must end and the lease be given back whatever happens
        logger.exception("pull run %s failed", run.pk)
        _finish(run, PullRun.Status.FAILED, "system", _("平台处理时发生系统错误，游标未前移，下次拉取将重读该页"))
    else:
        status = PullRun.Status.PARTIAL if run.rejected_count else PullRun.Status.SUCCEEDED
        _finish(run, status, "", "")
    run.refresh_from_db()
    return run


def claim(source_id: int, *, trigger: str, user_id: int | None) -> PullRun | None:
    now = timezone.now()
    with transaction.atomic():
        source = PullSource.objects.select_for_update(skip_locked=True).filter(pk=source_id).first()
        if source is None or (not source.enabled and trigger == PullRun.Trigger.SCHEDULE):
            return None
        if source.lease_until is not None and source.lease_until > now:
            return None
        interrupt_stale_runs(source)
        run = PullRun.objects.create(
            source=source,
            trigger=trigger,
            triggered_by_id=user_id,
            started_at=now,
            cursor_before=source.cursor,
            cursor_after=source.cursor,
        )
        PullSource.objects.filter(pk=source.pk).update(
            lease_until=now + lease_span(),
            lease_run=run,
            next_run_at=now + dt.timedelta(minutes=source.interval_minutes),
        )
    return run


def interrupt_stale_runs(source: PullSource) -> int:
    """Runs left running by a worker that died (the caller holds the source's row lock)."""
    return PullRun.objects.filter(source=source, status=PullRun.Status.RUNNING).update(
        status=PullRun.Status.INTERRUPTED,
        finished_at=timezone.now(),
        error_code="interrupted",
        error=_("拉取过程中断（处理进程停止）；已提交的页不受影响，下次从最后提交的游标继续"),
    )


class _Stop(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _ms_since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _pull_pages(run: PullRun) -> None:
    source = run.source
    items = PublishedItems()
    item = _item(source, items)
    checker = PageChecker(provider=source.provider, item=item, mapping=source.mapping, items=items)
    token = reveal_token(source)
    headers = {source.token_header: token} if token else {}
    cursor = source.cursor
    for number in range(1, settings.PULL_MAX_PAGES_PER_RUN + 1):
        params = {"limit": str(PAGE_SIZE), **({"cursor": cursor} if cursor else {})}
        started = time.monotonic()
        try:
            page = parse_page(fetch.get(source.url, params=params, headers=headers), source.format)
        except fetch.PullError as exc:
            raise _Stop(exc.code, _("第%(n)d页：%(message)s") % {"n": number, "message": exc.message}) from None
        finally:
            PullRun.objects.filter(pk=run.pk).update(fetch_ms=F("fetch_ms") + _ms_since(started))
        if goes_backwards(cursor, page.next_cursor):
            raise _Stop(
                "cursor_backwards",
                _("第%(n)d页返回的游标“%(after)s”早于当前游标“%(before)s”：平台拒绝回退游标，本页未入库")
                % {"n": number, "after": page.next_cursor[:60], "before": cursor[:60]},
            )
        if page.has_more and (not page.next_cursor or page.next_cursor == cursor):
            raise _Stop("cursor_stuck", _("第%(n)d页标明还有数据（has_more），但游标没有前移") % {"n": number})
        _store_page(run, checker, item, number, page, cursor)
        cursor = page.next_cursor or cursor
        if not page.has_more:
            return
    PullRun.objects.filter(pk=run.pk).update(
        note=_("已达单次拉取页数上限（%(n)d页），其余数据下次继续") % {"n": settings.PULL_MAX_PAGES_PER_RUN}
    )


def _item(source: PullSource, items: PublishedItems) -> CatalogItem:
    item = items.get(source.item_code)
    if item is None or source.provider_id not in item.provider_ids:  # type: ignore[attr-defined]
        raise _Stop(
            "not_responsible",
            _("现行目录中没有本单位负责的事项“%(code)s”，无法拉取") % {"code": source.item_code},
        )
    return item


def _store_page(run: PullRun, checker: PageChecker, item: CatalogItem, number: int, page, cursor: str) -> None:
    """The page's accepted rows, its refused rows' errors, the run's counts and the new cursor:
    all in one transaction, or none of it (the cursor then stays, and the page is read again)."""
    started = time.monotonic()
    source = run.source
    with transaction.atomic():
        locked = PullSource.objects.select_for_update().get(pk=source.pk)
        if locked.lease_run_id != run.pk or locked.cursor != cursor:
            raise _Stop("lease_lost", _("另一拉取任务已接手该数据源，本次停止"))
        checked = checker.check(page.rows)
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        if checked.checked:
            try:
                with BatchWriter(provider=source.provider, actor=None, channel=Channel.PULL) as writer:
                    result = writer.store(checked.checked)
            except (BatchConflict, ProviderNotResponsible) as exc:
                raise _Stop("conflict", _("第%(n)d页入库失败：%(m)s") % {"n": number, "m": exc}) from None
            counts = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
            _record_page_event(run, item, number, counts, page.next_cursor or cursor)
        PullRowError.objects.bulk_create(
            PullRowError(
                run=run,
                page=number,
                row_number=error.row_number,
                column=error.column[:100],
                message=error.message[:500],
                value=error.value[:200],
            )
            for error in checked.errors
        )
        new_cursor = page.next_cursor or cursor
        PullSource.objects.filter(pk=source.pk).update(cursor=new_cursor, lease_until=timezone.now() + lease_span())
        PullRun.objects.filter(pk=run.pk).update(
            pages=F("pages") + 1,
            rows=F("rows") + len(page.rows),
            created_count=F("created_count") + counts["created"],
            updated_count=F("updated_count") + counts["updated"],
            unchanged_count=F("unchanged_count") + counts["unchanged"],
            rejected_count=F("rejected_count") + checked.rejected_rows,
            cursor_after=new_cursor,
            store_ms=F("store_ms") + _ms_since(started),
        )
    run.rejected_count += checked.rejected_rows


def _record_page_event(run: PullRun, item: CatalogItem, number: int, counts: dict, cursor: str) -> None:
    source = run.source
    record_event(
        action="pull.page",
        obj=run,
        summary=(
            f"数据库对接“{source.name}”第{number}页入库{item.name}：新增 {counts['created']}，"
            f"更新 {counts['updated']}，未变化 {counts['unchanged']}"
        ),
        after={"provider": source.provider.code, "item": item.code, "source": source.pk, "page": number, **counts}
        | {"cursor": cursor},
    )


def _finish(run: PullRun, status: str, code: str, message: str) -> None:
    with transaction.atomic():
        source = PullSource.objects.select_for_update().get(pk=run.source_id)
        ended = PullRun.objects.filter(pk=run.pk, status=PullRun.Status.RUNNING).update(
            status=status, error_code=code, error=message, finished_at=timezone.now()
        )
        if source.lease_run_id == run.pk:
            PullSource.objects.filter(pk=source.pk).update(lease_until=None, lease_run=None)
        if ended:
            run.refresh_from_db()
            run_ended(source, run)
