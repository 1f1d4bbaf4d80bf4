"""Binding accounts to subjects (主体绑定): who may act for which subject.

A natural person is bound to its own subject as soon as its identity is verified. An agent of a
legal person or of an 个体工商户 asks for a binding with the 统一社会信用代码 and evidence (a copy
of the 营业执照 and, for a legal person, a 授权委托书); a clerk of the 市公共信用信息中心 checks
the evidence and approves or rejects. Every status change goes through `BINDING_TRANSITIONS`.

Each evidence file is its own `BindingEvidence` row: checked by content in `nantong_credit.uploads`
before it gets here, stored under a random name, with its size and SHA-256 kept for the record.
"""

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from catalog.models import SubjectKind
from nantong_credit.uploads import CheckedUpload

from .accounts.registration import account_id_number
from .identifiers import ORGANISATION_KINDS, IdentifierError, identifier_family, normalise_identifier
from .models import BindingEvidence, Subject, SubjectBinding
from .names.matching import same_name
from .personal_data import identifier_hash
from .services.errors import SubmissionInvalid
from .services.subjects import find_or_create_subject

Status = SubjectBinding.Status

# The one place that says which status may follow which.
BINDING_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.APPROVED, Status.REJECTED}),
    Status.APPROVED: frozenset({Status.REVOKED}),
    Status.REJECTED: frozenset(),
    Status.REVOKED: frozenset(),
}
LIVE_STATUSES = (Status.PENDING, Status.APPROVED)
NOTE_MAX = SubjectBinding._meta.get_field("review_note").max_length
Kind = BindingEvidence.Kind


class BindingError(Exception):
    """A binding request or decision that cannot be made; `field` names the form field."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# --- Requests ---------------------------------------------------------------------------------


def request_binding(
    *, user, kind: str, name: str, identifier: str, licence: CheckedUpload, letter: CheckedUpload | None = None
) -> SubjectBinding:
    """A pending binding of `user` to the organisation with this 统一社会信用代码."""
    if kind not in ORGANISATION_KINDS:
        raise BindingError(_("请选择“法人和非法人组织”或“个体工商户”"), field="kind")
    if kind == SubjectKind.LEGAL_PERSON and letter is None:
        raise BindingError(_("代表法人和非法人组织办理的，须上传加盖公章的授权委托书"), field="letter")
    evidence = [(Kind.BUSINESS_LICENCE, licence)]
    if letter is not None:
        evidence.append((Kind.AUTHORISATION_LETTER, letter))
    stored: list[BindingEvidence] = []
    try:
        with transaction.atomic():
            subject = _subject_for_request(kind=kind, name=name, identifier=identifier, actor=user)
            binding = _create_request(user=user, subject=subject)
            for evidence_kind, checked in evidence:
                stored.append(_store_evidence(binding, evidence_kind, checked))
            record_event(
                action="binding.request",
                actor=user,
                obj=binding,
                summary=f"{user.username} 申请绑定 {subject.name}",
                after={
                    "subject": subject.identifier_masked,
                    "subject_name": subject.name,
                    "status": binding.status,
                    "evidence": [_evidence_summary(row) for row in stored],
                },
            )
    except Exception:
        for row in stored:  # the rows go with the transaction; so must their files
            row.file.delete(save=False)
        raise
    return binding


def _subject_for_request(*, kind: str, name: str, identifier: str, actor) -> Subject:
    """The subject the code names. An existing subject keeps its registered name: a request
    is refused if the name given differs, instead of renaming the subject."""
    try:
        value = normalise_identifier(kind, identifier).value
    except IdentifierError as exc:
        raise BindingError(exc.message, field="identifier") from None
    name = name.strip()
    if not name:
        raise BindingError(_("请填写主体名称"), field="name")
    subject = Subject.objects.filter(identifier_hash=identifier_hash(identifier_family(kind), value)).first()
    if subject is None:
        try:
            return find_or_create_subject(kind=kind, name=name, identifier=value, actor=actor)[0]
        except (IdentifierError, SubmissionInvalid) as exc:
            raise BindingError(getattr(exc, "message", "") or _("主体信息有误"), field="identifier") from None
    if subject.kind != kind:
        raise BindingError(
            _("该统一社会信用代码登记为“%(kind)s”，请重新选择主体类别") % {"kind": subject.get_kind_display()},
            field="kind",
        )
    if not same_name(subject.name, name):
        raise BindingError(
            _("该统一社会信用代码登记的名称为“%(name)s”，与填写的名称不一致，请按营业执照填写")
            % {"name": subject.name},
            field="name",
        )
    return subject


def _create_request(*, user, subject: Subject) -> SubjectBinding:
    live = SubjectBinding.objects.filter(user=user, subject=subject, status__in=LIVE_STATUSES).first()
    if live is not None:
        raise BindingError(
            _("您已申请绑定“%(name)s”（当前状态：%(status)s），无需重复申请")
            % {"name": subject.name, "status": live.get_status_display()}
        )
    try:
        with transaction.atomic():  # a savepoint: a double click may race for the same binding
            return SubjectBinding.objects.create(user=user, subject=subject)
    except IntegrityError:
        raise BindingError(_("您已申请绑定“%(name)s”，无需重复申请") % {"name": subject.name}) from None


def _store_evidence(binding: SubjectBinding, kind: str, checked: CheckedUpload) -> BindingEvidence:
    """The checked file under a random name, and its row. The file is written before the row is
    inserted, so a failed insert removes the file here; the caller removes the others."""
    evidence = BindingEvidence(
        binding=binding,
        kind=kind,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    checked.file.seek(0)
    evidence.file.save(checked.storage_name(), File(checked.file), save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence


def _evidence_summary(evidence: BindingEvidence) -> dict:
    # The hash ties the audit trail to the exact file the clerk will look at.
    return {"kind": evidence.kind, "name": evidence.original_name, "size": evidence.size, "sha256": evidence.sha256}


# --- Decisions --------------------------------------------------------------------------------


def approve_binding(*, binding: SubjectBinding, actor, note: str = "") -> SubjectBinding:
    """The clerk checked the evidence: the account may now act for the subject."""
    if binding.user_id == getattr(actor, "pk", None):
        raise BindingError(_("不能审核本人的绑定申请"))
    if binding.user.identity_verified_at is None:
        raise BindingError(_("申请人尚未完成实名核验，请先核验其身份证件后再审核绑定"))
    return _change_status(binding, to=Status.APPROVED, actor=actor, note=note, action="binding.approve", verb="通过")


def reject_binding(*, binding: SubjectBinding, actor, reason: str) -> SubjectBinding:
    if binding.user_id == getattr(actor, "pk", None):
        raise BindingError(_("不能审核本人的绑定申请"))
    return _change_status(
        binding, to=Status.REJECTED, actor=actor, note=_required_reason(reason), action="binding.reject", verb="驳回"
    )


def revoke_binding(*, binding: SubjectBinding, actor, reason: str) -> SubjectBinding:
    """End a binding, e.g. when the agent has left the organisation."""
    return _change_status(
        binding, to=Status.REVOKED, actor=actor, note=_required_reason(reason), action="binding.revoke", verb="解除"
    )


def _required_reason(reason: str) -> str:
    reason = str(reason or "").strip()
    if not reason:
        raise BindingError(_("请填写理由"), field="reason")
    if len(reason) > NOTE_MAX:
        raise BindingError(_("理由最多%(n)d个字") % {"n": NOTE_MAX}, field="reason")
    return reason


def _change_status(binding: SubjectBinding, *, to: str, actor, note: str, action: str, verb: str) -> SubjectBinding:
    """Move the binding to `to` if its current status allows it. The update is conditional on
    the status, so of two clerks deciding at once exactly one succeeds."""
    allowed_from = [status for status, targets in BINDING_TRANSITIONS.items() if to in targets]
    with transaction.atomic():
        now = timezone.now()
        reviewer = actor if getattr(actor, "is_authenticated", False) else None
        updated = SubjectBinding.objects.filter(pk=binding.pk, status__in=allowed_from).update(
            status=to, reviewed_by=reviewer, reviewed_at=now, review_note=note
        )
        if not updated:
            current = SubjectBinding.objects.get(pk=binding.pk)
            raise BindingError(
                _("该绑定当前状态为“%(status)s”，不能%(verb)s（可能已由其他工作人员处理）")
                % {"status": current.get_status_display(), "verb": verb}
            )
        before = binding.status
        binding.status, binding.reviewed_by, binding.reviewed_at, binding.review_note = to, reviewer, now, note
        record_event(
            action=action,
            actor=actor,
            obj=binding,
            summary=f"{verb}{binding.user.username} 对 {binding.subject.name} 的绑定",
            before={"status": before},
            after={"status": to, "note": note},
        )
    return binding


def bind_own_subject(*, user, actor) -> SubjectBinding:
    """Bind a verified account to the natural person it belongs to (creating the subject if the
    platform does not know the person yet). Called inside `verify_identity`'s transaction."""
    subject, _created, _warning = find_or_create_subject(
        kind=SubjectKind.NATURAL_PERSON,
        name=user.real_name or user.username,
        identifier=account_id_number(user),
        actor=actor,
    )
    live = SubjectBinding.objects.filter(user=user, subject=subject, status__in=LIVE_STATUSES).first()
    if live is not None and live.status == Status.APPROVED:
        return live
    if live is not None:
        return _change_status(
            live, to=Status.APPROVED, actor=actor, note=_("实名核验通过"), action="binding.approve", verb="通过"
        )
    binding = SubjectBinding.objects.create(
        user=user,
        subject=subject,
        status=Status.APPROVED,
        reviewed_by=actor if getattr(actor, "is_authenticated", False) else None,
        reviewed_at=timezone.now(),
        review_note=_("实名核验通过，自动绑定本人"),
    )
    record_event(
        action="binding.bind_own",
        actor=actor,
        obj=binding,
        summary=f"{user.username} 实名核验通过，绑定本人 {subject.identifier_masked}",
        after={"subject": subject.identifier_masked, "status": binding.status},
    )
    return binding


# --- Queries ----------------------------------------------------------------------------------


def _has_evidence() -> Exists:
    return Exists(BindingEvidence.objects.filter(binding=OuterRef("pk")))


def requested_bindings() -> QuerySet[SubjectBinding]:
    """Bindings asked for with evidence. A natural person's binding to itself comes from identity
    verification and has none: there is nothing in it for a clerk to review."""
    return SubjectBinding.objects.filter(_has_evidence())


def evidence_of(binding: SubjectBinding) -> QuerySet[BindingEvidence]:
    return binding.evidence_files.order_by("pk")  # in upload order: the licence first


def bindings_of(user) -> QuerySet[SubjectBinding]:
    """The account's bindings; `has_evidence` tells a request apart from the binding to itself."""
    return (
        SubjectBinding.objects.filter(user=user)
        .select_related("subject")
        .annotate(has_evidence=_has_evidence())
        .order_by("-created_at")
    )


def bound_subjects(user) -> QuerySet[Subject]:
    """The subjects the account may act for now."""
    if not getattr(user, "is_authenticated", False):
        return Subject.objects.none()
    return Subject.objects.filter(bindings__user=user, bindings__status=Status.APPROVED).distinct().order_by("name")


def bindings_for_review(status: str = Status.PENDING) -> QuerySet[SubjectBinding]:
    bindings = requested_bindings().select_related("user", "subject", "reviewed_by")
    if status:
        bindings = bindings.filter(status=status)
    # The oldest request first: the clerk works through the queue in order.
    return bindings.order_by("created_at", "pk")


def accounts_acting_for(subject: Subject):
    """The active accounts bound to `subject` now: they receive its notifications and answer its
    authorization requests."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(bindings__subject=subject, bindings__status=Status.APPROVED, is_active=True)
        .distinct()
        .order_by("pk")
    )


def acts_for(user, subject: Subject) -> bool:
    return bound_subjects(user).filter(pk=subject.pk).exists()


def accounts_acting_for_many(subject_ids) -> dict[int, list]:
    """`accounts_acting_for` for many subjects in one query (a sweep tells hundreds of subjects
    at once), by subject id; a subject nobody acts for is missing from the result."""
    found: dict[int, list] = {}
    bindings = (
        SubjectBinding.objects.filter(subject_id__in=subject_ids, status=Status.APPROVED, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    for binding in bindings:
        found.setdefault(binding.subject_id, []).append(binding.user)
    return found
