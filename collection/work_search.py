"""What a clerk types into a work queue's search box, as a filter: a 统一社会信用代码, a case or
document number, or part of a name. One rule for every queue (issue 16 §6): the provider's
records, the objection and repair queues.

A 公民身份号码 is never searched for: a queue's search is a GET, and an ID number must never be in
an address (SPEC §2). It matches nothing, and the page says why (`refuses`); the box's script
stops the browser from sending one (static/js/site.js, data-no-id-number)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .identifiers import IdentifierError, diagnose_code, normalise_uscc, tidy

MAX_TERM = 100
ID_NUMBER_REFUSED = _(
    "为保护个人信息，身份证号码不作为搜索词（会出现在网址中）；请按姓名、统一社会信用代码或编号搜索。"
)


def search_term(raw) -> str:
    """The typed text without surrounding spaces or NUL, cut to a sane length."""
    return str(raw or "").replace("\x00", "").strip()[:MAX_TERM]


def queue_search(raw) -> dict:
    """A queue view's search, for its template (`office/_queue_search.html`): the term, and the
    refusal shown instead of results when it is an ID number."""
    term = search_term(raw)
    return {"q": term, "search_error": ID_NUMBER_REFUSED if refuses(term) else ""}


def refuses(term: str) -> bool:
    """Whether `term` reads as a 公民身份号码, which no queue searches for."""
    return bool(term) and diagnose_code(term).id_number


def subject_filter(term: str, *, prefix: str = "subject__") -> Q:
    """The subjects `term` names: by its code when it is one, else by name; nothing for an ID
    number."""
    if not term:
        return Q()
    if refuses(term):
        return Q(pk__in=[])
    code = tidy(term)  # full-width digits, lower case and spaces, as people type codes
    try:
        return Q(**{f"{prefix}code": normalise_uscc(code).value})
    except IdentifierError:
        return Q(**{f"{prefix}name__contains": term})


def work_filter(term: str, *, numbers: tuple[str, ...], prefix: str = "subject__") -> Q:
    """`subject_filter`, or an exact match of any of the `numbers` fields (case number,
    decision document number)."""
    if not term:
        return Q()
    if refuses(term):
        return Q(pk__in=[])
    found = subject_filter(term, prefix=prefix)
    for field in numbers:
        found |= Q(**{field: term}) | Q(**{field: tidy(term)})
    return found
