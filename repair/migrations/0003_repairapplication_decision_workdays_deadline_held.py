from django.conf import settings
from django.db import migrations, models


def period_in_force(apps, schema_editor):
    # Applications filed so far were given the period configured now (5 unless set otherwise).
    workdays = int(getattr(settings, "REPAIR_DECISION_WORKDAYS", 5))
    if workdays != 5:
        apps.get_model("repair", "RepairApplication").objects.update(decision_workdays=workdays)


class Migration(migrations.Migration):
    dependencies = [
        ("repair", "0002_repair_oversee_permission"),
    ]

    operations = [
        migrations.AddField(
            model_name="repairapplication",
            name="decision_workdays",
            field=models.PositiveSmallIntegerField(default=5, verbose_name="办理期限（工作日）"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="repairapplication",
            name="deadline_held_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="期限待确认时间"),
        ),
        # Last: on PostgreSQL no ALTER TABLE may follow an UPDATE in the same transaction.
        migrations.RunPython(period_in_force, migrations.RunPython.noop),
    ]
