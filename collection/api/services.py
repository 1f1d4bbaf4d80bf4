"""What the provider API does with a JSON body: check its shape, then hand it to `submit_record`.

`submit_record` is the one validator of a submission's content (the form and the bulk file use
it too), so this module only checks what is particular to JSON: that the body is an object, that
it has no keys the API does not know, and that `item`, `source_key` and `reason` are plain
values. Errors use the pipeline's paths (`subject.identifier`, `data.penalty_amount`); in a
batch they are prefixed with the entry (`records[3].data.penalty_amount`).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from nantong_credit.json_body import BODY_PATH

from ..models import ApiToken, Channel, CreditRecord
from ..selectors import PublishedItems, record_of_provider
from ..services.errors import ProviderNotResponsible, SubmissionInvalid
from ..services.records import SubmissionResult, submit_record
from ..validation import json_type_name
from .auth import actor_label

RECORD_KEYS = ("item", "source_key", "subject", "data", "reason")
REVOKE_KEYS = ("item", "source_key", "reason")
BATCH_MAX = 500


class RecordNotFound(Exception):
    """The provider has no such record (whether or not another provider has one)."""


@dataclass
class BatchEntry:
    index: int
    record: CreditRecord
    outcome: str
    warnings: list[str] = field(default_factory=list)


def submit_api_record(*, token: ApiToken, body) -> SubmissionResult:
    """One record from `POST /api/v1/records/`; raises `SubmissionInvalid` or
    `ProviderNotResponsible` like the pipeline."""
    errors = shape_errors(body, keys=RECORD_KEYS, where=BODY_PATH)
    if errors:
        raise SubmissionInvalid(errors)
    return _submit(token, body)


def submit_api_batch(*, token: ApiToken, body) -> list[BatchEntry]:
    """Up to `BATCH_MAX` records, all or none: every entry's errors are collected first, and any
    error rolls back the entries already stored."""
    entries = _batch_entries(body)
    items = PublishedItems()  # the catalog is loaded once for the whole batch
    errors: dict[str, list[str]] = {}
    stored: list[BatchEntry] = []
    seen: dict[tuple[str, str], int] = {}
    with transaction.atomic():
        for index, entry in enumerate(entries):
            entry_errors = _entry_errors(index, entry, seen)
            if entry_errors:
                errors.update(entry_errors)
                continue
            try:
                result = _submit(token, entry, items=items)
            except SubmissionInvalid as exc:
                errors.update({f"records[{index}].{path}": messages for path, messages in exc.errors.items()})
                continue
            except ProviderNotResponsible as exc:
                raise ProviderNotResponsible(f"records[{index}]：{exc}") from None
            stored.append(BatchEntry(index, result.record, result.outcome, result.warnings))
        if errors:
            raise SubmissionInvalid(errors)  # leaving the block this way rolls every entry back
    return stored


def revoke_api_record(*, token: ApiToken, body) -> SubmissionResult:
    """撤销 through the pipeline; `RecordNotFound` when this provider has no such record."""
    errors = shape_errors(body, keys=REVOKE_KEYS, where=BODY_PATH)
    if not errors and not body.get("item"):
        errors["item"] = [_("未填写目录事项代码")]
    if errors:
        raise SubmissionInvalid(errors)
    item_code, source_key = body["item"], (body.get("source_key") or "").strip()
    # Another provider's record is "not found" too: a provider never learns what others hold.
    if source_key and record_of_provider(provider=token.provider, item_code=item_code, source_key=source_key) is None:
        raise RecordNotFound(item_code, source_key)
    return submit_record(
        provider=token.provider,
        item_code=item_code,
        source_key=source_key,
        revoke=True,
        reason=body.get("reason") or "",
        actor=actor_label(token),
        channel=Channel.API,
    )


def record_for_token(*, token: ApiToken, pk: int) -> CreditRecord:
    """A record the token's provider submitted, with its revisions; `RecordNotFound` for any
    other, so that a provider cannot tell another provider's record from a missing one."""
    record = (
        CreditRecord.objects.filter(provider=token.provider, pk=pk)
        .select_related("subject", "catalog_item")
        .prefetch_related("revisions")
        .first()
    )
    if record is None:
        raise RecordNotFound(pk)
    return record


def _submit(token: ApiToken, body: Mapping, *, items: PublishedItems | None = None) -> SubmissionResult:
    return submit_record(
        provider=token.provider,
        # A missing key reaches check_submission as None and is refused there, field by field.
        item_code=body.get("item"),  # type: ignore[arg-type]
        source_key=body.get("source_key"),  # type: ignore[arg-type]
        subject=body.get("subject"),
        data=body.get("data"),
        reason=body.get("reason") or "",
        actor=actor_label(token),
        channel=Channel.API,
        items=items,
    )


# --- Shape checks -------------------------------------------------------------------------------


def shape_errors(body, *, keys: tuple[str, ...], where: str, prefix: str = "") -> dict[str, list[str]]:
    """Errors of a JSON object's shape; the pipeline checks the content."""
    if not isinstance(body, dict):
        return {where: [_("应为JSON对象（以 { 开头），收到%(type)s") % {"type": json_type_name(body)}]}
    errors: dict[str, list[str]] = {}
    for key in sorted(set(body) - set(keys)):
        errors[f"{prefix}{key}"] = [
            _("未知的字段“%(key)s”，可用字段：%(keys)s") % {"key": key, "keys": "、".join(keys)}
        ]
    for key in ("item", "source_key", "reason"):
        if key in keys and body.get(key) is not None and not isinstance(body[key], str):
            errors[f"{prefix}{key}"] = [_("应为字符串，收到%(type)s") % {"type": json_type_name(body[key])}]
    return errors


def _batch_entries(body) -> list:
    errors = shape_errors(body, keys=("records",), where=BODY_PATH)
    if errors:
        raise SubmissionInvalid(errors)
    entries = body.get("records")
    if not isinstance(entries, list):
        message = (
            _("未填写records") if entries is None else _("应为数组，收到%(type)s") % {"type": json_type_name(entries)}
        )
        raise SubmissionInvalid({"records": [message]})
    if not 1 <= len(entries) <= BATCH_MAX:
        raise SubmissionInvalid(
            {
                "records": [
                    _("一批应有1至%(max)d条记录，收到%(n)d条；更多记录请分批报送或使用批量导入")
                    % {"max": BATCH_MAX, "n": len(entries)}
                ]
            }
        )
    return entries


def _entry_errors(index: int, entry, seen: dict[tuple[str, str], int]) -> dict[str, list[str]]:
    """Shape errors of one entry, or a second entry for the same record (which of two revisions
    in one batch should win is anybody's guess, so neither is stored)."""
    prefix = f"records[{index}]."
    errors = shape_errors(entry, keys=RECORD_KEYS, where=f"records[{index}]", prefix=prefix)
    if errors:
        return errors
    identity = _identity(entry)
    if identity is None:
        return {}
    first = seen.setdefault(identity, index)
    if first != index:
        return {
            f"{prefix}source_key": [
                _("与本批第%(n)d条（records[%(i)d]）的事项和业务编号相同，同一记录在一批中只能出现一次")
                % {"n": first + 1, "i": first}
            ]
        }
    return {}


def _identity(entry: dict) -> tuple[str, str] | None:
    if not entry.get("item") or entry.get("source_key") in (None, ""):
        return None
    return str(entry["item"]), str(entry["source_key"]).strip()
