"""The steps of an accountability case (提请追责, Art. 22) and which status each may start from.

    draft ──issued──▶ issued ──responded──▶ responded ──closed──▶ closed
      │                 │  └───────────────closed (only once the deadline passed unanswered)──▶ closed
      └──withdrawn──▶ withdrawn ◀──withdrawn──┘

Opening gathers and freezes the evidence (draft). Issuing generates the numbered letter (督办函),
archives it and starts the provider's response period in working days. The provider responds
once; the commission then concludes (提请追责, 责令整改 or 不予追责). A case the provider never
answered may be concluded once its deadline has passed (the service checks `overdue_at`). The
sweep's reminder and overdue steps keep the status.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import record_event
from nantong_credit import case_workflow
from nantong_credit.case_workflow import CaseWorkflow, Transition
from nantong_credit.case_workflow import TransitionNotAllowed as TransitionNotAllowed

from .models import AccountabilityCase, AccountabilityStep

Status = AccountabilityCase.Status

SWEEP_ACTOR = "系统（期限督办）"
# Remind the provider when this many working days are left, today included.
REMIND_WHEN_WORKDAYS_LEFT = 3
BASIS = "第二十二条"

STEPS: dict[str, Transition] = {
    "opened": Transition(gettext_lazy("立案，固定证据"), (), Status.DRAFT, basis=BASIS, event="accountability.open"),
    "issued": Transition(
        gettext_lazy("印发督办函"), (Status.DRAFT,), Status.ISSUED, basis=BASIS, event="accountability.issue"
    ),
    "responded": Transition(
        gettext_lazy("单位书面答复"), (Status.ISSUED,), Status.RESPONDED, basis=BASIS, event="accountability.respond"
    ),
    "closed": Transition(
        gettext_lazy("作出结论，办结"),
        (Status.ISSUED, Status.RESPONDED),
        Status.CLOSED,
        basis=BASIS,
        event="accountability.close",
    ),
    "withdrawn": Transition(
        gettext_lazy("撤销案件"), (Status.DRAFT, Status.ISSUED), Status.WITHDRAWN, event="accountability.withdraw"
    ),
    "reminded": Transition(gettext_lazy("答复期限提醒"), (Status.ISSUED,), event="accountability.remind"),
    "overdue": Transition(gettext_lazy("超过答复期限未答复"), (Status.ISSUED,), event="accountability.overdue"),
}

STEP_LABELS = {action: step.label for action, step in STEPS.items()}
OPEN_STATUSES = (Status.DRAFT, Status.ISSUED, Status.RESPONDED)

_VERBS = {
    "issued": gettext_lazy("印发督办函"),
    "responded": gettext_lazy("答复"),
    "closed": gettext_lazy("办结"),
    "withdrawn": gettext_lazy("撤销"),
}


def _refusal(case: AccountabilityCase, action: str, step: Transition) -> str:
    return _("该案件当前状态为“%(status)s”，不能%(action)s（可能已由他人办理）") % {
        "status": Status(case.status).label,
        "action": _VERBS.get(action, action),
    }


WORKFLOW = CaseWorkflow(
    model=AccountabilityCase,
    transitions=STEPS,
    event_prefix="accountability",
    record_event=record_event,
    step_model=AccountabilityStep,
    case_field="case",
    related=("provider",),
    audited=("status", "outcome"),
    system_actor=SWEEP_ACTOR,
    refusal=_refusal,
)


def reminder_cutoff(now):
    return case_workflow.reminder_cutoff(now, REMIND_WHEN_WORKDAYS_LEFT)
