"""Run the deadline sweeps once, now, in this process.

Celery beat runs them every five minutes in production. The embedded mode (`make run`) has no
beat: run this from cron (or by hand in a demo) to send the reminders, apply the consequences
of missed deadlines and mark the records whose period has ended 已到期, and to queue again or
fail the long jobs stuck past their time limit, and to delete the files of rejected uploads
past their retention period. Safe to run at any time and any number of times.
"""

from django.core.management.base import BaseCommand

from collection.tasks import purge_rejected_uploads, sweep_record_expiry
from nantong_credit.jobs import sweep_stuck_jobs
from objections.tasks import sweep_objection_deadlines
from repair.tasks import sweep_repair_deadlines


class Command(BaseCommand):
    help = "Run the objection, credit repair, record expiry, stuck-job and rejected-upload sweeps once (what Celery beat schedules)."

    def handle(self, *args, **options):
        objections = sweep_objection_deadlines()
        repair = sweep_repair_deadlines()
        expired = sweep_record_expiry()
        stuck = sweep_stuck_jobs()
        purged = purge_rejected_uploads()
        self.stdout.write(f"异议 objections: {objections}")
        self.stdout.write(f"信用修复 repair: {repair}")
        self.stdout.write(f"已到期 expired records: {expired}")
        self.stdout.write(f"删除过期的被拒上传文件 rejected upload files deleted: {purged}")
        for model, counts in stuck.items():
            self.stdout.write(f"中断的任务 stuck jobs {model}: {counts}")
