"""The center's clerks may read the working-day calendar their deadlines run on."""

from django.db import migrations


def sync(apps, schema_editor):
    from nantong_credit.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_roles")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
