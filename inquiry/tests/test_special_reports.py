"""Special credit reports (专项信用报告, 信用代证): what one lists per 领域 and period, read back from
the PDF; the period's limits; repaired and removed records; the archive; who may order and see
one; and verification, public and from a government user's back office."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import ArchiveEntry, AuditEvent
from catalog.disclosure import DisclosurePeriod, dated_window
from catalog.errors import DisclosureError
from collection.models import Annotation, RecordStatus
from collection.tests.factories import SubjectFactory, make_uscc
from inquiry.models import CreditReport, QueryLog
from inquiry.reports.special import PeriodError, check_period
from nantong_credit import roles

from .report_support import agent, bind, company, pdf_fonts, pdf_text, report_bytes  # noqa: F401
from .special_support import (  # noqa: F401
    TODAY,
    domains,
    frozen_today,
    generated,
    order,
    providers,
    special_catalog,
    submit,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

VERIFY = "/reports/verify/"
OFFICE_VERIFY = "/office/government/reports/verify/"


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def text_of(report: CreditReport, tmp_path) -> str:
    return flat(pdf_text(report_bytes(report), tmp_path))


def penalty(providers, subject, key, decided, types=("罚款",), **extra):
    return submit(
        providers["scjgj"],
        "admin_penalty",
        key,
        subject,
        penalty_document_number=key,
        penalty_type=list(types),
        penalty_content="处罚款2万元。",
        decision_date=decided.isoformat(),
        **extra,
    )


def listing(provider, subject, key, listed, removed=None):
    extra = {"removed_on": removed.isoformat()} if removed else {}
    return submit(
        provider,
        "serious_dishonesty_list",
        key,
        subject,
        list_type="重大税收违法失信主体",
        decision_date=listed.isoformat(),
        listing_reason="虚开增值税专用发票",
        **extra,
    )


@pytest.fixture
def records(providers, company, special_catalog):
    return {
        "penalty": penalty(providers, company, "通市监处罚〔2026〕41号", dt.date(2026, 5, 6)),
        "coercion": submit(
            providers["zjj"],
            "admin_coercion",
            "通住建强制〔2026〕15号",
            company,
            coercion_document_number="通住建强制〔2026〕15号",
            coercion_kind="行政强制措施",
            coercion_content="查封3号楼施工作业面。",
            decision_date="2026-03-10",
        ),
    }


@pytest.fixture
def special_report(agent, company, domains, records):
    return generated(order(agent, company, list(domains.values()), start=dt.date(2024, 1, 1)))


# --- Content per 领域 --------------------------------------------------------------------------


def test_each_field_lists_its_records_or_says_none_was_found(special_report, tmp_path):
    report = special_report
    assert report.status == CreditReport.Status.READY and report.number.startswith("NTZX-20261207-")
    text = text_of(report, tmp_path)
    for expected in (
        "专项信用报告",
        "南通海晟建设工程有限公司",
        report.number,
        report.verification_code,
        "市场监管、税务、住房城乡建设",
        "2024年1月1日至2026年12月7日",
        "通市监处罚〔2026〕41号",
        "通住建强制〔2026〕15号",
        "查询期间内未发现该主体在市场监管领域的行政强制信息。",
        "经查询，2024年1月1日至2026年12月7日期间，未发现该主体在税务领域的行政处罚、行政强制信息，"
        "未发现该主体被列入税务领域严重失信主体名单。",
    ):
        assert expected in text, expected
    # Each record only under the field of its provider.
    market_part = text[text.index("（一）市场监管领域") : text.index("（二）税务领域")]
    construction_part = text[text.index("（三）住房城乡建设领域") :]
    assert "通市监处罚〔2026〕41号" in market_part and "通住建强制〔2026〕15号" not in market_part
    assert "通住建强制〔2026〕15号" in construction_part and "通市监处罚〔2026〕41号" not in construction_part


def test_the_report_shows_public_fields_only(providers, agent, company, domains, special_catalog, tmp_path):
    penalty(providers, company, "通市监处罚〔2026〕50号", dt.date(2026, 6, 1), id_number="320602198503140021")
    report = generated(order(agent, company, [domains["market"]]))
    text = text_of(report, tmp_path)
    assert "通市监处罚〔2026〕50号" in text
    assert "320602198503140021" not in text and "法定代表人证件号码" not in text


def test_records_outside_the_period_or_the_rules_are_not_listed(
    providers, agent, company, domains, special_catalog, tmp_path
):
    penalty(providers, company, "通市监处罚〔2023〕7号", dt.date(2023, 11, 2))  # before the period
    penalty(providers, company, "通市监处罚〔2026〕8号", dt.date(2026, 7, 1), types=("警告",))  # 轻微: withheld
    expired = penalty(providers, company, "通市监处罚〔2025〕3号", dt.date(2025, 1, 3))  # 一般: 1 year, over
    revoked = penalty(providers, company, "通市监处罚〔2026〕9号", dt.date(2026, 2, 1))
    revoked.status = RecordStatus.REVOKED
    revoked.save(update_fields=["status"])
    assert expired.disclosure_ends_on < TODAY

    report = generated(order(agent, company, [domains["market"]], start=dt.date(2024, 1, 1)))

    text = text_of(report, tmp_path)
    for hidden in ("通市监处罚〔2023〕7号", "通市监处罚〔2026〕8号", "通市监处罚〔2025〕3号", "通市监处罚〔2026〕9号"):
        assert hidden not in text, hidden
    assert "未发现该主体在市场监管领域的行政处罚" in text


def test_a_repaired_record_is_marked_while_its_own_period_runs(
    providers, agent, company, domains, special_catalog, tmp_path
):
    # 严重 (吊销许可证件): 1 to 3 years, so its period still runs; repaired a month ago.
    repaired = penalty(providers, company, "通市监处罚〔2025〕96号", dt.date(2025, 7, 14), types=("吊销许可证件",))
    # 一般: at most 1 year, over by now; repaired before it ended — gone like any expired record.
    old = penalty(providers, company, "通市监处罚〔2025〕12号", dt.date(2025, 2, 10))
    for record, day in ((repaired, dt.date(2026, 11, 2)), (old, dt.date(2025, 6, 1))):
        record.repaired_at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
        record.disclosure_ends_on = day - dt.timedelta(days=1)
        record.status = RecordStatus.EXPIRED
        record.save(update_fields=["repaired_at", "disclosure_ends_on", "status"])
        Annotation.objects.create(
            record=record, kind=Annotation.Kind.REPAIRED, text=f"经认定准予信用修复，{day}起终止公示"
        )

    report = generated(order(agent, company, [domains["market"]], start=dt.date(2024, 1, 1)))

    text = text_of(report, tmp_path)
    assert "通市监处罚〔2025〕96号" in text
    assert "已修复" in text[text.index("1.行政处罚") :]
    assert "【已修复】经认定准予信用修复" in text
    assert "已于2026年11月2日完成信用修复，终止公示" in text
    assert "通市监处罚〔2025〕12号" not in text


# --- 严重失信主体名单: listed until 移出 ----------------------------------------------------------


def test_a_listing_ends_on_its_removal_date(providers, agent, company, domains, special_catalog, tmp_path):
    listed = listing(providers["swj"], company, "通税失信〔2025〕2号", dt.date(2025, 8, 1), removed=dt.date(2027, 1, 5))
    assert listed.disclosure_ends_on == dt.date(2027, 1, 4)  # the day before 移出日期
    assert listed.repairable_from == dt.date(2026, 8, 2)

    report = generated(order(agent, company, [domains["tax"]], start=dt.date(2025, 9, 1)))
    text = text_of(report, tmp_path)
    # Listed before the period began and still listed: it counts.
    assert "列入日期：2025年8月1日" in text and "虚开增值税专用发票" in text

    # The tax bureau removes it as of yesterday: from today on it is on no report.
    removed = listing(
        providers["swj"], company, "通税失信〔2025〕2号", dt.date(2025, 8, 1), removed=TODAY - dt.timedelta(days=1)
    )
    assert removed.disclosure_ends_on == TODAY - dt.timedelta(days=2) and removed.status == RecordStatus.EXPIRED
    later = generated(order(agent, company, [domains["tax"]], start=dt.date(2025, 9, 2)))
    text = text_of(later, tmp_path)
    assert "列入日期：2025年8月1日" not in text and "虚开增值税专用发票" not in text
    assert "未发现该主体被列入税务领域严重失信主体名单" in text


def test_a_listing_without_removal_lasts_its_rule_and_a_removal_before_listing_is_refused():
    period = DisclosurePeriod(12, 36, "", removed_on=dt.date(2024, 1, 1))
    with pytest.raises(DisclosureError, match="移出日期不能早于列入日期"):
        dated_window(period, dt.date(2025, 1, 1))
    assert dated_window(DisclosurePeriod(12, 36, ""), dt.date(2025, 8, 1)).ends_on == dt.date(2028, 8, 1)


def test_a_listing_submitted_after_the_period_is_not_listed(
    providers, agent, company, domains, special_catalog, tmp_path
):
    listing(providers["swj"], company, "通税失信〔2026〕5号", dt.date(2026, 10, 1))
    report = generated(order(agent, company, [domains["tax"]], start=dt.date(2025, 1, 1), end=dt.date(2026, 9, 30)))
    assert "虚开增值税专用发票" not in text_of(report, tmp_path)


# --- The period --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (dt.date(2021, 12, 6), TODAY, "起始日期不能早于2021年12月7日"),
        (dt.date(2025, 1, 1), TODAY + dt.timedelta(days=1), "截止日期不能晚于今天"),
        (dt.date(2025, 1, 2), dt.date(2025, 1, 1), "起始日期不能晚于截止日期"),
    ],
)
def test_a_period_beyond_the_rules_is_refused(start, end, message):
    with pytest.raises(PeriodError, match=message):
        check_period(start, end, TODAY)


def test_five_years_back_to_the_day_is_allowed():
    check_period(dt.date(2021, 12, 7), TODAY, TODAY)


def test_the_order_page_refuses_a_bad_period_and_loses_nothing(client, agent, company, domains):
    client.force_login(agent)
    url = f"{reverse('reports:special_new')}?subject={company.pk}"
    response = client.post(
        url,
        {
            "domains": [domains["market"].pk, domains["tax"].pk],
            "period_start": "2020-01-01",
            "period_end": "2026-12-07",
            "agree": "on",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "报告期间最长为近5年：起始日期不能早于2021年12月7日。" in page
    assert 'value="2020-01-01"' in page and "checked" in page
    assert not CreditReport.objects.exists()


def test_the_agent_orders_on_the_page_and_finds_it_listed(
    client, agent, company, domains, records, django_capture_on_commit_callbacks, eager_celery
):
    client.force_login(agent)
    url = f"{reverse('reports:special_new')}?subject={company.pk}"
    form = client.get(url).content.decode()
    assert "市场监管" in form and 'value="2023-12-07"' in form  # the last three years by default
    with django_capture_on_commit_callbacks(execute=True):  # the task runs in-process
        response = client.post(
            url,
            {
                "domains": [domains["construction"].pk],
                "period_start": "2023-12-07",
                "period_end": "2026-12-07",
                "agree": "on",
            },
        )
    report = CreditReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:detail", args=[report.number])
    assert report.is_special and report.domain_names == ["住房城乡建设"]
    report.refresh_from_db()
    assert report.status == CreditReport.Status.READY
    detail = client.get(response["Location"]).content.decode()
    assert "专项信用报告" in detail and "住房城乡建设" in detail and "2023年12月7日至2026年12月7日" in detail
    listing_page = client.get(reverse("reports:mine")).content.decode()
    assert report.number in listing_page and "专项信用报告" in listing_page
    download = client.get(reverse("reports:download", args=[report.number]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''%E4%B8%93%E9%A1%B9" in download["Content-Disposition"]
    event = AuditEvent.objects.get(action="report.order")
    assert event.after["kind"] == "special" and event.after["domains"] == ["住房城乡建设"]


def test_a_double_click_orders_once(agent, company, domains, records, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        first = order(agent, company, [domains["market"]])
        second = order(agent, company, [domains["market"]])
    assert first.pk == second.pk and CreditReport.objects.count() == 1


# --- PDF, archive -------------------------------------------------------------------------------


def test_the_pdf_embeds_its_cjk_fonts(special_report, tmp_path):
    fonts = pdf_fonts(report_bytes(special_report), tmp_path)
    assert fonts and all(font["emb"] == "yes" and font["sub"] == "yes" for font in fonts)
    assert {font["name"].split("+")[-1] for font in fonts} <= {"Noto-Sans-CJK-SC", "Noto-Serif-CJK-SC-Bold"}


def test_the_report_is_archived_with_its_hash(special_report):
    entry = ArchiveEntry.objects.get(object_id=str(special_report.pk))
    assert entry.kind == ArchiveEntry.Kind.CREDIT_REPORT
    assert entry.sha256 == special_report.sha256
    assert "专项信用报告" in entry.title and special_report.number in entry.title


# --- Who may order and see one ------------------------------------------------------------------


def test_another_subjects_agent_finds_nothing(client, user_with_role, company, domains, special_report):
    other = user_with_role("zhaol", roles.SUBJECT_USER)
    bind(other, SubjectFactory(name="南通港闸物流有限公司", identifier=make_uscc("91320611MA1X2Y3W4")))
    client.force_login(other)
    assert client.get(f"{reverse('reports:special_new')}?subject={company.pk}").status_code == 404
    assert client.get(reverse("reports:detail", args=[special_report.number])).status_code == 404
    assert client.get(reverse("reports:download", args=[special_report.number])).status_code == 404


def test_a_role_that_orders_no_reports_is_refused(client, user_with_role, company, domains):
    client.force_login(user_with_role("shilp", roles.GOVERNMENT_USER))
    assert client.get(f"{reverse('reports:special_new')}?subject={company.pk}").status_code == 403


def test_a_natural_person_orders_no_special_report(client, user_with_role, domains):
    from collection.tests.factories import make_ric

    person = SubjectFactory(kind="natural_person", name="李晓梅", identifier=make_ric("32060219850314002"))
    resident = user_with_role("lixm", roles.SUBJECT_USER)
    bind(resident, person)
    client.force_login(resident)
    response = client.get(f"{reverse('reports:special_new')}?subject={person.pk}")
    assert response.status_code == 403 and "自然人请申请个人信用报告" in response.content.decode()


# --- Verification -------------------------------------------------------------------------------


def test_the_public_page_says_it_is_a_special_report_for_its_fields_and_period(client, special_report):
    page = client.post(VERIFY, {"code": special_report.verification_code.lower()}).content.decode()
    assert "核验通过：验证码有效，南通信用网出具过下列专项信用报告。" in page
    assert "专项信用报告（信用代证）" in page
    assert "市场监管、税务、住房城乡建设" in page and "2024年1月1日至2026年12月7日" in page


def test_genuine_altered_and_unknown_files(client, special_report):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = report_bytes(special_report)
    genuine = client.post(VERIFY, {"file": SimpleUploadedFile("r.pdf", content, "application/pdf")}).content.decode()
    assert "核验通过：该文件是南通信用网出具的专项信用报告原件，内容未被篡改。" in genuine
    middle = len(content) // 2
    altered = content[:middle] + bytes([content[middle] ^ 0x01]) + content[middle + 1 :]
    page = client.post(VERIFY, {"file": SimpleUploadedFile("r.pdf", altered, "application/pdf")}).content.decode()
    assert "核验未通过：上传的文件与南通信用网出具的任何信用报告都不一致" in page
    unknown = client.post(VERIFY, {"code": "2345-6789-ABCD"}).content.decode()
    assert "核验未通过：未找到验证码为“2345-6789-ABCD”的信用报告" in unknown


def test_a_government_user_verifies_a_handed_in_report_and_the_check_is_logged(client, user_with_role, special_report):
    official = user_with_role("shilp", roles.GOVERNMENT_USER)
    client.force_login(official)
    assert "核验企业提交的信用报告" in client.get(OFFICE_VERIFY).content.decode()
    page = client.post(OFFICE_VERIFY, {"code": special_report.verification_code}).content.decode()
    assert "核验通过" in page and "专项信用报告（信用代证）" in page and "住房城乡建设" in page
    event = AuditEvent.objects.filter(action="report.verify").latest("id")
    assert event.after["channel"] == "office" and event.object_id == str(special_report.pk)
    assert event.summary.startswith("工作台核验专项信用报告")
    log = QueryLog.objects.get(kind=QueryLog.Kind.GOVERNMENT)
    assert log.actor == official and log.subject_id == special_report.subject_id and log.terms == special_report.number

    client.post(OFFICE_VERIFY, {"code": "2345-6789-ABCD"})
    assert AuditEvent.objects.filter(action="report.verify", after__outcome="unknown_code").exists()
    assert QueryLog.objects.filter(kind=QueryLog.Kind.GOVERNMENT).count() == 1


def test_only_government_users_use_the_office_check(client, agent, user_with_role):
    assert client.get(OFFICE_VERIFY).status_code == 302  # to the login page
    client.force_login(agent)
    assert client.get(OFFICE_VERIFY).status_code == 403
    client.force_login(user_with_role("luzq", roles.PROVIDER_STAFF))
    assert client.post(OFFICE_VERIFY, {"code": "2345-6789-ABCD"}).status_code == 403
    assert not AuditEvent.objects.filter(action="report.verify").exists()
