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

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_variables

from audit.services import record_event
from catalog.models import SubjectKind
from nantong_credit import roles
from nantong_credit.models import Notification
from nantong_credit.notifications import notify

from ..identifiers import IdentifierError, identifier_family, mask_identifier, normalise_identifier
from ..personal_data import decrypt_identifier, encrypt_identifier, identifier_hash

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


def username_taken_message() -> str:
    return _("该用户名已被使用，请换一个")


@sensitive_variables("id_number", "value")
def id_number_lookup(id_number: str) -> tuple[str, str]:
    """(normalised value, keyed hash) of an ID number, or `IdentifierError`."""
    value = normalise_identifier(SubjectKind.NATURAL_PERSON, id_number).value
    return value, identifier_hash(RIC_FAMILY, value)


def holder_of(lookup: str):
    """The account that registered the ID number with this keyed hash, or None."""
    return User.objects.filter(id_number_hash=lookup).first()


@sensitive_variables("id_number", "result")
def register_account(
    *, username: str, password: str, real_name: str, id_number: str, phone: str, email: str = ""
) -> tuple["User", str]:
    """A new `subject_user` account and the ID number's warning (e.g. a renamed county), or
    `RegistrationError` for what is wrong whoever registers (an invalid number, a taken username).

    One account per ID number, and the same answer whether the number is free or not: telling
    "already registered" would let anyone find out who has an account. A number another account
    holds still gets an account, marked `id_number_duplicate_of` that holder and never
    verifiable (the clerk at the counter sees why); the holder is told by a task, so that both
    kinds of registration do the same work while the person waits.
    """
    try:
        result = normalise_identifier(SubjectKind.NATURAL_PERSON, id_number)
    except IdentifierError as exc:
        raise RegistrationError(exc.message, field="id_number") from None
    lookup = identifier_hash(RIC_FAMILY, result.value)
    details = {
        "username": username,
        "password": password,
        "real_name": real_name.strip(),
        "phone": phone.strip(),
        "email": email.strip(),
    }
    try:
        user = _create_in_savepoint(details, result.value, lookup, holder_of(lookup))
    except IntegrityError:
        # Another registration committed in between, with this number or this username; its
        # row is visible now. The number: register as a duplicate of it, as above.
        holder = holder_of(lookup)
        if holder is None:
            raise RegistrationError(username_taken_message(), field="username") from None
        try:
            user = _create_in_savepoint(details, result.value, lookup, holder)
        except IntegrityError:
            raise RegistrationError(username_taken_message(), field="username") from None
    transaction.on_commit(lambda: _tell_holder(user.pk))
    return user, result.warning


def _create_in_savepoint(details: dict, value: str, lookup: str, holder):
    with transaction.atomic():  # a savepoint: the caller's transaction survives a refusal
        return _create_user(**details, value=value, lookup=lookup, holder=holder)


def _tell_holder(user_id: int) -> None:
    from ..tasks import tell_holder_of_duplicate_registration

    tell_holder_of_duplicate_registration.delay(user_id)


@sensitive_variables("value")
def _create_user(
    *, username: str, password: str, real_name: str, phone: str, email: str, value: str, lookup: str, holder
):
    user = User.objects.create_user(
        username=username,
        password=password,
        email=email,
        real_name=real_name,
        phone=phone,
        id_number_hash="" if holder else lookup,
        id_number_duplicate_of=holder,
        id_number_encrypted=encrypt_identifier(value),
        id_number_masked=mask_identifier(value),
    )
    # A real-name account acts for itself (subject_user) and, once a clerk has verified its
    # identity, may ask subjects for authorized queries (requester, Art. 11 "有效身份证明").
    user.groups.add(*Group.objects.filter(name__in=[roles.SUBJECT_USER, roles.REQUESTER]))
    record_event(
        action="account.register",
        actor=user,
        obj=user,
        summary=f"注册账号 {user.username}（{real_name}）",
        after={
            "username": user.username,
            "real_name": real_name,
            "id_number": user.id_number_masked,
            "phone": mask_phone(phone),
            "email": email,
            "id_number_duplicate_of": holder.username if holder else None,
        },
    )
    return user


DUPLICATE_NOTICE_TITLE = gettext_lazy("有人使用您的公民身份号码注册了新账号")


def tell_holder_of_duplicate(user_id: int) -> None:
    """Tell the holder of an ID number that another account was registered with it (once)."""
    user = User.objects.select_related("id_number_duplicate_of").filter(pk=user_id).first()
    holder = user.id_number_duplicate_of if user else None
    if holder is None:
        return
    body = _(
        "%(when)s，有人在%(site)s使用您的公民身份号码（%(masked)s）注册了账号“%(username)s”。该账号不能通过实名核验，"
        "也不能查看或办理您的信用信息。如果是您本人忘记了原账号，请继续使用原账号（用户名 %(holder)s）登录；"
        "如果不是您本人操作，请联系%(center)s。"
    ) % {
        "when": timezone.localtime(user.date_joined).strftime("%Y-%m-%d %H:%M"),
        "site": settings.SITE_NAME,
        "masked": user.id_number_masked,
        "username": user.username,
        "holder": holder.username,
        "center": settings.CENTER_NAME,
    }
    with transaction.atomic():
        if Notification.objects.filter(recipient=holder, title=DUPLICATE_NOTICE_TITLE, body=body).exists():
            return  # a redelivered task
        notify([holder], title=str(DUPLICATE_NOTICE_TITLE), body=body, link=reverse("account:home"))


def duplicate_account_message(user) -> str:
    """For the clerk at the counter: why this account cannot be verified, and what to do."""
    holder = user.id_number_duplicate_of
    return _(
        "该账号注册时填写的公民身份号码已由账号“%(holder)s”（%(name)s）注册，本账号不能核验。"
        "持证人即原账号持有人的，请为其办理原账号；原账号系他人冒用的，请按冒用处理。"
    ) % {"holder": holder.username, "name": holder.real_name}


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
    return holder_of(lookup)


def verify_identity(*, user, actor, method: str) -> "User":
    """Record that the account holder's identity has been verified, and bind the account to
    the holder's own subject (a natural person acts for itself without further evidence).

    `actor` is the clerk, or a label such as "江苏政务服务网统一身份认证" for a connector.
    Raises `IdentityAlreadyVerified`, or `RegistrationError` for an account without ID number.
    """
    from ..bindings import bind_own_subject  # bindings uses this module's helpers
    from .appointments import close_open_appointment  # appointments complete through this

    if method not in IdentityMethod.values:
        raise ValueError(f"unknown identity method {method!r}")
    if user.id_number_duplicate_of_id:
        raise RegistrationError(duplicate_account_message(user))
    if not user.id_number_hash:
        raise RegistrationError(_("该账号未登记公民身份号码，无法核验实名身份"))
    with transaction.atomic():
        now = timezone.now()
        if not User.objects.filter(pk=user.pk, identity_verified_at__isnull=True).update(identity_verified_at=now):
            raise IdentityAlreadyVerified(_("该账号已完成实名核验"))
        user.identity_verified_at = now
        record_event(
            action="account.verify_identity",
            actor=actor,
            obj=user,
            summary=f"核验 {user.username}（{user.real_name}）的实名身份：{IdentityMethod(method).label}",
            before={"identity_verified_at": None},
            after={"identity_verified_at": now, "method": method, "id_number": user.id_number_masked},
        )
        bind_own_subject(user=user, actor=actor)
        close_open_appointment(user=user, actor=actor)
    return user


# --- Queries ----------------------------------------------------------------------------------


def registered_accounts() -> QuerySet:
    """Accounts registered with an ID number, those that repeat another account's number included."""
    return User.objects.exclude(id_number_masked="").select_related("id_number_duplicate_of")


def accounts_awaiting_verification(query: str = "") -> QuerySet:
    """Registered accounts whose identity nobody has verified yet, oldest first."""
    accounts = registered_accounts().filter(identity_verified_at__isnull=True, is_active=True)
    query = query.strip()
    if query:
        accounts = accounts.filter(Q(username__icontains=query) | Q(real_name__icontains=query))
    return accounts.order_by("date_joined", "pk")
