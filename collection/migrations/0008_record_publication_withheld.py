"""Periods counted as 民法典 Art. 201 counts them, and records that are never published (SPEC §2).

Records stored before this migration had `repairable_from` on the day the minimum period ends:
an application is accepted only from the day after. 轻微 penalties were published; none of them
carries a statement that publication is necessary (the field is new), so all are withheld, as
is any record whose period had a maximum of 0 (it ended on its decision day). Plain SQL, so that
later changes of the live code cannot change what this migration did.
"""

from django.db import migrations, models


def count_periods_as_art_201(apps, schema_editor):
    table = apps.get_model("collection", "CreditRecord")._meta.db_table
    next_day = (
        "repairable_from + 1" if schema_editor.connection.vendor == "postgresql" else "date(repairable_from, '+1 day')"
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET repairable_from = {next_day} WHERE repairable_from IS NOT NULL")
        cursor.execute(
            f"UPDATE {table} SET publication_withheld = %s, repairable_from = NULL "
            f"WHERE severity = 'light' OR (disclosure_ends_on IS NOT NULL AND disclosure_ends_on = decision_date)",
            [True],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_initial"),
        ("collection", "0007_record_public_dishonesty_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="creditrecord",
            name="record_public_dishonesty",
        ),
        migrations.AddField(
            model_name="creditrecord",
            name="publication_withheld",
            field=models.BooleanField(default=False, verbose_name="不予公示"),
        ),
        migrations.AlterField(
            model_name="creditrecord",
            name="status",
            field=models.CharField(
                choices=[("active", "有效"), ("corrected", "已更正"), ("revoked", "已撤销"), ("expired", "已到期")],
                default="active",
                max_length=12,
                verbose_name="状态",
            ),
        ),
        migrations.AlterField(
            model_name="recordrevision",
            name="status",
            field=models.CharField(
                choices=[("active", "有效"), ("corrected", "已更正"), ("revoked", "已撤销"), ("expired", "已到期")],
                max_length=12,
                verbose_name="状态",
            ),
        ),
        migrations.RunPython(count_periods_as_art_201, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="creditrecord",
            index=models.Index(
                condition=models.Q(
                    ("is_dishonesty", True),
                    ("is_public", True),
                    ("publication_withheld", False),
                    ("repaired_at__isnull", True),
                    ("suspended_since__isnull", True),
                ),
                fields=["subject"],
                include=("status", "disclosure_ends_on"),
                name="record_public_dishonesty",
            ),
        ),
    ]
