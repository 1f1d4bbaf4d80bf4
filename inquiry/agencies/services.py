"""Credit service agencies (信用服务机构, Art. 12 para. 3 "鼓励信用服务机构查询使用信用信息"): an
agency registers as a requester organisation, the center approves or refuses it, its admins
create API keys with a daily quota the center sets, and either side revokes a key at once.

`TRANSITIONS` is the one place that says which decision may follow which. Every step is audited
and the people concerned are told.
"""

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from collection.identifiers import IdentifierError, normalise_uscc
from collection.validation import id_number_in_text_message
from nantong_credit import roles
from nantong_credit.model_fields import max_length
from nantong_credit.notifications import notify

from .models import AgencyApiKey, AgencyMember, CreditAgency

Status = CreditAgency.Status
KEY_TOUCH_INTERVAL = dt.timedelta(minutes=1)
NOTE_MAX = max_length(CreditAgency, "decision_note")
MAX_MEMBERS = 20


class AgencyError(Exception):
    """A registration or decision that cannot be made; `field` names the form field it concerns."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    verb: str


# The one place that says which status may follow which; only the center decides.
TRANSITIONS: dict[str, Transition] = {
    "approve": Transition(Status.PENDING, Status.APPROVED, "批准"),
    "refuse": Transition(Status.PENDING, Status.REFUSED, "不予批准"),
}
REVIEW_PERMISSION = "inquiry.review_creditagency"
MANAGE_KEYS_PERMISSION = "inquiry.change_agencyapikey"


# --- Registration -----------------------------------------------------------------------------


def register_agency(
    *,
    registrant,
    name: str,
    uscc: str,
    licence_number: str,
    contact_name: str,
    contact_phone: str,
    contact_email: str = "",
    member_usernames: Iterable[str] = (),
) -> CreditAgency:
    """The registrant becomes the agency's admin; the accounts it names act for the agency too.
    Each must be a requester whose identity the center has verified (Art. 11 有效身份证明)."""
    _check_requester_account(registrant, field=None)
    members = _member_accounts(member_usernames, registrant)
    agency = CreditAgency(
        name=_text(name, _("请填写机构名称"), "name", max_length(CreditAgency, "name")),
        uscc=_uscc(uscc),
        licence_number=_text(
            licence_number,
            _("请填写信用服务机构备案（许可）编号"),
            "licence_number",
            max_length(CreditAgency, "licence_number"),
        ),
        contact_name=_text(contact_name, _("请填写联系人"), "contact_name", max_length(CreditAgency, "contact_name")),
        contact_phone=_text(
            contact_phone, _("请填写联系电话"), "contact_phone", max_length(CreditAgency, "contact_phone")
        ),
        contact_email=str(contact_email or "").strip(),
        registered_by=registrant,
    )
    try:
        with transaction.atomic():
            agency.save()
            AgencyMember.objects.create(agency=agency, user=registrant, is_admin=True)
            AgencyMember.objects.bulk_create([AgencyMember(agency=agency, user=user) for user in members])
            record_event(
                action="agency.register",
                actor=registrant,
                obj=agency,
                summary=f"{registrant.get_username()} 申请登记信用服务机构 {agency.name}",
                after=_snapshot(agency) | {"members": [u.get_username() for u in [registrant, *members]]},
            )
            notify(
                _clerks(),
                title=_("信用服务机构登记申请待审核：%(n)s") % {"n": agency.name},
                body=_("统一社会信用代码：%(c)s\n备案（许可）编号：%(l)s")
                % {"c": agency.uscc, "l": agency.licence_number},
                link=reverse("agency_office:detail", args=[agency.pk]),
            )
            notify(
                members,
                title=_("%(w)s将您登记为%(n)s的经办账号") % {"w": _who(registrant), "n": agency.name},
                body=_("该机构经市公共信用信息中心批准后，您可以代表该机构申请授权查询。如有疑问请联系中心。"),
                link=reverse("agencies:detail", args=[agency.pk]),
            )
    except IntegrityError:
        raise AgencyError(_("该统一社会信用代码的机构已登记或正在审核中"), field="uscc") from None
    return agency


def _check_requester_account(user, *, field: str | None) -> None:
    if roles.REQUESTER not in user.role_names:
        raise AgencyError(_("账号%(u)s不是查询申请人账号") % {"u": user.get_username()}, field=field)
    if user.identity_verified_at is None:
        if field is None:
            raise AgencyError(_("登记信用服务机构须提供有效身份证明：请先到市公共信用信息中心完成实名核验。"))
        raise AgencyError(_("账号%(u)s尚未完成实名核验") % {"u": user.get_username()}, field=field)


def _member_accounts(usernames: Iterable[str], registrant) -> list:
    names = sorted({str(n).strip() for n in usernames if str(n).strip()} - {registrant.get_username()})
    if len(names) > MAX_MEMBERS:
        raise AgencyError(_("经办账号最多%(n)d个") % {"n": MAX_MEMBERS}, field="members")
    users = {u.get_username(): u for u in get_user_model().objects.filter(username__in=names, is_active=True)}
    missing = [n for n in names if n not in users]
    if missing:
        raise AgencyError(_("没有这些账号：%(n)s") % {"n": "、".join(missing)}, field="members")
    for user in users.values():
        _check_requester_account(user, field="members")
    return [users[n] for n in names]


def _uscc(raw: str) -> str:
    try:
        return normalise_uscc(raw).value
    except IdentifierError as exc:
        raise AgencyError(exc.message, field="uscc") from None


def _text(text: str, message: str, field: str, limit: int) -> str:
    text = str(text or "").strip()
    if not text:
        raise AgencyError(message, field=field)
    if len(text) > limit:
        raise AgencyError(_("最多%(n)d个字") % {"n": limit}, field=field)
    problem = id_number_in_text_message(_label(field), text)
    if problem:  # free text never holds an ID number (README, "No ID number reaches a log")
        raise AgencyError(problem, field=field)
    return text


def _label(field: str) -> str:
    try:
        return str(getattr(CreditAgency._meta.get_field(field), "verbose_name", field))
    except FieldDoesNotExist:  # a key's own name
        return _("名称")


# --- The center's decision --------------------------------------------------------------------


def approve_agency(*, agency: CreditAgency, actor, note: str = "") -> CreditAgency:
    return _decide(agency, "approve", actor=actor, note=_note(note, required=False))


def refuse_agency(*, agency: CreditAgency, actor, reason: str) -> CreditAgency:
    return _decide(agency, "refuse", actor=actor, note=_note(reason, required=True))


def _decide(agency: CreditAgency, action: str, *, actor, note: str) -> CreditAgency:
    """Conditional on the status, so that of two clerks deciding at once exactly one wins."""
    step = TRANSITIONS[action]
    if not actor.has_perm(REVIEW_PERMISSION):
        raise AgencyError(_("只有市公共信用信息中心工作人员可以审核信用服务机构"))
    if agency.members.filter(user=actor).exists():
        raise AgencyError(_("不能审核本人所在机构的登记申请"))
    values = {"status": step.target, "decided_at": timezone.now(), "decided_by": actor, "decision_note": note}
    with transaction.atomic():
        if not CreditAgency.objects.filter(pk=agency.pk, status=step.source).update(**values):
            current = CreditAgency.objects.get(pk=agency.pk)
            raise AgencyError(
                _("该机构当前状态为“%(s)s”，不能%(v)s（可能已有人处理）")
                % {"s": current.get_status_display(), "v": step.verb}
            )
        before = _snapshot(agency)
        for key, value in values.items():
            setattr(agency, key, value)
        record_event(
            action=f"agency.{action}",
            actor=actor,
            obj=agency,
            summary=f"{step.verb}信用服务机构 {agency.name}",
            before=before,
            after=_snapshot(agency) | {"note": note},
        )
        approved = step.target == Status.APPROVED
        notify(
            agency_accounts(agency),
            title=(_("信用服务机构登记已批准：%(n)s") if approved else _("信用服务机构登记未获批准：%(n)s"))
            % {"n": agency.name},
            body=(_("机构管理员现在可以创建接口密钥。") if approved else "")
            + (f"\n{_('意见：')}{note}" if note else ""),
            link=reverse("agencies:detail", args=[agency.pk]),
        )
    return agency


def _note(text: str, *, required: bool) -> str:
    text = str(text or "").strip()
    if required and not text:
        raise AgencyError(_("请填写不予批准的理由"), field="reason")
    if len(text) > NOTE_MAX:
        raise AgencyError(_("最多%(n)d个字") % {"n": NOTE_MAX}, field="reason")
    return text


# --- API keys ---------------------------------------------------------------------------------


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_agency_key(*, agency: CreditAgency, actor, name: str) -> tuple[AgencyApiKey, str]:
    """A new key and its secret; only the hash is stored: show the secret now or never."""
    if agency.status != Status.APPROVED:
        raise AgencyError(_("机构经批准后才能创建接口密钥"))
    if not is_agency_admin(actor, agency):
        raise AgencyError(_("只有机构管理员可以创建接口密钥"))
    name = _text(name, _("请填写密钥名称"), "name", max_length(AgencyApiKey, "name"))
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        key = AgencyApiKey.objects.create(
            agency=agency, name=name, prefix=secret[:8], key_hash=_key_hash(secret), created_by=actor
        )
        record_event(
            action="agencykey.create",
            actor=actor,
            obj=key,
            summary=f"为信用服务机构 {agency.name} 创建接口密钥“{key.name}”",
            after={"agency": agency.uscc, "name": key.name, "prefix": key.prefix, "daily_quota": key.quota},
        )
        notify(
            _admins(agency),
            title=_("%(n)s新建了接口密钥“%(k)s”") % {"n": agency.name, "k": key.name},
            body=_("创建人：%(w)s；密钥前缀：%(p)s") % {"w": _who(actor), "p": key.prefix},
            link=reverse("agencies:detail", args=[agency.pk]),
        )
    return key, secret


def revoke_agency_key(*, key: AgencyApiKey, actor) -> AgencyApiKey:
    """By an admin of the agency or by the center; the next call with the key gets 401."""
    by_center = actor.has_perm(MANAGE_KEYS_PERMISSION)
    if not (by_center or is_agency_admin(actor, key.agency)):
        raise AgencyError(_("只有机构管理员或市公共信用信息中心可以吊销接口密钥"))
    now = timezone.now()
    with transaction.atomic():
        if not AgencyApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=now, revoked_by=actor):
            raise AgencyError(_("该密钥已吊销"))
        key.revoked_at, key.revoked_by = now, actor
        record_event(
            action="agencykey.revoke",
            actor=actor,
            obj=key,
            summary=f"吊销信用服务机构 {key.agency.name} 的接口密钥“{key.name}”",
            before={"revoked_at": None},
            after={"revoked_at": now, "prefix": key.prefix, "by_center": by_center},
        )
        notify(
            _admins(key.agency),
            title=_("接口密钥“%(k)s”已吊销") % {"k": key.name},
            body=_("吊销人：%(w)s") % {"w": _("市公共信用信息中心") if by_center else _who(actor)},
            link=reverse("agencies:detail", args=[key.agency_id]),
        )
    return key


def set_key_quota(*, key: AgencyApiKey, actor, quota: int | None) -> AgencyApiKey:
    """The center sets a key's daily quota; None returns it to the default setting."""
    if not actor.has_perm(MANAGE_KEYS_PERMISSION):
        raise AgencyError(_("只有市公共信用信息中心可以设定调用限额"))
    if quota is not None and quota < 0:
        raise AgencyError(_("调用限额不能为负数"), field="daily_quota")
    with transaction.atomic():
        before = {"daily_quota": key.daily_quota, "effective": key.quota}
        AgencyApiKey.objects.filter(pk=key.pk).update(daily_quota=quota)
        key.daily_quota = quota
        record_event(
            action="agencykey.quota",
            actor=actor,
            obj=key,
            summary=f"设定信用服务机构 {key.agency.name} 接口密钥“{key.name}”的每日调用限额为{key.quota}次",
            before=before,
            after={"daily_quota": quota, "effective": key.quota},
        )
        notify(
            _admins(key.agency),
            title=_("接口密钥“%(k)s”的每日调用限额调整为%(q)d次") % {"k": key.name, "q": key.quota},
            link=reverse("agencies:detail", args=[key.agency_id]),
        )
    return key


def authenticate_agency_key(secret: str) -> AgencyApiKey | None:
    """The unrevoked key of an approved agency with this secret, or None. Read on every call, so
    a revocation takes effect at the next request."""
    if not secret:
        return None
    key = (
        AgencyApiKey.objects.select_related("agency")
        .filter(key_hash=_key_hash(secret), revoked_at__isnull=True, agency__status=Status.APPROVED)
        .first()
    )
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= KEY_TOUCH_INTERVAL:
        AgencyApiKey.objects.filter(pk=key.pk).update(last_used_at=now)  # at most one write a minute
        key.last_used_at = now
    return key


# --- Who acts for an agency -------------------------------------------------------------------


def agency_accounts(agency: CreditAgency) -> QuerySet:
    return get_user_model().objects.filter(agency_memberships__agency=agency, is_active=True)


def _admins(agency: CreditAgency) -> QuerySet:
    return agency_accounts(agency).filter(agency_memberships__is_admin=True)


def is_agency_admin(user, agency: CreditAgency) -> bool:
    return AgencyMember.objects.filter(agency=agency, user=user, is_admin=True).exists()


def approved_agencies_of(user) -> QuerySet[CreditAgency]:
    """The approved agencies the account may ask authorizations for."""
    return CreditAgency.objects.filter(members__user=user, status=Status.APPROVED)


def _clerks() -> QuerySet:
    return get_user_model().objects.filter(groups__name=roles.CENTER_CLERK, is_active=True).distinct()


def _who(user) -> str:
    return user.real_name or user.get_username()


def _snapshot(agency: CreditAgency) -> dict:
    return {
        "status": agency.status,
        "name": agency.name,
        "uscc": agency.uscc,
        "licence_number": agency.licence_number,
    }
