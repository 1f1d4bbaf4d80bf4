"""Helpers shared by the bulk-import tests (test_imports_*.py, test_browser_imports.py).

The tests import files against the platform's real catalog items (catalog.demo.items):
行政处罚 with the national 双公示 columns, as a department's Excel export has them.
"""

import csv
import io
from collections.abc import Iterable, Sequence

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog import services as catalog_services
from catalog.demo import items as demo
from catalog.models import CatalogVersion, DisclosureRule, DisclosureScheme, Provider
from collection.bulk.imports import run_import
from collection.bulk.layout import layout_for
from collection.bulk.uploads import create_import
from collection.models import BulkImport
from collection.selectors import PublishedItems

from .factories import make_ric, make_uscc

ITEMS = ("admin_penalty", "admin_license", "professional_qualification", "commendation")
AUTHORITY = "南通市市场监督管理局"
AUTHORITY_USCC = make_uscc("11320600014129171")
PENALTY_DATE = "2026-05-06"


def publish_demo_items(providers: Sequence[Provider], codes: Iterable[str] = ITEMS) -> CatalogVersion:
    """The real catalog's items, published; each names those of `providers` it names in the demo."""
    by_code = {provider.code: provider for provider in providers}
    specs = [demo.ITEMS_BY_CODE[code] for code in codes]
    schemes = {spec.scheme: _scheme(spec.scheme) for spec in specs}
    draft = catalog_services.create_draft(actor=None)
    for position, spec in enumerate(specs, start=1):
        item = catalog_services.add_item(
            version=draft,
            actor=None,
            providers=[by_code[c] for c in spec.providers if c in by_code],
            code=spec.code,
            name=spec.name,
            category=spec.category,
            openness=spec.openness,
            is_dishonesty=spec.is_dishonesty,
            subject_kinds=list(spec.subject_kinds),
            submission_deadline_workdays=spec.submission_deadline_workdays,
            disclosure_scheme=schemes[spec.scheme],
            position=position,
        )
        for field_position, field in enumerate(spec.fields, start=1):
            catalog_services.add_field(
                item=item,
                actor=None,
                key=field.key,
                label=field.label,
                type=field.type,
                required=field.required,
                max_length=field.max_length,
                choices=list(field.choices),
                multiple=field.multiple,
                is_public=field.is_public,
                help_text=field.help_text,
                position=field_position,
            )
    return catalog_services.publish_version(version=draft, actor=None)


def _scheme(code: str) -> DisclosureScheme:
    spec = next(s for s in demo.SCHEMES if s.code == code)
    scheme, created = DisclosureScheme.objects.get_or_create(code=spec.code, defaults={"name": spec.name})
    if created:
        for rule in spec.rules:
            DisclosureRule.objects.create(
                scheme=scheme,
                effective_from=rule.effective_from,
                mode=rule.mode,
                periods=rule.periods,
                grade_field=rule.grade_field,
                grades_by_value=rule.grades_by_value,
                legal_basis=rule.legal_basis,
            )
    return scheme


@pytest.fixture
def demo_catalog(scjgj, other_provider):
    """admin_penalty (scjgj and rsj), admin_license (scjgj, rsj), professional_qualification (rsj
    only) and commendation (scjgj, rsj), as in the real catalog."""
    return publish_demo_items([scjgj, other_provider])


# --- Rows as a department writes them -----------------------------------------------------------


def company_code(n: int) -> str:
    return make_uscc(f"91320602MA{n:07d}")


def business_code(n: int) -> str:
    return make_uscc(f"92320612MA{n:07d}")


def person_id(n: int) -> str:
    return make_ric(f"32060219800101{n % 1000:03d}")


def penalty(n: int, *, kind: str = "company", **overrides: str) -> dict[str, str]:
    """One 行政处罚 row by field key (what the template's columns hold)."""
    row = {
        "penalty_document_number": f"通市监罚〔2026〕{n}号",
        "violation_type": "虚假宣传",
        "violation_facts": f"当事人在其网店发布的商品宣传中使用虚构的销售数据（第{n}例）。",
        "penalty_basis": "《中华人民共和国广告法》第五十五条第一款",
        "penalty_types": "警告；罚款",
        "penalty_content": "警告，并处罚款2万元。",
        "fine_amount": "2",
        "decision_date": PENALTY_DATE,
        "valid_until": "2027-05-05",
        "authority": AUTHORITY,
        "authority_uscc": AUTHORITY_USCC,
        "source_unit": AUTHORITY,
        "source_unit_uscc": AUTHORITY_USCC,
    }
    if kind == "person":
        row.update(
            {"subject_name": f"张{n}", "subject_category": "自然人", "id_type": "身份证", "id_number": person_id(n)}
        )
    elif kind == "business":
        row.update(
            {
                "subject_name": f"崇川区示例{n}号小吃店",
                "subject_category": "个体工商户",
                "uscc": business_code(n),
                "legal_representative": "李四",
            }
        )
    else:
        row.update(
            {
                "subject_name": f"南通示例{n}号贸易有限公司",
                "subject_category": "法人及非法人组织",
                "uscc": company_code(n),
                "legal_representative": "王五",
            }
        )
    row.update(overrides)
    return row


def header_and_rows(rows: Iterable[dict[str, str]], item_code: str = "admin_penalty") -> tuple[list[str], list[list]]:
    columns = layout_for(PublishedItems().get(item_code)).columns
    return [c.label for c in columns], [[row.get(c.key, "") for c in columns] for row in rows]


def csv_bytes(rows: Iterable[dict[str, str]], *, encoding: str = "utf-8", item_code: str = "admin_penalty") -> bytes:
    header, values = header_and_rows(rows, item_code)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(values)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Iterable[dict[str, str]], *, item_code: str = "admin_penalty") -> bytes:
    header, values = header_and_rows(rows, item_code)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    sheet.append(header)
    for row in values:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name: str = "处罚.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def import_file(
    provider: Provider, user, data: bytes, name: str = "处罚.csv", item_code: str = "admin_penalty"
) -> BulkImport:
    """Upload and process a file through the services. Inside a test's transaction the task that
    `create_import` queues on commit never runs; the import is processed here instead."""
    bulk_import = create_import(provider=provider, item_code=item_code, upload=upload(data, name), actor=user)
    run_import(import_id=bulk_import.pk)
    bulk_import.refresh_from_db()
    return bulk_import
