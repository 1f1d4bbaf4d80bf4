"""The steps of a filing (备案, Art. 12 and 18).

    submitted ──accepted──▶ accepted   (备案号 given, registered in the archive)
        └──────returned──▶ returned   (reasons given; the department files a new version)

A returned filing stays returned: its correction is a new version, a new row, so that what was
reviewed is never overwritten.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import record_event
from nantong_credit.case_workflow import CaseWorkflow, Transition
from nantong_credit.case_workflow import TransitionNotAllowed as TransitionNotAllowed

from .models import Filing, FilingStep

Status = Filing.Status

STEPS: dict[str, Transition] = {
    "submitted": Transition(gettext_lazy("报送备案"), (), Status.SUBMITTED, event="filing.submit"),
    "accepted": Transition(
        gettext_lazy("予以备案"),
        (Status.SUBMITTED,),
        Status.ACCEPTED,
        basis="第十二条、第十八条",
        event="filing.accept",
    ),
    "returned": Transition(
        gettext_lazy("退回修改"),
        (Status.SUBMITTED,),
        Status.RETURNED,
        basis="第十二条、第十八条",
        event="filing.return",
    ),
}
STEP_LABELS = {action: step.label for action, step in STEPS.items()}


def _refusal(filing: Filing, action: str, step: Transition) -> str:
    return _("该备案文件当前状态为“%(status)s”，不能再审核（可能已由他人办理）") % {
        "status": Status(filing.status).label
    }


WORKFLOW = CaseWorkflow(
    model=Filing,
    transitions=STEPS,
    event_prefix="filing",
    record_event=record_event,
    step_model=FilingStep,
    case_field="filing",
    related=("provider",),
    audited=("status", "number"),
    refusal=_refusal,
)
