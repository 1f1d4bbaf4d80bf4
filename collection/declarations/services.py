"""Self-declarations (自主申报, Art. 10) and warning records (警示记录, Art. 23).

A subject's account declares good information under a catalog item that accepts it; the
reviewer of the 市经济和信息化部门 records that the original documents were seen and approves,
and the declaration becomes a record through the one submission pipeline
(`collection.services.records.submit_record`, channel `self_declaration`, so the record is marked
self-declared). A declaration later found false has its record revoked and a warning record
entered on the subject through the same pipeline, in one transaction.

Who records it: Art. 10 sends declarations to the 市经济和信息化部门, today's 市工业和信息化局,
the provider `settings.SELF_DECLARATION_PROVIDER_CODE` ("gxj"). Only items for which the catalog
names that provider as responsible can be declared. There is deliberately no fallback to
another responsible provider: the record would then be published as that department's
information although it never saw the originals, and would count in its timeliness report.
An item the catalog marks self-declarable without naming the provider is listed to the
reviewers as "cannot be accepted" so that the catalog admin corrects the catalog.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from catalog.models import CatalogItem, FieldType, Provider, SubjectKind
from catalog.selectors import published_version
from collection.subject_categories import SUBJECT_CATEGORY_LABELS
from nantong_credit.uploads import CheckedUpload

from ..bindings import bound_subjects
from ..models import Channel, DeclarationAttachment, SelfDeclaration, Subject
from ..personal_data import decrypt_identifier
from ..selectors import PublishedItems
from ..services.checks import DECISION_DATE_KEY
from ..services.errors import ProviderNotResponsible, SubmissionInvalid
from ..services.records import submit_record
from ..validation import validate_data

Status = SelfDeclaration.Status

# The one place that says which status may follow which.
DECLARATION_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset({Status.APPROVED, Status.REJECTED}),
    Status.APPROVED: frozenset({Status.FOUND_FALSE}),
    Status.REJECTED: frozenset(),
    Status.FOUND_FALSE: frozenset(),
}
DEFAULT_PROVIDER_CODE = "gxj"
MAX_ATTACHMENTS = 10
ARTICLE_23 = "《南通市公共信用信息归集和使用暂行办法》第二十三条"
REASON_MAX = 200  # a record revision's reason (RecordRevision.reason)
NON_FIELD = "__all__"

# 双公示-standard keys the platform fills itself: who the record is about and who records it.
# The declarant cannot type them (a declaration is always about the bound subject); an ID
# number is never put into a record's data in clear.
SUBJECT_KEYS = frozenset(
    {"subject_name", "person_name", "subject_category", "uscc", "legal_representative", "id_type", "id_number"}
)
SOURCE_KEYS = frozenset({"source_unit", "source_unit_uscc"})
AUTHORITY_KEYS = frozenset({"authority", "authority_uscc"})


class DeclarationError(Exception):
    """A declaration or decision that cannot be made; `errors` maps form fields to messages."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


# --- Which provider, which items --------------------------------------------------------------


def declaration_provider() -> Provider | None:
    """The department that receives declarations and records them (Art. 10)."""
    code = getattr(settings, "SELF_DECLARATION_PROVIDER_CODE", DEFAULT_PROVIDER_CODE)
    return Provider.objects.filter(code=code, is_active=True).first()


def _self_declarable(items: QuerySet[CatalogItem]) -> QuerySet[CatalogItem]:
    version = published_version()
    if version is None:
        return CatalogItem.objects.none()
    return items.filter(version=version, accepts_self_declaration=True).order_by("position", "code")


def declarable_items(subject: Subject, provider: Provider | None = None) -> list[CatalogItem]:
    """Published items this subject may declare: self-declarable, applicable to its kind and
    recorded by the declaration provider."""
    provider = provider or declaration_provider()
    if provider is None:
        return []
    items = _self_declarable(CatalogItem.objects.filter(providers=provider))
    return [item for item in items if subject.kind in item.subject_kinds]


def items_not_receivable(provider: Provider | None = None) -> list[CatalogItem]:
    """Self-declarable items the declaration provider is not responsible for (a catalog error)."""
    provider = provider or declaration_provider()
    items = _self_declarable(CatalogItem.objects.all())
    return list(items.exclude(providers=provider)) if provider else list(items)


def warning_item(subject: Subject, provider: Provider) -> CatalogItem | None:
    """The published warning item (Art. 23) the provider records for this kind of subject."""
    version = published_version()
    if version is None:
        return None
    items = version.items.filter(is_warning=True, providers=provider).order_by("position", "code")
    return next((item for item in items if subject.kind in item.subject_kinds), None)


# --- Field values -----------------------------------------------------------------------------


def locked_values(item: CatalogItem, subject: Subject, provider: Provider, *, authority: bool = False) -> dict:
    """The values of the platform-filled keys the item has. `authority` also fills the deciding
    authority with the provider (for a warning record the provider itself decides)."""
    fields = {f.key: f for f in item.fields.all()}
    natural = subject.kind == SubjectKind.NATURAL_PERSON
    category = SUBJECT_CATEGORY_LABELS.get(subject.kind, "")
    category_choices = fields["subject_category"].choices if "subject_category" in fields else []
    candidates = {
        "subject_name": subject.name,
        "person_name": subject.name if natural else "",
        "subject_category": category if category in category_choices else "",
        "uscc": subject.code or "",
        "legal_representative": subject.legal_representative,
        "id_type": "身份证" if natural and "id_type" in fields and "身份证" in fields["id_type"].choices else "",
        "source_unit": provider.name,
        "source_unit_uscc": provider.uscc,
    }
    if authority:
        candidates.update({"authority": provider.name, "authority_uscc": provider.uscc})
    return {key: value for key, value in candidates.items() if key in fields and value}


def locked_keys(*, authority: bool = False) -> frozenset[str]:
    return SUBJECT_KEYS | SOURCE_KEYS | (AUTHORITY_KEYS if authority else frozenset())


def check_item_data(
    *, item: CatalogItem, subject: Subject, provider: Provider, data: dict, authority: bool = False
) -> dict:
    """The normalised values of `data` plus the platform-filled ones, checked by the same
    `validate_data` the pipeline uses; `DeclarationError` with field errors otherwise."""
    locked = locked_keys(authority=authority)
    merged = {key: value for key, value in data.items() if key not in locked}
    merged.update(locked_values(item, subject, provider, authority=authority))
    fields = list(item.fields.all())
    values, errors = validate_data(fields, merged)
    _check_not_future(fields, values, errors)
    if errors:
        raise DeclarationError(_("填写的内容有误，请按提示修改"), _route_errors(errors, fields, locked))
    return values


def _check_not_future(fields, values: dict, errors: dict) -> None:
    """Declared information is about decisions already made (the pipeline refuses the same)."""
    is_date = any(f.key == DECISION_DATE_KEY and f.type == FieldType.DATE for f in fields)
    if is_date and values.get(DECISION_DATE_KEY) and DECISION_DATE_KEY not in errors:
        if dt.date.fromisoformat(values[DECISION_DATE_KEY]) > timezone.localdate():
            errors[DECISION_DATE_KEY] = [_("日期不能晚于今天")]


def _route_errors(errors: dict, fields, locked: frozenset[str]) -> dict[str, list[str]]:
    """Errors of fields nobody can edit go to the form as a whole, saying whom to contact."""
    labels = {f.key: f.label for f in fields}
    routed: dict[str, list[str]] = {}
    for key, messages in errors.items():
        if key in locked:
            routed.setdefault(NON_FIELD, []).append(
                _("平台自动填写的“%(label)s”无法通过校验（%(msg)s），请联系市公共信用信息中心")
                % {"label": labels.get(key, key), "msg": "；".join(messages)}
            )
        else:
            routed[key] = list(messages)
    return routed


def subject_payload(subject: Subject) -> dict:
    """The subject as the pipeline expects it (SPEC §6), from the platform's own registry."""
    identifier = subject.code if subject.code else decrypt_identifier(subject.identifier_encrypted)
    return {"kind": subject.kind, "name": subject.name, "identifier": identifier}


# --- Submitting -------------------------------------------------------------------------------


def submit_declaration(
    *, declarant, subject: Subject, item_code: str, data: dict, attachments: list[CheckedUpload]
) -> SelfDeclaration:
    """A submitted declaration with its attachments, or `DeclarationError`."""
    if not bound_subjects(declarant).filter(pk=subject.pk).exists():
        raise DeclarationError(_("您的账号未绑定该主体，不能代其申报"))
    provider = declaration_provider()
    if provider is None:
        raise DeclarationError(_("自主申报暂未开通，请联系市工业和信息化局"))
    item = next((i for i in declarable_items(subject, provider) if i.code == item_code), None)
    if item is None:
        raise DeclarationError(_("该事项不接受此类主体的自主申报"))
    if not attachments:
        raise DeclarationError(_("请上传证明材料的扫描件或照片"), {"attachments": [_("请至少上传一个文件")]})
    if len(attachments) > MAX_ATTACHMENTS:
        raise DeclarationError(_("附件过多"), {"attachments": [_("最多上传%(n)d个文件") % {"n": MAX_ATTACHMENTS}]})
    values = check_item_data(item=item, subject=subject, provider=provider, data=data)
    with transaction.atomic():
        declaration = SelfDeclaration.objects.create(
            subject=subject, declarant=declarant, item_code=item.code, catalog_item=item, data=values
        )
        _save_attachments(declaration, attachments)
        record_event(
            action="declaration.submit",
            actor=declarant,
            obj=declaration,
            summary=f"{subject.name} 自主申报{item.name}",
            after={
                "subject": subject.identifier_masked,
                "item": item.code,
                "data": values,
                "attachments": [a.sha256 for a in attachments],
            },
        )
    return declaration


def _save_attachments(declaration: SelfDeclaration, attachments: list[CheckedUpload]) -> None:
    saved: list[DeclarationAttachment] = []
    try:
        for checked in attachments:
            attachment = DeclarationAttachment(
                declaration=declaration,
                original_name=checked.original_name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
            )
            checked.file.seek(0)
            attachment.file.save(checked.storage_name(), File(checked.file), save=False)
            saved.append(attachment)
            attachment.save()
    except Exception:
        for attachment in saved:  # the rows go with the transaction; so must their files
            attachment.file.delete(save=False)
        raise


# --- Reviewing --------------------------------------------------------------------------------


def record_originals_seen(*, declaration: SelfDeclaration, actor) -> SelfDeclaration:
    """The reviewer has seen the original documents (Art. 10); approval requires it."""
    _refuse_own(declaration, actor)
    with transaction.atomic():
        now = timezone.now()
        updated = SelfDeclaration.objects.filter(
            pk=declaration.pk, status=Status.SUBMITTED, originals_seen_at__isnull=True
        ).update(originals_seen_at=now)
        if not updated:
            current = SelfDeclaration.objects.get(pk=declaration.pk)
            if current.status != Status.SUBMITTED:
                raise DeclarationError(_("该申报已审核完毕（%(s)s），无需再记录") % {"s": current.get_status_display()})
            raise DeclarationError(_("已于%(t)s记录核验原始证明材料") % {"t": _local(current.originals_seen_at)})
        declaration.originals_seen_at = now
        record_event(
            action="declaration.originals_seen",
            actor=actor,
            obj=declaration,
            summary=f"核验 {declaration.subject.name} 自主申报的原始证明材料",
            before={"originals_seen_at": None},
            after={"originals_seen_at": now},
        )
    return declaration


def approve_declaration(*, declaration: SelfDeclaration, actor, note: str = "") -> SelfDeclaration:
    """Approve and record: the declaration becomes a self-declared record of the provider."""
    _refuse_own(declaration, actor)
    if declaration.originals_seen_at is None:
        raise DeclarationError(_("请先核验原始证明材料并记录，再审核通过"))
    provider = _provider_or_error()
    item = PublishedItems().get(declaration.item_code)
    if item is None or not item.accepts_self_declaration:
        raise DeclarationError(_("现行目录已不再接受该事项的自主申报，请驳回申报"))
    with transaction.atomic():
        _change_status(
            declaration, to=Status.APPROVED, actor=actor, note=note.strip(), extra={"originals_seen_at__isnull": False}
        )
        result = _submit(
            provider=provider,
            item_code=declaration.item_code,
            source_key=f"SD-{declaration.pk}",
            subject=declaration.subject,
            data=declaration.data,
            actor=actor,
            channel=Channel.SELF_DECLARATION,
        )
        SelfDeclaration.objects.filter(pk=declaration.pk).update(record=result.record)
        declaration.record = result.record
        record_event(
            action="declaration.approve",
            actor=actor,
            obj=declaration,
            summary=f"通过 {declaration.subject.name} 的自主申报，记入信用记录 {result.record.source_key}",
            before={"status": Status.SUBMITTED},
            after={"status": Status.APPROVED, "record": result.record.pk},
        )
    return declaration


def reject_declaration(*, declaration: SelfDeclaration, actor, reason: str) -> SelfDeclaration:
    _refuse_own(declaration, actor)
    reason = _required(reason, _("请填写驳回理由，申报人将看到该理由"))
    with transaction.atomic():
        _change_status(declaration, to=Status.REJECTED, actor=actor, note=reason)
        record_event(
            action="declaration.reject",
            actor=actor,
            obj=declaration,
            summary=f"驳回 {declaration.subject.name} 的自主申报",
            before={"status": Status.SUBMITTED},
            after={"status": Status.REJECTED, "reason": reason},
        )
    return declaration


def find_declaration_false(*, declaration: SelfDeclaration, actor, reason: str, warning_data: dict) -> SelfDeclaration:
    """查实弄虚作假 (Art. 23): revoke the declared record and enter a warning record on the
    subject, both through the pipeline and in one transaction with the status change."""
    _refuse_own(declaration, actor)
    reason = _required(reason, _("请填写撤销原因"))
    if len(reason) > REASON_MAX:
        raise DeclarationError(_("撤销原因过长"), {"reason": [_("最多%(n)d个字") % {"n": REASON_MAX}]})
    provider = _provider_or_error()
    item = warning_item(declaration.subject, provider)
    if item is None:
        raise DeclarationError(_("现行目录中没有本单位负责、适用于该主体的警示记录事项，无法记入警示记录"))
    values = check_item_data(
        item=item, subject=declaration.subject, provider=provider, data=warning_data, authority=True
    )
    with transaction.atomic():
        _change_status(declaration, to=Status.FOUND_FALSE, actor=actor, note=reason)
        record = declaration.record
        if record is not None:
            _submit(
                provider=record.provider,
                item_code=record.item_code,
                source_key=record.source_key,
                actor=actor,
                channel=Channel.SELF_DECLARATION,
                revoke=True,
                reason=reason,
            )
        warning = _submit(
            provider=provider,
            item_code=item.code,
            source_key=f"SDW-{declaration.pk}",
            subject=declaration.subject,
            data=values,
            actor=actor,
            channel=Channel.FORM,
        ).record
        SelfDeclaration.objects.filter(pk=declaration.pk).update(warning_record=warning)
        declaration.warning_record = warning
        record_event(
            action="declaration.found_false",
            actor=actor,
            obj=declaration,
            summary=f"查实 {declaration.subject.name} 自主申报弄虚作假，撤销申报记录并记入警示记录",
            before={"status": Status.APPROVED},
            after={
                "status": Status.FOUND_FALSE,
                "reason": reason,
                "revoked_record": record.pk if record else None,
                "warning_record": warning.pk,
            },
        )
    return declaration


def warning_prefill(declaration: SelfDeclaration) -> dict:
    """Proposed values of the warning record's editable fields; the reviewer completes them."""
    item_name = declaration.catalog_item.name
    summary = next((str(v) for k, v in declaration.data.items() if k.endswith("_name") and k not in SUBJECT_KEYS), "")
    return {
        "declared_matter": f"{item_name}：{summary}" if summary else item_name,
        DECISION_DATE_KEY: timezone.localdate().isoformat(),
        "basis": ARTICLE_23,
        "legal_basis": ARTICLE_23,
    }


def _provider_or_error() -> Provider:
    provider = declaration_provider()
    if provider is None:
        raise DeclarationError(_("未配置受理自主申报的单位（SELF_DECLARATION_PROVIDER_CODE），请联系系统管理员"))
    return provider


def _refuse_own(declaration: SelfDeclaration, actor) -> None:
    if declaration.declarant_id == getattr(actor, "pk", None):
        raise DeclarationError(_("不能审核本人提交的申报"))


def _required(text: str, message: str) -> str:
    text = str(text or "").strip()
    if not text:
        raise DeclarationError(message, {"reason": [message]})
    return text


def _submit(*, subject: Subject | None = None, **kwargs):
    """`submit_record`, its refusals turned into a reviewer-readable `DeclarationError`."""
    if subject is not None:
        kwargs["subject"] = subject_payload(subject)
    try:
        return submit_record(**kwargs)
    except SubmissionInvalid as exc:
        details = "；".join(f"{path}：{'、'.join(messages)}" for path, messages in exc.errors.items())
        raise DeclarationError(_("信用记录未通过目录校验，未作任何变更：%(d)s") % {"d": details}) from None
    except ProviderNotResponsible as exc:
        raise DeclarationError(str(exc)) from None


def _change_status(declaration: SelfDeclaration, *, to: str, actor, note: str, extra: dict | None = None) -> None:
    """Move to `to` if the current status allows it, by a conditional update: of two reviewers
    deciding at once exactly one succeeds, the other gets a clear refusal."""
    allowed_from = [status for status, targets in DECLARATION_TRANSITIONS.items() if to in targets]
    now = timezone.now()
    reviewer = actor if getattr(actor, "is_authenticated", False) else None
    updated = SelfDeclaration.objects.filter(pk=declaration.pk, status__in=allowed_from, **(extra or {})).update(
        status=to, reviewed_by=reviewer, reviewed_at=now, review_note=note
    )
    if not updated:
        current = SelfDeclaration.objects.get(pk=declaration.pk)
        if current.status in allowed_from:  # only the extra condition failed
            raise DeclarationError(_("请先核验原始证明材料并记录，再审核通过"))
        raise DeclarationError(
            _("该申报当前状态为“%(status)s”，不能改为“%(to)s”（可能已由其他审核人员处理）")
            % {"status": current.get_status_display(), "to": Status(to).label}
        )
    declaration.status, declaration.reviewed_by, declaration.reviewed_at, declaration.review_note = (
        to,
        reviewer,
        now,
        note,
    )


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


# --- Queries ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    value: str


def data_rows(item: CatalogItem, data: dict) -> list[Row]:
    """The values in the item's field order, as people read them."""
    rows = []
    for field in item.fields.all():
        value = data.get(field.key)
        if value in (None, "", []):
            continue
        if isinstance(value, bool):
            text = "是" if value else "否"
        elif isinstance(value, list):
            text = "、".join(str(v) for v in value)
        else:
            text = str(value)
        rows.append(Row(field.label, text))
    return rows


def declarations_of(user) -> QuerySet[SelfDeclaration]:
    return (
        SelfDeclaration.objects.filter(declarant=user)
        .select_related("subject", "catalog_item", "record")
        .order_by("-submitted_at", "-pk")
    )


def declarations_for_review(status: str = Status.SUBMITTED) -> QuerySet[SelfDeclaration]:
    declarations = SelfDeclaration.objects.select_related("subject", "catalog_item", "declarant", "reviewed_by")
    if status:
        declarations = declarations.filter(status=status)
    return declarations.order_by("submitted_at", "pk")
