"""The objection workflow (异议, Art. 13-14), written down in one place: the periods the law
sets, the steps of a case and which status each may start from, and the two functions through
which every service moves a case.

    file ─► submitted ─refer─► referred ─answer_confirmed─► answered ─keep_objection─► closed
               │                  │                             └──accept_answer────► closed
               │                  └─answer_corrected / answer_unverifiable──────────► closed
               ├─correct_platform_error / reject───────────────────────────────────► closed
               └─withdraw (from submitted or referred)─────────────────────────────► withdrawn

A written application received at the counter or by post enters by `file_on_paper` (a clerk
records it) instead of `file`; the applicant's own later steps (`APPLICANT_STEPS`) are then
the same steps, which a clerk takes from the applicant's letter. Some steps keep the status: the
reminders before a deadline, the provider's missed deadline (its records are withheld from
every query, Art. 14 last sentence), a missed deadline that is only provisional (期限待确认: its
year's holiday notice is not entered yet, so it may still move later; nothing is suspended,
SPEC §4), a deadline moved when a year's holidays become known and a paper applicant's new
follow-up code. They are in the same table so that the same check applies.

`begin(pk, step)` locks the case row until the caller's transaction ends and refuses a step its
current status does not allow; `finish(...)` moves the case on, puts the step on the case's
timeline and writes the audit event. They are the kernel's one transition helper
(`nantong_credit.case_workflow`, `WORKFLOW` below) with this app's wording of who acted. Of two
clerks acting on one case at once, the second waits for the first's lock and is then refused.
Nothing else writes `Objection.status`.

The 异议处理期 during which a record shows 异议处理中 runs from filing until the provider answers
(or the center decides, or the applicant withdraws). After a (二) answer — the provider found
its record correct — the case waits in `answered` for the applicant to say whether it keeps
its objection. That has no time limit: Art. 14(二) gives the applicant the right to have its
objection and reasons shown with the record without limiting it in time, nothing about the
record waits for the reply (it is no longer marked and never suspended), and a limit would only
let a case close behind the back of an applicant that has not read its mail.
"""

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import record_event
from nantong_credit import case_workflow
from nantong_credit.case_workflow import CaseWorkflow

# The kernel's, by the names this app's code and tests know them.
from nantong_credit.case_workflow import Transition as Step
from nantong_credit.case_workflow import TransitionNotAllowed as TransitionNotAllowed
from nantong_credit.workdays import as_local_date, deadline_end

from .models import Objection, ObjectionStep

Status = Objection.Status
Outcome = Objection.Outcome

MEASURES = "《南通市公共信用信息归集和使用暂行办法》"
# Art. 14 para. 1: "市信用信息中心应当在接到异议信息处理申请的5个工作日内进行核查".
CENTER_REVIEW_WORKDAYS = 5
# Art. 14 para. 2: "信息提供主体应当在7个工作日内按下列情况作出处理".
PROVIDER_ANSWER_WORKDAYS = 7
# A reminder goes out once, when this many working days of a period are left (today counted).
REMIND_WITH_WORKDAYS_LEFT = 2

CENTER_BASIS = gettext_lazy(
    "《南通市公共信用信息归集和使用暂行办法》第十四条第一款：市信用信息中心应当在接到异议信息处理申请的5个工作日内进行核查。"
)
PROVIDER_BASIS = gettext_lazy(
    "《南通市公共信用信息归集和使用暂行办法》第十四条第二款：属信息提供主体造成的，市信用信息中心应当立即通知信息提供主体，"
    "信息提供主体应当在7个工作日内作出处理；第十四条第三款：信息提供主体未按规定核查异议信息并将结果告知市信用信息中心的，"
    "市信用信息中心不再向社会提供该信息的查询。"
)

# The record is marked 异议处理中 in these statuses.
UNDER_OBJECTION = (Status.SUBMITTED, Status.REFERRED)
# A case is not finished in these: a record has at most one such case at a time.
OPEN = (Status.SUBMITTED, Status.REFERRED, Status.ANSWERED)
FINISHED = (Status.CLOSED, Status.WITHDRAWN)


class Party:
    """Who takes a step, as the timeline names them."""

    APPLICANT = "applicant"
    CENTER = "center"
    PROVIDER = "provider"
    SYSTEM = "system"


STEPS: dict[str, Step] = {
    "file": Step(gettext_lazy("提交异议申请"), (), Status.SUBMITTED, basis="第十三条"),
    # A written application brought to the counter or sent by post, recorded by a clerk.
    "file_on_paper": Step(gettext_lazy("受理书面异议申请"), (), Status.SUBMITTED, basis="第十三条"),
    "refer": Step(gettext_lazy("转信息提供单位核查"), (Status.SUBMITTED,), Status.REFERRED, basis="第十四条第二款"),
    "correct_platform_error": Step(
        gettext_lazy("系平台技术差错，中心已更正"),
        (Status.SUBMITTED,),
        Status.CLOSED,
        Outcome.PLATFORM_CORRECTED,
        "第十四条第一款",
    ),
    "reject": Step(gettext_lazy("不予受理"), (Status.SUBMITTED,), Status.CLOSED, Outcome.REJECTED),
    "answer_corrected": Step(
        gettext_lazy("提供单位核实确有错误，已更正"),
        (Status.REFERRED,),
        Status.CLOSED,
        Outcome.CORRECTED,
        "第十四条第二款第（一）项",
    ),
    "answer_confirmed": Step(
        gettext_lazy("提供单位核实信息无误"),
        (Status.REFERRED,),
        Status.ANSWERED,
        Outcome.CONFIRMED,
        "第十四条第二款第（二）项",
    ),
    "answer_unverifiable": Step(
        gettext_lazy("提供单位无法核实，已加附注声明"),
        (Status.REFERRED,),
        Status.CLOSED,
        Outcome.UNVERIFIABLE,
        "第十四条第二款第（三）项",
    ),
    "keep_objection": Step(
        gettext_lazy("申请人仍持异议，异议及理由随记录披露"),
        (Status.ANSWERED,),
        Status.CLOSED,
        basis="第十四条第二款第（二）项",
    ),
    "accept_answer": Step(gettext_lazy("申请人接受核查结果"), (Status.ANSWERED,), Status.CLOSED),
    "withdraw": Step(gettext_lazy("申请人撤回异议"), (Status.SUBMITTED, Status.REFERRED), Status.WITHDRAWN),
    # Steps that keep the status.
    "remind_center": Step(gettext_lazy("中心核查期限即将届满提醒"), (Status.SUBMITTED,)),
    "remind_provider": Step(gettext_lazy("提供单位答复期限即将届满提醒"), (Status.REFERRED,)),
    "provider_overdue": Step(
        gettext_lazy("提供单位逾期未答复，相关记录暂停查询"), (Status.REFERRED,), basis="第十四条第三款"
    ),
    "reinstate": Step(gettext_lazy("恢复对外查询"), (Status.REFERRED,), basis="第十四条第三款"),
    "hold_deadline": Step(
        gettext_lazy("期限待确认：所在年份节假日安排未公布，暂不暂停查询"), (Status.REFERRED,), basis="第十四条第三款"
    ),
    "adjust_deadline": Step(gettext_lazy("按节假日安排调整期限"), (Status.SUBMITTED, Status.REFERRED)),
    # A paper applicant who lost the printed receipt gets a new code; the old one stops working.
    "reissue_code": Step(gettext_lazy("重新生成查询码"), (*OPEN, *FINISHED)),
}

# Taken by the applicant's side: online by an account acting for the subject, or from a paper
# applicant's letter recorded by a center clerk.
APPLICANT_STEPS = ("keep_objection", "accept_answer", "withdraw")


def _refusal(objection: Objection, action: str, step: Step) -> str:
    return _("案件 %(number)s 当前状态为“%(status)s”，不能办理“%(step)s”（可能已由他人办理，请刷新页面查看）") % {
        "number": objection.number,
        "status": objection.get_status_display(),
        "step": step.label,
    }


WORKFLOW = CaseWorkflow(
    model=Objection,
    transitions=STEPS,
    event_prefix="objection",
    record_event=record_event,
    step_model=ObjectionStep,
    case_field="objection",
    related=("subject", "provider", "applicant"),
    system_actor=gettext_lazy("异议期限巡检"),
    refusal=_refusal,
)


def step_label(action: str) -> str:
    step = STEPS.get(action)
    return str(step.label) if step else action


def allows(objection: Objection, action: str) -> bool:
    """Whether the case's status lets `action` start (for pages: `begin` decides under lock)."""
    return WORKFLOW.allows(objection, action)


def begin(objection_pk: int, action: str) -> Objection:
    """The case, locked until the caller's transaction ends, if `action` may happen now."""
    return WORKFLOW.lock(objection_pk, action)


def begin_if(objection_pk: int, action: str, **conditions) -> Objection | None:
    """The locked case if `action` may happen and `conditions` still hold, else None."""
    return WORKFLOW.lock_if(objection_pk, action, **conditions)


def begin_many(objection_pks: list[int], action: str, **conditions) -> list[Objection]:
    """For the deadline sweep: the cases among `objection_pks` for which `action` may happen and
    `conditions` (e.g. "not reminded yet") still hold, locked. A second sweep finds none left."""
    return WORKFLOW.lock_many(objection_pks, action, **conditions)


def finish(
    objection: Objection,
    action: str,
    *,
    actor,
    party: str,
    note: str = "",
    fields: dict | None = None,
    after: dict | None = None,
    at: dt.datetime | None = None,
    actor_label: str = "",
) -> ObjectionStep:
    """Apply the step to the locked case: status, outcome and `fields`; the timeline entry; the
    audit event. In the caller's transaction, after `begin`. The timeline names the `party`
    and the person, unless `actor_label` says who took the step (a letter a clerk recorded)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    step = WORKFLOW.apply(
        objection,
        action,
        actor=actor,
        actor_label=actor_label or party_label(objection, party, user),
        summary=f"{STEPS[action].label}：{objection.number}（{objection.subject.name}）",
        note=note,
        fields=fields,
        after=after,
        at=at,
    )
    if STEPS[action].target in FINISHED:
        # Every step that ends a case ends here: its case file (Art. 20) follows the commit.
        from .case_file import schedule

        schedule(objection.pk)
    return step


def finish_many(
    cases: list[Objection],
    action: str,
    *,
    at: dt.datetime,
    fields: dict,
    notes: dict[int, str],
    after: dict | None = None,
) -> None:
    """A step of the deadline sweep that keeps the status, for many locked cases at once: the
    columns, one timeline entry per case, one audit event naming every case."""
    numbers = [case.number for case in cases]
    listed = f"{'、'.join(numbers[:10])}{'等' if len(numbers) > 10 else ''}共{len(numbers)}件"
    WORKFLOW.apply_many(
        cases,
        action,
        at=at,
        fields=fields,
        notes=lambda case: notes.get(case.pk, ""),
        actor_label=str(_("南通信用网（系统自动）")),
        object_id=str(cases[0].pk) if len(cases) == 1 else f"{len(cases)} cases",
        summary=f"{STEPS[action].label}：{listed}",
        after={"cases": numbers, **fields, **(after or {})},
    )


def party_label(objection: Objection, party: str, user) -> str:
    from django.conf import settings

    person = (user.real_name or user.username) if user else ""
    if party == Party.CENTER:
        return f"{settings.CENTER_NAME} {person}".strip()
    if party == Party.PROVIDER:
        return f"{objection.provider.name} {person}".strip()
    if party == Party.APPLICANT:
        return f"{objection.subject.name}（{person}）" if person else objection.subject.name
    return _("南通信用网（系统自动）")


# --- Deadlines ---------------------------------------------------------------------------------


def center_due(received_at: dt.date | dt.datetime) -> dt.datetime:
    """24:00 of the 5th working day after the day of receipt (Art. 14 para. 1)."""
    return deadline_end(received_at, CENTER_REVIEW_WORKDAYS)


def provider_due(referred_at: dt.datetime) -> dt.datetime:
    """24:00 of the 7th working day after the provider was notified (Art. 14 para. 2)."""
    return deadline_end(referred_at, PROVIDER_ANSWER_WORKDAYS)


def reminder_cutoff(now: dt.datetime) -> dt.datetime:
    """Deadlines up to this moment have at most `REMIND_WITH_WORKDAYS_LEFT` working days left
    (the kernel's one reminder rule), so that the sweep finds them with one range query."""
    return case_workflow.reminder_cutoff(now, REMIND_WITH_WORKDAYS_LEFT)


def last_day(due: dt.datetime) -> dt.date:
    """The last day of a period that ends at `due` (00:00 after it)."""
    return as_local_date(due - dt.timedelta(microseconds=1))


def deadline_text(due: dt.datetime | None) -> str:
    if due is None:
        return ""
    day = last_day(due)
    return f"{day.year}年{day.month}月{day.day}日24:00"
