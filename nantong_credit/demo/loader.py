"""Putting the demo data in the database (`python manage.py seed_demo`).

Wherever a service exists for a change, the loader calls it: the catalog is built and published
through `catalog.services`, subjects and records go through `collection.services` (channel
`seed`), and the demo cases of commitments, authorizations, objections and repair through their
apps' services (`workflows`), so demo data is validated like real data and leaves the same audit
trail and inbox messages. Providers, disclosure rules and accounts have no service yet; the
loader creates them and records the audit event itself, in the same transaction.

Idempotent: anything that already exists is left exactly as it is (an account keeps the
password its owner chose, a department its edited name, a record its corrections), so a second
run changes nothing, not even the audit trail.
"""

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from audit.services import record_event
from catalog import services as catalog_services
from catalog.models import CatalogVersion, DisclosureRule, DisclosureScheme, Provider
from collection.selectors import PublishedItems, record_of_provider, subject_by_identifier
from collection.services.errors import SubmissionInvalid
from collection.services.records import submit_record
from collection.services.subjects import find_or_create_subject

from nantong_credit.workdays import add_workdays

from . import accounts, catalog, providers, records, subjects, workflows

SHANGHAI = ZoneInfo("Asia/Shanghai")
RECEIVED_AFTER_WORKDAYS = 3

CATALOG_TITLE = "南通市公共信用信息目录（2026年版）"
CATALOG_NOTES = (
    "依据《南通市公共信用信息归集和使用暂行办法》第七、八条编制。收录国家“双公示”行政许可、行政处罚事项，"
    "以及登记类、资质类、监管类、良好信息类、评级类各类事项和第二十三条警示记录。"
)


def _received_at(data: dict) -> dt.datetime | None:
    """Historical demo records arrived a few working days after their decision, as most do, so
    that the timeliness report shows believable figures instead of everything late."""
    decided = data.get("decision_date")
    if not decided:
        return None
    day = add_workdays(dt.date.fromisoformat(str(decided)), RECEIVED_AFTER_WORKDAYS)
    arrived = dt.datetime.combine(day, dt.time(10, 0), tzinfo=SHANGHAI)
    return min(arrived, timezone.now())


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


def load_demo() -> SeedReport:
    """Load everything that is missing, in one transaction (all or nothing)."""
    report = SeedReport()
    with transaction.atomic():
        password = _DemoPassword()
        admin = _ensure_account(accounts.ACCOUNTS[0], actor=None, password=password, report=report)
        by_code = _ensure_providers(actor=admin, report=report)
        for spec in accounts.ACCOUNTS[1:]:
            _ensure_account(spec, actor=admin, password=password, report=report, providers=by_code)
        schemes = _ensure_schemes(actor=admin, report=report)
        _ensure_catalog(actor=admin, providers=by_code, schemes=schemes, report=report)
        _ensure_subjects(actor=admin, report=report)
        _ensure_records(actor=admin, providers=by_code, report=report)
        _ensure_demo_binding(actor=admin, report=report)
        workflows.ensure_workflows(actor=admin, report=report)
    return report


# The demo company whose agent the `subject_user` account is, so that self-declaration,
# authorizations, objections and repair can be tried at once (demo/workflows.py).
DEMO_BOUND_SUBJECT = "haisheng"


def _ensure_demo_binding(*, actor, report: SeedReport) -> None:
    from collection.models import SubjectBinding

    user = get_user_model().objects.filter(username="subject_user").first()
    if user is None or SubjectBinding.objects.filter(user=user).exists():
        report.count("bindings", False)
        return
    spec = subjects.BY_KEY[DEMO_BOUND_SUBJECT]
    subject = subject_by_identifier(spec.kind, spec.identifier)
    now = timezone.now()
    if user.identity_verified_at is None:
        user.identity_verified_at = now
        user.save(update_fields=["identity_verified_at"])
    binding = SubjectBinding.objects.create(
        user=user, subject=subject, status=SubjectBinding.Status.APPROVED,
        reviewed_by=actor, reviewed_at=now, review_note="演示数据：已核验营业执照和授权委托书",
    )
    record_event(
        action="binding.approve", actor=actor, obj=binding,
        summary=f"初始化演示绑定：{user.username} 为 {subject.name} 经办人",
        after={"user": user.username, "subject": subject.code, "status": binding.status},
    )
    report.count("bindings", True)


# --- Accounts ---------------------------------------------------------------------------------

class _DemoPassword:
    """The demo password is public, so one hash serves every new account; hashing is slow on
    purpose (PBKDF2), and a run that creates no account should not pay for it at all."""

    def __init__(self) -> None:
        self._hash = ""

    def encoded(self) -> str:
        if not self._hash:
            self._hash = make_password(accounts.DEMO_PASSWORD)
        return self._hash


def _ensure_account(
    spec: accounts.AccountSpec, *, actor, password: _DemoPassword, report: SeedReport, providers: dict | None = None
):
    User = get_user_model()
    user = User.objects.filter(username=spec.username).first()
    if user is not None:
        report.count("accounts", False)
        return user
    user = User.objects.create(
        username=spec.username, real_name=spec.real_name, password=password.encoded(),
        is_staff=spec.is_superuser, is_superuser=spec.is_superuser,
        identity_verified_at=timezone.now() if spec.identity_verified else None,
    )
    user.groups.add(*Group.objects.filter(name__in=spec.roles))
    staff_of = [providers[code] for code in spec.providers] if providers else []
    for provider in staff_of:
        provider.staff.add(user)
    record_event(
        action="user.create", actor=actor or user, obj=user,
        summary=f"初始化演示账号 {user.username}（{user.real_name}）",
        after={"username": user.username, "real_name": user.real_name, "roles": spec.roles,
               "is_superuser": spec.is_superuser, "providers": [p.code for p in staff_of]},
    )
    report.count("accounts", True)
    return user


# --- Providers and disclosure rules -------------------------------------------------------------

def _ensure_providers(*, actor, report: SeedReport) -> dict[str, Provider]:
    by_code = {}
    for spec in providers.PROVIDERS:
        provider = Provider.objects.filter(code=spec.code).first()
        created = provider is None
        if created:
            provider = Provider.objects.create(
                code=spec.code, name=spec.name, short_name=spec.short_name, uscc=spec.uscc,
            )
            record_event(
                action="provider.create", actor=actor, obj=provider, summary=f"初始化信息提供单位 {provider.name}",
                after={"code": provider.code, "name": provider.name, "short_name": provider.short_name,
                       "uscc": provider.uscc},
            )
        report.count("providers", created)
        by_code[spec.code] = provider
    return by_code


def _ensure_schemes(*, actor, report: SeedReport) -> dict[str, DisclosureScheme]:
    by_code = {}
    for spec in catalog.SCHEMES:
        scheme = DisclosureScheme.objects.filter(code=spec.code).first()
        if scheme is None:
            scheme = _create_scheme(spec, actor=actor)
            report.count("disclosure schemes", True)
        else:
            # An existing scheme's rules are the catalog admins' business from now on.
            report.count("disclosure schemes", False)
        by_code[spec.code] = scheme
    return by_code


def _create_scheme(spec: catalog.SchemeSpec, *, actor) -> DisclosureScheme:
    scheme = DisclosureScheme.objects.create(code=spec.code, name=spec.name)
    rules = []
    for rule_spec in spec.rules:
        rule = DisclosureRule(
            scheme=scheme, effective_from=rule_spec.effective_from, mode=rule_spec.mode,
            periods=rule_spec.periods, grade_field=rule_spec.grade_field,
            grades_by_value=rule_spec.grades_by_value, legal_basis=rule_spec.legal_basis,
        )
        rule.full_clean()
        rule.save()
        rules.append({"effective_from": rule.effective_from, "mode": rule.mode, "periods": rule.periods})
    record_event(
        action="disclosure_scheme.create", actor=actor, obj=scheme, summary=f"初始化公示期限规则 {scheme.name}",
        after={"code": scheme.code, "name": scheme.name, "rules": rules},
    )
    return scheme


# --- Catalog ----------------------------------------------------------------------------------

def _ensure_catalog(*, actor, providers: dict[str, Provider], schemes: dict, report: SeedReport) -> None:
    if CatalogVersion.objects.filter(status=CatalogVersion.Status.PUBLISHED).exists():
        report.count("catalog versions", False)
        return
    if CatalogVersion.objects.filter(status=CatalogVersion.Status.DRAFT).exists():
        raise SeedError("已有尚未发布的目录草稿：请先在目录管理中发布或删除该草稿，再运行 seed_demo。")
    draft = catalog_services.create_draft(actor=actor)
    catalog_services.update_draft(version=draft, actor=actor, title=CATALOG_TITLE, notes=CATALOG_NOTES)
    for position, spec in enumerate(catalog.ITEMS, start=1):
        _add_item(draft, spec, position=position, actor=actor, providers=providers, schemes=schemes)
    for position, spec in enumerate(catalog.DOCUMENTS, start=1):
        catalog_services.add_document(version=draft, actor=actor, title=spec.title, body=spec.body, position=position)
    catalog_services.publish_version(version=draft, actor=actor)
    report.count("catalog versions", True)
    report.created["catalog items"] += len(catalog.ITEMS)


def _add_item(draft, spec: catalog.ItemSpec, *, position: int, actor, providers, schemes) -> None:
    item = catalog_services.add_item(
        version=draft, actor=actor, providers=[providers[code] for code in spec.providers],
        code=spec.code, name=spec.name, category=spec.category, openness=spec.openness,
        is_dishonesty=spec.is_dishonesty, is_warning=spec.is_warning,
        accepts_self_declaration=spec.accepts_self_declaration, subject_kinds=list(spec.subject_kinds),
        submission_deadline_workdays=spec.submission_deadline_workdays,
        disclosure_scheme=schemes[spec.scheme], legal_basis=spec.legal_basis, description=spec.description,
        position=position,
    )
    for field_position, field_spec in enumerate(spec.fields, start=1):
        catalog_services.add_field(
            item=item, actor=actor, key=field_spec.key, label=field_spec.label, type=field_spec.type,
            required=field_spec.required, max_length=field_spec.max_length, choices=list(field_spec.choices),
            multiple=field_spec.multiple, is_public=field_spec.is_public, help_text=field_spec.help_text,
            position=field_position,
        )


# --- Subjects and records ---------------------------------------------------------------------

def _ensure_subjects(*, actor, report: SeedReport) -> None:
    for spec in subjects.ALL_SUBJECTS:
        if subject_by_identifier(spec.kind, spec.identifier) is not None:
            report.count("subjects", False)
            continue
        find_or_create_subject(
            kind=spec.kind, name=spec.name, identifier=spec.identifier, actor=actor,
            **records.registration_details(spec),
        )
        report.count("subjects", True)


def _ensure_records(*, actor, providers: dict[str, Provider], report: SeedReport) -> None:
    items = PublishedItems()
    for spec in records.all_records():
        provider = providers[spec.provider]
        if record_of_provider(provider=provider, item_code=spec.item, source_key=spec.source_key) is not None:
            report.count("records", False)
            continue
        item = items.get(spec.item)
        if item is None or provider.pk not in item.provider_ids:
            # The published catalog was edited since the first run; leave that item alone.
            report.notes.append(f"现行目录中没有事项 {spec.item} 或其责任单位不含 {spec.provider}，跳过 {spec.source_key}")
            continue
        _submit(spec, provider=provider, actor=actor, items=items)
        report.count("records", True)


def _submit(spec: records.RecordSpec, *, provider: Provider, actor, items: PublishedItems) -> None:
    data = records.build_data(spec)
    try:
        submit_record(
            provider=provider, item_code=spec.item, source_key=spec.source_key,
            subject=records.subject_payload(subjects.BY_KEY[spec.subject]), data=data,
            actor=actor, channel=records.SEED_CHANNEL, items=items, received_at=_received_at(data),
        )
    except SubmissionInvalid as error:
        # Demo data that the catalog refuses is a bug in the demo data: stop, and say where.
        raise SeedError(f"演示记录 {spec.item}/{spec.source_key} 未通过校验：{error.errors}") from error
