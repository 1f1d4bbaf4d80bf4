"""The catalog's demo data (`python manage.py seed_demo`): the departments that provide
information (`providers`), the disclosure rules and the first published catalog (`items`, its
fields' shape in `item_fields`, its published standards in `documents`).

The catalog is built and published through `catalog.services`; providers and disclosure rules
have no service yet, so these steps create them and record the audit event themselves, in the
seed's transaction. Registered with the kernel's loader in `CatalogConfig.ready()`.
"""

from audit.services import record_event
from catalog import services as catalog_services
from catalog.models import CatalogVersion, DisclosureRule, DisclosureScheme, Provider
from nantong_credit.demo.loader import DemoRun, SeedError

from . import documents, items, providers
from .item_fields import ItemSpec

CATALOG_TITLE = "南通市公共信用信息目录（2026年版）"
CATALOG_NOTES = (
    "依据《南通市公共信用信息归集和使用暂行办法》第七、八条编制。收录国家“双公示”行政许可、行政处罚事项，"
    "以及登记类、资质类、监管类、良好信息类、评级类各类事项和第二十三条警示记录。"
)


# --- Providers and disclosure rules -------------------------------------------------------------


def ensure_providers(run: DemoRun) -> None:
    by_code = {}
    for spec in providers.PROVIDERS:
        provider = Provider.objects.filter(code=spec.code).first()
        created = provider is None
        if created:
            provider = Provider.objects.create(
                code=spec.code,
                name=spec.name,
                short_name=spec.short_name,
                uscc=spec.uscc,
            )
            record_event(
                action="provider.create",
                actor=run.actor,
                obj=provider,
                summary=f"初始化信息提供单位 {provider.name}",
                after={
                    "code": provider.code,
                    "name": provider.name,
                    "short_name": provider.short_name,
                    "uscc": provider.uscc,
                },
            )
        run.report.count("providers", created)
        by_code[spec.code] = provider
    run.shared["providers"] = by_code


def ensure_schemes(run: DemoRun) -> None:
    by_code = {}
    for spec in items.SCHEMES:
        scheme = DisclosureScheme.objects.filter(code=spec.code).first()
        if scheme is None:
            scheme = _create_scheme(spec, actor=run.actor)
            run.report.count("disclosure schemes", True)
        else:
            # An existing scheme's rules are the catalog admins' business from now on.
            run.report.count("disclosure schemes", False)
        by_code[spec.code] = scheme
    run.shared["schemes"] = by_code


def _create_scheme(spec: items.SchemeSpec, *, actor) -> DisclosureScheme:
    scheme = DisclosureScheme.objects.create(code=spec.code, name=spec.name)
    rules = []
    for rule_spec in spec.rules:
        rule = DisclosureRule(
            scheme=scheme,
            effective_from=rule_spec.effective_from,
            mode=rule_spec.mode,
            periods=rule_spec.periods,
            grade_field=rule_spec.grade_field,
            grades_by_value=rule_spec.grades_by_value,
            legal_basis=rule_spec.legal_basis,
        )
        rule.full_clean()
        rule.save()
        rules.append({"effective_from": rule.effective_from, "mode": rule.mode, "periods": rule.periods})
    record_event(
        action="disclosure_scheme.create",
        actor=actor,
        obj=scheme,
        summary=f"初始化公示期限规则 {scheme.name}",
        after={"code": scheme.code, "name": scheme.name, "rules": rules},
    )
    return scheme


# --- Catalog ----------------------------------------------------------------------------------


def ensure_catalog(run: DemoRun) -> None:
    report, actor = run.report, run.actor
    if CatalogVersion.objects.filter(status=CatalogVersion.Status.PUBLISHED).exists():
        report.count("catalog versions", False)
        return
    if CatalogVersion.objects.filter(status=CatalogVersion.Status.DRAFT).exists():
        raise SeedError("已有尚未发布的目录草稿：请先在目录管理中发布或删除该草稿，再运行 seed_demo。")
    draft = catalog_services.create_draft(actor=actor)
    catalog_services.update_draft(version=draft, actor=actor, title=CATALOG_TITLE, notes=CATALOG_NOTES)
    for position, spec in enumerate(items.ITEMS, start=1):
        _add_item(
            draft,
            spec,
            position=position,
            actor=actor,
            providers=run.shared["providers"],
            schemes=run.shared["schemes"],
        )
    for position, spec in enumerate(documents.DOCUMENTS, start=1):
        catalog_services.add_document(version=draft, actor=actor, title=spec.title, body=spec.body, position=position)
    catalog_services.publish_version(version=draft, actor=actor)
    report.count("catalog versions", True)
    report.created["catalog items"] += len(items.ITEMS)


def _add_item(draft, spec: ItemSpec, *, position: int, actor, providers, schemes) -> None:
    item = catalog_services.add_item(
        version=draft,
        actor=actor,
        providers=[providers[code] for code in spec.providers],
        code=spec.code,
        name=spec.name,
        category=spec.category,
        openness=spec.openness,
        is_dishonesty=spec.is_dishonesty,
        is_warning=spec.is_warning,
        accepts_self_declaration=spec.accepts_self_declaration,
        subject_kinds=list(spec.subject_kinds),
        submission_deadline_workdays=spec.submission_deadline_workdays,
        disclosure_scheme=schemes[spec.scheme],
        legal_basis=spec.legal_basis,
        description=spec.description,
        position=position,
        public_section=spec.public_section,
    )
    for field_position, field_spec in enumerate(spec.fields, start=1):
        catalog_services.add_field(
            item=item,
            actor=actor,
            key=field_spec.key,
            label=field_spec.label,
            type=field_spec.type,
            required=field_spec.required,
            max_length=field_spec.max_length,
            choices=list(field_spec.choices),
            multiple=field_spec.multiple,
            is_public=field_spec.is_public,
            help_text=field_spec.help_text,
            position=field_position,
        )
