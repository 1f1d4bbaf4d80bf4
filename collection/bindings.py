"""Binding accounts to subjects (主体绑定): who may act for which subject.

A natural person is bound to its own subject as soon as its identity is verified. An agent of a
legal person or of an 个体工商户 asks for a binding with the 统一社会信用代码 and evidence (a copy
of the 营业执照 and, for a legal person, a 授权委托书); a clerk of the 市公共信用信息中心 checks
the evidence and approves or rejects. Every status change goes through `BINDING_TRANSITIONS`.

The evidence files of one request are kept together in one archive built by the platform (the
model has a single file field; see `_bundle`). Each member was checked by `collection.uploads`
before it went in, and the archive is stored uncompressed, so reading it back is cheap and safe.
"""

import io
import json
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import record_event
from catalog.models import SubjectKind

from .identifiers import ORGANISATION_KINDS, IdentifierError, identifier_family, normalise_identifier
from .models import Subject, SubjectBinding
from .personal_data import identifier_hash
from .registration import account_id_number
from .services import SubmissionInvalid, find_or_create_subject
from .uploads import CheckedUpload

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
MANIFEST = "manifest.json"


class EvidenceKind:
    BUSINESS_LICENCE = "business_licence"
    AUTHORISATION_LETTER = "authorisation_letter"
    LABELS = {
        BUSINESS_LICENCE: gettext_lazy("营业执照（副本）"),
        AUTHORISATION_LETTER: gettext_lazy("授权委托书"),
    }


class BindingError(Exception):
    """A binding request or decision that cannot be made; `field` names the form field."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class EvidenceFile:
    kind: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    member: str

    @property
    def label(self) -> str:
        return str(EvidenceKind.LABELS.get(self.kind, self.kind))


# --- Requests ---------------------------------------------------------------------------------


def request_binding(
    *, user, kind: str, name: str, identifier: str, licence: CheckedUpload, letter: CheckedUpload | None = None
) -> SubjectBinding:
    """A pending binding of `user` to the organisation with this 统一社会信用代码."""
    if kind not in ORGANISATION_KINDS:
        raise BindingError(_("请选择“法人和非法人组织”或“个体工商户”"), field="kind")
    if kind == SubjectKind.LEGAL_PERSON and letter is None:
        raise BindingError(_("代表法人和非法人组织办理的，须上传加盖公章的授权委托书"), field="letter")
    evidence = [(EvidenceKind.BUSINESS_LICENCE, licence)]
    if letter is not None:
        evidence.append((EvidenceKind.AUTHORISATION_LETTER, letter))
    bundle, summary = _bundle(evidence)
    with transaction.atomic():
        subject = _subject_for_request(kind=kind, name=name, identifier=identifier, actor=user)
        return _create_request(user=user, subject=subject, bundle=bundle, summary=summary)


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
            _("该统一社会信用代码登记为“%(kind)s”，请重新选择主体类别") % {"kind": subject.get_kind_display()}, field="kind"
        )
    if _comparable_name(subject.name) != _comparable_name(name):
        raise BindingError(
            _("该统一社会信用代码登记的名称为“%(name)s”，与填写的名称不一致，请按营业执照填写") % {"name": subject.name},
            field="name",
        )
    return subject


def _comparable_name(name: str) -> str:
    # Full-width and half-width brackets, spaces: 南通（海门）某公司 == 南通(海门)某公司.
    return "".join(unicodedata.normalize("NFKC", name).split())


def _create_request(*, user, subject: Subject, bundle: bytes, summary: str) -> SubjectBinding:
    live = SubjectBinding.objects.filter(user=user, subject=subject, status__in=LIVE_STATUSES).first()
    if live is not None:
        raise BindingError(
            _("您已申请绑定“%(name)s”（当前状态：%(status)s），无需重复申请")
            % {"name": subject.name, "status": live.get_status_display()}
        )
    try:
        with transaction.atomic():  # a savepoint: a double click may race for the same binding
            binding = SubjectBinding.objects.create(user=user, subject=subject, evidence_name=summary[:255])
    except IntegrityError:
        raise BindingError(_("您已申请绑定“%(name)s”，无需重复申请") % {"name": subject.name}) from None
    binding.evidence.save(f"{uuid.uuid4().hex}.zip", ContentFile(bundle), save=False)
    try:
        binding.save(update_fields=["evidence"])
        record_event(
            action="binding.request", actor=user, obj=binding,
            summary=f"{user.username} 申请绑定 {subject.name}",
            after={"subject": subject.identifier_masked, "subject_name": subject.name, "status": binding.status,
                   "evidence": summary},
        )
    except Exception:
        binding.evidence.delete(save=False)  # the row goes with the transaction; so must its file
        raise
    return binding


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
    return _change_status(binding, to=Status.REJECTED, actor=actor, note=_required_reason(reason),
                          action="binding.reject", verb="驳回")


def revoke_binding(*, binding: SubjectBinding, actor, reason: str) -> SubjectBinding:
    """End a binding, e.g. when the agent has left the organisation."""
    return _change_status(binding, to=Status.REVOKED, actor=actor, note=_required_reason(reason),
                          action="binding.revoke", verb="解除")


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
            action=action, actor=actor, obj=binding,
            summary=f"{verb}{binding.user.username} 对 {binding.subject.name} 的绑定",
            before={"status": before}, after={"status": to, "note": note},
        )
    return binding


def bind_own_subject(*, user, actor) -> SubjectBinding:
    """Bind a verified account to the natural person it belongs to (creating the subject if the
    platform does not know the person yet). Called inside `verify_identity`'s transaction."""
    subject, _created, _warning = find_or_create_subject(
        kind=SubjectKind.NATURAL_PERSON, name=user.real_name or user.username,
        identifier=account_id_number(user), actor=actor,
    )
    live = SubjectBinding.objects.filter(user=user, subject=subject, status__in=LIVE_STATUSES).first()
    if live is not None and live.status == Status.APPROVED:
        return live
    if live is not None:
        return _change_status(live, to=Status.APPROVED, actor=actor, note=_("实名核验通过"),
                              action="binding.approve", verb="通过")
    binding = SubjectBinding.objects.create(
        user=user, subject=subject, status=Status.APPROVED,
        reviewed_by=actor if getattr(actor, "is_authenticated", False) else None,
        reviewed_at=timezone.now(), review_note=_("实名核验通过，自动绑定本人"),
    )
    record_event(
        action="binding.bind_own", actor=actor, obj=binding,
        summary=f"{user.username} 实名核验通过，绑定本人 {subject.identifier_masked}",
        after={"subject": subject.identifier_masked, "status": binding.status},
    )
    return binding


# --- Evidence ---------------------------------------------------------------------------------


def _bundle(evidence: list[tuple[str, CheckedUpload]]) -> tuple[bytes, str]:
    """(archive bytes, summary) of the checked files: one member per file plus a manifest."""
    buffer = io.BytesIO()
    manifest = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for kind, checked in evidence:
            member = f"{kind}.{checked.file_type.extension}"
            checked.file.seek(0)
            with archive.open(member, "w") as target:
                for chunk in iter(lambda: checked.file.read(64 * 1024), b""):
                    target.write(chunk)
            manifest.append({
                "kind": kind, "member": member, "original_name": checked.original_name,
                "content_type": checked.content_type, "size": checked.size, "sha256": checked.sha256,
            })
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False))
    summary = "；".join(f"{EvidenceKind.LABELS[kind]}：{checked.original_name}" for kind, checked in evidence)
    return buffer.getvalue(), summary


def evidence_files(binding: SubjectBinding) -> list[EvidenceFile]:
    if not binding.evidence:
        return []
    with binding.evidence.open("rb") as stored, zipfile.ZipFile(stored) as archive:
        return [EvidenceFile(**entry) for entry in json.loads(archive.read(MANIFEST))]


def read_evidence(binding: SubjectBinding, kind: str) -> tuple[EvidenceFile, bytes] | None:
    """One evidence file and its content, or None when the binding has no such file."""
    entry = next((e for e in evidence_files(binding) if e.kind == kind), None)
    if entry is None:
        return None
    with binding.evidence.open("rb") as stored, zipfile.ZipFile(stored) as archive:
        return entry, archive.read(entry.member)


# --- Queries ----------------------------------------------------------------------------------


def bindings_of(user) -> QuerySet[SubjectBinding]:
    return SubjectBinding.objects.filter(user=user).select_related("subject").order_by("-created_at")


def bound_subjects(user) -> QuerySet[Subject]:
    """The subjects the account may act for now."""
    if not getattr(user, "is_authenticated", False):
        return Subject.objects.none()
    return Subject.objects.filter(bindings__user=user, bindings__status=Status.APPROVED).distinct().order_by("name")


def bindings_for_review(status: str = Status.PENDING) -> QuerySet[SubjectBinding]:
    bindings = SubjectBinding.objects.select_related("user", "subject", "reviewed_by")
    if status:
        bindings = bindings.filter(status=status)
    # The oldest request first: the clerk works through the queue in order.
    return bindings.exclude(evidence="").order_by("created_at", "pk")
