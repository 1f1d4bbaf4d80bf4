"""The objection deadline sweep, run by Celery beat every few minutes (settings.CELERY_BEAT_SCHEDULE).

Everything it needs is in the database: deadlines are indexed columns, and each reminder or
consequence sets its own column (`center_reminded_at`, `provider_reminded_at`,
`provider_deadline_held_at`, `provider_overdue_at`) in the same transaction as its step. A
provider deadline that passes while provisional (its year's holiday notice not entered) is held
as 期限待确认, never acted on; once the notice is in, the first step recomputes it, and the last
suspends only if the recomputed deadline has passed too. The sweep finds what is due with a
few range queries and hands each case to the service of that step, which locks the case and
checks again: running it twice, from two workers at once, or after a crash halfway, does every
step exactly once.
"""

import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from nantong_credit.workdays import pinned_calendar

from . import deadlines, selectors, workflow

logger = logging.getLogger(__name__)
# Cases per transaction: large enough that a midnight with thousands of deadlines takes seconds,
# small enough that a transaction holds its row locks only briefly.
BATCH = 500


@shared_task
def sweep_objection_deadlines() -> dict:
    now = timezone.now()
    with pinned_calendar():  # one calendar for the whole sweep, however long it takes
        counts = {
            "deadlines_adjusted": _adjust_provisional_deadlines(now),
            "center_reminded": _each(selectors.due_center_reminders(now), deadlines.remind_center, now),
            "provider_reminded": _each(selectors.due_provider_reminders(now), deadlines.remind_provider, now),
            "provider_deadlines_held": _each(selectors.due_deadline_holds(now), deadlines.hold_provider_deadlines, now),
            "provider_overdue": _each(selectors.due_provider_overdue(now), deadlines.mark_provider_overdue, now),
        }
    if any(counts.values()):
        logger.info("objection sweep: %s", counts)
    return counts


def _each(ids, step, now) -> int:
    """Hand the due cases to `step` a batch at a time, each batch one transaction. A batch that
    fails is tried again case by case, so that one broken case holds up nobody else."""
    done = 0
    ids = list(ids)
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        try:
            done += step(objection_ids=batch, now=now)
        except Exception:
            logger.exception("objection sweep: %s failed for a batch; trying its cases one by one", step.__name__)
            done += sum(_alone(pk, step, now) for pk in batch)
    return done


def _alone(pk: int, step, now) -> int:
    try:
        return step(objection_ids=[pk], now=now)
    except Exception:
        logger.exception("objection sweep: %s failed for case %s", step.__name__, pk)
        return 0


def _adjust_provisional_deadlines(now) -> int:
    """Periods ending in a year the calendar library does not know were computed from weekends,
    the statutory holidays and overrides; recompute them (in memory, the calendar is memoised)
    and move those that differ, held ones included."""
    moved = []
    for pk, status, start, stored in selectors.provisional_deadlines(now):
        expected = workflow.center_due(start) if status == "submitted" else workflow.provider_due(start)
        if expected != stored:
            moved.append(pk)
    return sum(_alone_adjust(pk, now) for pk in moved)


def _alone_adjust(pk: int, now) -> int:
    try:
        return int(deadlines.adjust_deadline(objection_id=pk, now=now))
    except Exception:
        logger.exception("objection sweep: adjusting the deadline of case %s failed", pk)
        return 0


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def make_objection_case_file(objection_id: int) -> str:
    """The case file of a closed case (`objections.case_file`); a retry or a second message finds
    the one already made. Returns its archive number ("" while the case is not closed)."""
    from .case_file import make_case_file

    case_file = make_case_file(objection_id)
    return case_file.archive_number if case_file is not None else ""
