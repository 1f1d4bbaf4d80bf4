"""The states of a credit repair application and which may follow which (Art. 15-17).

This table is the one place that says so; every status write in `repair.services` asks it first
and then updates the row only if it is still in an allowed state, so that of two people acting
at once exactly one succeeds.

    submitted ──approve──▶ approved   (record repaired: 终止公示, 已修复)
        │    ──reject───▶ rejected   (reasons given; a new application may follow)
        └──withdraw────▶ withdrawn  (by the applicant)

Passing the provider's deadline is not a state: the sweep stamps `overdue_at` and escalates, and
the application stays decidable (the subject should not lose its repair because the provider is
late). Reminders are stamped in `reminded_at`, once. A deadline that passes while provisional
(its year's State Council holiday notice not entered yet) is not escalated: the sweep stamps
`deadline_held_at` (期限待确认) and waits for the notice; then the deadline is recomputed
(`deadline_adjusted`) and escalated only if it has still passed (SPEC §4).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import RepairApplication

Status = RepairApplication.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset({Status.APPROVED, Status.REJECTED, Status.WITHDRAWN}),
    Status.APPROVED: frozenset(),
    Status.REJECTED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}
OPEN_STATUSES: tuple[str, ...] = tuple(s for s, targets in TRANSITIONS.items() if targets)
FINAL_STATUSES: tuple[str, ...] = tuple(s for s, targets in TRANSITIONS.items() if not targets)

# Timeline steps (`RepairStep.action`) and how every party reads them.
STEP_LABELS = {
    "submitted": gettext_lazy("提交信用修复申请"),
    "reminded": gettext_lazy("办理期限提醒"),
    "overdue": gettext_lazy("超过办理期限，已督办"),
    "deadline_held": gettext_lazy("期限待确认：所在年份节假日安排未公布，暂不督办"),
    "deadline_adjusted": gettext_lazy("按节假日安排调整办理期限"),
    "approved": gettext_lazy("准予信用修复"),
    "rejected": gettext_lazy("不予信用修复"),
    "withdrawn": gettext_lazy("申请人撤回申请"),
}


class TransitionNotAllowed(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def allowed_from(target: str) -> list[str]:
    """The states from which `target` may be reached (for conditional updates)."""
    return [state for state, targets in TRANSITIONS.items() if target in targets]


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, frozenset()):
        raise TransitionNotAllowed(
            _("该申请当前状态为“%(status)s”，不能再%(action)s（可能已由他人办理）")
            % {"status": Status(current).label, "action": ACTION_VERBS.get(target, target)}
        )


ACTION_VERBS = {
    Status.APPROVED: gettext_lazy("准予修复"),
    Status.REJECTED: gettext_lazy("不予修复"),
    Status.WITHDRAWN: gettext_lazy("撤回"),
}


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES
