"""Benchmark of credit report generation (issue 4): how long a 3-page report takes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nantong_bench .venv/bin/python bench/bench_reports.py

Needs a scratch database with migrations applied and `seed_demo` loaded (the published
catalog). It makes a company of its own (基准报告测试有限公司) with an agent account bound to it,
and gives the company 行政处罚 records (keys starting `基准报告`) until its report has `--pages`
pages, 3 by default. Each run orders a new report as the order page does (`order_report`:
numbering, query log, audit event), then does what the Celery worker does (`generate_report`:
claim, read the records, render the HTML, lay it out and write the PDF with WeasyPrint, store it
with its hash, register it in the archive).

The first report of a process loads and parses the CJK fonts: it is measured apart ("cold").
The warm runs give p50/p95 of the whole generation and of its phases (HTML, layout, PDF).
Goal (issue 4): a 3-page report in under 1 s. Results are printed and written to
bench/out/bench_reports-<time>.json. It leaves its reports, archive entries and audit events
in the scratch database (they are append-only by design).
"""

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "bench" / "out"
USER = "bench_reports"
SUBJECT_NAME = "基准报告测试有限公司"
SUBJECT_CODE_PREFIX = "91320602MA1BENCH0"  # 17 characters; the check character is computed
KEY_PREFIX = "基准报告"
GOAL_SECONDS = 1.0


def setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nantong_credit.settings")
    os.environ.setdefault("MEDIA_ROOT", str(OUT_DIR / "media"))
    os.environ.setdefault("DEBUG", "False")
    # The benchmark runs the worker's part itself: the order must not also run it in-process.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "False"
    import django

    django.setup()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float]) -> dict:
    return {"p50": statistics.median(values), "p95": percentile(values, 0.95), "min": min(values), "max": max(values)}


# --- Data -----------------------------------------------------------------------------------------


def bench_user_and_subject():
    """The benchmark's company and its agent (made once, found afterwards)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from stdnum.cn import uscc

    from catalog.models import SubjectKind
    from catalog.selectors import published_version
    from collection.models import SubjectBinding
    from collection.services.subjects import find_or_create_subject
    from nantong_credit import roles

    if published_version() is None:
        sys.exit("bench_reports needs the published catalog: run manage.py seed_demo first")
    code = SUBJECT_CODE_PREFIX + uscc.calc_check_digit(SUBJECT_CODE_PREFIX)
    subject = find_or_create_subject(kind=SubjectKind.LEGAL_PERSON, name=SUBJECT_NAME, identifier=code, actor=None)[0]
    user, _created = get_user_model().objects.get_or_create(username=USER, defaults={"real_name": "基准测试"})
    user.groups.add(Group.objects.get(name=roles.SUBJECT_USER))
    SubjectBinding.objects.get_or_create(
        user=user, subject=subject, status=SubjectBinding.Status.APPROVED, defaults={"reviewed_at": timezone.now()}
    )
    return get_user_model().objects.get(pk=user.pk), subject


def pad_records(subject, count: int) -> None:
    """Make the subject have exactly `count` benchmark penalties (on top of its own records)."""
    from django.utils import timezone

    from catalog.selectors import published_version
    from collection.models import Channel, CreditRecord
    from collection.services.upsert import content_hash

    CreditRecord.objects.filter(subject=subject, source_key__startswith=KEY_PREFIX).delete()
    item = published_version().items.get(code="admin_penalty")
    provider = item.providers.order_by("code").first()
    today = timezone.localdate()
    for n in range(count):
        decided = today - dt.timedelta(days=20 + 11 * n)
        data = {
            "penalty_document_number": f"{KEY_PREFIX}〔{decided.year}〕{n + 1}号",
            "violation_type": "未按规定公示年度报告",
            "violation_facts": "当事人未按规定期限公示上一年度年度报告，经责令后已补报。",
            "penalty_basis": "《企业信息公示暂行条例》第十八条",
            "penalty_types": ["警告", "罚款"],
            "penalty_content": "给予警告，并处罚款5000元。",
            "fine_amount": "0.5",
            "decision_date": decided.isoformat(),
        }
        CreditRecord.objects.create(
            subject=subject,
            provider=provider,
            item_code=item.code,
            catalog_item=item,
            source_key=data["penalty_document_number"],
            category=item.category,
            is_dishonesty=item.is_dishonesty,
            decision_date=decided,
            disclosure_ends_on=today + dt.timedelta(days=300),
            data=data,
            content_hash=content_hash(subject.identifier_hash, data),
            channel=Channel.SEED,
            received_at=timezone.now(),
        )


def pages_of(user, subject) -> int:
    from django.utils import timezone

    from catalog.models import Category
    from inquiry.models import CreditReport
    from inquiry.reports.rendering import render_pdf, report_html
    from inquiry.reports.services import edition_for

    probe = CreditReport(
        number="NTXY-PROBE",
        verification_code="PROB-PROB-PROB",
        subject=subject,
        edition=edition_for(subject),
        ordered_by=user,
        categories=list(Category.values),
    )
    return render_pdf(report_html(probe, generated_at=timezone.now())).page_count


def fit_pages(user, subject, pages: int) -> tuple[int, float]:
    """The most benchmark records with which the report still has `pages` pages, and how long the
    process's first layout took (it loads and parses the fonts)."""
    padding = 0
    pad_records(subject, padding)
    started = time.perf_counter()
    first = pages_of(user, subject)
    cold = time.perf_counter() - started
    if first > pages:
        sys.exit(f"a report without records already has more than {pages} pages")
    while True:
        pad_records(subject, padding + 1)
        if pages_of(user, subject) > pages:
            pad_records(subject, padding)
            return padding, cold
        padding += 1


# --- Measurement ------------------------------------------------------------------------------------


def one_report(user, subject) -> dict:
    from inquiry.reports.services import generate_report, order_report

    started = time.perf_counter()
    report = order_report(user=user, subject=subject)
    ordered, cpu = time.perf_counter(), time.process_time()
    report = generate_report(report_id=report.pk)
    done, cpu_done = time.perf_counter(), time.process_time()
    if report is None or report.status != "ready":
        sys.exit(f"report generation failed: {getattr(report, 'error', 'not claimed')}")
    return {
        "order": ordered - started,
        "generate": done - ordered,
        "generate_cpu": cpu_done - cpu,
        "pages": report.page_count,
        "bytes": report.size,
        "number": report.number,
    }


def phases(report) -> dict:
    """The generation's parts, on a finished report: HTML (records + template), layout, PDF."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    from inquiry.reports.rendering import report_html

    t0 = time.perf_counter()
    html = report_html(report, generated_at=report.generated_at)
    t1 = time.perf_counter()
    document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)).render()
    t2 = time.perf_counter()
    document.write_pdf()
    t3 = time.perf_counter()
    return {"html": t1 - t0, "layout": t2 - t1, "pdf": t3 - t2}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--pages", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from inquiry.models import CreditReport

    user, subject = bench_user_and_subject()
    cpu_start = resource.getrusage(resource.RUSAGE_SELF)
    padding, cold = fit_pages(user, subject, args.pages)
    runs = [one_report(user, subject) for _ in range(args.runs)]
    cpu_end = resource.getrusage(resource.RUSAGE_SELF)
    last = CreditReport.objects.get(number=runs[-1]["number"])
    parts = [phases(last) for _ in range(min(10, args.runs))]

    totals = [run["order"] + run["generate"] for run in runs]
    result = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "database": connection.vendor,
        "subject": subject.name,
        "padding_records": padding,
        "pages": sorted({run["pages"] for run in runs}),
        "pdf_bytes": statistics.median(run["bytes"] for run in runs),
        "runs": args.runs,
        "first_layout_of_the_process_s": cold,
        "generate_s": summary([run["generate"] for run in runs]),
        # This process's CPU time: what the generation costs whatever else the machine is doing.
        "generate_cpu_s": summary([run["generate_cpu"] for run in runs]),
        "order_s": summary([run["order"] for run in runs]),
        "order_and_generate_s": summary(totals),
        "phases_s": {name: summary([part[name] for part in parts]) for name in ("html", "layout", "pdf")},
        "cpu_s": (cpu_end.ru_utime + cpu_end.ru_stime) - (cpu_start.ru_utime + cpu_start.ru_stime),
        "load_average": os.getloadavg(),
        "goal_s": GOAL_SECONDS,
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out = OUT_DIR / f"bench_reports-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))

    g = result["generate_s"]
    print(
        f"{subject.name}: {result['pages']} pages ({padding} benchmark records added), "
        f"{result['pdf_bytes'] / 1024:.0f} KB, {args.runs} runs on {connection.vendor}"
    )
    print(
        f"generate_report  p50 {g['p50'] * 1000:.0f} ms  p95 {g['p95'] * 1000:.0f} ms  "
        f"(min {g['min'] * 1000:.0f}, max {g['max'] * 1000:.0f})  goal < {GOAL_SECONDS * 1000:.0f} ms"
    )
    c = result["generate_cpu_s"]
    print(f"  its CPU time   p50 {c['p50'] * 1000:.0f} ms  p95 {c['p95'] * 1000:.0f} ms")
    o = result["order_s"]
    print(f"order_report     p50 {o['p50'] * 1000:.0f} ms  p95 {o['p95'] * 1000:.0f} ms")
    for name, values in result["phases_s"].items():
        print(f"  {name:<6} p50 {values['p50'] * 1000:.0f} ms  p95 {values['p95'] * 1000:.0f} ms")
    print(
        f"the process's first layout (loads the fonts): {cold:.1f} s; CPU {result['cpu_s']:.1f} s in all; "
        f"load average {' '.join(f'{value:.2f}' for value in result['load_average'])}"
    )
    print(f"written to {out}")


if __name__ == "__main__":
    main()
