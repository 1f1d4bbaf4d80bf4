"""Authorized queries (授权查询, Art. 11): a requester with a verified identity asks to see a
subject's authorized-query information for a stated purpose, and may see it only once the subject
has consented — online from its own account, or by a signed letter (书面授权书) a clerk of the
市公共信用信息中心 has checked — for the categories and until the date consented to.

`TRANSITIONS` is the one place that says which step may follow which, by which method and by whom.
"Live" is not a status: a granted authorization is live until the end of `valid_until` (inclusive)
and shows nothing from the next day on, without waiting for any sweep.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import record_event
from catalog.models import Category, SubjectKind
from collection.bindings import accounts_acting_for, acts_for
from collection.identifiers import IdentifierError, normalise_uscc
from collection.models import CreditRecord, Subject
from collection.personal_data import identifier_hash
from collection.selectors import subject_by_identifier
from collection.visibility import authorized_records, with_marks
from nantong_credit.model_fields import max_length
from nantong_credit.notifications import notify
from nantong_credit.uploads import CheckedUpload

from ..models import AgencyMember, Authorization, CreditAgency, QueryLog
from ..querylog import log_query

Status = Authorization.Status
Method = Authorization.Method

GRANT_PERMISSION = "inquiry.change_authorization"
REQUEST_PERMISSION = "inquiry.add_authorization"
REVIEW_PERMISSION = "inquiry.review_letter"
# A consent to read someone's records should not be open-ended: a year at most, renewable.
MAX_VALIDITY_DAYS = 366
PURPOSE_MAX = max_length(Authorization, "purpose")
NOTE_MAX = max_length(Authorization, "decision_note")


class AuthorizationError(Exception):
    """A request or decision that cannot be made; `field` names the form field it concerns."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    methods: frozenset[str]
    by: str  # "subject": an account acting for the subject; "clerk": a letter reviewer
    verb: str | Promise


SUBJECT, CLERK = "subject", "clerk"
ONLINE_ONLY, LETTER_ONLY = frozenset({Method.ONLINE}), frozenset({Method.LETTER})
BOTH_METHODS = ONLINE_ONLY | LETTER_ONLY

# The one place that says which status may follow which, for which method and by whom.
TRANSITIONS: dict[str, Transition] = {
    "grant": Transition(Status.REQUESTED, Status.GRANTED, ONLINE_ONLY, SUBJECT, gettext_lazy("授权")),
    "refuse": Transition(Status.REQUESTED, Status.REFUSED, ONLINE_ONLY, SUBJECT, gettext_lazy("拒绝")),
    "approve_letter": Transition(Status.REQUESTED, Status.GRANTED, LETTER_ONLY, CLERK, gettext_lazy("审核通过")),
    "reject_letter": Transition(Status.REQUESTED, Status.REFUSED, LETTER_ONLY, CLERK, gettext_lazy("退回")),
    "revoke": Transition(Status.GRANTED, Status.REVOKED, BOTH_METHODS, SUBJECT, gettext_lazy("撤回")),
}


# --- Finding the subject a requester names ----------------------------------------------------


def find_subject(*, kind: str, code: str = "", id_number: str = "", name: str = "") -> Subject:
    """The subject a requester names: an organisation by its 统一社会信用代码, a natural person
    by ID number and name. A natural person whose number and name do not match is "not found",
    so that the form cannot be used to learn whose number is whose."""
    if kind == SubjectKind.NATURAL_PERSON:
        subject = subject_by_identifier(SubjectKind.NATURAL_PERSON, id_number) if id_number.strip() else None
        if subject is None or _comparable(subject.name) != _comparable(name):
            raise AuthorizationError(_("未找到该自然人的信用信息，请核对公民身份号码和姓名"), field="id_number")
        return subject
    try:
        value = normalise_uscc(code, allow_irregular=True).value
    except IdentifierError as exc:
        raise AuthorizationError(exc.message, field="code") from None
    subject = Subject.objects.filter(identifier_hash=identifier_hash("uscc", value)).first()
    if subject is None:
        raise AuthorizationError(_("平台中没有统一社会信用代码为%(code)s的信息主体") % {"code": value}, field="code")
    return subject


def _comparable(name: str) -> str:
    return "".join(str(name or "").split())


# --- Requests ---------------------------------------------------------------------------------


def request_authorization(
    *,
    requester,
    subject: Subject,
    purpose: str,
    categories: Iterable[str],
    valid_until: dt.date,
    agency: CreditAgency | None = None,
) -> Authorization:
    """Ask the subject's own accounts to consent online (to the requester, or to the agency the
    requester acts for)."""
    with transaction.atomic():
        authorization = _new_request(
            requester=requester,
            subject=subject,
            purpose=purpose,
            categories=categories,
            valid_until=valid_until,
            method=Method.ONLINE,
            agency=agency,
        )
        _check_no_pending(requester, subject, agency)
        if not accounts_acting_for(subject).exists():
            raise AuthorizationError(
                _("该信息主体尚未在平台绑定账号，无法在线授权。请上传其签署的书面授权书。"), field="method"
            )
        authorization.save()
        _record_request(authorization)
        notify(
            accounts_acting_for(subject),
            title=_("%(name)s申请查询本主体的授权查询信息") % {"name": _asker(authorization)},
            body=_request_text(authorization),
            link=_subject_link(authorization),
        )
    return authorization


def submit_letter(
    *,
    requester,
    subject: Subject,
    purpose: str,
    categories: Iterable[str],
    valid_until: dt.date,
    letter: CheckedUpload,
    agency: CreditAgency | None = None,
) -> Authorization:
    """A request backed by the subject's signed letter, which a clerk checks. The scope and
    expiry are the ones the letter states; the clerk confirms or corrects them."""
    authorization = _new_request(
        requester=requester,
        subject=subject,
        purpose=purpose,
        categories=categories,
        valid_until=valid_until,
        method=Method.LETTER,
        agency=agency,
    )
    authorization.letter_name = letter.original_name
    authorization.letter_content_type = letter.content_type
    authorization.letter_size = letter.size
    authorization.letter_sha256 = letter.sha256
    letter.file.seek(0)
    authorization.letter_file.save(letter.storage_name(), File(letter.file), save=False)
    try:
        with transaction.atomic():
            _check_no_pending(requester, subject, agency)
            authorization.save()
            _record_request(authorization)
            # The subject learns of a letter in its name at once: it may not have signed it.
            notify(
                accounts_acting_for(subject),
                title=_("%(name)s提交了以本主体名义签署的书面授权书") % {"name": _asker(authorization)},
                body=_request_text(authorization) + "\n" + _("如本主体未签署该授权书，请立即联系市公共信用信息中心。"),
                link=_subject_link(authorization),
            )
    except BaseException:
        authorization.letter_file.delete(save=False)
        raise
    return authorization


def _new_request(
    *,
    requester,
    subject: Subject,
    purpose: str,
    categories: Iterable[str],
    valid_until: dt.date,
    method: str,
    agency: CreditAgency | None = None,
) -> Authorization:
    """An unsaved request, checked except for duplicates (the caller checks those under lock)."""
    check_requester(requester)
    if (
        agency is not None
        and not AgencyMember.objects.filter(
            agency=agency, user=requester, agency__status=CreditAgency.Status.APPROVED
        ).exists()
    ):
        raise AuthorizationError(_("您不是该信用服务机构的经办账号，或该机构尚未获批准"), field="agency")
    if acts_for(requester, subject):
        raise AuthorizationError(_("您是该主体的经办账号，可在“我的信用”中直接查看本主体的全部信息，无需申请授权。"))
    purpose = _required_text(purpose, _("请填写查询目的"), "purpose", PURPOSE_MAX)
    scope, until = clean_scope(categories, valid_until)
    return Authorization(
        requester=requester,
        agency=agency,
        subject=subject,
        method=method,
        purpose=purpose,
        categories=scope,
        valid_until=until,
        status=Status.REQUESTED,
    )


def check_requester(requester) -> None:
    """Art. 11: whoever asks must have proved who they are."""
    if getattr(requester, "identity_verified_at", None) is None:
        raise AuthorizationError(_("查询授权查询信息须提供有效身份证明：请先到市公共信用信息中心完成实名核验。"))


def _check_no_pending(requester, subject: Subject, agency: CreditAgency | None = None) -> None:
    # Lock the subject row so that two clicks of the same requester cannot both pass the check.
    # A request for an agency is another consent than one for the requester in person.
    Subject.objects.select_for_update().filter(pk=subject.pk).first()
    if Authorization.objects.filter(
        requester=requester, subject=subject, agency=agency, status=Status.REQUESTED
    ).exists():
        raise AuthorizationError(_("您对该主体已有一项待处理的授权申请，请等待处理结果"))


def clean_scope(categories: Iterable[str], valid_until: dt.date | None) -> tuple[list[str], dt.date]:
    """The categories in the order of Art. 8 and the last day of validity, or `AuthorizationError`."""
    chosen = set(categories or [])
    unknown = chosen - set(Category.values)
    if unknown:
        raise AuthorizationError(_("未知的信息类别：%(c)s") % {"c": "、".join(sorted(unknown))}, field="categories")
    if not chosen:
        raise AuthorizationError(_("请至少选择一类授权查询的信息"), field="categories")
    today = timezone.localdate()
    if not isinstance(valid_until, dt.date):
        raise AuthorizationError(_("请填写授权有效期"), field="valid_until")
    if valid_until < today:
        raise AuthorizationError(_("授权有效期不能早于今天"), field="valid_until")
    if valid_until > today + dt.timedelta(days=MAX_VALIDITY_DAYS):
        raise AuthorizationError(
            _("授权有效期最长一年（至%(d)s）") % {"d": today + dt.timedelta(days=MAX_VALIDITY_DAYS)},
            field="valid_until",
        )
    return [c for c in Category.values if c in chosen], valid_until


def _record_request(authorization: Authorization) -> None:
    record_event(
        action="authorization.request",
        actor=authorization.requester,
        obj=authorization,
        summary=f"{authorization.requester.username} 申请查询 {authorization.subject.name} 的授权查询信息"
        f"（{authorization.get_method_display()}）",
        after=_snapshot(authorization)
        | {"purpose": authorization.purpose, "letter_sha256": authorization.letter_sha256 or None},
    )


# --- Decisions --------------------------------------------------------------------------------


def grant_authorization(
    *, authorization: Authorization, actor, categories: Iterable[str], valid_until: dt.date, note: str = ""
) -> Authorization:
    """The subject consents online, for the categories and until the date it chooses."""
    scope, until = clean_scope(categories, valid_until)
    return _decide(
        authorization,
        "grant",
        actor=actor,
        note=_optional_note(note),
        changes={"categories": scope, "valid_until": until},
    )


def refuse_authorization(*, authorization: Authorization, actor, reason: str = "") -> Authorization:
    return _decide(authorization, "refuse", actor=actor, note=_optional_note(reason))


def revoke_authorization(*, authorization: Authorization, actor, reason: str = "") -> Authorization:
    """The subject withdraws its consent; nothing more is shown from now on."""
    return _decide(
        authorization, "revoke", actor=actor, note=_optional_note(reason), changes={"revoked_at": timezone.now()}
    )


def approve_letter(
    *, authorization: Authorization, actor, categories: Iterable[str], valid_until: dt.date, note: str = ""
) -> Authorization:
    """The clerk has checked the signed letter: the scope and expiry are the letter's."""
    scope, until = clean_scope(categories, valid_until)
    return _decide(
        authorization,
        "approve_letter",
        actor=actor,
        note=_optional_note(note),
        changes={"categories": scope, "valid_until": until},
    )


def reject_letter(*, authorization: Authorization, actor, reason: str) -> Authorization:
    reason = _required_text(reason, _("请填写退回理由"), "reason", NOTE_MAX)
    return _decide(authorization, "reject_letter", actor=actor, note=reason)


def _decide(
    authorization: Authorization, action: str, *, actor, note: str, changes: dict | None = None
) -> Authorization:
    """Apply `TRANSITIONS[action]` if the actor may and the current status allows it. The
    update is conditional on status and method, so of two decisions at once exactly one wins."""
    step = TRANSITIONS[action]
    _check_actor(step, authorization, actor)
    if authorization.method not in step.methods:
        raise AuthorizationError(
            _("该申请的授权方式为“%(m)s”，不能在此%(verb)s")
            % {"m": authorization.get_method_display(), "verb": step.verb}
        )
    now = timezone.now()
    values = {"status": step.target, **(changes or {})}
    if step.source == Status.REQUESTED:
        values |= {"decided_at": now, "decided_by": actor, "decision_note": note}
    elif note:
        values["decision_note"] = note
    with transaction.atomic():
        updated = Authorization.objects.filter(pk=authorization.pk, status=step.source, method__in=step.methods).update(
            **values
        )
        if not updated:
            current = Authorization.objects.get(pk=authorization.pk)
            raise AuthorizationError(
                _("该申请当前状态为“%(s)s”，不能%(verb)s（可能已有人处理）")
                % {"s": current.get_status_display(), "verb": step.verb}
            )
        before = _snapshot(authorization)
        for key, value in values.items():
            setattr(authorization, key, value)
        record_event(
            action=f"authorization.{action}",
            actor=actor,
            obj=authorization,
            summary=f"{step.verb} {authorization.requester.username} 查询 {authorization.subject.name} 的授权",
            before=before,
            after=_snapshot(authorization) | {"note": note},
        )
        _tell_requester(authorization, step)
    return authorization


def _check_actor(step: Transition, authorization: Authorization, actor) -> None:
    if step.by == CLERK:
        if not actor.has_perm(REVIEW_PERMISSION):
            raise AuthorizationError(_("只有市公共信用信息中心工作人员可以审核书面授权书"))
        if authorization.requester_id == actor.pk:
            raise AuthorizationError(_("不能审核本人提交的授权书"))
        return
    if not (actor.has_perm(GRANT_PERMISSION) and acts_for(actor, authorization.subject)):
        raise AuthorizationError(_("只有该信息主体的经办账号可以%(verb)s") % {"verb": step.verb})


def _tell_requester(authorization: Authorization, step: Transition) -> None:
    subject = authorization.subject.name
    titles: dict[str, str] = {
        Status.GRANTED: _("%(s)s已同意您的查询授权申请") % {"s": subject},
        Status.REFUSED: _("您对%(s)s的查询授权申请未获同意") % {"s": subject},
        Status.REVOKED: _("%(s)s已撤回对您的查询授权") % {"s": subject},
    }
    if step.by == CLERK and step.target == Status.REFUSED:
        titles[Status.REFUSED] = _("您提交的%(s)s书面授权书未通过审核") % {"s": subject}
    body = [_("授权方式：%(m)s") % {"m": authorization.get_method_display()}]
    if step.target == Status.GRANTED:
        body.append(
            _("授权范围：%(c)s；有效期至%(d)s")
            % {"c": category_labels(authorization.categories), "d": authorization.valid_until}
        )
    if authorization.decision_note:
        body.append(_("说明：%(n)s") % {"n": authorization.decision_note})
    notify(
        [authorization.requester],
        title=titles[step.target],
        body="\n".join(body),
        link=reverse("authorizations:detail", args=[authorization.pk]),
    )


def _snapshot(authorization: Authorization) -> dict:
    return {
        "status": authorization.status,
        "method": authorization.method,
        "subject": authorization.subject.identifier_masked,
        "categories": list(authorization.categories or []),
        "valid_until": authorization.valid_until,
        "agency": authorization.agency.uscc if authorization.agency is not None else None,
    }


def _required_text(text: str, message: str, field: str, limit: int) -> str:
    text = str(text or "").strip()
    if not text:
        raise AuthorizationError(message, field=field)
    if len(text) > limit:
        raise AuthorizationError(_("最多%(n)d个字") % {"n": limit}, field=field)
    return text


def _optional_note(note: str) -> str:
    note = str(note or "").strip()
    if len(note) > NOTE_MAX:
        raise AuthorizationError(_("说明最多%(n)d个字") % {"n": NOTE_MAX}, field="note")
    return note


def _who(user) -> str:
    return user.real_name or user.get_username()


def _asker(authorization: Authorization) -> str:
    """Who the consent is for: the requester, or the agency it asks for."""
    agency = authorization.agency
    if agency is None:
        return _who(authorization.requester)
    return _("信用服务机构%(a)s（经办人%(w)s）") % {"a": agency.name, "w": _who(authorization.requester)}


def _request_text(authorization: Authorization) -> str:
    return "\n".join(
        [
            _("申请人：%(w)s（已实名核验）") % {"w": _asker(authorization)},
            _("查询目的：%(p)s") % {"p": authorization.purpose},
            _("申请范围：%(c)s；有效期至%(d)s")
            % {"c": category_labels(authorization.categories), "d": authorization.valid_until},
        ]
    )


def _subject_link(authorization: Authorization) -> str:
    return reverse("my_credit:authorization", args=[authorization.subject_id, authorization.pk])


def category_labels(categories: Iterable[str]) -> str:
    labels = dict(Category.choices)
    return "、".join(str(labels.get(c, c)) for c in categories or [])


# --- Reading ----------------------------------------------------------------------------------


def is_live(authorization: Authorization, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        authorization.status == Status.GRANTED
        and authorization.valid_until is not None
        and authorization.valid_until >= today
    )


def live_authorizations(today: dt.date | None = None) -> QuerySet[Authorization]:
    """Granted and not yet past `valid_until`."""
    return Authorization.objects.filter(status=Status.GRANTED, valid_until__gte=today or timezone.localdate())


def authorizations_of(requester) -> QuerySet[Authorization]:
    return Authorization.objects.filter(requester=requester).select_related("subject")


def requests_to_answer(subject: Subject) -> QuerySet[Authorization]:
    """Online requests the subject's accounts have to grant or refuse, oldest first."""
    return (
        Authorization.objects.filter(subject=subject, method=Method.ONLINE, status=Status.REQUESTED)
        .select_related("requester", "agency")
        .order_by("requested_at", "pk")
    )


def authorizations_of_subject(subject: Subject) -> QuerySet[Authorization]:
    """Every consent the subject gave or that is pending, for its own overview."""
    return Authorization.objects.filter(subject=subject).select_related("requester", "agency", "decided_by")


def letters_for_review(status: str = Status.REQUESTED) -> QuerySet[Authorization]:
    letters = Authorization.objects.filter(method=Method.LETTER).select_related(
        "requester", "agency", "subject", "decided_by"
    )
    if status:
        letters = letters.filter(status=status)
    return letters.order_by("requested_at", "pk")  # the oldest first: the queue is worked in order


def authorized_view(authorization: Authorization, today: dt.date | None = None) -> QuerySet[CreditRecord]:
    """What a live authorization shows: the subject's records of the consented categories, public
    and authorized-query alike (`collection.visibility`); nothing once it is not live."""
    if not is_live(authorization, today):
        return CreditRecord.objects.none()
    records = CreditRecord.objects.filter(subject_id=authorization.subject_id)
    return with_marks(
        authorized_records(authorization.categories, records, today).select_related("catalog_item", "provider")
    )


def record_authorized_query(*, authorization: Authorization, actor) -> QueryLog:
    """Art. 11: who looked, when and why — in the query log the subject reads, and on the
    audit trail (authorized queries are rare enough to chain)."""
    with transaction.atomic():
        entry = log_query(
            kind=QueryLog.Kind.AUTHORIZED,
            actor=actor,
            subject=authorization.subject,
            authorization=authorization,
            purpose=authorization.purpose,
        )
        record_event(
            action="authorization.query",
            actor=actor,
            obj=authorization,
            summary=f"{actor.get_username()} 依授权查询 {authorization.subject.name}",
            after={
                "subject": authorization.subject.identifier_masked,
                "categories": list(authorization.categories),
                "purpose": authorization.purpose,
            },
        )
    return entry
