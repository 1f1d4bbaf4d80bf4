"""States and steps of an appointment for 实名核验 at the service window: the one table.

    booked ──cancel (the person)──→ cancelled
           ──complete (a clerk, after checking the identity card)──→ done
           ──no_show (a clerk, on or after the day)──→ no_show

A person has at most one booked appointment at a time (a database constraint). The steps run
through the kernel's `CaseWorkflow`: lock, check the table, save, audit — in one transaction.
"""

from django.utils.translation import gettext_lazy as _

from audit.services import record_event
from nantong_credit.case_workflow import CaseWorkflow, Transition

from ..models import IdentityAppointment

Status = IdentityAppointment.Status

TRANSITIONS = {
    "book": Transition(_("预约"), sources=(), target=Status.BOOKED),
    "cancel": Transition(_("取消预约"), sources=(Status.BOOKED,), target=Status.CANCELLED),
    "complete": Transition(_("完成实名核验"), sources=(Status.BOOKED,), target=Status.DONE),
    "no_show": Transition(_("登记未到场"), sources=(Status.BOOKED,), target=Status.NO_SHOW),
}


def _refusal(case, action: str, transition: Transition) -> str:
    return str(_("该预约已%(status)s，不能%(step)s")) % {"status": case.get_status_display(), "step": transition.label}


WORKFLOW = CaseWorkflow(
    model=IdentityAppointment,
    transitions=TRANSITIONS,
    event_prefix="identity_appointment",
    record_event=record_event,
    related=("user",),
    audited=("status", "closed_at"),
    refusal=_refusal,
    system_actor=_("系统"),
)
