"""The production Celery app for deploy/topology-test's beat: the production schedule, with the
stuck-job sweep every 10 seconds instead of every 5 minutes, so that the test sees beat, the sweeps
worker and the sweep recover a killed worker's report within its few minutes. Nothing else differs
(the test also lowers CREDIT_REPORT_TIME_LIMIT and STUCK_JOB_GRACE_SECONDS, see deploy/README.md)."""

from nantong_credit.celery import app

SWEEP_ENTRY = "sweep-stuck-jobs"
SWEEP_EVERY = 10.0  # seconds

app.conf.beat_schedule = {
    **app.conf.beat_schedule,
    SWEEP_ENTRY: {**app.conf.beat_schedule[SWEEP_ENTRY], "schedule": SWEEP_EVERY},
}
