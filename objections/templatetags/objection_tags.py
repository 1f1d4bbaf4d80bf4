"""Template helpers of the objections app."""

from django import template

from collection.bindings import bound_subjects
from collection.models import RecordStatus

from .. import selectors, workflow
from ..permissions import FILE

register = template.Library()


@register.simple_tag(takes_context=True)
def objection_actions(context, record) -> dict:
    """What the viewer can do about `record`: its unfinished case (if the viewer acts for the
    subject), and whether it may file one. A list of a subject's records costs two queries in
    all, not two per record: the answers are kept on the request."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"case": None, "may_object": False}
    memo = request.__dict__.setdefault("_objection_actions", {})
    if "bound" not in memo:
        memo["bound"] = set(bound_subjects(user).values_list("pk", flat=True))
    if record.subject_id not in memo["bound"]:
        return {"case": None, "may_object": False}
    open_cases = memo.get(record.subject_id)
    if open_cases is None:
        open_cases = memo[record.subject_id] = selectors.open_cases_of_subject(record.subject_id)
    case = open_cases.get(record.pk)
    may_object = case is None and user.has_perm(FILE) and record.status != RecordStatus.REVOKED
    return {"case": case, "may_object": may_object}


@register.filter
def deadline_text(due) -> str:
    return workflow.deadline_text(due)


@register.filter
def step_label(action: str) -> str:
    return workflow.step_label(action)
