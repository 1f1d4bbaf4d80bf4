"""An index for name searches narrowed by the search form's filters (主体类别, 所属地区, 登记状态).

A name term and a filter are each common, and together rare or absent: 有限 is in two names of
three and 个体工商户 one subject of five, but no 个体工商户 is named 有限…. With one index per
condition the database finds neither the few matches nor their absence without reading every
subject (1.2–1.3 s at 1,000,000 subjects on the reference machine; issue 12). So each public
subject's name grams are also indexed prefixed by its filter values: `k:<kind>|有限`,
`d:<district>|南`, `s:<status>|公`. A filtered term is then one or two exact keys of this index,
whose posting lists hold exactly the matches (0.1 ms for an absent combination, 5 ms for
南 + 海安市 + 迁出); `inquiry.search` reads their shares from `ANALYZE` to choose between this
index and reading in table order, the way it does for unfiltered terms.

The statistics target is raised so that `pg_stats` keeps every key held by more than a few
tenths of a percent of the subjects: the decision needs the shares of the common ones.
"""

from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION inquiry_filter_keys(grams text[], kind text, district text, status text)
    RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(key), '{}') FROM (
            SELECT 'k:' || kind || '|' || gram FROM unnest(grams) AS gram
            UNION ALL
            SELECT 'd:' || district || '|' || gram FROM unnest(grams) AS gram WHERE district <> ''
            UNION ALL
            SELECT 's:' || status || '|' || gram FROM unnest(grams) AS gram WHERE status <> ''
        ) AS keys(key)
    $$
    """,
    # CONCURRENTLY: at 1,000,000 subjects the build takes minutes, and imports must go on.
    """
    CREATE INDEX CONCURRENTLY IF NOT EXISTS subject_filter_keys_gin ON collection_subject
    USING gin (inquiry_filter_keys(name_grams, kind, district, registration_status))
    WHERE kind <> 'natural_person'
    """,
    "ALTER INDEX subject_filter_keys_gin ALTER COLUMN 1 SET STATISTICS 300",
]

BACKWARD = [
    "DROP INDEX CONCURRENTLY IF EXISTS subject_filter_keys_gin",
    "DROP FUNCTION IF EXISTS inquiry_filter_keys(text[], text, text, text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    # A concurrent index build cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("inquiry", "0004_report_and_batch_check_job_restarts"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), atomic=False, elidable=False),
    ]
