"""Putting the demo data in the database (`python manage.py seed_demo`).

Each app owns its demo data and the steps that load it (its `demo` module) and registers each
step here in its `AppConfig.ready()` by dotted path, naming the steps it must follow; `load_demo`
imports and runs them in that order, all in one transaction (so a process that never seeds never
loads the demo data). The kernel's own steps make the demo accounts.

Wherever a service exists for a change, a step calls it, so demo data is validated like real
data and leaves the same audit trail and inbox messages. Idempotent: anything that already
exists is left exactly as it is (an account keeps the password its owner chose, a department its
edited name, a record its corrections), so a second run changes nothing, not even the audit trail.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from nantong_credit.audit_trail import record_event

from . import accounts


class SeedError(Exception):
    """The demo data cannot be loaded into this database as it stands (message in Chinese)."""


@dataclass
class SeedReport:
    created: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    info: list[str] = field(default_factory=list)  # what a visitor needs to know of what was made

    def count(self, kind: str, created: bool) -> None:
        (self.created if created else self.existing)[kind] += 1

    @property
    def changed_anything(self) -> bool:
        return sum(self.created.values()) > 0


@dataclass
class DemoRun:
    """One run of the seed, handed to every step."""

    report: SeedReport
    actor: Any = None  # the demo administrator, who acts for the seed once the first step made it
    # What a step leaves for later ones, by name: "providers" (code -> Provider), "cast", ...
    shared: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoStep:
    name: str
    ensure: str  # dotted path of a function taking the DemoRun
    after: tuple[str, ...]


# Filled by the apps' AppConfig.ready(), in INSTALLED_APPS order (which breaks ties).
_STEPS: dict[str, DemoStep] = {}


def register_demo(name: str, ensure: str, *, after: tuple[str, ...] = ()) -> None:
    _STEPS[name] = DemoStep(name, ensure, tuple(after))


def ordered_steps() -> list[DemoStep]:
    """Every step after the steps it names; among steps ready at once, the first registered."""
    waiting = list(_STEPS.values())
    unknown = {name for step in waiting for name in step.after} - _STEPS.keys()
    if unknown:
        raise ImproperlyConfigured(f"Demo steps wait for steps nobody registered: {sorted(unknown)}")
    done: list[DemoStep] = []
    while waiting:
        finished = {step.name for step in done}
        ready = next((step for step in waiting if set(step.after) <= finished), None)
        if ready is None:
            raise ImproperlyConfigured(f"Demo steps wait for each other: {[step.name for step in waiting]}")
        waiting.remove(ready)
        done.append(ready)
    return done


def load_demo() -> SeedReport:
    """Load everything that is missing, in one transaction (all or nothing)."""
    run = DemoRun(report=SeedReport())
    with transaction.atomic():
        for step in ordered_steps():
            import_string(step.ensure)(run)
    return run.report


# --- The kernel's steps: the demo accounts --------------------------------------------------------


class _DemoPassword:
    """The demo password is public, so one hash serves every new account; hashing is slow on
    purpose (PBKDF2), and a run that creates no account should not pay for it at all."""

    def __init__(self) -> None:
        self._hash = ""

    def encoded(self) -> str:
        if not self._hash:
            self._hash = make_password(accounts.DEMO_PASSWORD)
        return self._hash


def ensure_admin(run: DemoRun) -> None:
    """The administrator comes first: every later change is made in its name."""
    run.shared["password"] = _DemoPassword()
    run.actor = _ensure_account(accounts.ACCOUNTS[0], actor=None, password=run.shared["password"], report=run.report)


def ensure_accounts(run: DemoRun) -> None:
    """The other accounts, after the departments some of them work for (`providers`)."""
    for spec in accounts.ACCOUNTS[1:]:
        _ensure_account(
            spec,
            actor=run.actor,
            password=run.shared["password"],
            report=run.report,
            providers=run.shared.get("providers"),
        )


def register_kernel_demo() -> None:
    register_demo("admin", "nantong_credit.demo.loader.ensure_admin")
    register_demo("accounts", "nantong_credit.demo.loader.ensure_accounts", after=("providers",))


def _ensure_account(
    spec: accounts.AccountSpec, *, actor, password: _DemoPassword, report: SeedReport, providers: dict | None = None
):
    User = get_user_model()
    user = User.objects.filter(username=spec.username).first()
    if user is not None:
        report.count("accounts", False)
        return user
    user = User.objects.create(
        username=spec.username,
        real_name=spec.real_name,
        password=password.encoded(),
        is_staff=spec.is_superuser,
        is_superuser=spec.is_superuser,
        identity_verified_at=timezone.now() if spec.identity_verified else None,
    )
    user.groups.add(*Group.objects.filter(name__in=spec.roles))
    staff_of = [providers[code] for code in spec.providers] if providers else []
    for provider in staff_of:
        provider.staff.add(user)
    record_event(
        action="user.create",
        actor=actor or user,
        obj=user,
        summary=f"初始化演示账号 {user.username}（{user.real_name}）",
        after={
            "username": user.username,
            "real_name": user.real_name,
            "roles": spec.roles,
            "is_superuser": spec.is_superuser,
            "providers": [p.code for p in staff_of],
        },
    )
    report.count("accounts", True)
    return user
