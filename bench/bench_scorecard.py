"""Benchmark of the providers' public scorecard (issue 15 §2): the sweep that fills the monthly
figures, and the two public pages that read them, on a database of realistic size.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/nantong_bench_scorecard
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python bench/generate_bench_data.py --subjects 1000000 --records 5000000
    .venv/bin/python bench/bench_scorecard.py

It times, in this order: a plain `COUNT(*)` of the records table (the yardstick: the sweep's
GROUP BYs read the window's records once each), `refresh_provider_scorecards` over the 24-month
window (what beat runs nightly) twice — the second run writes the same figures — and over the
last two months (the hourly run); then `/providers/` and `/providers/<code>/` through Django's
test client, each the median of 10 requests, with their query counts. The pages read only the
precomputed rows, so their time should not depend on the number of records. Not a test and not
part of the suite; results go to bench/out/bench_scorecard-<time>.json.
"""

import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "bench" / "out"


def setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nantong_credit.settings")
    os.environ.setdefault("DEBUG", "False")
    import django

    django.setup()


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def count_records() -> float:
    from django.db import connection

    def count():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM collection_creditrecord")
            return cursor.fetchone()[0]

    return statistics.median(timed(count)[0] for _ in range(3))


def page_times(path: str, runs: int = 10) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            seconds, response = timed(lambda: client.get(path, secure=True))
        assert response.status_code == 200, (path, response.status_code)
        times.append(seconds)
        queries = len(captured)
    return {"path": path, "median_seconds": round(statistics.median(times), 4), "queries": queries}


def main() -> None:
    setup_django()
    from django.db import connection

    from catalog.models import Provider
    from collection.models import CreditRecord, RecordRevision
    from supervision.providers.services import refresh_provider_scorecards

    provider = Provider.objects.order_by("code").first()
    result = {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": connection.settings_dict["NAME"],
        "records": CreditRecord.objects.count(),
        "revisions": RecordRevision.objects.count(),
        "load_average": os.getloadavg(),
        "count_records_seconds": round(count_records(), 3),
    }
    for name, months in (("refresh_24_months_first", 24), ("refresh_24_months_again", 24), ("refresh_2_months", 2)):
        seconds, rows = timed(lambda months=months: refresh_provider_scorecards(months=months))
        result[name] = {"seconds": round(seconds, 3), "rows": rows}
    result["ratio_refresh_to_count"] = round(
        result["refresh_24_months_again"]["seconds"] / result["count_records_seconds"], 1
    )
    result["pages"] = [page_times("/providers/"), page_times(f"/providers/{provider.code}/")]
    print(json.dumps(result, ensure_ascii=False, indent=2))
    OUT_DIR.mkdir(exist_ok=True)
    (OUT_DIR / f"bench_scorecard-{dt.datetime.now():%Y%m%d-%H%M%S}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
