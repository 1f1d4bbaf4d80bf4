"""The states of a credit report and the one table of allowed transitions.

    queued ──claim──▶ generating ──finish──▶ ready
       │   ◀─release─  │
       │  (transient   │
       │    error)     ▼
       └────fail────▶ failed

A failed report stays failed: the subject or requester orders a new one, under a new number.
A report whose worker died is taken over or queued again (`nantong_credit.jobs`, `REPORT_JOB`).

Every move goes through the kernel's transition helper (`nantong_credit.case_workflow`,
`WORKFLOW` below). A report has no timeline: the worker's moves are conditional updates
(`move`), so that of two workers exactly one succeeds without either waiting for a lock;
finishing locks the row (`lock_if`), because the PDF and the archive entry go with it.
"""

from django.db.models import Q

from audit.services import record_event
from inquiry.models import CreditReport
from nantong_credit.case_workflow import CaseWorkflow, Transition

Status = CreditReport.Status

STEPS: dict[str, Transition] = {
    # generating → generating: the message of a run whose worker died, redelivered, takes it over.
    "claim": Transition("开始生成信用报告", (Status.QUEUED, Status.GENERATING), Status.GENERATING),
    "release": Transition("信用报告退回排队", (Status.GENERATING,), Status.QUEUED),
    # Registered in the archive with its number and hash (Art. 20).
    "finish": Transition("生成信用报告", (Status.GENERATING,), Status.READY, basis="第二十条", event="report.generate"),
    "fail": Transition("信用报告生成失败", (Status.QUEUED, Status.GENERATING), Status.FAILED, event="report.fail"),
}
PENDING = (Status.QUEUED, Status.GENERATING)

WORKFLOW = CaseWorkflow(model=CreditReport, transitions=STEPS, event_prefix="report", record_event=record_event)


def move(report_id: int, action: str, *, also: Q | None = None, **changes) -> bool:
    """Conditionally take `action` on a report: only from a status the table allows (and matching
    `also`), so that of two workers exactly one succeeds. True when this call moved it."""
    return WORKFLOW.move_if(report_id, action, also=also, **changes)


def lock_if(report_id: int, action: str) -> CreditReport | None:
    """The report, locked until the transaction ends, if it exists and `action` may happen now."""
    return WORKFLOW.lock_if(report_id, action)
