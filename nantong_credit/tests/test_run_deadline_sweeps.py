"""`run_deadline_sweeps` does in one call what beat schedules, for the embedded mode."""

import datetime as dt

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from collection.models import CreditRecord
from objections.models import Objection


@pytest.mark.django_db
def test_it_applies_a_missed_provider_deadline_once(capsys):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    referred = Objection.objects.get(status=Objection.Status.REFERRED)
    with freeze_time(referred.provider_due_at + dt.timedelta(hours=1)):
        call_command("run_deadline_sweeps")
        first = capsys.readouterr().out
        call_command("run_deadline_sweeps")
        second = capsys.readouterr().out
    assert "'provider_overdue': 1" in first and "'provider_overdue': 0" in second
    record = referred.records.get()
    assert CreditRecord.objects.get(pk=record.pk).suspended_since is not None
