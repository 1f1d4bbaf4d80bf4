"""The providers' public scorecard (issue 15 §2): the monthly figures the sweep precomputes
equal what the records and cases imply, a second run changes nothing, and `/providers/` and
`/providers/<code>/` show every provider with those figures for the chosen period."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from catalog.models import Provider
from collection.models import Channel
from collection.services.records import submit_record
from collection.tests.factories import ProviderFactory
from objections import services as objection_services
from objections.tests.support import at, penalty_data, referred_case, subject_payload
from supervision.models import ProviderItemMonth, ProviderMonth
from supervision.providers.selectors import period_for, provider_page, scoreboard
from supervision.providers.services import refresh_provider_scorecards

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


def send(provider, subject, number: str, received: str, **extra):
    """A 行政处罚 decided 2026-09-01 (due 2026-09-10, 7 working days), received at `received`."""
    return submit_record(
        provider=provider,
        item_code="admin_penalty",
        source_key=number,
        subject=subject_payload(subject),
        data=penalty_data(number, **extra),
        channel=Channel.API,
        received_at=at(received),
    ).record


def license(provider, subject, number: str, received: str, decided: str = "2026-05-04"):
    return submit_record(
        provider=provider,
        item_code="admin_license",
        source_key=number,
        subject=subject_payload(subject),
        data={"license_no": number, "license_type": "普通", "decision_date": decided},
        channel=Channel.API,
        received_at=at(received),
    ).record


@pytest.fixture
def world(catalog, scjgj, rsj, company, other_company, agent, clerk, scjgj_staff):
    """市场监管局: three penalties in September (two on time, one late), a licence in May, one
    record updated in October; two objections referred on Monday 2 November, one answered (一)
    on Thursday 5 November (3 working days), one (二) on Monday 9 November (5 working days).
    人社局: one late penalty in September, nothing else."""
    on_time = send(scjgj, company, "通市监罚〔2026〕1号", "2026-09-03 10:00")
    send(scjgj, other_company, "通市监罚〔2026〕2号", "2026-09-10 16:00")
    send(scjgj, company, "通市监罚〔2026〕3号", "2026-09-14 09:00")  # after the 10th: late
    license(scjgj, company, "通行审许〔2026〕5号", "2026-05-08 10:00")
    send(rsj, company, "通人社罚〔2026〕9号", "2026-09-25 11:00")
    with freeze_time(at("2026-10-12 15:30")):
        send(scjgj, company, "通市监罚〔2026〕2号", "2026-09-10 16:00", penalty_amount="3")
    with freeze_time(at("2026-11-02 09:00")):
        corrected = referred_case(agent, company, [on_time], clerk)
        kept = referred_case(agent, company, [license_of(company)], clerk)
    with freeze_time(at("2026-11-05 14:00")):
        objection_services.answer_with_correction(
            objection=corrected,
            actor=scjgj_staff,
            reply="罚款金额录入有误",
            corrections={on_time.pk: {"penalty_amount": "1.5"}},
        )
    with freeze_time(at("2026-11-09 10:00")):
        objection_services.answer_confirmed(objection=kept, actor=scjgj_staff, reply="经核实信息无误")
    refresh_provider_scorecards(today=TODAY)


def license_of(company):
    return company.records.get(item_code="admin_license")


def row(board, code):
    return next(r for r in board.rows if r.code == code)


def test_the_figures_are_what_the_records_and_cases_imply(world, scjgj, rsj):
    board = scoreboard(period=period_for("12m", TODAY))
    mine = row(board, "scjgj").figures
    assert (mine.records_received, mine.records_with_deadline, mine.records_late) == (4, 4, 1)
    assert mine.on_time_rate == 75  # 3 of 4 with a deadline
    assert (mine.objections_answered, mine.objections_corrected) == (2, 1)
    assert mine.correction_rate == 50
    assert mine.average_answer_workdays == 4  # (3 + 5) / 2 working days
    assert mine.records_updated == 1
    other = row(board, "rsj").figures
    assert (other.records_received, other.on_time_rate, other.correction_rate) == (1, 0, None)


def test_the_last_submission_is_the_newest_record_or_update(world):
    board = scoreboard(period=period_for("12m", TODAY))
    assert row(board, "scjgj").last_submission_at == at("2026-10-12 15:30")  # the update
    assert row(board, "rsj").last_submission_at == at("2026-09-25 11:00")


def test_a_correction_after_an_objection_is_not_the_providers_update(world, scjgj):
    october = ProviderMonth.objects.get(provider=scjgj, month=dt.date(2026, 10, 1))
    november = ProviderMonth.objects.get(provider=scjgj, month=dt.date(2026, 11, 1))
    assert (october.records_updated, november.records_updated) == (1, 0)
    assert (november.objections_answered, november.answer_workdays) == (2, 8)


def test_the_period_filter_counts_only_its_months(world):
    three_months = row(scoreboard(period=period_for("3m", TODAY)), "scjgj").figures  # Sep–Nov
    assert three_months.records_received == 3  # the May licence is older
    year_before = row(scoreboard(period=period_for("y2025", TODAY)), "scjgj").figures
    assert (year_before.records_received, year_before.objections_answered) == (0, 0)
    assert period_for("nonsense", TODAY).key == "12m"


def test_items_show_their_own_records(world, scjgj):
    page = provider_page(scjgj, period=period_for("12m", TODAY), today=TODAY)
    items = {item.code: item for item in page.items}
    assert items["admin_penalty"].figures.records_received == 3
    assert items["admin_penalty"].figures.records_late == 1
    assert items["admin_license"].figures.records_received == 1
    assert all(item.responsible for item in page.items)
    assert len(page.history) == 24 and page.history[-1].month == dt.date(2026, 11, 1)
    september = next(m for m in page.history if m.month == dt.date(2026, 9, 1))
    assert (september.figures.records_on_time, september.figures.records_late) == (2, 1)


def test_a_second_run_changes_nothing(world):
    def figures():
        months = sorted(ProviderMonth.objects.values_list("provider_id", "month", *FIELDS))
        items = sorted(ProviderItemMonth.objects.values_list("provider_id", "item_code", "month", *ITEM_FIELDS))
        return months, items

    before = figures()
    refresh_provider_scorecards(today=TODAY)
    refresh_provider_scorecards(today=TODAY)
    assert figures() == before
    assert ProviderMonth.objects.count() == Provider.objects.count() * 24


FIELDS = (
    "records_received",
    "records_with_deadline",
    "records_late",
    "records_updated",
    "objections_answered",
    "objections_corrected",
    "objections_answered_late",
    "answer_workdays",
    "last_submission_at",
)
ITEM_FIELDS = ("records_received", "records_with_deadline", "records_late")


def test_a_shorter_run_leaves_older_months_alone(world, scjgj):
    refresh_provider_scorecards(today=TODAY, months=2)
    assert ProviderMonth.objects.get(provider=scjgj, month=dt.date(2026, 9, 1)).records_received == 3
    assert ProviderItemMonth.objects.filter(provider=scjgj, month=dt.date(2026, 5, 1)).exists()


# --- The pages ---------------------------------------------------------------------------------


@pytest.fixture
def idle(db):
    return ProviderFactory(code="mzj", name="南通市民政局", short_name="市民政局")


@pytest.fixture
def retired(db):
    return ProviderFactory(code="old", name="南通市已撤并局", is_active=False)


@freeze_time("2026-11-20 12:00:00")
def test_the_list_shows_every_provider_with_its_figures(client, world, idle, retired):
    refresh_provider_scorecards()
    html = client.get(reverse("providers:list")).content.decode()
    for name in ("南通市市场监督管理局", "南通市人力资源和社会保障局", "南通市民政局"):
        assert name in html
    assert "南通市已撤并局" not in html  # deactivated, and nothing to show for the period
    assert "75.0%" in html and "3/4" in html and "50.0%" in html and "4.0 个工作日" in html
    assert "2026-10-12" in html
    assert "工作日" in html and "近12个月" in html


@freeze_time("2026-11-20 12:00:00")
def test_the_list_is_searchable_and_sortable(client, world, idle):
    refresh_provider_scorecards()
    html = client.get(reverse("providers:list"), {"q": "人力资源"}).content.decode()
    assert "南通市人力资源和社会保障局" in html and "南通市市场监督管理局" not in html
    html = client.get(reverse("providers:list"), {"sort": "-received"}).content.decode()
    assert html.index("南通市市场监督管理局") < html.index("南通市人力资源和社会保障局") < html.index("南通市民政局")
    html = client.get(reverse("providers:list"), {"sort": "received"}).content.decode()
    assert html.index("南通市民政局") < html.index("南通市人力资源和社会保障局") < html.index("南通市市场监督管理局")
    html = client.get(reverse("providers:list"), {"q": "无此单位"}).content.decode()
    assert "没有名称含" in html


@freeze_time("2026-11-20 12:00:00")
def test_the_provider_page_shows_its_items_and_24_months(client, world, scjgj):
    refresh_provider_scorecards()
    response = client.get(reverse("providers:detail", args=["scjgj"]), {"period": "3m"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "行政处罚" in html and "行政许可" in html
    assert html.count('<th scope="row" class="fw-normal text-nowrap">') == 24
    assert "2026年11月" in html and "2024年12月" in html and "2024年11月" not in html
    assert "<svg" in html and "2026-09：按时 2，逾期 1，无时限 0" in html
    assert "陆志强" not in html and "bob" not in html  # no staff names


def test_an_unknown_provider_is_not_found(client, db):
    assert client.get("/providers/no-such-department/").status_code == 404


def test_the_pages_are_public_and_readable_from_a_replica(client, db):
    from nantong_credit.db_routers import REPLICA_READ_VIEWS

    assert {"providers:list", "providers:detail"} <= REPLICA_READ_VIEWS
    assert client.get("/providers/").status_code == 200
