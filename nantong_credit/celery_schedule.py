"""The Celery queues, task routes and beat schedule: plain data, read by settings.py.

No environment is read here (settings.py is the one module that does).
"""

from celery.schedules import crontab
from kombu import Queue

# Queues: each kind of work has its own, and production runs a worker per queue (README,
# "Queues"), so that a 100,000-row import or a long sweep never stands in front of a citizen's
# report. Every task of the project is routed by name below; a system check
# (nantong_credit.E013) stops the start when one is not, and a route to a queue not declared
# here fails when the task is sent instead of waiting on a queue no worker reads.
QUEUE_INTERACTIVE = "interactive"  # a person waits for it: reports, batch checks, e-mails
QUEUE_BULK = "bulk"  # long jobs someone started and checks on later: imports, chain verification
QUEUE_SWEEPS = "sweeps"  # beat's schedule: deadlines, expiry, stuck jobs, checkpoints
TASK_QUEUES = [Queue(name) for name in (QUEUE_INTERACTIVE, QUEUE_BULK, QUEUE_SWEEPS)]
TASK_ROUTES = {
    **{
        task: {"queue": QUEUE_INTERACTIVE}
        for task in (
            "inquiry.tasks.generate_credit_report",
            "inquiry.tasks.run_batch_check_task",
            "nantong_credit.tasks.email_notification",
            "nantong_credit.tasks.send_password_reset_mail",
            "collection.tasks.tell_holder_of_duplicate_registration",
        )
    },
    **{
        task: {"queue": QUEUE_BULK}
        for task in (
            "collection.tasks.process_bulk_import",
            "collection.tasks.pull_source",
            "supervision.tasks.issue_statistical_report",
            "audit.tasks.run_chain_verification",
            # Case files (Art. 20) of closed cases: nobody waits for them.
            "objections.tasks.make_objection_case_file",
            "repair.tasks.make_repair_case_file",
        )
    },
    **{
        task: {"queue": QUEUE_SWEEPS}
        for task in (
            "nantong_credit.tasks.warn_about_unknown_holiday_years",
            "nantong_credit.tasks.sweep_stuck_jobs",
            "objections.tasks.sweep_objection_deadlines",
            "repair.tasks.sweep_repair_deadlines",
            "supervision.tasks.sweep_accountability_deadlines",
            "supervision.tasks.remind_missing_filings",
            "collection.tasks.sweep_record_expiry",
            "collection.tasks.purge_rejected_uploads",
            "collection.tasks.sweep_pull_sources",
            "audit.tasks.write_chain_checkpoint",
            "nantong_credit.tasks.sweep_missing_case_files",
            "supervision.tasks.refresh_provider_scorecards",
            "supervision.tasks.issue_due_statistical_reports",
            "supervision.tasks.refresh_public_statistics",
            "inquiry.tasks.tell_followers",
        )
    },
}
BEAT_SCHEDULE = {
    # Department databases (数据库对接, Art. 9): the sweep queues each source whose interval is up.
    "sweep-pull-sources": {
        "task": "collection.tasks.sweep_pull_sources",
        "schedule": crontab(minute="*"),
    },
    # 关注 (issue 16 §3): followers and agents are told of new records within the minute.
    "tell-followers": {
        "task": "inquiry.tasks.tell_followers",
        "schedule": crontab(minute="*"),
    },
    "warn-unknown-holiday-years": {
        "task": "nantong_credit.tasks.warn_about_unknown_holiday_years",
        "schedule": crontab(hour=8, minute=0),
    },
    # Deadlines of objections and repair applications: reminders before, consequences after.
    # Each sweep reads the database and is safe to run twice; every 5 minutes keeps a missed
    # 24:00 deadline from being acted on more than a few minutes late.
    "sweep-objection-deadlines": {
        "task": "objections.tasks.sweep_objection_deadlines",
        "schedule": crontab(minute="*/5"),
    },
    "sweep-repair-deadlines": {
        "task": "repair.tasks.sweep_repair_deadlines",
        "schedule": crontab(minute="*/5"),
    },
    # Accountability letters' response deadlines (working days, like the cases above).
    "sweep-accountability-deadlines": {
        "task": "supervision.tasks.sweep_accountability_deadlines",
        "schedule": crontab(minute="*/5"),
    },
    # Departments that have filed nothing under Art. 12/18: at most one reminder a month each.
    "remind-missing-filings": {
        "task": "supervision.tasks.remind_missing_filings",
        "schedule": crontab(hour=9, minute=30),
    },
    # Long jobs (reports, imports, batch checks, chain verification) whose worker died.
    "sweep-stuck-jobs": {
        "task": "nantong_credit.tasks.sweep_stuck_jobs",
        "schedule": crontab(minute="*/5"),
    },
    # Periods end at midnight; the 06:05 run catches up on a night the 00:05 one was missed.
    "sweep-record-expiry": {
        "task": "collection.tasks.sweep_record_expiry",
        "schedule": crontab(hour="0,6", minute=5),
    },
    # Files of rejected uploads are kept for REJECTED_UPLOAD_RETENTION_DAYS, then deleted.
    "purge-rejected-uploads": {
        "task": "collection.tasks.purge_rejected_uploads",
        "schedule": crontab(hour=3, minute=15),
    },
    # Case files (Art. 20) whose task was lost when their case closed.
    "sweep-missing-case-files": {
        "task": "nantong_credit.tasks.sweep_missing_case_files",
        "schedule": crontab(minute="7-59/15"),
    },
    # The providers' public scorecard (/providers/) reads precomputed monthly figures: the whole
    # 24-month window nightly (answers and updates land in past months too), this month and the
    # last hourly so that the pages follow the day's submissions.
    "refresh-provider-scorecards": {
        "task": "supervision.tasks.refresh_provider_scorecards",
        "schedule": crontab(hour=1, minute=40),
    },
    "refresh-provider-scorecards-recent": {
        "task": "supervision.tasks.refresh_provider_scorecards",
        "schedule": crontab(minute=20),
        "kwargs": {"months": 2},
    },
    # Anchors the audit chain's head outside the database; rows deleted after the newest
    # checkpoint are what an owner of the tables could remove unseen, so keep this short.
    "audit-chain-checkpoint": {
        "task": "audit.tasks.write_chain_checkpoint",
        "schedule": crontab(minute="*/10"),
    },
    # Statistical reports (Art. 20): on the 1st the month before (and the quarter, the year when
    # one ended), after the 00:05 expiry sweep has settled the last day. Daily rather than
    # monthly: a day missed is made up the next, and an issued period is only looked up.
    "issue-statistical-reports": {
        "task": "supervision.tasks.issue_due_statistical_reports",
        "schedule": crontab(hour=1, minute=30),
    },
    # The public figures of /statistics/, recomputed from the database each night.
    "refresh-public-statistics": {
        "task": "supervision.tasks.refresh_public_statistics",
        "schedule": crontab(hour=2, minute=30),
    },
}
