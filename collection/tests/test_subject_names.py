"""Who names an organisation: its registration record (登记类), or before one exists the submission
that brought it to the platform. Another department's different name is accepted, renames
nothing, is listed for the center (名称不一致) and answered with a warning; the file (COPY) path
does exactly what the single path does."""

import pytest
from django.urls import reverse
from freezegun import freeze_time

from audit.models import AuditEvent
from collection.bulk.layout import layout_for, row_to_submission
from collection.models import Channel, CreditRecord, NameMismatch, Subject
from collection.selectors import PublishedItems, open_name_mismatches
from collection.services.records import submit_record

from .api_support import BATCH_URL, RECORDS_URL, Api, new_key
from .import_support import AUTHORITY, AUTHORITY_USCC, company_code, csv_bytes, import_file, penalty, publish_demo_items

pytestmark = pytest.mark.django_db
NAMES_URL = reverse("collection_office:name_mismatches")
CODE = company_code(1)
FIRST, OTHER, NEW = "南通示例1号贸易有限公司", "南通示例壹号贸易公司", "南通示例1号国际贸易有限公司"


@pytest.fixture(autouse=True)
def _may_2026():
    with freeze_time("2026-05-08 10:00:20+08:00"):
        yield


@pytest.fixture
def catalog(scjgj, other_provider):
    """行政处罚 (scjgj and rsj) and 工商登记 (scjgj, the registering authority) of the real catalog."""
    return publish_demo_items([scjgj, other_provider], ("admin_penalty", "business_registration"))


def registration(n: int, name: str) -> dict[str, str]:
    """A 工商登记 row by field key."""
    return {
        "subject_name": name,
        "uscc": company_code(n),
        "entity_type": "有限责任公司",
        "legal_representative": "王五",
        "established_on": "2015-03-02",
        "decision_date": "2026-05-06",
        "address": "南通市崇川区工农路1号",
        "registration_status": "存续（在营、开业、在册）",
        "authority": AUTHORITY,
        "authority_uscc": AUTHORITY_USCC,
        "source_unit": AUTHORITY,
        "source_unit_uscc": AUTHORITY_USCC,
    }


def body(item_code: str, row: dict[str, str]) -> dict:
    submission = row_to_submission(layout_for(PublishedItems().get(item_code)), row)
    return {
        "item": item_code,
        "source_key": submission.source_key,
        "subject": submission.subject,
        "data": submission.data,
    }


def submit(provider, item_code: str, row: dict[str, str], channel: str = Channel.API):
    entry = body(item_code, row)
    return submit_record(
        provider=provider,
        item_code=item_code,
        source_key=entry["source_key"],
        subject=entry["subject"],
        data=entry["data"],
        channel=channel,
    )


def subject_name() -> str:
    return Subject.objects.get(code=CODE).name


def mismatches() -> list[tuple[str, str, str]]:
    return [(m.provider.code, m.submitted_name, m.subject.name) for m in open_name_mismatches()]


# --- The rule, through the API ----------------------------------------------------------------


def test_the_first_submission_names_and_another_department_renames_nothing(client, catalog, scjgj, other_provider):
    submit(other_provider, "admin_penalty", penalty(1, subject_name=FIRST))
    before = AuditEvent.objects.filter(action="subject.update").count()

    response = Api(client, new_key(scjgj)).post(
        RECORDS_URL, body("admin_penalty", penalty(2, subject_name=OTHER, uscc=CODE))
    )

    assert response.status_code == 201
    assert response.json()["warnings"] == [
        f"信息主体名称“{OTHER}”与平台登记的名称“{FIRST}”不一致：记录已受理，主体名称不变（以登记类信息为准），"
        "已列入市公共信用信息中心的名称核对清单"
    ]
    assert subject_name() == FIRST and CreditRecord.objects.count() == 2
    assert mismatches() == [("scjgj", OTHER, FIRST)]
    assert AuditEvent.objects.filter(action="subject.update").count() == before


def test_the_same_name_written_differently_is_no_mismatch(catalog, scjgj, other_provider):
    submit(other_provider, "admin_penalty", penalty(1, subject_name="南通示例（1号）贸易有限公司"))
    result = submit(scjgj, "admin_penalty", penalty(2, subject_name="南通示例 (1号) 贸易有限公司", uscc=CODE))
    assert result.warnings == [] and mismatches() == []
    assert subject_name() == "南通示例（1号）贸易有限公司"


def test_the_registration_record_renames_with_an_audit_event(catalog, scjgj, other_provider):
    submit(other_provider, "admin_penalty", penalty(1, subject_name=FIRST))
    submit(scjgj, "admin_penalty", penalty(2, subject_name=NEW, uscc=CODE))
    assert mismatches() == [("scjgj", NEW, FIRST)]

    result = submit(scjgj, "business_registration", registration(1, NEW))

    assert result.warnings == [] and subject_name() == NEW
    event = AuditEvent.objects.filter(action="subject.update").get()
    assert (event.before["name"], event.after["name"]) == (FIRST, NEW)
    assert "更名" in event.summary
    assert mismatches() == []  # the name the center was asked about is the registered one now
    # From now on the registered name holds against the first submitter too.
    result = submit(other_provider, "admin_penalty", penalty(3, subject_name=FIRST, uscc=CODE))
    assert subject_name() == NEW and mismatches() == [("rsj", FIRST, NEW)] and len(result.warnings) == 1


def test_the_batch_endpoint_warns_per_entry(client, catalog, scjgj, other_provider):
    submit(other_provider, "admin_penalty", penalty(1, subject_name=FIRST))
    response = Api(client, new_key(scjgj)).post(
        BATCH_URL,
        {
            "records": [
                body("admin_penalty", penalty(2, subject_name=FIRST, uscc=CODE)),
                body("admin_penalty", penalty(3, subject_name=OTHER, uscc=CODE)),
            ]
        },
    )
    assert response.status_code == 200
    assert [len(entry["warnings"]) for entry in response.json()["records"]] == [0, 1]
    assert OTHER in response.json()["records"][1]["warnings"][0]
    assert subject_name() == FIRST and mismatches() == [("scjgj", OTHER, FIRST)]


# --- Through a file (the COPY path) -----------------------------------------------------------


def test_a_file_renames_nothing_and_lists_its_other_names(client, catalog, scjgj, scjgj_staff, other_provider):
    submit(other_provider, "admin_penalty", penalty(1, subject_name=FIRST))
    before = AuditEvent.objects.filter(action="subject.update").count()

    bulk_import = import_file(
        scjgj,
        scjgj_staff,
        csv_bytes([penalty(2, subject_name=OTHER, uscc=CODE), penalty(3, subject_name=OTHER, uscc=CODE), penalty(4)]),
    )

    assert bulk_import.status == "succeeded", bulk_import.last_error
    assert bulk_import.name_mismatch_count == 2
    assert subject_name() == FIRST and mismatches() == [("scjgj", OTHER, FIRST)]
    assert NameMismatch.objects.get().source_key == "通市监罚〔2026〕3号"
    assert AuditEvent.objects.filter(action="subject.update").count() == before
    assert AuditEvent.objects.get(action="bulkimport.import").after["name_mismatches"] == 2
    client.force_login(scjgj_staff)
    page = client.get(reverse("collection_office:import_detail", args=[scjgj.code, bulk_import.pk])).content.decode()
    assert "其中 <strong>2</strong> 行的信息主体名称与平台登记的名称不一致" in page


def test_a_registration_file_renames_each_subject_with_its_event(catalog, scjgj, scjgj_staff, other_provider):
    submit(other_provider, "admin_penalty", penalty(1, subject_name=FIRST))
    bulk_import = import_file(
        scjgj,
        scjgj_staff,
        csv_bytes([registration(1, NEW)], item_code="business_registration"),
        item_code="business_registration",
    )
    assert bulk_import.status == "succeeded", bulk_import.last_error
    assert subject_name() == NEW and bulk_import.name_mismatch_count == 0
    event = AuditEvent.objects.filter(action="subject.update").get()
    assert (event.before, event.after) == ({"name": FIRST}, {"name": NEW})


def test_within_one_file_the_first_row_names_a_new_subject(catalog, scjgj, scjgj_staff):
    bulk_import = import_file(
        scjgj, scjgj_staff, csv_bytes([penalty(1, subject_name=FIRST), penalty(2, subject_name=OTHER, uscc=CODE)])
    )
    assert bulk_import.status == "succeeded", bulk_import.last_error
    assert subject_name() == FIRST and mismatches() == [("scjgj", OTHER, FIRST)]


def test_a_file_and_the_single_path_agree(catalog, scjgj, scjgj_staff, other_provider):
    rows = [penalty(2, subject_name=OTHER, uscc=CODE), penalty(3, subject_name=FIRST, uscc=CODE)]
    submit(other_provider, "admin_penalty", penalty(1, subject_name=FIRST))
    for row in rows:
        submit(scjgj, "admin_penalty", row, channel=Channel.FILE)
    one_by_one = (subject_name(), mismatches())
    CreditRecord.objects.filter(provider=scjgj).delete()
    NameMismatch.objects.all().delete()

    import_file(scjgj, scjgj_staff, csv_bytes(rows))

    assert (subject_name(), mismatches()) == one_by_one == (FIRST, [("scjgj", OTHER, FIRST)])


# --- The center's list ------------------------------------------------------------------------


def test_center_clerks_see_the_list_and_nobody_else(client, catalog, scjgj, other_provider, clerk, scjgj_staff):
    submit(other_provider, "admin_penalty", penalty(1, subject_name=FIRST))
    submit(scjgj, "admin_penalty", penalty(2, subject_name=OTHER, uscc=CODE))
    client.force_login(clerk)
    page = client.get(NAMES_URL).content.decode()
    assert OTHER in page and FIRST in page and scjgj.name in page and CODE in page
    assert "通市监罚〔2026〕2号" in page
    assert OTHER not in client.get(NAMES_URL, {"provider": other_provider.code}).content.decode()
    assert NAMES_URL in client.get(reverse("office:home")).content.decode()
    client.force_login(scjgj_staff)
    assert client.get(NAMES_URL).status_code == 403
