"""Formula injection (issue 12 item 5): every spreadsheet or CSV the platform hands out, found by
walking every URL pattern of the project, shows a company named like a formula as text.

The world of the authorization matrix gives each pattern a real object; here its department,
company, batch check, catalog field and rejected import carry the hostile name. Each pattern is
requested with GET by someone the matrix lets see it; whatever answers with a spreadsheet or CSV
(or is named .xlsx / .csv) is opened: no cell may hold a formula, and the name must be shown.
A new export is checked the day its URL exists, whoever wrote it.
"""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from catalog import services as catalog_services
from catalog.models import PUBLIC_LIST_ITEM_CODES, Category, Provider, SubjectKind
from collection.models import Subject
from collection.tests.factories import CreditRecordFactory
from collection.tests.import_support import csv_bytes, import_file, penalty
from inquiry.models import BatchCheck, BatchCheckRow
from nantong_credit.spreadsheets import FORMULA_TRIGGERS
from supervision.statistics.services import issue_report

from .matrix_world import build_world, sign_in
from .test_authorization_matrix import GET, allowed_to, concrete_path, is_admin
from .url_walk import all_routes

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/","点此核查")'
SPREADSHEET_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml", "text/csv")
# The exports there are today; the walk must find at least these.
KNOWN_EXPORTS = {
    "office/objections/dashboard.xlsx",
    "office/repair/dashboard.xlsx",
    "office/collection/compliance/export.xlsx",
    "office/government/checks/<int:pk>/result.xlsx",
    "office/collection/imports/<slug:code>/<int:pk>/errors.xlsx",
    "office/collection/imports/<slug:code>/templates/<slug:item_code>.xlsx",
    "office/collection/imports/<slug:code>/templates/<slug:item_code>.csv",
    "lists/dishonesty/entries.csv",
    "lists/red/entries.csv",
}

# Exports of figures alone (no department, company or field name in them): checked for formulas,
# but they have no name to show.
NAMELESS_EXPORTS = {"statistics/data.csv"}


@pytest.fixture
def hostile_world(settings):
    settings.PUBLIC_SEARCH_RATE = settings.PUBLIC_SUBJECT_RATE = settings.PUBLIC_VERIFY_RATE = "off"
    settings.PUBLIC_LISTS_RATE = "off"
    world = build_world()
    o = world.objects
    Provider.objects.filter(pk=o["provider"].pk).update(name=HOSTILE)
    Subject.objects.filter(pk=o["company"].pk).update(name=HOSTILE)
    BatchCheck.objects.filter(pk=o["batch_check"].pk).update(purpose=HOSTILE)
    BatchCheckRow.objects.filter(batch=o["batch_check"]).update(name=HOSTILE)
    # The catalog names a template's columns; a published version changes only by a new one.
    draft_field = o["draft"].items.get(code="admin_penalty").fields.get(key="violation_type")
    catalog_services.update_field(field=draft_field, actor=world.users["catalog_admin"], label=HOSTILE)
    # The public lists (/lists/…/entries.csv) export their entries: the company is on both.
    for code in PUBLIC_LIST_ITEM_CODES:
        list_item = catalog_services.add_item(
            version=o["draft"],
            actor=None,
            providers=[o["provider"]],
            code=code,
            name=code,
            category=Category.REGULATORY,
            subject_kinds=[SubjectKind.LEGAL_PERSON],
            disclosure_scheme=o["scheme"],
            legal_basis="第八条",
        )
        catalog_services.add_field(item=list_item, actor=None, key="list_type", label="名单类型", type="text")
    published = catalog_services.publish_version(version=o["draft"], actor=world.users["catalog_admin"])
    for code in PUBLIC_LIST_ITEM_CODES:
        CreditRecordFactory(catalog_item=published.items.get(code=code), subject=o["company"], provider=o["provider"])
    # A batch refused because of the hostile value itself: the error report quotes it.
    rejected = import_file(o["provider"], world.users["provider_staff"], csv_bytes([penalty(1, decision_date=HOSTILE)]))
    assert rejected.errors_file, "the batch was meant to be rejected"
    o["bulk_import"] = rejected
    # An issued statistical report never changes: one issued now, for this month, names the
    # department as it is called now.
    this_month = timezone.localdate().replace(day=1)
    next_month = (this_month + dt.timedelta(days=32)).replace(day=1)
    o["statistical_report"] = issue_report(kind="monthly", start=this_month, today=next_month)[0]
    return world


def exported_texts(response) -> list[tuple[str, str]]:
    """(where, text) of every text cell; fails on any formula."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("text/csv"):
        rows = csv.reader(io.StringIO(body.decode("utf-8-sig")))
        texts = [(f"row {number}", value) for number, row in enumerate(rows, start=1) for value in row]
        live = [where for where, value in texts if value.startswith(FORMULA_TRIGGERS)]
        assert live == [], f"CSV cells that a spreadsheet would run: {live}"
        return texts
    workbook = load_workbook(io.BytesIO(body))
    cells = [
        (f"{sheet.title}!{cell.coordinate}", cell) for sheet in workbook for row in sheet.iter_rows() for cell in row
    ]
    formulas = [where for where, cell in cells if cell.data_type == "f"]
    assert formulas == [], f"formula cells: {formulas}"
    return [(where, cell.value) for where, cell in cells if isinstance(cell.value, str)]


def test_no_export_runs_a_formula_from_the_data(hostile_world, client):
    checked = set()
    for route in all_routes():
        if is_admin(route.route):
            continue
        allowed = sorted(allowed_to(route.route, GET))
        if not allowed:
            continue
        persona = allowed[0]
        client.logout()
        if persona != "anonymous":
            sign_in(client, hostile_world.users[persona])
        response = client.get(concrete_path(route.route, hostile_world))
        named_as_export = route.route.endswith((".xlsx", ".csv"))
        is_export = response.get("Content-Type", "").startswith(SPREADSHEET_TYPES)
        assert is_export or not named_as_export, f"{route.route} as {persona}: {response.status_code}"
        if not is_export:
            continue
        texts = exported_texts(response)
        if route.route not in NAMELESS_EXPORTS:
            assert any(HOSTILE in value for _where, value in texts), f"{route.route}: the name is not shown"
        assert all(value.startswith("'") for _where, value in texts if value.lstrip("'").startswith("=")), route.route
        checked.add(route.route)
    assert checked >= KNOWN_EXPORTS, KNOWN_EXPORTS - checked
