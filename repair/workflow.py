"""The steps of a credit repair application and which status each may start from (Art. 15-17).

This table is the one place that says so; every step in `repair.services` goes through the
kernel's transition helper (`nantong_credit.case_workflow`, `WORKFLOW` below), which locks the
application, refuses a step its status does not allow (so that of two people acting at once
exactly one succeeds), and writes the step on the timeline with its audit event.

    submitted ──approved──▶ approved   (record repaired: 终止公示, 已修复)
        │    ──rejected──▶ rejected   (reasons given; a new application may follow)
        └──withdrawn────▶ withdrawn  (by the applicant)

Passing the provider's deadline is not a state: the sweep stamps `overdue_at` and escalates, and
the application stays decidable (the subject should not lose its repair because the provider is
late). Reminders are stamped in `reminded_at`, once. A deadline that passes while provisional
(its year's State Council holiday notice not entered yet) is not escalated: the sweep stamps
`deadline_held_at` (期限待确认) and waits for the notice; then the deadline is recomputed
(`deadline_adjusted`) and escalated only if it has still passed (SPEC §4). These steps keep the
status; they are in the table so that the same check applies.
"""

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import record_event
from nantong_credit import case_workflow
from nantong_credit.case_workflow import CaseWorkflow, Transition

# The kernel's, by the name this app's code knows it.
from nantong_credit.case_workflow import TransitionNotAllowed as TransitionNotAllowed

from .models import RepairApplication, RepairStep

Status = RepairApplication.Status

# A decision or a withdrawal ends an application; only a submitted one may still move.
OPEN_STATUSES: tuple[str, ...] = (Status.SUBMITTED,)
# The reminder goes out when this many working days are left, today included: on a 5-day
# period the provider is reminded with two working days to act.
REMIND_WHEN_WORKDAYS_LEFT = 2
SWEEP_ACTOR = "系统（期限督办）"

# Keyed by the timeline's `RepairStep.action`; `event` is the audit action.
STEPS: dict[str, Transition] = {
    "submitted": Transition(
        gettext_lazy("提交信用修复申请"), (), Status.SUBMITTED, basis="第十六条", event="repair.apply"
    ),
    "approved": Transition(
        gettext_lazy("准予信用修复"), OPEN_STATUSES, Status.APPROVED, basis="第十七条", event="repair.approve"
    ),
    "rejected": Transition(
        gettext_lazy("不予信用修复"), OPEN_STATUSES, Status.REJECTED, basis="第十六条", event="repair.reject"
    ),
    "withdrawn": Transition(gettext_lazy("申请人撤回申请"), OPEN_STATUSES, Status.WITHDRAWN, event="repair.withdraw"),
    # Steps of the deadline sweep, which keep the status.
    "reminded": Transition(gettext_lazy("办理期限提醒"), OPEN_STATUSES, event="repair.remind"),
    "overdue": Transition(gettext_lazy("超过办理期限，已督办"), OPEN_STATUSES, event="repair.overdue"),
    "deadline_held": Transition(
        gettext_lazy("期限待确认：所在年份节假日安排未公布，暂不督办"), OPEN_STATUSES, event="repair.deadline_held"
    ),
    "deadline_adjusted": Transition(
        gettext_lazy("按节假日安排调整办理期限"), OPEN_STATUSES, event="repair.deadline_adjusted"
    ),
}

# How every party reads the timeline's steps.
STEP_LABELS = {action: step.label for action, step in STEPS.items()}

ACTION_VERBS = {
    "approved": gettext_lazy("准予修复"),
    "rejected": gettext_lazy("不予修复"),
    "withdrawn": gettext_lazy("撤回"),
}


def _refusal(application: RepairApplication, action: str, step: Transition) -> str:
    return _("该申请当前状态为“%(status)s”，不能再%(action)s（可能已由他人办理）") % {
        "status": Status(application.status).label,
        "action": ACTION_VERBS.get(action, action),
    }


WORKFLOW = CaseWorkflow(
    model=RepairApplication,
    transitions=STEPS,
    event_prefix="repair",
    record_event=record_event,
    step_model=RepairStep,
    case_field="application",
    related=("subject", "provider", "applicant", "record__catalog_item"),
    # The audit trail has always shown a decision's status and reasons, not its bookkeeping columns.
    audited=("status",),
    system_actor=SWEEP_ACTOR,
    refusal=_refusal,
)


def reminder_cutoff(now: dt.datetime) -> dt.datetime:
    """Deadlines up to this instant have at most `REMIND_WHEN_WORKDAYS_LEFT` working days left
    (the kernel's one reminder rule); one value for the whole sweep, so the query stays a range scan."""
    return case_workflow.reminder_cutoff(now, REMIND_WHEN_WORKDAYS_LEFT)
