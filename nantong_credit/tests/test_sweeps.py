"""The sweeps the apps register (`nantong_credit.sweeps`): `run_deadline_sweeps` runs them, and a
system check keeps beat's schedule and the sweeps queue in step with them."""

from nantong_credit import sweeps
from nantong_credit.celery import app
from nantong_credit.checks import sweeps_scheduled

REPAIR_SWEEP = "repair.tasks.sweep_repair_deadlines"


def test_the_apps_register_their_sweeps_each_a_task_of_the_project():
    app.autodiscover_tasks(force=True)
    registered = [sweep.task for sweep in sweeps.registered()]
    assert registered == [
        "objections.tasks.sweep_objection_deadlines",
        REPAIR_SWEEP,
        "collection.tasks.sweep_record_expiry",
        "inquiry.tasks.tell_followers",
        "collection.tasks.purge_rejected_uploads",
        "collection.tasks.sweep_pull_sources",
        "supervision.tasks.sweep_accountability_deadlines",
        "supervision.tasks.remind_missing_filings",
        "supervision.tasks.refresh_provider_scorecards",
        "supervision.tasks.issue_due_statistical_reports",
        "supervision.tasks.refresh_public_statistics",
        "nantong_credit.tasks.sweep_missing_case_files",
        "nantong_credit.tasks.sweep_stuck_jobs",
    ]
    assert set(registered) <= set(app.tasks)


def test_every_registered_sweep_is_on_beats_schedule_and_the_sweeps_queue(settings):
    assert sweeps_scheduled(None) == []

    settings.CELERY_BEAT_SCHEDULE = {
        name: entry for name, entry in settings.CELERY_BEAT_SCHEDULE.items() if entry["task"] != REPAIR_SWEEP
    }
    settings.CELERY_TASK_ROUTES = {**settings.CELERY_TASK_ROUTES, REPAIR_SWEEP: {"queue": "bulk"}}
    errors = sweeps_scheduled(None)

    assert [error.id for error in errors] == ["nantong_credit.E021", "nantong_credit.E021"]
    assert all(REPAIR_SWEEP in error.msg for error in errors)
    assert "CELERY_BEAT_SCHEDULE" in errors[0].msg and "sweeps queue" in errors[1].msg
