"""The demo shows the scorecard and a record with a history right after `seed_demo` (the
embedded mode has no beat), and a second run leaves both as they are."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from collection.models import CreditRecord
from inquiry.demo import HISTORY_LICENCE
from supervision.models import ProviderMonth

pytestmark = pytest.mark.django_db


def test_the_demo_has_figures_and_a_record_history(client, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())
    assert ProviderMonth.objects.filter(records_received__gt=0).exists()

    html = client.get(reverse("providers:list")).content.decode()
    assert "数据统计于" in html and "南通市市场监督管理局" in html

    licence = CreditRecord.objects.select_related("subject").get(source_key=HISTORY_LICENCE)
    page = client.get(reverse("subjects:record", args=[licence.subject.code, licence.pk])).content.decode()
    assert "信息提供单位更新" in page and "糕点类食品制售" in page

    figures = sorted(ProviderMonth.objects.values_list("provider_id", "month", "records_received", "records_updated"))
    call_command("seed_demo", stdout=StringIO())
    assert (
        sorted(ProviderMonth.objects.values_list("provider_id", "month", "records_received", "records_updated"))
        == figures
    )
    assert CreditRecord.objects.get(pk=licence.pk).revision == 2
