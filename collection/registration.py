"""Accounts of natural persons and of agents of organisations (Art. 10, 11), and the seam where
real identity verification plugs in.

Registration keeps the 公民身份号码 the way SPEC §2 demands: encrypted (`id_number_encrypted`),
found by keyed hash (`id_number_hash`), shown masked (`id_number_masked`); it is never stored
in clear, never written to a log and never put in an audit event except masked.

Identity verification is outside the platform. Today a clerk of the 市公共信用信息中心 sees
the person's identity card at the counter, types the number from the card (compared by hash, so
the clerk never reads it from the screen) and records the check with `verify_identity`. A real
connector — e.g. 江苏政务服务网统一身份认证 returning a verified identity over its callback — is a
view or task that authenticates the callback, finds the account by `account_by_id_number` and
calls `verify_identity(user=..., actor="江苏政务服务网统一身份认证", method=IdentityMethod.UNIFIED_IDENTITY)`.
Nothing else has to change: every rule that needs a verified identity reads `identity_verified_at`.
"""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_variables

from audit.services import record_event
from catalog.models import SubjectKind
from nantong_credit import roles

from .identifiers import IdentifierError, identifier_family, mask_identifier, normalise_identifier
from .personal_data import decrypt_identifier, encrypt_identifier, identifier_hash

User = get_user_model()
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
RIC_FAMILY = identifier_family(SubjectKind.NATURAL_PERSON)


class IdentityMethod(models.TextChoices):
    """How an identity was verified; kept in the audit event of the verification."""

    PAPERS = "papers", gettext_lazy("窗口核验居民身份证原件")
    UNIFIED_IDENTITY = "jszwfw", gettext_lazy("江苏政务服务网统一身份认证")


class RegistrationError(Exception):
    """A registration that cannot be accepted; `field` names the form field it concerns."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class IdentityAlreadyVerified(Exception):
    pass


def duplicate_id_message() -> str:
    return _("该公民身份号码已注册过账号，每个身份证号码只能注册一个账号。请直接登录；忘记用户名或密码的，请携带身份证到市公共信用信息中心办理。")


@sensitive_variables("id_number", "value")
def id_number_lookup(id_number: str) -> tuple[str, str]:
    """(normalised value, keyed hash) of an ID number, or `IdentifierError`."""
    value = normalise_identifier(SubjectKind.NATURAL_PERSON, id_number).value
    return value, identifier_hash(RIC_FAMILY, value)


@sensitive_variables("id_number", "value")
def id_number_registered(id_number: str) -> bool:
    _value, lookup = id_number_lookup(id_number)
    return id_number_taken(lookup)


def id_number_taken(lookup: str) -> bool:
    """The friendly pre-check of the form and of `register_account`. It cannot see a
    registration committed a moment later; the unique constraint on `id_number_hash` can."""
    return User.objects.filter(id_number_hash=lookup).exists()


@sensitive_variables("id_number", "result")
def register_account(
    *, username: str, password: str, real_name: str, id_number: str, phone: str, email: str = ""
) -> tuple["User", str]:
    """A new `subject_user` account and the ID number's warning (e.g. a renamed county), or
    `RegistrationError`. One account per ID number."""
    try:
        result = normalise_identifier(SubjectKind.NATURAL_PERSON, id_number)
    except IdentifierError as exc:
        raise RegistrationError(exc.message, field="id_number") from None
    lookup = identifier_hash(RIC_FAMILY, result.value)
    if id_number_taken(lookup):
        raise RegistrationError(duplicate_id_message(), field="id_number")
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction survives a refusal
            user = _create_user(
                username, password, real_name.strip(), phone.strip(), email.strip(), result.value, lookup
            )
    except IntegrityError:
        raise _refusal_after_conflict(lookup) from None
    return user, result.warning


def _refusal_after_conflict(lookup: str) -> RegistrationError:
    """What a uniqueness violation means to the person registering. Another registration got
    in between the pre-check and the insert, with this ID number (constraint
    `one_account_per_id_number`) or this username. The violation is raised only once that
    registration has committed, so it is visible here; the ID number is said first, as the
    one the person cannot change."""
    if User.objects.filter(id_number_hash=lookup).exists():
        return RegistrationError(duplicate_id_message(), field="id_number")
    return RegistrationError(_("该用户名已被使用，请换一个"), field="username")


@sensitive_variables("value")
def _create_user(username: str, password: str, real_name: str, phone: str, email: str, value: str, lookup: str):
    user = User.objects.create_user(
        username=username, password=password, email=email, real_name=real_name, phone=phone,
        id_number_hash=lookup, id_number_encrypted=encrypt_identifier(value),
        id_number_masked=mask_identifier(value),
    )
    # A real-name account acts for itself (subject_user) and, once a clerk has verified its
    # identity, may ask subjects for authorized queries (requester, Art. 11 "有效身份证明").
    user.groups.add(*Group.objects.filter(name__in=[roles.SUBJECT_USER, roles.REQUESTER]))
    record_event(
        action="account.register", actor=user, obj=user, summary=f"注册账号 {user.username}（{real_name}）",
        after={"username": user.username, "real_name": real_name, "id_number": user.id_number_masked,
               "phone": mask_phone(phone), "email": email},
    )
    return user


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else "****"


@sensitive_variables("id_number", "value")
def id_number_matches(user, id_number: str) -> bool:
    """Whether `id_number` (typed by a clerk from the card) is the account's ID number."""
    try:
        _value, lookup = id_number_lookup(id_number)
    except IdentifierError:
        return False
    return bool(user.id_number_hash) and lookup == user.id_number_hash


def account_id_number(user) -> str:
    """The account's ID number in clear, for the platform's own use only (never to display)."""
    return decrypt_identifier(user.id_number_encrypted)


@sensitive_variables("id_number", "value")
def account_by_id_number(id_number: str):
    """The account registered with this ID number (for an identity connector), or None."""
    try:
        _value, lookup = id_number_lookup(id_number)
    except IdentifierError:
        return None
    return User.objects.filter(id_number_hash=lookup).first()


def verify_identity(*, user, actor, method: str) -> "User":
    """Record that the account holder's identity has been verified, and bind the account to
    the holder's own subject (a natural person acts for itself without further evidence).

    `actor` is the clerk, or a label such as "江苏政务服务网统一身份认证" for a connector.
    Raises `IdentityAlreadyVerified`, or `RegistrationError` for an account without ID number.
    """
    from .bindings import bind_own_subject  # bindings uses this module's helpers

    if method not in IdentityMethod.values:
        raise ValueError(f"unknown identity method {method!r}")
    if not user.id_number_hash:
        raise RegistrationError(_("该账号未登记公民身份号码，无法核验实名身份"))
    with transaction.atomic():
        now = timezone.now()
        if not User.objects.filter(pk=user.pk, identity_verified_at__isnull=True).update(identity_verified_at=now):
            raise IdentityAlreadyVerified(_("该账号已完成实名核验"))
        user.identity_verified_at = now
        record_event(
            action="account.verify_identity", actor=actor, obj=user,
            summary=f"核验 {user.username}（{user.real_name}）的实名身份：{IdentityMethod(method).label}",
            before={"identity_verified_at": None},
            after={"identity_verified_at": now, "method": method, "id_number": user.id_number_masked},
        )
        bind_own_subject(user=user, actor=actor)
    return user


# --- Queries ----------------------------------------------------------------------------------


def accounts_awaiting_verification(query: str = "") -> QuerySet:
    """Registered accounts whose identity nobody has verified yet, oldest first."""
    accounts = User.objects.exclude(id_number_hash="").filter(identity_verified_at__isnull=True, is_active=True)
    query = query.strip()
    if query:
        accounts = accounts.filter(Q(username__icontains=query) | Q(real_name__icontains=query))
    return accounts.order_by("date_joined", "pk")
