"""The demo's part of special credit reports (信用代证): the catalog items they need and the
领域 they are ordered for.

A new install gets 行政强制 and 严重失信主体名单 in its first catalog (`items.ITEMS`). A database
whose published catalog predates them gets them the way the catalog changes: a new draft copied
from the published version, the items added, the draft published (published versions are
immutable). A draft somebody left open is not touched: the step says so and waits. The
守信激励对象名单 of the public list pages (`items.LIST_ITEMS`) reaches older catalogs the same way.
"""

from catalog import services as catalog_services
from catalog.domains import create_domain
from catalog.models import SPECIAL_REPORT_ITEM_CODES, CatalogItem, CatalogVersion, CreditDomain
from catalog.selectors import published_version
from nantong_credit.demo.loader import DemoRun

from . import _add_item, items
from .item_fields import ItemSpec

UPGRADE_NOTES = "信用代证：新增“行政强制”“严重失信主体名单”事项（发改财金〔2025〕565号；苏政办规〔2025〕5号）。"
LIST_UPGRADE_NOTES = "信用名单公示：新增“守信激励对象名单（红名单）”事项（国发〔2016〕33号）。"

# (code, name, providers) of each 领域; every 领域 covers the three items of a special report.
DOMAINS: list[tuple[str, str, list[str]]] = [
    ("market", "市场监管", ["scjgj"]),
    ("tax", "税务", ["swj"]),
    ("ecology", "生态环境", ["sthjj"]),
    ("work_safety", "安全生产", ["yjglj"]),
    ("construction", "住房城乡建设", ["zjj"]),
    ("human_resources", "人力资源社会保障", ["rsj"]),
    ("transport", "交通运输", ["jtysj"]),
    ("health", "卫生健康", ["wjw"]),
    ("fire_rescue", "消防救援", ["xfjyzd"]),
    ("culture_tourism", "文化旅游", ["wglyj"]),
    ("agriculture", "农业农村", ["nyncj"]),
    ("natural_resources", "自然资源", ["zrzyj"]),
    ("urban_management", "城市管理", ["cgj"]),
]


def ensure_special_items(run: DemoRun) -> None:
    draft = _draft_for_missing(
        run, items.SPECIAL_ITEMS, "special report items", "信用代证所需的行政强制、严重失信主体名单事项"
    )
    if draft is not None:
        catalog_services.update_draft(version=draft, actor=run.actor, notes=UPGRADE_NOTES)
        _widen_penalty_providers(draft, run)
        _publish_with(draft, items.SPECIAL_ITEMS, run, "special report items")


def ensure_list_items(run: DemoRun) -> None:
    draft = _draft_for_missing(run, items.LIST_ITEMS, "list items", "守信激励对象名单（红名单）事项")
    if draft is not None:
        catalog_services.update_draft(version=draft, actor=run.actor, notes=LIST_UPGRADE_NOTES)
        _publish_with(draft, items.LIST_ITEMS, run, "list items")


def _draft_for_missing(run: DemoRun, specs: list[ItemSpec], label: str, what: str) -> CatalogVersion | None:
    """A new draft when the published catalog lacks one of `specs`; None when nothing is to do."""
    version = published_version()
    if version is None:
        return None
    if all(version.items.filter(code=spec.code).exists() for spec in specs):
        run.report.count(label, False)
        return None
    if CatalogVersion.objects.filter(status=CatalogVersion.Status.DRAFT).exists():
        run.report.notes.append(f"已有目录草稿，未新增{what}")
        return None
    return catalog_services.create_draft(actor=run.actor)


def _publish_with(draft: CatalogVersion, specs: list[ItemSpec], run: DemoRun, label: str) -> None:
    missing = [spec for spec in specs if not draft.items.filter(code=spec.code).exists()]
    position = draft.items.count()
    for offset, spec in enumerate(missing, start=1):
        _add(draft, spec, position=position + offset, run=run)
    catalog_services.publish_version(version=draft, actor=run.actor)
    run.report.created[label] += len(missing)


def _widen_penalty_providers(draft: CatalogVersion, run: DemoRun) -> None:
    penalty = draft.items.filter(code=items.ADMIN_PENALTY.code).first()
    if penalty is None:
        return
    current = set(penalty.providers.values_list("code", flat=True))
    wanted = current | set(items.ADMIN_PENALTY.providers)
    if wanted != current:
        providers = run.shared["providers"]
        catalog_services.update_draft_item(
            item=penalty, actor=run.actor, providers=[providers[code] for code in sorted(wanted) if code in providers]
        )


def _add(draft: CatalogVersion, spec: ItemSpec, *, position: int, run: DemoRun) -> CatalogItem:
    _add_item(
        draft,
        spec,
        position=position,
        actor=run.actor,
        providers=run.shared["providers"],
        schemes=run.shared["schemes"],
    )
    return draft.items.get(code=spec.code)


def ensure_domains(run: DemoRun) -> None:
    providers = run.shared["providers"]
    for position, (code, name, provider_codes) in enumerate(DOMAINS, start=1):
        if CreditDomain.objects.filter(code=code).exists():
            run.report.count("credit domains", False)
            continue
        create_domain(
            actor=run.actor,
            providers=[providers[c] for c in provider_codes],
            code=code,
            name=name,
            item_codes=list(SPECIAL_REPORT_ITEM_CODES),
            position=position,
        )
        run.report.count("credit domains", True)
