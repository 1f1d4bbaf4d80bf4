"""The states of a credit report and the one table of allowed transitions.

    queued ──▶ generating ──▶ ready
       │   ◀──────  │
       │ (transient │
       │   error)   ▼
       └──────▶ failed

A failed report stays failed: the subject or requester orders a new one, under a new number.
A report whose worker died is taken over or queued again (`nantong_credit.jobs`, `REPORT_JOB`).
"""

from django.db.models import Q

from inquiry.models import CreditReport

Status = CreditReport.Status

REPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.QUEUED: frozenset({Status.GENERATING, Status.FAILED}),
    # generating → generating: the message of a run whose worker died, redelivered, takes it over.
    Status.GENERATING: frozenset({Status.GENERATING, Status.READY, Status.FAILED, Status.QUEUED}),
    Status.READY: frozenset(),
    Status.FAILED: frozenset(),
}
PENDING = (Status.QUEUED, Status.GENERATING)


class TransitionRefused(Exception):
    pass


def allowed_from(target: str) -> list[str]:
    return [status for status, targets in REPORT_TRANSITIONS.items() if target in targets]


def move(report_id: int, *, to: str, also: Q | None = None, **changes) -> bool:
    """Conditionally move a report to `to`: only from a status the table allows (and matching
    `also`), so that of two workers exactly one succeeds. True when this call moved it."""
    condition = Q(pk=report_id, status__in=allowed_from(to))
    if also is not None:
        condition &= also
    return CreditReport.objects.filter(condition).update(status=to, **changes) == 1


def check(current: str, target: str) -> None:
    if target not in REPORT_TRANSITIONS.get(current, frozenset()):
        raise TransitionRefused(f"credit report cannot go from {current} to {target}")
