"""A real Celery worker (prefork, one child) for test_report_worker_lost.py, whose first report
rendering pauses long enough for the test to kill the process rendering it.

The child that renders first writes its pid to `SLOW_RENDER_MARKER` and sleeps; any later
rendering (the marker exists) runs at once. Everything else is the production worker, started
with the environment the test gives it (its database, Redis and media folder).

    python -m inquiry.tests.slow_report_worker
"""

import os
import time
from pathlib import Path

import django

PAUSE = 120  # seconds: far longer than the test waits for it


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nantong_credit.settings")
    django.setup()
    from django.conf import settings

    from inquiry.reports import rendering
    from nantong_credit.celery import app

    marker = Path(os.environ["SLOW_RENDER_MARKER"])
    render_report = rendering.render_report

    def slow_the_first_time(report, **kwargs):
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            time.sleep(PAUSE)
        return render_report(report, **kwargs)

    rendering.render_report = slow_the_first_time  # before the pool forks its children
    # Reports are interactive work: production's report worker reads that queue alone.
    app.worker_main(
        [
            "worker",
            "--queues",
            settings.CELERY_QUEUE_INTERACTIVE,
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
            "--without-mingle",
            "--without-gossip",
            "--hostname",
            f"slow-report-{os.getpid()}@%h",
        ]
    )


if __name__ == "__main__":
    main()
