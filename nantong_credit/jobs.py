"""Long background jobs (credit reports, bulk imports, batch checks, audit chain verification):
each must end done or failed, never stay queued or running for good (issue 12 §3).

A job is a row with a status, run by a Celery task that takes its id. It gets lost three ways;
each has its guard here:

- A worker's child dies mid-job (out of memory, killed). Tasks ack late and reject on worker
  loss (settings), so the broker hands the same message out again at once; `claimable` lets
  that redelivered message take the job over, because it carries the task id that holds it.
- The whole worker dies. Its unacknowledged message comes back only after the broker's
  visibility timeout, which must outlast every job's time limit (else a running job would be
  handed out twice; a system check holds this). Before that, `sweep_stuck_jobs` finds the job
  running past its time limit and queues it again with a new message. It also sends a job left
  queued that long its message again (a message lost with Redis, or never sent).
- The job kills its worker every time. Each restart is counted; after `MAX_RESTARTS` the job is
  neither taken over nor queued again, and the sweep fails it with a reason its owner reads.

The kernel knows no app: each app registers its kinds of job in its `AppConfig.ready()`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, F, Q, When
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

MAX_RESTARTS = 2
# Past its hard time limit a job can only be "running" if its worker is gone; this much more
# allows for clocks and for the last statements of a job that ended just in time
# (settings.STUCK_JOB_GRACE_SECONDS, this by default).
GRACE = timedelta(minutes=2)
# The soft limit comes first, so that the job itself can end as failed and say why.
SOFT_LIMIT_MARGIN = 30  # seconds
SWEEP_BATCH = 500


class LongJobFields(models.Model):
    """What the sweep and the claims need on a job's row."""

    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    # When the job's last message was sent: a job queued much longer has likely lost it.
    queued_at = models.DateTimeField(_("排队时间"), default=timezone.now, editable=False)
    task_id = models.CharField(_("任务标识"), max_length=64, blank=True, editable=False)
    restarts = models.PositiveSmallIntegerField(_("中断后重新开始次数"), default=0, editable=False)

    class Meta:
        abstract = True


@dataclass(frozen=True)
class LongJob:
    """A kind of long job: its model and task (dotted names), statuses, limit and failure."""

    model: str  # "inquiry.CreditReport"
    task: str  # "inquiry.tasks.generate_credit_report"; takes the job's id
    queued: str
    running: tuple[str, ...]  # a claim sets the first
    failed: str
    time_limit: int  # seconds: the task's hard limit
    error_field: str  # where the reason for the failure goes
    gave_up: Any  # that reason, in Chinese (lazy)
    finished_field: str | None = None
    on_failed: str | None = None  # dotted name of a function(pk) run in the failing transaction

    @property
    def stuck_after(self) -> timedelta:
        grace = getattr(settings, "STUCK_JOB_GRACE_SECONDS", None)
        return timedelta(seconds=self.time_limit) + (GRACE if grace is None else timedelta(seconds=grace))

    def task_options(self) -> dict:
        """Options of the job's Celery task (the settings' defaults, said where it matters)."""
        return {
            "acks_late": True,
            "reject_on_worker_lost": True,
            "time_limit": self.time_limit,
            "soft_time_limit": self.time_limit - SOFT_LIMIT_MARGIN,
        }

    def rows(self) -> models.QuerySet:
        return apps.get_model(self.model).objects.all()


_registry: dict[str, LongJob] = {}


def register(job: LongJob) -> None:
    _registry[job.model] = job


def registered() -> list[LongJob]:
    return list(_registry.values())


# --- Claiming a job for a task --------------------------------------------------------------------


def claimable(job: LongJob, task_id: str = "") -> Q:
    """Queued; or running under this very message, redelivered because the worker that had it
    died, unless it has died too often. A direct call (no task id) takes queued jobs only."""
    condition = Q(status=job.queued)
    if task_id:
        condition |= Q(status__in=job.running, task_id=task_id, restarts__lt=MAX_RESTARTS)
    return condition


def claim_changes(job: LongJob, task_id: str = "") -> dict:
    """The columns a claim sets besides the status; a takeover counts a restart."""
    return {
        "task_id": task_id or "",
        "started_at": timezone.now(),
        "restarts": Case(When(status=job.queued, then=F("restarts")), default=F("restarts") + 1),
    }


def claim(job: LongJob, pk: int, *, task_id: str = "", **changes) -> bool:
    """Take the job for this task (see `claimable`); True when this call took it."""
    return bool(
        job.rows()
        .filter(claimable(job, task_id), pk=pk)
        .update(
            status=job.running[0],
            **claim_changes(job, task_id),
            **changes,
        )
    )


def alive(job: LongJob, now: datetime | None = None) -> Q:
    """Queued or running, and not yet stuck: a job its owner should wait for."""
    cutoff = (now or timezone.now()) - job.stuck_after
    return Q(status=job.queued, queued_at__gte=cutoff) | Q(status__in=job.running, started_at__gte=cutoff)


# --- The sweep --------------------------------------------------------------------------------------


def sweep_stuck_jobs(now: datetime | None = None) -> dict[str, dict[str, int]]:
    """Queue again, send again or fail every job stuck past its limit; safe to run any time."""
    now = now or timezone.now()
    return {job.model: _sweep(job, now) for job in registered()}


def _sweep(job: LongJob, now: datetime) -> dict[str, int]:
    cutoff = now - job.stuck_after
    counts = {"requeued": 0, "resent": 0, "failed": 0}
    for pk, status in (
        job.rows()
        .exclude(alive(job, now))
        .filter(Q(status=job.queued) | Q(status__in=job.running))
        .values_list("pk", "status")[:SWEEP_BATCH]
    ):
        if status == job.queued:
            counts["resent"] += _send_again(job, pk, cutoff, now)
        elif _requeue(job, pk, cutoff, now):
            counts["requeued"] += 1
        else:
            counts["failed"] += _fail(job, pk, cutoff, now)
    if any(counts.values()):
        logger.warning("stuck %s jobs: %s", job.model, counts)
    return counts


def _stuck_running(job: LongJob, cutoff: datetime) -> Q:
    return Q(status__in=job.running) & (Q(started_at__lt=cutoff) | Q(started_at__isnull=True))


def _send_again(job: LongJob, pk: int, cutoff: datetime, now: datetime) -> bool:
    with transaction.atomic():
        if not job.rows().filter(pk=pk, status=job.queued, queued_at__lt=cutoff).update(queued_at=now):
            return False
        transaction.on_commit(lambda: _send(job, pk))
    return True


def _requeue(job: LongJob, pk: int, cutoff: datetime, now: datetime) -> bool:
    with transaction.atomic():
        moved = (
            job.rows()
            .filter(_stuck_running(job, cutoff), pk=pk, restarts__lt=MAX_RESTARTS)
            .update(
                status=job.queued,
                queued_at=now,
                task_id="",
                restarts=F("restarts") + 1,
            )
        )
        if not moved:
            return False
        transaction.on_commit(lambda: _send(job, pk))
    return True


def _fail(job: LongJob, pk: int, cutoff: datetime, now: datetime) -> bool:
    """Only a stuck job that has used up its restarts: nothing can take it over any more."""
    changes: dict[str, object] = {"status": job.failed, job.error_field: str(job.gave_up)}
    if job.finished_field:
        changes[job.finished_field] = now
    with transaction.atomic():
        stuck = job.rows().filter(_stuck_running(job, cutoff), pk=pk, restarts__gte=MAX_RESTARTS)
        if not stuck.update(**changes):
            return False
        if job.on_failed:
            import_string(job.on_failed)(pk)
    return True


def _send(job: LongJob, pk: int) -> None:
    import_string(job.task).delay(pk)
