"""The production Celery app for `.ci/production-smoke`'s beat: the production schedule plus one
entry due every few seconds, so that the smoke sees beat send a task while it runs (the real
schedule's nearest entry may be five minutes away). Nothing else differs from production."""

from nantong_credit.celery import app

SMOKE_ENTRY = "production-smoke"
SMOKE_TASK = "objections.tasks.sweep_objection_deadlines"

app.conf.beat_schedule = {**app.conf.beat_schedule, SMOKE_ENTRY: {"task": SMOKE_TASK, "schedule": 5.0}}


def unknown_scheduled_tasks() -> list[str]:
    """Entries of the production schedule whose task no module defines (a typo beat would send
    every day, and the worker would drop as unregistered)."""
    app.loader.import_default_modules()
    return sorted(
        f"{name}: {entry['task']}" for name, entry in app.conf.beat_schedule.items() if entry["task"] not in app.tasks
    )
