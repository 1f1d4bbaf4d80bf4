"""Run the deadline sweeps once, now, in this process.

Celery beat runs them every five minutes in production. The embedded mode (`make run`) has no
beat: run this from cron (or by hand in a demo) to send the reminders, apply the consequences
of missed deadlines and mark the records whose period has ended 已到期, and to queue again or
fail the long jobs stuck past their time limit, and to delete the files of rejected uploads
past their retention period. Safe to run at any time and any number of times.

The sweeps are those the apps register (`nantong_credit.sweeps`).
"""

from django.core.management.base import BaseCommand

from nantong_credit import sweeps


class Command(BaseCommand):
    help = "Run the objection, credit repair, record expiry, stuck-job and rejected-upload sweeps once (what Celery beat schedules)."

    def handle(self, *args, **options):
        results = [(sweep, sweep.run()) for sweep in sweeps.registered()]
        for sweep, result in results:
            for line in sweep.lines(result):
                self.stdout.write(line)
